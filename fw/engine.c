/*
 * engine.c: a period, in order: take the commands that wait (at most
 * ENGINE_CMDS_PER_PERIOD), apply the mixer's and sort the decks' by frame;
 * settle who follows whom for sync and hand each follower its leader's
 * beat clock as it stands at the period's start; render both decks; run
 * the channel strips into the master and cue buses; master gain, the
 * headphone blend, both limiters, meters; route the buses to the outputs;
 * publish the state.
 */
#include "engine.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "../dsp/resample.h"
#include "arena.h"
#include "log.h"

static float db_to_gain(float db)
{
	if (db != db)
		return 1.0f;
	if (db <= -120.0f)
		return 0.0f;
	return powf(10.0f, db / 20.0f);
}

static float clampf(float x, float lo, float hi)
{
	if (x != x)
		return lo > 0 ? lo : hi < 0 ? hi : 0.0f;
	return x < lo ? lo : x > hi ? hi : x;
}

static void channel_init(struct engine_channel *c, int rate)
{
	memset(c, 0, sizeof *c);
	eq3_init(&c->eq, rate);
	djfilter_init(&c->filter_state, rate);
	meter_init(&c->meter, rate);
	c->fader = 1.0f;
	c->gain = 1.0f;
	c->master_gain = 0.0f;
	c->cue_gain = 0.0f;
}

int engine_init(struct engine *e, const struct board *b, struct arena *a)
{
	const struct board_audio *au = &b->audio;
	int i, err;

	memset(e, 0, sizeof *e);
	if (au->rate < 8000 || au->rate > 192000 || au->channels < 1) {
		log_error("engine: %s: cannot run at %d Hz with %d channels", b->path, au->rate,
		          au->channels);
		return -EINVAL;
	}
	e->rate = au->rate;
	e->channels = au->channels;
	e->outputs = au->outputs;
	if (au->outputs == OUTPUTS_MASTER_CUE && au->channels < 4) {
		log_warn("engine: master-cue needs 4 outputs, %s has %d: split cue instead",
		         au->device, au->channels);
		e->outputs = OUTPUTS_SPLIT_CUE;
	}

	e->bank = arena_alloc(a, resample_bank_size(), 64, "engine: resampler tables");
	if (!e->bank)
		return -ENOMEM;
	err = resample_bank_init(e->bank);
	if (err)
		return err;
	for (i = 0; i < ENGINE_DECKS; i++) {
		e->deck_buf[i] = ARENA_NEW(a, float, 2 * ENGINE_MAX_PERIOD, "engine: deck buffer");
		e->deck_cmds[i] =
		    ARENA_NEW(a, struct deck_cmd, ENGINE_CMDS_PER_PERIOD, "engine: deck commands");
		if (!e->deck_buf[i] || !e->deck_cmds[i])
			return -ENOMEM;
	}
	e->master = ARENA_NEW(a, float, 2 * ENGINE_MAX_PERIOD, "engine: master bus");
	e->cue = ARENA_NEW(a, float, 2 * ENGINE_MAX_PERIOD, "engine: cue bus");
	e->hp = ARENA_NEW(a, float, 2 * ENGINE_MAX_PERIOD, "engine: headphone bus");
	e->pending = ARENA_NEW(a, struct engine_cmd, ENGINE_CMDS_PER_PERIOD, "engine: commands");
	if (!e->master || !e->cue || !e->hp || !e->pending)
		return -ENOMEM;

	err = spsc_init(&e->cmds, a, sizeof(struct engine_cmd), ENGINE_CMD_QUEUE,
	                "engine: command ring");
	if (err)
		return err;
	err = spsc_box_init(&e->states, a, sizeof(struct engine_state), "engine: state");
	if (err)
		return err;

	for (i = 0; i < ENGINE_DECKS; i++) {
		deck_init(&e->deck[i], e->rate, e->bank);
		channel_init(&e->ch[i], e->rate);
	}
	e->xfader = 0.0f;
	e->curve = XF_CONSTANT_POWER;
	e->master_db = 0.0f;
	e->hp_blend = 0.5f;
	e->hp_db = 0.0f;
	e->master_gain = 1.0f;
	e->hp_gain = 1.0f;
	limiter_init(&e->limiter, e->rate, ENGINE_LOOKAHEAD_MS, ENGINE_CEILING_DB,
	             ENGINE_RELEASE_MS);
	limiter_init(&e->hp_limiter, e->rate, ENGINE_LOOKAHEAD_MS, ENGINE_CEILING_DB,
	             ENGINE_RELEASE_MS);
	meter_init(&e->master_meter, e->rate);
	e->sync_master = -1;
	return 0;
}

