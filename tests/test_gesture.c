/*
 * Gestures as a DJ makes them: finger scripts with exact timings, and the
 * events each control hears. The "controls" here are a grid of 100-pixel
 * squares on each display (target = display * 100 + column * 10 + row),
 * and the panel has 6 pixels per millimetre unless a test says otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fw/gesture.h"

#define MAX_EVENTS 512

static struct gesture_tracker gt;
static struct gesture ev[MAX_EVENTS];
static int nev;

static int hit(void *ctx, int display, int x, int y)
{
	(void)ctx;
	if (x < 0 || y < 0 || y >= 1000) /* x beyond 1000: nothing there */
		return -1;
	if (x >= 1000)
		return -1;
	return display * 100 + (x / 100) * 10 + y / 100;
}

static void record(void *ctx, const struct gesture *g)
{
	(void)ctx;
	if (nev < MAX_EVENTS)
		ev[nev++] = *g;
}

static int setup(void **state)
{
	(void)state;
	gesture_init(&gt, hit, record, NULL);
	nev = 0;
	return 0;
}

static void touch(int display, int slot, enum touch_kind kind, int x, int y, long ms)
{
	struct touch_point p = {.display = display, .slot = slot, .kind = kind, .x = x, .y = y};

	/* the loop's timer runs before the point is read, as time has passed */
	gesture_tick(&gt, ms);
	gesture_touch(&gt, &p, ms);
}

/* The kinds heard so far, as letters, for compact expectations. */
static const char *kinds(void)
{
	static const char letter[] = {
	    [GESTURE_PRESS] = 'P',       [GESTURE_LONG_PRESS] = 'L', [GESTURE_DRAG_BEGIN] = 'B',
	    [GESTURE_DRAG] = 'D',        [GESTURE_DRAG_END] = 'E',   [GESTURE_FLING] = 'F',
	    [GESTURE_TAP] = 'T',         [GESTURE_DOUBLE_TAP] = '2', [GESTURE_PINCH_BEGIN] = '<',
	    [GESTURE_PINCH] = '~',       [GESTURE_PINCH_END] = '>',  [GESTURE_RELEASE] = 'R',
	};
	static char s[MAX_EVENTS + 1];
	int i;

	for (i = 0; i < nev; i++)
		s[i] = letter[ev[i].kind];
	s[i] = 0;
	return s;
}

static int count(enum gesture_kind k)
{
	int n = 0;

	for (int i = 0; i < nev; i++)
		n += ev[i].kind == k;
	return n;
}

static const struct gesture *last(enum gesture_kind k)
{
	for (int i = nev - 1; i >= 0; i--)
		if (ev[i].kind == k)
			return &ev[i];
	return NULL;
}

static void test_tap_presses_at_once(void **state)
{
	(void)state;
	touch(0, 0, TOUCH_DOWN, 150, 250, 1000);
	/* the press is heard before the finger lifts: play reacts on touch */
	assert_string_equal(kinds(), "P");
	assert_int_equal(ev[0].target, 12);
	touch(0, 0, TOUCH_MOVE, 152, 251, 1040); /* a finger's wobble is not a drag */
	touch(0, 0, TOUCH_UP, 152, 251, 1080);
	assert_string_equal(kinds(), "PTR");
	assert_int_equal(ev[1].target, 12);
	assert_int_equal(ev[1].x0, 150);
	assert_int_equal(ev[1].x, 152);
	assert_int_equal(gesture_fingers(&gt), 0);
}

static void test_double_tap(void **state)
{
	(void)state;
	touch(0, 0, TOUCH_DOWN, 150, 250, 1000);
	touch(0, 0, TOUCH_UP, 150, 250, 1060);
	touch(0, 0, TOUCH_DOWN, 154, 252, 1250);
	touch(0, 0, TOUCH_UP, 154, 252, 1300);
	assert_string_equal(kinds(), "PTRPT2R");
	assert_int_equal(last(GESTURE_DOUBLE_TAP)->target, 12);

	/* a third tap starts a new pair */
	touch(0, 0, TOUCH_DOWN, 154, 252, 1450);
	touch(0, 0, TOUCH_UP, 154, 252, 1500);
	assert_int_equal(count(GESTURE_DOUBLE_TAP), 1);
}

