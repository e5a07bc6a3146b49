/*
 * scene: what the engine benchmarks play, the same in every one of them.
 *
 * The "full engine": 48 kHz, 64-frame periods, four outputs
 * (master 1-2, cue 3-4); both decks playing at +3 % (pitch range 8 %,
 * fader at 3/8) through the resampler, each looping 32 beats of its own
 * generated track so a run of any length keeps both playing; every
 * channel with its EQ off flat (+3/-3/+4 dB), its filter a third of the
 * way (deck A low-pass, deck B high-pass, resonance 0.5) and its cue
 * button on; the crossfader in the middle; master gain +6 dB, which keeps
 * the limiter working (the tracks peak near full scale).
 *
 * The tracks: a kick on every beat at 125 bpm (a beat is 23040 frames
 * exactly, so the grid and the loop are exact), a bass note, a chord and
 * noise hats, a different key and level per deck; generated, so the
 * figures never depend on a file.
 */
#ifndef SLIPMAT_BENCH_SCENE_H
#define SLIPMAT_BENCH_SCENE_H

#include "fw/board.h"
#include "fw/deck.h"
#include "fw/engine.h"

#define SCENE_RATE 48000
#define SCENE_PERIOD 64
#define SCENE_CHANNELS 4
#define SCENE_BPM 125.0
#define SCENE_BEAT_FRAMES 23040L /* 60 s * 48000 / 125: a whole number of frames */
#define SCENE_LOOP_BEATS 32
#define SCENE_PITCH_RANGE 8.0 /* percent */
#define SCENE_PITCH 3.0       /* percent */
#define SCENE_MASTER_DB 6.0f

struct arena;

struct scene {
	struct track track[ENGINE_DECKS];
	long frames; /* of each track */
};

/* A profile for the scene: device is the PCM's name (e.g. "wav:/dev/null"). */
void scene_board(struct board *b, const char *device);

/*
 * Generate the two tracks into storage from a.
 * Return: 0, or -ENOMEM (a too small).
 */
int scene_tracks(struct scene *s, struct arena *a);

/*
 * Queue the commands that set the scene up on e; the first
 * engine_process() applies them. Decks fade in over DECK_RAMP_MS.
 * Return: 0, or engine_command()'s -errno.
 */
int scene_start(struct scene *s, struct engine *e);

/*
 * All of it: an arena of bytes, the engine on b in it, the tracks, the
 * commands queued.
 * Return: 0, or the first step's -errno.
 */
int scene_setup(struct scene *s, struct engine *e, struct arena *a, size_t bytes,
                const struct board *b);

#endif
