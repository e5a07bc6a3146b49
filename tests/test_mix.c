/*
 * test_mix: what a fader does to the sound. A gain change is a straight
 * ramp from the first frame to the last (no step, no zipper), unity and
 * mute leave the bus exactly as it was, the crossfader's curves have the
 * levels a DJ expects (-6 dB or -3 dB at the centre, full volume over
 * the cut curve's travel, silence at the far end) and NEON gives the
 * scalar reference's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dsp/mix.h"
#include "tests/signals.h"

#define N 1024
static float a[2 * N], b[2 * N], src[2 * N];


/*
 * A fader from 1 to 0 across a 64-frame period, on a full-scale constant:
 * the first frame at 1, the last at 0, a straight line between (equal
 * steps of 1/63), both channels alike. A single frame gets the target.
 */
static void test_ramp(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2 * 64; i++)
		a[i] = 1.0f;
	mix_gain(a, 64, 1.0f, 0.0f);
	assert_true(a[0] == 1.0f && a[1] == 1.0f);
	assert_true(fabsf(a[126]) < 1e-6f && fabsf(a[127]) < 1e-6f);
	for (i = 1; i < 64; i++) {
		assert_true(fabs(a[2 * i - 2] - a[2 * i] - 1.0 / 63) < 1e-6);
		assert_true(a[2 * i] == a[2 * i + 1]);
	}

	a[0] = a[1] = 0.5f;
	mix_gain(a, 1, 0.0f, 0.25f);
	assert_true(a[0] == 0.125f && a[1] == 0.125f);

	/* the same ramp for a bus's first source and for an added one */
	for (i = 0; i < 2 * 64; i++) {
		src[i] = 0.5f;
		b[i] = 0.25f;
	}
	mix_gain_set(a, src, 64, 0.0f, 2.0f);
	mix_gain_add(b, src, 64, 0.0f, 2.0f);
	assert_true(a[0] == 0.0f && fabsf(a[127] - 1.0f) < 1e-6f);
	for (i = 0; i < 2 * 64; i++)
		assert_true(fabsf(b[i] - 0.25f - a[i]) < 1e-6f);
}

/* Unity gain and a muted source change nothing, not one bit; -0 included. */
static void test_unity_and_mute(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2 * N; i++) {
		a[i] = b[i] = signal_noise();
		src[i] = signal_noise();
	}
	a[5] = b[5] = -0.0f;
	mix_gain(a, N, 1.0f, 1.0f);
	assert_memory_equal(a, b, sizeof a);
	mix_gain_add(a, src, N, 0.0f, 0.0f);
	assert_memory_equal(a, b, sizeof a);
	mix_gain_scalar(a, N, 1.0f, 1.0f);
	mix_gain_add_scalar(a, src, N, 0.0f, 0.0f);
	assert_memory_equal(a, b, sizeof a);

	/* and a constant gain is that gain on every sample */
	mix_gain(a, N, 0.5f, 0.5f);
	for (i = 0; i < 2 * N; i++)
		assert_true(a[i] == b[i] * 0.5f);
}

static double db(double g)
{
	return 20 * log10(g);
}

/*
 * The crossfader: every curve is A alone at -1 and B alone at 1, exactly;
 * linear is -6 dB each at the centre, constant power -3 dB each with the
 * summed power level all the way; the cut curve is full volume for both
 * over 90 % of the travel and cuts within the last 5 %; no curve ever
 * turns back, and out-of-range or NaN positions are handled.
 */
