/*
 * test_resample: what a DJ hears from a deck's interpolator. A sine played
 * at another pitch comes out at the right frequency and level with THD+N
 * far below -90 dB; step 1.0 is the track itself; a gliding pitch, a stop,
 * a reverse and a scrub follow the ideal signal without clicks; speeding
 * up does not fold the top of the band back into it; the track's ends are
 * silence and never read past; the vector path gives the scalar
 * reference's bits.
 *
 * THD+N: the fundamental's frequency is found from the phase drift of a
 * least-squares sine fit between the two halves of a long window, the fit
 * at that frequency is subtracted, and the residual's power between 20 Hz
 * and 20 kHz (its share found from a Blackman-Harris windowed FFT) is
 * compared with the fitted sine's power.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dsp/resample.h"
#include "tests/signals.h"

#define FS 48000.0
#define AMP_L 0.5
#define AMP_R 0.25
#define PERIOD 64
#define MN 32768 /* samples a THD+N measurement looks at */

static struct resample_bank *bank;

static int setup(void **state)
{
	(void)state;
	bank = aligned_alloc(RESAMPLE_BANK_ALIGN, resample_bank_size());
	if (!bank)
		return -1;
	return resample_bank_init(bank);
}

static int teardown(void **state)
{
	(void)state;
	free(bank);
	return 0;
}

static float *new_frames(long n)
{
	float *p = calloc((size_t)n * 2, sizeof *p);

	assert_non_null(p);
	return p;
}

/* A track: AMP_L sin on the left, AMP_R cos on the right, at hz. */
static float *sine_track(long n, double hz)
{
	float *x = new_frames(n);
	long i;

	for (i = 0; i < n; i++) {
		double ph = 2 * M_PI * hz * (double)i / FS;

		x[2 * i] = (float)(AMP_L * sin(ph));
		x[2 * i + 1] = (float)(AMP_R * cos(ph));
	}
	return x;
}

/* The band-limited track itself at a fractional position. */
static double ideal(double hz, double pos, int ch)
{
	double ph = 2 * M_PI * hz * pos / FS;

	return ch ? AMP_R * cos(ph) : AMP_L * sin(ph);
}

static uint32_t rng = 0x9e3779b9u;

static float noise(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return (float)((double)rng / 4294967296.0 * 2 - 1);
}

static float *noise_track(long n)
{
	float *x = new_frames(n);
	long i;

	for (i = 0; i < 2 * n; i++)
		x[i] = noise();
	return x;
}

/*
 * Play frames frames in periods of PERIOD, the step gliding linearly from
 * s0 to s1 over the whole render, as the engine calls it.
 */
static void play(const float *src, long n, double *pos, double s0, double s1, float *out,
                 int frames)
{
	int j;

	for (j = 0; j < frames; j += PERIOD) {
		int m = frames - j < PERIOD ? frames - j : PERIOD;
		double a = s0 + (s1 - s0) * j / frames, b = s0 + (s1 - s0) * (j + m) / frames;

		resample_stereo(bank, src, n, pos, a, b, out + 2 * j, m);
	}
}

/* Both channels of a sine at hz played at step: right frequency and level, low THD+N. */
static void check_tone(double hz, double step, double max_thdn)
{
	long n = (long)((MN + 4096) * step) + 4096;
	float *src = sine_track(n, hz), *out = new_frames(MN + 2048);
	double pos = 1000.37;
	struct tone_meas ml, mr;

	play(src, n, &pos, step, step, out, MN + 2048);
	tone_measure(out + 2 * 2048, MN, FS, hz * step, &ml);
	tone_measure(out + 2 * 2048 + 1, MN, FS, hz * step, &mr);
	print_message(
	    "%5.0f Hz at step %.2f: %.4f Hz, level %+.5f dB, THD+N %.1f dB (L) %.1f dB (R)\n", hz,
	    step, ml.hz, 20 * log10(ml.amp / AMP_L), ml.thdn, mr.thdn);
	assert_true(fabs(ml.hz - hz * step) < 0.001);
	assert_true(fabs(mr.hz - hz * step) < 0.001);
	assert_true(fabs(20 * log10(ml.amp / AMP_L)) < 0.001);
	assert_true(fabs(20 * log10(mr.amp / AMP_R)) < 0.001);
	assert_true(ml.thdn < max_thdn);
	assert_true(mr.thdn < max_thdn);
	free(src);
	free(out);
}

