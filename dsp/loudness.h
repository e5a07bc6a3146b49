/*
 * loudness: integrated loudness of a stereo track (or of up to 8
 * channels), EBU R128 / ITU-R BS.1770-4, for the mixer's auto-gain.
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
 * More channels (loudness_channels(): 5.0 as L, R, C, Ls, Rs with the
 * standard's weights 1, 1, 1, 1.41, 1.41, an LFE at 0) run through the
 * same two kernels a pair of channels at a time, each pair with its own
 * filter states; the stereo path is the one above, unchanged.
 *
 * Memory: 4 bytes per 100 ms of track, the caller's (the arena).
 */
#ifndef SLIPMAT_LOUDNESS_H
#define SLIPMAT_LOUDNESS_H

#include <stddef.h>

#include "biquad.h"

#define LOUDNESS_CHUNK 512
#define LOUDNESS_SILENT (-200.0) /* what nothing above the gates reads */
#define LOUDNESS_MAX_CHANNELS 8
#define LOUDNESS_SURROUND 1.41 /* BS.1770's weight of Ls and Rs (L, R, C: 1.0) */

struct loudness {
	int rate;
	int channels;                         /* interleaved in what is fed; 2 after init */
	double weight[LOUDNESS_MAX_CHANNELS]; /* each channel's G */
	struct biquad_coef k[2];
	struct biquad_state st[LOUDNESS_MAX_CHANNELS / 2][2]; /* per pair of channels, per stage */
	long sub_frames; /* 100 ms */
	long fill;       /* frames in the current 100 ms */
	double acc;      /* its sum of squares, weighted, all channels */
	float *sub;      /* mean square per 100 ms (sum of the channels') */
	long cap, n;
	float buf[2 * LOUDNESS_CHUNK]; /* one pair of channels */
};

/* Return: bytes for a track of max_frames at rate. */
size_t loudness_bytes(long max_frames, int rate);

/* Post: l empty over mem (loudness_bytes(), float-aligned), stereo. */
void loudness_init(struct loudness *l, int rate, void *mem, long max_frames);

/*
 * Measure channels (1..LOUDNESS_MAX_CHANNELS) interleaved, channel i
 * weighing weight[i] (0 leaves it out). Pre: nothing fed yet.
 * Return: 0, or -EINVAL (l unchanged).
 */
int loudness_channels(struct loudness *l, int channels, const double *weight);

/* Measure frames of interleaved in (stereo unless told), after the frames before. */
void loudness_feed(struct loudness *l, const float *in, long frames);

/* Return: the integrated loudness of what was fed, LUFS, or LOUDNESS_SILENT. */
double loudness_integrated(const struct loudness *l);

#endif
