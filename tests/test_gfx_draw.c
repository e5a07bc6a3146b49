/*
 * test_gfx_draw: the primitives with alpha and anti-aliasing, as a user
 * would see them: each matches its golden image (tests/gfx_golden.h says
 * the tolerance), the row kernels blend with correct rounding, the NEON
 * kernels give the same pixels as the plain C ones for whole drawings
 * (run under qemu-aarch64), nothing is ever written outside the surface or
 * the clip rectangle, and scanout copies convert to RGB565 at any pitch.
 * The SSE2 kernels of the host build are held to the same test.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../fonts/face.h"
#include "../gfx/gfx.h"
#include "gfx_golden.h"

#define SENTINEL 0x00ab5a11u /* X byte 0: a surface pixel like any other */
#define PAD 9
#define W 96
#define H 64

static uint32_t canvas[(H + 2 * PAD) * (W + 2 * PAD + 3)];

/* A w x h surface with an odd stride inside a sentinel-filled canvas. */
static struct surface make(int w, int h, uint32_t bg)
{
	int cw = w + 2 * PAD + 3; /* odd pitch: stride not a multiple of 4 */
	struct surface s = {canvas + PAD * cw + PAD, w, h, cw};

	assert_true((size_t)(cw * (h + 2 * PAD)) <= sizeof canvas / sizeof canvas[0]);
	for (int i = 0; i < cw * (h + 2 * PAD); i++)
		canvas[i] = SENTINEL;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			s.px[y * s.stride + x] = bg;
	return s;
}

static void assert_margin_intact(const struct surface *s)
{
	int cw = s->stride, chh = s->h + 2 * PAD;

	for (int y = 0; y < chh; y++)
		for (int x = 0; x < cw; x++) {
			int inside = x >= PAD && x < PAD + s->w && y >= PAD && y < PAD + s->h;

			if (!inside && canvas[y * cw + x] != SENTINEL)
				fail_msg("write outside the surface at canvas (%d,%d)", x - PAD,
				         y - PAD);
		}
}

static uint32_t at(const struct surface *s, int x, int y)
{
	return s->px[y * s->stride + x];
}

static uint8_t amp[3][W];

static void make_wave(int w)
{
	for (int i = 0; i < w; i++) {
		amp[0][i] = (uint8_t)(128 + 120 * sin(i * 0.21));
		amp[1][i] = (uint8_t)(100 + 90 * sin(i * 0.47 + 1));
		amp[2][i] = (uint8_t)(60 + 55 * sin(i * 1.3 + 2));
	}
}

static const struct gfx_wave_style wave_style = {
    .bg = 0x101418,
    .band = {0xff1f5fbf, 0xc0e08020, 0x90ffffff},
};

static uint32_t image_px[24 * 20];

static void make_image(void)
{
	for (int y = 0; y < 20; y++)
		for (int x = 0; x < 24; x++) {
			unsigned a = (unsigned)(x * 255 / 23);

			image_px[y * 24 + x] = a << 24 | (y & 4 ? 0xff4040 : 0x40ff40);
		}
}

/* Each primitive on its own, as goldens name them. */
enum {
	P_FILL,
	P_RRECT,
	P_LINE,
	P_ARC,
	P_DISC,
	P_GRADV,
	P_GRADH,
	P_BLIT,
	P_MASK,
	P_WAVE,
	P_TEXT,
	NPRIM
};
static const char *const prim_name[NPRIM] = {
    "fill_alpha", "round_rect", "line", "arc",      "disc", "gradient_v",
    "gradient_h", "blit",       "mask", "waveform", "text",
};

