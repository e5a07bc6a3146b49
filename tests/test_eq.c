/*
 * test_eq: the 3-band isolator as a measurement rig hears it. Flat within
 * 0.1 dB from 20 Hz to 20 kHz at 0 dB (the impulse response's spectrum),
 * each kill at least 60 dB down at its band's centre while the other bands
 * stay put, boosts and cuts where the knob says, a noise floor far below
 * 24 bits, kills that fade over 5 ms instead of clicking, and NEON giving
 * the scalar reference's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dsp/eq.h"
#include "tests/signals.h"

#define PERIOD 64

static struct eq3 eq, eq2;

/* Run n frames of buf through e, a period at a time, like the engine. */
static void run(struct eq3 *e, float *buf, int n, int period)
{
	int i;

	for (i = 0; i < n; i += period)
		eq3_process(e, buf + 2 * i, n - i < period ? n - i : period);
}

/* |DTFT| of x[0], x[stride], ... (n samples) at f, in dB. */
static double response_db(const float *x, int stride, int n, double f, double rate)
{
	double re = 0, im = 0, w = 2 * M_PI * f / rate;
	double cr = 1, ci = 0, sr = cos(w), si = -sin(w);
	int i;

	for (i = 0; i < n; i++) {
		double t;

		re += x[(size_t)i * (size_t)stride] * cr;
		im += x[(size_t)i * (size_t)stride] * ci;
		t = cr * sr - ci * si;
		ci = cr * si + ci * sr;
		cr = t;
		if ((i & 1023) == 1023) { /* keep the phasor on the unit circle */
			double m = sqrt(cr * cr + ci * ci);
			cr /= m;
			ci /= m;
		}
	}
	return 10 * log10(re * re + im * im);
}

/*
 * Amplitude of f in x (n samples, a whole number of cycles of f): the
 * projection onto a sine and a cosine, exact for a steady tone.
 */
static double tone_amp(const float *x, int stride, int n, double f, double rate)
{
	double re = 0, im = 0, w = 2 * M_PI * f / rate;
	double cr = 1, ci = 0, sr = cos(w), si = sin(w);
	int i;

	for (i = 0; i < n; i++) {
		double t;

		re += x[(size_t)i * (size_t)stride] * cr;
		im += x[(size_t)i * (size_t)stride] * ci;
		t = cr * sr - ci * si;
		ci = cr * si + ci * sr;
		cr = t;
	}
	return 2 * sqrt(re * re + im * im) / n;
}

static void sine(float *buf, int frames, double f, double rate, double amp)
{
	int i;

	for (i = 0; i < frames; i++) {
		float v = (float)(amp * sin(2 * M_PI * fmod(f * i, rate) / rate));

		buf[2 * i] = v;
		buf[2 * i + 1] = v;
	}
}

#define IRN 16384
static float ir[2 * IRN];

/*
 * At 0 dB the three bands sum to an allpass: the impulse response's
 * magnitude is flat within 0.1 dB from 20 Hz to 20 kHz, at every rate the
 * box runs at, in both channels.
 */
static void test_flat_at_0db(void **state)
{
	static const int rates[] = {44100, 48000, 96000};
	size_t r;

	(void)state;
	for (r = 0; r < sizeof rates / sizeof rates[0]; r++) {
		double worst = 0;
		int i;

		memset(ir, 0, sizeof ir);
		ir[0] = 1.0f;
		ir[1] = 1.0f;
		eq3_init(&eq, rates[r]);
		run(&eq, ir, IRN, PERIOD);
		for (i = 0; i < IRN; i++)
			assert_true(ir[2 * i] == ir[2 * i + 1]);
		for (i = 0; i <= 120; i++) {
			double f = 20.0 * pow(1000.0, i / 120.0);
			double db = response_db(ir, 2, IRN, f, rates[r]);

			if (fabs(db) > fabs(worst))
				worst = db;
		}
		print_message("%d Hz: 0 dB response, worst deviation 20 Hz..20 kHz: %+.5f dB\n",
		              rates[r], worst);
		assert_true(fabs(worst) < 0.1);
	}
}

static const double centre[EQ3_BANDS] = {70, 790, 7000}; /* whole cycles in 100 ms */
static const char *const band_name[EQ3_BANDS] = {"low", "mid", "high"};

