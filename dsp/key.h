/*
 * key: the musical key of a track, one of 24 (12 major, 12 minor), in
 * standard and Camelot notation.
 *
 * The mono mix is averaged down to about 5.5 kHz, cut into Hann-windowed
 * frames of KEY_FFT samples (a third of a second), and each frame's
 * spectral peaks between 55 Hz and 1.76 kHz add their magnitude to the
 * pitch class they are nearest to: a chroma profile of the whole track.
 * The key is the one whose Krumhansl-Kessler probe-tone profile, turned
 * to each tonic, correlates best with it; the margin over the runner-up
 * is the confidence.
 *
 * Keys are numbered 0..11 major on C..B and 12..23 minor on C..B.
 */
#ifndef SLIPMAT_KEY_H
#define SLIPMAT_KEY_H

#define KEY_FFT 2048
#define KEY_NOT_FOUND (-1)

struct key {
	int rate;
	int decim;        /* frames averaged into a sample */
	double key_rate;  /* rate / decim */
	float acc;        /* the sample being averaged */
	int acc_n;
	int fill;         /* samples in frame */
	float frame[KEY_FFT];
	float window[KEY_FFT];
	float re[KEY_FFT], im[KEY_FFT];
	float cos_t[KEY_FFT / 2], sin_t[KEY_FFT / 2];
	short pc[KEY_FFT / 2]; /* pitch class of each bin, -1 outside the range */
	double chroma[12];
	long frames_done;
};

/* Post: k empty. */
void key_init(struct key *k, int rate);

/* Listen to frames of stereo interleaved in. */
void key_feed(struct key *k, const float *in, long frames);

/* Return: the key (0..23) or KEY_NOT_FOUND; *confidence 0..1 when not NULL. */
int key_estimate(const struct key *k, double *confidence);

/* "Am", "F#" ...; "?" for KEY_NOT_FOUND. */
const char *key_name(int key);

/* "8A", "8B" ...; "?" for KEY_NOT_FOUND. */
const char *key_camelot(int key);

#endif
