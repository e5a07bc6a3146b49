/*
 * meter: level meters for a stereo bus (each channel strip, the master).
 *
 * Peak: the largest sample magnitude, which holds for METER_HOLD_MS and
 * then falls at METER_FALL_DB_S, the way a DJ mixer's LED ladder reads.
 * RMS: the root mean square over the last 300 ms, a sliding window kept
 * as 30 slices of 10 ms (each slice's sum of squares), so the reading
 * follows the music with at most 10 ms delay and a steady tone reads its
 * exact RMS (a 0.5-amplitude sine: -6.02 dBFS peak, -9.03 dBFS RMS).
 * Readings are linear (1.0 = full scale). A non-finite sample reads as
 * full scale, so a broken signal pins the meter instead of hiding.
 *
 * meter_process() runs in the audio thread (no allocation, no calls out,
 * the state is in the struct); meter_read() in the same thread, which
 * posts the values to the loop with the rest of the engine's state.
 *
 * The kernel, meter_scan(), sums squares in eight interleaved partial
 * sums (four frames a step) combined in a fixed order, in NEON and in
 * its scalar twin alike, so the two give the same bits.
 */
#ifndef SLIPMAT_METER_H
#define SLIPMAT_METER_H

#define METER_SLICES 30    /* the RMS window: 30 slices */
#define METER_SLICE_MS 10  /* of 10 ms: 300 ms */
#define METER_HOLD_MS 500  /* a peak holds this long */
#define METER_FALL_DB_S 20 /* then falls this fast */

struct meter {
	int slice_frames; /* frames in a slice at this rate */
	int fill;         /* frames summed into the current slice */
	float sum[2];     /* the current slice's sums of squares */
	float slices[METER_SLICES][2];
	int next; /* the slice the current one replaces */
	float peak[2];
	int hold[2];      /* frames the peak still holds */
	int hold_frames;  /* METER_HOLD_MS at this rate */
	double fall_log2; /* log2 of the per-frame fall factor */
};

/* Post: m reads silence (0) for rate frames a second. */
void meter_init(struct meter *m, int rate);

/* Measure frames of stereo interleaved in. */
void meter_process(struct meter *m, const float *in, int frames);
void meter_process_scalar(struct meter *m, const float *in, int frames);

/* Peak (with hold and fall) and RMS of each channel, linear. */
void meter_read(const struct meter *m, float peak[2], float rms[2]);

/* The kernel: each channel's sum of squares and largest magnitude over in. */
void meter_scan(const float *in, int frames, float sumsq[2], float peak[2]);
void meter_scan_scalar(const float *in, int frames, float sumsq[2], float peak[2]);

/* Return: 1 when this build measures with NEON, else 0. */
int meter_has_neon(void);

#endif