static void draw_prim(struct surface *s, int p)
{
	static const struct gfx_image img = {image_px, 24, 20, 24};
	uint8_t mask[16 * 12];

	switch (p) {
	case P_FILL:
		gfx_fill_rect(s, 4, 4, 40, 30, 0x3060a0);
		gfx_fill_rect_alpha(s, 20, 16, 50, 30, 0x80ff8000);
		gfx_fill_rect_alpha(s, 60, 8, 30, 50, 0x20ffffff);
		break;
	case P_RRECT:
		gfx_round_rect(s, 3, 3, 60, 28, 8, 0xff2a7fff);
		gfx_round_rect(s, 30, 20, 60, 40, 14, 0xa0ff3070);
		gfx_round_rect(s, 70, 4, 20, 10, 30, 0xffffffff);
		break;
	case P_LINE:
		gfx_line(s, 5.5f, 5.5f, 90.5f, 58.5f, 1.0f, 0xffffffff);
		gfx_line(s, 10, 55, 80, 12, 3.5f, 0xc0ffb000);
		gfx_line(s, 48, 4, 48, 60, 2.0f, 0xff40ff40);
		break;
	case P_ARC:
		gfx_arc(s, 32, 32, 24, 6, -135, 135, 0xff303840);
		gfx_arc(s, 32, 32, 24, 6, -135, 20, 0xff20c0ff);
		gfx_arc(s, 74, 32, 16, 3, 0, 360, 0xc0ff6060);
		break;
	case P_DISC:
		gfx_disc(s, 30, 32, 20.5f, 0xffe0e0e0);
		gfx_disc(s, 62, 30, 12, 0x8000ff80);
		gfx_disc(s, 84, 50, 3, 0xffff4040);
		break;
	case P_GRADV:
		gfx_gradient_v(s, 0, 0, 48, 64, 0xff202830, 0xff808890);
		gfx_gradient_v(s, 40, 10, 50, 44, 0x00ff0000, 0xff0000ff);
		break;
	case P_GRADH:
		gfx_gradient_h(s, 0, 0, 96, 30, 0xff000000, 0xffffffff);
		gfx_gradient_h(s, 10, 34, 80, 26, 0xffff0000, 0x4000ff00);
		break;
	case P_BLIT:
		gfx_fill_rect(s, 0, 0, 48, 64, 0x2040ff);
		gfx_blit(s, 4, 4, &img, 255);
		gfx_blit(s, 36, 30, &img, 128);
		gfx_blit(s, 80, 50, &img, 255); /* clipped right and bottom */
		break;
	case P_MASK:
		for (int y = 0; y < 12; y++)
			for (int x = 0; x < 16; x++)
				mask[y * 16 + x] = (uint8_t)((x * 17) ^ (y * 21));
		gfx_mask(s, 5, 5, mask, 16, 12, 16, 0xffffffff);
		gfx_mask(s, 30, 20, mask, 16, 12, 16, 0x80ff0000);
		gfx_mask(s, -8, 56, mask, 16, 12, 16, 0xff00ff00);
		break;
	case P_WAVE: {
		const uint8_t *const a[3] = {amp[0], amp[1], amp[2]};

		gfx_waveform(s, 0, 4, 96, 56, a, &wave_style);
		break;
	}
	case P_TEXT:
		gfx_text_run(s, &face_sans_16, 2, 16, 0xffffffff, "AVo Wa Té ß ł ő");
		gfx_text_run(s, &face_sans_bold_20, 2, 38, 0xffffc040, "Łódź 128.0");
		gfx_text_fit(s, &face_sans_13, 2, 58, 70, 0xffa0c0ff, "Ärger über Çağrı Şimşek");
		break;
	}
}

static void test_each_primitive_matches_its_golden(void **state)
{
	(void)state;
	make_wave(W);
	make_image();
	for (int p = 0; p < NPRIM; p++) {
		struct surface s = make(W, H, 0x101010);

		draw_prim(&s, p);
		assert_margin_intact(&s);
		golden_check(prim_name[p], s.px, s.w, s.h, s.stride);
	}
}

