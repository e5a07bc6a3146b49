/*
 * test_biquad: the cookbook sections as a measurement hears them. Each
 * design's response where its definition pins it (-3 dB at a low-pass
 * cutoff, the peak's gain at f0, the shelves' plateaus), the TDF-II and
 * SVF structures giving the same response (two independent derivations
 * agreeing), bypass bit-exact, channels kept apart, silence staying exact
 * zeros, a NaN not silencing a channel for good, the two structures'
 * float noise at a low cutoff (why the EQ uses the SVF), and NEON giving
 * the scalar reference's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dsp/biquad.h"
#include "tests/signals.h"

#define RATE 48000
#define IRN 8192

/* |DTFT| of x[0], x[2], ... (n frames, left channel) at f, in dB. */
static double response_db(const float *x, int n, double f, double rate)
{
	double re = 0, im = 0, w = 2 * M_PI * f / rate;
	double cr = 1, ci = 0, sr = cos(w), si = -sin(w);
	int i;

	for (i = 0; i < n; i++) {
		double t;

		re += x[2 * i] * cr;
		im += x[2 * i] * ci;
		t = cr * sr - ci * si;
		ci = cr * si + ci * sr;
		cr = t;
	}
	return 10 * log10(re * re + im * im + 1e-300);
}

static float irb[2 * IRN], irs[2 * IRN];

/* Impulse responses of one design, as TDF-II (irb) and as SVF (irs). */
static void impulse_both(enum biquad_type t, double f0, double q, double db)
{
	struct biquad_coef bc;
	struct biquad_state bs;
	struct svf_coef sc;
	struct svf_state ss;

	biquad_design(&bc, t, RATE, f0, q, db);
	svf_design(&sc, t, RATE, f0, q, db);
	biquad_reset(&bs, 1);
	svf_reset(&ss, 1);
	memset(irb, 0, sizeof irb);
	irb[0] = 1.0f;
	memcpy(irs, irb, sizeof irs);
	biquad_cascade(&bc, &bs, 1, irb, IRN);
	svf_cascade(&sc, &ss, 1, irs, IRN);
}

static const char *const type_name[] = {"bypass",     "low-pass", "high-pass", "low shelf",
                                        "high shelf", "peak",     "allpass",   "band-pass"};

struct point {
	enum biquad_type type;
	double f0, q, gain_db; /* the design */
	double f, want_db;     /* where it is pinned, and to what */
};

static const struct point points[] = {
    {BQ_LOWPASS, 1000, M_SQRT1_2, 0, 1000, -3.0103},
    {BQ_LOWPASS, 1000, M_SQRT1_2, 0, 20, 0.0},
    {BQ_HIGHPASS, 1000, M_SQRT1_2, 0, 1000, -3.0103},
    {BQ_HIGHPASS, 1000, M_SQRT1_2, 0, 20000, 0.0},
    {BQ_LOWPASS, 1000, 4.0, 0, 1000, 12.0412}, /* gain Q at f0 */
    {BQ_PEAK, 1000, 1.0, 6, 1000, 6.0},
    {BQ_PEAK, 1000, 1.0, -12, 1000, -12.0},
    {BQ_PEAK, 1000, 1.0, 6, 20, 0.0},
    {BQ_LOWSHELF, 300, M_SQRT1_2, 6, 10, 6.0},
    {BQ_LOWSHELF, 300, M_SQRT1_2, 6, 300, 3.0},
    {BQ_LOWSHELF, 300, M_SQRT1_2, 6, 20000, 0.0},
    {BQ_HIGHSHELF, 3000, M_SQRT1_2, -9, 23000, -9.0},
    {BQ_HIGHSHELF, 3000, M_SQRT1_2, -9, 3000, -4.5},
    {BQ_HIGHSHELF, 3000, M_SQRT1_2, -9, 30, 0.0},
    {BQ_ALLPASS, 1000, 0.7, 0, 1000, 0.0},
    {BQ_ALLPASS, 1000, 0.7, 0, 100, 0.0},
    {BQ_BANDPASS, 2000, 2.0, 0, 2000, 0.0},
    {BQ_BANDPASS, 2000, 2.0, 0, 200, -26.0},
};

/*
 * Every design where its definition pins it (0.05 dB; plateaus far from
 * f0 get 0.2 dB, they are approached, not reached), in both structures.
 */