void engine_clear(struct engine *e)
{
	memset(e, 0, sizeof *e);
}

int engine_command(struct engine *e, const struct engine_cmd *c)
{
	if (c->deck < 0 || c->deck >= ENGINE_DECKS)
		return -EINVAL;
	return spsc_push(&e->cmds, c);
}

int engine_state(struct engine *e, struct engine_state *s)
{
	const struct engine_state *latest = spsc_box_latest(&e->states);

	if (!latest)
		return -EAGAIN;
	*s = *latest;
	return 0;
}

const char *engine_routing(const struct engine *e)
{
	if (e->outputs == OUTPUTS_MASTER_CUE)
		return "master 1-2, cue 3-4";
	if (e->channels >= 2)
		return "master 1, cue 2";
	return "master 1";
}

/* A mixer command: new targets; the gains glide to them over the period. */
static void apply_mixer(struct engine *e, const struct engine_cmd *c)
{
	struct engine_channel *ch = &e->ch[c->deck];

	switch (c->op) {
	case ENGINE_DECK:
		break;
	case ENGINE_TRIM:
		ch->trim_db = clampf(c->v[0], ENGINE_TRIM_MIN_DB, ENGINE_TRIM_MAX_DB);
		break;
	case ENGINE_AUTOGAIN:
		ch->autogain_db = clampf(c->v[0], -24.0f, 24.0f);
		break;
	case ENGINE_AUTOGAIN_ON:
		ch->autogain_on = c->flags != 0;
		break;
	case ENGINE_EQ:
		for (int i = 0; i < 3; i++)
			ch->eq_db[i] = c->v[i] != c->v[i] ? 0.0f : c->v[i];
		ch->eq_kill = c->flags & 7;
		eq3_set(&ch->eq, ch->eq_db[0], ch->eq_db[1], ch->eq_db[2], c->flags & 1,
		        c->flags & 2, c->flags & 4);
		break;
	case ENGINE_FILTER:
		ch->filter = clampf(c->v[0], -1.0f, 1.0f);
		ch->resonance = clampf(c->v[1], 0.0f, 1.0f);
		djfilter_set(&ch->filter_state, ch->filter, ch->resonance);
		break;
	case ENGINE_FADER:
		ch->fader = clampf(c->v[0], 0.0f, 1.0f);
		break;
	case ENGINE_CUE:
		ch->cue = c->flags != 0;
		break;
	case ENGINE_XFADER:
		e->xfader = clampf(c->v[0], -1.0f, 1.0f);
		break;
	case ENGINE_XFADER_CURVE:
		if (c->flags == XF_LINEAR || c->flags == XF_CONSTANT_POWER || c->flags == XF_CUT)
			e->curve = (enum xfader_curve)c->flags;
		break;
	case ENGINE_MASTER_GAIN:
		e->master_db = c->v[0] != c->v[0] ? 0.0f : fminf(c->v[0], ENGINE_MASTER_MAX_DB);
		break;
	case ENGINE_HP_BLEND:
		e->hp_blend = clampf(c->v[0], 0.0f, 1.0f);
		break;
	case ENGINE_HP_GAIN:
		e->hp_db = c->v[0] != c->v[0] ? 0.0f : fminf(c->v[0], 0.0f);
		break;
	}
}

