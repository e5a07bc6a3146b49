/*
 * controls: see controls.h.
 */
#include "controls.h"

#include <math.h>
#include <string.h>

#define RESONANCE 0.3f /* the filter's, until it has a control of its own */
#define TRIM_SPAN_DB (ENGINE_TRIM_MAX_DB - ENGINE_TRIM_MIN_DB)
#define LEVEL_FLOOR_DB (-60.0f) /* headphone and master knobs: just above off */

static float clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The range of a widget's value: -1..1 or 0..1. */
static float lowest(enum widget_kind k)
{
	return k == W_XFADER || k == W_PITCH ? -1.0f : 0.0f;
}

static float default_value(enum widget_kind k)
{
	switch (k) {
	case W_TRIM:
		return -ENGINE_TRIM_MIN_DB / TRIM_SPAN_DB; /* 0 dB */
	case W_EQ_HIGH:
	case W_EQ_MID:
	case W_EQ_LOW:
	case W_FILTER:
	case W_PHONES_BLEND:
		return 0.5f;
	case W_FADER:
	case W_PHONES_LEVEL:
		return 1.0f;
	case W_MASTER:
		return -LEVEL_FLOOR_DB / (ENGINE_MASTER_MAX_DB - LEVEL_FLOOR_DB); /* 0 dB */
	default:
		return 0.0f;
	}
}

/* EQ knob: off at 0, 0 dB at the centre, +6 dB at the end. */
static float eq_db(float n)
{
	return n >= 0.5f ? 12.0f * (n - 0.5f) : 20.0f * log10f(2.0f * n);
}

static float level_db(float n, float top_db)
{
	return n <= 0 ? -INFINITY : LEVEL_FLOOR_DB + (top_db - LEVEL_FLOOR_DB) * n;
}

static void dirty(struct controls *c, int i)
{
	if (i >= 0 && i < LAYOUT_MAX_WIDGETS)
		c->dirty[i] = 1;
}

static void dirty_kind(struct controls *c, enum widget_kind k, int deck, int index)
{
	dirty(c, layout_find(c->lay, k, deck, index));
}

static void send(struct controls *c, const struct engine_cmd *cmd)
{
	if (c->send(c->ctx, cmd) == 0)
		c->sent++;
	else
		c->refused++;
}

static void deck_cmd(struct controls *c, int deck, enum deck_op op, int index, double a)
{
	struct engine_cmd cmd = {.op = ENGINE_DECK, .deck = deck};

	cmd.d.op = op;
	cmd.d.index = index;
	cmd.d.a = a;
	cmd.touch_ns = c->touch_ns;
	send(c, &cmd);
}

static float value_of(const struct controls *c, enum widget_kind k, int deck)
{
	int i = layout_find(c->lay, k, deck, 0);

	return i >= 0 ? c->value[i] : default_value(k);
}

/* Tell the engine what widget i's value now means. */
static void apply(struct controls *c, int i)
{
	const struct widget *w = &c->lay->w[i];
	struct engine_cmd cmd = {.deck = w->deck < 0 ? 0 : w->deck};
	float v = c->value[i];

	switch (w->kind) {
	case W_TRIM:
		cmd.op = ENGINE_TRIM;
		cmd.v[0] = ENGINE_TRIM_MIN_DB + TRIM_SPAN_DB * v;
		break;
	case W_EQ_HIGH:
	case W_EQ_MID:
	case W_EQ_LOW: {
		static const enum widget_kind band[3] = {W_EQ_LOW, W_EQ_MID, W_EQ_HIGH};

		cmd.op = ENGINE_EQ;
		for (int b = 0; b < 3; b++) {
			float n = value_of(c, band[b], w->deck);

			cmd.v[b] = n > 0 ? eq_db(n) : 0.0f;
			if (n <= 0)
				cmd.flags |= 1 << b;
		}
		break;
	}
	case W_FILTER:
		cmd.op = ENGINE_FILTER;
		cmd.v[0] = 2.0f * v - 1.0f;
		cmd.v[1] = RESONANCE;
		break;
	case W_FADER:
		cmd.op = ENGINE_FADER;
		cmd.v[0] = v;
		break;
	case W_XFADER:
		cmd.op = ENGINE_XFADER;
		cmd.v[0] = v;
		break;
	case W_PHONES_BLEND:
		cmd.op = ENGINE_HP_BLEND;
		cmd.v[0] = v;
		break;
	case W_PHONES_LEVEL:
		cmd.op = ENGINE_HP_GAIN;
		cmd.v[0] = level_db(v, 0.0f);
		break;
	case W_MASTER:
		cmd.op = ENGINE_MASTER_GAIN;
		cmd.v[0] = level_db(v, ENGINE_MASTER_MAX_DB);
		break;
	case W_PITCH:
		deck_cmd(c, w->deck, DECK_PITCH, 0, v);
		return;
	default:
		return;
	}
	send(c, &cmd);
}

