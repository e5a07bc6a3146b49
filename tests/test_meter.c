/*
 * test_meter: what the level meters show. A 0.5-amplitude sine reads
 * -6.02 dBFS peak and -9.03 dBFS RMS at every rate; channels are kept
 * apart; after the music stops the peak holds, then falls at its stated
 * rate, and the RMS empties with its 300 ms window; the period size does
 * not change the readings; a NaN pins the meter and then goes away; and
 * NEON gives the scalar reference's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dsp/meter.h"
#include "tests/signals.h"

static float buf[2 * 96000];

static double dbfs(float v)
{
	return 20 * log10(v);
}

/* frames of a sine at f with amplitude amp on the channels asked for, from phase 0 */
static void sine(float *out, int frames, double f, int rate, double amp, int left, int right)
{
	int i;

	for (i = 0; i < frames; i++) {
		float v = (float)(amp * sin(2 * M_PI * fmod(f * i, rate) / rate));

		out[2 * i] = left ? v : 0.0f;
		out[2 * i + 1] = right ? v : 0.0f;
	}
}

static void feed(struct meter *m, const float *in, int frames, int period)
{
	int i;

	for (i = 0; i < frames; i += period)
		meter_process(m, in + 2 * i, frames - i < period ? frames - i : period);
}

/* -6.02 dBFS peak, -9.03 dBFS RMS for a 0.5 sine at 44.1, 48 and 96 kHz. */
static void test_sine_levels(void **state)
{
	static const int rates[] = {44100, 48000, 96000};
	struct meter m;
	size_t r;

	(void)state;
	for (r = 0; r < 3; r++) {
		float peak[2], rms[2];
		int n = rates[r] * 4 / 10;

		meter_init(&m, rates[r]);
		sine(buf, n, 1000, rates[r], 0.5, 1, 1);
		feed(&m, buf, n, 64);
		meter_read(&m, peak, rms);
		print_message("%d Hz: peak %.3f / %.3f dBFS, RMS %.3f / %.3f dBFS\n", rates[r],
		              dbfs(peak[0]), dbfs(peak[1]), dbfs(rms[0]), dbfs(rms[1]));
		assert_true(fabs(dbfs(peak[0]) + 6.02) < 0.01 && fabs(dbfs(peak[1]) + 6.02) < 0.01);
		assert_true(fabs(dbfs(rms[0]) + 9.03) < 0.01 && fabs(dbfs(rms[1]) + 9.03) < 0.01);
	}
}

/* A tone on the left only: the right meter stays at exactly nothing. */
static void test_channels_apart(void **state)
{
	struct meter m;
	float peak[2], rms[2];

	(void)state;
	meter_init(&m, 48000);
	sine(buf, 24000, 440, 48000, 0.25, 1, 0);
	feed(&m, buf, 24000, 128);
	meter_read(&m, peak, rms);
	assert_true(peak[1] == 0.0f && rms[1] == 0.0f);
	assert_true(fabs(dbfs(peak[0]) + 12.04) < 0.02);
}

/*
 * After the music stops: the peak stays for METER_HOLD_MS, then falls at
 * METER_FALL_DB_S; the RMS is at half its power halfway through the
 * window and exactly zero once the window has passed.
 */
static void test_ballistics(void **state)
{
	struct meter m;
	float peak[2], rms[2];
	const int rate = 48000;
	int i;

	(void)state;
	meter_init(&m, rate);
	sine(buf, rate / 2, 1000, rate, 0.5, 1, 1);
	feed(&m, buf, rate / 2, 64);
	memset(buf, 0, sizeof buf);

	feed(&m, buf, rate * 15 / 100, 64); /* 150 ms of silence */
	meter_read(&m, peak, rms);
	print_message("150 ms after: peak %.2f dBFS, RMS %.2f dBFS\n", dbfs(peak[0]), dbfs(rms[0]));
	assert_true(fabs(dbfs(rms[0]) + 12.04) < 0.05);
	assert_true(fabs(dbfs(peak[0]) + 6.02) < 0.01);

	feed(&m, buf, rate * 30 / 100, 64); /* 450 ms */
	meter_read(&m, peak, rms);
	assert_true(rms[0] == 0.0f && rms[1] == 0.0f);
	assert_true(fabs(dbfs(peak[0]) + 6.02) < 0.01); /* still held */

	feed(&m, buf, rate * 105 / 100, 64); /* 1.5 s: held 0.5 s, fell for 1 s */
	meter_read(&m, peak, rms);
	print_message("1.5 s after: peak %.2f dBFS (held %d ms, then %d dB/s)\n", dbfs(peak[0]),
	              METER_HOLD_MS, METER_FALL_DB_S);
	assert_true(fabs(dbfs(peak[0]) - (-6.02 - METER_FALL_DB_S)) < 0.2);

	for (i = 0; i < 12; i++) /* long after: silence reads 0, not a denormal */
		feed(&m, buf, rate, 1024);
	meter_read(&m, peak, rms);
	assert_true(peak[0] == 0.0f && rms[0] == 0.0f);
}

