/*
 * mix.c: ramped gains, scalar and NEON, and the crossfader's curves.
 *
 * Why the paths agree to the bit: a frame's gain is base + i * step in
 * both, with i an exact integer in float (frames stay far below 2^24), one
 * rounded multiply and one rounded add; the sample is then one multiply
 * (and one add). NEON does the same operations lane by lane, two frames to
 * a register.
 */
#include "mix.h"

#include <math.h>

#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

/* The ramp as a start and a per-frame step: one frame gets g1. */
static void ramp_of(int frames, float g0, float g1, float *base, float *step)
{
	if (frames > 1) {
		*base = g0;
		*step = (g1 - g0) / (float)(frames - 1);
	} else {
		*base = g1;
		*step = 0.0f;
	}
}

static float gain_at(float base, float step, int i)
{
	float t = (float)i * step;

	return base + t;
}

void mix_gain_add_scalar(float *dst, const float *src, int frames, float g0, float g1)
{
	float base, step;
	int i;

	if (frames <= 0 || (g0 == 0.0f && g1 == 0.0f))
		return;
	ramp_of(frames, g0, g1, &base, &step);
	for (i = 0; i < frames; i++) {
		float g = g0 == g1 ? g0 : gain_at(base, step, i);
		float l = src[2 * i] * g, r = src[2 * i + 1] * g;

		dst[2 * i] = dst[2 * i] + l;
		dst[2 * i + 1] = dst[2 * i + 1] + r;
	}
}

void mix_gain_scalar(float *io, int frames, float g0, float g1)
{
	if (g0 != 1.0f || g1 != 1.0f)
		mix_gain_set_scalar(io, io, frames, g0, g1); /* in place: each frame read, then written */
}

void mix_gain_set_scalar(float *dst, const float *src, int frames, float g0, float g1)
{
	float base, step;
	int i;

	if (frames <= 0)
		return;
	ramp_of(frames, g0, g1, &base, &step);
	for (i = 0; i < frames; i++) {
		float g = g0 == g1 ? g0 : gain_at(base, step, i);

		dst[2 * i] = src[2 * i] * g;
		dst[2 * i + 1] = src[2 * i + 1] * g;
	}
}

#if defined(__ARM_NEON)

/*
 * Two frames per register: lanes {i, i, i + 1, i + 1} as float, so the
 * gain vector is base + idx * step, the scalar's expression per lane.
 */
static inline float32x4_t frame_index(int i)
{
	const float32x4_t pair = {0.0f, 0.0f, 1.0f, 1.0f};

	return vaddq_f32(vdupq_n_f32((float)i), pair);
}

void mix_gain_add(float *dst, const float *src, int frames, float g0, float g1)
{
	float base, step;
	int i = 0;

	if (frames <= 0 || (g0 == 0.0f && g1 == 0.0f))
		return;
	if (g0 == g1) {
		for (; i + 4 <= frames; i += 4) {
			float32x4_t a = vld1q_f32(dst + 2 * i), b = vld1q_f32(dst + 2 * i + 4);

			a = vaddq_f32(a, vmulq_n_f32(vld1q_f32(src + 2 * i), g0));
			b = vaddq_f32(b, vmulq_n_f32(vld1q_f32(src + 2 * i + 4), g0));
			vst1q_f32(dst + 2 * i, a);
			vst1q_f32(dst + 2 * i + 4, b);
		}
	} else {
		float32x4_t idx = frame_index(0), vbase, vstep;
		const float32x4_t two = vdupq_n_f32(2.0f), four = vdupq_n_f32(4.0f);

		ramp_of(frames, g0, g1, &base, &step);
		vbase = vdupq_n_f32(base);
		vstep = vdupq_n_f32(step);
		for (; i + 4 <= frames; i += 4) {
			float32x4_t ga = vaddq_f32(vbase, vmulq_f32(idx, vstep));
			float32x4_t gb = vaddq_f32(vbase, vmulq_f32(vaddq_f32(idx, two), vstep));
			float32x4_t a = vld1q_f32(dst + 2 * i), b = vld1q_f32(dst + 2 * i + 4);

			a = vaddq_f32(a, vmulq_f32(vld1q_f32(src + 2 * i), ga));
			b = vaddq_f32(b, vmulq_f32(vld1q_f32(src + 2 * i + 4), gb));
			vst1q_f32(dst + 2 * i, a);
			vst1q_f32(dst + 2 * i + 4, b);
			idx = vaddq_f32(idx, four);
		}
	}
	/* The last frames, with the scalar's per-frame expression. */
	ramp_of(frames, g0, g1, &base, &step);
	for (; i < frames; i++) {
		float g = g0 == g1 ? g0 : gain_at(base, step, i);
		float l = src[2 * i] * g, r = src[2 * i + 1] * g;

		dst[2 * i] = dst[2 * i] + l;
		dst[2 * i + 1] = dst[2 * i + 1] + r;
	}
}