static void test_bank_init(void **state)
{
	(void)state;
	assert_true(resample_bank_size() > 0);
	assert_int_equal(resample_bank_init(NULL), -EINVAL);
}

/* The figure: 1 kHz at +6 % is 1060 Hz under -90 dB THD+N; and across the fader. */
static void test_sine_1k(void **state)
{
	(void)state;
	check_tone(1000, 1.06, -90);
	check_tone(1000, 0.92, -90);
	check_tone(1000, 1.5, -90);
	check_tone(1000, 0.5, -90);
}

/* Not only a low tone: the top of the band stays clean and at its level. */
static void test_high_tones(void **state)
{
	(void)state;
	check_tone(15000, 1.06, -100);
	check_tone(15000, 0.92, -100);
	check_tone(10000, 1.5, -100);
	check_tone(17000, 0.5, -100);
}

/*
 * Residual of out[0..frames) against the ideal track at the positions
 * pos[0..frames), in dB relative to the ideal's power; also the largest
 * error of one sample relative to the left peak.
 */
static double residual_db(const float *out, const double *pos, int frames, double hz, double *worst)
{
	double e = 0, s = 0;
	int j, ch;

	*worst = 0;
	for (j = 0; j < frames; j++) {
		for (ch = 0; ch < 2; ch++) {
			double want = ideal(hz, pos[j], ch), d = out[2 * j + ch] - want;

			e += d * d;
			s += want * want;
			if (fabs(d) / AMP_L > *worst)
				*worst = fabs(d) / AMP_L;
		}
	}
	return 10 * log10(e / s + 1e-30);
}

/* Largest second difference of the left channel: a click is a spike in it. */
static double max_second_difference(const float *out, int frames)
{
	double m = 0;
	int j;

	for (j = 1; j + 1 < frames; j++) {
		double d = fabs((double)out[2 * j + 2] - 2.0 * out[2 * j] + out[2 * j - 2]);

		if (d > m)
			m = d;
	}
	return m;
}

/*
 * The positions the contract promises for frames frames of play() from p,
 * into pos[]. Return: the position after them.
 */
static double positions(double p, double s0, double s1, int frames, double *pos)
{
	long double q = p;
	int j, k;

	for (j = 0; j < frames; j += PERIOD) {
		int m = frames - j < PERIOD ? frames - j : PERIOD;
		long double a = s0 + (s1 - s0) * j / frames, b = s0 + (s1 - s0) * (j + m) / frames;

		for (k = 0; k < m; k++) {
			pos[j + k] = (double)q;
			q += a + (b - a) * k / m;
		}
	}
	return (double)q;
}

/* Step 1.0 from a whole frame is the track itself, bit for bit, up to its ends. */
static void test_unity_copy(void **state)
{
	const long n = 5000;
	float *src = noise_track(n), *out = new_frames(n + 100);
	double pos = -40, fpos[4096], worst;
	float *sine;
	long j;

	(void)state;
	resample_stereo(bank, src, n, &pos, 1.0, 1.0, out, (int)n + 100);
	assert_true(pos == n + 60);
	for (j = 0; j < n + 100; j++) {
		long m = j - 40;
		float l = m >= 0 && m < n ? src[2 * m] : 0.0f;
		float r = m >= 0 && m < n ? src[2 * m + 1] : 0.0f;

		if (out[2 * j] != l || out[2 * j + 1] != r)
			fail_msg("frame %ld: %a %a, want %a %a", m, (double)out[2 * j],
			         (double)out[2 * j + 1], (double)l, (double)r);
	}
	print_message("step 1.0 from a whole frame: %ld frames, bit-identical to the track\n", n);
	free(src);

	/* Half a frame off: the track delayed, within -120 dB. */
	sine = sine_track(n, 1000);
	pos = 500.5;
	positions(pos, 1.0, 1.0, 4096, fpos);
	resample_stereo(bank, sine, n, &pos, 1.0, 1.0, out, 4096);
	print_message("step 1.0 half a frame off: %.1f dB from the ideal\n",
	              residual_db(out, fpos, 4096, 1000, &worst));
	assert_true(residual_db(out, fpos, 4096, 1000, &worst) < -120);
	free(sine);
	free(out);
}

