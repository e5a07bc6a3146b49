/*
 * resample.c: the deck's polyphase windowed-sinc interpolator.
 *
 * A table is RS_PHASES + 1 rows of 2 * RS_TAPS floats. The first half of
 * row p holds the kernel g(t) at t = p / RS_PHASES + RS_TAPS / 2 - 1 - k
 * for tap k, so the output at position i + frac (0 <= frac < 1) is the dot
 * product of the kernel there with the input frames i - RS_TAPS / 2 + 1 ..
 * i + RS_TAPS / 2. The second half holds the row's curvature, half the
 * second difference of rows p, p + 1, p + 2, for the quadratic between
 * phases. Row RS_PHASES is row 0 moved by one tap, so phase p always has
 * a row p + 1.
 *
 * Why the paths give the same bits: each one computes, for tap k, the
 * coefficient h0 + f * ((h1 - h0) + (f - 1) * e) and adds coefficient *
 * sample into partial sum k % 8 of its channel, as separate multiplies and
 * adds (the build is ISO C, so the compiler contracts nothing into a fused
 * multiply-add), and folds the eight sums in one fixed order. NEON and
 * SSE2 hold those eight sums in two vectors per channel.
 */
#include "resample.h"

#include <errno.h>
#include <math.h>

#if defined(__ARM_NEON)
#include <arm_neon.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#define RS_TAPS RESAMPLE_TAPS
#define RS_PHASES RESAMPLE_PHASES
#define RS_TRANSITION 0.125 /* of the input rate, centred on the cutoff */
#define RS_BETA 12.7        /* Kaiser: 118 dB down in the stopband */
#define RS_HALF (RS_TAPS / 2)
#define RS_ROW (2 * RS_TAPS) /* the row's taps, then its curvature */
#define RS_TABLE ((RS_PHASES + 1) * RS_ROW)

/*
 * The tables, by the largest |step| each serves. Below 7/8 the stopband
 * starts at the input's Nyquist frequency (nothing mirrors when slowing
 * down a lot); up to 1 the cutoff is at Nyquist (phase 0 is then a plain
 * copy); above, the cutoff is Nyquist / step, every 5 % or so up to 1.55,
 * then coarser for scrubbing.
 */
static const double table_step[] = {
    0.875, 1.0, 1.05, 1.10, 1.16, 1.22, 1.28, 1.34, 1.41, 1.48, 1.55, 2.0, 3.0, 4.0, 6.0, 8.0,
};
#define RS_TABLES ((int)(sizeof table_step / sizeof table_step[0]))

struct resample_bank {
	float coef[RS_TABLES][RS_TABLE];
	/* The window at every row's taps, the same for all tables: init's scratch. */
	double window[RS_PHASES + 3][RS_TAPS];
};

size_t resample_bank_size(void)
{
	return sizeof(struct resample_bank);
}

/* The zeroth-order modified Bessel function of the first kind, by its series. */
static double bessel_i0(double x)
{
	double sum = 1, term = 1, q = x * x / 4;
	int k;

	for (k = 1; k < 200 && term > sum * 1e-17; k++) {
		term *= q / ((double)k * k);
		sum += term;
	}
	return sum;
}

/* Cutoff (cycles per input frame, -6 dB point) of table t. */
static double table_cutoff(int t)
{
	if (t == 0)
		return 0.5 - RS_TRANSITION / 2;
	if (table_step[t] <= 1.0)
		return 0.5;
	return 0.5 / table_step[t];
}

/* Tap k's distance from the output position in row p, in frames. */
static double tap_distance(int p, int k)
{
	return (double)p / RS_PHASES + RS_HALF - 1 - k;
}

/*
 * The Kaiser window at t frames from the output position, its pedestal
 * removed so that the kernel reaches exactly 0 at +-RS_HALF.
 */
