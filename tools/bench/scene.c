/*
 * scene.c: the benchmarks' two tracks and the commands that play them.
 */
#include "scene.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fw/arena.h"

/* Frames of track: the loop and one beat more, so the loop's end is real audio. */
#define SCENE_FRAMES ((SCENE_LOOP_BEATS + 1) * SCENE_BEAT_FRAMES)

void scene_board(struct board *b, const char *device)
{
	board_defaults(b);
	snprintf(b->name, sizeof b->name, "bench");
	b->backend = BOARD_BACKEND_SIM;
	snprintf(b->audio.device, sizeof b->audio.device, "%s", device);
	b->audio.format = FMT_S16_LE;
	b->audio.rate = SCENE_RATE;
	b->audio.channels = SCENE_CHANNELS;
	b->audio.period = SCENE_PERIOD;
	b->audio.periods = 2;
	b->audio.outputs = OUTPUTS_MASTER_CUE;
	b->rt.priority = 70;
	b->rt.cpus = 0;
}

static uint32_t next_noise(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* A sine table: generating a track costs a few instructions per sample, so
 * counting instructions under qemu does not spend its time here. */
#define SINE_BITS 12
#define SINE_LEN (1 << SINE_BITS)
static float sine[SINE_LEN];

/* sin(2 pi phase), phase in [0, 1) as a 32-bit fraction. */
static float sine_at(uint32_t phase)
{
	return sine[phase >> (32 - SINE_BITS)];
}

static uint32_t phase_step(double hz)
{
	return (uint32_t)(hz / SCENE_RATE * 4294967296.0);
}

/*
 * One beat of a track, then copies of it: a pitch-dropping, decaying sine
 * kick, a bass note, a three-note chord, and a burst of noise hats on the
 * off-beat. root is the bass note's frequency; level scales the whole.
 * (Generating one beat and tiling it keeps the set-up to a few million
 * instructions, which matters when qemu logs every one of them.)
 */
static void generate(float *out, long frames, double root, float level, uint32_t seed)
{
	const long beat = SCENE_BEAT_FRAMES;
	const float kick_fall = 1.0f - 30.0f / SCENE_RATE, kick_decay = 1.0f - 6.0f / SCENE_RATE;
	const float bass_decay = 1.0f - 3.0f / SCENE_RATE, hat_decay = 1.0f - 40.0f / SCENE_RATE;
	const uint32_t bass = phase_step(root), kick_low = phase_step(45);
	const uint32_t kick_sweep = phase_step(120),
	               chord[3] = {phase_step(root * 4), phase_step(root * 5),
	                           phase_step(root * 6)};
	const uint32_t wide = chord[1] + chord[1] / 500;
	uint32_t ph_kick = 0, ph_bass = 0, ph_chord[3] = {0, 0, 0}, ph_wide = 0, noise = seed | 1;
	float sweep = 1, env_kick = 1, env_bass = 1, env_hat = 0, hat = 0;
	long i;
	int k;

	if (sine[SINE_LEN / 4] == 0)
		for (k = 0; k < SINE_LEN; k++)
			sine[k] = (float)sin(2 * M_PI * k / SINE_LEN);
	for (i = 0; i < beat && i < frames; i++) {
		float white = (float)(int32_t)next_noise(&noise) / 2147483648.0f, c = 0, l;

		if (i == beat / 2)
			env_hat = 1;
		ph_kick += kick_low + (uint32_t)(sweep * (float)kick_sweep);
		ph_bass += bass;
		ph_wide += wide;
		for (k = 0; k < 3; k++) {
			ph_chord[k] += chord[k];
			c += sine_at(ph_chord[k]);
		}
		hat = 0.7f * hat + 0.3f * white; /* white minus its low-pass: hiss */
		l = 0.55f * sine_at(ph_kick) * env_kick + 0.25f * sine_at(ph_bass) * env_bass +
		    0.05f * c + 0.12f * (white - hat) * env_hat;
		sweep *= kick_fall;
		env_kick *= kick_decay;
		env_bass *= bass_decay;
		env_hat *= hat_decay;
		out[2 * i] = level * l;
		/* a slightly wider chord on the right */
		out[2 * i + 1] = level * (l + 0.03f * sine_at(ph_wide));
	}
	for (; i < frames; i += beat)
		memcpy(out + 2 * i, out,
		       sizeof(float) * 2 * (size_t)(frames - i < beat ? frames - i : beat));
}

int scene_tracks(struct scene *s, struct arena *a)
{
	static const double roots[ENGINE_DECKS] = {55.0, 61.7};
	static const float levels[ENGINE_DECKS] = {0.95f, 0.8f};
	int d;

	memset(s, 0, sizeof *s);
	s->frames = SCENE_FRAMES;
	for (d = 0; d < ENGINE_DECKS; d++) {
		float *buf =
		    arena_alloc(a, sizeof(float) * 2 * (size_t)s->frames, 64, "bench track");

		if (buf == NULL)
			return -ENOMEM;
		generate(buf, s->frames, roots[d], levels[d], 0x9e3779b9u + (uint32_t)d);
		track_init(&s->track[d], buf, s->frames);
		s->track[d].frames = s->frames;
		track_set_ready(&s->track[d], s->frames);
	}
	return 0;
}

static int deck(struct engine *e, int d, enum deck_op op, double a, double b)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = ENGINE_DECK;
	c.deck = d;
	c.d.op = op;
	c.d.a = a;
	c.d.b = b;
	return engine_command(e, &c);
}

