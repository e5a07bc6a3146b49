/*
 * biquad.c: cookbook designs, TDF-II and trapezoidal SVF sections, scalar
 * references and vector kernels (NEON, SSE2).
 *
 * Every expression below is written one rounding at a time (a product,
 * then a sum, in separate statements), so no compiler may fuse them into
 * a multiply-add, and the vector kernels repeat them lane by lane: the
 * paths agree to the bit.
 */
#include "biquad.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#if defined(__ARM_NEON)
#include <arm_neon.h>
#define BIQUAD_SIMD "NEON"
#elif defined(__SSE2__)
#include <emmintrin.h>
#define BIQUAD_SIMD "SSE2"
#endif

/* Below this a state is inaudible (-360 dBFS) and only costs denormals. */
#define STATE_FLOOR 1e-18f

static void clamp_design(double rate, double *f0, double *q)
{
	if (!(rate > 0))
		rate = 48000;
	if (!(*f0 > rate * 1e-6))
		*f0 = rate * 1e-6;
	if (*f0 > 0.49 * rate)
		*f0 = 0.49 * rate;
	if (!(*q >= 0.01))
		*q = 0.01;
}

void biquad_design(struct biquad_coef *c, enum biquad_type t, double rate, double f0, double q,
                   double gain_db)
{
	double w, cw, sw, alpha, a, sa, b0, b1, b2, a0, a1, a2;

	clamp_design(rate, &f0, &q);
	w = 2 * M_PI * f0 / rate;
	cw = cos(w);
	sw = sin(w);
	alpha = sw / (2 * q);
	a = pow(10.0, gain_db / 40.0);
	sa = 2 * sqrt(a) * alpha;
	a0 = 1 + alpha;
	a1 = -2 * cw;
	a2 = 1 - alpha;
	switch (t) {
	case BQ_LOWPASS:
		b0 = b2 = (1 - cw) / 2;
		b1 = 1 - cw;
		break;
	case BQ_HIGHPASS:
		b0 = b2 = (1 + cw) / 2;
		b1 = -(1 + cw);
		break;
	case BQ_BANDPASS:
		b0 = alpha;
		b1 = 0;
		b2 = -alpha;
		break;
	case BQ_ALLPASS:
		b0 = 1 - alpha;
		b1 = -2 * cw;
		b2 = 1 + alpha;
		break;
	case BQ_PEAK:
		b0 = 1 + alpha * a;
		b1 = -2 * cw;
		b2 = 1 - alpha * a;
		a0 = 1 + alpha / a;
		a2 = 1 - alpha / a;
		break;
	case BQ_LOWSHELF:
		b0 = a * ((a + 1) - (a - 1) * cw + sa);
		b1 = 2 * a * ((a - 1) - (a + 1) * cw);
		b2 = a * ((a + 1) - (a - 1) * cw - sa);
		a0 = (a + 1) + (a - 1) * cw + sa;
		a1 = -2 * ((a - 1) + (a + 1) * cw);
		a2 = (a + 1) + (a - 1) * cw - sa;
		break;
	case BQ_HIGHSHELF:
		b0 = a * ((a + 1) + (a - 1) * cw + sa);
		b1 = -2 * a * ((a - 1) + (a + 1) * cw);
		b2 = a * ((a + 1) + (a - 1) * cw - sa);
		a0 = (a + 1) - (a - 1) * cw + sa;
		a1 = 2 * ((a - 1) - (a + 1) * cw);
		a2 = (a + 1) - (a - 1) * cw - sa;
		break;
	case BQ_BYPASS:
	default:
		c->b0 = 1.0f;
		c->b1 = c->b2 = c->a1 = c->a2 = 0.0f;
		return;
	}
	c->b0 = (float)(b0 / a0);
	c->b1 = (float)(b1 / a0);
	c->b2 = (float)(b2 / a0);
	c->a1 = (float)(a1 / a0);
	c->a2 = (float)(a2 / a0);
}