static double kaiser(double t, double i0_beta)
{
	double r = t / RS_HALF;

	if (r <= -1 || r >= 1)
		return 0;
	return (bessel_i0(RS_BETA * sqrt(1 - r * r)) - 1) / (i0_beta - 1);
}

/*
 * Row p of the kernel at cutoff fc, scaled to unit gain at DC: a sinc
 * with its first zeros at +-1 / (2 fc) under the window. Exact zeros where
 * the sinc has them, so the fc = 0.5 table's row 0 is a unit impulse.
 */
static void kernel_row(const struct resample_bank *b, double *h, int p, double fc)
{
	double sum = 0;
	int k;

	for (k = 0; k < RS_TAPS; k++) {
		double x = 2 * fc * tap_distance(p, k);

		if (x == 0)
			h[k] = 2 * fc * b->window[p][k];
		else if (x == floor(x))
			h[k] = 0;
		else
			h[k] = 2 * fc * sin(M_PI * x) / (M_PI * x) * b->window[p][k];
		sum += h[k];
	}
	/* No phase-dependent level at DC. */
	for (k = 0; k < RS_TAPS; k++)
		h[k] /= sum;
}

int resample_bank_init(struct resample_bank *b)
{
	double i0_beta = bessel_i0(RS_BETA), h[3][RS_TAPS];
	int t, p, k;

	if (!b)
		return -EINVAL;
	for (p = 0; p < RS_PHASES + 3; p++)
		for (k = 0; k < RS_TAPS; k++)
			b->window[p][k] = kaiser(tap_distance(p, k), i0_beta);
	for (t = 0; t < RS_TABLES; t++) {
		double fc = table_cutoff(t);

		kernel_row(b, h[0], 0, fc);
		kernel_row(b, h[1], 1, fc);
		for (p = 0; p <= RS_PHASES; p++) {
			const double *h0 = h[p % 3], *h1 = h[(p + 1) % 3], *h2 = h[(p + 2) % 3];
			float *row = b->coef[t] + p * RS_ROW;

			kernel_row(b, h[(p + 2) % 3], p + 2, fc);
			for (k = 0; k < RS_TAPS; k++) {
				row[k] = (float)h0[k];
				row[RS_TAPS + k] = (float)((h2[k] - 2 * h1[k] + h0[k]) / 2);
			}
		}
	}
	return 0;
}

/* The table for |step|: the first whose largest step is not below it. */
static int table_for(double step)
{
	double a = fabs(step);
	int t;

	for (t = 0; t < RS_TABLES - 1; t++)
		if (a <= table_step[t])
			break;
	return t;
}

/* The eight partial sums of a channel folded in the order all paths use. */
static float fold8(const float a[8])
{
	float s0 = a[0] + a[4], s1 = a[1] + a[5], s2 = a[2] + a[6], s3 = a[3] + a[7];

	return (s0 + s1) + (s2 + s3);
}

/*
 * One stereo frame from RS_TAPS frames of x: the kernel between row h0 and
 * the next, h1, at f of the way, by Newton's quadratic through h0, h1 and
 * the row after (whose part is h0's curvature e): c = h0 + f (h1 - h0 +
 * (f - 1) e).
 */
static void dot_scalar(const float *h0, const float *h1, float f, const float *x, float out[2])
{
	const float *e = h0 + RS_TAPS;
	float l[8] = {0}, r[8] = {0}, g = f - 1.0f;
	int k, j;

	for (k = 0; k < RS_TAPS; k += 8) {
		for (j = 0; j < 8; j++) {
			float d = (h1[k + j] - h0[k + j]) + g * e[k + j];
			float c = h0[k + j] + f * d;
			float pl = c * x[2 * (k + j)];
			float pr = c * x[2 * (k + j) + 1];

			l[j] += pl;
			r[j] += pr;
		}
	}
	out[0] = fold8(l);
	out[1] = fold8(r);
}

#if defined(__ARM_NEON)