static void test_designs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof points / sizeof points[0]; i++) {
		const struct point *p = &points[i];
		double b, s, tol = p->f == p->f0 ? 0.05 : 0.2;

		impulse_both(p->type, p->f0, p->q, p->gain_db);
		b = response_db(irb, IRN, p->f, RATE);
		s = response_db(irs, IRN, p->f, RATE);
		print_message("%-10s f0 %5.0f q %.2f %+4.0f dB: at %5.0f Hz TDF-II %+8.3f SVF "
		              "%+8.3f (want %+8.3f)\n",
		              type_name[p->type], p->f0, p->q, p->gain_db, p->f, b, s, p->want_db);
		assert_true(fabs(b - p->want_db) < tol);
		assert_true(fabs(s - p->want_db) < tol);
	}
}

/*
 * The two structures come from different formulas (the cookbook's
 * coefficients, the SVF's mixing gains): the same response over the whole
 * band, within 0.01 dB where the response is above -40 dB, says both are
 * right.
 */
static void test_structures_agree(void **state)
{
	static const enum biquad_type types[] = {BQ_LOWPASS,   BQ_HIGHPASS, BQ_PEAK,    BQ_LOWSHELF,
	                                         BQ_HIGHSHELF, BQ_ALLPASS,  BQ_BANDPASS};
	size_t t;

	(void)state;
	for (t = 0; t < sizeof types / sizeof types[0]; t++) {
		double worst = 0;
		int i;

		impulse_both(types[t], 700, 1.3, 7.5);
		for (i = 0; i <= 60; i++) {
			double f = 20.0 * pow(1000.0, i / 60.0);
			double b = response_db(irb, IRN, f, RATE),
			       s = response_db(irs, IRN, f, RATE);

			if (b > -40 && fabs(b - s) > worst)
				worst = fabs(b - s);
		}
		print_message("%-10s: TDF-II and SVF differ by at most %.5f dB\n",
		              type_name[types[t]], worst);
		assert_true(worst < 0.01);
	}
}


#define N 4096
static float a[2 * N], b[2 * N], in[2 * N];

/* Bypass is the input, bit for bit; a filter on one channel leaves the other silent. */
static void test_bypass_and_channels(void **state)
{
	struct biquad_coef bc[3];
	struct biquad_state bs[3];
	struct svf_coef sc[3];
	struct svf_state ss[3];
	int i, k;

	(void)state;
	for (i = 0; i < 2 * N; i++)
		in[i] = signal_noise();
	for (k = 0; k < 3; k++) {
		biquad_design(&bc[k], BQ_BYPASS, RATE, 1000, 1, 0);
		svf_design(&sc[k], BQ_BYPASS, RATE, 1000, 1, 0);
	}
	biquad_reset(bs, 3);
	svf_reset(ss, 3);
	memcpy(a, in, sizeof a);
	memcpy(b, in, sizeof b);
	biquad_cascade(bc, bs, 3, a, N);
	svf_cascade(sc, ss, 3, b, N);
	assert_memory_equal(a, in, sizeof a);
	assert_memory_equal(b, in, sizeof b);

	for (k = 0; k < 3; k++) {
		biquad_design(&bc[k], BQ_PEAK, RATE, 500.0 * (k + 1), 2, 9);
		svf_design(&sc[k], BQ_PEAK, RATE, 500.0 * (k + 1), 2, 9);
	}
	for (i = 0; i < N; i++) {
		a[2 * i] = b[2 * i] = in[2 * i];
		a[2 * i + 1] = b[2 * i + 1] = 0.0f;
	}
	biquad_cascade(bc, bs, 3, a, N);
	svf_cascade(sc, ss, 3, b, N);
	for (i = 0; i < N; i++) {
		assert_true(a[2 * i + 1] == 0.0f && b[2 * i + 1] == 0.0f);
		assert_true(a[2 * i] != in[2 * i] || b[2 * i] != in[2 * i] || in[2 * i] == 0.0f);
	}
}

/*
 * After the music stops, a resonant low filter's output reaches exact
 * zeros (no denormal tail the CPU would crawl through), and a NaN that
 * slipped in leaves the channel playing again from the next call on.
 */
