/*
 * test_gfx: the rasterizer basics as a user would see them: shapes land
 * exactly where asked and nowhere else, text shows the font's glyphs at
 * the pen position and scale, and a rotated panel shows the picture
 * upright.
 *
 * Surfaces live inside a larger "canvas" whose margin is filled with a
 * sentinel colour: any write outside the surface shows up there.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../fonts/font.h"
#include "../gfx/gfx.h"

#define SENTINEL 0xdeadbeefu
#define PAD 8
#define CANVAS_MAX (64 * 64)

struct canvas {
	uint32_t mem[CANVAS_MAX];
	int cw, ch; /* canvas size, surface plus PAD on every side */
	struct surface s;
};

/* A w x h surface (stride w + 2*PAD) in the middle of a sentinel-filled canvas. */
static void canvas_init(struct canvas *c, int w, int h, uint32_t fill)
{
	c->cw = w + 2 * PAD;
	c->ch = h + 2 * PAD;
	assert_true(c->cw * c->ch <= CANVAS_MAX);
	for (int i = 0; i < c->cw * c->ch; i++)
		c->mem[i] = SENTINEL;
	c->s.px = c->mem + PAD * c->cw + PAD;
	c->s.w = w;
	c->s.h = h;
	c->s.stride = c->cw;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			c->s.px[y * c->s.stride + x] = fill;
}

static uint32_t at(const struct surface *s, int x, int y)
{
	return s->px[(size_t)y * (size_t)s->stride + (size_t)x];
}

/* Every canvas pixel outside the surface still holds the sentinel. */
static void assert_margin_intact(const struct canvas *c)
{
	for (int y = 0; y < c->ch; y++)
		for (int x = 0; x < c->cw; x++) {
			int inside = x >= PAD && x < PAD + c->s.w && y >= PAD && y < PAD + c->s.h;

			if (!inside && c->mem[y * c->cw + x] != SENTINEL)
				fail_msg("write outside the surface at canvas (%d,%d)", x, y);
		}
}

static int in_rect(long long px, long long py, long long x, long long y, long long w, long long h)
{
	return px >= x && px < x + w && py >= y && py < y + h;
}

static void test_fill_rect_clips(void **state)
{
	static const int cases[][4] = {
		{2, 3, 5, 4},
		{-3, -2, 6, 5},
		{20, 10, 50, 50},
		{-100, 5, 1000, 1},
		{0, 0, 24, 16},
		{10, -50, 2, 1000},
		{24, 0, 5, 5},
		{0, 16, 5, 5},
		{-5, -5, 5, 5},
		{3, 3, 0, 4},
		{3, 3, 4, -2},
		{INT_MAX, 0, 10, 10},
		{INT_MIN, 0, 10, 10},
		{0, 0, INT_MAX, 3},
		{-10, -10, INT_MAX, INT_MAX},
		{5, INT_MAX, 4, INT_MAX},
	};
	static struct canvas c;

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const int *r = cases[k];

		canvas_init(&c, 24, 16, 0);
		gfx_fill_rect(&c.s, r[0], r[1], r[2], r[3], 0x123456);
		for (int y = 0; y < c.s.h; y++)
			for (int x = 0; x < c.s.w; x++) {
				int inside = in_rect(x, y, r[0], r[1], r[2], r[3]);
				uint32_t want = inside ? 0x123456 : 0;

				if (at(&c.s, x, y) != want)
					fail_msg("rect %d,%d %dx%d: pixel (%d,%d) is %#x", r[0],
						 r[1], r[2], r[3], x, y, at(&c.s, x, y));
			}
		assert_margin_intact(&c);
	}
}