void mix_gain(float *io, int frames, float g0, float g1)
{
	if (g0 != 1.0f || g1 != 1.0f)
		mix_gain_set(io, io, frames, g0, g1); /* in place: each frame read, then written */
}

void mix_gain_set(float *dst, const float *src, int frames, float g0, float g1)
{
	float base, step;
	int i = 0;

	if (frames <= 0)
		return;
	ramp_of(frames, g0, g1, &base, &step);
	if (g0 == g1) {
		for (; i + 4 <= frames; i += 4) {
			vst1q_f32(dst + 2 * i, vmulq_n_f32(vld1q_f32(src + 2 * i), g0));
			vst1q_f32(dst + 2 * i + 4, vmulq_n_f32(vld1q_f32(src + 2 * i + 4), g0));
		}
	} else {
		float32x4_t idx = frame_index(0);
		const float32x4_t vbase = vdupq_n_f32(base), vstep = vdupq_n_f32(step);
		const float32x4_t two = vdupq_n_f32(2.0f), four = vdupq_n_f32(4.0f);

		for (; i + 4 <= frames; i += 4) {
			float32x4_t ga = vaddq_f32(vbase, vmulq_f32(idx, vstep));
			float32x4_t gb = vaddq_f32(vbase, vmulq_f32(vaddq_f32(idx, two), vstep));

			vst1q_f32(dst + 2 * i, vmulq_f32(vld1q_f32(src + 2 * i), ga));
			vst1q_f32(dst + 2 * i + 4, vmulq_f32(vld1q_f32(src + 2 * i + 4), gb));
			idx = vaddq_f32(idx, four);
		}
	}
	for (; i < frames; i++) {
		float g = g0 == g1 ? g0 : gain_at(base, step, i);

		dst[2 * i] = src[2 * i] * g;
		dst[2 * i + 1] = src[2 * i + 1] * g;
	}
}

int mix_has_neon(void)
{
	return 1;
}

#else /* no NEON: the references are the kernels */

void mix_gain_add(float *dst, const float *src, int frames, float g0, float g1)
{
	mix_gain_add_scalar(dst, src, frames, g0, g1);
}

void mix_gain(float *io, int frames, float g0, float g1)
{
	mix_gain_scalar(io, frames, g0, g1);
}

void mix_gain_set(float *dst, const float *src, int frames, float g0, float g1)
{
	mix_gain_set_scalar(dst, src, frames, g0, g1);
}

int mix_has_neon(void)
{
	return 0;
}

#endif

void xfader_gains(enum xfader_curve c, float x, float *ga, float *gb)
{
	double u; /* 0 = A only .. 1 = B only */

	if (!(x >= -1.0f))
		x = x != x ? 0.0f : -1.0f;
	if (x > 1.0f)
		x = 1.0f;
	u = (x + 1.0) * 0.5;
	switch (c) {
	case XF_CONSTANT_POWER:
		/* cos and sin of a quarter turn: a^2 + b^2 = 1 everywhere */
		*ga = u >= 1.0 ? 0.0f : (float)cos(u * M_PI_2);
		*gb = u <= 0.0 ? 0.0f : (float)sin(u * M_PI_2);
		return;
	case XF_CUT:
		/*
		 * Flat at full volume, then a quick linear fade in the last
		 * XF_CUT_WIDTH of the travel: fast enough for cuts and
		 * transforms, not a switch, so the fader itself cannot click.
		 */
		*ga = u >= 1.0 - XF_CUT_WIDTH ? (float)((1.0 - u) / XF_CUT_WIDTH) : 1.0f;
		*gb = u <= XF_CUT_WIDTH ? (float)(u / XF_CUT_WIDTH) : 1.0f;
		return;
	case XF_LINEAR:
	default:
		*ga = (float)(1.0 - u);
		*gb = (float)u;
		return;
	}
}
