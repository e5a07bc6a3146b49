/*
 * kernels.c: the row kernels under every primitive, plain C and NEON.
 *
 * The plain C kernels are the reference: each NEON kernel computes the
 * same integer formula (gfx_div255 rounding, X byte 0), so the two give
 * identical pixels, which tests/test_gfx_draw.c checks under qemu-aarch64.
 * The host build has SSE2 twins of the same kind (the host is where the
 * benchmark races pixman, which has its own SSE2 paths); the same test
 * checks them on the host.
 * The C ones blend red and blue together in one 32-bit word (two 16-bit
 * lanes that cannot carry into each other: 255 * 255 + 383 < 65536).
 *
 * Pre: destination pixels have X bytes of 0 (XRGB colours keep it so);
 * blends write 0 there, fill writes the colour as given.
 */
#include <string.h>

#include "internal.h"

#if defined(__ARM_NEON)
#include <arm_neon.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#define blend_px gfx_blend_px

/*
 * Four pixels as one GCC generic vector: 16-byte stores on the host (SSE2),
 * plain 32-bit stores in a build without SIMD. aligned(4): d need not be
 * 16-byte aligned.
 */
typedef uint32_t px4 __attribute__((vector_size(16), aligned(4)));

static void fill_scalar(uint32_t *d, int n, uint32_t c)
{
	px4 v = {c, c, c, c};
	int i = 0;

	for (; i + 4 <= n; i += 4)
		*(px4 *)(d + i) = v;
	for (; i < n; i++)
		d[i] = c;
}

static void blend_scalar(uint32_t *d, int n, uint32_t c, unsigned a)
{
	if (a == 0)
		return;
	if (a >= 255) {
		fill_scalar(d, n, c & 0xffffff);
		return;
	}
	for (int i = 0; i < n; i++)
		d[i] = blend_px(d[i], c, a);
}

static void blend_mask_scalar(uint32_t *d, const uint8_t *m, int n, uint32_t c, unsigned a)
{
	c &= 0xffffff;
	for (int i = 0; i < n; i++) {
		uint64_t run;

		/* Glyphs are mostly empty or solid: skip or store eight at a time. */
		if (i + 8 <= n) {
			memcpy(&run, m + i, 8);
			if (run == 0) {
				i += 7;
				continue;
			}
			if (run == ~(uint64_t)0 && a >= 255) {
				fill_scalar(d + i, 8, c);
				i += 7;
				continue;
			}
		}
		unsigned k = a >= 255 ? m[i] : gfx_div255(m[i] * a);

		if (k == 255)
			d[i] = c;
		else if (k)
			d[i] = blend_px(d[i], c, k);
	}
}

static void blit_scalar(uint32_t *d, const uint32_t *src, int n, unsigned a)
{
	for (int i = 0; i < n; i++) {
		uint32_t p = src[i];
		unsigned k = a >= 255 ? p >> 24 : gfx_div255((p >> 24) * a);

		if (k == 255)
			d[i] = p & 0xffffff;
		else if (k)
			d[i] = blend_px(d[i], p, k);
	}
}

static void wave_scalar(uint32_t *d, int n, const uint8_t *a0, const uint8_t *a1, const uint8_t *a2,
                        unsigned dist, const uint32_t table[8])
{
	for (int i = 0; i < n; i++)
		d[i] = table[(a0[i] > dist) | (a1[i] > dist) << 1 | (a2[i] > dist) << 2];
}

static void mask_scalar(uint32_t *d, ptrdiff_t ds, const uint8_t *m, ptrdiff_t ms, int w, int h,
                        uint32_t c, unsigned a)
{
	for (int y = 0; y < h; y++)
		blend_mask_scalar(d + y * ds, m + y * ms, w, c, a);
}