static void test_lines_and_outline(void **state)
{
	static struct canvas c;
	int n = 0;

	(void)state;
	canvas_init(&c, 20, 20, 0);
	gfx_rect_outline(&c.s, 5, 5, 10, 10, 2, 0xff);
	for (int y = 0; y < 20; y++)
		for (int x = 0; x < 20; x++) {
			int frame = in_rect(x, y, 5, 5, 10, 10) && !in_rect(x, y, 7, 7, 6, 6);

			assert_int_equal(at(&c.s, x, y), frame ? 0xff : 0);
			n += frame;
		}
	assert_int_equal(n, 100 - 36);

	canvas_init(&c, 20, 20, 0);
	gfx_hline(&c.s, -5, 3, 100, 1);
	gfx_vline(&c.s, 7, -5, 100, 2);
	gfx_hline(&c.s, 0, 25, 10, 3); /* below: nothing */
	gfx_vline(&c.s, -1, 0, 10, 3); /* left: nothing */
	for (int y = 0; y < 20; y++)
		for (int x = 0; x < 20; x++) {
			uint32_t want = x == 7 ? 2 : y == 3 ? 1 : 0;

			assert_int_equal(at(&c.s, x, y), want);
		}
	assert_margin_intact(&c);

	/* An outline around the whole surface and beyond: the inside stays. */
	canvas_init(&c, 20, 20, 0);
	gfx_rect_outline(&c.s, -1, -1, 22, 22, 3, 9);
	assert_int_equal(at(&c.s, 0, 0), 9);
	assert_int_equal(at(&c.s, 1, 10), 9);
	assert_int_equal(at(&c.s, 2, 10), 0);
	assert_int_equal(at(&c.s, 10, 19), 9);
	assert_margin_intact(&c);
}

static void test_circle_is_symmetric_and_clipped(void **state)
{
	static struct canvas c;
	long long sx = 0, sy = 0, n = 0;

	(void)state;
	canvas_init(&c, 40, 40, 0);
	gfx_circle(&c.s, 20, 17, 10, 2, 7);
	for (int y = 0; y < 40; y++)
		for (int x = 0; x < 40; x++)
			if (at(&c.s, x, y) == 7) {
				sx += x;
				sy += y;
				n++;
			}
	assert_true(n > 0);
	assert_int_equal(sx, 20 * n);
	assert_int_equal(sy, 17 * n);
	/* A ring: the centre is clear, the rim at radius 10 is drawn. */
	assert_int_equal(at(&c.s, 20, 17), 0);
	assert_int_equal(at(&c.s, 30, 17), 7);
	assert_int_equal(at(&c.s, 20, 7), 7);
	assert_int_equal(at(&c.s, 31, 17), 0);

	canvas_init(&c, 40, 40, 0);
	gfx_circle(&c.s, 0, 39, 30, 5, 7);
	gfx_circle(&c.s, INT_MAX, INT_MIN, 30, 5, 7);
	gfx_circle(&c.s, 5, 5, INT_MAX / 2, 1, 7);
	assert_margin_intact(&c);
}

/* The pixels glyph c has at (col, row) of its cell, from the font's own table. */
static int font_bit(const struct font *f, int c, int col, int row)
{
	const uint8_t *g = font_glyph(f, c);

	return (g[row * f->row_bytes + col / 8] >> (7 - col % 8)) & 1;
}

static void test_text_draws_glyphs_at_the_pen(void **state)
{
	const struct font *f = &font_mono8x16;
	static struct canvas c;
	const char *text = "Hi!";
	int x0 = 5, y0 = 3, adv;

	(void)state;
	canvas_init(&c, 40, 24, 0);
	adv = gfx_text(&c.s, f, x0, y0, 0xffffff, text);
	assert_int_equal(adv, 3 * f->w);
	assert_int_equal(gfx_text_width(f, 1, text), adv);
	for (int y = 0; y < c.s.h; y++)
		for (int x = 0; x < c.s.w; x++) {
			int want = 0;

			if (in_rect(x, y, x0, y0, adv, f->h)) {
				int k = (x - x0) / f->w;

				want = font_bit(f, (unsigned char)text[k], (x - x0) % f->w, y - y0);
			}
			if ((at(&c.s, x, y) == 0xffffff) != want)
				fail_msg("pixel (%d,%d) should be %s", x, y,
					 want ? "ink" : "clear");
		}
	assert_margin_intact(&c);
}

