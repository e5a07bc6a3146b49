/*
 * test_grid: a synthetic beat grid puts beats where a DJ counting along
 * would: one every 60/bpm seconds from the downbeat, with no drift over
 * a long track even when a beat is not a whole number of frames, and it
 * answers "which beat is nearest" and "how far off the beat" the way
 * quantised cues and sync need.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>

#include "fw/grid.h"

static void test_rejects_nonsense(void **state)
{
	struct beat_grid g;

	(void)state;
	assert_int_equal(grid_set(&g, 0, 0, 4), -EINVAL);
	assert_false(g.valid);
	assert_int_equal(grid_set(&g, -120, 0, 4), -EINVAL);
	assert_int_equal(grid_set(&g, NAN, 0, 4), -EINVAL);
	assert_int_equal(grid_set(&g, 120, INFINITY, 4), -EINVAL);
	assert_int_equal(grid_set(&g, 120, 0, 0), -EINVAL);
	assert_false(grid_usable(&g, 48000));
	assert_int_equal(grid_set(&g, 120, 0, 4), 0);
	assert_true(grid_usable(&g, 48000));
	assert_false(grid_usable(&g, 0));
}

/*
 * 128 bpm at 44.1 kHz: 20671.875 frames a beat. Beat 1000 (about eight
 * minutes in) is where a clock would put it, to a millionth of a frame.
 */
static void test_beats_where_a_clock_puts_them(void **state)
{
	const int rates[] = {44100, 48000, 96000};
	struct beat_grid g;

	(void)state;
	for (unsigned r = 0; r < 3; r++) {
		int rate = rates[r];
		double first = 1234.5, len;

		assert_int_equal(grid_set(&g, 128, first, 4), 0);
		len = grid_beat_length(&g, rate);
		assert_true(fabs(len * 128 / 60.0 - rate) < 1e-9);
		for (int beat = -3; beat <= 1000; beat++) {
			double seconds = beat * 60.0 / 128;
			double frame = first + seconds * rate;

			assert_true(fabs(grid_frame_of(&g, rate, beat) - frame) < 1e-6);
			assert_true(fabs(grid_beat_at(&g, rate, frame) - beat) < 1e-9);
			/* a beat's frame is its own nearest beat and floor */
			assert_true(fabs(grid_nearest_beat(&g, rate, frame) - frame) < 1e-6);
			assert_true(fabs(grid_beat_floor(&g, rate, frame) - frame) < 1e-6);
			assert_true(fabs(grid_phase(&g, rate, frame)) < 1e-9);
		}
	}
}

/* Off the beat: nearest, floor and phase as quantise and sync use them. */
static void test_nearest_floor_phase(void **state)
{
	struct beat_grid g;
	const int rate = 48000;
	double len;

	(void)state;
	assert_int_equal(grid_set(&g, 120, 1000, 4), 0);
	len = grid_beat_length(&g, rate); /* 24000 */
	for (int beat = -2; beat < 20; beat++) {
		double b = grid_frame_of(&g, rate, beat);

		/* a little after a beat: it is the nearest and the floor */
		assert_true(fabs(grid_nearest_beat(&g, rate, b + 0.3 * len) - b) < 1e-6);
		assert_true(fabs(grid_beat_floor(&g, rate, b + 0.3 * len) - b) < 1e-6);
		assert_true(fabs(grid_phase(&g, rate, b + 0.3 * len) - 0.3) < 1e-9);
		/* a little before the next: the next is nearest, this one the floor */
		assert_true(fabs(grid_nearest_beat(&g, rate, b + 0.7 * len) - (b + len)) < 1e-6);
		assert_true(fabs(grid_beat_floor(&g, rate, b + 0.7 * len) - b) < 1e-6);
		assert_true(fabs(grid_phase(&g, rate, b + 0.7 * len) + 0.3) < 1e-9);
		/* one frame before a beat is not on it */
		assert_true(fabs(grid_beat_floor(&g, rate, b - 1) - (b - len)) < 1e-6);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rejects_nonsense),
	    cmocka_unit_test(test_beats_where_a_clock_puts_them),
	    cmocka_unit_test(test_nearest_floor_phase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
