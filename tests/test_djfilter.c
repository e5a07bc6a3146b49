/*
 * test_djfilter: the one-knob filter as a DJ hears it. Centre is the
 * input, bit for bit, also after the knob went away and came back; fully
 * left the cutoff is at 60 Hz, fully right at 12 kHz; resonance puts a
 * +12 dB bump at the cutoff; a sweep across the whole knob, in the steps
 * a touchscreen sends, leaves no clicks (measured as what lands above 8
 * kHz of a 1 kHz tone, against the same sweep done naively); every
 * setting is stable, also with the knob jumping every period; NEON gives
 * the scalar reference's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dsp/djfilter.h"
#include "tests/signals.h"

#define RATE 48000
#define PERIOD 64
#define N 57600 /* 1.2 s */

static float in[2 * N], out[2 * N];
static struct djfilter flt, flt2;


static void sine(float *buf, int frames, double f, int rate, double amp)
{
	int i;

	for (i = 0; i < frames; i++) {
		float v = (float)(amp * sin(2 * M_PI * fmod(f * i, rate) / rate));

		buf[2 * i] = v;
		buf[2 * i + 1] = v;
	}
}

static void run(struct djfilter *f, float *buf, int n)
{
	int i;

	for (i = 0; i < n; i += PERIOD)
		djfilter_process(f, buf + 2 * i, n - i < PERIOD ? n - i : PERIOD);
}

/* Amplitude of f over n samples of x (left), a whole number of cycles. */
static double tone_amp(const float *x, int n, double f, int rate)
{
	double re = 0, im = 0, w = 2 * M_PI * f / rate;
	double cr = 1, ci = 0, sr = cos(w), si = sin(w);
	int i;

	for (i = 0; i < n; i++) {
		double t;

		re += x[2 * i] * cr;
		im += x[2 * i] * ci;
		t = cr * sr - ci * si;
		ci = cr * si + ci * sr;
		cr = t;
	}
	return 2 * sqrt(re * re + im * im) / n;
}

/* The filter's gain at f (a multiple of 10 Hz) in dB, knob and resonance settled. */
static double gain_db(float knob, float res, double f, int rate)
{
	int n = rate / 4, win = rate / 10;

	djfilter_init(&flt, rate);
	djfilter_set(&flt, knob, res);
	sine(out, n, f, rate, 0.25);
	run(&flt, out, n);
	return 20 * log10(tone_amp(out + 2 * (n - win), win, f, rate) / 0.25);
}

/*
 * At the centre (and in its small dead zone) the channel is the input,
 * bit for bit; after a trip to the low-pass and back it is again, once
 * the filter has faded out.
 */
static void test_centre_is_exact(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2 * N; i++)
		in[i] = signal_noise();
	djfilter_init(&flt, RATE);
	memcpy(out, in, sizeof out);
	run(&flt, out, N);
	assert_memory_equal(out, in, sizeof out);

	djfilter_set(&flt, 0.01f, 1.0f);
	memcpy(out, in, sizeof out);
	run(&flt, out, N);
	assert_memory_equal(out, in, sizeof out);
	assert_false(djfilter_active(&flt));

	djfilter_set(&flt, -0.5f, 0.5f);
	memcpy(out, in, sizeof out);
	run(&flt, out, 9600);
	assert_true(djfilter_active(&flt));
	assert_true(memcmp(out, in, sizeof(float) * 2 * 9600) != 0);
	djfilter_set(&flt, 0.0f, 0.5f);
	run(&flt, out + 2 * 9600, N - 9600);
	assert_false(djfilter_active(&flt));
	/* faded out within DJFILTER_FADE_MS (plus a sub-block and a period) */
	i = 9600 + (int)(DJFILTER_FADE_MS * RATE / 1000) + DJFILTER_SUB + PERIOD;
	assert_memory_equal(out + 2 * i, in + 2 * i, sizeof(float) * 2 * (size_t)(N - i));
}

/*
 * Fully left: -3 dB at 60 Hz (a Butterworth at resonance 0), the bass
 * below it kept, 1 kHz 45 dB down. Fully right: -3 dB at 12 kHz, 1 kHz
 * 40 dB down. Just off centre both are open: 1 kHz within 0.1 dB.
 */