static void test_text_scales_each_pixel_to_a_block(void **state)
{
	const struct font *f = &font_mono8x16;
	static struct canvas small, big;

	(void)state;
	canvas_init(&small, 16, 16, 0);
	canvas_init(&big, 48, 48, 0);
	gfx_text(&small.s, f, 0, 0, 1, "W");
	assert_int_equal(gfx_text_scaled(&big.s, f, 0, 0, 3, 1, "W"), 24);
	assert_int_equal(gfx_text_width(f, 3, "W"), 24);
	for (int y = 0; y < 48; y++)
		for (int x = 0; x < 48; x++) {
			uint32_t want = x < 24 ? at(&small.s, x / 3, y / 3) : 0;

			assert_int_equal(at(&big.s, x, y), want);
		}
	assert_margin_intact(&big);
}

static void test_text_clips_at_every_edge(void **state)
{
	const struct font *f = &font_mono8x16;
	static struct canvas c;
	static const int pos[][2] = {
		{-5, -7}, {30, 10}, {-20, 12}, {2, -15}, {35, 20}, {INT_MAX - 4, 0},
		{INT_MIN, INT_MIN}, {0, INT_MAX}, {-1000000, 0},
	};

	(void)state;
	for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++) {
		canvas_init(&c, 40, 24, 0);
		gfx_text_scaled(&c.s, f, pos[k][0], pos[k][1], 2, 5, "MW@#%&");
		gfx_text(&c.s, f, pos[k][0], pos[k][1], 5, "\x7f\x80\xff ~");
		assert_margin_intact(&c);
	}
	/* Partly visible text shows its visible part: 'M' at x = -4 keeps its right stem. */
	canvas_init(&c, 40, 24, 0);
	gfx_text(&c.s, f, -4, 0, 5, "M");
	for (int y = 0; y < f->h; y++)
		for (int x = 0; x < 4; x++)
			assert_int_equal(at(&c.s, x, y) == 5, font_bit(f, 'M', x + 4, y));
	/* NULL text and a NULL surface draw nothing and do not crash. */
	assert_int_equal(gfx_text(&c.s, f, 0, 0, 5, NULL), 0);
	assert_int_equal(gfx_text(NULL, f, 0, 0, 5, "ab"), 2 * f->w);
}

/* Glyph bitmap of code point ch as a comparable block of rows. */
static int glyphs_equal(const struct font *f, int a, int b)
{
	return memcmp(font_glyph(f, a), font_glyph(f, b), (size_t)(f->h * f->row_bytes)) == 0;
}

static void test_font_is_complete_and_legible(void **state)
{
	const struct font *f = &font_mono8x16;

	(void)state;
	assert_int_equal(f->w, 8);
	assert_int_equal(f->h, 16);
	for (int ch = 33; ch <= 126; ch++) {
		int ink = 0, right = 0;

		for (int row = 0; row < f->h; row++)
			for (int col = 0; col < f->w; col++) {
				ink += font_bit(f, ch, col, row);
				right += col == f->w - 1 && font_bit(f, ch, col, row);
			}
		if (ink == 0)
			fail_msg("'%c' draws nothing", ch);
		/* The last column is spacing: neighbouring letters never touch. */
		if (right && ch != '_')
			fail_msg("'%c' uses the spacing column", ch);
		/* Every printable glyph looks different from every other. */
		for (int other = ch + 1; other <= 126; other++)
			if (glyphs_equal(f, ch, other))
				fail_msg("'%c' and '%c' look the same", ch, other);
		if (glyphs_equal(f, ch, f->missing))
			fail_msg("'%c' looks like the replacement glyph", ch);
	}
	for (int row = 0; row < f->h; row++)
		for (int col = 0; col < f->w; col++)
			assert_int_equal(font_bit(f, ' ', col, row), 0);
	/* Characters the font lacks show the replacement glyph, visibly. */
	assert_true(glyphs_equal(f, 200, f->missing));
	assert_true(glyphs_equal(f, 7, f->missing));
	assert_false(glyphs_equal(f, f->missing, ' '));
}

