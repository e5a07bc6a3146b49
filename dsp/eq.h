/*
 * eq: the channel's 3-band DJ EQ with full kills (an "isolator").
 *
 * Design: the signal is split into three bands by two 8th-order
 * Linkwitz-Riley crossovers, at 250 Hz and 2.5 kHz, and the bands are
 * summed back with their gains:
 *
 *     low  = AP(2.5k) LP(250)  x      LP, HP: LR8, each two 4th-order
 *     mid  = LP(2.5k) HP(250)  x              Butterworths in a row
 *     high = HP(2.5k) HP(250)  x      AP: the 2.5 kHz crossover's
 *     out  = gl low + gm mid + gh high        allpass, on the low band
 *
 * Why this and not shelf and peak sections: at 0 dB the three bands sum
 * to an allpass (an LR crossover's low-pass and high-pass add up to an
 * allpass, and the low band gets the same allpass the other two went
 * through), so the magnitude is flat to float precision at every
 * frequency (within 0.0002 dB, test_eq), with only a smooth phase turn
 * around the two crossovers.
 * A band at gain 0 is really gone: 48 dB per octave skirts put a killed
 * band's centre (70 Hz, 790 Hz, 7 kHz) 74 dB or more down, and the kill
 * leaves the other two bands as they were. Shelves and peaks cannot reach
 * minus infinity, and lower-order crossovers leak a killed mid at -34 dB.
 * Kick and bass live below 250 Hz, voice and snare body in the decade
 * above, hats and air over 2.5 kHz.
 *
 * The sections are trapezoidal SVFs (see biquad.h): at 250 Hz and 96 kHz
 * a direct form's float rounding noise would sit only 87 dB below the
 * music; with SVFs the whole EQ adds nothing within 130 dB of a 1 kHz
 * tone (test_eq). 18 sections a channel, run two at a time by the vector
 * kernels (NEON, SSE2).
 *
 * Gains run from kill (0) to +6 dB. A change glides linearly, the whole
 * change within the period when it is small, and never faster than full
 * scale (1 to 0) in EQ3_SLEW_MS, so a kill is a 5 ms fade, not a click,
 * and a knob turned between periods makes no zipper noise.
 *
 * Audio thread: eq3_process() allocates nothing and calls nothing out;
 * its scratch lives in the struct. eq3_set() is cheap and may be called
 * from the audio thread as commands arrive.
 */
#ifndef SLIPMAT_EQ_H
#define SLIPMAT_EQ_H

#include "biquad.h"

#define EQ3_LOW_HZ 250.0
#define EQ3_HIGH_HZ 2500.0
#define EQ3_MAX_DB 6.0f
#define EQ3_SLEW_MS 5.0
#define EQ3_BLOCK 256 /* frames per pass through the scratch buffers */

enum { EQ3_LOW, EQ3_MID, EQ3_HIGH, EQ3_BANDS };

struct eq3 {
	struct svf_coef low_c[6]; /* LR8 low-pass at 250 Hz, then the 2.5 kHz allpass */
	struct svf_state low_s[6];
	struct svf_coef split_c[4]; /* LR8 high-pass at 250 Hz: mid and high's common input */
	struct svf_state split_s[4];
	struct svf_coef mid_c[4]; /* LR8 low-pass at 2.5 kHz */
	struct svf_state mid_s[4];
	struct svf_coef high_c[4]; /* LR8 high-pass at 2.5 kHz */
	struct svf_state high_s[4];
	float gain[EQ3_BANDS];   /* linear, where the glide is */
	float target[EQ3_BANDS]; /* linear, from eq3_set() */
	float slew;              /* the largest gain change per frame */
	float lo[2 * EQ3_BLOCK], hi[2 * EQ3_BLOCK];
};

/* Post: e is flat (0 dB, no kills) and silent, for rate frames a second. */
void eq3_init(struct eq3 *e, int rate);

/*
 * Set the bands' gains in dB (clamped to -inf..EQ3_MAX_DB; -INFINITY is a
 * kill too, NaN is 0 dB); a nonzero kill_* kills its band whatever its
 * gain. They take effect by gliding, from the next eq3_process().
 */
void eq3_set(struct eq3 *e, float low_db, float mid_db, float high_db, int kill_low, int kill_mid,
             int kill_high);

/* Filter io (stereo interleaved) in place. */
void eq3_process(struct eq3 *e, float *io, int frames);

/* The same with the scalar kernels only, for the tests that compare paths. */
void eq3_process_scalar(struct eq3 *e, float *io, int frames);

#endif
