/*
 * The screens' layout on the panels the boxes have: 7- and 10.1-inch
 * 1024x600 and 1280x800, one display or two. What a DJ would notice:
 * a control too small for a finger, two controls on top of each other,
 * one off the screen, one missing, or a tap landing on the wrong one.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fw/layout.h"

/* Pixels per millimetre of a panel from its resolution and diagonal in inches. */
static float density(int w, int h, float inches)
{
	return hypotf((float)w, (float)h) / (inches * 25.4f);
}

static struct layout lay;
static char msg[200];

static int overlap(const struct rect *a, const struct rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
	       b->y < a->y + a->h;
}

static int placed(enum widget_kind k, int deck, int index)
{
	int n = 0;

	for (int i = 0; i < lay.count; i++)
		n += lay.w[i].kind == k && lay.w[i].deck == deck && lay.w[i].index == index;
	return n;
}

/* Every property the DJ relies on, for one built layout. */
static void check(const struct layout_screen *s, int n)
{
	static const enum widget_kind per_deck[] = {
	    W_INFO,      W_OVERVIEW,  W_WAVEFORM, W_PLAY,        W_CUE,         W_LOOP_IN,
	    W_LOOP_OUT,  W_LOOP_HALVE, W_LOOP_DOUBLE, W_BEATLOOP, W_SYNC,        W_NUDGE_DOWN,
	    W_NUDGE_UP,  W_PITCH,     W_PITCH_RANGE, W_LIBRARY,  W_TRIM,        W_EQ_HIGH,
	    W_EQ_MID,    W_EQ_LOW,    W_FILTER,   W_FADER,       W_PHONES_CUE,  W_METER};
	static const enum widget_kind shared[] = {W_XFADER, W_PHONES_BLEND, W_PHONES_LEVEL,
	                                          W_MASTER};
	float worst = 1e9f, wave_h = 0;

	for (int i = 0; i < lay.count; i++) {
		const struct widget *w = &lay.w[i];
		const struct layout_screen *sc = &s[w->display];
		char what[64];

		snprintf(what, sizeof what, "%s (deck %d, %d) at %d,%d %dx%d on display %d",
		         layout_kind_name(w->kind), w->deck, w->index, w->r.x, w->r.y, w->r.w,
		         w->r.h, w->display);
		if (w->r.x < 0 || w->r.y < 0 || w->r.x + w->r.w > sc->w || w->r.y + w->r.h > sc->h ||
		    w->r.w <= 0 || w->r.h <= 0)
			fail_msg("%s: not inside the %dx%d screen", what, sc->w, sc->h);
		if (w->touch) {
			float mm = fminf((float)w->r.w, (float)w->r.h) / sc->px_per_mm;

			if (mm < LAYOUT_MIN_MM)
				fail_msg("%s: %.1f mm, smaller than a fingertip", what, mm);
			worst = fminf(worst, mm);
			/* a tap in its middle lands on it */
			assert_int_equal(layout_hit(&lay, w->display, w->r.x + w->r.w / 2,
			                            w->r.y + w->r.h / 2),
			                 i);
		}
		if (w->kind == W_WAVEFORM)
			wave_h = (float)w->r.h / sc->px_per_mm;
		for (int j = i + 1; j < lay.count; j++)
			if (lay.w[j].display == w->display && overlap(&w->r, &lay.w[j].r))
				fail_msg("%s overlaps %s", what, layout_kind_name(lay.w[j].kind));
		/* two displays: everything of a deck is on its own screen */
		if (n == 2 && w->deck >= 0)
			assert_int_equal(w->display, w->deck);
	}
	for (int d = 0; d < LAYOUT_DECKS; d++) {
		for (size_t k = 0; k < sizeof per_deck / sizeof *per_deck; k++)
			if (placed(per_deck[k], d, 0) != 1)
				fail_msg("deck %d: %s placed %d times", d, layout_kind_name(per_deck[k]),
				         placed(per_deck[k], d, 0));
		for (int h = 0; h < LAYOUT_HOTCUES; h++)
			assert_int_equal(placed(W_HOTCUE, d, h), 1);
	}
	for (size_t k = 0; k < sizeof shared / sizeof *shared; k++)
		assert_int_equal(placed(shared[k], -1, 0), 1);
	assert_int_equal(placed(W_STATUS, -1, 0), n);
	/* nothing to hit outside the screens */
	assert_int_equal(layout_hit(&lay, 0, -1, 10), -1);
	assert_int_equal(layout_hit(&lay, 0, s[0].w, 10), -1);
	assert_int_equal(layout_hit(&lay, n, 10, 10), -1);
	print_message("%d display(s) of %dx%d at %.2f px/mm: %d controls, smallest target "
	              "%.1f mm, waveform %.0f mm high\n",
	              n, s[0].w, s[0].h, s[0].px_per_mm, lay.count, worst, wave_h);
}

