/*
 * fontatlas: render TrueType fonts into the glyph atlases the firmware
 * links (struct face, fonts/face.h). A build-time tool: FreeType is used
 * here only; the box never parses a font.
 *
 *   fontatlas NAME FONT.ttf PX [NAME FONT.ttf PX ...] > faces.c
 *
 * For each face it renders Latin-1 (32-126, 160-255), Latin Extended-A
 * (256-383) and a little typographic punctuation with FreeType's light
 * hinting (vertical only, so stems stay crisp and spacing stays true) to
 * 8-bit coverage, cropped to each glyph's ink (rows padded with zeros to
 * a multiple of 4 bytes, so a glyph blends in whole groups of 4 pixels
 * with no ragged end), plus glyph 0: a hollow box
 * for everything the font lacks. Kerning comes from the font's kern table
 * for every pair of covered characters. Output is deterministic: the same
 * fonts give the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#define FACE_DIRECT 384 /* must match fonts/face.h */

static const unsigned extra[] = {0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c,
                                 0x201d, 0x201e, 0x2022, 0x2026, 0x20ac};

/* Coverage rows are padded with zeros to a multiple of 4 bytes (fonts/face.h). */
#define PAD4(w) (((w) + 3) & ~3)

struct g {
	unsigned cp;
	int left, top, w, h, advance;
	unsigned char *bits;
};

#define MAX_KERN 65535
static unsigned kern_left[MAX_KERN];

static unsigned cps[FACE_DIRECT + sizeof extra / sizeof extra[0]];
static int ncps;

static void die(const char *what, const char *file, int err)
{
	fprintf(stderr, "fontatlas: %s: %s (FreeType error %d)\n", file, what, err);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "fontatlas: out of memory\n");
		exit(1);
	}
	return p;
}

/* The fallback: a hollow box as tall as a capital, half an em wide. */
static void make_box(struct g *b, int px, int cap)
{
	int stroke = px / 14 > 1 ? px / 14 : 1;

	b->cp = 0;
	b->w = px / 2 > 3 ? px / 2 : 3;
	b->h = cap > 4 ? cap : 4;
	b->left = px / 10 > 1 ? px / 10 : 1;
	b->top = b->h;
	b->advance = (b->w + 2 * b->left) * 64;
	b->bits = xcalloc((size_t)PAD4(b->w) * (size_t)b->h, 1);
	for (int y = 0; y < b->h; y++)
		for (int x = 0; x < b->w; x++)
			if (x < stroke || y < stroke || x >= b->w - stroke || y >= b->h - stroke)
				b->bits[y * PAD4(b->w) + x] = 255;
}

