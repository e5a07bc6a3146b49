/*
 * convert.c: float to S16_LE (dithered), S24_3LE and S32_LE.
 *
 * Why the results match between paths: every scale factor is a power of
 * two, so x * scale is exact and a fused multiply-add could not change a
 * bit either; rounding is round-to-nearest-even (lrintf in the default FP
 * environment, FCVTNS in NEON); the dither values are integers over 65536,
 * exact in float; the clamps happen at integer values.
 */
#include "convert.h"

#include <math.h>

#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#define S16_SCALE 32768.0f
#define S24_SCALE 8388608.0f
#define S32_SCALE 2147483648.0f
#define DITHER_UNIT (1.0f / 65536.0f)

int convert_sample_bytes(enum sample_format f)
{
	switch (f) {
	case FMT_S16_LE:
		return 2;
	case FMT_S24_3LE:
		return 3;
	case FMT_S32_LE:
		return 4;
	}
	return 0;
}

const char *convert_format_name(enum sample_format f)
{
	switch (f) {
	case FMT_S16_LE:
		return "S16_LE";
	case FMT_S24_3LE:
		return "S24_3LE";
	case FMT_S32_LE:
		return "S32_LE";
	}
	return "?";
}

/* A small integer hash (splitmix-like), to spread one seed over the lanes. */
static uint32_t mix32(uint32_t x)
{
	x += 0x9e3779b9u;
	x = (x ^ (x >> 16)) * 0x85ebca6bu;
	x = (x ^ (x >> 13)) * 0xc2b2ae35u;
	return x ^ (x >> 16);
}

void dither_init(struct dither *d, uint32_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint32_t s = mix32(seed + 0x632be5abu * (uint32_t)(i + 1));
		/* xorshift's one forbidden state */
		d->lane[i] = s ? s : 0x2545f491u + (uint32_t)i;
	}
}

static uint32_t xorshift32(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/*
 * Step all four lanes; each output's two 16-bit halves are the two
 * uniforms, and their difference over 65536 is the triangular dither in
 * (-1, 1) LSB. Over a lane's period every (hi, lo) pair but (0, 0) occurs
 * once, so the distribution is exactly triangular and its mean exactly 0.
 */
static void dither_step(struct dither *d, float out[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		uint32_t x = xorshift32(d->lane[i]);
		d->lane[i] = x;
		out[i] = (float)((int32_t)(x >> 16) - (int32_t)(x & 0xffff)) * DITHER_UNIT;
	}
}

/* v already scaled; the clamp happens at integers, so rounding stays inside. */
static int32_t round_clamp(float v, float lo, float hi)
{
	if (v != v)
		return 0; /* NaN, as FCVTNS gives */
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return (int32_t)lrintf(v);
}

void convert_f32_to_s16_scalar(int16_t *out, const float *in, size_t n, struct dither *d)
{
	float dv[4] = {0.0f, 0.0f, 0.0f, 0.0f};
	size_t i;

	for (i = 0; i < n; i++) {
		if (d && (i & 3) == 0)
			dither_step(d, dv);
		out[i] = (int16_t)round_clamp(in[i] * S16_SCALE + dv[i & 3], -32768.0f, 32767.0f);
	}
}

static void put_s24(uint8_t *out, int32_t v)
{
	uint32_t u = (uint32_t)v;

	out[0] = (uint8_t)u;
	out[1] = (uint8_t)(u >> 8);
	out[2] = (uint8_t)(u >> 16);
}

void convert_f32_to_s24_3le_scalar(uint8_t *out, const float *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put_s24(out + 3 * i, round_clamp(in[i] * S24_SCALE, -8388608.0f, 8388607.0f));
}

/* 2^31 is not an int32 and INT32_MAX is not a float: saturate by hand. */
static int32_t s32_of(float x)
{
	float v = x * S32_SCALE;

	if (v != v)
		return 0;
	if (v >= S32_SCALE)
		return INT32_MAX;
	if (v <= -S32_SCALE)
		return INT32_MIN;
	return (int32_t)lrintf(v);
}

void convert_f32_to_s32_scalar(int32_t *out, const float *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = s32_of(in[i]);
}

#if defined(__ARM_NEON)

static inline uint32x4_t xorshift32x4(uint32x4_t x)
{
	x = veorq_u32(x, vshlq_n_u32(x, 13));
	x = veorq_u32(x, vshrq_n_u32(x, 17));
	x = veorq_u32(x, vshlq_n_u32(x, 5));
	return x;
}

static inline float32x4_t dither_of(uint32x4_t x)
{
	int32x4_t hi = vreinterpretq_s32_u32(vshrq_n_u32(x, 16));
	int32x4_t lo = vreinterpretq_s32_u32(vandq_u32(x, vdupq_n_u32(0xffff)));

	return vmulq_n_f32(vcvtq_f32_s32(vsubq_s32(hi, lo)), DITHER_UNIT);
}

/*
 * FCVTNS rounds to nearest even and saturates to int32 (NaN -> 0); SQXTN
 * then saturates to int16: the scalar clamp, in two instructions.
 */
void convert_f32_to_s16(int16_t *out, const float *in, size_t n, struct dither *d)
{
	const float32x4_t scale = vdupq_n_f32(S16_SCALE);
	size_t i = 0;

	if (d) {
		uint32x4_t state = vld1q_u32(d->lane);

		for (; i + 8 <= n; i += 8) {
			float32x4_t a, b;

			state = xorshift32x4(state);
			a = vaddq_f32(vmulq_f32(vld1q_f32(in + i), scale), dither_of(state));
			state = xorshift32x4(state);
			b = vaddq_f32(vmulq_f32(vld1q_f32(in + i + 4), scale), dither_of(state));
			vst1q_s16(out + i, vcombine_s16(vqmovn_s32(vcvtnq_s32_f32(a)),
			                                vqmovn_s32(vcvtnq_s32_f32(b))));
		}
		for (; i + 4 <= n; i += 4) {
			float32x4_t a;

			state = xorshift32x4(state);
			a = vaddq_f32(vmulq_f32(vld1q_f32(in + i), scale), dither_of(state));
			vst1_s16(out + i, vqmovn_s32(vcvtnq_s32_f32(a)));
		}
		vst1q_u32(d->lane, state);
	} else {
		for (; i + 8 <= n; i += 8) {
			int32x4_t a = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(in + i), scale));
			int32x4_t b = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(in + i + 4), scale));

			vst1q_s16(out + i, vcombine_s16(vqmovn_s32(a), vqmovn_s32(b)));
		}
	}
	/* The tail starts on a group boundary, so the lanes stay in step. */
	if (i < n)
		convert_f32_to_s16_scalar(out + i, in + i, n - i, d);
}