static void test_not_a_double_tap(void **state)
{
	(void)state;
	/* too slow */
	touch(0, 0, TOUCH_DOWN, 150, 250, 1000);
	touch(0, 0, TOUCH_UP, 150, 250, 1050);
	touch(0, 0, TOUCH_DOWN, 150, 250, 1400);
	touch(0, 0, TOUCH_UP, 150, 250, 1450);
	/* another control */
	touch(0, 0, TOUCH_DOWN, 150, 250, 3000);
	touch(0, 0, TOUCH_UP, 150, 250, 3050);
	touch(0, 1, TOUCH_DOWN, 250, 250, 3200);
	touch(0, 1, TOUCH_UP, 250, 250, 3250);
	/* the same control, but 10 mm apart */
	touch(0, 0, TOUCH_DOWN, 110, 210, 5000);
	touch(0, 0, TOUCH_UP, 110, 210, 5050);
	touch(0, 0, TOUCH_DOWN, 170, 210, 5200);
	touch(0, 0, TOUCH_UP, 170, 210, 5250);
	/* another display */
	touch(0, 0, TOUCH_DOWN, 150, 250, 7000);
	touch(0, 0, TOUCH_UP, 150, 250, 7050);
	touch(1, 0, TOUCH_DOWN, 150, 250, 7200);
	touch(1, 0, TOUCH_UP, 150, 250, 7250);
	assert_int_equal(count(GESTURE_TAP), 8);
	assert_int_equal(count(GESTURE_DOUBLE_TAP), 0);
}

static void test_long_press(void **state)
{
	(void)state;
	touch(0, 0, TOUCH_DOWN, 450, 450, 1000);
	for (long t = 1050; t < 1500; t += 50)
		gesture_tick(&gt, t);
	assert_string_equal(kinds(), "P");
	gesture_tick(&gt, 1500);
	assert_string_equal(kinds(), "PL");
	gesture_tick(&gt, 1550);
	touch(0, 0, TOUCH_UP, 450, 450, 2000);
	/* held: no tap on lift */
	assert_string_equal(kinds(), "PLR");
}

static void test_drag_follows_the_finger(void **state)
{
	int x = 500, sum = 0;

	(void)state;
	touch(0, 3, TOUCH_DOWN, x, 500, 1000);
	/* 1 px per step: the drag begins once beyond 2 mm (12 px) */
	for (int i = 1; i <= 30; i++)
		touch(0, 3, TOUCH_MOVE, x, 500 + i, 1000 + 16 * i);
	assert_int_equal(count(GESTURE_DRAG_BEGIN), 1);
	assert_int_equal(ev[1].kind, GESTURE_DRAG_BEGIN);
	assert_int_equal(ev[1].y, 513);
	for (int i = 0; i < nev; i++)
		if (ev[i].kind == GESTURE_DRAG)
			sum += ev[i].dy;
	/* the drag's steps add up to the whole way, from where it went down */
	assert_int_equal(sum, 30);
	/* it stays with its control when it wanders off (a fader's knob) */
	touch(0, 3, TOUCH_MOVE, x + 300, 500 + 40, 1600);
	assert_int_equal(last(GESTURE_DRAG)->target, 55);
	/* it stopped, then lifted: no fling */
	touch(0, 3, TOUCH_UP, x + 300, 540, 1900);
	assert_int_equal(count(GESTURE_FLING), 0);
	assert_int_equal(count(GESTURE_TAP), 0);
	assert_int_equal(ev[nev - 2].kind, GESTURE_DRAG_END);
	assert_int_equal(ev[nev - 1].kind, GESTURE_RELEASE);
}

static void test_fling_has_the_release_speed(void **state)
{
	const struct gesture *f;

	(void)state;
	/* a library list flicked upwards at 20 px per 10 ms: 2000 px/s */
	touch(0, 0, TOUCH_DOWN, 300, 900, 1000);
	for (int i = 1; i <= 20; i++)
		touch(0, 0, TOUCH_MOVE, 300, 900 - 20 * i, 1000 + 10 * i);
	touch(0, 0, TOUCH_UP, 300, 500, 1205);
	f = last(GESTURE_FLING);
	assert_non_null(f);
	assert_int_equal(f->target, 39);
	assert_true(f->vy < -1900 && f->vy > -2100);
	assert_true(f->vx == 0);
	/* a slow drag is no fling: 1 px per 10 ms is 100 px/s, 17 mm/s */
	nev = 0;
	touch(0, 0, TOUCH_DOWN, 300, 300, 3000);
	for (int i = 1; i <= 40; i++)
		touch(0, 0, TOUCH_MOVE, 300, 300 + i, 3000 + 10 * i);
	touch(0, 0, TOUCH_UP, 300, 340, 3405);
	assert_int_equal(count(GESTURE_DRAG_END), 1);
	assert_int_equal(count(GESTURE_FLING), 0);
}