/* Kernels: blending rounds to nearest, per channel, X byte 0. */
static void test_kernels_blend_to_nearest(void **state)
{
	const struct gfx_kernels *k = &gfx_kernels_scalar;
	uint32_t d[7], src[7];
	uint8_t m[7];

	(void)state;
	for (unsigned a = 0; a <= 255; a += 5)
		for (unsigned v = 0; v <= 255; v += 15) {
			uint32_t c = 0xff000000u | v << 16 | (255 - v) << 8 | (v / 2);
			uint32_t bg = (255 - v) << 16 | v << 8 | 77;

			for (int i = 0; i < 7; i++)
				d[i] = bg;
			k->blend(d, 7, c, a);
			for (int sh = 0; sh < 24; sh += 8) {
				double want =
				    (((c >> sh) & 0xff) * a + ((bg >> sh) & 0xff) * (255.0 - a)) /
				    255.0;

				assert_true(fabs((double)((d[6] >> sh) & 0xff) - want) <= 0.5);
			}
			assert_int_equal(d[0] >> 24, 0);
			for (int i = 0; i < 7; i++)
				d[i] = bg, m[i] = (uint8_t)a, src[i] = a << 24 | (c & 0xffffff);
			k->blend_mask(d, m, 7, c, 255);
			for (int i = 0; i < 7; i++)
				src[i + 0] = a << 24 | (c & 0xffffff);
			{
				uint32_t d2[7];

				for (int i = 0; i < 7; i++)
					d2[i] = bg;
				k->blit(d2, src, 7, 255);
				/* the same alpha three ways gives the same pixel */
				assert_int_equal(d[3], d2[3]);
				for (int i = 0; i < 7; i++)
					d2[i] = bg;
				k->blend(d2, 7, c, a);
				assert_int_equal(d[3], d2[3]);
			}
		}
}

#if defined(GFX_HAVE_SIMD)
static uint32_t rng = 12345;

static uint32_t rnd(void)
{
	rng = rng * 1664525u + 1013904223u;
	return rng >> 8 ^ rng << 13;
}

/* Long fills (a whole screen row and more take another path on x86): SIMD == C, no overrun. */
static void test_long_fills_match_scalar(void **state)
{
	static uint32_t d1[4200], d2[4200];
	static const int lens[] = {511, 512, 513, 1024, 1279, 1280, 4095};

	(void)state;
	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
		for (int off = 0; off < 4; off++) {
			uint32_t col = rnd() & 0xffffff;

			for (int i = 0; i < 4200; i++)
				d1[i] = d2[i] = rnd() & 0xffffff;
			gfx_kernels_scalar.fill(d1 + off, lens[k], col);
			gfx_kernels_simd.fill(d2 + off, lens[k], col);
			assert_memory_equal(d1, d2, sizeof d1);
		}
}