const struct gfx_kernels gfx_kernels_scalar = {
    .name = "scalar",
    .fill = fill_scalar,
    .blend = blend_scalar,
    .blend_mask = blend_mask_scalar,
    .mask = mask_scalar,
    .blit = blit_scalar,
    .wave = wave_scalar,
};

#if defined(__ARM_NEON)

/* div255 of eight 16-bit products, narrowed: (x + ((x + 128) >> 8) + 128) >> 8. */
static inline uint8x8_t div255_n(uint16x8_t x)
{
	return vraddhn_u16(x, vrshrq_n_u16(x, 8));
}

/* c (16 bytes) over d with per-byte alpha av; X bytes cleared. */
static inline uint8x16_t blend_v(uint8x16_t d, uint8x16_t c, uint8x16_t av)
{
	uint8x16_t ia = vmvnq_u8(av);
	uint16x8_t lo = vmull_u8(vget_low_u8(c), vget_low_u8(av));
	uint16x8_t hi = vmull_high_u8(c, av);
	uint8x16_t r;

	lo = vmlal_u8(lo, vget_low_u8(d), vget_low_u8(ia));
	hi = vmlal_high_u8(hi, d, ia);
	r = vcombine_u8(div255_n(lo), div255_n(hi));
	return vandq_u8(r, vreinterpretq_u8_u32(vdupq_n_u32(0xffffff)));
}

static void fill_neon(uint32_t *d, int n, uint32_t c)
{
	uint32x4_t v = vdupq_n_u32(c);
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		vst1q_u32(d + i, v);
		vst1q_u32(d + i + 4, v);
		vst1q_u32(d + i + 8, v);
		vst1q_u32(d + i + 12, v);
	}
	for (; i + 4 <= n; i += 4)
		vst1q_u32(d + i, v);
	for (; i < n; i++)
		d[i] = c;
}

static void blend_neon(uint32_t *d, int n, uint32_t c, unsigned a)
{
	uint8x16_t cv, ia;
	uint16x8_t ca;
	int i = 0;

	if (a == 0)
		return;
	if (a >= 255) {
		fill_neon(d, n, c & 0xffffff);
		return;
	}
	cv = vreinterpretq_u8_u32(vdupq_n_u32(c & 0xffffff));
	ca = vmull_u8(vget_low_u8(cv), vdup_n_u8((uint8_t)a));
	ia = vdupq_n_u8((uint8_t)(255 - a));
	for (; i + 4 <= n; i += 4) {
		uint8x16_t dv = vreinterpretq_u8_u32(vld1q_u32(d + i));
		uint16x8_t lo = vmlal_u8(ca, vget_low_u8(dv), vget_low_u8(ia));
		uint16x8_t hi = vmlal_high_u8(ca, dv, ia);
		uint8x16_t r = vcombine_u8(div255_n(lo), div255_n(hi));

		vst1q_u32(d + i, vandq_u32(vreinterpretq_u32_u8(r), vdupq_n_u32(0xffffff)));
	}
	for (; i < n; i++)
		d[i] = blend_px(d[i], c, a);
}

/* Byte k of each pixel group: pixel j's alpha spread over its 4 bytes. */
static const uint8_t spread[4][16] = {
    {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3},
    {4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7},
    {8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11},
    {12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15},
};

/* Four pixels at d4 under the four coverage bytes of w (not all zero). */
static inline void blend4_neon(uint32_t *d4, uint32_t w, uint8x16_t cv, uint8x8_t ga, unsigned a)
{
	uint8x16_t k, dv;

	if (w == 0xffffffff && a >= 255) {
		vst1q_u32(d4, vreinterpretq_u32_u8(cv));
		return;
	}
	k = vreinterpretq_u8_u32(vdupq_n_u32(w));
	if (a < 255)
		k = vcombine_u8(div255_n(vmull_u8(vget_low_u8(k), ga)),
		                div255_n(vmull_u8(vget_low_u8(k), ga)));
	dv = vreinterpretq_u8_u32(vld1q_u32(d4));
	vst1q_u32(d4, vreinterpretq_u32_u8(blend_v(dv, cv, vqtbl1q_u8(k, vld1q_u8(spread[0])))));
}