static void test_density_sets_the_slop(void **state)
{
	(void)state;
	/* 10 px: within 2 mm at 6 px/mm, beyond it at 4 px/mm */
	touch(0, 0, TOUCH_DOWN, 500, 500, 1000);
	touch(0, 0, TOUCH_MOVE, 510, 500, 1020);
	touch(0, 0, TOUCH_UP, 510, 500, 1040);
	assert_string_equal(kinds(), "PTR");
	nev = 0;
	gesture_set_density(&gt, 1, 4.0f);
	touch(1, 0, TOUCH_DOWN, 500, 500, 3000);
	touch(1, 0, TOUCH_MOVE, 510, 500, 3020);
	touch(1, 0, TOUCH_UP, 510, 500, 3040);
	assert_string_equal(kinds(), "PBDER");
}

static void test_two_faders_at_once(void **state)
{
	int dy_a = 0, dy_b = 0;

	(void)state;
	/* one finger on each channel fader, moving in opposite directions */
	touch(0, 0, TOUCH_DOWN, 150, 500, 1000);
	touch(0, 1, TOUCH_DOWN, 850, 500, 1005);
	for (int i = 1; i <= 30; i++) {
		touch(0, 0, TOUCH_MOVE, 150, 500 - 3 * i, 1000 + 16 * i);
		touch(0, 1, TOUCH_MOVE, 850, 500 + 3 * i, 1005 + 16 * i);
	}
	touch(0, 1, TOUCH_UP, 850, 590, 1600);
	touch(0, 0, TOUCH_UP, 150, 410, 1610);
	for (int i = 0; i < nev; i++) {
		if (ev[i].kind != GESTURE_DRAG)
			continue;
		if (ev[i].target == 15)
			dy_a += ev[i].dy;
		else if (ev[i].target == 85)
			dy_b += ev[i].dy;
		else
			fail_msg("a drag went to control %d", ev[i].target);
	}
	assert_int_equal(dy_a, -90);
	assert_int_equal(dy_b, 90);
	assert_int_equal(count(GESTURE_PINCH_BEGIN), 0);
	assert_int_equal(count(GESTURE_RELEASE), 2);
}

static void test_hold_a_hot_cue_and_move_the_pitch(void **state)
{
	(void)state;
	touch(0, 0, TOUCH_DOWN, 50, 950, 1000); /* hot cue pad, held */
	touch(0, 1, TOUCH_DOWN, 950, 500, 1100); /* pitch slider */
	for (int i = 1; i <= 10; i++)
		touch(0, 1, TOUCH_MOVE, 950, 500 + 5 * i, 1100 + 16 * i);
	touch(0, 1, TOUCH_UP, 950, 550, 1400);
	/* the pad is still held: its release comes only when it lifts */
	assert_int_equal(count(GESTURE_RELEASE), 1);
	assert_int_equal(last(GESTURE_RELEASE)->target, 95);
	touch(0, 0, TOUCH_UP, 50, 950, 1500);
	assert_int_equal(last(GESTURE_RELEASE)->target, 9);
	assert_int_equal(last(GESTURE_PRESS)->target, 95);
	assert_int_equal(last(GESTURE_DRAG)->target, 95);
	/* the pad was held 500 ms: a long press, not a tap */
	assert_int_equal(count(GESTURE_TAP), 0);
	assert_int_equal(count(GESTURE_LONG_PRESS), 1);
	assert_int_equal(last(GESTURE_LONG_PRESS)->target, 9);
}

static void test_pinch_zooms(void **state)
{
	const struct gesture *p;

	(void)state;
	/* two fingers on the waveform (one control), spreading to twice apart */
	touch(0, 0, TOUCH_DOWN, 440, 450, 1000);
	touch(0, 1, TOUCH_DOWN, 460, 450, 1010);
	assert_string_equal(kinds(), "P<");
	for (int i = 1; i <= 10; i++) {
		touch(0, 0, TOUCH_MOVE, 440 - i, 450, 1010 + 16 * i);
		touch(0, 1, TOUCH_MOVE, 460 + i, 450, 1010 + 16 * i);
	}
	p = last(GESTURE_PINCH);
	assert_non_null(p);
	assert_true(p->scale > 1.99f && p->scale < 2.01f);
	assert_int_equal(p->x, 450);
	assert_int_equal(p->target, 44);
	touch(0, 1, TOUCH_UP, 470, 450, 1300);
	assert_int_equal(count(GESTURE_PINCH_END), 1);
	/* the finger left down says nothing more until it lifts: no drag, no tap */
	touch(0, 0, TOUCH_MOVE, 400, 450, 1350);
	touch(0, 0, TOUCH_UP, 400, 450, 1400);
	assert_int_equal(count(GESTURE_DRAG), 0);
	assert_int_equal(count(GESTURE_TAP), 0);
	assert_int_equal(count(GESTURE_PRESS), 1);
	assert_int_equal(count(GESTURE_RELEASE), 1);
	assert_int_equal(ev[nev - 1].kind, GESTURE_RELEASE);
}

