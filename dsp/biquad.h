/*
 * biquad: second-order filter sections for the mixer, in two structures.
 *
 * The designs are Robert Bristow-Johnson's "Audio EQ Cookbook" filters:
 * an analogue prototype through the bilinear transform, prewarped at f0.
 * Both structures realise exactly those transfer functions; they differ
 * in how float rounding behaves:
 *
 * - biquad_*: transposed direct form II, 5 multiplies and 4 adds a sample.
 *   Cheap, and fine for fixed filters well above 1 kHz; but its states
 *   hold large, nearly cancelling terms when the poles sit close to z = 1,
 *   so at low cutoffs its float rounding noise rises: an 8th-order
 *   low-pass at 250 Hz adds noise 87 dB below the signal at 96 kHz
 *   (measured in test_biquad; about 95 dB at 48 kHz).
 * - svf_*: the linear trapezoidal state variable filter (Andrew Simper's
 *   formulation), 7 multiplies and 10 adds. Its states are integrator
 *   outputs of signal size, so the same low-pass stays 123 dB down; and
 *   its coefficients can move every sample without the bursts a direct
 *   form makes when modulated. The EQ and the DJ filter use it.
 *
 * Samples are stereo interleaved and filtered in place; each stage keeps
 * one state per channel. A cascade runs its stages in order, s[k] with
 * c[k]. States that decay below 1e-18 (-360 dBFS) are set to zero at the
 * end of each call, and a state that went non-finite (a NaN fed in) starts
 * again from zero, so silence costs no denormal arithmetic and a broken
 * sample cannot silence a channel for good.
 *
 * Vector kernels, NEON on aarch64 and SSE2 on x86-64 (one source over a
 * few four-lane operations): stages run two at a time (stage k on frame n
 * beside stage k + 1 on frame n - 1, lanes {k.L, k.R, k+1.L, k+1.R}), an
 * odd last stage in two lanes; each lane does the scalar reference's
 * operations in the scalar's order, so the paths give the same bits.
 * Audio thread safe: no allocation, no calls out.
 */
#ifndef SLIPMAT_BIQUAD_H
#define SLIPMAT_BIQUAD_H

enum biquad_type {
	BQ_BYPASS,    /* exactly the input */
	BQ_LOWPASS,   /* -3 dB at f0 with q = 1/sqrt(2) */
	BQ_HIGHPASS,  /* ditto */
	BQ_LOWSHELF,  /* gain_db below f0, half of it (in dB) at f0 */
	BQ_HIGHSHELF, /* gain_db above f0 */
	BQ_PEAK,      /* gain_db at f0, bandwidth from q */
	BQ_ALLPASS,   /* unit magnitude, phase turning through -180 deg at f0 */
	BQ_BANDPASS   /* 0 dB at f0 (constant peak gain) */
};

/* y = b0 x + b1 x' + b2 x'' - a1 y' - a2 y'' (a0 normalised to 1) */
struct biquad_coef {
	float b0, b1, b2, a1, a2;
};

struct biquad_state {
	float z1[2], z2[2]; /* per channel */
};

/*
 * Design c. f0 is clamped to (0, 0.49 rate], q to at least 0.01;
 * gain_db matters for the shelves and the peak only.
 */
void biquad_design(struct biquad_coef *c, enum biquad_type t, double rate, double f0, double q,
                   double gain_db);

/* Post: s is silent (all states zero). */
void biquad_reset(struct biquad_state *s, int stages);

/* Filter io (frames stereo frames) through stages sections, in place. */
void biquad_cascade(const struct biquad_coef *c, struct biquad_state *s, int stages, float *io,
                    int frames);
void biquad_cascade_scalar(const struct biquad_coef *c, struct biquad_state *s, int stages,
                           float *io, int frames);

/*
 * The state variable filter. Per sample, with ic1, ic2 the two integrator
 * states and x the input:
 *     v3 = x - ic2;  v1 = a1 ic1 + a2 v3;  v2 = ic2 + a2 ic1 + a3 v3
 *     ic1 = 2 v1 - ic1;  ic2 = 2 v2 - ic2;  y = m0 x + m1 v1 + m2 v2
 * where v1 is the band-pass and v2 the low-pass output; the m's mix them
 * into any of the types above.
 */
struct svf_coef {
	float a1, a2, a3;
	float m0, m1, m2;
};

struct svf_state {
	float ic1[2], ic2[2]; /* per channel */
};

/* Design c as the same transfer function biquad_design() gives. */
void svf_design(struct svf_coef *c, enum biquad_type t, double rate, double f0, double q,
                double gain_db);

/* Post: s is silent. */
void svf_reset(struct svf_state *s, int stages);

void svf_cascade(const struct svf_coef *c, struct svf_state *s, int stages, float *io, int frames);
void svf_cascade_scalar(const struct svf_coef *c, struct svf_state *s, int stages, float *io,
                        int frames);

/*
 * One section whose coefficients change every frame (the DJ filter's
 * sweeps): frame i uses c[i]. Same rounding in both paths.
 */
void svf_run_varying(const struct svf_coef *c, struct svf_state *s, float *io, int frames);
void svf_run_varying_scalar(const struct svf_coef *c, struct svf_state *s, float *io, int frames);

/* Return: "NEON" or "SSE2", the vector kernels this build runs; NULL: scalar only. */
const char *biquad_simd(void);

#endif