static void test_cutoffs(void **state)
{
	double lp60 = gain_db(-1, 0, 60, RATE), lp30 = gain_db(-1, 0, 30, RATE);
	double lp1k = gain_db(-1, 0, 1000, RATE);
	double hp12k = gain_db(1, 0, 12000, RATE), hp1k = gain_db(1, 0, 1000, RATE);
	double open_lp = gain_db(-0.03f, 0, 1000, RATE), open_hp = gain_db(0.03f, 0, 1000, RATE);
	double lp60_96k = gain_db(-1, 0, 60, 96000), hp12k_44k = gain_db(1, 0, 12000, 44100);

	(void)state;
	print_message("fully left: 30 Hz %+.2f dB, 60 Hz %+.2f dB, 1 kHz %+.1f dB\n", lp30, lp60,
	              lp1k);
	print_message("fully right: 12 kHz %+.2f dB, 1 kHz %+.1f dB\n", hp12k, hp1k);
	print_message("just off centre, 1 kHz: low-pass %+.3f dB, high-pass %+.3f dB\n", open_lp,
	              open_hp);
	print_message("60 Hz fully left at 96 kHz %+.2f dB; 12 kHz fully right at 44.1 kHz %+.2f "
	              "dB\n",
	              lp60_96k, hp12k_44k);
	assert_true(fabs(lp60 + 3.01) < 0.2 && fabs(lp60_96k + 3.01) < 0.2);
	assert_true(lp30 > -0.6);
	assert_true(lp1k < -45);
	assert_true(fabs(hp12k + 3.01) < 0.2 && fabs(hp12k_44k + 3.01) < 0.2);
	assert_true(hp1k < -40);
	assert_true(fabs(open_lp) < 0.1 && fabs(open_hp) < 0.1);
}

/* Resonance 1: a +12 dB bump at the cutoff (Q 4), from the flat Butterworth at 0. */
static void test_resonance(void **state)
{
	double lo = gain_db(-1, 1, 60, RATE), hi = gain_db(1, 1, 12000, RATE);

	(void)state;
	print_message("resonance 1 at the cutoff: low-pass %+.2f dB, high-pass %+.2f dB\n", lo, hi);
	assert_true(fabs(lo - 12.04) < 0.3 && fabs(hi - 12.04) < 0.3);
}

/*
 * The largest RMS, over 5 ms windows, of what an 8th-order high-pass at
 * 8 kHz finds in x, in dB relative to a 0.5 sine's RMS. A 1 kHz tone
 * leaves nothing there; a click or a zipper step leaves a burst.
 */
static double hf_burst_db(const float *x, int n)
{
	static const double q[2] = {0.54119610014619698, 1.3065629648763766};
	static float hf[2 * N];
	struct svf_coef c[4];
	struct svf_state s[4];
	double worst = 0;
	int i, k, w = RATE / 200;

	for (k = 0; k < 4; k++)
		svf_design(&c[k], BQ_HIGHPASS, RATE, 8000, q[k & 1], 0);
	svf_reset(s, 4);
	memcpy(hf, x, sizeof(float) * 2 * (size_t)n);
	svf_cascade_scalar(c, s, 4, hf, n);
	for (i = w; i + w <= n; i += w) { /* the first window holds the filter's own start */
		double e = 0;

		for (k = 0; k < w; k++)
			e += (double)hf[2 * (i + k)] * hf[2 * (i + k)];
		if (e > worst)
			worst = e;
	}
	return 10 * log10(worst / w / 0.125 + 1e-30);
}

/* The knob's schedule: 0 -> -1 -> +1 -> 0, 1.2 s, a new value every 800 frames (60 Hz). */
static float knob_at(int frame)
{
	double t = (double)(frame / 800 * 800) / N * 3; /* 0..3 */

	if (t < 1)
		return (float)-t;
	if (t < 2)
		return (float)(-1 + 2 * (t - 1));
	return (float)(1 - (t - 2));
}

/*
 * The same sweep done naively: each knob value's filter designed and
 * switched in at once (no glide), and the centre a hard switch between
 * the dry signal and the filter. What clicks sound like, to the measure.
 */
static void naive_sweep(float *buf, float res)
{
	struct svf_coef c;
	struct svf_state s;
	int i;

	svf_reset(&s, 1);
	for (i = 0; i < N; i += PERIOD) {
		float knob = knob_at(i), a = fabsf(knob);
		double u = (a - DJFILTER_DEAD) / (1 - DJFILTER_DEAD), q;

		q = M_SQRT1_2 * pow(DJFILTER_Q_MAX / M_SQRT1_2, res);
		if (a < DJFILTER_DEAD) {
			svf_reset(&s, 1);
			continue;
		}
		if (knob < 0)
			svf_design(&c, BQ_LOWPASS, RATE, 20000 * pow(60 / 20000.0, u), q, 0);
		else
			svf_design(&c, BQ_HIGHPASS, RATE, 20 * pow(12000 / 20.0, u), q, 0);
		svf_cascade_scalar(&c, &s, 1, buf + 2 * i, PERIOD);
	}
}

/*
 * A 1 kHz tone through a sweep across the whole knob, as the touchscreen
 * sends it: nothing above 8 kHz louder than -70 dB at any moment, at
 * resonance 0 and 1, and at least 20 dB less than the naive sweep makes.
 */
