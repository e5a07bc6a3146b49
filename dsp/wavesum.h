/*
 * wavesum: the three-band waveform summary, and the band energies the
 * tempo analysis reads.
 *
 * The track is mixed to mono and halved in rate (each pair of frames
 * averaged), then split by two second-order Butterworth sections: low
 * below WAVESUM_LOW_HZ, high above WAVESUM_HIGH_HZ, mid what is left
 * (mono - low - high). Every hop frames (128 at 44.1 and 48 kHz, 256
 * above 64 kHz) give one column: the RMS of each band and the peak of the
 * mono signal. Columns are kept as a pyramid of WAVESUM_LEVELS levels,
 * level l holding one column per hop << l frames (level 0: 2.7 ms at
 * 48 kHz, the closest zoom; level 9: 1.4 s), so the UI reads any zoom by
 * pooling a handful of columns of the nearest finer level
 * (wavesum_read()), and the whole-track overview the same way.
 *
 * A column's four bytes are amplitudes on a square-root scale (byte q is
 * the linear amplitude (q / 255)^2, full scale at 255): a quiet intro
 * still shows while the drops do not clip. Pooling is energy-true (the
 * RMS of the pooled RMS values) and peaks pool by maximum.
 *
 * The hot kernel, wavesum_reduce(), has a NEON twin that gives the
 * scalar reference's bits (the same four partial sums, in the same order).
 */
#ifndef SLIPMAT_WAVESUM_H
#define SLIPMAT_WAVESUM_H

#include <stddef.h>

#define WAVESUM_LEVELS 10
#define WAVESUM_LOW_HZ 200.0
#define WAVESUM_HIGH_HZ 2500.0

struct wave_col {
	unsigned char peak, low, mid, high;
};

struct wavesum {
	int rate;
	int hop;       /* frames per column at level 0 */
	float lp[5];   /* low-pass b0 b1 b2 a1 a2, at rate / 2 */
	float hp[5];   /* high-pass */
	float lz[2];   /* filter states (transposed direct form II) */
	float hz[2];
	int fill;      /* decimated samples in the current column */
	float acc[4];  /* its sums of squares (low, mid, high) and peak */
	float bp[2][5]; /* mid: high-pass at the low edge, then low-pass at the high edge */
	float bz[2][2];
	float x[128], lo[128], mid[128], hi[128]; /* the current column's decimated samples */
	struct wave_col *level[WAVESUM_LEVELS];
	long cap[WAVESUM_LEVELS];
	long n[WAVESUM_LEVELS];           /* columns done per level */
	float pool[WAVESUM_LEVELS][4];    /* the pending pair's energies and peak */
};

/* Return: frames per level-0 column at rate. */
int wavesum_hop(int rate);

/* Return: the columns (of all levels) a track of max_frames needs. */
long wavesum_columns(long max_frames, int rate);

/*
 * Post: w empty, over caller-owned (arena) cols of wavesum_columns(
 * max_frames, rate) columns. rate: 8000..384000.
 */
void wavesum_init(struct wavesum *w, int rate, struct wave_col *cols, long max_frames);

/*
 * Summarise frames of stereo interleaved in, after the frames before.
 * For every column completed, bands[i] gets its mean squares of low, mid
 * and high and its peak (linear). Pre: bands holds frames / hop + 1.
 * Return: the number of columns completed.
 */
int wavesum_feed(struct wavesum *w, const float *in, int frames, float (*bands)[4]);

/* Return: frames summarised into whole columns so far. */
long wavesum_frames(const struct wavesum *w);

/*
 * n columns of frames_per_col frames each, the first starting at frame
 * from (negative and unanalysed frames read as zero, the waveform before
 * it is ready). frames_per_col > 0 is any zoom; the overview of a track
 * is wavesum_read(w, 0, frames / n, out, n).
 */
void wavesum_read(const struct wavesum *w, double from, double frames_per_col, struct wave_col *out,
		  int n);

/*
 * The kernel: over n decimated samples x with their three bands,
 * out = {sum lo^2, sum mid^2, sum hi^2, max |x|}.
 */
void wavesum_reduce(const float *x, const float *lo, const float *mid, const float *hi, int n,
		    float out[4]);
void wavesum_reduce_scalar(const float *x, const float *lo, const float *mid, const float *hi, int n,
			   float out[4]);

/* Return: 1 when this build reduces with NEON. */
int wavesum_has_neon(void);

#endif
