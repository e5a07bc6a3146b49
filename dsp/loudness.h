/*
 * loudness: integrated loudness of a stereo track, EBU R128 / ITU-R
 * BS.1770-4, for the mixer's auto-gain.
 *
 * K-weighting (the standard's high shelf and high-pass, designed for the
 * track's rate from their analogue parameters, so 44.1 and 96 kHz get the
 * same curve as the 48 kHz coefficients the standard prints) runs on the
 * mixer's biquad kernel, and the mean squares on the meter's kernel:
 * both have NEON twins tested in their own modules. Mean squares are kept
 * per 100 ms; integrated loudness gates 400 ms blocks (75 % overlap) at
 * -70 LUFS absolute and then 10 LU below the mean of those, as the
 * standard says. Left and right weigh 1.0.
 *
 * Memory: 4 bytes per 100 ms of track, the caller's (the arena).
 */
#ifndef SLIPMAT_LOUDNESS_H
#define SLIPMAT_LOUDNESS_H

#include <stddef.h>

#include "biquad.h"

#define LOUDNESS_CHUNK 512
#define LOUDNESS_SILENT (-200.0) /* what nothing above the gates reads */

struct loudness {
	int rate;
	struct biquad_coef k[2];
	struct biquad_state st[2];
	long sub_frames; /* 100 ms */
	long fill;       /* frames in the current 100 ms */
	double acc;      /* its sum of squares, both channels */
	float *sub;      /* mean square per 100 ms (sum of the channels') */
	long cap, n;
	float buf[2 * LOUDNESS_CHUNK];
};

/* Return: bytes for a track of max_frames at rate. */
size_t loudness_bytes(long max_frames, int rate);

/* Post: l empty over mem (loudness_bytes(), float-aligned). */
void loudness_init(struct loudness *l, int rate, void *mem, long max_frames);

/* Measure frames of stereo interleaved in, after the frames before. */
void loudness_feed(struct loudness *l, const float *in, long frames);

/* Return: the integrated loudness of what was fed, LUFS, or LOUDNESS_SILENT. */
double loudness_integrated(const struct loudness *l);

#endif
