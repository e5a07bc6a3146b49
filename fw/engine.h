/*
 * engine: the sound of the box. Two decks and a DJ mixer, rendered a
 * period at a time in the audio thread, in float.
 *
 *   deck A -> trim -> EQ -> filter -> meter -+-> fader x crossfader -> master bus
 *   deck B -> trim -> EQ -> filter -> meter -+-> (cue button) ------> cue bus
 *
 *   master bus -> master gain -+-> limiter -> meter -> master out (1-2)
 *                              '-------------.
 *   cue bus x cos, master x sin (blend) -> headphone gain -> limiter -> cue out (3-4)
 *
 * Channel strip: trim in dB plus the track's auto-gain (from loudness
 * analysis) when on; dsp/eq.h's 3-band isolator with kills (flat at 0 dB);
 * dsp/djfilter.h's one-knob filter (low-pass left, high-pass right,
 * resonance); the channel meter reads after them, before the fader, as a
 * DJ mixer's does. The channel fader's taper is a square law (half way is
 * -12 dB, the top is unity), the crossfader's curve dsp/mix.h's. Every
 * gain glides across a period (dsp/mix.h's ramps), never steps.
 *
 * Headphones: the cue/master blend is a quarter-turn constant-power pan
 * (0: cue only, 1: master only); the master it blends is taken before the
 * master limiter and the headphone bus has a limiter of its own, with the
 * same look-ahead, so what the DJ cues lines up with what the room hears
 * and neither output can clip (ENGINE_CEILING_DB).
 *
 * Routing, from the board profile: four or more outputs and master-cue:
 * master on 1-2, cue on 3-4, the rest silent; otherwise split cue: mono
 * master on 1, mono cue on 2 (a master-cue profile on fewer than four
 * outputs falls back to it, with a warning).
 *
 * Threads: engine_command() and engine_state() are the loop's; they go
 * through lock-free single-producer single-consumer channels (fw/spsc.h):
 * commands in through a ring (every one counts, in order), a state
 * snapshot out every period through a triple buffer (only the newest
 * counts: the loop reads it when it draws, however many periods went by,
 * and never gets a stale one). engine_process() is the audio thread's and
 * does nothing but arithmetic: no allocation, lock, log or system call.
 * A command takes effect in the first period rendered after it was
 * queued, at its deck command's frame offset (0: the period's start);
 * mixer commands take effect at the start of that period and glide.
 *
 * The audio clock: before each engine_process() the audio thread may say
 * when the call's first frame will be heard (engine_clock(): the time it
 * woke and the frames the device still held then). With it, every state
 * says when its deck positions are heard (heard_ns: the screens draw the
 * decks moving against it), and a command sent by a touch (touch_ns, the
 * kernel's time of the touch) gets its touch to sound: from the touch to
 * the moment its first affected sample leaves the outputs (through the
 * limiters' look-ahead), logged in the state for the loop to collect.
 *
 * Tracks are the caller's (struct track in fw/deck.h, storage from the
 * arena): load one with an ENGINE_DECK command whose deck_cmd is
 * DECK_LOAD. The audio thread reads a track until the state says the
 * deck has moved off it (engine_state's deck[i].track), only then may the
 * loop refill its storage.
 *
 * Use, in the loop thread:
 *
 *     static struct engine e;
 *     engine_init(&e, &board, &arena);         // at init, before guard_arm()
 *     audio_attach(&audio, &e);                // the thread renders it
 *     engine_command(&e, &cmd);                // from the UI
 *     engine_state(&e, &st);                   // for drawing and status
 *     engine_clear(&e);                        // after the audio thread stopped
 */
#ifndef SLIPMAT_ENGINE_H
#define SLIPMAT_ENGINE_H

#include "../dsp/djfilter.h"
#include "../dsp/eq.h"
#include "../dsp/limiter.h"
#include "../dsp/meter.h"
#include "../dsp/mix.h"
#include "board.h"
#include "deck.h"
#include "spsc.h"

struct arena;
struct resample_bank;