/* Level of a 0.5-amplitude tone at f after the EQ settles, in dB re its input. */
static double level_db(double f, int rate)
{
	static float buf[2 * 12000];
	int n = rate / 4, win = rate / 10;
	double a;

	sine(buf, n, f, rate, 0.5);
	run(&eq, buf, n, PERIOD);
	a = tone_amp(buf + 2 * (n - win), 2, win, f, rate);
	return 20 * log10(a / 0.5 + 1e-30);
}

/*
 * A kill takes its band's centre at least 60 dB down; the other two
 * bands' centres stay within 0.2 dB of where they were.
 */
static void test_kills(void **state)
{
	int k, b;

	(void)state;
	for (k = 0; k < EQ3_BANDS; k++) {
		for (b = 0; b < EQ3_BANDS; b++) {
			double db;

			eq3_init(&eq, 48000);
			eq3_set(&eq, 0, 0, 0, k == EQ3_LOW, k == EQ3_MID, k == EQ3_HIGH);
			db = level_db(centre[b], 48000);
			print_message("kill %-4s: %5.0f Hz at %+8.2f dB\n", band_name[k], centre[b],
			              db);
			if (b == k)
				assert_true(db < -60);
			else
				assert_true(fabs(db) < 0.2);
		}
	}
}

/* The knobs: +6 dB, -6 dB and -20 dB at a band's centre read as such (0.15 dB). */
static void test_gains(void **state)
{
	static const float settings[] = {6.0f, -6.0f, -20.0f};
	size_t s;
	int b;

	(void)state;
	for (s = 0; s < sizeof settings / sizeof settings[0]; s++) {
		for (b = 0; b < EQ3_BANDS; b++) {
			float db[EQ3_BANDS] = {0, 0, 0};
			double got;

			db[b] = settings[s];
			eq3_init(&eq, 48000);
			eq3_set(&eq, db[0], db[1], db[2], 0, 0, 0);
			got = level_db(centre[b], 48000);
			print_message("%-4s at %+5.1f dB: %+.3f dB at %.0f Hz\n", band_name[b],
			              (double)settings[s], got, centre[b]);
			assert_true(fabs(got - settings[s]) < 0.15);
		}
	}
	/* Beyond +6 dB the knob stops at +6. */
	eq3_init(&eq, 48000);
	eq3_set(&eq, 0, 20, 0, 0, 0, 0);
	assert_true(fabs(level_db(centre[EQ3_MID], 48000) - 6.0) < 0.15);
}

/*
 * What the EQ adds to a 1 kHz sine at 0 dB, at 96 kHz where low cutoffs
 * are hardest on float: everything but the (phase-shifted) tone, relative
 * to it, must stay below -110 dB, far under a 24-bit interface's floor.
 */
static void test_noise_floor(void **state)
{
	static float buf[2 * 48000];
	const int rate = 96000, n = 48000, win = 24000;
	double re = 0, im = 0, sig = 0, res = 0;
	const float *y;
	int i;

	(void)state;
	eq3_init(&eq, rate);
	sine(buf, n, 1000, rate, 0.5);
	run(&eq, buf, n, PERIOD);
	y = buf + 2 * (n - win);
	for (i = 0; i < win; i++) {
		double ph = 2 * M_PI * 1000.0 * i / rate;

		re += y[2 * i] * cos(ph);
		im += y[2 * i] * sin(ph);
	}
	re *= 2.0 / win;
	im *= 2.0 / win;
	for (i = 0; i < win; i++) {
		double ph = 2 * M_PI * 1000.0 * i / rate;
		double fit = re * cos(ph) + im * sin(ph), e = y[2 * i] - fit;

		sig += fit * fit;
		res += e * e;
	}
	print_message("1 kHz through the EQ at 96 kHz: residual %.1f dB below the tone\n",
	              10 * log10(sig / res));
	assert_true(10 * log10(res / sig) < -110);
}

/*
 * A kill or a big jump fades linearly over EQ3_SLEW_MS at any period size,
 * a small change lands within one period. DC passes the low band exactly
 * (gain 1 through the low-pass and the allpass), so the output is the
 * band's gain, sample by sample.
 */