/* --- rotation --------------------------------------------------------- */

#define RW 7
#define RH 4

/* A logical RW x RH picture where every pixel is different. */
static void picture(struct surface *s, uint32_t *mem)
{
	s->px = mem;
	s->w = RW;
	s->h = RH;
	s->stride = RW + 3; /* strides differ from widths on purpose */
	for (int y = 0; y < RH; y++)
		for (int x = 0; x < RW; x++)
			mem[y * s->stride + x] = 0x100000u + (uint32_t)(y * RW + x);
}

static void test_rotation_puts_corners_where_the_viewer_expects(void **state)
{
	/*
	 * A panel mounted turned r degrees clockwise: the logical top-left
	 * must be where the scanout corner that ends up top-left is.
	 *   0: scanout top-left      90: scanout bottom-left
	 * 180: scanout bottom-right 270: scanout top-right
	 */
	static const struct {
		int rotation, sw, sh, x, y;
	} cases[] = {
		{0, RW, RH, 0, 0},
		{90, RH, RW, 0, RW - 1},
		{180, RW, RH, RW - 1, RH - 1},
		{270, RH, RW, RH - 1, 0},
	};
	uint32_t src_mem[RH * (RW + 3)];
	struct surface src;
	static struct canvas c;

	(void)state;
	picture(&src, src_mem);
	for (size_t k = 0; k < 4; k++) {
		int n = 0;

		canvas_init(&c, cases[k].sw, cases[k].sh, 0);
		assert_int_equal(gfx_blit_rotated(&c.s, &src, cases[k].rotation), 0);
		assert_int_equal(at(&c.s, cases[k].x, cases[k].y), at(&src, 0, 0));
		/* Every logical pixel shows exactly once. */
		for (int y = 0; y < c.s.h; y++)
			for (int x = 0; x < c.s.w; x++)
				n += at(&c.s, x, y) >= 0x100000u;
		assert_int_equal(n, RW * RH);
		assert_margin_intact(&c);
	}
}

static void test_rotation_round_trips(void **state)
{
	uint32_t src_mem[RH * (RW + 3)];
	uint32_t a_mem[RW * RW], b_mem[RW * RW];
	struct surface src, a, b;
	int r;

	(void)state;
	picture(&src, src_mem);
	/* r then 360-r is the identity; so is 90 four times. */
	for (r = 0; r < 360; r += 90) {
		a = (struct surface){a_mem, r % 180 ? RH : RW, r % 180 ? RW : RH, RW};
		b = (struct surface){b_mem, RW, RH, RW};
		memset(a_mem, 0, sizeof a_mem);
		memset(b_mem, 0, sizeof b_mem);
		assert_int_equal(gfx_blit_rotated(&a, &src, r), 0);
		assert_int_equal(gfx_blit_rotated(&b, &a, (360 - r) % 360), 0);
		for (int y = 0; y < RH; y++)
			for (int x = 0; x < RW; x++)
				assert_int_equal(at(&b, x, y), at(&src, x, y));
	}
	b = src;
	for (int k = 0; k < 4; k++) {
		uint32_t *mem = k % 2 ? b_mem : a_mem;
		struct surface next = {mem, b.h, b.w, b.h};

		assert_int_equal(gfx_blit_rotated(&next, &b, 90), 0);
		b = next;
	}
	for (int y = 0; y < RH; y++)
		for (int x = 0; x < RW; x++)
			assert_int_equal(at(&b, x, y), at(&src, x, y));
}

