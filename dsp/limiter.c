/*
 * limiter.c: look-ahead peak limiter: peak scan, gain computer, apply.
 */
#include "limiter.h"

#include <float.h>
#include <math.h>
#include <string.h>

#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

/*
 * The gain computer aims this far below the ceiling (1e-5, a ten
 * thousandth of a dB): more than the few float roundings between its
 * arithmetic and the sample, so the final clamp never has work to do.
 */
#define MARGIN (1.0f - 1e-5f)

static void box_init(float *box, int len, double *sum)
{
	int i;

	for (i = 0; i < len; i++)
		box[i] = 1.0f;
	*sum = len;
}

void limiter_init(struct limiter *l, int rate, float lookahead_ms, float ceiling_db,
                  float release_ms)
{
	double look;

	memset(l, 0, sizeof *l);
	if (rate <= 0)
		rate = 48000;
	look = lookahead_ms * 1e-3 * rate;
	if (!(look >= 1))
		look = 1;
	l->look = look >= LIMITER_MAX_LOOKAHEAD ? LIMITER_MAX_LOOKAHEAD : (int)lrint(look);
	if (!(ceiling_db <= 0.0f))
		ceiling_db = ceiling_db > 0.0f ? 0.0f : LIMITER_CEILING_DB;
	l->ceiling = (float)pow(10.0, ceiling_db / 20.0);
	l->thr = l->ceiling * MARGIN;
	if (!(release_ms >= 1.0f))
		release_ms = 1.0f;
	l->rel = (float)(1.0 - exp(-1000.0 / (release_ms * rate)));
	l->env = 1.0f;
	/* spans len1 + len2 - 1 = L + 1 */
	l->len1 = (l->look + 2) / 2;
	l->len2 = l->look + 2 - l->len1;
	box_init(l->box1, l->len1, &l->sum1);
	box_init(l->box2, l->len2, &l->sum2);
}

/*
 * Pass 1, scalar: the block into the delay line (non-finite samples as
 * silence) and each frame's louder channel.
 */
static void scan_scalar(const float *in, float *dst, float *peak, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		float l = in[2 * i], r = in[2 * i + 1], al = fabsf(l), ar = fabsf(r);

		if (!(al <= FLT_MAX)) {
			l = 0.0f;
			al = 0.0f;
		}
		if (!(ar <= FLT_MAX)) {
			r = 0.0f;
			ar = 0.0f;
		}
		dst[2 * i] = l;
		dst[2 * i + 1] = r;
		peak[i] = al > ar ? al : ar;
	}
}

/* Pass 3, scalar: delayed samples times their gains, the guard clamp. */
static unsigned long apply_scalar(const float *src, const float *gain, float *out, int n, float c)
{
	unsigned long over = 0;
	int i, ch;

	for (i = 0; i < n; i++) {
		for (ch = 0; ch < 2; ch++) {
			float y = src[2 * i + ch] * gain[i];

			if (fabsf(y) > c) {
				over++;
				y = y > c ? c : -c;
			}
			out[2 * i + ch] = y;
		}
	}
	return over;
}

#if defined(__ARM_NEON)

static void scan_neon(const float *in, float *dst, float *peak, int n)
{
	const float32x4_t big = vdupq_n_f32(FLT_MAX), zero = vdupq_n_f32(0.0f);
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		float32x4_t x0 = vld1q_f32(in + 2 * i), x1 = vld1q_f32(in + 2 * i + 4);
		float32x4_t a0 = vabsq_f32(x0), a1 = vabsq_f32(x1);
		uint32x4_t ok0 = vcleq_f32(a0, big), ok1 = vcleq_f32(a1, big);

		vst1q_f32(dst + 2 * i, vbslq_f32(ok0, x0, zero));
		vst1q_f32(dst + 2 * i + 4, vbslq_f32(ok1, x1, zero));
		/* pairwise max: {max(L0,R0), max(L1,R1), max(L2,R2), max(L3,R3)} */
		vst1q_f32(peak + i, vpmaxq_f32(vbslq_f32(ok0, a0, zero), vbslq_f32(ok1, a1, zero)));
	}
	scan_scalar(in + 2 * i, dst + 2 * i, peak + i, n - i);
}