/* The bound on a pure sine's second difference, at the highest frequency a step reaches. */
static double sine_d2_bound(double hz, double max_step, double max_dstep)
{
	double w = 2 * M_PI * hz / FS;

	return AMP_L * (w * max_step * w * max_step + w * max_dstep) * 1.02 + 1e-6;
}

/*
 * The pitch fader moves from 0 to +6 % in 100 ms: the output follows the
 * ideal glide (a zipper, the step held per period, would be a -50 dB
 * error), and no sample stands out in the second difference.
 */
static void test_glide_no_zipper(void **state)
{
	enum { GLIDE = 4800, HOLD = 4800, ALL = GLIDE + HOLD };
	const long n = 24000;
	float *src = sine_track(n, 1000), *out = new_frames(ALL);
	static double fpos[ALL];
	double pos = 3000.25, end, worst, res, d2, bound;
	int j;

	(void)state;
	end = positions(positions(pos, 1.0, 1.06, GLIDE, fpos), 1.06, 1.06, HOLD, fpos + GLIDE);
	play(src, n, &pos, 1.0, 1.06, out, GLIDE);
	play(src, n, &pos, 1.06, 1.06, out + 2 * GLIDE, HOLD);
	assert_true(fabs(pos - end) < 1e-6); /* rounding of 9600 additions */
	res = residual_db(out, fpos, ALL, 1000, &worst);
	d2 = max_second_difference(out, ALL);
	bound = sine_d2_bound(1000, 1.06, 0.06 / GLIDE);
	print_message("glide 1.00 -> 1.06 in 100 ms: %.1f dB from the ideal glide (worst sample "
	              "%.1f dB), second difference %.3g (a sine's bound %.3g)\n",
	              res, 20 * log10(worst), d2, bound);
	assert_true(res < -100);
	assert_true(worst < 1e-5);
	assert_true(d2 < bound);

	/*
	 * What a zipper looks like to the same measure: each period's mean
	 * step held through the period (so every period still starts where
	 * the glide does).
	 */
	pos = 3000.25;
	for (j = 0; j < GLIDE; j += PERIOD) {
		double s = 1.0 + 0.06 * (j + (PERIOD - 1) / 2.0) / GLIDE;

		resample_stereo(bank, src, n, &pos, s, s, out + 2 * j, PERIOD);
	}
	res = residual_db(out, fpos, GLIDE, 1000, &worst);
	print_message("the same glide stepped per period: %.1f dB from the ideal glide\n", res);
	assert_true(res > -100);
	free(src);
	free(out);
}

/*
 * A stop, a hold, a reverse start and back: the output is the track at
 * every position it passes, it holds still when the deck does, and it
 * never clicks. The steps cross the tables' boundaries on the way.
 */
