/*
 * deck: one turntable's worth of playback, in the audio thread.
 *
 * A deck plays a track (interleaved stereo float at the engine's rate,
 * possibly still being decoded) through the resampler (dsp/resample.h) at
 * a step (track frames per output frame) made of the pitch fader, a
 * temporary bend, sync, or a scrub's motion. Everything the DJ does
 * arrives as a struct deck_cmd that takes effect at a frame of the period
 * being rendered (its offset), so a hot cue jump or a loop lands on the
 * exact frame asked for, inside that period.
 *
 * Transport, as a CDJ does it:
 *   play/pause  a DECK_RAMP_MS volume ramp in and out (the position keeps
 *               moving under the fade out, then stops): never a click
 *   cue         stopped: set the cue point here (on the nearest beat when
 *               quantising) and preview from it while held, back to it on
 *               release; playing: back to the cue point and stop (after
 *               the fade out); play pressed during a preview keeps playing
 *   hot cues    8: set (quantised), jump, delete
 *   loops       in/out, beat loops of 1/32..32 beats from the grid, halve,
 *               double, exit; the wrap keeps the fractional position, so
 *               a loop of whole cycles is seamless
 *   pitch       fader -1..1 times a range of 8, 16 or 50 %; bend (nudge)
 *               is a temporary offset on top
 *   scrub       the UI sends where the platter is and how fast it moves;
 *               the deck follows with a first-order controller on the
 *               step, ramped sample by sample, so no clicks
 *   slip        while on, a shadow position runs on at the play speed
 *               under loops and scrubs; leaving them resumes there
 *   sync        the engine hands the leader's beat clock to the follower
 *               each period; the follower plays at the leader's tempo and
 *               a phase controller (DECK_SYNC_TAU_MS, at most
 *               DECK_SYNC_MAX_CORR of the tempo) keeps the beats together
 *
 * Jumps (hot cues, cue, seek, loop exits with slip) cut at the exact frame,
 * as a CDJ's do: quantised, they land on a transient anyway, and a
 * crossfade would smear the very frame the DJ asked for.
 *
 * Quantise: cue, hot cue and loop points snap to the nearest beat (loop
 * ins and beat loops to the beat at or before the position); a hot cue
 * jump keeps the deck's offset from its nearest beat, so the beat goes on
 * where it was. Without a usable grid nothing snaps and beat loops are
 * refused.
 *
 * The audio thread owns struct deck entirely; the loop sees it only through
 * deck_read() copies that the engine publishes.
 */
#ifndef SLIPMAT_DECK_H
#define SLIPMAT_DECK_H

#include <stdatomic.h>

#include "grid.h"

struct resample_bank;

#define DECK_HOTCUES 8
#define DECK_RAMP_MS 5.0        /* play/pause fade */
#define DECK_SYNC_TAU_MS 250.0  /* phase error halves in ~0.17 s */
#define DECK_SYNC_MAX_CORR 0.02 /* phase correction: at most 2 % of the tempo */
#define DECK_SCRUB_TAU_MS 20.0  /* scrub follows within about this */
#define DECK_SCRUB_MAX_STEP 8.0 /* the fastest a platter is followed */
#define DECK_LOOP_MIN_BEATS (1.0 / 32)
#define DECK_LOOP_MAX_BEATS 32.0

/*
 * A track in memory. The loop fills samples[0 .. 2 * ready) and publishes
 * ready (release) as decoding goes on; the audio thread reads ready
 * (acquire) and never reads beyond it (silence there). frames is the
 * track's length, set before the track is loaded; the loader may correct
 * it once, at the end, for a file whose header claimed another length,
 * so it is atomic too.
 */
struct track {
	float *samples; /* interleaved stereo, at the engine's rate */
	long capacity;  /* frames samples can hold */
	atomic_long frames; /* length of the track in it */
	atomic_long ready;
};

/* Post: t empty, over caller-owned (arena) storage of capacity frames. */
void track_init(struct track *t, float *samples, long capacity);

/* Loop thread: frames [0, ready) are decoded. */
void track_set_ready(struct track *t, long ready);

