/*
 * test_touchlat: the touch-to-sound line of `slipmat status`, from the
 * figures the engine logs in its states: the last, the median and the
 * worst of the recent taps, however the loop's reads fall between them;
 * taps the engine's log lost before the loop came are counted, not made
 * up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fw/touchlat.h"

/* The engine's side: tap k (from 0) measured ms[k]. */
static void engine_taps(struct engine_state *st, const float *ms, unsigned long upto)
{
	for (unsigned long k = st->touches; k < upto; k++)
		st->touch_ms[k % ENGINE_TOUCH_LOG] = ms[k];
	st->touches = upto;
}

static void line(const struct touchlat *t, char *buf, size_t size)
{
	touchlat_format(t, buf, size);
	print_message("%s\n", buf);
}

/* Five taps read one, then four at once, then the same state again. */
static void test_last_median_worst(void **state)
{
	const float ms[5] = {24.5f, 22.0f, 31.25f, 23.0f, 26.0f};
	struct engine_state st;
	struct touchlat t;
	char buf[160];

	(void)state;
	memset(&st, 0, sizeof st);
	touchlat_init(&t);
	line(&t, buf, sizeof buf);
	assert_string_equal(buf, "touch to sound: no taps yet");
	engine_taps(&st, ms, 1);
	touchlat_update(&t, &st);
	line(&t, buf, sizeof buf);
	assert_string_equal(
	    buf, "touch to sound: last 24.5 ms, median 24.5 ms, worst 24.5 ms over 1 tap");
	engine_taps(&st, ms, 5);
	touchlat_update(&t, &st);
	touchlat_update(&t, &st); /* an old state again: nothing new */
	line(&t, buf, sizeof buf);
	assert_string_equal(buf, "touch to sound: last 26.0 ms, median 24.5 ms, worst 31.2 ms over "
	                         "5 taps");
	/* an even count: the middle two's mean */
	{
		const float more[6] = {24.5f, 22.0f, 31.25f, 23.0f, 26.0f, 40.0f};

		engine_taps(&st, more, 6);
		touchlat_update(&t, &st);
		line(&t, buf, sizeof buf);
		assert_string_equal(buf,
		                    "touch to sound: last 40.0 ms, median 25.2 ms, worst 40.0 ms "
		                    "over 6 taps");
	}
}

/*
 * More taps between two reads than the engine's log holds: the newest
 * ENGINE_TOUCH_LOG are taken, the rest counted as lost; past
 * TOUCHLAT_RECENT, the figures are over the newest only.
 */
static void test_lost_and_recent(void **state)
{
	static float ms[1000];
	struct engine_state st;
	struct touchlat t;
	char buf[160], want[160];
	unsigned long k;

	(void)state;
	for (k = 0; k < 1000; k++)
		ms[k] = (float)k; /* each tap later than the one before */
	memset(&st, 0, sizeof st);
	touchlat_init(&t);
	engine_taps(&st, ms, ENGINE_TOUCH_LOG + 3);
	touchlat_update(&t, &st);
	line(&t, buf, sizeof buf);
	snprintf(want, sizeof want,
	         "touch to sound: last %.1f ms, median %.1f ms, worst %.1f ms over %d taps (3 more "
	         "not collected)",
	         ENGINE_TOUCH_LOG + 2.0, 3 + (ENGINE_TOUCH_LOG - 1) / 2.0, ENGINE_TOUCH_LOG + 2.0,
	         ENGINE_TOUCH_LOG);
	assert_string_equal(buf, want);
	for (k = ENGINE_TOUCH_LOG + 3; k <= 500; k += 7) {
		engine_taps(&st, ms, k);
		touchlat_update(&t, &st);
	}
	line(&t, buf, sizeof buf);
	/* taps 500 - 63 .. 500 - 1, taken 7 at a time, none lost */
	k -= 7;
	snprintf(
	    want, sizeof want,
	    "touch to sound: last %.1f ms, median %.1f ms, worst %.1f ms over the last %d taps "
	    "(3 more not collected)",
	    (double)k - 1, (double)k - 1 - (TOUCHLAT_RECENT - 1) / 2.0, (double)k - 1,
	    TOUCHLAT_RECENT);
	assert_string_equal(buf, want);
	/* a new engine (the player restarted): counted from its start */
	memset(&st, 0, sizeof st);
	engine_taps(&st, ms, 2);
	touchlat_update(&t, &st);
	assert_int_equal(t.seen, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_last_median_worst),
	    cmocka_unit_test(test_lost_and_recent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
