/*
 * The screens' frame rate gives way to the audio thread and to the SoC's
 * temperature, with the reason on the status bar; frame times for status.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fw/pacer.h"

static struct pacer p;

/* Readings every 100 ms from t0 for ms, all the same. */
static void hold(long *t, long ms, float load, float temp)
{
	for (long end = *t + ms; *t < end; *t += 100)
		pacer_update(&p, load, temp, *t);
}

static void test_steps_down_at_once_and_up_slowly(void **state)
{
	long t = 0;

	(void)state;
	pacer_init(&p, 50, 80);
	hold(&t, 1000, 20, 60);
	assert_int_equal(pacer_fps(&p), 60);
	assert_string_equal(p.why, "");
	pacer_update(&p, 62, 60, t);
	assert_int_equal(pacer_fps(&p), 30);
	assert_string_equal(p.why, "screens at 30 fps: audio load 62 % (limit 50)");
	pacer_update(&p, 80, 60, t += 100);
	assert_int_equal(pacer_fps(&p), 15);
	/* just under the limit is not calm: the rate stays down */
	hold(&t, 5000, 45, 60);
	assert_int_equal(pacer_fps(&p), 15);
	/* calm: up one step after PACER_CALM_MS, then the next */
	hold(&t, PACER_CALM_MS - 100, 30, 60);
	assert_int_equal(pacer_fps(&p), 15);
	hold(&t, 200, 30, 60);
	assert_int_equal(pacer_fps(&p), 30);
	hold(&t, PACER_CALM_MS, 30, 60);
	assert_int_equal(pacer_fps(&p), 60);
	assert_string_equal(p.why, "");
}

static void test_temperature(void **state)
{
	long t = 0;

	(void)state;
	pacer_init(&p, 50, 80);
	pacer_update(&p, 10, 82, t);
	assert_int_equal(pacer_fps(&p), 30);
	assert_string_equal(p.why, "screens at 30 fps: SoC 82 C (limit 80)");
	pacer_update(&p, 10, 86, t += 100);
	assert_int_equal(pacer_fps(&p), 15);
	/* a box that cannot read its temperature goes by the load alone */
	pacer_init(&p, 50, 80);
	hold(&t, 3000, 10, NAN);
	assert_int_equal(pacer_fps(&p), 60);
	pacer_update(&p, 55, NAN, t);
	assert_int_equal(pacer_fps(&p), 30);
	assert_string_equal(p.why, "screens at 30 fps: audio load 55 % (limit 50)");
}

static void test_frames_are_paced(void **state)
{
	long wait;

	(void)state;
	pacer_init(&p, 50, 80);
	assert_true(pacer_due(&p, 1000, &wait));
	pacer_frame(&p, 1000, 1500);
	assert_false(pacer_due(&p, 1010, &wait));
	assert_int_equal(wait, 5);
	assert_true(pacer_due(&p, 1015, &wait));
	assert_int_equal(wait, 0);
	/* at 30 fps a frame every 33 ms */
	pacer_update(&p, 70, 50, 1020);
	assert_false(pacer_due(&p, 1030, &wait));
	assert_int_equal(wait, 2);
	assert_true(pacer_due(&p, 1032, NULL));
}

static void test_frame_time_statistics(void **state)
{
	char s[160];

	(void)state;
	pacer_init(&p, 50, 80);
	pacer_format(&p, s, sizeof s);
	assert_string_equal(s, "frames 0; 60 fps");
	for (int i = 0; i < 99; i++)
		pacer_frame(&p, 1000 + 17 * i, 1040);
	pacer_frame(&p, 3000, 12000);
	pacer_format(&p, s, sizeof s);
	assert_string_equal(s, "frames 100, mean 1.15 ms, p99 <= 1.1 ms, worst 12.00 ms; 60 fps");
	/* a frame beyond the histogram is still the worst, and the p99 with few frames */
	pacer_frame(&p, 4000, 90000);
	pacer_format(&p, s, sizeof s);
	assert_non_null(strstr(s, "worst 90.00 ms"));
	assert_non_null(strstr(s, "p99 <= 12.1 ms"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steps_down_at_once_and_up_slowly),
	    cmocka_unit_test(test_temperature),
	    cmocka_unit_test(test_frames_are_paced),
	    cmocka_unit_test(test_frame_time_statistics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