static void test_a_drag_becomes_a_pinch(void **state)
{
	(void)state;
	touch(0, 0, TOUCH_DOWN, 400, 450, 1000);
	touch(0, 0, TOUCH_MOVE, 430, 450, 1016);
	touch(0, 1, TOUCH_DOWN, 480, 450, 1032);
	/* the drag is closed before the pinch starts */
	assert_string_equal(kinds(), "PBDE<");
	touch(0, 1, TOUCH_MOVE, 470, 450, 1048);
	assert_true(last(GESTURE_PINCH)->scale < 1.0f);
}

static void test_nothing_there(void **state)
{
	(void)state;
	/* a finger outside every control is followed but silent */
	touch(0, 0, TOUCH_DOWN, 1200, 100, 1000);
	touch(0, 0, TOUCH_MOVE, 1250, 100, 1100);
	gesture_tick(&gt, 2000);
	assert_int_equal(gesture_fingers(&gt), 1);
	touch(0, 0, TOUCH_UP, 1250, 100, 2100);
	assert_int_equal(nev, 0);
	assert_int_equal(gesture_fingers(&gt), 0);
}

static void test_stray_and_repeated_points(void **state)
{
	(void)state;
	/* moves and lifts of a finger never seen going down */
	touch(0, 4, TOUCH_MOVE, 100, 100, 1000);
	touch(0, 4, TOUCH_UP, 100, 100, 1010);
	touch(7, 0, TOUCH_DOWN, 100, 100, 1020); /* no such display */
	touch(-1, 0, TOUCH_DOWN, 100, 100, 1020);
	assert_int_equal(nev, 0);
	/* a DOWN again for a finger that is down: the first lifted unseen */
	touch(0, 0, TOUCH_DOWN, 150, 150, 2000);
	touch(0, 0, TOUCH_DOWN, 350, 150, 2100);
	assert_int_equal(gesture_fingers(&gt), 1);
	touch(0, 0, TOUCH_UP, 350, 150, 2150);
	assert_int_equal(gesture_fingers(&gt), 0);
	assert_int_equal(last(GESTURE_TAP)->target, 31);
	/* every finger slot of every display at once, then all lifted */
	for (int d = 0; d < BOARD_MAX_DISPLAYS; d++)
		for (int s = 0; s < TOUCHDEC_SLOTS; s++)
			touch(d, s, TOUCH_DOWN, 50 + 100 * s, 50, 3000);
	assert_int_equal(gesture_fingers(&gt), GESTURE_FINGERS);
	for (int d = 0; d < BOARD_MAX_DISPLAYS; d++)
		for (int s = 0; s < TOUCHDEC_SLOTS; s++)
			touch(d, s, TOUCH_UP, 50 + 100 * s, 50, 3050);
	assert_int_equal(gesture_fingers(&gt), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_tap_presses_at_once, setup),
	    cmocka_unit_test_setup(test_double_tap, setup),
	    cmocka_unit_test_setup(test_not_a_double_tap, setup),
	    cmocka_unit_test_setup(test_long_press, setup),
	    cmocka_unit_test_setup(test_drag_follows_the_finger, setup),
	    cmocka_unit_test_setup(test_fling_has_the_release_speed, setup),
	    cmocka_unit_test_setup(test_density_sets_the_slop, setup),
	    cmocka_unit_test_setup(test_two_faders_at_once, setup),
	    cmocka_unit_test_setup(test_hold_a_hot_cue_and_move_the_pitch, setup),
	    cmocka_unit_test_setup(test_pinch_zooms, setup),
	    cmocka_unit_test_setup(test_a_drag_becomes_a_pinch, setup),
	    cmocka_unit_test_setup(test_nothing_there, setup),
	    cmocka_unit_test_setup(test_stray_and_repeated_points, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
