/*
 * face: anti-aliased typefaces compiled into the binary.
 *
 * A face is one typeface at one pixel size: a glyph atlas of 8-bit
 * coverage made at build time by tools/fontatlas.c from a TrueType font
 * (FreeType runs there only; the firmware never parses a font). Each face
 * covers Latin-1, Latin Extended-A and the typographic punctuation track
 * titles use (dashes, quotes, ellipsis, euro); anything else draws glyph
 * 0, a visible hollow box. Advances and kerning are in 1/64 pixel so that
 * runs keep the font's spacing; glyphs land on whole pixels.
 *
 * Text is UTF-8. Bytes that are not valid UTF-8 count as one U+FFFD each
 * (drawn as the box), so any string is safe to measure and draw.
 */
#ifndef SLIPMAT_FACE_H
#define SLIPMAT_FACE_H

#include <stddef.h>
#include <stdint.h>

struct face_glyph {
	int16_t left, top; /* bitmap's offset from the pen: right, and up from the baseline */
	uint16_t w, h;     /* bitmap size; rows of FACE_ROW(w) coverage bytes */
	int32_t advance;   /* 1/64 px */
	uint32_t at;       /* offset of the bitmap in coverage */
};

struct face_kern {
	uint32_t pair; /* left code point << 16 | right code point */
	int32_t dx;    /* 1/64 px, added between the two */
};

/* Coverage rows are zero-padded to a multiple of 4 bytes. */
#define FACE_ROW(w) (((w) + 3) & ~3)

#define FACE_DIRECT 384 /* code points below this have a direct index */

struct face {
	const char *name;            /* "DejaVu Sans 20" */
	int px;                      /* nominal size (em) in pixels */
	int ascent;                  /* pixels above the baseline the tallest glyph reaches */
	int descent;                 /* pixels below it */
	int line;                    /* line pitch in pixels */
	const uint16_t *direct;      /* FACE_DIRECT glyph indexes, 0 = missing */
	int nextra;                  /* code points >= FACE_DIRECT covered: */
	const uint32_t *extra_cp;    /* sorted */
	const uint16_t *extra_glyph; /* their glyph indexes */
	int nglyphs;
	const struct face_glyph *glyphs; /* glyphs[0] is the fallback box */
	const uint8_t *coverage;
	int nkern;
	const struct face_kern *kern; /* sorted by pair */
	/* kern[kern_first[c] .. kern_first[c + 1]) have left code point c (c < FACE_DIRECT) */
	const uint16_t *kern_first;
};

/* The faces made at build time (the Makefile's FONT_FACES lists them). */
extern const struct face face_sans_13, face_sans_16, face_sans_20, face_sans_22, face_sans_28;
extern const struct face face_sans_bold_20, face_sans_bold_28, face_sans_bold_38;

/*
 * Decode one code point from *s and step past it.
 * Return: the code point; 0 at the end of the string (*s stays there);
 * 0xFFFD for each byte of a malformed sequence.
 */
uint32_t utf8_next(const char **s);

/* Return: cp's glyph, or glyph 0 (the box) when the face lacks it. */
const struct face_glyph *face_glyph(const struct face *f, uint32_t cp);

/* Return: the kerning between left and right in 1/64 px (0 for none). */
int face_kern(const struct face *f, uint32_t left, uint32_t right);

/* Return: the width in pixels of the first len bytes of text (all of it if len is (size_t)-1). */
int face_measure(const struct face *f, const char *text, size_t len);

/*
 * How much of text fits in max_w pixels, with an ellipsis when cut.
 * Return: the byte length of the part to draw (the whole string when it
 * fits; then *ellipsis is 0), else the longest prefix that fits together
 * with "…" (*ellipsis 1; the prefix may be empty; if not even the
 * ellipsis fits, 0 bytes and *ellipsis 0). Never cuts inside a UTF-8
 * sequence.
 */
size_t face_fit(const struct face *f, const char *text, int max_w, int *ellipsis);

#endif