/*
 * The SVF as the same prototypes: with g = tan(pi f0 / rate) and k = 1/q,
 * the section is H = (m0 D + m1 p + m2) / D, D = p^2 + k p + 1, p the
 * Laplace variable over the prewarped cutoff. Shelves move the cutoff by
 * sqrt(A) and the peak scales k by 1/A, which turns D into the cookbook's
 * denominators; the m's then give its numerators.
 */
void svf_design(struct svf_coef *c, enum biquad_type t, double rate, double f0, double q,
                double gain_db)
{
	double g, k, a = pow(10.0, gain_db / 40.0), a1, m0 = 0, m1 = 0, m2 = 0;

	clamp_design(rate, &f0, &q);
	g = tan(M_PI * f0 / rate);
	k = 1 / q;
	switch (t) {
	case BQ_LOWPASS:
		m2 = 1;
		break;
	case BQ_HIGHPASS:
		m0 = 1;
		m1 = -k;
		m2 = -1;
		break;
	case BQ_BANDPASS:
		m1 = k;
		break;
	case BQ_ALLPASS:
		m0 = 1;
		m1 = -2 * k;
		break;
	case BQ_PEAK:
		k = 1 / (q * a);
		m0 = 1;
		m1 = k * (a * a - 1);
		break;
	case BQ_LOWSHELF:
		g /= sqrt(a);
		m0 = 1;
		m1 = k * (a - 1);
		m2 = a * a - 1;
		break;
	case BQ_HIGHSHELF:
		g *= sqrt(a);
		m0 = a * a;
		m1 = k * (1 - a) * a;
		m2 = 1 - a * a;
		break;
	case BQ_BYPASS:
	default:
		g = 0;
		m0 = 1;
		break;
	}
	a1 = 1 / (1 + g * (g + k));
	c->a1 = (float)a1;
	c->a2 = (float)(g * a1);
	c->a3 = (float)(g * g * a1);
	c->m0 = (float)m0;
	c->m1 = (float)m1;
	c->m2 = (float)m2;
}

/* Zero for a state below the floor or not finite; else the state. */
static float tame(float z)
{
	float a = fabsf(z);

	return a >= STATE_FLOOR && a <= FLT_MAX ? z : 0.0f;
}

void biquad_reset(struct biquad_state *s, int stages)
{
	int k, ch;

	for (k = 0; k < stages; k++)
		for (ch = 0; ch < 2; ch++)
			s[k].z1[ch] = s[k].z2[ch] = 0.0f;
}

void svf_reset(struct svf_state *s, int stages)
{
	int k, ch;

	for (k = 0; k < stages; k++)
		for (ch = 0; ch < 2; ch++)
			s[k].ic1[ch] = s[k].ic2[ch] = 0.0f;
}

static void tame_biquad(struct biquad_state *s, int stages)
{
	int k, ch;

	for (k = 0; k < stages; k++) {
		for (ch = 0; ch < 2; ch++) {
			s[k].z1[ch] = tame(s[k].z1[ch]);
			s[k].z2[ch] = tame(s[k].z2[ch]);
		}
	}
}

static void tame_svf(struct svf_state *s, int stages)
{
	int k, ch;

	for (k = 0; k < stages; k++) {
		for (ch = 0; ch < 2; ch++) {
			s[k].ic1[ch] = tame(s[k].ic1[ch]);
			s[k].ic2[ch] = tame(s[k].ic2[ch]);
		}
	}
}

/* One TDF-II step; the order of roundings every path follows. */
static inline float bq_step(const struct biquad_coef *c, float *z1, float *z2, float x)
{
	float p, q, y;

	p = c->b0 * x;
	y = p + *z1;
	p = c->b1 * x;
	q = c->a1 * y;
	p = p - q;
	*z1 = p + *z2;
	p = c->b2 * x;
	q = c->a2 * y;
	*z2 = p - q;
	return y;
}

