/*
 * analyze: a track's analysis as a job the event loop runs in
 * time-budgeted slices: BPM and beat grid, key, integrated loudness and
 * auto-gain, and the three-band waveform summary.
 *
 * The job reads the deck's struct track while it is still being decoded:
 * each slice takes what lies in [done, ready) (acquire), so playing never
 * waits and the waveform fills in behind the decoder. Once the track's
 * last frame has been read, the finish runs one step a slice, each in a
 * slice of its own (never behind reading): tempo and grid in steps
 * (tempo_finish_step(): the candidate families, each family's
 * candidates, the grid), then key, then loudness and auto-gain; then
 * result.done is 1. A step is not cut by the budget. Measured on the
 * x86-64 host (a 10-minute generated track at 48 kHz, 2 ms budget, thread
 * CPU time, three runs): reading slices took at most 2.12 ms, the eight
 * finish steps at most 1.61 ms each (key 0.02 ms, loudness 0.11 ms).
 * With the tempo finish in one step its slice was 5 to 15 ms.
 *
 * All memory comes from the arena once (analyze_init(), for the longest
 * track a deck holds); a job is reused for every track (analyze_start()).
 * The results are a plain struct with a version (struct analysis), what
 * the library's per-track store saves, so a track is analysed once; the
 * waveform columns are in the job (wavesum_read(&job->wave, ...)).
 */
#ifndef SLIPMAT_ANALYZE_H
#define SLIPMAT_ANALYZE_H

#include "arena.h"
#include "deck.h"
#include "grid.h"

#include "../dsp/key.h"
#include "../dsp/loudness.h"
#include "../dsp/tempo.h"
#include "../dsp/wavesum.h"

#define ANALYSIS_VERSION 2 /* grows when the analysis changes: saved results are redone */
#define ANALYZE_CHUNK 4096 /* frames between looks at the clock */

/* What the analysis found: saved per track (plain data, no pointers). */
struct analysis {
	int version;      /* ANALYSIS_VERSION */
	int done;         /* 1: every field below is final */
	int rate;         /* the frames below are at this rate */
	long frames;      /* the track's length */
	struct beat_grid grid; /* invalid when no steady beat was found */
	double bpm_confidence; /* 0..1 */
	int key;               /* 0..11 major C..B, 12..23 minor, KEY_NOT_FOUND */
	double key_confidence; /* 0..1 */
	double lufs;           /* integrated loudness, LOUDNESS_SILENT for silence */
	double gain_db;        /* auto-gain to the target: target - lufs, within +-24 dB */
	double target_lufs;
};

/* READING until the last frame is read; then one finish step a slice, in this order. */
enum analyze_state {
	ANALYZE_IDLE,
	ANALYZE_READING,
	ANALYZE_TEMPO,    /* BPM and grid: the longest step */
	ANALYZE_KEY,
	ANALYZE_LOUDNESS, /* and the auto-gain; then the result is done */
	ANALYZE_DONE
};

struct analyze {
	enum analyze_state state;
	const struct track *track;
	long done;      /* frames read so far */
	long max_frames;
	int rate;
	double min_bpm, max_bpm, target_lufs;
	struct analysis result;
	int known;      /* the result came with the track: waveform only */
	struct wavesum wave;
	struct tempo tempo;
	struct loudness loud;
	struct key key;
	struct wave_col *cols;
	void *tempo_mem, *loud_mem;
	float bands[ANALYZE_CHUNK / 128 + 2][4];
};

/*
 * Take memory for tracks of up to max_frames at rate from the arena.
 * min_bpm, max_bpm and target_lufs come from the board profile.
 * Return: 0, or -ENOMEM (the arena said what did not fit).
 */
int analyze_init(struct analyze *a, struct arena *ar, int rate, long max_frames, double min_bpm,
		 double max_bpm, double target_lufs);

/* Start on track (its frames fixed, decoding may go on). Return: 0, -EINVAL (too long). */
int analyze_start(struct analyze *a, const struct track *t);

/*
 * Read for about budget_ns (at least one chunk), or once every frame is
 * read run the next finish step. Return: 1 when the result is done, 0
 * when there is more to do (or the decoder is behind).
 */
int analyze_step(struct analyze *a, long budget_ns);

/*
 * After analyze_start(): the track's tempo, grid, key and loudness are
 * known already (its store record, from an earlier analysis): only the
 * waveform is read, and the result is known (its gain worked out for
 * this profile's target).
 */
void analyze_known(struct analyze *a, const struct analysis *known);

/* Forget the track (the deck unloads it). */
void analyze_stop(struct analyze *a);

#endif