static int is_value(enum widget_kind k)
{
	switch (k) {
	case W_TRIM:
	case W_EQ_HIGH:
	case W_EQ_MID:
	case W_EQ_LOW:
	case W_FILTER:
	case W_FADER:
	case W_XFADER:
	case W_PHONES_BLEND:
	case W_PHONES_LEVEL:
	case W_MASTER:
	case W_PITCH:
		return 1;
	default:
		return 0;
	}
}

void controls_init(struct controls *c, const struct layout *lay, int rate,
                   controls_send_fn *send_fn, void *ctx)
{
	memset(c, 0, sizeof *c);
	c->lay = lay;
	c->send = send_fn;
	c->ctx = ctx;
	c->rate = rate;
	c->library_deck = -1;
	for (int d = 0; d < ENGINE_DECKS; d++) {
		c->zoom[d] = CONTROLS_ZOOM_S;
		c->loop_beats[d] = CONTROLS_LOOP_BEATS;
		c->pitch_range[d] = 8;
		playhead_init(&c->playhead[d], rate);
	}
	for (int i = 0; i < lay->count; i++) {
		c->value[i] = default_value(lay->w[i].kind);
		c->dirty[i] = 1;
	}
}

int controls_hit(void *ctx, int display, int x, int y)
{
	const struct controls *c = ctx;

	return layout_hit(c->lay, display, x, y);
}

void controls_set(struct controls *c, enum widget_kind kind, int deck, float value)
{
	int i = layout_find(c->lay, kind, deck, 0);

	if (i >= 0) {
		c->value[i] = clampf(value, lowest(kind), 1.0f);
		dirty(c, i);
	}
}

float controls_value(const struct controls *c, enum widget_kind kind, int deck)
{
	return value_of(c, kind, deck);
}

void controls_library(struct controls *c, int deck)
{
	c->library_deck = deck;
	for (int d = 0; d < LAYOUT_DECKS; d++)
		dirty_kind(c, W_LIBRARY, d, 0);
}

/* Where the finger is along a knob, fader, crossfader or pitch slider. */
static void drag_value(struct controls *c, int i, const struct gesture *g)
{
	const struct widget *w = &c->lay->w[i];
	float lo = lowest(w->kind), span = 1.0f - lo, v;
	float ppm = c->lay->screen[w->display].px_per_mm;

	switch (w->kind) {
	case W_FADER:
		v = c->grab[i] - span * (float)(g->y - g->y0) / (float)w->r.h;
		break;
	case W_PITCH: /* down is faster */
		v = c->grab[i] + span * (float)(g->y - g->y0) / (float)w->r.h;
		break;
	case W_XFADER:
		v = c->grab[i] + span * (float)(g->x - g->x0) / (float)w->r.w;
		break;
	default: /* knobs: up turns right */
		v = c->grab[i] - span * (float)(g->y - g->y0) / (CONTROLS_KNOB_MM * ppm);
		break;
	}
	v = clampf(v, lo, 1.0f);
	if (v != c->value[i]) {
		c->value[i] = v;
		dirty(c, i);
		apply(c, i);
	}
}

static void reset_value(struct controls *c, int i)
{
	c->value[i] = default_value(c->lay->w[i].kind);
	dirty(c, i);
	apply(c, i);
}