static void test_reverse_and_standstill(void **state)
{
	static const struct {
		double s0, s1;
		int frames;
	} plan[] = {
	    {1.0, 1.0, 1280},   {1.0, 0.0, 1920}, {0.0, 0.0, 1280}, {0.0, -1.0, 1920},
	    {-1.0, -1.0, 1280}, {-1.0, 0.5, 640}, {0.5, 0.5, 640},
	};
	enum { MAXF = 16384 };
	const long n = 24000;
	float *src = sine_track(n, 1000), *out = new_frames(MAXF);
	static double fpos[MAXF];
	double pos = 12000.6, worst, res, d2, bound;
	int at = 0, hold_at = 0, hold_n = 0, i, j;

	(void)state;
	for (i = 0; i < (int)(sizeof plan / sizeof plan[0]); i++) {
		positions(pos, plan[i].s0, plan[i].s1, plan[i].frames, fpos + at);
		play(src, n, &pos, plan[i].s0, plan[i].s1, out + 2 * at, plan[i].frames);
		if (plan[i].s0 == 0 && plan[i].s1 == 0) {
			hold_at = at;
			hold_n = plan[i].frames;
		}
		at += plan[i].frames;
	}
	res = residual_db(out, fpos, at, 1000, &worst);
	d2 = max_second_difference(out, at);
	bound = sine_d2_bound(1000, 1.0, 1.5 / 640);
	print_message(
	    "stop, hold, reverse, forward: %.1f dB from the ideal (worst sample %.1f dB), "
	    "second difference %.3g (bound %.3g)\n",
	    res, 20 * log10(worst), d2, bound);
	assert_true(res < -100);
	assert_true(worst < 1e-5);
	assert_true(d2 < bound);
	for (j = 1; j < hold_n; j++) {
		assert_true(out[2 * (hold_at + j)] == out[2 * hold_at]);
		assert_true(out[2 * (hold_at + j) + 1] == out[2 * hold_at + 1]);
	}
	free(src);
	free(out);
}

/*
 * Scrubbing far beyond the fader's range, both ways: the output stays
 * within the track's level, never jumps, and a tone the cutoff keeps is
 * still the track at each position.
 */
static void test_scrub_bounded(void **state)
{
	static const double knots[] = {0, 4, -6, 12, -20, 3, 0};
	enum { SEG = 640, NK = sizeof knots / sizeof knots[0], ALL = SEG * (NK - 1) };
	const long n = 200000;
	float *src = sine_track(n, 300), *out = new_frames(ALL), *nz;
	static double fpos[ALL];
	double pos = 100000, peak = 0, worst, res, d2, bound;
	int i, j;

	(void)state;
	for (i = 0; i + 1 < NK; i++) {
		positions(pos, knots[i], knots[i + 1], SEG, fpos + SEG * i);
		play(src, n, &pos, knots[i], knots[i + 1], out + 2 * SEG * i, SEG);
	}
	for (j = 0; j < ALL; j++)
		if (fabs(out[2 * j]) > peak)
			peak = fabs(out[2 * j]);
	res = residual_db(out, fpos, ALL, 300, &worst);
	d2 = max_second_difference(out, ALL);
	bound = sine_d2_bound(300, 20, 32.0 / SEG);
	print_message("scrub up to 20x on 300 Hz: peak %.6f of %.1f, %.1f dB from the ideal, "
	              "second difference %.3g (bound %.3g)\n",
	              peak, AMP_L, res, d2, bound);
	assert_true(peak <= AMP_L * 1.0001);
	assert_true(res < -80);
	assert_true(d2 < bound);

	/* Full-scale noise at the same speeds: finite and bounded. */
	nz = noise_track(n);
	pos = 100000;
	for (i = 0; i + 1 < NK; i++)
		play(nz, n, &pos, knots[i], knots[i + 1], out + 2 * SEG * i, SEG);
	peak = 0;
	for (j = 0; j < 2 * ALL; j++) {
		assert_true(isfinite(out[j]));
		if (fabs(out[j]) > peak)
			peak = fabs(out[j]);
	}
	print_message("scrub up to 20x on full-scale noise: peak %.3f\n", peak);
	assert_true(peak < 2.5);
	free(nz);
	free(src);
	free(out);
}

/* Power of the left channel over its power in the track, in dB. */
static double level_db(const float *out, int frames, double amp)
{
	double e = 0;
	int j;

	for (j = 0; j < frames; j++)
		e += (double)out[2 * j] * out[2 * j];
	return 10 * log10(e / frames / (amp * amp / 2) + 1e-30);
}

/*
 * Speeding up must not fold the top of the band back into it: at +50 %
 * 20 kHz would land on 30 kHz and fold to 18 kHz, 23 kHz on 34.5 and fold
 * to 13.5; at +25 % 23 kHz would fold to 19.25 kHz. They must vanish.
 */
