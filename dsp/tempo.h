/*
 * tempo: BPM, a constant-tempo beat grid and the first downbeat, from the
 * band energies wavesum_feed() gives per column.
 *
 * 1. While feeding: the grid's onset strength per column, each band's
 *    rise in log energy (half-wave rectified), weighted and summed: kicks
 *    show in the low band, snares in the mid and high, hats in the high.
 *    Level-independent (ratios, not amounts), so quiet intros and loud
 *    drops count alike. Summed in fours (about 11 ms) it feeds a running
 *    autocorrelation, so the periods cost nothing at the end; the band
 *    energies are kept at that rate too.
 * 2. Candidates: the autocorrelation's strongest peaks between
 *    TEMPO_SEARCH_MIN and TEMPO_SEARCH_MAX and their relatives (x2, /2,
 *    x3/2, x2/3, x4/3, x3/4, x3, /3): the metrical levels the beat may be.
 * 3. Each candidate is refined over the whole track (the best phase of
 *    every few beats, unwrapped into one line: a comb over a long track
 *    has a peak too narrow to search for) and described by the drums:
 *    each band's rise in amplitude (loud hits count, soft ones little),
 *    folded onto the candidate's four-beat bar and between its beats. Of
 *    its two phases (a comb cannot tell a beat from its off-beat) the one
 *    with more onsets on its beats, or with the backbeat, is kept. The
 *    beat is then the candidate whose beats carry the most onsets,
 *    steadily, with the snare's backbeat (high band on two and four, kick
 *    on one and three), whose quarter, third and half beats are quieter
 *    than its beats (else the beat is faster), whose beats are alike in
 *    pairs (else every other one is an off-beat and the beat is slower)
 *    and whose bar has a downbeat. The board's DJ range (min_bpm..max_bpm,
 *    70-180 by default) is a preference weighed with the rest, not a cut:
 *    drums that say 190 or 62 read 190 or 62.
 * 4. Grid: each beat's onset peak located to a fraction of a column and a
 *    weighted least-squares line through the peaks (outliers dropped)
 *    gives the tempo and the beat phase to well under a millisecond.
 * 5. First downbeat: the first beat from which the beats carry onsets
 *    steadily (three of the next four above a share of the typical beat's
 *    onset), moved on to the bar's one: the beat of the four where the
 *    harmony changes most, when that is clear.
 * 6. Confidence 0..1: how steady the beat is (the share of beats on the
 *    line, the share of the track in phase with it), times how clearly
 *    its level beat every other candidate (a tie halves it).
 *
 * Memory is the caller's (the arena): tempo_bytes() says how much a track
 * of max_frames needs. Feeding runs in the loop's slices; tempo_finish()
 * is a few milliseconds for a long track, tempo_finish_step() the same in
 * a few steps.
 */
#ifndef SLIPMAT_TEMPO_H
#define SLIPMAT_TEMPO_H

#include <stddef.h>

#define TEMPO_DECIM 4          /* envelope columns summed for the autocorrelation */
#define TEMPO_SEARCH_MIN 40.0  /* BPM: the slowest candidate */
#define TEMPO_SEARCH_MAX 250.0 /* the fastest */

struct tempo_result {
	double bpm;
	double first_beat; /* frame of the first downbeat */
	double confidence; /* 0..1 */
	int beats;         /* beats that carried an onset and fit the grid */
};

/* tempo_finish_step()'s place between steps. */
enum tempo_fin_stage { TEMPO_FIN_START, TEMPO_FIN_FAMILIES, TEMPO_FIN_GRID };
#define TEMPO_FAMILIES 3 /* autocorrelation peaks whose relatives are weighed */

struct tempo_fin {
	enum tempo_fin_stage stage;
	int np, f, nc; /* families found, the next to weigh, candidates so far */
	double peaks[TEMPO_FAMILIES];
	double lo, hi; /* the DJ range asked for */
	float *on[3], *sum;
};

struct tempo {
	int rate, hop;
	double env_rate;    /* columns per second */
	float *env;         /* the grid's onset strength per column */
	long cap, n;
	float prev[3];      /* last column's log energies */
	int primed;
	long dcap, dn;      /* decimated columns (TEMPO_DECIM each) */
	float dacc;
	int dfill;
	float *ring;        /* the last lag_max + 1 decimated onsets */
	double *acf;        /* running autocorrelation of them, lags 0..lag_max */
	int lag_max;
	double dsum;
	float *band[3];     /* band energies per decimated column */
	float eacc[3];
	float *work;        /* at finish: the structure envelopes */
	void *cands;        /* at finish: the candidate beats */
	struct tempo_fin fin;
};

/* Return: bytes of arena memory for a track of max_frames at rate, columns of hop. */
size_t tempo_bytes(long max_frames, int rate, int hop);

/* Post: t empty, over mem (tempo_bytes(), aligned for double). */
void tempo_init(struct tempo *t, int rate, int hop, void *mem, long max_frames);

/* Append n columns of band energies (wavesum_feed()'s bands). */
void tempo_feed(struct tempo *t, const float (*bands)[4], int n);

/*
 * Estimate from what was fed, preferring min_bpm..max_bpm. May be called
 * again after more feeding.
 * Return: 0, or -ENODATA when there is no steady beat (r->bpm 0).
 */
int tempo_finish(struct tempo *t, double min_bpm, double max_bpm, struct tempo_result *r);

/*
 * The same in steps, for the event loop's slices: the families and the
 * structure envelopes, then each family's candidates, then the grid
 * (about a third of tempo_finish() each for a long track).
 * Return: 1 while there are steps to go (r not set yet), then 0 with r,
 * or -ENODATA; the call after that starts over. Feeding more starts over.
 */
int tempo_finish_step(struct tempo *t, double min_bpm, double max_bpm, struct tempo_result *r);

#endif