static void build_and_check(int w, int h, float inches, int n)
{
	struct layout_screen s[2];

	for (int i = 0; i < n; i++)
		s[i] = (struct layout_screen){w, h, density(w, h, inches)};
	if (layout_build(&lay, s, n, msg, sizeof msg) != 0)
		fail_msg("%dx%d %.1f in, %d display(s): %s", w, h, inches, n, msg);
	check(s, n);
}

static void test_1024x600(void **state)
{
	(void)state;
	build_and_check(1024, 600, 7.0f, 1);
	build_and_check(1024, 600, 7.0f, 2);
	build_and_check(1024, 600, 10.1f, 1);
	build_and_check(1024, 600, 10.1f, 2);
}

static void test_1280x800(void **state)
{
	(void)state;
	build_and_check(1280, 800, 7.0f, 1);
	build_and_check(1280, 800, 7.0f, 2);
	build_and_check(1280, 800, 10.1f, 1);
	build_and_check(1280, 800, 10.1f, 2);
}

static void test_two_different_panels(void **state)
{
	struct layout_screen s[2] = {{1280, 800, density(1280, 800, 10.1f)},
	                             {1024, 600, density(1024, 600, 7.0f)}};

	(void)state;
	assert_int_equal(layout_build(&lay, s, 2, msg, sizeof msg), 0);
	check(s, 2);
}

static void test_bigger_panel_bigger_waveform(void **state)
{
	struct layout_screen small = {1024, 600, density(1024, 600, 7.0f)};
	struct layout_screen big = {1280, 800, density(1280, 800, 10.1f)};
	int hs, hb;

	(void)state;
	assert_int_equal(layout_build(&lay, &small, 1, msg, sizeof msg), 0);
	hs = lay.w[layout_find(&lay, W_WAVEFORM, 0, 0)].r.h;
	assert_int_equal(layout_build(&lay, &big, 1, msg, sizeof msg), 0);
	hb = lay.w[layout_find(&lay, W_WAVEFORM, 0, 0)].r.h;
	assert_true(hb > hs);
	/* the controls keep their size in mm, the waveform takes the rest */
	assert_true(lay.w[layout_find(&lay, W_PLAY, 0, 0)].r.h <
	            (int)ceilf(11.0f * big.px_per_mm));
}

static void test_too_small_is_refused(void **state)
{
	/* a 5-inch 800x480 panel: 109 x 65 mm cannot hold two decks and a mixer */
	struct layout_screen s = {800, 480, density(800, 480, 5.0f)};

	(void)state;
	assert_int_equal(layout_build(&lay, &s, 1, msg, sizeof msg), -ERANGE);
	print_message("%s\n", msg);
	assert_non_null(strstr(msg, "display 0 (800x480 px, 109x65 mm) is too small: "));
}

static void test_bad_arguments(void **state)
{
	struct layout_screen s[3] = {{1280, 800, 6}, {1280, 800, 6}, {1280, 800, 6}};
	struct layout_screen none = {1280, 800, 0};

	(void)state;
	assert_int_equal(layout_build(&lay, s, 0, msg, sizeof msg), -EINVAL);
	assert_int_equal(layout_build(&lay, s, 3, msg, sizeof msg), -EINVAL);
	assert_string_equal(msg, "layout: 3 displays (1 or 2 are drawn)");
	assert_int_equal(layout_build(&lay, &none, 1, msg, sizeof msg), -EINVAL);
	assert_string_equal(msg, "layout: display 0 has no size or density");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_1024x600),
	    cmocka_unit_test(test_1280x800),
	    cmocka_unit_test(test_two_different_panels),
	    cmocka_unit_test(test_bigger_panel_bigger_waveform),
	    cmocka_unit_test(test_too_small_is_refused),
	    cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