/* Every kernel, every length 0..70, every start alignment: SIMD (NEON or SSE2) == C. */
static void test_simd_kernels_match_scalar(void **state)
{
	static uint32_t d1[80], d2[80], src[80], table[8];
	static uint8_t m[80], a0[80], a1[80], a2[80];
	const struct gfx_kernels *c = &gfx_kernels_scalar, *n = &gfx_kernels_simd;

	(void)state;
	for (int i = 0; i < 8; i++)
		table[i] = rnd() & 0xffffff;
	for (int round = 0; round < 40; round++)
		for (int len = 0; len <= 70; len++) {
			int off = (int)(rnd() % 4);
			unsigned a = round % 3 == 0 ? 255 : rnd() % 256;
			uint32_t col = rnd();
			unsigned dist = rnd() % 260;

			for (int i = 0; i < 80; i++) {
				d1[i] = d2[i] = rnd() & 0xffffff;
				src[i] = rnd();
				/* runs of 0 and 255 coverage take the fast paths */
				m[i] = (uint8_t)(i / 16 % 3 == 0   ? 0
				                 : i / 16 % 3 == 1 ? 255
				                                   : rnd());
				a0[i] = (uint8_t)rnd(), a1[i] = (uint8_t)rnd(),
				a2[i] = (uint8_t)rnd();
			}
			/* pixels keep X bytes of 0: fill takes an XRGB colour */
			c->fill(d1 + off, len, col & 0xffffff);
			n->fill(d2 + off, len, col & 0xffffff);
			assert_memory_equal(d1, d2, sizeof d1);
			c->blend(d1 + off, len, col, a);
			n->blend(d2 + off, len, col, a);
			assert_memory_equal(d1, d2, sizeof d1);
			c->blend_mask(d1 + off, m + off, len, col, a);
			n->blend_mask(d2 + off, m + off, len, col, a);
			assert_memory_equal(d1, d2, sizeof d1);
			c->blit(d1 + off, src + off, len, a);
			n->blit(d2 + off, src + off, len, a);
			assert_memory_equal(d1, d2, sizeof d1);
			/* the glyph kernel: len x 3 blocks, rows 80 pixels / 23 bytes apart */
			if (len <= 23) {
				static uint32_t b1[3 * 80], b2[3 * 80];
				static uint8_t mk[3 * 23];

				for (int i = 0; i < 3 * 80; i++)
					b1[i] = b2[i] = rnd() & 0xffffff;
				for (int i = 0; i < 3 * 23; i++)
					mk[i] = (uint8_t)(i % 5 == 0   ? 0
					                  : i % 5 == 1 ? 255
					                               : rnd());
				c->mask(b1 + off, 80, mk, 23, len, 3, col, a);
				n->mask(b2 + off, 80, mk, 23, len, 3, col, a);
				assert_memory_equal(b1, b2, sizeof b1);
			}
			c->wave(d1 + off, len, a0 + off, a1 + off, a2 + off, dist, table);
			n->wave(d2 + off, len, a0 + off, a1 + off, a2 + off, dist, table);
			assert_memory_equal(d1, d2, sizeof d1);
		}
}

/* Whole drawings through the public calls: SIMD == C, pixel for pixel. */
static void test_simd_drawings_match_scalar(void **state)
{
	static uint32_t keep[(H + 2 * PAD) * (W + 2 * PAD + 3)];

	(void)state;
	make_wave(W);
	make_image();
	for (int p = 0; p < NPRIM; p++) {
		struct surface s;

		gfx_use_kernels(&gfx_kernels_scalar);
		s = make(W, H, 0x101010);
		draw_prim(&s, p);
		memcpy(keep, canvas, sizeof keep);
		gfx_use_kernels(&gfx_kernels_simd);
		s = make(W, H, 0x101010);
		draw_prim(&s, p);
		gfx_use_kernels(NULL);
		if (memcmp(keep, canvas, sizeof keep))
			fail_msg("%s: %s and plain C drawings differ", prim_name[p],
			         gfx_kernels_simd.name);
	}
}
#else
static void test_simd_kernels_match_scalar(void **state)
{
	(void)state;
	skip(); /* a build without NEON or SSE2: nothing to compare */
}

static void test_simd_drawings_match_scalar(void **state)
{
	(void)state;
	skip(); /* as above */
}

static void test_long_fills_match_scalar(void **state)
{
	(void)state;
	skip(); /* as above */
}
#endif