#define ENGINE_DECKS 2
#define ENGINE_MAX_PERIOD 1024    /* longer calls are rendered in pieces this long */
#define ENGINE_CMD_QUEUE 256      /* commands the loop may have in flight */
#define ENGINE_CMDS_PER_PERIOD 64 /* taken per period; more wait for the next */
#define ENGINE_CEILING_DB (-0.3)  /* no output sample goes above this */
#define ENGINE_LOOKAHEAD_MS 1.5   /* the limiters' look-ahead (and latency) */
#define ENGINE_RELEASE_MS 150.0
#define ENGINE_TRIM_MIN_DB (-24.0f)
#define ENGINE_TRIM_MAX_DB 12.0f
#define ENGINE_MASTER_MAX_DB 6.0f
#define ENGINE_TOUCH_LOG 16 /* touch-to-sound figures a state keeps (the newest) */

enum engine_op {
	ENGINE_DECK,        /* d: a deck command for deck `deck`, at d.offset */
	ENGINE_TRIM,        /* v[0]: the channel's trim, dB */
	ENGINE_AUTOGAIN,    /* v[0]: the loaded track's gain from loudness analysis, dB */
	ENGINE_AUTOGAIN_ON, /* flags: 1 applies the auto-gain, 0 ignores it */
	ENGINE_EQ,          /* v[0..2]: low, mid, high dB; flags bits 0..2: kill low, mid, high */
	ENGINE_FILTER, /* v[0]: knob, -1 low-pass .. 0 off .. 1 high-pass; v[1]: resonance 0..1 */
	ENGINE_FADER,  /* v[0]: channel fader, 0 .. 1 */
	ENGINE_CUE,    /* flags: the channel's headphone cue button, 1 on */
	ENGINE_XFADER, /* v[0]: -1 deck A only .. 1 deck B only */
	ENGINE_XFADER_CURVE, /* flags: enum xfader_curve */
	ENGINE_MASTER_GAIN,  /* v[0]: dB, at most ENGINE_MASTER_MAX_DB; -inf mutes */
	ENGINE_HP_BLEND,     /* v[0]: 0 cue only .. 1 master only */
	ENGINE_HP_GAIN,      /* v[0]: dB, at most 0; -inf mutes */
};

struct engine_cmd {
	enum engine_op op;
	int deck; /* 0 = A, 1 = B: ENGINE_DECK and the channel's ops */
	int flags;
	float v[3];
	struct deck_cmd d;
	long long touch_ns; /* the touch that sent it, CLOCK_MONOTONIC ns; 0: not a touch */
};

/* One channel strip's settings, as the mixer has them now. */
struct engine_channel {
	float trim_db, autogain_db;
	int autogain_on;
	float eq_db[3];
	int eq_kill; /* bits 0..2 */
	float filter, resonance;
	float fader;
	int cue;
	/* gains where their glides are, for the next period */
	float gain, master_gain, cue_gain;
	struct eq3 eq;
	struct djfilter filter_state;
	struct meter meter;
};

struct engine_state {
	unsigned long periods; /* rendered so far */
	unsigned long frames;
	struct deck_state deck[ENGINE_DECKS];
	float ch_peak[ENGINE_DECKS][2], ch_rms[ENGINE_DECKS][2]; /* linear, 1 = full scale */
	float master_peak[2], master_rms[2];
	float limiter_db; /* the master limiter's gain reduction now, dB */
	int sync_master;  /* the deck the other follows, -1 none */
	float xfader, master_db, hp_blend, hp_db;
	int xfader_curve;
	unsigned long commands; /* applied so far */
	/* when deck[].pos is heard at the outputs, CLOCK_MONOTONIC ns; 0: no audio clock */
	long long heard_ns;
	/* touch-tagged commands applied with the audio clock known, and their
	 * touch to sound in ms: the k-th (from 0) at touch_ms[k % ENGINE_TOUCH_LOG] */
	unsigned long touches;
	float touch_ms[ENGINE_TOUCH_LOG];
};

struct engine {
	int rate, channels, outputs; /* outputs: enum audio_outputs actually used */
	struct resample_bank *bank;
	struct deck deck[ENGINE_DECKS];
	struct engine_channel ch[ENGINE_DECKS];

