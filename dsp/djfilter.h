/*
 * djfilter: the channel's one-knob filter. Centre: off, the sound passes
 * bit for bit. Turning left: a low-pass closing from 20 kHz down to 60 Hz
 * at the end; turning right: a high-pass opening from 20 Hz up to 12 kHz.
 * The cutoff moves exponentially with the knob (equal travel, equal
 * musical interval). Resonance 0 is a Butterworth (Q 0.71, no bump),
 * resonance 1 a Q of DJFILTER_Q_MAX (+12 dB at the cutoff).
 *
 * Design: one trapezoidal state variable filter section (12 dB per
 * octave; see biquad.h) with its coefficients computed for every frame.
 * The SVF is stable for every positive cutoff and Q, and unlike a direct
 * form it stays well behaved while its coefficients move, so sweeps are
 * smooth: the cutoff and resonance glide toward the knob with a
 * DJFILTER_GLIDE_MS time constant (the knob arrives in steps, 60 a second
 * from the touchscreen), linearly interpolated between DJFILTER_SUB-frame
 * points. Leaving the centre the filter fades in over DJFILTER_FADE_MS,
 * mixed with the dry signal; crossing from low-pass to high-pass it fades
 * out, switches while silent, and fades in again. Back at the centre,
 * once faded out, it stops and the channel is the input again, exactly.
 *
 * Audio thread: djfilter_process() allocates nothing and calls nothing
 * out (one tanf and one exp2f per DJFILTER_SUB frames); djfilter_set() is
 * cheap. NEON runs the filter section (svf_run_varying); the coefficients
 * are computed by the same code for both paths, so they agree to the bit.
 */
#ifndef SLIPMAT_DJFILTER_H
#define SLIPMAT_DJFILTER_H

#include "biquad.h"

#define DJFILTER_LP_MIN_HZ 60.0f     /* knob fully left */
#define DJFILTER_LP_OPEN_HZ 20000.0f /* just left of centre (at most 0.45 x rate) */
#define DJFILTER_HP_OPEN_HZ 20.0f    /* just right of centre */
#define DJFILTER_HP_MAX_HZ 12000.0f  /* knob fully right */
#define DJFILTER_DEAD 0.02f          /* |knob| below this is the centre: off */
#define DJFILTER_Q_MAX 4.0f          /* resonance 1 */
#define DJFILTER_GLIDE_MS 15.0f      /* cutoff and resonance follow the knob */
#define DJFILTER_FADE_MS 10.0f       /* in from and out to the dry signal */
#define DJFILTER_SUB 16              /* frames between exactly computed points */

enum djfilter_mode { DJF_OFF, DJF_LOWPASS, DJF_HIGHPASS };

struct djfilter {
	float rate;
	float max_hz;              /* the highest cutoff this rate allows */
	enum djfilter_mode mode;   /* what runs now */
	enum djfilter_mode target; /* what the knob asks for */
	float lf, target_lf;       /* log2 of the cutoff */
	float k, target_k;         /* 1 / Q */
	float g;                   /* tan(pi cutoff / rate) at lf */
	float wet;                 /* 0: dry .. 1: all filter */
	float fade;                /* wet change per frame */
	float glide;               /* share of the way to the knob per frame */
	struct svf_state s;
	struct svf_coef c[DJFILTER_SUB];
};

/* Post: f is off (bypass) for rate frames a second. */
void djfilter_init(struct djfilter *f, int rate);

/*
 * knob in -1..1 (clamped; NaN is the centre), resonance in 0..1 (clamped).
 * Takes effect by gliding, from the next djfilter_process().
 */
void djfilter_set(struct djfilter *f, float knob, float resonance);

/* Filter io (stereo interleaved) in place; off: io is not touched. */
void djfilter_process(struct djfilter *f, float *io, int frames);
void djfilter_process_scalar(struct djfilter *f, float *io, int frames);

/* Return: nonzero while the filter is heard (not bypassed). */
int djfilter_active(const struct djfilter *f);

#endif