static void emit_face(FT_Library lib, const char *name, const char *file, int px)
{
	FT_Face face;
	struct g *gl = xcalloc((size_t)ncps + 1, sizeof *gl);
	unsigned *gidx = xcalloc((size_t)ncps + 1, sizeof *gidx);
	int ng = 1, err, asc = 0, desc = 0, cap;
	unsigned direct[FACE_DIRECT] = {0};
	long total = 0, nkern = 0;

	err = FT_New_Face(lib, file, 0, &face);
	if (err)
		die("cannot open font", file, err);
	err = FT_Set_Pixel_Sizes(face, 0, (FT_UInt)px);
	if (err)
		die("cannot set the size", file, err);
	cap = (int)((face->size->metrics.ascender + 63) >> 6) * 72 / 100;
	if (!FT_Load_Char(face, 'H', FT_LOAD_DEFAULT | FT_LOAD_TARGET_LIGHT))
		cap = (int)((face->glyph->metrics.horiBearingY + 32) >> 6);
	make_box(&gl[0], px, cap);

	for (int i = 0; i < ncps; i++) {
		FT_UInt fi = FT_Get_Char_Index(face, cps[i]);
		FT_GlyphSlot s = face->glyph;
		struct g *o = &gl[ng];

		if (!fi)
			continue;
		err = FT_Load_Glyph(face, fi, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT);
		if (err || s->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY)
			continue;
		o->cp = cps[i];
		o->left = s->bitmap_left;
		o->top = s->bitmap_top;
		o->w = (int)s->bitmap.width;
		o->h = (int)s->bitmap.rows;
		o->advance = (int)s->linearHoriAdvance / 1024; /* 16.16 to 26.6, unhinted */
		o->bits = xcalloc((size_t)PAD4(o->w) * (size_t)o->h, 1);
		for (int y = 0; y < o->h; y++)
			memcpy(o->bits + y * PAD4(o->w), s->bitmap.buffer + y * s->bitmap.pitch,
			       (size_t)o->w);
		gidx[ng] = fi;
		if (o->top > asc)
			asc = o->top;
		if (o->h - o->top > desc)
			desc = o->h - o->top;
		ng++;
	}

	printf("\n/* %s: %s at %d px */\n", name, file, px);
	printf("static const uint8_t %s_cov[] = {", name);
	for (int i = 0; i < ng; i++)
		for (int k = 0; k < PAD4(gl[i].w) * gl[i].h; k++, total++)
			printf("%s%u,", total % 24 ? "" : "\n\t", gl[i].bits[k]);
	printf("\n\t0\n};\n");

	printf("static const struct face_glyph %s_glyphs[%d] = {\n", name, ng);
	total = 0;
	for (int i = 0; i < ng; i++) {
		printf("\t{%d, %d, %d, %d, %d, %ld}, /* U+%04X */\n", gl[i].left, gl[i].top,
		       gl[i].w, gl[i].h, gl[i].advance, total, gl[i].cp);
		total += (long)PAD4(gl[i].w) * gl[i].h;
	}
	printf("};\n");

	for (int i = 1; i < ng; i++)
		if (gl[i].cp < FACE_DIRECT)
			direct[gl[i].cp] = (unsigned)i;
	printf("static const uint16_t %s_direct[%d] = {", name, FACE_DIRECT);
	for (int i = 0; i < FACE_DIRECT; i++)
		printf("%s%u,", i % 24 ? "" : "\n\t", direct[i]);
	printf("\n};\n");

	printf("static const uint32_t %s_xcp[] = {", name);
	for (int i = 1; i < ng; i++)
		if (gl[i].cp >= FACE_DIRECT)
			printf(" 0x%x,", gl[i].cp);
	printf(" 0};\nstatic const uint16_t %s_xg[] = {", name);
	int nextra = 0;
	for (int i = 1; i < ng; i++)
		if (gl[i].cp >= FACE_DIRECT)
			printf(" %d,", i), nextra++;
	printf(" 0};\n");

	/* Kerning, sorted by (left, right) because gl is in code point order. */
	printf("static const struct face_kern %s_kern[] = {\n", name);
	if (FT_HAS_KERNING(face))
		for (int i = 1; i < ng; i++)
			for (int j = 1; j < ng; j++) {
				FT_Vector k;

				if (FT_Get_Kerning(face, gidx[i], gidx[j], FT_KERNING_UNFITTED,
				                   &k) ||
				    !k.x)
					continue;
				printf("\t{0x%08x, %ld},\n", gl[i].cp << 16 | gl[j].cp, (long)k.x);
				if (nkern < MAX_KERN)
					kern_left[nkern] = gl[i].cp;
				nkern++;
			}
	printf("\t{0xffffffff, 0}\n};\n");
	/* Where each left code point's run of pairs starts, for the direct range. */
	printf("static const uint16_t %s_kfirst[%d] = {", name, FACE_DIRECT + 1);
	{
		long at = 0, k = 0;

		for (int c = 0; c <= FACE_DIRECT; c++) {
			/* pairs were printed in order; count those whose left is below c */
			while (k < nkern && kern_left[k] < (unsigned)c)
				k++, at++;
			printf("%s%ld,", c % 16 ? "" : "\n\t", at);
		}
	}
	printf("\n};\n");

	printf("const struct face face_%s = {\n", name);
	printf("\t.name = \"%s %d\",\n\t.px = %d,\n\t.ascent = %d,\n\t.descent = %d,\n",
	       face->family_name, px, px, asc, desc);
	printf("\t.line = %d,\n", (int)((face->size->metrics.height + 63) >> 6));
	printf("\t.direct = %s_direct,\n\t.nextra = %d,\n\t.extra_cp = %s_xcp,\n", name, nextra,
	       name);
	printf("\t.extra_glyph = %s_xg,\n\t.nglyphs = %d,\n\t.glyphs = %s_glyphs,\n", name, ng,
	       name);
	printf("\t.coverage = %s_cov,\n\t.nkern = %ld,\n\t.kern = %s_kern,\n", name, nkern, name);
	printf("\t.kern_first = %s_kfirst,\n};\n", name);
	if (nkern > MAX_KERN) {
		fprintf(stderr, "fontatlas: %s: more than %d kerning pairs\n", file, MAX_KERN);
		exit(1);
	}
	fprintf(stderr, "fontatlas: %s: %d glyphs, %ld coverage bytes, %ld kerning pairs\n", name,
	        ng, total, nkern);

	for (int i = 0; i < ng; i++)
		free(gl[i].bits);
	free(gl);
	free(gidx);
	FT_Done_Face(face);
}

int main(int argc, char **argv)
{
	FT_Library lib;
	int err;

	if (argc < 4 || (argc - 1) % 3) {
		fprintf(stderr,
		        "usage: fontatlas NAME FONT.ttf PX [NAME FONT.ttf PX ...] > faces.c\n");
		return 2;
	}
	for (unsigned c = 32; c < FACE_DIRECT; c++)
		if (c < 127 || c >= 160)
			cps[ncps++] = c;
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		cps[ncps++] = extra[i];
	err = FT_Init_FreeType(&lib);
	if (err)
		die("cannot start FreeType", "-", err);
	printf("/* Generated by tools/fontatlas.c; do not edit. */\n");
	printf("#include \"fonts/face.h\"\n");
	for (int i = 1; i + 2 < argc; i += 3) {
		char *end;
		long px = strtol(argv[i + 2], &end, 10);

		if (*end || px < 6 || px > 200) {
			fprintf(stderr, "fontatlas: %s: size must be 6..200 px\n", argv[i + 2]);
			return 2;
		}
		emit_face(lib, argv[i], argv[i + 1], (int)px);
	}
	FT_Done_FreeType(lib);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "fontatlas: writing the output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