void biquad_cascade_scalar(const struct biquad_coef *c, struct biquad_state *s, int stages,
                           float *io, int frames)
{
	int k, i;

	if (frames <= 0)
		return;
	/* Both channels in one pass: two recursions the CPU can overlap. */
	for (k = 0; k < stages; k++) {
		const struct biquad_coef ck = c[k];
		float zl1 = s[k].z1[0], zl2 = s[k].z2[0], zr1 = s[k].z1[1], zr2 = s[k].z2[1];

		for (i = 0; i < frames; i++) {
			io[2 * i] = bq_step(&ck, &zl1, &zl2, io[2 * i]);
			io[2 * i + 1] = bq_step(&ck, &zr1, &zr2, io[2 * i + 1]);
		}
		s[k].z1[0] = zl1;
		s[k].z2[0] = zl2;
		s[k].z1[1] = zr1;
		s[k].z2[1] = zr2;
	}
	tame_biquad(s, stages);
}

/* One SVF step, the reference's order of roundings. */
static inline float svf_step(const struct svf_coef *c, float *ic1, float *ic2, float x)
{
	float v1, v2, v3, p, y;

	v3 = x - *ic2;
	v1 = c->a1 * *ic1;
	p = c->a2 * v3;
	v1 = v1 + p;
	p = c->a2 * *ic1;
	v2 = *ic2 + p;
	p = c->a3 * v3;
	v2 = v2 + p;
	p = v1 + v1;
	*ic1 = p - *ic1;
	p = v2 + v2;
	*ic2 = p - *ic2;
	y = c->m0 * x;
	p = c->m1 * v1;
	y = y + p;
	p = c->m2 * v2;
	return y + p;
}

/*
 * One section over both channels. The coefficients are copied first: io
 * is float too, so the compiler would otherwise reload them after every
 * store.
 */
static void svf_run(const struct svf_coef *c, struct svf_state *s, float *io, int frames)
{
	const struct svf_coef k = *c;
	float l1 = s->ic1[0], l2 = s->ic2[0], r1 = s->ic1[1], r2 = s->ic2[1];
	int i;

	for (i = 0; i < frames; i++) {
		io[2 * i] = svf_step(&k, &l1, &l2, io[2 * i]);
		io[2 * i + 1] = svf_step(&k, &r1, &r2, io[2 * i + 1]);
	}
	s->ic1[0] = l1;
	s->ic2[0] = l2;
	s->ic1[1] = r1;
	s->ic2[1] = r2;
}

/* The same with coefficients c[i] for frame i. */
static void svf_run_each(const struct svf_coef *c, struct svf_state *s, float *io, int frames)
{
	float l1 = s->ic1[0], l2 = s->ic2[0], r1 = s->ic1[1], r2 = s->ic2[1];
	int i;

	for (i = 0; i < frames; i++) {
		const struct svf_coef k = c[i];

		io[2 * i] = svf_step(&k, &l1, &l2, io[2 * i]);
		io[2 * i + 1] = svf_step(&k, &r1, &r2, io[2 * i + 1]);
	}
	s->ic1[0] = l1;
	s->ic2[0] = l2;
	s->ic1[1] = r1;
	s->ic2[1] = r2;
}

void svf_cascade_scalar(const struct svf_coef *c, struct svf_state *s, int stages, float *io,
                        int frames)
{
	int k;

	if (frames <= 0)
		return;
	for (k = 0; k < stages; k++)
		svf_run(&c[k], &s[k], io, frames);
	tame_svf(s, stages);
}

void svf_run_varying_scalar(const struct svf_coef *c, struct svf_state *s, float *io, int frames)
{
	if (frames <= 0)
		return;
	svf_run_each(c, s, io, frames);
	tame_svf(s, 1);
}

#if defined(BIQUAD_SIMD)

/*
 * Four lanes, {A.L, A.R, B.L, B.R}: the few operations the kernels need,
 * for NEON and for SSE2. A "pair" value uses only lanes 0 and 1.
 */
#if defined(__ARM_NEON)
typedef float32x4_t v4;

static inline v4 v4_add(v4 a, v4 b)
{
	return vaddq_f32(a, b);
}

static inline v4 v4_sub(v4 a, v4 b)
{
	return vsubq_f32(a, b);
}

