/*
 * test_loudness: what auto-gain reads. The EBU Tech 3341 cases 1 to 6
 * (made from the specification's description by tools/gen: 1 to 5
 * stereo, 6 five channels with BS.1770's weights) read within 0.1 LU of
 * their stated loudness at 48 kHz; cases 1 and 6 read the same at 44.1
 * and 96 kHz (the K-weighting is designed for the rate); an LFE channel
 * at weight 0 changes nothing, and impossible channel counts and weights
 * are refused; a gap of silence does not pull a track's loudness down
 * (the gates); silence reads LOUDNESS_SILENT; and chunking does not change
 * the figure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "dsp/loudness.h"
#include "tools/gen/tech3341.h"

#define MAX_FRAMES (100L * 96000)

static float audio[2 * MAX_FRAMES];
static float mem[MAX_FRAMES / 4000 + 16];
/* L, R, C, Ls, Rs and an LFE */
static const double surround[6] = {1, 1, 1, LOUDNESS_SURROUND, LOUDNESS_SURROUND, 0};

/* The loudness of frames of channels interleaved (weights: NULL for stereo). */
static double measure_ch(int rate, const float *in, long frames, long chunk, int channels,
			 const double *weights)
{
	static struct loudness l;
	long i;

	assert_true(loudness_bytes(frames, rate) <= sizeof mem);
	loudness_init(&l, rate, mem, frames);
	if (weights)
		assert_int_equal(loudness_channels(&l, channels, weights), 0);
	for (i = 0; i < frames; i += chunk)
		loudness_feed(&l, in + (long)channels * i, frames - i < chunk ? frames - i : chunk);
	return loudness_integrated(&l);
}

static double measure(int rate, const float *in, long frames, long chunk)
{
	return measure_ch(rate, in, frames, chunk, 2, NULL);
}

/* Case c at rate, with BS.1770's weights when it is not stereo. */
static double measure_case(int c, int rate, long chunk, double *want)
{
	long n = tech3341_frames(c, rate);
	int ch = tech3341_channels(c);

	assert_true(n * ch <= 2 * MAX_FRAMES);
	*want = tech3341_make(c, rate, audio, n);
	return measure_ch(rate, audio, n, chunk, ch, ch == 2 ? NULL : surround);
}

static void test_tech3341_cases(void **state)
{
	int c;

	(void)state;
	assert_int_equal(TECH3341_CASES, 6);
	for (c = 1; c <= TECH3341_CASES; c++) {
		double want, got = measure_case(c, 48000, 4096, &want);

		print_message("Tech 3341 case %d (%d channels): %.3f LUFS (expected %.1f)\n", c,
			      tech3341_channels(c), got, want);
		assert_true(fabs(got - want) <= 0.1);
	}
}

static void test_surround(void **state)
{
	static const int rates[] = {44100, 96000};
	static const double bad[2] = {1, -1};
	struct loudness l;
	double want, five, got;
	long n = tech3341_frames(6, 48000), i;
	int r;

	(void)state;
	for (r = 0; r < 2; r++) {
		got = measure_case(6, rates[r], 1000, &want);
		assert_true(fabs(got - want) <= 0.1);
	}
	/* the same 5.0 with a loud LFE beside it (50 Hz, -6 dBFS) at weight 0 */
	five = measure_case(6, 48000, 4096, &want);
	for (i = n - 1; i >= 0; i--) {
		memmove(audio + 6 * i, audio + 5 * i, sizeof(float) * 5);
		audio[6 * i + 5] = (float)(0.5 * sin(2 * M_PI * 50.0 * i / 48000));
	}
	got = measure_ch(48000, audio, n, 4096, 6, surround);
	assert_true(fabs(got - five) < 0.001);
	/* Ls and Rs count 1.41 times: weighed 1.0 like the rest, case 6 reads 0.37 LU lower */
	tech3341_make(6, 48000, audio, n);
	got = measure_ch(48000, audio, n, 4096, 5, (const double[5]){1, 1, 1, 1, 1});
	{
		double front = pow(10, -2.8), centre = 0.5 * pow(10, -2.4), sides = pow(10, -3.0);

		want = 10 * log10((front + centre + LOUDNESS_SURROUND * sides) / (front + centre + sides));
		print_message("Ls, Rs at 1.41: %.3f LU louder than at 1.0 (%.3f expected)\n", five - got, want);
		assert_true(fabs(five - got - want) < 0.01);
	}
	/* refused: no channels, too many, a negative weight */
	loudness_init(&l, 48000, mem, n);
	assert_int_equal(loudness_channels(&l, 0, surround), -EINVAL);
	assert_int_equal(loudness_channels(&l, LOUDNESS_MAX_CHANNELS + 1, surround), -EINVAL);
	assert_int_equal(loudness_channels(&l, 2, bad), -EINVAL);
	assert_int_equal(l.channels, 2);
}

static void test_rates(void **state)
{
	static const int rates[] = {44100, 96000};
	int r;

	(void)state;
	for (r = 0; r < 2; r++) {
		long n = tech3341_frames(1, rates[r]);
		double want = tech3341_make(1, rates[r], audio, n);

		assert_true(fabs(measure(rates[r], audio, n, 1000) - want) <= 0.1);
	}
}

static void test_gates_and_silence(void **state)
{
	long n = tech3341_frames(1, 48000);

	(void)state;
	tech3341_make(1, 48000, audio, n);
	/* 20 s more of digital silence after the tone: still -23 */
	memset(audio + 2 * n, 0, sizeof(float) * 2 * (size_t)n);
	assert_true(fabs(measure(48000, audio, 2 * n, 777) + 23.0) <= 0.1);
	/* silence alone */
	memset(audio, 0, sizeof(float) * 2 * (size_t)n);
	assert_true(measure(48000, audio, n, 4096) == LOUDNESS_SILENT);
	/* shorter than one 400 ms block */
	assert_true(measure(48000, audio, 9000, 4096) == LOUDNESS_SILENT);
}

static void test_chunking(void **state)
{
	long n = tech3341_frames(5, 48000);
	double a, b, want;

	(void)state;
	tech3341_make(5, 48000, audio, n);
	a = measure(48000, audio, n, 1);
	b = measure(48000, audio, n, 100000);
	assert_true(fabs(a - b) < 0.001);
	a = measure_case(6, 48000, 1, &want);
	b = measure_case(6, 48000, 100000, &want);
	assert_true(fabs(a - b) < 0.001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tech3341_cases),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_surround),
		cmocka_unit_test(test_gates_and_silence),
		cmocka_unit_test(test_chunking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