static void test_silence_and_nan(void **state)
{
	struct biquad_coef bc[2];
	struct biquad_state bs[2];
	struct svf_coef sc[2];
	struct svf_state ss[2];
	int i, call;

	(void)state;
	for (i = 0; i < 2; i++) {
		biquad_design(&bc[i], BQ_LOWPASS, RATE, 40, 3, 0);
		svf_design(&sc[i], BQ_LOWPASS, RATE, 40, 3, 0);
	}
	biquad_reset(bs, 2);
	svf_reset(ss, 2);
	for (i = 0; i < 2 * N; i++)
		a[i] = b[i] = signal_noise();
	biquad_cascade(bc, bs, 2, a, N);
	svf_cascade(sc, ss, 2, b, N);
	for (call = 0; call < 200; call++) {
		memset(a, 0, sizeof a);
		memset(b, 0, sizeof b);
		biquad_cascade(bc, bs, 2, a, 256);
		svf_cascade(sc, ss, 2, b, 256);
	}
	for (i = 0; i < 2 * 256; i++)
		assert_true(a[i] == 0.0f && b[i] == 0.0f);
	for (i = 0; i < 2; i++) {
		assert_true(bs[i].z1[0] == 0.0f && bs[i].z2[1] == 0.0f);
		assert_true(ss[i].ic1[0] == 0.0f && ss[i].ic2[1] == 0.0f);
	}

	for (i = 0; i < 2 * 64; i++)
		a[i] = b[i] = 0.25f;
	a[10] = b[10] = NAN;
	biquad_cascade(bc, bs, 2, a, 64);
	svf_cascade(sc, ss, 2, b, 64);
	for (call = 0; call < 4; call++) {
		for (i = 0; i < 2 * 64; i++)
			a[i] = b[i] = 0.25f;
		biquad_cascade(bc, bs, 2, a, 64);
		svf_cascade(sc, ss, 2, b, 64);
	}
	for (i = 0; i < 2 * 64; i++)
		assert_true(isfinite(a[i]) && isfinite(b[i]));
	assert_true(a[126] > 0.01f && b[126] > 0.01f);
}

/*
 * Float rounding noise of an 8th-order low-pass at 250 Hz, 96 kHz, on a
 * 100 Hz tone, against the same structure in double: the SVF stays below
 * -110 dB; the TDF-II figure is printed for the record (biquad.h).
 */
static double noise_db(int svf)
{
	static const double q[2] = {0.54119610014619698, 1.3065629648763766};
	static float x[2 * 48000];
	const int rate = 96000, n = 48000;
	struct biquad_coef bc[4];
	struct biquad_state bs[4];
	struct svf_coef sc[4];
	struct svf_state ss[4];
	double d1[4] = {0}, d2[4] = {0}, err = 0, sig = 0;
	int i, k;

	for (k = 0; k < 4; k++) {
		biquad_design(&bc[k], BQ_LOWPASS, rate, 250, q[k & 1], 0);
		svf_design(&sc[k], BQ_LOWPASS, rate, 250, q[k & 1], 0);
	}
	biquad_reset(bs, 4);
	svf_reset(ss, 4);
	for (i = 0; i < n; i++)
		x[2 * i] = x[2 * i + 1] = (float)(0.5 * sin(2 * M_PI * 100.0 * i / rate));
	for (i = 0; i < n; i++) {
		double v = x[2 * i];

		/* the reference: the same float coefficients, double arithmetic */
		for (k = 0; k < 4; k++) {
			if (svf) {
				const struct svf_coef *c = &sc[k];
				double v3 = v - d2[k];
				double v1 = (double)c->a1 * d1[k] + (double)c->a2 * v3;
				double v2 = d2[k] + (double)c->a2 * d1[k] + (double)c->a3 * v3;

				d1[k] = 2 * v1 - d1[k];
				d2[k] = 2 * v2 - d2[k];
				v = (double)c->m0 * v + (double)c->m1 * v1 + (double)c->m2 * v2;
			} else {
				const struct biquad_coef *c = &bc[k];
				double y = (double)c->b0 * v + d1[k];

				d1[k] = (double)c->b1 * v - (double)c->a1 * y + d2[k];
				d2[k] = (double)c->b2 * v - (double)c->a2 * y;
				v = y;
			}
		}
		a[2 * (i % N)] = (float)v; /* scratch for the reference's output */
		if (i % N == N - 1 || i == n - 1) {
			int base = i - i % N, m = i % N + 1, j;

			if (svf)
				svf_cascade(sc, ss, 4, x + 2 * base, m);
			else
				biquad_cascade(bc, bs, 4, x + 2 * base, m);
			for (j = 0; j < m; j++) {
				if (base + j >= n / 2) {
					double e = x[2 * (base + j)] - a[2 * j];

					err += e * e;
					sig += (double)a[2 * j] * a[2 * j];
				}
			}
		}
	}
	return 10 * log10(err / sig);
}