static void test_kill_fades(void **state)
{
	static float buf[2 * 9600];
	static const int periods[] = {32, 64, 1024};
	size_t p;

	(void)state;
	for (p = 0; p < sizeof periods / sizeof periods[0]; p++) {
		const int n = 9600, settle = 4800;
		double max_step = 0;
		int i, start = -1, end = -1;

		eq3_init(&eq, 48000);
		for (i = 0; i < n; i++)
			buf[2 * i] = buf[2 * i + 1] = 0.5f;
		run(&eq, buf, settle, periods[p]);
		assert_true(fabs(buf[2 * (settle - 1)] - 0.5) < 1e-4);
		eq3_set(&eq, 0, 0, 0, 1, 0, 0);
		run(&eq, buf + 2 * settle, n - settle, periods[p]);
		for (i = settle; i < n; i++) {
			double d = fabs(buf[2 * i] - buf[2 * i - 2]);

			if (d > max_step)
				max_step = d;
			if (start < 0 && buf[2 * i] < 0.45f)
				start = i;
			if (end < 0 && buf[2 * i] < 0.05f)
				end = i;
		}
		/* 90 % to 10 %: 80 % of a 5 ms fade */
		print_message("period %4d: kill fades 90->10 %% in %.2f ms, largest step %.5f\n",
		              periods[p], (end - start) * 1000.0 / 48000, max_step);
		assert_true(start > 0 && end > start);
		assert_in_range(end - start, 180, 215);
		assert_true(max_step < 0.5 * 1.05 / (EQ3_SLEW_MS * 48));
		assert_true(fabs(buf[2 * (n - 1)]) < 1e-4);
	}

	/* A knob turned from -1 dB to 0 dB between periods: there by the period's end. */
	eq3_init(&eq, 48000);
	eq3_set(&eq, -1, 0, 0, 0, 0, 0);
	for (p = 0; p < 100; p++) {
		int i;

		for (i = 0; i < PERIOD; i++)
			buf[2 * i] = buf[2 * i + 1] = 0.5f;
		eq3_process(&eq, buf, PERIOD);
	}
	assert_true(fabs(buf[2 * (PERIOD - 1)] - 0.5 * pow(10, -1 / 20.0)) < 1e-4);
	eq3_set(&eq, 0, 0, 0, 0, 0, 0);
	for (p = 0; p < PERIOD; p++)
		buf[2 * p] = buf[2 * p + 1] = 0.5f;
	eq3_process(&eq, buf, PERIOD);
	assert_true(fabs(buf[2 * (PERIOD - 1)] - 0.5) < 1e-4);
	assert_true(buf[0] < 0.45f && buf[2 * (PERIOD / 2)] < 0.48f); /* on its way, not a step */
}


/*
 * NEON against the scalar reference: the same bits over 20000 frames of
 * noise, in oddly sized calls, with the knobs and kills moving.
 */
static void test_neon_matches_scalar(void **state)
{
	static float a[2 * 20000], b[2 * 20000];
	static const int cuts[] = {1, 2, 3, 5, 17, 64, 255, 256, 257, 1000};
	int i, k, n;

	(void)state;
	if (!biquad_simd()) {
		print_message("no vector kernels in this build: nothing to compare\n");
		skip();
	}
	for (i = 0; i < 2 * 20000; i++)
		a[i] = b[i] = signal_noise();
	eq3_init(&eq, 48000);
	eq3_init(&eq2, 48000);
	for (i = 0, k = 0; i < 20000; i += n, k++) {
		float lo = signal_noise() * 20, mid = signal_noise() * 20, hi = signal_noise() * 20;
		int kills = (int)(signal_random() % 8);

		n = cuts[k % 10];
		if (n > 20000 - i)
			n = 20000 - i;
		eq3_set(&eq, lo, mid, hi, kills & 1, kills & 2, kills & 4);
		eq3_set(&eq2, lo, mid, hi, kills & 1, kills & 2, kills & 4);
		eq3_process(&eq, a + 2 * i, n);
		eq3_process_scalar(&eq2, b + 2 * i, n);
	}
	assert_memory_equal(a, b, sizeof a);
	print_message("%s == scalar on 20000 frames of noise with the knobs moving\n",
	              biquad_simd());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flat_at_0db), cmocka_unit_test(test_kills),
	    cmocka_unit_test(test_gains),       cmocka_unit_test(test_noise_floor),
	    cmocka_unit_test(test_kill_fades),  cmocka_unit_test(test_neon_matches_scalar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