static void dot_fast(const float *h0, const float *h1, float f, const float *x, float out[2])
{
	float32x4_t l0 = vdupq_n_f32(0), l1 = l0, r0 = l0, r1 = l0;
	float32x4_t vf = vdupq_n_f32(f), vg = vdupq_n_f32(f - 1.0f), s;
	const float *e = h0 + RS_TAPS;
	int k;

	for (k = 0; k < RS_TAPS; k += 8) {
		float32x4_t a0 = vld1q_f32(h0 + k), a1 = vld1q_f32(h0 + k + 4);
		float32x4_t d0 =
		    vaddq_f32(vsubq_f32(vld1q_f32(h1 + k), a0), vmulq_f32(vg, vld1q_f32(e + k)));
		float32x4_t d1 = vaddq_f32(vsubq_f32(vld1q_f32(h1 + k + 4), a1),
		                           vmulq_f32(vg, vld1q_f32(e + k + 4)));
		float32x4_t c0 = vaddq_f32(a0, vmulq_f32(vf, d0));
		float32x4_t c1 = vaddq_f32(a1, vmulq_f32(vf, d1));
		float32x4x2_t x0 = vld2q_f32(x + 2 * k), x1 = vld2q_f32(x + 2 * k + 8);

		l0 = vaddq_f32(l0, vmulq_f32(c0, x0.val[0]));
		r0 = vaddq_f32(r0, vmulq_f32(c0, x0.val[1]));
		l1 = vaddq_f32(l1, vmulq_f32(c1, x1.val[0]));
		r1 = vaddq_f32(r1, vmulq_f32(c1, x1.val[1]));
	}
	/*
	 * fold8() in registers: lanes j and j + 4 first, then pairwise, so
	 * both channels come out as ((s0 + s1) + (s2 + s3)) like the scalar's.
	 */
	s = vpaddq_f32(vaddq_f32(l0, l1), vaddq_f32(r0, r1));
	vst1_f32(out, vget_low_f32(vpaddq_f32(s, s)));
}

#define HAVE_FAST 1

#elif defined(__SSE2__)

static void dot_fast(const float *h0, const float *h1, float f, const float *x, float out[2])
{
	__m128 l0 = _mm_setzero_ps(), l1 = l0, r0 = l0, r1 = l0;
	__m128 vf = _mm_set1_ps(f), vg = _mm_set1_ps(f - 1.0f);
	const float *e = h0 + RS_TAPS;
	float l[8], r[8];
	int k;

	for (k = 0; k < RS_TAPS; k += 8) {
		__m128 a0 = _mm_loadu_ps(h0 + k), a1 = _mm_loadu_ps(h0 + k + 4);
		__m128 d0 = _mm_add_ps(_mm_sub_ps(_mm_loadu_ps(h1 + k), a0),
		                       _mm_mul_ps(vg, _mm_loadu_ps(e + k)));
		__m128 d1 = _mm_add_ps(_mm_sub_ps(_mm_loadu_ps(h1 + k + 4), a1),
		                       _mm_mul_ps(vg, _mm_loadu_ps(e + k + 4)));
		__m128 c0 = _mm_add_ps(a0, _mm_mul_ps(vf, d0));
		__m128 c1 = _mm_add_ps(a1, _mm_mul_ps(vf, d1));
		__m128 x0 = _mm_loadu_ps(x + 2 * k), x1 = _mm_loadu_ps(x + 2 * k + 4);
		__m128 x2 = _mm_loadu_ps(x + 2 * k + 8), x3 = _mm_loadu_ps(x + 2 * k + 12);

		l0 =
		    _mm_add_ps(l0, _mm_mul_ps(c0, _mm_shuffle_ps(x0, x1, _MM_SHUFFLE(2, 0, 2, 0))));
		r0 =
		    _mm_add_ps(r0, _mm_mul_ps(c0, _mm_shuffle_ps(x0, x1, _MM_SHUFFLE(3, 1, 3, 1))));
		l1 =
		    _mm_add_ps(l1, _mm_mul_ps(c1, _mm_shuffle_ps(x2, x3, _MM_SHUFFLE(2, 0, 2, 0))));
		r1 =
		    _mm_add_ps(r1, _mm_mul_ps(c1, _mm_shuffle_ps(x2, x3, _MM_SHUFFLE(3, 1, 3, 1))));
	}
	_mm_storeu_ps(l, l0);
	_mm_storeu_ps(l + 4, l1);
	_mm_storeu_ps(r, r0);
	_mm_storeu_ps(r + 4, r1);
	out[0] = fold8(l);
	out[1] = fold8(r);
}