static inline __attribute__((always_inline)) void blend_mask_neon(uint32_t *d, const uint8_t *m,
                                                                  int n, uint32_t c, unsigned a)
{
	uint8x16_t cv = vreinterpretq_u8_u32(vdupq_n_u32(c & 0xffffff));
	uint8x8_t ga = vdup_n_u8((uint8_t)(a > 255 ? 255 : a));
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		uint8x16_t k = vld1q_u8(m + i);

		if (a < 255)
			k = vcombine_u8(div255_n(vmull_u8(vget_low_u8(k), ga)),
			                div255_n(vmull_high_u8(k, vcombine_u8(ga, ga))));
		if (vmaxvq_u8(k) == 0)
			continue;
		if (vminvq_u8(k) == 255) {
			uint32x4_t cc = vreinterpretq_u32_u8(cv);

			vst1q_u32(d + i, cc);
			vst1q_u32(d + i + 4, cc);
			vst1q_u32(d + i + 8, cc);
			vst1q_u32(d + i + 12, cc);
			continue;
		}
		for (int j = 0; j < 4; j++) {
			uint8x16_t av = vqtbl1q_u8(k, vld1q_u8(spread[j]));
			uint8x16_t dv = vreinterpretq_u8_u32(vld1q_u32(d + i + 4 * j));

			vst1q_u32(d + i + 4 * j, vreinterpretq_u32_u8(blend_v(dv, cv, av)));
		}
	}
	/*
	 * Glyph rows are short: four at a time, and the last one to three
	 * through a four-pixel copy (a zero mask byte leaves its pixel as it
	 * was, so the padding changes nothing).
	 */
	for (; i + 4 <= n; i += 4) {
		uint32_t w;

		memcpy(&w, m + i, 4);
		if (w)
			blend4_neon(d + i, w, cv, ga, a);
	}
	if (i < n) {
		uint32_t w = 0, tmp[4] = {0};

		for (int j = 0; j < n - i; j++)
			w |= (uint32_t)m[i + j] << 8 * j, tmp[j] = d[i + j];
		if (w) {
			blend4_neon(tmp, w, cv, ga, a);
			for (int j = 0; j < n - i; j++)
				d[i + j] = tmp[j];
		}
	}
}

static void blit_neon(uint32_t *d, const uint32_t *src, int n, unsigned a)
{
	static const uint8_t alpha_at[16] = {3,  3,  3,  3,  7,  7,  7,  7,
	                                     11, 11, 11, 11, 15, 15, 15, 15};
	uint8x16_t pick = vld1q_u8(alpha_at);
	uint8x8_t ga = vdup_n_u8((uint8_t)(a > 255 ? 255 : a));
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		uint8x16_t sv = vreinterpretq_u8_u32(vld1q_u32(src + i));
		uint8x16_t av = vqtbl1q_u8(sv, pick);
		uint8x16_t dv;

		if (a < 255)
			av = vcombine_u8(div255_n(vmull_u8(vget_low_u8(av), ga)),
			                 div255_n(vmull_high_u8(av, vcombine_u8(ga, ga))));
		if (vmaxvq_u8(av) == 0)
			continue;
		dv = vreinterpretq_u8_u32(vld1q_u32(d + i));
		vst1q_u32(d + i, vreinterpretq_u32_u8(blend_v(dv, sv, av)));
	}
	blit_scalar(d + i, src + i, n - i, a);
}