static unsigned long apply_neon(const float *src, const float *gain, float *out, int n, float c)
{
	const float32x4_t hi = vdupq_n_f32(c), lo = vdupq_n_f32(-c);
	uint32x4_t over = vdupq_n_u32(0);
	int i = 0;

	for (; i + 2 <= n; i += 2) {
		float32x2_t g2 = vld1_f32(gain + i);
		float32x4_t g = vcombine_f32(vdup_lane_f32(g2, 0), vdup_lane_f32(g2, 1));
		float32x4_t y = vmulq_f32(vld1q_f32(src + 2 * i), g);

		over = vsubq_u32(over, vcagtq_f32(y, hi)); /* a true lane is all ones: -1 */
		vst1q_f32(out + 2 * i, vminq_f32(vmaxq_f32(y, lo), hi));
	}
	return vaddvq_u32(over) + apply_scalar(src + 2 * i, gain + i, out + 2 * i, n - i, c);
}

int limiter_has_neon(void)
{
	return 1;
}

#else

int limiter_has_neon(void)
{
	return 0;
}

#endif

/*
 * Push a frame's peak; return the largest of the last L + 1. The deque
 * holds, oldest first, the frames no later frame outshines; the front
 * leaves once it is more than L frames old.
 */
static float window_max(struct limiter *l, float p)
{
	const int cap = LIMITER_MAX_LOOKAHEAD + 1;
	int back;

	while (l->dq_len > 0 && l->now - l->dq_at[l->dq_head] > (unsigned)l->look) {
		if (++l->dq_head == cap)
			l->dq_head = 0;
		l->dq_len--;
	}
	back = l->dq_head + l->dq_len; /* one past the back, unwrapped */
	while (l->dq_len > 0) {
		int b = back - 1 >= cap ? back - 1 - cap : back - 1;

		if (l->dq_val[b] > p)
			break;
		l->dq_len--;
		back--;
	}
	if (back >= cap)
		back -= cap;
	l->dq_val[back] = p;
	l->dq_at[back] = l->now;
	l->dq_len++;
	l->now++;
	return l->dq_val[l->dq_head];
}

/* A moving average of len values; the sum is recomputed at each wrap so it never drifts. */
static float box_push(float *box, int len, int *pos, double *sum, float v)
{
	*sum += (double)v - box[*pos];
	box[*pos] = v;
	if (++*pos == len) {
		int i;

		*pos = 0;
		*sum = 0;
		for (i = 0; i < len; i++)
			*sum += box[i];
	}
	return (float)(*sum / len);
}

/* Pass 2: each frame's gain, from the peaks of the frames entering. */
static float gains(struct limiter *l, const float *peak, float *gain, int n)
{
	float least = 1.0f;
	int i;

	for (i = 0; i < n; i++) {
		float m = window_max(l, peak[i]);
		float h = m > l->thr ? l->thr / m : 1.0f, g;

		if (h < l->env) {
			l->env = h;
		} else {
			float d = (h - l->env) * l->rel;

			l->env = l->env + d;
			if (l->env > h)
				l->env = h;
		}
		g = box_push(l->box1, l->len1, &l->pos1, &l->sum1, l->env);
		g = box_push(l->box2, l->len2, &l->pos2, &l->sum2, g);
		gain[i] = g;
		if (g < least)
			least = g;
	}
	return least;
}

static void process(struct limiter *l, float *io, int frames, int neon)
{
	const size_t keep = 2 * (size_t)l->look;
	float least = 1.0f;

	while (frames > 0) {
		int n = frames < LIMITER_BLOCK ? frames : LIMITER_BLOCK;
		float g;

#if defined(__ARM_NEON)
		if (neon)
			scan_neon(io, l->delay + keep, l->peak, n);
		else
#endif
			scan_scalar(io, l->delay + keep, l->peak, n);
		g = gains(l, l->peak, l->gain, n);
		if (g < least)
			least = g;
#if defined(__ARM_NEON)
		if (neon)
			l->clamped += apply_neon(l->delay, l->gain, io, n, l->ceiling);
		else
#endif
			l->clamped += apply_scalar(l->delay, l->gain, io, n, l->ceiling);
		memmove(l->delay, l->delay + 2 * n, keep * sizeof(float));
		io += 2 * n;
		frames -= n;
	}
	(void)neon;
	l->reduction_db =
	    least < 1.0f ? (float)(-20.0 * log10(least > 1e-30f ? least : 1e-30f)) : 0.0f;
}

void limiter_process(struct limiter *l, float *io, int frames)
{
	process(l, io, frames, 1);
}

void limiter_process_scalar(struct limiter *l, float *io, int frames)
{
	process(l, io, frames, 0);
}

float limiter_reduction_db(const struct limiter *l)
{
	return l->reduction_db;
}

int limiter_latency(const struct limiter *l)
{
	return l->look;
}

unsigned long limiter_clamped(const struct limiter *l)
{
	return l->clamped;
}
