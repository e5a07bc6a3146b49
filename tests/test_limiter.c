/*
 * test_limiter: the master limiter as the amplifier after it sees it.
 * Not one sample above the ceiling for +20 dB square waves, full-scale
 * and hotter noise, single-sample spikes, huge and non-finite values, at
 * every rate and period size, without the guard clamp ever working; music
 * under the ceiling passes bit for bit, late by exactly the reported
 * latency; gain reduction starts no earlier than the lookahead before a
 * peak and fades in smoothly; the release recovers at its time constant;
 * a square wave 20 dB hot comes out at the ceiling, not muted; and NEON
 * gives the scalar reference's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dsp/limiter.h"
#include "tests/signals.h"

#define N 48000
static float in[2 * N], out[2 * N];
static struct limiter lim, lim2;


static void run(struct limiter *l, float *buf, int n, int period)
{
	int i;

	for (i = 0; i < n; i += period)
		limiter_process(l, buf + 2 * i, n - i < period ? n - i : period);
}

enum signal { SQUARE_100, SQUARE_5K, NOISE_HOT, SPIKES, SPIKES_ON_SINE, HUGE, NONFINITE, SIGNALS };

static const char *const signal_name[SIGNALS] = {
    "+20 dB square 100 Hz", "+20 dB square 5 kHz",    "noise, 4x full scale",
    "single-sample spikes", "spikes on a -6 dB sine", "+-1e30 and denormals",
    "NaN and infinities",
};

static void make(enum signal s, int rate, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		float l = 0, r = 0;

		switch (s) {
		case SQUARE_100:
			l = r = (i * 200 / rate) % 2 ? 10.0f : -10.0f;
			break;
		case SQUARE_5K:
			l = (i * 10000 / rate) % 2 ? 10.0f : -10.0f;
			r = -0.5f * l;
			break;
		case NOISE_HOT:
			l = 4 * signal_noise();
			r = 4 * signal_noise();
			break;
		case SPIKES:
			l = i % 997 == 0 ? 1e4f : 0.0f;
			r = i % 1499 == 7 ? -3.0f : 0.0f;
			break;
		case SPIKES_ON_SINE:
			l = r = (float)(0.5 * sin(2 * M_PI * 440.0 * i / rate));
			if (i % 2003 == 0)
				r = 8.0f;
			if (i % 3001 == 1)
				l = -1.01f;
			break;
		case HUGE:
			l = i % 2 ? 1e30f : -1e30f;
			r = i % 3 ? 1e-40f : 1.0f;
			break;
		case NONFINITE:
			l = i % 5 == 0 ? NAN : 2 * signal_noise();
			r = i % 7 == 0 ? (i % 2 ? INFINITY : -INFINITY) : 2 * signal_noise();
			break;
		case SIGNALS:
			break;
		}
		in[2 * i] = l;
		in[2 * i + 1] = r;
	}
}

/*
 * The promise: for every nasty signal, rate and period size, no output
 * sample's magnitude exceeds the ceiling (the float the limiter holds,
 * -0.3 dBFS), and the guard clamp never had to act.
 */
static void test_never_above_ceiling(void **state)
{
	static const int rates[] = {44100, 48000, 96000};
	static const int periods[] = {32, 64, 1024, 77};
	size_t r, p;
	int s;

	(void)state;
	for (s = 0; s < SIGNALS; s++) {
		double worst = 0;

		for (r = 0; r < 3; r++) {
			for (p = 0; p < 4; p++) {
				int n = rates[r] / 4, i;

				limiter_init(&lim, rates[r], LIMITER_LOOKAHEAD_MS,
				             LIMITER_CEILING_DB, LIMITER_RELEASE_MS);
				assert_true(fabs(lim.ceiling - pow(10, -0.3 / 20)) < 1e-6);
				make((enum signal)s, rates[r], n);
				run(&lim, in, n, periods[p]);
				for (i = 0; i < 2 * n; i++) {
					assert_true(fabsf(in[i]) <= lim.ceiling);
					if (fabsf(in[i]) > worst)
						worst = fabsf(in[i]);
				}
				assert_int_equal(limiter_clamped(&lim), 0);
			}
		}
		print_message("%-24s: loudest output %.4f dBFS, clamp never used\n", signal_name[s],
		              20 * log10(worst + 1e-30));
	}
}