static void test_no_alias_when_speeding_up(void **state)
{
	static const struct {
		double hz, step;
	} cases[] = {{20000, 1.5}, {23000, 1.5}, {19500, 1.5}, {23000, 1.25}};
	const long n = 20000;
	float *out = new_frames(8192);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		float *src = sine_track(n, cases[i].hz);
		double pos = 2000, l;

		play(src, n, &pos, cases[i].step, cases[i].step, out, 8192);
		l = level_db(out, 8192, AMP_L);
		print_message("%5.0f Hz at step %.2f (would fold to %5.0f Hz): %.1f dB\n",
		              cases[i].hz, cases[i].step, FS - cases[i].hz * cases[i].step, l);
		assert_true(l < -100);
		free(src);
	}
	free(out);
}

/*
 * A track that ends flush against unmapped pages on both sides: reading
 * across and beyond its ends, at several speeds and backwards, never
 * touches them, and is exact silence once the kernel is clear of it.
 */
static void test_ends_silent_and_safe(void **state)
{
	static const double steps[] = {1.0, 1.06, 0.37, 2.5, -1.5, -0.8, 7.0};
	const long n = 3000;
	long page = sysconf(_SC_PAGESIZE);
	size_t bytes = (size_t)n * 2 * sizeof(float);
	size_t span = ((bytes + (size_t)page - 1) / (size_t)page) * (size_t)page;
	unsigned char *map;
	float *at_end, *at_start, *out = new_frames(4096), *sine = sine_track(n, 440);
	int placement, silent = 0, heard = 0;
	size_t si;

	(void)state;
	map = mmap(NULL, span + 2 * (size_t)page, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map, (size_t)page, PROT_NONE), 0);
	assert_int_equal(mprotect(map + page + span, (size_t)page, PROT_NONE), 0);
	at_start = (float *)(map + page);
	at_end = (float *)(map + page + span - bytes);

	for (placement = 0; placement < 2; placement++) {
		float *src = placement ? at_end : at_start;

		memcpy(src, sine, bytes);
		for (si = 0; si < sizeof steps / sizeof steps[0]; si++) {
			double s = steps[si], start = s > 0 ? -200.3 : n + 200.3, pos = start;
			int frames = (int)((n + 400) / fabs(s)), j;
			double q = start;

			if (frames > 4096)
				frames = 4096;
			for (j = 0; j < frames; j += 37) {
				int m = frames - j < 37 ? frames - j : 37;

				resample_stereo(bank, src, n, &pos, s, s, out + 2 * j, m);
				resample_stereo_scalar(bank, src, n, &q, s, s, out + 2 * j, m);
			}
			for (j = 0; j < frames; j++) {
				double p = start + s * j;

				if (p <= -RESAMPLE_REACH || p >= n - 1 + RESAMPLE_REACH) {
					assert_true(out[2 * j] == 0.0f && out[2 * j + 1] == 0.0f);
					silent++;
				} else if (p > 100 && p < n - 100) {
					assert_true(fabs(out[2 * j]) <= AMP_L * 1.0001);
					heard += out[2 * j] != 0.0f;
				}
			}
		}
	}
	print_message("ends: %d frames beyond the kernel's reach exactly silent, %d inside heard, "
	              "no read outside the track\n",
	              silent, heard);
	assert_true(silent > 1000 && heard > 1000);

	/* No track at all: silence, and the position still moves. */
	{
		double pos = 5;

		memset(out, 0xff, 2 * 64 * sizeof(float));
		resample_stereo(bank, NULL, 0, &pos, 1.0, 1.0, out, 64);
		assert_true(pos == 69);
		for (si = 0; si < 128; si++)
			assert_true(out[si] == 0.0f);
	}
	/* A one-frame track is one band-limited click, and safe. */
	{
		double pos = -40;
		float one[2] = {1.0f, -1.0f};

		resample_stereo(bank, one, 1, &pos, 1.0, 1.0, out, 80);
		assert_true(out[2 * 40] == 1.0f && out[2 * 40 + 1] == -1.0f);
		assert_true(out[0] == 0.0f && out[2 * 79] == 0.0f);
	}
	munmap(map, span + 2 * (size_t)page);
	free(sine);
	free(out);
}

