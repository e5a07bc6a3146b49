/*
 * test_tone: the test tone a technician hears must be the pitch and level
 * the status screen claims, clean, and unbroken however the audio thread
 * cuts it into periods.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "dsp/tone.h"

#define RATE 48000

static void test_rejects_what_would_alias(void **state)
{
	struct tone t;

	(void)state;
	assert_int_equal(tone_init(&t, 0, RATE, 0), -EINVAL);
	assert_int_equal(tone_init(&t, -440, RATE, 0), -EINVAL);
	assert_int_equal(tone_init(&t, RATE / 2, RATE, 0), -EINVAL);
	assert_int_equal(tone_init(&t, NAN, RATE, 0), -EINVAL);
	assert_int_equal(tone_init(&t, 440, 0, 0), -EINVAL);
	assert_int_equal(tone_init(&t, 440, RATE, -12), 0);
	assert_int_equal(tone_init(&t, RATE / 2 - 1, RATE, 0), 0);
}

#define N (RATE * 60)

/*
 * A minute of 997 Hz (prime, so the phase never repeats on a sample grid)
 * at -12 dBFS against sin() of the exact phase n * f / rate: never more
 * than 1e-6 of full scale apart, so no drift, no distortion above -120 dB.
 * Measured like a meter would: RMS level and zero-crossing pitch.
 */
static void test_pitch_level_purity(void **state)
{
	static float x[N];
	struct tone t;
	double amp = pow(10, -12 / 20.0), sq = 0, worst = 0, first = -1, last = -1, db, hz;
	long crossings = 0;
	long n;

	(void)state;
	assert_int_equal(tone_init(&t, 997, RATE, -12), 0);
	tone_render(&t, x, N, 1);
	for (n = 0; n < N; n++) {
		double ideal = amp * sin(2 * M_PI * fmod((double)n * 997, RATE) / RATE);
		double e = fabs(x[n] - ideal);

		if (e > worst)
			worst = e;
		sq += (double)x[n] * x[n];
		if (n > 0 && x[n - 1] < 0 && x[n] >= 0) {
			/* upward crossing, interpolated between the samples */
			double at = n - 1 + x[n - 1] / (x[n - 1] - x[n]);

			if (first < 0)
				first = at;
			last = at;
			crossings++;
		}
	}
	db = 20 * log10(sqrt(sq / N) * sqrt(2.0));
	hz = (crossings - 1) / ((last - first) / RATE);
	print_message("997 Hz -12 dBFS: measured %.4f Hz, %.4f dBFS, worst error %.2g\n", hz, db,
	              worst);
	assert_true(worst < 1e-6);
	assert_true(fabs(db + 12) < 0.001);
	assert_true(fabs(hz - 997) < 0.001);
}

/* Cut into periods of any size, the tone is the same bits as in one go. */
static void test_periods_join_seamlessly(void **state)
{
	static float whole[9000], cut[9000];
	struct tone a, b;
	size_t i, n, len;

	(void)state;
	tone_init(&a, 440, RATE, -3);
	tone_init(&b, 440, RATE, -3);
	tone_render(&a, whole, 9000, 1);
	for (i = 0, len = 1; i < 9000; i += n, len = len * 3 % 257 + 1) {
		n = len < 9000 - i ? len : 9000 - i;
		tone_render(&b, cut + i, n, 1);
	}
	assert_memory_equal(whole, cut, sizeof whole);
}

/* One channel of an interleaved frame: the other channels stay as they were. */
static void test_stride_writes_one_channel(void **state)
{
	float frames[4 * 64];
	struct tone t;
	int i;

	(void)state;
	for (i = 0; i < 4 * 64; i++)
		frames[i] = 9.0f;
	tone_init(&t, 1000, RATE, 0);
	tone_render(&t, frames + 2, 64, 4);
	for (i = 0; i < 4 * 64; i++) {
		if (i % 4 == 2)
			assert_true(fabsf(frames[i]) <= 1.0f);
		else
			assert_true(frames[i] == 9.0f);
	}
	/* 1000 Hz at 48 kHz peaks at the 12th sample, at full scale for 0 dBFS */
	assert_true(fabsf(frames[4 * 12 + 2] - 1.0f) < 1e-6f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rejects_what_would_alias),
	    cmocka_unit_test(test_pitch_level_purity),
	    cmocka_unit_test(test_periods_join_seamlessly),
	    cmocka_unit_test(test_stride_writes_one_channel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
