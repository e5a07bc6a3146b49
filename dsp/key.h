/*
 * key: the musical key of a track, one of 24 (12 major, 12 minor), in
 * standard and Camelot notation.
 *
 * Chroma: the mono mix is averaged down to about 11 kHz, low-passed at
 * 2.2 kHz (fourth-order Butterworth) and halved (5.5 or 6 kHz), cut into
 * Hann-windowed frames of KEY_FFT samples (0.7 s), and each frame's
 * prominent spectral peaks between 60 Hz and 2 kHz (at least a hundredth
 * of the frame's largest, twice their neighbourhood's mean, and -80 dBFS)
 * are placed to a tenth of a semitone. Peaks below C3 go to a bass
 * histogram; the others to the frame's treble histogram, normalised so
 * that every sounding frame counts the same, and kept by the frame's
 * level (3 dB steps): frames 10 dB or more below the track's mean (a
 * drum intro, a breakdown's noise) are left out at the end. The tuning is
 * where the peaks sit within their semitones on average, and the
 * histograms fold into 12 pitch classes around it.
 *
 * Key: first the key signature, the diatonic set (seven notes) that
 * correlates best with the treble chroma. It holds a major key and its
 * relative minor, which counting pitches cannot tell apart (Am F C G and
 * C G Am F are the same chords in another order). The tonic is the one
 * of the two with the stronger evidence: its triad in the whole track's
 * treble, its triad in the opening (1.5 s from the first frame at 0.3 of
 * the track's mean level: a phrase starts on its tonic), and, at half
 * weight, the bass on the tonic note. A track whose first chord is not
 * its tonic can so be read as its relative key (same Camelot number). The
 * confidence is twice the smaller of the two decisions' margins
 * (correlation units), at most 1.
 *
 * Cost: a 4096-point FFT per 0.7 s of audio and two biquads at 11 kHz,
 * about 0.01 s of CPU per minute of audio on the x86-64 host.
 * Keys are numbered 0..11 major on C..B and 12..23 minor on C..B.
 */
#ifndef SLIPMAT_KEY_H
#define SLIPMAT_KEY_H

#include "biquad.h"

#define KEY_FFT 4096
#define KEY_FINE 120 /* tenths of a semitone in an octave */
#define KEY_OPENING 16  /* frames kept from the first sounding one */
#define KEY_LEVELS 32 /* frames' treble energy in 3 dB steps below full scale */
#define KEY_NOT_FOUND (-1)

struct key {
	int rate;
	int decim;        /* frames averaged into a sample of the first stage */
	double key_rate;  /* rate / decim / 2 */
	float acc;        /* the sample being averaged */
	int acc_n, phase;
	struct biquad_coef aa[2]; /* the anti-alias low-pass */
	float z1[2], z2[2];
	int fill;         /* samples in frame */
	int lo_bin, hi_bin;
	float floor;      /* the smallest peak magnitude counted */
	float frame[KEY_FFT];
	float window[KEY_FFT];
	float re[KEY_FFT], im[KEY_FFT];
	float cos_t[KEY_FFT / 2], sin_t[KEY_FFT / 2];
	double full_scale;       /* a full-scale sine's peak energy */
	double treble[KEY_LEVELS][KEY_FINE]; /* normalised frames, summed by level */
	double level_energy[KEY_LEVELS];
	long level_frames[KEY_LEVELS];
	double bass[KEY_FINE];   /* peak magnitudes below KEY_SPLIT */
	double energy;           /* the sounding frames' treble peak energy */
	long sounding;
	float open[KEY_OPENING][KEY_FINE]; /* the first sounding frames' treble */
	double open_energy[KEY_OPENING];
	int opened;
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