static inline int32x4_t s24_of(float32x4_t x)
{
	int32x4_t v = vcvtnq_s32_f32(vmulq_n_f32(x, S24_SCALE));

	return vminq_s32(vmaxq_s32(v, vdupq_n_s32(-8388608)), vdupq_n_s32(8388607));
}

/*
 * Sixteen samples are 64 bytes as int32 and 48 packed: three table
 * lookups, each over two neighbouring registers, drop every fourth byte.
 */
void convert_f32_to_s24_3le(uint8_t *out, const float *in, size_t n)
{
	static const uint8_t pick0[16] = {0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20};
	static const uint8_t pick1[16] = {5,  6,  8,  9,  10, 12, 13, 14,
	                                  16, 17, 18, 20, 21, 22, 24, 25};
	static const uint8_t pick2[16] = {10, 12, 13, 14, 16, 17, 18, 20,
	                                  21, 22, 24, 25, 26, 28, 29, 30};
	const uint8x16_t t0 = vld1q_u8(pick0), t1 = vld1q_u8(pick1), t2 = vld1q_u8(pick2);
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		uint8x16_t r0 = vreinterpretq_u8_s32(s24_of(vld1q_f32(in + i)));
		uint8x16_t r1 = vreinterpretq_u8_s32(s24_of(vld1q_f32(in + i + 4)));
		uint8x16_t r2 = vreinterpretq_u8_s32(s24_of(vld1q_f32(in + i + 8)));
		uint8x16_t r3 = vreinterpretq_u8_s32(s24_of(vld1q_f32(in + i + 12)));
		uint8x16x2_t p0 = {{r0, r1}}, p1 = {{r1, r2}}, p2 = {{r2, r3}};
		uint8_t *o = out + 3 * i;

		vst1q_u8(o, vqtbl2q_u8(p0, t0));
		vst1q_u8(o + 16, vqtbl2q_u8(p1, t1));
		vst1q_u8(o + 32, vqtbl2q_u8(p2, t2));
	}
	if (i < n)
		convert_f32_to_s24_3le_scalar(out + 3 * i, in + i, n - i);
}

/* FCVTNS's saturation is exactly the clamp to [INT32_MIN, INT32_MAX]. */
void convert_f32_to_s32(int32_t *out, const float *in, size_t n)
{
	const float32x4_t scale = vdupq_n_f32(S32_SCALE);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		vst1q_s32(out + i, vcvtnq_s32_f32(vmulq_f32(vld1q_f32(in + i), scale)));
		vst1q_s32(out + i + 4, vcvtnq_s32_f32(vmulq_f32(vld1q_f32(in + i + 4), scale)));
	}
	if (i < n)
		convert_f32_to_s32_scalar(out + i, in + i, n - i);
}

int convert_has_neon(void)
{
	return 1;
}

#else /* no NEON: the references are the kernels */

void convert_f32_to_s16(int16_t *out, const float *in, size_t n, struct dither *d)
{
	convert_f32_to_s16_scalar(out, in, n, d);
}

void convert_f32_to_s24_3le(uint8_t *out, const float *in, size_t n)
{
	convert_f32_to_s24_3le_scalar(out, in, n);
}

void convert_f32_to_s32(int32_t *out, const float *in, size_t n)
{
	convert_f32_to_s32_scalar(out, in, n);
}

int convert_has_neon(void)
{
	return 0;
}

#endif

size_t convert_f32(void *out, enum sample_format f, const float *in, size_t n, struct dither *d)
{
	switch (f) {
	case FMT_S16_LE:
		convert_f32_to_s16(out, in, n, d);
		return 2 * n;
	case FMT_S24_3LE:
		convert_f32_to_s24_3le(out, in, n);
		return 3 * n;
	case FMT_S32_LE:
		convert_f32_to_s32(out, in, n);
		return 4 * n;
	}
	return 0;
}