#define HAVE_FAST 1

#else
#define HAVE_FAST 0
#endif

/*
 * The output at pos through the table coef into out[0..1]. Near the ends
 * of the track the frames the kernel spans are copied with silence around
 * them, so no path reads outside src[0 .. 2 n_src).
 */
static void frame_at(const float *coef, const float *src, long n_src, double pos, float out[2],
                     int fast)
{
	float pad[2 * RS_TAPS];
	const float *x, *h0;
	double i, fl;
	long first;
	int p;
	float f;

	/* Far outside (or NaN): the kernel sees only silence. */
	if (!(pos > -RS_HALF && pos < (double)n_src + RS_HALF)) {
		out[0] = out[1] = 0;
		return;
	}
	i = floor(pos);
	fl = (pos - i) * RS_PHASES; /* exact: RS_PHASES is a power of two */
	p = (int)fl;
	f = (float)(fl - p);
	first = (long)i - RS_HALF + 1;
	if (first >= 0 && first + RS_TAPS <= n_src) {
		x = src + 2 * first;
	} else {
		long k;

		for (k = 0; k < RS_TAPS; k++) {
			long m = first + k;
			int in = m >= 0 && m < n_src;

			pad[2 * k] = in ? src[2 * m] : 0.0f;
			pad[2 * k + 1] = in ? src[2 * m + 1] : 0.0f;
		}
		x = pad;
	}
	h0 = coef + p * RS_ROW;
#if HAVE_FAST
	if (fast) {
		dot_fast(h0, h0 + RS_ROW, f, x, out);
		return;
	}
#else
	(void)fast;
#endif
	dot_scalar(h0, h0 + RS_ROW, f, x, out);
}

static void run(const struct resample_bank *b, const float *src, long n_src, double *pos,
                double step0, double step1, float *out, int frames, int fast)
{
	double p = *pos, ds;
	const float *c0, *c1;
	int t0, t1, j;

	if (frames <= 0)
		return;
	if (!isfinite(step0))
		step0 = 0;
	if (!isfinite(step1))
		step1 = 0;
	if (n_src <= 0 || !src)
		n_src = 0;
	t0 = table_for(step0);
	t1 = table_for(step1);
	c0 = b->coef[t0];
	c1 = b->coef[t1];
	ds = (step1 - step0) / frames;
	for (j = 0; j < frames; j++) {
		float *o = out + 2 * j;

		frame_at(c0, src, n_src, p, o, fast);
		if (t1 != t0) {
			/* Crossing to another table: fade across the call. */
			float y[2], w = (float)(j + 1) / (float)frames;

			frame_at(c1, src, n_src, p, y, fast);
			o[0] += w * (y[0] - o[0]);
			o[1] += w * (y[1] - o[1]);
		}
		p += step0 + ds * j;
	}
	if (isfinite(p))
		*pos = p;
}

void resample_stereo(const struct resample_bank *b, const float *src, long n_src, double *pos,
                     double step0, double step1, float *out, int frames)
{
	run(b, src, n_src, pos, step0, step1, out, frames, 1);
}

void resample_stereo_scalar(const struct resample_bank *b, const float *src, long n_src,
                            double *pos, double step0, double step1, float *out, int frames)
{
	run(b, src, n_src, pos, step0, step1, out, frames, 0);
}

int resample_has_simd(void)
{
	return HAVE_FAST;
}