static int mixer(struct engine *e, enum engine_op op, int d, int flags, float v0, float v1,
                 float v2)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = op;
	c.deck = d;
	c.flags = flags;
	c.v[0] = v0;
	c.v[1] = v1;
	c.v[2] = v2;
	return engine_command(e, &c);
}

int scene_start(struct scene *s, struct engine *e)
{
	const double loop = (double)SCENE_LOOP_BEATS * SCENE_BEAT_FRAMES;
	struct engine_cmd c;
	int d, err = 0;

	for (d = 0; d < ENGINE_DECKS && err == 0; d++) {
		memset(&c, 0, sizeof c);
		c.op = ENGINE_DECK;
		c.deck = d;
		c.d.op = DECK_LOAD;
		c.d.track = &s->track[d];
		err = engine_command(e, &c);
		if (err == 0) {
			c.d.op = DECK_GRID;
			c.d.track = NULL;
			err = grid_set(&c.d.grid, SCENE_BPM, 0, 4);
		}
		if (err == 0)
			err = engine_command(e, &c);
		if (err == 0)
			err = deck(e, d, DECK_PITCH_RANGE, SCENE_PITCH_RANGE, 0);
		if (err == 0)
			err = deck(e, d, DECK_PITCH, SCENE_PITCH / SCENE_PITCH_RANGE, 0);
		if (err == 0)
			err = deck(e, d, DECK_LOOP_SET, 0, loop);
		if (err == 0)
			err = deck(e, d, DECK_PLAY, 1, 0);
		if (err == 0)
			err = mixer(e, ENGINE_EQ, d, 0, 3, -3, 4);
		if (err == 0)
			err = mixer(e, ENGINE_FILTER, d, 0, d == 0 ? -0.33f : 0.33f, 0.5f, 0);
		if (err == 0)
			err = mixer(e, ENGINE_CUE, d, 1, 0, 0, 0);
	}
	if (err == 0)
		err = mixer(e, ENGINE_MASTER_GAIN, 0, 0, SCENE_MASTER_DB, 0, 0);
	return err;
}

int scene_setup(struct scene *s, struct engine *e, struct arena *a, size_t bytes,
                const struct board *b)
{
	int err = arena_init(a, bytes);

	if (err == 0)
		err = engine_init(e, b, a);
	if (err == 0)
		err = scene_tracks(s, a);
	if (err == 0)
		err = scene_start(s, e);
	return err;
}
