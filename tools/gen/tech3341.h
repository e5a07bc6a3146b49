/*
 * tech3341: the test signals of EBU Tech 3341 (loudness metering, the
 * minimum requirements' cases 1 to 6), made from the specification's
 * description: 1 kHz sines at the stated levels (dBFS of the sine's peak)
 * and durations, in sequence. Cases 1 to 5 are stereo, the same sine on
 * both channels; case 6 is 5.0, channels L, R, C, Ls, Rs at -28, -28,
 * -24, -30, -30 dBFS for 20 s, to be measured with BS.1770's channel
 * weights (1, 1, 1, 1.41, 1.41). The expected integrated loudness is
 * -23.0 LUFS (case 2: -33.0), within +-0.1 LU.
 */
#ifndef SLIPMAT_TECH3341_H
#define SLIPMAT_TECH3341_H

#define TECH3341_CASES 6
#define TECH3341_MAX_CHANNELS 5

/* Return: the frames case c (1..6) lasts at rate. */
long tech3341_frames(int c, int rate);

/* Return: the channels of case c (2, or 5 for case 6), 0 for no such case. */
int tech3341_channels(int c);

/* Render case c into out (tech3341_channels(c) interleaved, frames). Return: the expected LUFS. */
double tech3341_make(int c, int rate, float *out, long frames);

#endif
