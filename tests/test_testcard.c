/*
 * test_testcard: the card keeps the promises fw/testcard.h makes to
 * end-to-end tests: bars of the documented colours at the documented
 * fractions, text on the documented rows in the documented colours, the
 * touch mark's centroid on the touch point and its colour nowhere else,
 * at 1280x800, 1024x600 and on a panel mounted at 90 degrees.
 *
 * Positions here are computed from the header's formulas, written out
 * again on purpose rather than shared with fw/testcard.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../fonts/font.h"
#include "../fw/testcard.h"
#include "../gfx/gfx.h"

#define MAXPX (1280 * 1280)
#define SENTINEL 0xdeadbeefu

static uint32_t mem[MAXPX + 2 * 4096];
static uint32_t rot_mem[MAXPX];
static uint32_t ref_mem[1280 * 64];

static const uint32_t bar_colour[8] = {
	0xbfbfbf, 0xbfbf00, 0x00bfbf, 0x00bf00, 0xbf00bf, 0xbf0000, 0x0000bf, 0x000000,
};

/* A w x h surface with a sentinel band before and after it. */
static struct surface make(int w, int h)
{
	struct surface s = {mem + 4096, w, h, w};

	for (size_t i = 0; i < sizeof mem / sizeof mem[0]; i++)
		mem[i] = SENTINEL;
	return s;
}

static void assert_bands_intact(const struct surface *s)
{
	size_t end = 4096 + (size_t)s->w * (size_t)s->h;

	for (size_t i = 0; i < 4096; i++)
		assert_int_equal(mem[i], SENTINEL);
	for (size_t i = end; i < end + 4096; i++)
		assert_int_equal(mem[i], SENTINEL);
}

static uint32_t at(const struct surface *s, int x, int y)
{
	return s->px[(size_t)y * (size_t)s->stride + (size_t)x] & 0xffffff;
}

static struct testcard card(const char *name, int w, int h, int rot)
{
	struct testcard tc = {
		.display_name = name,
		.mode_w = w,
		.mode_h = h,
		.refresh = 60,
		.rotation = rot,
		.board_name = "test-board",
		.frame = 4321,
		.nlines = 3,
		.lines = {"audio: hw:0 48000 Hz", "touch devices 1",
			  "display 1: HDMI-A-2 is missing"},
		.nerrors = 1,
	};

	return tc;
}

static int text_scale(const struct surface *s)
{
	return s->w >= 1200 && s->h >= 760 ? 2 : 1;
}

/* Bars: the centre and the points 3 px inside each bar's corners. */
static void assert_bars(const struct surface *s)
{
	int x0 = s->w / 20, bw = s->w - 2 * (s->w / 20);
	int y0 = s->h * 36 / 100, y1 = s->h * 56 / 100;

	for (int k = 0; k < 8; k++) {
		int cx = x0 + (2 * k + 1) * bw / 16, cy = s->h * 46 / 100;
		int a = x0 + k * bw / 8 + 3, b = x0 + (k + 1) * bw / 8 - 4;

		if (at(s, cx, cy) != bar_colour[k])
			fail_msg("%dx%d: bar %d centre (%d,%d) is %06x, want %06x", s->w, s->h,
				 k, cx, cy, at(s, cx, cy), bar_colour[k]);
		assert_int_equal(at(s, a, y0 + 3), bar_colour[k]);
		assert_int_equal(at(s, b, y0 + 3), bar_colour[k]);
		assert_int_equal(at(s, a, y1 - 4), bar_colour[k]);
		assert_int_equal(at(s, b, y1 - 4), bar_colour[k]);
	}
	/* Just outside the band: background. */
	assert_int_equal(at(s, x0 - 3, s->h * 46 / 100), TESTCARD_BG);
	assert_int_equal(at(s, s->w / 2, y0 - 3), TESTCARD_BG);
	assert_int_equal(at(s, s->w / 2, y1 + 2), TESTCARD_BG);
}

static void assert_border(const struct surface *s)
{
	for (int i = 0; i < TESTCARD_BORDER_PX; i++) {
		assert_int_equal(at(s, s->w / 2, i), TESTCARD_BORDER);
		assert_int_equal(at(s, s->w / 2, s->h - 1 - i), TESTCARD_BORDER);
		assert_int_equal(at(s, i, s->h / 3), TESTCARD_BORDER);
		assert_int_equal(at(s, s->w - 1 - i, s->h / 3), TESTCARD_BORDER);
	}
	assert_int_equal(at(s, TESTCARD_BORDER_PX, s->h / 3), TESTCARD_BG);
}

