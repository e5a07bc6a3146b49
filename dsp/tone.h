/*
 * tone: a sine oscillator for test tones and the skeleton's outputs.
 *
 * The phase is a double in cycles, wrapped to [0, 1) every sample, and the
 * sample is sin() of it: no drift over hours (the step's rounding error is
 * below 1e-16 of the frequency) and distortion far below what a 24-bit
 * output can show. sin() neither allocates nor blocks, so tone_next() is
 * fine in the audio thread.
 */
#ifndef SLIPMAT_TONE_H
#define SLIPMAT_TONE_H

#include <stddef.h>

struct tone {
	double phase; /* cycles, in [0, 1) */
	double step;  /* cycles per sample */
	float amp;    /* peak, 1.0 = full scale */
};

/*
 * Set t to hz at rate samples per second, peak level dbfs (0 dBFS: a
 * full-scale sine), starting at phase 0.
 * Return: 0; -EINVAL unless 0 < hz < rate / 2 (it would alias).
 */
int tone_init(struct tone *t, double hz, int rate, double dbfs);

/* Return: the next sample. */
float tone_next(struct tone *t);

/* Write frames samples to out[0], out[stride], ... (one channel of a frame). */
void tone_render(struct tone *t, float *out, size_t frames, int stride);

#endif
