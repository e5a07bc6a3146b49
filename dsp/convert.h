/*
 * convert: the engine's float samples to the interface's integer format.
 * Float inside, clamped to [-1, 1) on the way out.
 *
 * Samples are interleaved and counted one per channel (n = frames *
 * channels). Rounding is to nearest, ties to even, in every path; NaN
 * becomes 0 (a silent sample, not a full-scale click).
 *
 * S16_LE gets TPDF dither: two uniforms of 1 LSB peak-to-peak each,
 * summed, so the added noise is triangular in (-1, +1) LSB and a quiet
 * fade ends in noise, not in a buzz of truncation harmonics. S24_3LE and
 * S32_LE are not dithered: their last bit lies far below the analogue noise
 * of any interface.
 *
 * Each kernel has a plain C reference (_scalar) and, on aarch64, a NEON
 * version that gives bit-identical output, dither included: the generator
 * is four xorshift32 lanes stepped together, one step per group of four
 * samples, in both paths. A partial group at the end of a call still steps
 * all four lanes, so the sequence depends on how a stream is cut into
 * calls, but never on which path converts it.
 */
#ifndef SLIPMAT_CONVERT_H
#define SLIPMAT_CONVERT_H

#include <stddef.h>
#include <stdint.h>

enum sample_format { FMT_S16_LE, FMT_S24_3LE, FMT_S32_LE };

/* Bytes per sample of each format; 0 for an unknown one. */
int convert_sample_bytes(enum sample_format f);

/* "S16_LE", "S24_3LE", "S32_LE" (ALSA's names); "?" for an unknown one. */
const char *convert_format_name(enum sample_format f);

/* The TPDF dither generator: four xorshift32 lanes, never all zero. */
struct dither {
	uint32_t lane[4];
};

/* Seed the four lanes from seed (any value, 0 included). */
void dither_init(struct dither *d, uint32_t seed);

/*
 * in[0..n) to out[0..n). d NULL: no dither (plain rounding, so -1.0 gives
 * exactly -32768). The fastest path the build has (NEON on aarch64).
 */
void convert_f32_to_s16(int16_t *out, const float *in, size_t n, struct dither *d);
/* out holds 3 * n bytes, least significant byte first. */
void convert_f32_to_s24_3le(uint8_t *out, const float *in, size_t n);
void convert_f32_to_s32(int32_t *out, const float *in, size_t n);

/*
 * Dispatch on the device's format; d is used for S16_LE only (may be NULL).
 * Return: bytes written to out, 0 for an unknown format.
 */
size_t convert_f32(void *out, enum sample_format f, const float *in, size_t n, struct dither *d);

/* The plain C references, exported for the tests that compare paths. */
void convert_f32_to_s16_scalar(int16_t *out, const float *in, size_t n, struct dither *d);
void convert_f32_to_s24_3le_scalar(uint8_t *out, const float *in, size_t n);
void convert_f32_to_s32_scalar(int32_t *out, const float *in, size_t n);

/* Return: 1 when this build converts with NEON, else 0 (scalar only). */
int convert_has_neon(void);

#endif