void controls_neutral(struct controls *c)
{
	for (int i = 0; i < c->lay->count; i++) {
		enum widget_kind k = c->lay->w[i].kind;

		if (is_value(k) && k != W_PITCH) {
			reset_value(c, i);
		} else if (k == W_PHONES_CUE && c->value[i] > 0) {
			struct engine_cmd cmd = {.op = ENGINE_CUE, .deck = c->lay->w[i].deck};

			c->value[i] = 0.0f;
			send(c, &cmd);
			dirty(c, i);
		}
	}
}

static double track_frames(const struct controls *c, int deck)
{
	return c->have_state && c->st.deck[deck].loaded ? c->st.deck[deck].frames : 0;
}

/* The overview: the finger's x along it is the place in the track. */
static void seek_to(struct controls *c, const struct widget *w, int x)
{
	double frames = track_frames(c, w->deck);
	double f = clampf((float)(x - w->r.x) / (float)(w->r.w > 1 ? w->r.w - 1 : 1), 0, 1);

	if (frames > 0)
		deck_cmd(c, w->deck, DECK_SEEK, 0, floor(f * (frames - 1)));
}

/*
 * The waveform as a platter: the track moves with the finger, so dragging
 * right goes back in time; a pixel is zoom seconds over the width.
 */
static void scrub_to(struct controls *c, const struct widget *w, int dx, float vx)
{
	struct engine_cmd cmd = {.op = ENGINE_DECK, .deck = w->deck};
	double frames_per_px = c->zoom[w->deck] * c->rate / w->r.w;

	cmd.d.op = DECK_SCRUB;
	cmd.d.a = c->scrub_from[w->deck] - dx * frames_per_px;
	cmd.d.b = -vx * frames_per_px / c->rate;
	send(c, &cmd);
}

static void scrub(struct controls *c, int i, const struct gesture *g)
{
	const struct widget *w = &c->lay->w[i];

	if (track_frames(c, w->deck) <= 0)
		return;
	c->platter[w->deck].active = 1;
	c->platter[w->deck].still = 0;
	c->platter[w->deck].widget = i;
	c->platter[w->deck].dx = g->x - g->x0;
	c->platter[w->deck].ms = g->ms;
	scrub_to(c, w, g->x - g->x0, g->vx);
}

void controls_tick(struct controls *c, long ms)
{
	for (int d = 0; d < ENGINE_DECKS; d++) {
		if (!c->platter[d].active || c->platter[d].still ||
		    ms - c->platter[d].ms < GESTURE_VELOCITY_MS / 4)
			continue;
		c->platter[d].still = 1;
		scrub_to(c, &c->lay->w[c->platter[d].widget], c->platter[d].dx, 0);
	}
}

static void press(struct controls *c, int i, const struct gesture *g)
{
	const struct widget *w = &c->lay->w[i];
	int d = w->deck;

	c->grab[i] = c->value[i];
	switch (w->kind) {
	case W_PLAY:
		deck_cmd(c, d, DECK_PLAY_TOGGLE, 0, 0);
		break;
	case W_CUE:
		deck_cmd(c, d, DECK_CUE, 0, 1);
		break;
	case W_HOTCUE: {
		int set = c->have_state && (c->st.deck[d].hotcues >> w->index & 1);

		c->hotcue_was_set[d] = (c->hotcue_was_set[d] & ~(1 << w->index)) | set << w->index;
		deck_cmd(c, d, set ? DECK_HOTCUE_JUMP : DECK_HOTCUE_SET, w->index, 0);
		break;
	}
	case W_NUDGE_DOWN:
	case W_NUDGE_UP:
		deck_cmd(c, d, DECK_BEND, 0, w->kind == W_NUDGE_UP ? CONTROLS_NUDGE : -CONTROLS_NUDGE);
		break;
	case W_OVERVIEW:
		seek_to(c, w, g->x);
		break;
	case W_WAVEFORM: /* the platter starts where the finger sees the track */
		c->scrub_from[d] = c->have_state ? c->drawn[d] : 0;
		c->zoom_from[d] = c->zoom[d];
		break;
	default:
		break;
	}
	dirty(c, i);
}