static void test_low_cutoff_noise(void **state)
{
	double tdf, svf;

	(void)state;
	tdf = noise_db(0);
	svf = noise_db(1);
	print_message("LR8 low-pass at 250 Hz, 96 kHz, float vs double: TDF-II %.1f dB, SVF %.1f "
	              "dB\n",
	              tdf, svf);
	assert_true(svf < -110);
	assert_true(tdf < -70);
}

/*
 * NEON against the scalar reference: the same bits for cascades of 1 to
 * 7 random sections (stage pairs and the odd one), over calls of odd
 * lengths down to one frame, and for a section whose coefficients change
 * every frame.
 */
static void test_neon_matches_scalar(void **state)
{
	static const int cuts[] = {1, 2, 3, 7, 64, 33, 255, 1000};
	struct biquad_coef bc[7];
	struct biquad_state ba[7], bb[7];
	struct svf_coef sc[7], vc[N];
	struct svf_state sa[7], sb[7];
	int stages, i, k, n;

	(void)state;
	if (!biquad_simd()) {
		print_message("no vector kernels in this build: nothing to compare\n");
		skip();
	}
	for (stages = 1; stages <= 7; stages++) {
		for (k = 0; k < stages; k++) {
			enum biquad_type t = (enum biquad_type)(1 + (signal_random() % 7));
			double f = 20.0 * pow(1000.0, (signal_noise() + 1) / 2),
			       q = 0.3 + 3 * fabs(signal_noise());
			double db = 12 * signal_noise();

			signal_noise();
			biquad_design(&bc[k], t, RATE, f, q, db);
			svf_design(&sc[k], t, RATE, f, q, db);
		}
		for (i = 0; i < 2 * N; i++)
			in[i] = signal_noise();
		biquad_reset(ba, 7);
		biquad_reset(bb, 7);
		svf_reset(sa, 7);
		svf_reset(sb, 7);
		memcpy(a, in, sizeof a);
		memcpy(b, in, sizeof b);
		for (i = 0, k = 0; i < N; i += n, k++) {
			n = cuts[k % 8] < N - i ? cuts[k % 8] : N - i;
			biquad_cascade(bc, ba, stages, a + 2 * i, n);
			biquad_cascade_scalar(bc, bb, stages, b + 2 * i, n);
		}
		assert_memory_equal(a, b, sizeof a);
		assert_memory_equal(ba, bb, sizeof ba);
		memcpy(a, in, sizeof a);
		memcpy(b, in, sizeof b);
		for (i = 0, k = 0; i < N; i += n, k++) {
			n = cuts[k % 8] < N - i ? cuts[k % 8] : N - i;
			svf_cascade(sc, sa, stages, a + 2 * i, n);
			svf_cascade_scalar(sc, sb, stages, b + 2 * i, n);
		}
		assert_memory_equal(a, b, sizeof a);
		assert_memory_equal(sa, sb, sizeof sa);
	}

	for (i = 0; i < N; i++)
		svf_design(&vc[i], i & 1024 ? BQ_HIGHPASS : BQ_LOWPASS, RATE,
		           100.0 * pow(100.0, (i % 1024) / 1024.0), 0.7 + (i % 3), 0);
	svf_reset(sa, 1);
	svf_reset(sb, 1);
	memcpy(a, in, sizeof a);
	memcpy(b, in, sizeof b);
	for (i = 0, k = 0; i < N; i += n, k++) {
		n = cuts[k % 8] < N - i ? cuts[k % 8] : N - i;
		svf_run_varying(vc + i, sa, a + 2 * i, n);
		svf_run_varying_scalar(vc + i, sb, b + 2 * i, n);
	}
	assert_memory_equal(a, b, sizeof a);
	print_message("%s == scalar: TDF-II and SVF cascades of 1..7 sections, varying SVF\n",
	              biquad_simd());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_designs),
	    cmocka_unit_test(test_structures_agree),
	    cmocka_unit_test(test_bypass_and_channels),
	    cmocka_unit_test(test_silence_and_nan),
	    cmocka_unit_test(test_low_cutoff_noise),
	    cmocka_unit_test(test_neon_matches_scalar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