static void wave_neon(uint32_t *d, int n, const uint8_t *a0, const uint8_t *a1, const uint8_t *a2,
                      unsigned dist, const uint32_t table[8])
{
	static const uint8_t lane[16] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
	uint8x16x2_t tab = {
	    {vld1q_u8((const uint8_t *)table), vld1q_u8((const uint8_t *)table + 16)}};
	uint8x16_t dv = vdupq_n_u8((uint8_t)(dist > 255 ? 255 : dist));
	uint8x16_t lanes = vld1q_u8(lane);
	int i = 0;

	if (dist > 255) {
		/* No amplitude reaches past 255: every pixel is table[0]. */
		fill_neon(d, n, table[0]);
		return;
	}
	for (; i + 16 <= n; i += 16) {
		uint8x16_t m0 = vandq_u8(vcgtq_u8(vld1q_u8(a0 + i), dv), vdupq_n_u8(4));
		uint8x16_t m1 = vandq_u8(vcgtq_u8(vld1q_u8(a1 + i), dv), vdupq_n_u8(8));
		uint8x16_t m2 = vandq_u8(vcgtq_u8(vld1q_u8(a2 + i), dv), vdupq_n_u8(16));
		/* 4 * table index: the offset of the entry's first byte */
		uint8x16_t off = vorrq_u8(vorrq_u8(m0, m1), m2);

		for (int j = 0; j < 4; j++) {
			uint8x16_t at = vaddq_u8(vqtbl1q_u8(off, vld1q_u8(spread[j])), lanes);

			vst1q_u32(d + i + 4 * j, vreinterpretq_u32_u8(vqtbl2q_u8(tab, at)));
		}
	}
	wave_scalar(d + i, n - i, a0 + i, a1 + i, a2 + i, dist, table);
}

static void blend_mask_neon_row(uint32_t *d, const uint8_t *m, int n, uint32_t c, unsigned a)
{
	blend_mask_neon(d, m, n, c, a);
}

/* A whole glyph in one call: the row loop inlined around the row kernel. */
static void mask_neon(uint32_t *d, ptrdiff_t ds, const uint8_t *m, ptrdiff_t ms, int w, int h,
                      uint32_t c, unsigned a)
{
	for (int y = 0; y < h; y++)
		blend_mask_neon(d + y * ds, m + y * ms, w, c, a);
}

const struct gfx_kernels gfx_kernels_simd = {
    .name = "neon",
    .fill = fill_neon,
    .blend = blend_neon,
    .blend_mask = blend_mask_neon_row,
    .mask = mask_neon,
    .blit = blit_neon,
    .wave = wave_neon,
};

#elif defined(__SSE2__)

/*
 * div255 of eight 16-bit lanes: ((x + 128) * 257) >> 16, which equals
 * (t + (t >> 8)) >> 8 with t = x + 128 for every x <= 255 * 255 (write
 * t = 256q + r: both are q + (r + q) / 256, the 257th part never carries).
 */
static inline __m128i div255_x(__m128i x)
{
	return _mm_mulhi_epu16(_mm_add_epi16(x, _mm_set1_epi16(128)), _mm_set1_epi16(257));
}

/* c over d (4 pixels each) with per-byte alpha av; X bytes cleared. */
static inline __m128i blend_x(__m128i d, __m128i c, __m128i av)
{
	const __m128i z = _mm_setzero_si128(), ff = _mm_set1_epi16(255);
	__m128i alo = _mm_unpacklo_epi8(av, z), ahi = _mm_unpackhi_epi8(av, z);
	__m128i lo =
	    _mm_add_epi16(_mm_mullo_epi16(_mm_unpacklo_epi8(c, z), alo),
	                  _mm_mullo_epi16(_mm_unpacklo_epi8(d, z), _mm_sub_epi16(ff, alo)));
	__m128i hi =
	    _mm_add_epi16(_mm_mullo_epi16(_mm_unpackhi_epi8(c, z), ahi),
	                  _mm_mullo_epi16(_mm_unpackhi_epi8(d, z), _mm_sub_epi16(ff, ahi)));

	return _mm_and_si128(_mm_packus_epi16(div255_x(lo), div255_x(hi)),
	                     _mm_set1_epi32(0xffffff));
}

