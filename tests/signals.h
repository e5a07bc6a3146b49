/*
 * signals: test signals and how clean they come out, for the tests and
 * the benchmarks that judge the sound (the resampler's THD+N, a dither's
 * spectrum, kernels fed noise).
 *
 * signal_noise() is white noise in [-1, 1) from a 32-bit xorshift with a
 * fixed seed: every test binary draws the same sequence, run after run.
 *
 * tone_measure() fits a sine to n samples of one channel of interleaved
 * stereo (refining the frequency from the phase drift between the two
 * halves), takes the residual through a Blackman-Harris window and an
 * FFT, and reports THD+N as the residual's power within 20 Hz..20 kHz
 * over the sine's. Plain C and double precision: a reference, not a
 * kernel.
 */
#ifndef SLIPMAT_SIGNALS_H
#define SLIPMAT_SIGNALS_H

#include <stdint.h>

#define TONE_MEASURE_MAX 65536 /* the most samples tone_measure() looks at */

struct tone_meas {
	double hz;   /* measured frequency */
	double amp;  /* peak level of the fitted sine */
	double thdn; /* dB, 20 Hz..20 kHz */
};

/* The next sample of the noise, and the generator's next raw 32 bits. */
float signal_noise(void);
uint32_t signal_random(void);

/* In-place radix-2 FFT; n a power of two, re and im of length n. */
void tone_fft(double *re, double *im, int n);

/*
 * Measure n samples (a power of two, at most TONE_MEASURE_MAX) of the
 * channel y points into, interleaved stereo at rate, near hz_guess.
 * Not reentrant (its FFT buffers are static).
 */
void tone_measure(const float *y, int n, double rate, double hz_guess, struct tone_meas *m);

#endif