static void test_xfader(void **state)
{
	static const enum xfader_curve curves[] = {XF_LINEAR, XF_CONSTANT_POWER, XF_CUT};
	size_t c;
	float ga, gb;
	int i;

	(void)state;
	for (c = 0; c < 3; c++) {
		float pa = 2.0f, pb = -1.0f;

		xfader_gains(curves[c], -1.0f, &ga, &gb);
		assert_true(ga == 1.0f && gb == 0.0f);
		xfader_gains(curves[c], 1.0f, &ga, &gb);
		assert_true(ga == 0.0f && gb == 1.0f);
		xfader_gains(curves[c], -7.0f, &ga, &gb);
		assert_true(ga == 1.0f && gb == 0.0f);
		xfader_gains(curves[c], 3.0f, &ga, &gb);
		assert_true(ga == 0.0f && gb == 1.0f);
		for (i = 0; i <= 400; i++) {
			xfader_gains(curves[c], -1.0f + i / 200.0f, &ga, &gb);
			assert_true(ga <= pa && gb >= pb);
			assert_true(ga >= 0.0f && ga <= 1.0f && gb >= 0.0f && gb <= 1.0f);
			pa = ga;
			pb = gb;
		}
	}

	xfader_gains(XF_LINEAR, 0.0f, &ga, &gb);
	print_message("linear centre: %.2f dB, %.2f dB\n", db(ga), db(gb));
	assert_true(fabs(db(ga) + 6.02) < 0.01 && fabs(db(gb) + 6.02) < 0.01);

	xfader_gains(XF_CONSTANT_POWER, 0.0f, &ga, &gb);
	print_message("constant power centre: %.2f dB, %.2f dB\n", db(ga), db(gb));
	assert_true(fabs(db(ga) + 3.01) < 0.01 && fabs(db(gb) + 3.01) < 0.01);
	for (i = 0; i <= 100; i++) {
		xfader_gains(XF_CONSTANT_POWER, -1.0f + i / 50.0f, &ga, &gb);
		assert_true(fabs(ga * ga + gb * gb - 1.0) < 1e-6);
	}

	for (i = 0; i <= 90; i++) {
		xfader_gains(XF_CUT, -0.9f + i / 50.0f, &ga, &gb);
		assert_true(ga == 1.0f && gb == 1.0f);
	}
	xfader_gains(XF_CUT, 0.95f, &ga, &gb);
	assert_true(ga > 0.2f && ga < 0.8f && gb == 1.0f);
	xfader_gains(XF_CUT, -0.95f, &ga, &gb);
	assert_true(gb > 0.2f && gb < 0.8f && ga == 1.0f);

	xfader_gains(XF_CONSTANT_POWER, NAN, &ga, &gb);
	assert_true(fabsf(ga - gb) < 1e-6f && ga > 0.7f);
}

/*
 * NEON against the scalar reference: the same bits for all three kernels
 * on random ramps, lengths 0 to 70 frames (every tail), at odd offsets.
 */
static void test_neon_matches_scalar(void **state)
{
	int trial;

	(void)state;
	if (!mix_has_neon()) {
		print_message("no NEON in this build: the comparison runs on the aarch64 build\n");
		skip();
	}
	for (trial = 0; trial < 600; trial++) {
		int frames = trial % 71, off = (int)(signal_random() % 64), i;
		float g0 = signal_noise() * 2, g1 = trial % 3 ? signal_noise() * 2 : g0;
		float *pa = a + 2 * off, *pb = b + 2 * off, *ps = src + 2 * off;

		for (i = 0; i < 2 * N; i++) {
			a[i] = b[i] = signal_noise();
			src[i] = signal_noise();
		}
		mix_gain_add(pa, ps, frames, g0, g1);
		mix_gain_add_scalar(pb, ps, frames, g0, g1);
		assert_memory_equal(a, b, sizeof a);
		mix_gain(pa, frames, g0, g1);
		mix_gain_scalar(pb, frames, g0, g1);
		assert_memory_equal(a, b, sizeof a);
		mix_gain_set(pa, ps, frames, g1, g0);
		mix_gain_set_scalar(pb, ps, frames, g1, g0);
		assert_memory_equal(a, b, sizeof a);
	}
	print_message("NEON == scalar: gain, gain_add, gain_set on 600 random ramps\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ramp),
	    cmocka_unit_test(test_unity_and_mute),
	    cmocka_unit_test(test_xfader),
	    cmocka_unit_test(test_neon_matches_scalar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