static void release(struct controls *c, int i)
{
	const struct widget *w = &c->lay->w[i];

	switch (w->kind) {
	case W_CUE:
		deck_cmd(c, w->deck, DECK_CUE, 0, 0);
		break;
	case W_NUDGE_DOWN:
	case W_NUDGE_UP:
		deck_cmd(c, w->deck, DECK_BEND, 0, 0);
		break;
	default:
		break;
	}
	dirty(c, i);
}

static void tap(struct controls *c, int i)
{
	const struct widget *w = &c->lay->w[i];
	int d = w->deck, looping = c->have_state && d >= 0 && c->st.deck[d].loop_active;

	switch (w->kind) {
	case W_LOOP_IN:
		deck_cmd(c, d, DECK_LOOP_IN, 0, 0);
		break;
	case W_LOOP_OUT:
		deck_cmd(c, d, DECK_LOOP_OUT, 0, 0);
		break;
	case W_BEATLOOP:
		if (looping)
			deck_cmd(c, d, DECK_LOOP_EXIT, 0, 0);
		else
			deck_cmd(c, d, DECK_LOOP_BEATS, 0, c->loop_beats[d]);
		break;
	case W_LOOP_HALVE:
	case W_LOOP_DOUBLE: {
		double f = w->kind == W_LOOP_HALVE ? 0.5 : 2.0;

		if (looping) {
			deck_cmd(c, d, w->kind == W_LOOP_HALVE ? DECK_LOOP_HALVE : DECK_LOOP_DOUBLE, 0,
			         0);
		} else if (c->loop_beats[d] * f >= DECK_LOOP_MIN_BEATS &&
		           c->loop_beats[d] * f <= DECK_LOOP_MAX_BEATS) {
			c->loop_beats[d] *= f;
		}
		dirty_kind(c, W_BEATLOOP, d, 0);
		break;
	}
	case W_SYNC:
		deck_cmd(c, d, DECK_SYNC, 0, c->have_state ? !c->st.deck[d].sync : 1);
		break;
	case W_PITCH_RANGE:
		c->pitch_range[d] = c->pitch_range[d] == 8 ? 16 : c->pitch_range[d] == 16 ? 50 : 8;
		deck_cmd(c, d, DECK_PITCH_RANGE, 0, c->pitch_range[d]);
		break;
	case W_PHONES_CUE: {
		struct engine_cmd cmd = {.op = ENGINE_CUE, .deck = d};

		c->value[i] = c->value[i] > 0 ? 0.0f : 1.0f;
		cmd.flags = c->value[i] > 0;
		send(c, &cmd);
		break;
	}
	case W_LIBRARY:
		controls_library(c, c->library_deck == d ? -1 : d);
		break;
	default:
		break;
	}
	dirty(c, i);
}

void controls_gesture(void *ctx, const struct gesture *g)
{
	struct controls *c = ctx;
	int i = g->target;
	const struct widget *w;

	if (i < 0 || i >= c->lay->count)
		return;
	w = &c->lay->w[i];
	switch (g->kind) {
	case GESTURE_PRESS:
		c->touch_ns = g->touch_ns;
		press(c, i, g);
		c->touch_ns = 0;
		break;
	case GESTURE_RELEASE:
		release(c, i);
		break;
	case GESTURE_TAP:
		tap(c, i);
		break;
	case GESTURE_DOUBLE_TAP:
		if (is_value(w->kind))
			reset_value(c, i);
		break;
	case GESTURE_LONG_PRESS:
		if (w->kind == W_HOTCUE && (c->hotcue_was_set[w->deck] >> w->index & 1))
			deck_cmd(c, w->deck, DECK_HOTCUE_DELETE, w->index, 0);
		break;
	case GESTURE_DRAG_BEGIN:
	case GESTURE_DRAG:
		if (is_value(w->kind))
			drag_value(c, i, g);
		else if (w->kind == W_OVERVIEW)
			seek_to(c, w, g->x);
		else if (w->kind == W_WAVEFORM)
			scrub(c, i, g);
		break;
	case GESTURE_DRAG_END:
		if (w->kind == W_WAVEFORM && c->platter[w->deck].active) {
			c->platter[w->deck].active = 0;
			deck_cmd(c, w->deck, DECK_SCRUB_END, 0, 0);
		}
		break;
	case GESTURE_PINCH_BEGIN:
		if (w->kind == W_WAVEFORM)
			c->zoom_from[w->deck] = c->zoom[w->deck];
		break;
	case GESTURE_PINCH:
		if (w->kind == W_WAVEFORM && g->scale > 0) {
			c->zoom[w->deck] = fmin(fmax(c->zoom_from[w->deck] / g->scale,
			                             CONTROLS_ZOOM_MIN_S),
			                        CONTROLS_ZOOM_MAX_S);
			dirty(c, i);
		}
		break;
	default:
		break;
	}
}