/* Who leads sync: the deck the other follows. A deck turning sync on
 * follows the other one unless that one already follows it. */
static void sync_button(struct engine *e, int deck, int on)
{
	int other = 1 - deck;

	if (on) {
		if (!e->deck[other].sync || e->sync_master < 0)
			e->sync_master = other;
	} else if (!e->deck[other].sync) {
		e->sync_master = -1;
	}
}

void engine_clock(struct engine *e, long long at_ns, long queued)
{
	e->clock_ns = at_ns > 0 ? at_ns + (long long)((double)queued * 1e9 / e->rate) : 0;
	e->clock_done = 0;
}

/* When output frame `frame` of this period is heard, ns; 0: no audio clock. */
static long long heard_at(const struct engine *e, long frame)
{
	if (!e->clock_ns)
		return 0;
	return e->clock_ns + (long long)((double)(e->clock_done + frame) * 1e9 / e->rate);
}

/*
 * A command a touch sent: from the touch to its first affected sample at
 * the outputs, which is the deck's frame `offset` (clamped to the period,
 * as the deck does) delayed by the limiters' look-ahead.
 */
static void log_touch(struct engine *e, const struct engine_cmd *c, int frames)
{
	long frame = 0;
	long long heard;

	if (c->op == ENGINE_DECK)
		frame = c->d.offset < 0 ? 0 : c->d.offset >= frames ? frames - 1 : c->d.offset;
	heard = heard_at(e, frame + limiter_latency(&e->limiter));
	if (!c->touch_ns || !heard)
		return;
	e->touch_ms[e->touches % ENGINE_TOUCH_LOG] = (float)((double)(heard - c->touch_ns) / 1e6);
	e->touches++;
}

/* Take this period's commands: mixer ones now, deck ones sorted by frame. */
static void take_commands(struct engine *e, int frames, int ndeck[ENGINE_DECKS],
                          int sync_on[ENGINE_DECKS])
{
	int n = 0, i, k;

	ndeck[0] = ndeck[1] = 0;
	sync_on[0] = e->deck[0].sync;
	sync_on[1] = e->deck[1].sync;
	while (n < ENGINE_CMDS_PER_PERIOD && spsc_pop(&e->cmds, &e->pending[n]) == 0)
		n++;
	for (i = 0; i < n; i++) {
		const struct engine_cmd *c = &e->pending[i];
		struct deck_cmd *list;

		if (c->touch_ns)
			log_touch(e, c, frames);
		if (c->op != ENGINE_DECK) {
			apply_mixer(e, c);
			continue;
		}
		if (c->d.op == DECK_SYNC) {
			sync_button(e, c->deck, c->d.a != 0);
			sync_on[c->deck] |= c->d.a != 0;
		}
		/* insertion, stable: equal frames keep the order they were sent in */
		list = e->deck_cmds[c->deck];
		k = ndeck[c->deck]++;
		while (k > 0 && list[k - 1].offset > c->d.offset) {
			list[k] = list[k - 1];
			k--;
		}
		list[k] = c->d;
	}
	e->commands += (unsigned long)n;
}

/* Sync: each deck whose sync is (or turns) on follows the master deck. */
static void settle_sync(struct engine *e, const int sync_on[ENGINE_DECKS])
{
	struct deck_clock clk[ENGINE_DECKS];
	int i;

	for (i = 0; i < ENGINE_DECKS; i++)
		deck_clock(&e->deck[i], &clk[i]);
	for (i = 0; i < ENGINE_DECKS; i++) {
		int m = e->sync_master;

		if (sync_on[i] && m >= 0 && m != i)
			deck_follow(&e->deck[i], &clk[m]);
		else
			deck_follow(&e->deck[i], NULL);
	}
}

/* The fader's square-law taper. */
static float fader_gain(float v)
{
	return v * v;
}