enum deck_op {
	DECK_LOAD,   /* track: stopped at frame 0, cue 0, no hot cues or loop */
	DECK_UNLOAD, /* empty: the deck stops reading the track */
	DECK_GRID,   /* grid */
	DECK_PLAY,   /* a: 1 play, 0 pause */
	DECK_PLAY_TOGGLE,
	DECK_CUE,           /* a: 1 pressed, 0 released */
	DECK_HOTCUE_SET,    /* index 0..7; b != 0: at frame a exactly (restoring a saved one) */
	DECK_HOTCUE_JUMP,   /* index; an unset hot cue is ignored */
	DECK_HOTCUE_DELETE, /* index */
	DECK_LOOP_IN,       /* mark the in point */
	DECK_LOOP_OUT,      /* mark the out point and loop */
	DECK_LOOP_SET,      /* a: in, b: out (frames), loop: restoring a saved one */
	DECK_LOOP_BEATS,    /* a: beats, 1/32 .. 32 */
	DECK_LOOP_HALVE,
	DECK_LOOP_DOUBLE,
	DECK_LOOP_EXIT,
	DECK_PITCH,       /* a: fader, -1 .. 1 */
	DECK_PITCH_RANGE, /* a: 8, 16 or 50 (percent) */
	DECK_BEND,        /* a: temporary rate offset (0.04 = 4 % faster); 0 ends it */
	DECK_SCRUB,       /* a: target frame, b: its velocity (1 = play speed) */
	DECK_SCRUB_END,
	DECK_SEEK,     /* a: frame */
	DECK_SLIP,     /* a: on/off */
	DECK_QUANTISE, /* a: on/off */
	DECK_SYNC,     /* a: on/off (the engine picks the leader) */
	DECK_CUE_POINT, /* a: the cue point's frame (restoring a saved one) */
};

struct deck_cmd {
	enum deck_op op;
	int offset; /* frame of the period it takes effect at; 0 = its start */
	int index;
	double a, b;
	struct track *track;
	struct beat_grid grid;
};

/* The leader's beat clock, from deck_clock() at the start of a period. */
struct deck_clock {
	int valid;                    /* a usable grid: there is a tempo to follow */
	int moving;                   /* playing: there is a phase to follow */
	double beat;                  /* its beat position at the period's first frame */
	double beats_per_frame;       /* how fast that moves while playing */
	double tempo_beats_per_frame; /* its tempo, moving or not */
};

struct deck {
	int rate;
	const struct resample_bank *bank;
	struct track *track;
	struct beat_grid grid;

	double pos;    /* play position, track frames */
	double shadow; /* slip: where the track would be */
	double cue;
	double hotcue[DECK_HOTCUES];
	unsigned hotcues; /* bit i: hot cue i is set */

	double loop_in, loop_out;
	int loop_in_marked; /* DECK_LOOP_IN seen, no out yet */
	int loop_active;

	int playing;    /* the transport says play */
	int previewing; /* cue held while stopped */
	int cue_held;
	double jump_after_fade; /* where to go once the fade out ends */
	int jump_pending;

	int slip, slipping; /* slipping: the shadow is ahead of a loop or scrub */
	int quantise;
	int sync;      /* the DJ's sync button */
	int following; /* set by the engine each period: sync has a leader */
	struct deck_clock leader;

	int scrubbing;
	double scrub_target, scrub_velocity;
	long scrub_age; /* frames since the last scrub command */

	double fader; /* -1 .. 1 */
	double range; /* 0.08, 0.16, 0.50 */
	double bend;

	double step; /* at the end of the last rendered frame */
	float vol;   /* play/pause fade, 0 .. 1 */
	float ramp;  /* vol change per frame */
};

/* What the loop sees of a deck. */
struct deck_state {
	int loaded;
	const struct track *track; /* which one: the loop may refill it once this moves off */
	double pos, shadow, frames, ready;
	int playing, previewing, scrubbing, audible;
	double cue;
	unsigned hotcues;
	double hotcue[DECK_HOTCUES];
	int loop_active;
	double loop_in, loop_out, loop_beats;
	int slip, slipping, quantise, sync, following;
	double bpm;   /* the track's tempo as it plays now; 0 without a grid */
	double step;  /* track frames per output frame now (1 = original speed) */
	double pitch; /* the fader's effect, percent */
	double range; /* percent */
	double bend;
	double phase; /* beats from the nearest beat, -0.5 .. 0.5 */
};

/* Post: d empty, stopped, pitch range 8 %, quantise on. */
void deck_init(struct deck *d, int rate, const struct resample_bank *bank);

/*
 * The deck's beat clock at the start of the next period, for a follower.
 * Pre: audio thread, before deck_render() of this period.
 */
void deck_clock(const struct deck *d, struct deck_clock *c);

/*
 * Follow leader this period (NULL: follow nobody). The engine calls it
 * each period before deck_render() for a deck whose sync is on.
 */
void deck_follow(struct deck *d, const struct deck_clock *leader);

/*
 * Render frames of stereo into out, applying cmds (sorted by offset; an
 * offset past the period counts as its last frame) at their frames.
 * Pre: audio thread; frames >= 1.
 */
void deck_render(struct deck *d, float *out, int frames, const struct deck_cmd *cmds, int ncmds);

/* Fill s. Any thread that owns d at the time (the audio thread). */
void deck_read(const struct deck *d, struct deck_state *s);

#endif