/* Under the ceiling nothing changes: a -6 dB sine comes out bit for bit, latency frames late. */
static void test_transparent_and_latency(void **state)
{
	const int rate = 48000, n = 9600;
	int lat, i;

	(void)state;
	limiter_init(&lim, rate, LIMITER_LOOKAHEAD_MS, LIMITER_CEILING_DB, LIMITER_RELEASE_MS);
	lat = limiter_latency(&lim);
	print_message("latency at 48 kHz with %.1f ms lookahead: %d frames\n",
	              (double)LIMITER_LOOKAHEAD_MS, lat);
	assert_int_equal(lat, 72);
	for (i = 0; i < n; i++) {
		in[2 * i] = (float)(0.5 * sin(2 * M_PI * 1000.0 * i / rate));
		in[2 * i + 1] = i == 100 ? 0.9f : 0.0f;
	}
	memcpy(out, in, sizeof(float) * 2 * n);
	run(&lim, out, n, 64);
	for (i = 0; i < n; i++) {
		float l = i >= lat ? in[2 * (i - lat)] : 0.0f;
		float r = i >= lat ? in[2 * (i - lat) + 1] : 0.0f;

		assert_true(out[2 * i] == l && out[2 * i + 1] == r);
	}
	assert_true(limiter_reduction_db(&lim) == 0.0f);
	limiter_init(&lim, 96000, 2.0f, -1.0f, 50.0f);
	assert_int_equal(limiter_latency(&lim), 192);
}

/*
 * A +20 dB spike in quiet music: the music before it is untouched until
 * the lookahead before the spike; the gain then fades down over those
 * frames (no sample-to-sample gain step larger than a few times 1/L),
 * the spike itself lands at the ceiling, and the music comes back.
 */
static void test_attack(void **state)
{
	const int rate = 48000, n = 4800, spike = 2000;
	double max_step = 0, prev = 1;
	int lat, i, first = -1;

	(void)state;
	limiter_init(&lim, rate, LIMITER_LOOKAHEAD_MS, LIMITER_CEILING_DB, LIMITER_RELEASE_MS);
	lat = limiter_latency(&lim);
	for (i = 0; i < n; i++)
		in[2 * i] = in[2 * i + 1] = 0.1f; /* DC: out/in is the gain */
	in[2 * spike] = 10.0f;
	memcpy(out, in, sizeof(float) * 2 * n);
	run(&lim, out, n, 64);
	for (i = lat; i < n; i++) {
		int src = i - lat;
		double g = src == spike ? out[2 * i] / 10.0 : out[2 * i] / 0.1;

		if (first < 0 && g < 1.0)
			first = src;
		if (src != spike && fabs(g - prev) > max_step)
			max_step = fabs(g - prev);
		if (src != spike)
			prev = g;
	}
	print_message("spike at %d: reduction starts at %d (%d frames before), largest gain step "
	              "%.4f, spike out at %.4f\n",
	              spike, first, spike - first, max_step, (double)out[2 * (spike + lat)]);
	assert_true(first >= spike - lat && first < spike);
	assert_true(max_step < 4.0 / lat);
	assert_true(out[2 * (spike + lat)] <= lim.ceiling && out[2 * (spike + lat)] > 0.95f);
}

/*
 * After a +12 dB burst, quiet DC: the gain climbs back with the release
 * time constant (63 % of the way back after one constant, within 5 %)
 * and is all the way back after eight, only ever rising.
 */