/* One channel strip: trim, EQ, filter, meter, then into the buses. */
static void channel(struct engine *e, int i, float xf_gain, int frames)
{
	struct engine_channel *c = &e->ch[i];
	float *buf = e->deck_buf[i];
	float gain = db_to_gain(c->trim_db + (c->autogain_on ? c->autogain_db : 0.0f));
	float to_master = fader_gain(c->fader) * xf_gain;
	float to_cue = c->cue ? 1.0f : 0.0f;

	mix_gain(buf, frames, c->gain, gain);
	c->gain = gain;
	eq3_process(&c->eq, buf, frames);
	djfilter_process(&c->filter_state, buf, frames);
	meter_process(&c->meter, buf, frames);
	mix_gain_add(e->master, buf, frames, c->master_gain, to_master);
	c->master_gain = to_master;
	mix_gain_add(e->cue, buf, frames, c->cue_gain, to_cue);
	c->cue_gain = to_cue;
}

/* The buses onto the device's channels. */
static void route(const struct engine *e, float *out, int frames)
{
	const int ch = e->channels;
	const float *m = e->master, *h = e->hp;
	int f, k;

	for (f = 0; f < frames; f++, out += ch) {
		if (e->outputs == OUTPUTS_MASTER_CUE) {
			out[0] = m[2 * f];
			out[1] = m[2 * f + 1];
			out[2] = h[2 * f];
			out[3] = h[2 * f + 1];
			k = 4;
		} else {
			out[0] = 0.5f * (m[2 * f] + m[2 * f + 1]);
			k = 1;
			if (ch >= 2) {
				out[1] = 0.5f * (h[2 * f] + h[2 * f + 1]);
				k = 2;
			}
		}
		for (; k < ch; k++)
			out[k] = 0.0f;
	}
}

static void publish(struct engine *e, int frames)
{
	struct engine_state *s = spsc_box_back(&e->states);
	int i;

	memset(s, 0, sizeof *s);
	s->periods = e->periods;
	s->frames = e->frames;
	for (i = 0; i < ENGINE_DECKS; i++) {
		deck_read(&e->deck[i], &s->deck[i]);
		meter_read(&e->ch[i].meter, s->ch_peak[i], s->ch_rms[i]);
	}
	meter_read(&e->master_meter, s->master_peak, s->master_rms);
	s->limiter_db = limiter_reduction_db(&e->limiter);
	s->sync_master = e->sync_master;
	s->xfader = e->xfader;
	s->xfader_curve = e->curve;
	s->master_db = e->master_db;
	s->hp_blend = e->hp_blend;
	s->hp_db = e->hp_db;
	s->commands = e->commands;
	/* pos is the next frame to render: output frame `frames`, then the look-ahead */
	s->heard_ns = heard_at(e, frames + limiter_latency(&e->limiter));
	s->touches = e->touches;
	memcpy(s->touch_ms, e->touch_ms, sizeof s->touch_ms);
	spsc_box_publish(&e->states);
}

static void period(struct engine *e, float *out, int frames)
{
	int ndeck[ENGINE_DECKS], sync_on[ENGINE_DECKS], i;
	float ga, gb, master, hp, hp_cue, hp_master;
	const size_t bytes = sizeof(float) * 2 * (size_t)frames;

	take_commands(e, frames, ndeck, sync_on);
	settle_sync(e, sync_on);
	for (i = 0; i < ENGINE_DECKS; i++)
		deck_render(&e->deck[i], e->deck_buf[i], frames, e->deck_cmds[i], ndeck[i]);

	memset(e->master, 0, bytes);
	memset(e->cue, 0, bytes);
	xfader_gains(e->curve, e->xfader, &ga, &gb);
	channel(e, 0, ga, frames);
	channel(e, 1, gb, frames);

	master = db_to_gain(e->master_db);
	mix_gain(e->master, frames, e->master_gain, master);
	e->master_gain = master;

	/* headphones: the cue bus and the master (before its limiter), blended */
	hp = db_to_gain(e->hp_db);
	hp_cue = hp * cosf(e->hp_blend * (float)M_PI_2);
	hp_master = e->hp_blend >= 1.0f ? hp : hp * sinf(e->hp_blend * (float)M_PI_2);
	if (e->hp_blend <= 0.0f)
		hp_cue = hp, hp_master = 0.0f;
	mix_gain_set(e->hp, e->cue, frames, e->hp_cue_gain, hp_cue);
	mix_gain_add(e->hp, e->master, frames, e->hp_master_gain, hp_master);
	e->hp_cue_gain = hp_cue;
	e->hp_master_gain = hp_master;

	limiter_process(&e->limiter, e->master, frames);
	limiter_process(&e->hp_limiter, e->hp, frames);
	meter_process(&e->master_meter, e->master, frames);
	route(e, out, frames);

	e->periods++;
	e->frames += (unsigned long)frames;
	publish(e, frames);
	e->clock_done += frames;
}