/* Zero sizes, far off-screen and huge coordinates draw nothing and never stray. */
static void test_edge_cases_write_nothing_outside(void **state)
{
	static const struct gfx_image img = {image_px, 24, 20, 24};
	const uint8_t *const a[3] = {amp[0], amp[1], amp[2]};
	uint8_t mask[4] = {255, 255, 255, 255};
	struct surface s = make(W, H, 0x101010);
	static uint32_t before[(H + 2 * PAD) * (W + 2 * PAD + 3)];
	static const int xs[] = {0, -5, W - 1, W, -1000000, INT_MIN, INT_MAX - 3, INT_MAX};

	(void)state;
	make_image();
	memcpy(before, canvas, sizeof before);
	/* zero and negative sizes */
	gfx_fill_rect_alpha(&s, 10, 10, 0, 10, 0xffffffff);
	gfx_round_rect(&s, 10, 10, 10, -3, 4, 0xffffffff);
	gfx_gradient_v(&s, 10, 10, 0, 0, 0xffffffff, 0xffffffff);
	gfx_gradient_h(&s, 10, 10, -1, 5, 0xffffffff, 0xffffffff);
	gfx_waveform(&s, 10, 10, 0, 20, a, &wave_style);
	gfx_line(&s, 10, 10, 20, 20, 0, 0xffffffff);
	gfx_arc(&s, 30, 30, 10, 2, 40, 40, 0xffffffff);
	gfx_disc(&s, 30, 30, 0, 0xffffffff);
	gfx_line(&s, NAN, 10, 20, 20, 2, 0xffffffff);
	gfx_disc(&s, INFINITY, 30, 5, 0xffffffff);
	/* alpha 0 */
	gfx_fill_rect_alpha(&s, 0, 0, W, H, 0x00ffffff);
	gfx_blit(&s, 0, 0, &img, 0);
	gfx_text_run(&s, &face_sans_16, 0, 12, 0x00ffffff, "invisible");
	assert_memory_equal(before, canvas, sizeof before);

	/* fully clipped and huge coordinates everywhere */
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
		for (size_t j = 0; j < sizeof xs / sizeof xs[0]; j++) {
			int x = xs[i], y = xs[j];

			gfx_fill_rect_alpha(&s, x, y, INT_MAX, INT_MAX, 0x80ffffff);
			gfx_round_rect(&s, x, y, 50, 50, 10, 0x80ffffff);
			gfx_gradient_h(&s, x, y, 40, 40, 0xffff0000, 0xff0000ff);
			gfx_blit(&s, x, y, &img, 200);
			gfx_mask(&s, x, y, mask, 2, 2, 2, 0xffffffff);
			gfx_waveform(&s, x, y, W, 30, a, &wave_style);
			gfx_line(&s, (float)x, (float)y, (float)x + 30, (float)y + 7, 3,
			         0xffffffff);
			gfx_arc(&s, (float)x, (float)y, 20, 4, 0, 270, 0xffffffff);
			gfx_text_run(&s, &face_sans_20, x, y, 0xffffffff, "Edge é");
			gfx_text_fit(&s, &face_sans_20, x, y, 40, 0xffffffff,
			             "Edge cases all round");
		}
	assert_margin_intact(&s);
}

/*
 * The clip rectangle: a view (gfx_sub) of a surface draws exactly what a
 * surface of the view's size would, and nothing outside the view.
 */
static void test_clip_rect_limits_every_primitive(void **state)
{
	static uint32_t alone[(H + 2 * PAD) * (W + 2 * PAD + 3)];
	const int cx = 17, cy = 9, cw = 41, ch = 37;

	(void)state;
	make_wave(W);
	make_image();
	for (int p = 0; p < NPRIM; p++) {
		struct surface s = make(cw, ch, 0x101010), v;
		int stride = s.stride;

		draw_prim(&s, p);
		for (int y = 0; y < ch; y++)
			memcpy(alone + y * cw, s.px + y * stride, (size_t)cw * sizeof *alone);
		s = make(W, H, 0x101010);
		v = gfx_sub(&s, cx, cy, cw, ch);
		draw_prim(&v, p);
		assert_margin_intact(&s);
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				int in = x >= cx && x < cx + cw && y >= cy && y < cy + ch;
				uint32_t want = in ? alone[(y - cy) * cw + x - cx] : 0x101010;

				if (at(&s, x, y) != want)
					fail_msg(
					    "%s: pixel (%d,%d) is %06x, not %06x (%s the clip)",
					    prim_name[p], x, y, at(&s, x, y), want,
					    in ? "inside" : "outside");
			}
	}
}

