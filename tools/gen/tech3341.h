/*
 * tech3341: the stereo test signals of EBU Tech 3341 (loudness metering,
 * the minimum requirements' cases 1 to 5), made from the specification's
 * description: 1 kHz sines on both channels at the stated levels (dBFS of
 * the sine's peak) and durations, in sequence. The expected integrated
 * loudness is -23.0 LUFS (case 2: -33.0), within +-0.1 LU.
 */
#ifndef SLIPMAT_TECH3341_H
#define SLIPMAT_TECH3341_H

#define TECH3341_CASES 5

/* Return: the frames case c (1..5) lasts at rate. */
long tech3341_frames(int c, int rate);

/* Render case c into out (stereo, frames). Return: the expected LUFS. */
double tech3341_make(int c, int rate, float *out, long frames);

#endif
