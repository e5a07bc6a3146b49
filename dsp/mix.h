/*
 * mix: ramped gains and the crossfader's curves, for the mixer's buses.
 *
 * Every buffer is stereo interleaved (L R L R ...), frames counts pairs.
 * A gain moves linearly from g0 at the first frame to g1 at the last, so a
 * fader that jumped between two periods sounds like a fast, smooth move
 * instead of a step (zipper noise). Pass the previous period's g1 as the
 * next period's g0. One frame alone gets g1.
 *
 * Frame i gets g0 + i * ((g1 - g0) / (frames - 1)), computed the same way,
 * rounding included, by the NEON kernels and their _scalar references, so
 * the two give the same bits. (That needs the separate multiply and add
 * the C11 build gives: -std=c11 implies -ffp-contract=off.)
 *
 * All of it runs in the audio thread: no allocation, no calls out.
 */
#ifndef SLIPMAT_MIX_H
#define SLIPMAT_MIX_H

/* dst += src * g, g ramping g0 -> g1. A gain of 0 throughout adds nothing. */
void mix_gain_add(float *dst, const float *src, int frames, float g0, float g1);

/* io *= g, g ramping g0 -> g1. A gain of 1 throughout leaves io untouched. */
void mix_gain(float *io, int frames, float g0, float g1);

/* dst = src * g, g ramping g0 -> g1 (a bus's first contribution). */
void mix_gain_set(float *dst, const float *src, int frames, float g0, float g1);

/* The plain C references, exported for the tests that compare paths. */
void mix_gain_add_scalar(float *dst, const float *src, int frames, float g0, float g1);
void mix_gain_scalar(float *io, int frames, float g0, float g1);
void mix_gain_set_scalar(float *dst, const float *src, int frames, float g0, float g1);

/* Return: 1 when this build mixes with NEON, else 0. */
int mix_has_neon(void);

enum xfader_curve {
	XF_LINEAR,         /* -6 dB each at the centre: a straight blend */
	XF_CONSTANT_POWER, /* -3 dB each at the centre: loudness stays level in a long blend */
	XF_CUT             /* scratch: full volume except the last few % */
};

/* XF_CUT's fade: the last 5 % of the travel at either end. */
#define XF_CUT_WIDTH 0.05f

/*
 * The two channels' gains (0..1) for crossfader position x: -1 is A only,
 * 1 is B only; outside values are clamped, NaN is the centre. Every curve
 * gives exactly 1 and 0 at its ends, and is monotonic in between.
 */
void xfader_gains(enum xfader_curve c, float x, float *ga, float *gb);

#endif