/* The waveform: each band covers amp / 255 of the half height about the centre. */
static void test_waveform_spans_follow_amplitude(void **state)
{
	uint8_t lo[4] = {0, 255, 128, 64}, mid[4] = {0, 0, 255, 0}, hi[4] = {0, 0, 0, 255};
	const uint8_t *const a[3] = {lo, mid, hi};
	const struct gfx_wave_style st = {0x000000, {0xff0000ff, 0xff00ff00, 0xffff0000}};
	struct surface s = make(4, 40, 0x777777);

	(void)state;
	gfx_waveform(&s, 0, 0, 4, 40, a, &st);
	for (int y = 0; y < 40; y++) {
		assert_int_equal(at(&s, 0, y), 0x000000);
		assert_int_equal(at(&s, 1, y), 0x0000ff);
		assert_int_equal(at(&s, 3, y), 0xff0000); /* high over low */
	}
	/* 128/255 of the half height: rows 10..29 of 40 */
	for (int y = 0; y < 40; y++)
		assert_int_equal(at(&s, 2, y), 0x00ff00); /* mid 255 covers the column, over low */
	lo[2] = 128, mid[2] = 0;
	gfx_waveform(&s, 0, 0, 4, 40, a, &st);
	for (int y = 0; y < 40; y++)
		assert_int_equal(at(&s, 2, y), y >= 10 && y < 30 ? 0x0000ffu : 0u);
}

/* RGB565 scanout at an odd-ish pitch, every rotation: the right pixel, converted. */
static void test_present_rgb565_rotates_and_converts(void **state)
{
	static uint32_t src_px[5 * 3];
	static uint16_t out[8 * 7];
	struct surface src = {src_px, 5, 3, 5};

	(void)state;
	for (int i = 0; i < 15; i++)
		src_px[i] = (uint32_t)(i * 0x10f0e1) & 0xffffff;
	for (int rot = 0; rot < 360; rot += 90) {
		int dw = rot % 180 ? 3 : 5, dh = rot % 180 ? 5 : 3;
		struct scanout so = {out, dw, dh, 7 * 2, GFX_RGB565};

		for (int i = 0; i < 8 * 7; i++)
			out[i] = 0xbeef;
		assert_int_equal(gfx_present_rect(&so, &src, rot, 0, 0, 5, 3), 0);
		for (int y = 0; y < 3; y++)
			for (int x = 0; x < 5; x++) {
				int ox, oy;
				uint32_t p = src_px[y * 5 + x];
				uint16_t want = (uint16_t)((p >> 19 & 0x1f) << 11 |
				                           (p >> 10 & 0x3f) << 5 | (p >> 3 & 0x1f));

				gfx_rotate_point(rot, 5, 3, x, y, &ox, &oy);
				assert_int_equal(out[oy * 7 + ox], want);
			}
		for (int y = 0; y < 8; y++)
			for (int x = dw; x < 7; x++)
				assert_int_equal(out[y * 7 + x], 0xbeef); /* the pitch's padding */
	}
	{
		struct scanout bad = {out, 5, 3, 9, GFX_RGB565}; /* pitch not whole pixels */

		assert_int_equal(gfx_present_rect(&bad, &src, 0, 0, 0, 5, 3), -EINVAL);
		bad.pitch = 10;
		bad.format = (enum gfx_format)7;
		assert_int_equal(gfx_present_rect(&bad, &src, 0, 0, 0, 5, 3), -EINVAL);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_primitive_matches_its_golden),
	    cmocka_unit_test(test_kernels_blend_to_nearest),
	    cmocka_unit_test(test_simd_kernels_match_scalar),
	    cmocka_unit_test(test_long_fills_match_scalar),
	    cmocka_unit_test(test_simd_drawings_match_scalar),
	    cmocka_unit_test(test_edge_cases_write_nothing_outside),
	    cmocka_unit_test(test_clip_rect_limits_every_primitive),
	    cmocka_unit_test(test_waveform_spans_follow_amplitude),
	    cmocka_unit_test(test_present_rgb565_rotates_and_converts),
	};

	(void)argc;
	golden_set_out(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