/*
 * The band at (16, y), scale sc, shows exactly text in colour: compare it
 * with the string drawn alone on the background, over the text's width
 * plus one blank cell.
 */
static void assert_row(const struct surface *s, int y, int sc, uint32_t colour, const char *text)
{
	int w = gfx_text_width(&font_mono8x16, sc, text) + 8 * sc;
	int h = 16 * sc, ink = 0;
	struct surface ref = {ref_mem, w, h, w};

	assert_true(w * h <= (int)(sizeof ref_mem / sizeof ref_mem[0]));
	gfx_clear(&ref, TESTCARD_BG);
	gfx_text_scaled(&ref, &font_mono8x16, 0, 0, sc, colour, text);
	for (int ry = 0; ry < h; ry++)
		for (int rx = 0; rx < w && 16 + rx < s->w - TESTCARD_BORDER_PX; rx++) {
			uint32_t want = at(&ref, rx, ry);

			if (at(s, 16 + rx, y + ry) != want)
				fail_msg("%dx%d: row '%s' at (%d,%d): %06x, want %06x", s->w, s->h,
					 text, 16 + rx, y + ry, at(s, 16 + rx, y + ry), want);
			ink += want == colour;
		}
	assert_true(ink > 0);
}

static void assert_text(const struct surface *s, const struct testcard *tc)
{
	int sc = text_scale(s), pitch = 18 * sc;
	char line[64];

	assert_row(s, 16, 3, TESTCARD_TITLE, tc->display_name);
	snprintf(line, sizeof line, "%dx%d@%d rot %d", tc->mode_w, tc->mode_h, tc->refresh,
		 tc->rotation);
	assert_row(s, 72, sc, TESTCARD_TEXT, line);
	assert_row(s, 72 + pitch, sc, TESTCARD_TEXT, tc->board_name);
	if (tc->mark_valid)
		snprintf(line, sizeof line, "frame %lu  touch %d,%d", tc->frame, tc->mark_x,
			 tc->mark_y);
	else
		snprintf(line, sizeof line, "frame %lu  touch -", tc->frame);
	assert_row(s, 72 + 2 * pitch, sc, TESTCARD_TEXT, line);
	for (int j = 0; j < tc->nlines; j++)
		assert_row(s, s->h * 60 / 100 + j * pitch, sc,
			   j >= tc->nlines - tc->nerrors ? TESTCARD_ERROR : TESTCARD_TEXT,
			   tc->lines[j]);
}

/* Centroid and count of the mark colour. */
static long mark_pixels(const struct surface *s, double *cx, double *cy)
{
	long n = 0;
	double sx = 0, sy = 0;

	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++)
			if (at(s, x, y) == TESTCARD_MARK) {
				sx += x;
				sy += y;
				n++;
			}
	if (n && cx) {
		*cx = sx / (double)n;
		*cy = sy / (double)n;
	}
	return n;
}

static void check_card(int w, int h, const char *name)
{
	struct surface s = make(w, h);
	struct testcard tc = card(name, w, h, 0);
	double cx, cy;

	/* Without a touch there is no mark colour anywhere. */
	testcard_draw(&s, &tc);
	assert_int_equal(mark_pixels(&s, NULL, NULL), 0);
	assert_bars(&s);
	assert_border(&s);
	assert_text(&s, &tc);
	assert_bands_intact(&s);

	/* A touch: a mark centred on it, over whatever is there. */
	tc.mark_valid = 1;
	tc.mark_x = w * 3 / 5;
	tc.mark_y = h * 46 / 100; /* on the bars */
	testcard_draw(&s, &tc);
	assert_true(mark_pixels(&s, &cx, &cy) > 2 * 41 * 3);
	assert_true(cx == tc.mark_x && cy == tc.mark_y);
	assert_text(&s, &tc);
	/* Clearly visible: the arms reach 20 px out on both axes. */
	assert_int_equal(at(&s, tc.mark_x - 20, tc.mark_y), TESTCARD_MARK);
	assert_int_equal(at(&s, tc.mark_x + 20, tc.mark_y + 1), TESTCARD_MARK);
	assert_int_equal(at(&s, tc.mark_x, tc.mark_y - 20), TESTCARD_MARK);
	assert_int_equal(at(&s, tc.mark_x - 1, tc.mark_y + 20), TESTCARD_MARK);

	tc.mark_x = 100;
	tc.mark_y = h - 100;
	testcard_draw(&s, &tc);
	assert_true(mark_pixels(&s, &cx, &cy) > 0);
	assert_true(cx == 100 && cy == h - 100);
	assert_bands_intact(&s);
}

