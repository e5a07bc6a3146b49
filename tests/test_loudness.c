/*
 * test_loudness: what auto-gain reads. The EBU Tech 3341 stereo cases 1
 * to 5 (made from the specification's description by tools/gen) read
 * within 0.1 LU of their stated loudness at 48 kHz; case 1 reads the same
 * at 44.1 and 96 kHz (the K-weighting is designed for the rate); a gap
 * of silence does not pull a track's loudness down (the gates); silence
 * reads LOUDNESS_SILENT; and chunking does not change the figure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dsp/loudness.h"
#include "tools/gen/tech3341.h"

#define MAX_FRAMES (100L * 96000)

static float audio[2 * MAX_FRAMES];
static float mem[MAX_FRAMES / 4000 + 16];

static double measure(int rate, const float *in, long frames, long chunk)
{
	static struct loudness l;
	long i;

	assert_true(loudness_bytes(frames, rate) <= sizeof mem);
	loudness_init(&l, rate, mem, frames);
	for (i = 0; i < frames; i += chunk)
		loudness_feed(&l, in + 2 * i, frames - i < chunk ? frames - i : chunk);
	return loudness_integrated(&l);
}

static void test_tech3341_cases(void **state)
{
	int c;

	(void)state;
	for (c = 1; c <= TECH3341_CASES; c++) {
		long n = tech3341_frames(c, 48000);
		double want = tech3341_make(c, 48000, audio, n);
		double got = measure(48000, audio, n, 4096);

		print_message("Tech 3341 case %d: %.3f LUFS (expected %.1f)\n", c, got, want);
		assert_true(fabs(got - want) <= 0.1);
	}
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
	double a, b;

	(void)state;
	tech3341_make(5, 48000, audio, n);
	a = measure(48000, audio, n, 1);
	b = measure(48000, audio, n, 100000);
	assert_true(fabs(a - b) < 0.001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tech3341_cases),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_gates_and_silence),
		cmocka_unit_test(test_chunking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