static inline v4 v4_mul(v4 a, v4 b)
{
	return vmulq_f32(a, b);
}

static inline v4 v4_dup(float a)
{
	return vdupq_n_f32(a);
}

/* {a, a, b, b} */
static inline v4 v4_pair(float a, float b)
{
	return vcombine_f32(vdup_n_f32(a), vdup_n_f32(b));
}

/* {p[0], p[1], 0, 0} */
static inline v4 v4_load2(const float *p)
{
	return vcombine_f32(vld1_f32(p), vdup_n_f32(0.0f));
}

/* p[0..1] = lanes 0, 1 */
static inline void v4_store2(float *p, v4 x)
{
	vst1_f32(p, vget_low_f32(x));
}

/* {lo0, lo1, hi0, hi1} */
static inline v4 v4_join(v4 lo, v4 hi)
{
	return vcombine_f32(vget_low_f32(lo), vget_low_f32(hi));
}

/* {x2, x3, x2, x3} */
static inline v4 v4_high(v4 x)
{
	return vcombine_f32(vget_high_f32(x), vget_high_f32(x));
}

/* {now0, now1, was2, was3} */
static inline v4 v4_keep_lo(v4 now, v4 was)
{
	return vcombine_f32(vget_low_f32(now), vget_high_f32(was));
}

/* {was0, was1, now2, now3} */
static inline v4 v4_keep_hi(v4 now, v4 was)
{
	return vcombine_f32(vget_low_f32(was), vget_high_f32(now));
}

#else /* SSE2 */
typedef __m128 v4;

static inline v4 v4_add(v4 a, v4 b)
{
	return _mm_add_ps(a, b);
}

static inline v4 v4_sub(v4 a, v4 b)
{
	return _mm_sub_ps(a, b);
}

static inline v4 v4_mul(v4 a, v4 b)
{
	return _mm_mul_ps(a, b);
}

static inline v4 v4_dup(float a)
{
	return _mm_set1_ps(a);
}

static inline v4 v4_pair(float a, float b)
{
	return _mm_set_ps(b, b, a, a);
}

static inline v4 v4_load2(const float *p)
{
	return _mm_loadl_pi(_mm_setzero_ps(), (const __m64 *)p);
}

static inline void v4_store2(float *p, v4 x)
{
	_mm_storel_pi((__m64 *)p, x);
}

static inline v4 v4_join(v4 lo, v4 hi)
{
	return _mm_movelh_ps(lo, hi);
}

static inline v4 v4_high(v4 x)
{
	return _mm_movehl_ps(x, x);
}

static inline v4 v4_keep_lo(v4 now, v4 was)
{
	return _mm_shuffle_ps(now, was, _MM_SHUFFLE(3, 2, 1, 0));
}

static inline v4 v4_keep_hi(v4 now, v4 was)
{
	return _mm_shuffle_ps(was, now, _MM_SHUFFLE(3, 2, 1, 0));
}
#endif

/*
 * Two stages at once: lanes {A.L, A.R, B.L, B.R}. Stage B runs one frame
 * behind A, taking A's previous output as its input, so the two
 * recursions are independent within a step. The first frame (A alone)
 * and the last (B alone) use the same step with the idle half's state put
 * back afterwards. A single stage uses lanes 0 and 1 only.
 */
struct bq4 {
	v4 b0, b1, b2, a1, a2, z1, z2;
};

static inline v4 bq4_step(struct bq4 *v, v4 x)
{
	v4 y, p, q;

	p = v4_mul(v->b0, x);
	y = v4_add(p, v->z1);
	p = v4_mul(v->b1, x);
	q = v4_mul(v->a1, y);
	p = v4_sub(p, q);
	v->z1 = v4_add(p, v->z2);
	p = v4_mul(v->b2, x);
	q = v4_mul(v->a2, y);
	v->z2 = v4_sub(p, q);
	return y;
}

static void bq_pair(const struct biquad_coef *ca, const struct biquad_coef *cb,
                    struct biquad_state *sa, struct biquad_state *sb, float *io, int frames)
{
	struct bq4 v;
	v4 z1, z2, y;
	int i;