/* A step that is not a number moves nothing and reads no garbage. */
static void test_bad_numbers(void **state)
{
	const long n = 2000;
	float *src = sine_track(n, 1000), *out = new_frames(64);
	double pos = 1000, nan_pos = NAN;
	int j;

	(void)state;
	resample_stereo(bank, src, n, &pos, NAN, INFINITY, out, 64);
	assert_true(pos == 1000);
	for (j = 1; j < 64; j++)
		assert_true(out[2 * j] == out[0]);
	resample_stereo(bank, src, n, &nan_pos, 1.0, 1.0, out, 64);
	assert_true(isnan(nan_pos));
	for (j = 0; j < 128; j++)
		assert_true(out[j] == 0.0f);
	free(src);
	free(out);
}

/*
 * The vector path (NEON on aarch64, SSE2 on x86-64) against the scalar
 * reference: the same bits and the same position after every call, over
 * glides that cross tables, reverses, scrubs and the track's ends, in
 * oddly cut calls.
 */
static void test_simd_matches_scalar(void **state)
{
	static const struct {
		double pos, s0, s1;
	} runs[] = {
	    {100.0, 1.0, 1.0},   {100.3, 1.0, 1.06},  {5000.7, 0.92, 0.85}, {7000.1, 0.5, 1.5},
	    {9000.9, -1.0, 0.0}, {-50.2, 1.03, 1.03}, {19990.4, 1.2, 1.2},  {12000, 0, 0},
	    {15000, 3, -9},      {10000, 20, 20},     {20050, -1.1, -1.1},  {3.5, -0.3, 0.2},
	};
	static const int cuts[] = {1, 3, 7, 64, 17, 128, 5, 255};
	const long n = 20000;
	float *src = noise_track(n), *a = new_frames(2048), *b = new_frames(2048);
	size_t r;
	long frames = 0;

	(void)state;
	if (!resample_has_simd()) {
		print_message("no vector path in this build: nothing to compare\n");
		skip();
	}
	for (r = 0; r < sizeof runs / sizeof runs[0]; r++) {
		double pa = runs[r].pos, pb = runs[r].pos;
		int j = 0, k = 0;

		while (j < 2048) {
			int m = cuts[k++ % (int)(sizeof cuts / sizeof cuts[0])];
			double s0 = runs[r].s0 + (runs[r].s1 - runs[r].s0) * j / 2048.0;
			double s1;

			if (m > 2048 - j)
				m = 2048 - j;
			s1 = runs[r].s0 + (runs[r].s1 - runs[r].s0) * (j + m) / 2048.0;
			resample_stereo(bank, src, n, &pa, s0, s1, a + 2 * j, m);
			resample_stereo_scalar(bank, src, n, &pb, s0, s1, b + 2 * j, m);
			assert_true(pa == pb);
			j += m;
		}
		for (j = 0; j < 2 * 2048; j++)
			if (memcmp(&a[j], &b[j], sizeof a[j]) != 0)
				fail_msg("run %zu sample %d: vector %a, scalar %a", r, j,
				         (double)a[j], (double)b[j]);
		frames += 2048;
	}
	print_message("vector == scalar, bit for bit, on %ld frames in %zu runs\n", frames, r);
	free(src);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bank_init),
	    cmocka_unit_test(test_sine_1k),
	    cmocka_unit_test(test_high_tones),
	    cmocka_unit_test(test_unity_copy),
	    cmocka_unit_test(test_glide_no_zipper),
	    cmocka_unit_test(test_reverse_and_standstill),
	    cmocka_unit_test(test_scrub_bounded),
	    cmocka_unit_test(test_no_alias_when_speeding_up),
	    cmocka_unit_test(test_ends_silent_and_safe),
	    cmocka_unit_test(test_bad_numbers),
	    cmocka_unit_test(test_simd_matches_scalar),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