static void test_card_1280x800(void **state)
{
	(void)state;
	check_card(1280, 800, "Virtual-1");
}

static void test_card_1024x600(void **state)
{
	(void)state;
	check_card(1024, 600, "HDMI-A-1");
}

static void test_card_on_a_panel_mounted_at_90(void **state)
{
	struct surface s = make(800, 1280);
	struct surface scan = {rot_mem, 1280, 800, 1280};
	struct testcard tc = card("DSI-1", 1280, 800, 90);
	double cx, cy;

	(void)state;
	tc.mark_valid = 1;
	tc.mark_x = 200;
	tc.mark_y = 300;
	testcard_draw(&s, &tc);
	/* The logical picture is the portrait one... */
	assert_bars(&s);
	assert_border(&s);
	assert_text(&s, &tc);
	assert_true(mark_pixels(&s, &cx, &cy) > 0);
	assert_true(cx == 200 && cy == 300);

	/*
	 * ...and the scanout, which a screendump shows, holds it turned a
	 * quarter counter-clockwise: logical (x, y) at scanout (y, 799 - x).
	 * The bars run bottom (white) to top (black) at scanout x = h*46/100.
	 */
	assert_int_equal(gfx_blit_rotated(&scan, &s, 90), 0);
	for (int k = 0; k < 8; k++) {
		int lx = 800 / 20 + (2 * k + 1) * (800 - 2 * (800 / 20)) / 16;

		assert_int_equal(at(&scan, 1280 * 46 / 100, 799 - lx), bar_colour[k]);
	}
	assert_true(mark_pixels(&scan, &cx, &cy) > 0);
	assert_true(cx == 300 && cy == 799 - 200);
	assert_bands_intact(&s);
}

static void test_tiny_and_odd_surfaces_clip(void **state)
{
	static const int sizes[][2] = {{1, 1}, {3, 2}, {10, 10}, {37, 500}, {500, 37}, {9, 9}};
	struct testcard tc = card("a very long display name that does not fit", 0, 0, 0);
	const char *many[TESTCARD_MAX_LINES + 4];

	(void)state;
	for (int i = 0; i < TESTCARD_MAX_LINES + 4; i++)
		many[i] = "a line of status";
	memcpy(tc.lines, many, sizeof tc.lines);
	tc.nlines = TESTCARD_MAX_LINES + 4; /* more than fit: the extra are ignored */
	tc.nerrors = 100;
	tc.display_name = NULL;
	tc.board_name = NULL;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		struct surface s = make(sizes[k][0], sizes[k][1]);

		tc.mark_valid = 1;
		tc.mark_x = sizes[k][0] - 1;
		tc.mark_y = 0;
		testcard_draw(&s, &tc);
		assert_bands_intact(&s);
		tc.mark_x = -2000000000;
		testcard_draw(&s, &tc);
		assert_bands_intact(&s);
	}
}

static void test_long_lines_stop_at_the_border(void **state)
{
	struct surface s = make(640, 480);
	struct testcard tc = card("HDMI-A-1", 640, 480, 0);
	static char longline[300];

	(void)state;
	memset(longline, 'W', sizeof longline - 1);
	tc.lines[2] = longline; /* the error line */
	tc.display_name = longline;
	testcard_draw(&s, &tc);
	for (int y = 0; y < s.h; y++)
		for (int i = 0; i < TESTCARD_BORDER_PX; i++) {
			assert_int_equal(at(&s, i, y), TESTCARD_BORDER);
			assert_int_equal(at(&s, s.w - 1 - i, y), TESTCARD_BORDER);
		}
	/* The error line still reaches the border: it is cut, not dropped. */
	assert_int_equal(mark_pixels(&s, NULL, NULL), 0);
	{
		int y0 = s.h * 60 / 100 + 2 * 18, red = 0;

		for (int y = y0; y < y0 + 16; y++)
			red += at(&s, s.w - TESTCARD_BORDER_PX - 2, y) == TESTCARD_ERROR ||
			       at(&s, s.w - TESTCARD_BORDER_PX - 3, y) == TESTCARD_ERROR;
		assert_true(red > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_card_1280x800),
		cmocka_unit_test(test_card_1024x600),
		cmocka_unit_test(test_card_on_a_panel_mounted_at_90),
		cmocka_unit_test(test_tiny_and_odd_surfaces_clip),
		cmocka_unit_test(test_long_lines_stop_at_the_border),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