static void test_release(void **state)
{
	const int rate = 48000, burst = 9600, n = 48000;
	const double tau = LIMITER_RELEASE_MS * rate / 1000;
	double g0, g1, want;
	int lat, i;

	(void)state;
	limiter_init(&lim, rate, LIMITER_LOOKAHEAD_MS, LIMITER_CEILING_DB, LIMITER_RELEASE_MS);
	lat = limiter_latency(&lim);
	for (i = 0; i < n; i++)
		in[2 * i] = in[2 * i + 1] = i < burst ? 4.0f : 0.1f;
	run(&lim, in, burst, 64);
	print_message("during a +12 dB burst: %.2f dB reduction\n",
	              (double)limiter_reduction_db(&lim));
	assert_true(fabs(limiter_reduction_db(&lim) - (12.04 + 0.3)) < 0.05);
	run(&lim, in + 2 * burst, n - burst, 64);
	g0 = in[2 * (burst + 4 * lat)] / 0.1; /* just after, past the smoothing */
	g1 = in[2 * (burst + 4 * lat + (int)tau)] / 0.1;
	want = 1 - (1 - g0) * exp(-1.0);
	print_message(
	    "release: gain %.4f, one time constant (%.0f ms) later %.4f (expected %.4f)\n", g0,
	    (double)LIMITER_RELEASE_MS, g1, want);
	assert_true(g0 < 0.3);
	assert_true(fabs(g1 - want) < 0.05 * (1 - g0));
	assert_true(fabs(in[2 * (burst + lat + 8 * (int)tau)] / 0.1 - 1) < 1e-3);
	for (i = burst + 3 * lat; i < n - 1; i++)
		assert_true(in[2 * (i + 1)] >= in[2 * i] - 1e-7f); /* only ever rising */
}

/* A square wave 20 dB hot comes out as a square at the ceiling, 20.3 dB reduced. */
static void test_square_level(void **state)
{
	const int rate = 48000, n = 24000;
	int i, at_ceiling = 0;

	(void)state;
	limiter_init(&lim, rate, LIMITER_LOOKAHEAD_MS, LIMITER_CEILING_DB, LIMITER_RELEASE_MS);
	make(SQUARE_100, rate, n);
	run(&lim, in, n, 64);
	for (i = n / 2; i < n; i++)
		if (fabsf(in[2 * i]) > lim.ceiling * 0.99f)
			at_ceiling++;
	print_message("+20 dB square: %.1f %% of samples within 0.1 dB of the ceiling, %.2f dB "
	              "reduction\n",
	              100.0 * at_ceiling / (n / 2), (double)limiter_reduction_db(&lim));
	assert_true(at_ceiling > n / 2 * 95 / 100);
	assert_true(fabs(limiter_reduction_db(&lim) - 20.3) < 0.05);
}

/* NEON against the scalar reference: output, reduction and clamp count, bit for bit. */
static void test_neon_matches_scalar(void **state)
{
	static const int cuts[] = {1, 2, 3, 5, 64, 127, 128, 129, 1000};
	int i, k, n, s;

	(void)state;
	if (!limiter_has_neon()) {
		print_message("no NEON in this build: the comparison runs on the aarch64 build\n");
		skip();
	}
	for (s = 0; s < SIGNALS; s++) {
		limiter_init(&lim, 48000, 1.0f, -0.3f, 50.0f);
		limiter_init(&lim2, 48000, 1.0f, -0.3f, 50.0f);
		make((enum signal)s, 48000, 12000);
		memcpy(out, in, sizeof(float) * 2 * 12000);
		for (i = 0, k = 0; i < 12000; i += n, k++) {
			n = cuts[k % 9] < 12000 - i ? cuts[k % 9] : 12000 - i;
			limiter_process(&lim, in + 2 * i, n);
			limiter_process_scalar(&lim2, out + 2 * i, n);
			assert_true(limiter_reduction_db(&lim) == limiter_reduction_db(&lim2));
		}
		assert_memory_equal(in, out, sizeof(float) * 2 * 12000);
		assert_int_equal(limiter_clamped(&lim), limiter_clamped(&lim2));
	}
	print_message("NEON == scalar on every test signal, oddly cut\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_never_above_ceiling),
	    cmocka_unit_test(test_transparent_and_latency),
	    cmocka_unit_test(test_attack),
	    cmocka_unit_test(test_release),
	    cmocka_unit_test(test_square_level),
	    cmocka_unit_test(test_neon_matches_scalar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