	float xfader;
	enum xfader_curve curve;
	float master_db, hp_blend, hp_db;
	/* glides, for the next period */
	float master_gain, hp_gain, hp_cue_gain, hp_master_gain;
	struct limiter limiter, hp_limiter;
	struct meter master_meter;
	int sync_master;

	/* scratch, ENGINE_MAX_PERIOD stereo frames each, from the arena */
	float *deck_buf[ENGINE_DECKS], *master, *cue, *hp;

	struct spsc cmds;           /* loop -> audio */
	struct spsc_box states;     /* audio -> loop */
	struct engine_cmd *pending; /* ENGINE_CMDS_PER_PERIOD taken this period */
	struct deck_cmd *deck_cmds[ENGINE_DECKS];
	unsigned long periods, frames, commands;

	/* the audio clock of this engine_process() call (engine_clock()) */
	long long clock_ns; /* when its first output frame is heard; 0: unknown */
	long clock_done;    /* frames of the call rendered so far */
	unsigned long touches;
	float touch_ms[ENGINE_TOUCH_LOG];
};

/*
 * Set e up for b's audio (rate, channels, outputs), taking the resampler's
 * tables, the rings and scratch from a. Decks empty, mixer neutral: trims
 * and EQ at 0 dB, filter off, faders up, no cue, crossfader centre
 * (constant power), master 0 dB, headphones half cue half master at 0 dB.
 * Return: 0, or -errno (logged: what did not fit, or the rate refused).
 * Pre: loop thread, at init.
 */
int engine_init(struct engine *e, const struct board *b, struct arena *a);

/* Post: e is empty (its arena storage goes with the arena). Pre: no thread renders e. */
void engine_clear(struct engine *e);

/*
 * Queue a command for the next period.
 * Return: 0; -EAGAIN when ENGINE_CMD_QUEUE commands are waiting (the
 * audio thread is not running, or is far behind); -EINVAL for a deck
 * other than 0 or 1.
 * Pre: the loop thread (the ring's one producer).
 */
int engine_command(struct engine *e, const struct engine_cmd *c);

/*
 * The newest state the audio thread published, into s.
 * Return: 0; -EAGAIN when it has published none yet (s untouched).
 * Pre: the loop thread (the ring's one consumer).
 */
int engine_state(struct engine *e, struct engine_state *s);

/*
 * Render frames (any number; in pieces of ENGINE_MAX_PERIOD) of
 * e->channels interleaved into out: take waiting commands, render, publish
 * the state.
 * Pre: the audio thread (or one thread standing in for it, in tests).
 */
void engine_process(struct engine *e, float *out, int frames);

/*
 * The audio clock for the next engine_process() call: at at_ns
 * (CLOCK_MONOTONIC) the device held queued frames not yet heard, so the
 * call's first frame is heard queued / rate seconds after at_ns. Good for
 * that one call; without it the call's states have heard_ns 0 and its
 * touch-tagged commands go unmeasured.
 * Pre: the audio thread, right before engine_process().
 */
void engine_clock(struct engine *e, long long at_ns, long queued);

/* "master 1-2, cue 3-4" or "master 1, cue 2". */
const char *engine_routing(const struct engine *e);

/* Seconds of sine in a test track: its loop is the middle second. */
#define ENGINE_TEST_SECONDS 3

/*
 * The box's sound until it has tracks of its own: deck A plays a sine of
 * hz_a, deck B one of hz_b, both peaking at dbfs on both channels, each
 * looping its middle second seamlessly (whole cycles, the interpolator
 * reading sine on both sides of each edge); A on the master (fader up,
 * crossfader full A), B on the cue only (fader down, cue on, headphones
 * full cue), everything else neutral, so the outputs carry each sine at
 * exactly dbfs (after a DECK_RAMP_MS fade in).
 * Return: 0; -ENOSPC when a track holds less than ENGINE_TEST_SECONDS;
 * -EINVAL for a tone the rate cannot carry; -EAGAIN when the command ring
 * is full.
 * Pre: loop thread; tracks from track_init(), not loaded on any deck.
 */
int engine_test_tracks(struct engine *e, struct track tracks[ENGINE_DECKS], int hz_a, int hz_b,
                       double dbfs);

#endif