void engine_process(struct engine *e, float *out, int frames)
{
	while (frames > 0) {
		int n = frames < ENGINE_MAX_PERIOD ? frames : ENGINE_MAX_PERIOD;

		period(e, out, n);
		out += (size_t)n * (size_t)e->channels;
		frames -= n;
	}
	e->clock_ns = 0; /* good for one call */
}

/* Queue a deck command at the start of the next period. */
static int deck_now(struct engine *e, int deck, enum deck_op op, double a, double b,
                    struct track *t)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = ENGINE_DECK;
	c.deck = deck;
	c.d.op = op;
	c.d.a = a;
	c.d.b = b;
	c.d.track = t;
	return engine_command(e, &c);
}

static int mixer_now(struct engine *e, enum engine_op op, int deck, float v, int flags)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = op;
	c.deck = deck;
	c.v[0] = v;
	c.flags = flags;
	return engine_command(e, &c);
}

int engine_test_tracks(struct engine *e, struct track tracks[ENGINE_DECKS], int hz_a, int hz_b,
                       double dbfs)
{
	const int hz[ENGINE_DECKS] = {hz_a, hz_b};
	const long frames = (long)ENGINE_TEST_SECONDS * e->rate;
	const double amp = pow(10.0, dbfs / 20.0);
	int i, err = 0;

	for (i = 0; i < ENGINE_DECKS; i++) {
		struct track *t = &tracks[i];
		long n;

		if (hz[i] <= 0 || 2 * hz[i] >= e->rate)
			return -EINVAL;
		if (t->capacity < frames)
			return -ENOSPC;
		/* the phase from an exact integer, so every second is the same */
		for (n = 0; n < frames; n++) {
			long cyc = (long)(((long long)n * hz[i]) % e->rate);
			float x = (float)(amp * sin(2.0 * M_PI * (double)cyc / e->rate));

			t->samples[2 * n] = t->samples[2 * n + 1] = x;
		}
		t->frames = frames;
		track_set_ready(t, frames);
		err |= deck_now(e, i, DECK_LOAD, 0, 0, t);
		err |= deck_now(e, i, DECK_SEEK, e->rate, 0, NULL);
		err |= deck_now(e, i, DECK_LOOP_SET, e->rate, 2.0 * e->rate, NULL);
		err |= deck_now(e, i, DECK_PLAY, 1, 0, NULL);
	}
	err |= mixer_now(e, ENGINE_FADER, 0, 1.0f, 0);
	err |= mixer_now(e, ENGINE_CUE, 0, 0, 0);
	err |= mixer_now(e, ENGINE_FADER, 1, 0.0f, 0);
	err |= mixer_now(e, ENGINE_CUE, 1, 0, 1);
	err |= mixer_now(e, ENGINE_XFADER, 0, -1.0f, 0);
	err |= mixer_now(e, ENGINE_MASTER_GAIN, 0, 0.0f, 0);
	err |= mixer_now(e, ENGINE_HP_BLEND, 0, 0.0f, 0);
	err |= mixer_now(e, ENGINE_HP_GAIN, 0, 0.0f, 0);
	return err ? -EAGAIN : 0;
}