/* The same music read through 32-frame and 1000-frame periods: the same levels. */
static void test_period_independent(void **state)
{
	struct meter a, b;
	float pa[2], ra[2], pb[2], rb[2];
	int i;

	(void)state;
	meter_init(&a, 48000);
	meter_init(&b, 48000);
	for (i = 0; i < 48000; i++) {
		float env = (float)(0.9 * fabs(sin(2 * M_PI * 1.7 * i / 48000)));
		float v = env * (float)sin(2 * M_PI * 330.0 * i / 48000);

		buf[2 * i] = v;
		buf[2 * i + 1] = 0.5f * v;
	}
	feed(&a, buf, 40000, 32);
	feed(&b, buf, 40000, 1000);
	meter_read(&a, pa, ra);
	meter_read(&b, pb, rb);
	for (i = 0; i < 2; i++) {
		assert_true(fabs(dbfs(pa[i]) - dbfs(pb[i])) < 0.05);
		assert_true(fabs(dbfs(ra[i]) - dbfs(rb[i])) < 0.01);
	}
}

/* A NaN in the music pins the meter at the top, then leaves with the window. */
static void test_nan(void **state)
{
	struct meter m;
	float peak[2], rms[2];

	(void)state;
	meter_init(&m, 48000);
	memset(buf, 0, sizeof buf);
	buf[2 * 100] = NAN;
	feed(&m, buf, 480, 480);
	meter_read(&m, peak, rms);
	assert_true(rms[0] > 0.1f && rms[1] == 0.0f);
	feed(&m, buf + 2 * 480, 48000 * 4 / 10, 480);
	meter_read(&m, peak, rms);
	assert_true(rms[0] == 0.0f && isfinite(peak[0]));
}


/*
 * NEON against the scalar reference: the kernel's sums and peaks, and a
 * whole meter's readings, bit for bit, over calls of every length.
 */
static void test_neon_matches_scalar(void **state)
{
	struct meter a, b;
	float pa[2], ra[2], pb[2], rb[2], sa[2], sb[2], ka[2], kb[2];
	int i, n, k;

	(void)state;
	if (!meter_has_neon()) {
		print_message("no NEON in this build: the comparison runs on the aarch64 build\n");
		skip();
	}
	for (i = 0; i < 2 * 48000; i++)
		buf[i] = signal_noise() * (float)(i % 977) / 977.0f;
	for (n = 0; n < 300; n++) {
		meter_scan(buf + 2 * n, n, sa, ka);
		meter_scan_scalar(buf + 2 * n, n, sb, kb);
		assert_memory_equal(sa, sb, sizeof sa);
		assert_memory_equal(ka, kb, sizeof ka);
	}
	meter_init(&a, 48000);
	meter_init(&b, 48000);
	for (i = 0, k = 0; i < 48000; i += n, k++) {
		n = 1 + k * 37 % 301;
		if (n > 48000 - i)
			n = 48000 - i;
		meter_process(&a, buf + 2 * i, n);
		meter_process_scalar(&b, buf + 2 * i, n);
		meter_read(&a, pa, ra);
		meter_read(&b, pb, rb);
		assert_memory_equal(pa, pb, sizeof pa);
		assert_memory_equal(ra, rb, sizeof ra);
	}
	print_message("NEON == scalar: sums and peaks for 0..299 frames, readings over 1 s\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sine_levels), cmocka_unit_test(test_channels_apart),
	    cmocka_unit_test(test_ballistics),  cmocka_unit_test(test_period_independent),
	    cmocka_unit_test(test_nan),         cmocka_unit_test(test_neon_matches_scalar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