	v.b0 = v4_pair(ca->b0, cb->b0);
	v.b1 = v4_pair(ca->b1, cb->b1);
	v.b2 = v4_pair(ca->b2, cb->b2);
	v.a1 = v4_pair(ca->a1, cb->a1);
	v.a2 = v4_pair(ca->a2, cb->a2);
	v.z1 = v4_join(v4_load2(sa->z1), v4_load2(sb->z1));
	v.z2 = v4_join(v4_load2(sa->z2), v4_load2(sb->z2));

	z1 = v.z1;
	z2 = v.z2;
	y = bq4_step(&v, v4_load2(io));
	v.z1 = v4_keep_lo(v.z1, z1);
	v.z2 = v4_keep_lo(v.z2, z2);

	for (i = 1; i < frames; i++) {
		y = bq4_step(&v, v4_join(v4_load2(io + 2 * i), y));
		v4_store2(io + 2 * (i - 1), v4_high(y));
	}

	z1 = v.z1;
	z2 = v.z2;
	y = bq4_step(&v, v4_join(v4_dup(0.0f), y));
	v.z1 = v4_keep_hi(v.z1, z1);
	v.z2 = v4_keep_hi(v.z2, z2);
	v4_store2(io + 2 * (frames - 1), v4_high(y));

	v4_store2(sa->z1, v.z1);
	v4_store2(sb->z1, v4_high(v.z1));
	v4_store2(sa->z2, v.z2);
	v4_store2(sb->z2, v4_high(v.z2));
}

static void bq_single(const struct biquad_coef *c, struct biquad_state *s, float *io, int frames)
{
	struct bq4 v;
	int i;

	v.b0 = v4_dup(c->b0);
	v.b1 = v4_dup(c->b1);
	v.b2 = v4_dup(c->b2);
	v.a1 = v4_dup(c->a1);
	v.a2 = v4_dup(c->a2);
	v.z1 = v4_load2(s->z1);
	v.z2 = v4_load2(s->z2);
	for (i = 0; i < frames; i++)
		v4_store2(io + 2 * i, bq4_step(&v, v4_load2(io + 2 * i)));
	v4_store2(s->z1, v.z1);
	v4_store2(s->z2, v.z2);
}

void biquad_cascade(const struct biquad_coef *c, struct biquad_state *s, int stages, float *io,
                    int frames)
{
	int k = 0;

	if (frames <= 0)
		return;
	for (; k + 2 <= stages; k += 2)
		bq_pair(&c[k], &c[k + 1], &s[k], &s[k + 1], io, frames);
	if (k < stages)
		bq_single(&c[k], &s[k], io, frames);
	tame_biquad(s, stages);
}

struct svf4 {
	v4 a1, a2, a3, m0, m1, m2, ic1, ic2;
};

static inline v4 svf4_step(struct svf4 *v, v4 x)
{
	v4 v1, v2, v3, p, y;

	v3 = v4_sub(x, v->ic2);
	v1 = v4_mul(v->a1, v->ic1);
	p = v4_mul(v->a2, v3);
	v1 = v4_add(v1, p);
	p = v4_mul(v->a2, v->ic1);
	v2 = v4_add(v->ic2, p);
	p = v4_mul(v->a3, v3);
	v2 = v4_add(v2, p);
	p = v4_add(v1, v1);
	v->ic1 = v4_sub(p, v->ic1);
	p = v4_add(v2, v2);
	v->ic2 = v4_sub(p, v->ic2);
	y = v4_mul(v->m0, x);
	p = v4_mul(v->m1, v1);
	y = v4_add(y, p);
	p = v4_mul(v->m2, v2);
	return v4_add(y, p);
}

static void svf_pair(const struct svf_coef *ca, const struct svf_coef *cb, struct svf_state *sa,
                     struct svf_state *sb, float *io, int frames)
{
	struct svf4 v;
	v4 ic1, ic2, y;
	int i;