static void test_sweep_is_smooth(void **state)
{
	static const float res[] = {0.0f, 1.0f};
	size_t r;

	(void)state;
	for (r = 0; r < 2; r++) {
		double smooth, naive;
		int i;

		djfilter_init(&flt, RATE);
		sine(in, N, 1000, RATE, 0.5);
		memcpy(out, in, sizeof out);
		for (i = 0; i < N; i += PERIOD) {
			djfilter_set(&flt, knob_at(i), res[r]);
			djfilter_process(&flt, out + 2 * i, PERIOD);
		}
		smooth = hf_burst_db(out, N);
		memcpy(out, in, sizeof out);
		naive_sweep(out, res[r]);
		naive = hf_burst_db(out, N);
		print_message(
		    "resonance %.0f: above 8 kHz, worst 5 ms: %.1f dB (naive sweep %.1f dB)\n",
		    (double)res[r], smooth, naive);
		assert_true(smooth < -70);
		assert_true(smooth < naive - 20);
	}
}

/*
 * Stable everywhere: each of 21 knob positions by resonance 0 and 1 at
 * 44.1 and 96 kHz, full-scale noise in, stays finite and bounded (under
 * +18 dB: the resonant peak's 12 dB plus the noise's crest) and rings
 * down once the noise stops (the last 10 ms of 200 ms of silence at least
 * 10 dB below the first 10 ms, even at 20 Hz and Q 4); the same with the
 * knob and resonance
 * jumping at random every period.
 */
static void test_stable(void **state)
{
	static const int rates[] = {44100, 96000};
	size_t r;
	int k, j, i;

	(void)state;
	for (r = 0; r < 2; r++) {
		const int noisy = rates[r] / 20, quiet = rates[r] / 5, w = rates[r] / 100;

		for (k = -10; k <= 10; k++) {
			for (j = 0; j <= 1; j++) {
				double first = 0, last = 0;

				djfilter_init(&flt, rates[r]);
				djfilter_set(&flt, k / 10.0f, (float)j);
				for (i = 0; i < 2 * noisy; i++)
					out[i] = signal_noise();
				memset(out + 2 * noisy, 0, sizeof(float) * 2 * (size_t)quiet);
				run(&flt, out, noisy + quiet);
				for (i = 0; i < 2 * (noisy + quiet); i++)
					assert_true(fabsf(out[i]) < 8.0f);
				for (i = 0; i < 2 * w; i++) {
					first += (double)out[2 * noisy + i] * out[2 * noisy + i];
					last += (double)out[2 * (noisy + quiet - w) + i] *
					        out[2 * (noisy + quiet - w) + i];
				}
				assert_true(last <= first * 0.1 + 1e-20);
			}
		}
	}

	djfilter_init(&flt, RATE);
	for (i = 0; i < 2 * N; i++)
		out[i] = signal_noise();
	for (i = 0; i < N; i += PERIOD) {
		djfilter_set(&flt, signal_noise(), fabsf(signal_noise()));
		djfilter_process(&flt, out + 2 * i, PERIOD);
	}
	for (i = 0; i < 2 * N; i++)
		assert_true(fabsf(out[i]) < 8.0f);
}

/* NEON against the scalar reference, knob and resonance moving, oddly cut calls. */
static void test_neon_matches_scalar(void **state)
{
	static const int cuts[] = {1, 3, 15, 16, 17, 64, 100, 1024};
	int i, k, n;

	(void)state;
	if (!biquad_simd()) {
		print_message("no vector kernels in this build: nothing to compare\n");
		skip();
	}
	for (i = 0; i < 2 * N; i++)
		in[i] = out[i] = signal_noise();
	djfilter_init(&flt, RATE);
	djfilter_init(&flt2, RATE);
	for (i = 0, k = 0; i < N; i += n, k++) {
		float knob = k % 7 == 3 ? 0.0f : signal_noise(), res = fabsf(signal_noise());

		n = cuts[k % 8] < N - i ? cuts[k % 8] : N - i;
		djfilter_set(&flt, knob, res);
		djfilter_set(&flt2, knob, res);
		djfilter_process(&flt, in + 2 * i, n);
		djfilter_process_scalar(&flt2, out + 2 * i, n);
	}
	assert_memory_equal(in, out, sizeof in);
	print_message("%s == scalar over 1.2 s of noise with the knob moving\n", biquad_simd());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_centre_is_exact), cmocka_unit_test(test_cutoffs),
	    cmocka_unit_test(test_resonance),       cmocka_unit_test(test_sweep_is_smooth),
	    cmocka_unit_test(test_stable),          cmocka_unit_test(test_neon_matches_scalar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
