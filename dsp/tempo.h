/*
 * tempo: BPM, a constant-tempo beat grid and the first downbeat, from the
 * band energies wavesum_feed() gives per column.
 *
 * 1. Onset strength per column: each band's rise in log energy (half-wave
 *    rectified), weighted and summed: kicks show in the low band, snares
 *    in the mid, hats in the high. Level-independent (ratios, not
 *    amounts), so quiet intros and loud drops count alike.
 * 2. Tempo: the onset envelope, summed in fours (about 11 ms), keeps a
 *    running autocorrelation as it grows, so this costs nothing at the
 *    end. Each candidate beat period L scores A(L) + A(2L) / 2 (the beat
 *    and the half bar agree); candidates outside the board's DJ range
 *    (default 70-180 BPM) are weighed down smoothly rather than cut.
 *    Then the metrical level: among the pick and those of its relatives
 *    (x2, /2, x3/2, x2/3) that lie in the DJ range and have at least half
 *    its score, the beat is the one at which the mid and high bands
 *    (snares, claps) repeat every two beats but not every beat: the
 *    backbeat. Of two
 *    octave-related candidates with similar evidence (84 or 168, 67 or
 *    134) the one in the range wins.
 * 3. Grid: a comb over the full-resolution envelope finds the period
 *    (to 0.01 %) and phase with the most onset energy on the beats; then
 *    each beat's onset peak is located to a fraction of a column and a
 *    weighted least-squares line through the peaks (outliers dropped)
 *    gives the tempo and the beat phase to well under a millisecond.
 * 4. First downbeat: the first beat from which the beats carry onsets
 *    steadily (three of the next four above a share of the typical
 *    beat's onset): silence and beatless intros are skipped, and drums
 *    that enter on the one give the downbeat.
 * 5. Confidence 0..1: how much of the comb's energy sits on the beats
 *    against between them, times the share of beats that fit the line.
 *
 * Memory is the caller's (the arena): tempo_bytes() says how much a track
 * of max_frames needs. Feeding runs in the loop's slices; tempo_finish()
 * is a few milliseconds for a long track.
 */
#ifndef SLIPMAT_TEMPO_H
#define SLIPMAT_TEMPO_H

#include <stddef.h>

#define TEMPO_DECIM 4          /* envelope columns summed for the autocorrelation */
#define TEMPO_SEARCH_MIN 50.0  /* BPM: the slowest candidate */
#define TEMPO_SEARCH_MAX 220.0 /* the fastest */

struct tempo_result {
	double bpm;
	double first_beat; /* frame of the first downbeat */
	double confidence; /* 0..1 */
	int beats;         /* beats that carried an onset and fit the grid */
};

struct tempo {
	int rate, hop;
	double env_rate;    /* columns per second */
	float *env;         /* onset strength per column */
	long cap, n;
	float prev[3];      /* last column's log energies */
	int primed;
	float *denv;        /* env summed in TEMPO_DECIM */
	long dcap, dn;
	float dacc;
	int dfill;
	double *acf;        /* running autocorrelation of denv, lags 0..lag_max */
	int lag_max;
	double dsum;
	float prevm, macc;  /* the mid and high bands together (snares) */
	float *menv;
	double *macf, msum;
	float *scratch;     /* the smoothed envelope, at finish */
};

/* Return: bytes of arena memory for a track of max_frames at rate, columns of hop. */
size_t tempo_bytes(long max_frames, int rate, int hop);

/* Post: t empty, over mem (tempo_bytes(), aligned for double). */
void tempo_init(struct tempo *t, int rate, int hop, void *mem, long max_frames);

/* Append n columns of band energies (wavesum_feed()'s bands). */
void tempo_feed(struct tempo *t, const float (*bands)[4], int n);

/*
 * Estimate from what was fed, preferring min_bpm..max_bpm.
 * Return: 0, or -ENODATA when there is no steady beat (r->bpm 0).
 */
int tempo_finish(struct tempo *t, double min_bpm, double max_bpm, struct tempo_result *r);

#endif