void controls_update(struct controls *c, const struct engine_state *st)
{
	for (int d = 0; d < ENGINE_DECKS; d++) {
		const struct deck_state *n = &st->deck[d], *o = &c->st.deck[d];
		int all = !c->have_state;

		/* a new report: another track or a scrub is drawn as it is */
		if (all || st->periods != c->st.periods || n->pos != o->pos)
			playhead_report(&c->playhead[d], n->pos, n->step, st->heard_ns,
			                n->track != o->track || n->scrubbing);
		if (all || !st->heard_ns)
			c->drawn[d] = n->pos;

		if (all || n->playing != o->playing || n->previewing != o->previewing)
			dirty_kind(c, W_PLAY, d, 0), dirty_kind(c, W_CUE, d, 0);
		for (int h = 0; h < LAYOUT_HOTCUES; h++)
			if (all || ((n->hotcues ^ o->hotcues) >> h & 1) || n->hotcue[h] != o->hotcue[h])
				dirty_kind(c, W_HOTCUE, d, h);
		if (all || n->loop_active != o->loop_active || n->loop_beats != o->loop_beats) {
			dirty_kind(c, W_BEATLOOP, d, 0);
			dirty_kind(c, W_LOOP_OUT, d, 0);
		}
		/* a track came or went, or a grid: which buttons work changes */
		if (n->loaded != o->loaded || (n->bpm > 0) != (o->bpm > 0))
			for (int i = 0; i < c->lay->count; i++)
				if (c->lay->w[i].deck == d)
					dirty(c, i);
		if (all || n->sync != o->sync || n->following != o->following)
			dirty_kind(c, W_SYNC, d, 0);
		if (all || n->pos != o->pos || n->ready != o->ready || n->loaded != o->loaded) {
			dirty_kind(c, W_WAVEFORM, d, 0);
			dirty_kind(c, W_OVERVIEW, d, 0);
			dirty_kind(c, W_INFO, d, 0);
		}
		if (all || memcmp(st->ch_peak[d], c->st.ch_peak[d], sizeof st->ch_peak[d]) ||
		    memcmp(st->ch_rms[d], c->st.ch_rms[d], sizeof st->ch_rms[d]))
			dirty_kind(c, W_METER, d, 0);
		if (all || n->bend != o->bend) {
			dirty_kind(c, W_NUDGE_DOWN, d, 0);
			dirty_kind(c, W_NUDGE_UP, d, 0);
		}
		if (all || n->bpm != o->bpm || n->pitch != o->pitch)
			dirty_kind(c, W_INFO, d, 0);
	}
	if (!c->have_state || st->sync_master != c->st.sync_master)
		for (int d = 0; d < ENGINE_DECKS; d++)
			dirty_kind(c, W_SYNC, d, 0);
	c->st = *st;
	c->have_state = 1;
}

void controls_frame(struct controls *c, long long shown_ns)
{
	for (int d = 0; d < ENGINE_DECKS && c->have_state; d++) {
		double x = playhead_at(&c->playhead[d], shown_ns);

		if (x != c->drawn[d]) {
			c->drawn[d] = x;
			dirty_kind(c, W_WAVEFORM, d, 0);
			dirty_kind(c, W_OVERVIEW, d, 0);
			dirty_kind(c, W_INFO, d, 0);
		}
	}
}