static void test_rotation_rect_updates_only_that_rect(void **state)
{
	uint32_t src_mem[RH * (RW + 3)];
	uint32_t full_mem[RW * RW];
	struct surface src;
	static struct canvas c;

	(void)state;
	picture(&src, src_mem);
	for (int r = 0; r < 360; r += 90) {
		struct surface full = {full_mem, r % 180 ? RH : RW, r % 180 ? RW : RH,
				       r % 180 ? RH : RW};

		assert_int_equal(gfx_blit_rotated(&full, &src, r), 0);
		canvas_init(&c, full.w, full.h, 0);
		/* The dirty rectangle x 2..4, y 1..2 of the logical picture. */
		assert_int_equal(gfx_blit_rotated_rect(&c.s, &src, r, 2, 1, 3, 2), 0);
		for (int y = 0; y < full.h; y++)
			for (int x = 0; x < full.w; x++) {
				uint32_t v = at(&full, x, y);
				int lx = (int)((v - 0x100000u) % RW);
				int ly = (int)((v - 0x100000u) / RW);
				uint32_t want = in_rect(lx, ly, 2, 1, 3, 2) ? v : 0;

				assert_int_equal(at(&c.s, x, y), want);
			}
		/* A rectangle hanging over the edges is clipped, not wrapped. */
		assert_int_equal(gfx_blit_rotated_rect(&c.s, &src, r, -5, -5, 100, 100), 0);
		for (int y = 0; y < full.h; y++)
			for (int x = 0; x < full.w; x++)
				assert_int_equal(at(&c.s, x, y), at(&full, x, y));
		assert_margin_intact(&c);
	}
}

static void test_rotation_bad_inputs_write_nothing(void **state)
{
	uint32_t src_mem[RH * (RW + 3)];
	struct surface src;
	static struct canvas c;

	(void)state;
	picture(&src, src_mem);
	canvas_init(&c, RH, RW, 0);
	assert_int_equal(gfx_blit_rotated(&c.s, &src, 45), -EINVAL);
	assert_int_equal(gfx_blit_rotated(&c.s, &src, -90), -EINVAL);
	assert_int_equal(gfx_blit_rotated(&c.s, &src, 360), -EINVAL);
	for (int y = 0; y < RW; y++)
		for (int x = 0; x < RH; x++)
			assert_int_equal(at(&c.s, x, y), 0);
	/* A scanout smaller than the picture: only the overlap is written. */
	canvas_init(&c, 2, 3, 0);
	for (int r = 0; r < 360; r += 90)
		assert_int_equal(gfx_blit_rotated(&c.s, &src, r), 0);
	assert_margin_intact(&c);
}

static void test_sub_surface_clips_to_its_rect(void **state)
{
	static struct canvas c;
	struct surface v;

	(void)state;
	canvas_init(&c, 20, 20, 0);
	v = gfx_sub(&c.s, 4, 5, 6, 7);
	assert_int_equal(v.w, 6);
	assert_int_equal(v.h, 7);
	gfx_fill_rect(&v, -10, -10, 100, 100, 3);
	for (int y = 0; y < 20; y++)
		for (int x = 0; x < 20; x++)
			assert_int_equal(at(&c.s, x, y), in_rect(x, y, 4, 5, 6, 7) ? 3u : 0u);
	v = gfx_sub(&c.s, 30, 0, 5, 5);
	assert_null(v.px);
	gfx_fill_rect(&v, 0, 0, 5, 5, 4);
	assert_margin_intact(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_rect_clips),
		cmocka_unit_test(test_lines_and_outline),
		cmocka_unit_test(test_circle_is_symmetric_and_clipped),
		cmocka_unit_test(test_text_draws_glyphs_at_the_pen),
		cmocka_unit_test(test_text_scales_each_pixel_to_a_block),
		cmocka_unit_test(test_text_clips_at_every_edge),
		cmocka_unit_test(test_font_is_complete_and_legible),
		cmocka_unit_test(test_rotation_puts_corners_where_the_viewer_expects),
		cmocka_unit_test(test_rotation_round_trips),
		cmocka_unit_test(test_rotation_rect_updates_only_that_rect),
		cmocka_unit_test(test_rotation_bad_inputs_write_nothing),
		cmocka_unit_test(test_sub_surface_clips_to_its_rect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