/* Per-byte div255(k * a) for 16 bytes. */
static inline __m128i scale_x(__m128i k, unsigned a)
{
	const __m128i z = _mm_setzero_si128(), av = _mm_set1_epi16((short)a);

	return _mm_packus_epi16(div255_x(_mm_mullo_epi16(_mm_unpacklo_epi8(k, z), av)),
	                        div255_x(_mm_mullo_epi16(_mm_unpackhi_epi8(k, z), av)));
}

static void fill_sse2(uint32_t *d, int n, uint32_t c)
{
	__m128i v = _mm_set1_epi32((int)c);
	int i = 0;

	/*
	 * Long runs (a screen's width and more): the CPU's string store, which
	 * on current x86 cores writes whole cache lines without reading them
	 * first and keeps them in cache for the blends that follow. It beats
	 * the SSE2 loop by about a fifth on a full-screen clear here (the
	 * library scene of tools/bench/gfx.sh), and the pixels are the same.
	 */
	if (n >= 512) {
		uint32_t *p = d;
		size_t k = (size_t)n;

		__asm__ volatile("rep stosl" : "+D"(p), "+c"(k) : "a"(c) : "memory");
		return;
	}
	/* Aligned 64-byte strides once the head is done. */
	for (; i < n && ((uintptr_t)(d + i) & 15); i++)
		d[i] = c;
	for (; i + 16 <= n; i += 16) {
		_mm_store_si128((__m128i *)(d + i), v);
		_mm_store_si128((__m128i *)(d + i + 4), v);
		_mm_store_si128((__m128i *)(d + i + 8), v);
		_mm_store_si128((__m128i *)(d + i + 12), v);
	}
	for (; i + 4 <= n; i += 4)
		_mm_store_si128((__m128i *)(d + i), v);
	for (; i < n; i++)
		d[i] = c;
}

static void blend_sse2(uint32_t *d, int n, uint32_t c, unsigned a)
{
	__m128i cv, av;
	int i = 0;

	if (a == 0)
		return;
	if (a >= 255) {
		fill_sse2(d, n, c & 0xffffff);
		return;
	}
	cv = _mm_set1_epi32((int)(c & 0xffffff));
	av = _mm_set1_epi8((char)a);
	for (; i + 4 <= n; i += 4) {
		__m128i dv = _mm_loadu_si128((const __m128i *)(d + i));

		_mm_storeu_si128((__m128i *)(d + i), blend_x(dv, cv, av));
	}
	for (; i < n; i++)
		d[i] = blend_px(d[i], c, a);
}

/* The alpha of 4 pixels from 4 bytes, each spread over its pixel's 4 bytes. */
static inline __m128i spread4(__m128i k)
{
	k = _mm_unpacklo_epi8(k, k);
	return _mm_unpacklo_epi16(k, k);
}

/* Four pixels at d4 under the four coverage bytes of w (not all zero). */
static inline void blend4_sse2(uint32_t *d4, uint32_t w, __m128i cv, unsigned a)
{
	__m128i k, dv;

	if (w == 0xffffffff && a >= 255) {
		_mm_storeu_si128((__m128i *)d4, cv);
		return;
	}
	k = _mm_cvtsi32_si128((int)w);
	if (a < 255)
		k = scale_x(k, a);
	dv = _mm_loadu_si128((const __m128i *)d4);
	_mm_storeu_si128((__m128i *)d4, blend_x(dv, cv, spread4(k)));
}