	v.a1 = v4_pair(ca->a1, cb->a1);
	v.a2 = v4_pair(ca->a2, cb->a2);
	v.a3 = v4_pair(ca->a3, cb->a3);
	v.m0 = v4_pair(ca->m0, cb->m0);
	v.m1 = v4_pair(ca->m1, cb->m1);
	v.m2 = v4_pair(ca->m2, cb->m2);
	v.ic1 = v4_join(v4_load2(sa->ic1), v4_load2(sb->ic1));
	v.ic2 = v4_join(v4_load2(sa->ic2), v4_load2(sb->ic2));

	ic1 = v.ic1;
	ic2 = v.ic2;
	y = svf4_step(&v, v4_load2(io));
	v.ic1 = v4_keep_lo(v.ic1, ic1);
	v.ic2 = v4_keep_lo(v.ic2, ic2);

	for (i = 1; i < frames; i++) {
		y = svf4_step(&v, v4_join(v4_load2(io + 2 * i), y));
		v4_store2(io + 2 * (i - 1), v4_high(y));
	}

	ic1 = v.ic1;
	ic2 = v.ic2;
	y = svf4_step(&v, v4_join(v4_dup(0.0f), y));
	v.ic1 = v4_keep_hi(v.ic1, ic1);
	v.ic2 = v4_keep_hi(v.ic2, ic2);
	v4_store2(io + 2 * (frames - 1), v4_high(y));

	v4_store2(sa->ic1, v.ic1);
	v4_store2(sb->ic1, v4_high(v.ic1));
	v4_store2(sa->ic2, v.ic2);
	v4_store2(sb->ic2, v4_high(v.ic2));
}

static inline void svf4_load(struct svf4 *v, const struct svf_coef *k)
{
	v->a1 = v4_dup(k->a1);
	v->a2 = v4_dup(k->a2);
	v->a3 = v4_dup(k->a3);
	v->m0 = v4_dup(k->m0);
	v->m1 = v4_dup(k->m1);
	v->m2 = v4_dup(k->m2);
}

/* One section in lanes 0 and 1; each frame's coefficients from c[i] if each, else c[0]. */
static void svf_single(const struct svf_coef *c, int each, struct svf_state *s, float *io,
                       int frames)
{
	struct svf4 v;
	int i;

	svf4_load(&v, c);
	v.ic1 = v4_load2(s->ic1);
	v.ic2 = v4_load2(s->ic2);
	for (i = 0; i < frames; i++) {
		if (each)
			svf4_load(&v, &c[i]);
		v4_store2(io + 2 * i, svf4_step(&v, v4_load2(io + 2 * i)));
	}
	v4_store2(s->ic1, v.ic1);
	v4_store2(s->ic2, v.ic2);
}

void svf_cascade(const struct svf_coef *c, struct svf_state *s, int stages, float *io, int frames)
{
	int k = 0;

	if (frames <= 0)
		return;
	for (; k + 2 <= stages; k += 2)
		svf_pair(&c[k], &c[k + 1], &s[k], &s[k + 1], io, frames);
	if (k < stages)
		svf_single(&c[k], 0, &s[k], io, frames);
	tame_svf(s, stages);
}

void svf_run_varying(const struct svf_coef *c, struct svf_state *s, float *io, int frames)
{
	if (frames <= 0)
		return;
	svf_single(c, 1, s, io, frames);
	tame_svf(s, 1);
}

const char *biquad_simd(void)
{
	return BIQUAD_SIMD;
}

#else /* neither: the references are the kernels */

void biquad_cascade(const struct biquad_coef *c, struct biquad_state *s, int stages, float *io,
                    int frames)
{
	biquad_cascade_scalar(c, s, stages, io, frames);
}

void svf_cascade(const struct svf_coef *c, struct svf_state *s, int stages, float *io, int frames)
{
	svf_cascade_scalar(c, s, stages, io, frames);
}

void svf_run_varying(const struct svf_coef *c, struct svf_state *s, float *io, int frames)
{
	svf_run_varying_scalar(c, s, io, frames);
}

const char *biquad_simd(void)
{
	return NULL;
}

#endif