static inline __attribute__((always_inline)) void blend_mask_sse2(uint32_t *d, const uint8_t *m,
                                                                  int n, uint32_t c, unsigned a)
{
	__m128i cv = _mm_set1_epi32((int)(c & 0xffffff));
	int i = 0;

	for (; i + 16 <= n; i += 16) {
		__m128i k = _mm_loadu_si128((const __m128i *)(m + i));
		int zero, full;

		if (a < 255)
			k = scale_x(k, a);
		zero = _mm_movemask_epi8(_mm_cmpeq_epi8(k, _mm_setzero_si128()));
		if (zero == 0xffff)
			continue;
		full = _mm_movemask_epi8(_mm_cmpeq_epi8(k, _mm_set1_epi8(-1)));
		if (full == 0xffff) {
			for (int j = 0; j < 16; j += 4)
				_mm_storeu_si128((__m128i *)(d + i + j), cv);
			continue;
		}
		for (int j = 0; j < 4; j++) {
			__m128i av = spread4(_mm_srli_si128(k, 0));
			__m128i dv = _mm_loadu_si128((const __m128i *)(d + i + 4 * j));

			_mm_storeu_si128((__m128i *)(d + i + 4 * j), blend_x(dv, cv, av));
			k = _mm_srli_si128(k, 4);
		}
	}
	/*
	 * Glyph rows are short: four at a time, and the last one to three
	 * through a four-pixel copy (a zero mask byte leaves its pixel as it
	 * was, so the padding changes nothing).
	 */
	for (; i + 4 <= n; i += 4) {
		uint32_t w;

		memcpy(&w, m + i, 4);
		if (w)
			blend4_sse2(d + i, w, cv, a);
	}
	if (i < n) {
		uint32_t w = 0, tmp[4] = {0};

		for (int j = 0; j < n - i; j++)
			w |= (uint32_t)m[i + j] << 8 * j, tmp[j] = d[i + j];
		if (w) {
			blend4_sse2(tmp, w, cv, a);
			for (int j = 0; j < n - i; j++)
				d[i + j] = tmp[j];
		}
	}
}

static void blit_sse2(uint32_t *d, const uint32_t *src, int n, unsigned a)
{
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		__m128i sv = _mm_loadu_si128((const __m128i *)(src + i));
		/* each pixel's alpha byte into all four of its bytes */
		__m128i al = _mm_srli_epi32(sv, 24);
		__m128i av = _mm_or_si128(al, _mm_slli_epi32(al, 8));
		__m128i dv;

		av = _mm_or_si128(av, _mm_slli_epi32(av, 16));
		if (a < 255)
			av = scale_x(av, a);
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(av, _mm_setzero_si128())) == 0xffff)
			continue;
		dv = _mm_loadu_si128((const __m128i *)(d + i));
		_mm_storeu_si128((__m128i *)(d + i), blend_x(dv, sv, av));
	}
	blit_scalar(d + i, src + i, n - i, a);
}

static void blend_mask_sse2_row(uint32_t *d, const uint8_t *m, int n, uint32_t c, unsigned a)
{
	blend_mask_sse2(d, m, n, c, a);
}

/* A whole glyph in one call: the row loop inlined around the row kernel. */
static void mask_sse2(uint32_t *d, ptrdiff_t ds, const uint8_t *m, ptrdiff_t ms, int w, int h,
                      uint32_t c, unsigned a)
{
	for (int y = 0; y < h; y++)
		blend_mask_sse2(d + y * ds, m + y * ms, w, c, a);
}

const struct gfx_kernels gfx_kernels_simd = {
    .name = "sse2",
    .fill = fill_sse2,
    .blend = blend_sse2,
    .blend_mask = blend_mask_sse2_row,
    .mask = mask_sse2,
    .blit = blit_sse2,
    .wave = wave_scalar,
};

#endif

#if defined(GFX_HAVE_SIMD)
const struct gfx_kernels *gfx_k = &gfx_kernels_simd;
#else
const struct gfx_kernels *gfx_k = &gfx_kernels_scalar;
#endif

void gfx_use_kernels(const struct gfx_kernels *k)
{
#if defined(GFX_HAVE_SIMD)
	gfx_k = k ? k : &gfx_kernels_simd;
#else
	gfx_k = k ? k : &gfx_kernels_scalar;
#endif
}
