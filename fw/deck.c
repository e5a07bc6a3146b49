/*
 * deck.c: a period is cut into spans at the frames where something
 * happens: a command's offset, a loop's edge, the end of a fade. Each span
 * is one resampler call whose step ramps linearly towards the step the
 * deck wants, over one period's length from where the span starts, so rate
 * changes (pitch, bend, sync, scrub) glide sample by sample with no
 * zipper, however late in a period they come. While the wanted step holds,
 * cutting a period into spans does not change the positions read: the
 * resampler's step at frame i of a call is step0 + i * (step1 - step0) /
 * frames, the same per-frame steps however the ramp is cut, and
 * frames_to_edge() below predicts the frame a loop edge is crossed with
 * that same sum.
 */
#include "deck.h"

#include <math.h>
#include <string.h>

#include "../dsp/resample.h"

void track_init(struct track *t, float *samples, long capacity)
{
	t->samples = samples;
	t->capacity = capacity;
	t->frames = 0;
	atomic_init(&t->ready, 0);
}

void track_set_ready(struct track *t, long ready)
{
	atomic_store_explicit(&t->ready, ready, memory_order_release);
}

void deck_init(struct deck *d, int rate, const struct resample_bank *bank)
{
	memset(d, 0, sizeof *d);
	d->rate = rate;
	d->bank = bank;
	d->range = 0.08;
	d->quantise = 1;
	d->ramp = (float)(1.0 / (DECK_RAMP_MS * 1e-3 * rate));
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static int have_grid(const struct deck *d)
{
	return d->track && grid_usable(&d->grid, d->rate);
}

static double beat_len(const struct deck *d)
{
	return grid_beat_length(&d->grid, d->rate);
}

/* Where a point the DJ sets lands: the nearest beat when quantising. */
static double snap(const struct deck *d, double frame)
{
	if (d->quantise && have_grid(d))
		return grid_nearest_beat(&d->grid, d->rate, frame);
	return frame;
}

/* The pitch fader's speed, with any bend on top. */
static double tempo(const struct deck *d)
{
	return (1.0 + d->fader * d->range) * (1.0 + d->bend);
}

static int following(const struct deck *d)
{
	return d->sync && d->following && d->leader.valid && have_grid(d);
}

/* The leader's beat at frame j of this period. */
static double leader_beat(const struct deck *d, int j)
{
	return d->leader.beat + j * d->leader.beats_per_frame;
}

/* How far ahead of the leader's beat this deck is at frame j, in beats. */
static double phase_error(const struct deck *d, int j)
{
	double e = grid_beat_at(&d->grid, d->rate, d->pos) - leader_beat(d, j);

	return e - floor(e + 0.5);
}

/* Line the beat up with the leader's at frame j, at once (while silent, or
 * when the DJ engages sync on a playing deck, as a CDJ does). */
static void snap_phase(struct deck *d, int j)
{
	if (following(d) && d->leader.moving)
		d->pos -= phase_error(d, j) * beat_len(d);
}

/* The leader's tempo in this deck's steps (its grid may be another tempo). */
static double match_step(const struct deck *d)
{
	const struct deck_clock *l = &d->leader;

	return (l->moving ? l->beats_per_frame : l->tempo_beats_per_frame) * beat_len(d);
}

/* The step playing asks for at frame j: the fader's, or the leader's with
 * a phase correction. */
static double play_step(const struct deck *d, int j)
{
	double match, corr, lim;

	if (!following(d))
		return tempo(d);
	match = match_step(d);
	if (!d->leader.moving)
		return match;
	corr = -phase_error(d, j) * beat_len(d) / (DECK_SYNC_TAU_MS * 1e-3 * d->rate);
	lim = DECK_SYNC_MAX_CORR * fabs(match);
	return match + clampd(corr, -lim, lim);
}

/* The scrub target's motion, and a first-order pull towards it whose time
 * constant is never shorter than three periods (stable at any period). */
static double scrub_step(const struct deck *d, int frames)
{
	double tau = fmax(DECK_SCRUB_TAU_MS * 1e-3 * d->rate, 3.0 * frames);
	double target = d->scrub_target + d->scrub_velocity * (double)d->scrub_age;
	double s = d->scrub_velocity + (target - d->pos) / tau;

	return clampd(s, -DECK_SCRUB_MAX_STEP, DECK_SCRUB_MAX_STEP);
}

static int wants_sound(const struct deck *d)
{
	return d->track && !d->jump_pending && (d->playing || d->previewing || d->scrubbing);
}

/* The step the deck heads for by the end of the period. */
static double wanted_step(const struct deck *d, int j, int frames)
{
	if (d->scrubbing)
		return scrub_step(d, frames);
	if (d->playing || d->previewing)
		return play_step(d, j);
	return d->step; /* fading out: carry on as it was */
}

/* Jump: a hard cut at this frame. */
static void jump(struct deck *d, double to)
{
	d->pos = to;
	if (d->loop_active && (to < d->loop_in || to >= d->loop_out)) {
		d->loop_active = 0;
		d->slipping = 0;
	}
}

/* Jump once the fade out has ended. */
static void jump_after_fade(struct deck *d, double to)
{
	if (d->vol <= 0) {
		jump(d, to);
		return;
	}
	d->jump_pending = 1;
	d->jump_after_fade = to;
}

static void start_slipping(struct deck *d)
{
	if (d->slip && !d->slipping) {
		d->slipping = 1;
		d->shadow = d->pos;
	}
}

/* Back to where the shadow is, if the deck was slipping. */
static void end_slip(struct deck *d)
{
	if (d->slipping) {
		d->slipping = 0;
		d->pos = d->shadow;
	}
}

/* A position inside the loop, keeping the offset past its edge. */
static void wrap_into_loop(struct deck *d)
{
	double len = d->loop_out - d->loop_in;

	if (d->pos >= d->loop_out || d->pos < d->loop_in)
		d->pos = d->loop_in + fmod(fmod(d->pos - d->loop_in, len) + len, len);
}

static void engage_loop(struct deck *d, double in, double out)
{
	if (!(out > in))
		return;
	if (!d->loop_active)
		start_slipping(d);
	d->loop_in = in;
	d->loop_out = out;
	d->loop_active = 1;
	d->loop_in_marked = 0;
	if (d->pos >= d->loop_out)
		wrap_into_loop(d);
}

static void exit_loop(struct deck *d)
{
	if (!d->loop_active)
		return;
	d->loop_active = 0;
	if (!d->scrubbing)
		end_slip(d);
}

/* Shortest and longest loop: 1/32 to 32 beats with a grid, else 1 ms to the track. */
static void loop_limits(const struct deck *d, double *lo, double *hi)
{
	if (have_grid(d)) {
		*lo = DECK_LOOP_MIN_BEATS * beat_len(d);
		*hi = DECK_LOOP_MAX_BEATS * beat_len(d);
	} else {
		*lo = 1e-3 * d->rate;
		*hi = d->track ? fmax((double)d->track->frames, *lo) : *lo;
	}
}

static void resize_loop(struct deck *d, double factor)
{
	double len = (d->loop_out - d->loop_in) * factor, lo, hi;

	if (!(d->loop_out > d->loop_in))
		return;
	loop_limits(d, &lo, &hi);
	if (len < lo * (1 - 1e-9) || len > hi * (1 + 1e-9))
		return;
	d->loop_out = d->loop_in + len;
	if (d->loop_active && d->pos >= d->loop_out)
		wrap_into_loop(d);
}

static void beat_loop(struct deck *d, double beats)
{
	double in;

	if (!have_grid(d) || !(beats >= DECK_LOOP_MIN_BEATS * (1 - 1e-9)) ||
	    !(beats <= DECK_LOOP_MAX_BEATS * (1 + 1e-9)))
		return;
	if (d->loop_active)
		in = d->loop_in; /* another size for the loop that plays */
	else if (d->quantise)
		in = grid_beat_floor(&d->grid, d->rate, d->pos);
	else
		in = d->pos;
	engage_loop(d, in, in + beats * beat_len(d));
	if (d->pos >= d->loop_out)
		wrap_into_loop(d);
}

static void loop_out(struct deck *d)
{
	double in = d->loop_in, out, lo, hi;

	if (!d->loop_in_marked)
		return;
	out = snap(d, d->pos);
	loop_limits(d, &lo, &hi);
	if (out < in + lo)
		out = in + (have_grid(d) ? beat_len(d) : lo);
	engage_loop(d, in, out);
}

static void cue(struct deck *d, int pressed)
{
	if (pressed) {
		d->cue_held = 1;
		if (d->playing) {
			/* back to the cue point and stop */
			d->playing = 0;
			d->previewing = 0;
			jump_after_fade(d, d->cue);
			return;
		}
		if (d->jump_pending)
			return;
		d->cue = snap(d, d->pos);
		jump_after_fade(d, d->cue);
		d->previewing = 1; /* from the cue point itself, synced or not */
		return;
	}
	d->cue_held = 0;
	if (d->previewing) {
		d->previewing = 0;
		jump_after_fade(d, d->cue);
	}
}

static void play(struct deck *d, int on, int j)
{
	if (!on) {
		d->playing = 0;
		d->previewing = 0;
		return;
	}
	if (d->playing || !d->track)
		return;
	d->playing = 1;
	d->previewing = 0; /* play during a preview: keep playing on release */
	if (d->vol <= 0 && !d->jump_pending)
		snap_phase(d, j);
}

static void load(struct deck *d, struct track *t, const struct beat_grid *g)
{
	d->track = t;
	d->grid = *g;
	d->pos = d->shadow = d->cue = 0;
	d->hotcues = 0;
	d->loop_active = d->loop_in_marked = 0;
	d->loop_in = d->loop_out = 0;
	d->playing = d->previewing = d->scrubbing = d->slipping = 0;
	d->jump_pending = 0;
	d->vol = 0;
	d->step = 0;
}

static void apply(struct deck *d, const struct deck_cmd *c, int j)
{
	int i = c->index;

	switch (c->op) {
	case DECK_LOAD:
		load(d, c->track, &c->grid);
		break;
	case DECK_UNLOAD:
		load(d, NULL, &c->grid);
		d->grid.valid = 0;
		break;
	case DECK_GRID:
		d->grid = c->grid;
		break;
	case DECK_PLAY:
		play(d, c->a != 0, j);
		break;
	case DECK_PLAY_TOGGLE:
		play(d, !d->playing, j);
		break;
	case DECK_CUE:
		if (d->track)
			cue(d, c->a != 0);
		break;
	case DECK_HOTCUE_SET:
		if (d->track && i >= 0 && i < DECK_HOTCUES && (c->b == 0 || isfinite(c->a))) {
			d->hotcue[i] = c->b != 0 ? c->a : snap(d, d->pos);
			d->hotcues |= 1u << i;
		}
		break;
	case DECK_CUE_POINT:
		if (d->track && isfinite(c->a) && c->a >= 0)
			d->cue = c->a;
		break;
	case DECK_HOTCUE_JUMP:
		if (d->track && i >= 0 && i < DECK_HOTCUES && (d->hotcues & (1u << i))) {
			double to = d->hotcue[i];

			/* playing and quantised: the beat carries on where it was */
			if (d->playing && d->quantise && have_grid(d))
				to += d->pos - grid_nearest_beat(&d->grid, d->rate, d->pos);
			jump(d, to);
		}
		break;
	case DECK_HOTCUE_DELETE:
		if (i >= 0 && i < DECK_HOTCUES)
			d->hotcues &= ~(1u << i);
		break;
	case DECK_LOOP_IN:
		if (d->track) {
			exit_loop(d);
			d->loop_in = snap(d, d->pos);
			d->loop_in_marked = 1;
		}
		break;
	case DECK_LOOP_OUT:
		if (d->track)
			loop_out(d);
		break;
	case DECK_LOOP_SET:
		if (d->track && isfinite(c->a) && isfinite(c->b))
			engage_loop(d, c->a, c->b);
		break;
	case DECK_LOOP_BEATS:
		beat_loop(d, c->a);
		break;
	case DECK_LOOP_HALVE:
		resize_loop(d, 0.5);
		break;
	case DECK_LOOP_DOUBLE:
		resize_loop(d, 2.0);
		break;
	case DECK_LOOP_EXIT:
		exit_loop(d);
		break;
	case DECK_PITCH:
		if (isfinite(c->a))
			d->fader = clampd(c->a, -1, 1);
		break;
	case DECK_PITCH_RANGE:
		if (c->a == 8 || c->a == 16 || c->a == 50)
			d->range = c->a / 100;
		break;
	case DECK_BEND:
		if (isfinite(c->a))
			d->bend = clampd(c->a, -0.5, 0.5);
		break;
	case DECK_SCRUB:
		if (!d->track || !isfinite(c->a) || !isfinite(c->b))
			break;
		if (!d->scrubbing)
			start_slipping(d);
		d->scrubbing = 1;
		d->scrub_target = c->a;
		d->scrub_velocity = clampd(c->b, -DECK_SCRUB_MAX_STEP, DECK_SCRUB_MAX_STEP);
		d->scrub_age = 0; /* counted from this frame */
		break;
	case DECK_SCRUB_END:
		if (d->scrubbing) {
			d->scrubbing = 0;
			if (!d->loop_active)
				end_slip(d);
		}
		break;
	case DECK_SEEK:
		if (d->track && isfinite(c->a)) {
			d->slipping = 0;
			jump(d, c->a);
		}
		break;
	case DECK_SLIP:
		d->slip = c->a != 0;
		if (!d->slip)
			d->slipping = 0;
		else if (d->loop_active || d->scrubbing)
			start_slipping(d);
		break;
	case DECK_QUANTISE:
		d->quantise = c->a != 0;
		break;
	case DECK_SYNC:
		if (c->a != 0 && !d->sync) {
			d->sync = 1;
			/* engaging on a playing deck: the beats line up now */
			if (d->vol > 0)
				snap_phase(d, j);
		} else if (c->a == 0) {
			d->sync = 0;
		}
		break;
	}
}

void deck_clock(const struct deck *d, struct deck_clock *c)
{
	double len;

	memset(c, 0, sizeof *c);
	if (!have_grid(d))
		return;
	len = beat_len(d);
	c->valid = 1;
	c->beat = grid_beat_at(&d->grid, d->rate, d->pos);
	c->tempo_beats_per_frame = (following(d) ? match_step(d) : tempo(d)) / len;
	c->moving = d->playing && !d->scrubbing && d->step != 0;
	c->beats_per_frame = c->moving ? d->step / len : 0;
}

void deck_follow(struct deck *d, const struct deck_clock *leader)
{
	if (leader) {
		d->leader = *leader;
		d->following = 1;
	} else {
		memset(&d->leader, 0, sizeof d->leader);
		d->following = 0;
	}
}

/*
 * The first k in 1..n at which position p_k = p + k s0 + ds k (k - 1) / 2
 * (the resampler's positions) reaches edge going forward (dir 1: p_k >=
 * edge) or backward (dir -1: p_k < edge); n when none does.
 */
static int frames_to_edge(double p, double s0, double ds, int n, double edge, int dir)
{
	double fastest = fmax(fabs(s0), fabs(s0 + ds * (n - 1)));
	int k;

	if (dir > 0 ? p + n * fastest < edge : p - n * fastest >= edge)
		return n;
	for (k = 1; k <= n; k++) {
		p += s0 + ds * (k - 1);
		if (dir > 0 ? p >= edge : p < edge)
			return k;
	}
	return n;
}

/*
 * Fade the n frames of out from vol towards target, the last of k frames
 * the fade needs reaching it exactly.
 */
static void fade(struct deck *d, float *out, int n, int k, float target)
{
	float dir = target > d->vol ? d->ramp : -d->ramp;
	int i;

	for (i = 0; i < n; i++) {
		float g = i + 1 >= k ? target : d->vol + dir * (float)(i + 1);

		out[2 * i] *= g;
		out[2 * i + 1] *= g;
	}
	d->vol = n >= k ? target : d->vol + dir * (float)n;
}

static void stop_now(struct deck *d)
{
	d->vol = 0;
	d->step = 0;
	if (d->jump_pending) {
		d->jump_pending = 0;
		jump(d, d->jump_after_fade);
	}
}

/*
 * Shorten a span of n frames so it ends where the position reaches a loop
 * edge: entering the loop, or leaving it either way (then it wraps).
 */
static int loop_span(const struct deck *d, double s0, double ds, int n)
{
	if (d->pos < d->loop_in)
		return frames_to_edge(d->pos, s0, ds, n, d->loop_in, 1);
	if (d->pos >= d->loop_out)
		return frames_to_edge(d->pos, s0, ds, n, d->loop_out, -1);
	n = frames_to_edge(d->pos, s0, ds, n, d->loop_out, 1);
	return frames_to_edge(d->pos, s0, ds, n, d->loop_in, -1);
}

/*
 * At exactly the original speed, from a whole frame, the interpolator
 * would return the track's own samples (its kernel at phase 0 is a unit
 * impulse): copy them, bit for bit the same, for the cost of a memcpy.
 * Frames outside [0, n_src) are silence, as the interpolator reads them.
 */
static void copy_frames(const float *src, long n_src, long first, float *out, int n, double *pos)
{
	long lo = first < 0 ? -first : 0, hi = n_src - first < n ? n_src - first : n;

	if (hi < lo)
		hi = lo;
	if (lo > n)
		lo = hi = n;
	memset(out, 0, sizeof(float) * 2 * (size_t)lo);
	memcpy(out + 2 * lo, src + 2 * (first + lo), sizeof(float) * 2 * (size_t)(hi - lo));
	memset(out + 2 * hi, 0, sizeof(float) * 2 * (size_t)(n - hi));
	*pos += n;
}

/* Render frames [j, end) of the period (frames long) into out. */
static void render_span(struct deck *d, float *out, int j, int end, int frames)
{
	while (j < end) {
		float target = wants_sound(d) ? 1.0f : 0.0f;
		double s0, s1, ds, before;
		long ready, n_src;
		int n = end - j, k = 0, inside;

		if (d->vol != target) {
			k = (int)ceil(fabsf(target - d->vol) / d->ramp - 1e-3);
			if (k <= 0)
				d->vol = target;
		}
		if (d->vol <= 0 && target <= 0) {
			/* silent and staying so: the position holds */
			stop_now(d);
			memset(out + 2 * j, 0, sizeof(float) * 2 * (size_t)n);
			return;
		}
		s1 = wanted_step(d, j, frames);
		s0 = d->vol <= 0 && d->step == 0 ? s1 : d->step; /* a start is instant */
		/* A glide takes a period, also when asked for near its end. */
		ds = (s1 - s0) / frames;
		if (k > 0 && k < n)
			n = k;
		inside = d->loop_active && d->pos >= d->loop_in && d->pos < d->loop_out;
		if (d->loop_active)
			n = loop_span(d, s0, ds, n);
		s1 = s0 + ds * n;

		/* never past what is decoded, nor past the storage */
		ready = atomic_load_explicit(&d->track->ready, memory_order_acquire);
		n_src = ready < d->track->frames ? ready : d->track->frames;
		n_src = n_src < d->track->capacity ? n_src : d->track->capacity;
		before = d->pos;
		if (s0 == 1.0 && s1 == 1.0 && d->pos == floor(d->pos) && fabs(d->pos) < 1e15)
			copy_frames(d->track->samples, n_src, (long)d->pos, out + 2 * j, n, &d->pos);
		else
			resample_stereo(d->bank, d->track->samples, n_src, &d->pos, s0, s1,
			                out + 2 * j, n);
		if (k > 0)
			fade(d, out + 2 * j, n, k, target);
		d->step = s1;
		d->scrub_age += n;

		if (d->slipping) {
			if (d->scrubbing)
				d->shadow += d->playing ? tempo(d) * n : 0;
			else
				d->shadow += d->pos - before;
		}
		if (inside && d->loop_active) {
			double len = d->loop_out - d->loop_in;

			if (d->pos >= d->loop_out)
				d->pos -= len * floor((d->pos - d->loop_in) / len);
			else if (d->pos < d->loop_in)
				d->pos += len * ceil((d->loop_in - d->pos) / len);
		}
		if (d->pos >= (double)d->track->frames && s1 >= 0 && !d->scrubbing) {
			/* the end of the track: nothing more to play */
			d->playing = d->previewing = 0;
			d->pos = (double)d->track->frames;
			d->vol = 0;
			d->step = 0;
		}
		if (d->vol <= 0 && target <= 0)
			stop_now(d);
		j += n;
	}
}

/* A command's frame in this period: one past it counts as its last frame. */
static int cmd_frame(const struct deck_cmd *c, int frames)
{
	return c->offset < 0 ? 0 : c->offset > frames - 1 ? frames - 1 : c->offset;
}

void deck_render(struct deck *d, float *out, int frames, const struct deck_cmd *cmds, int ncmds)
{
	int j = 0, c = 0;

	while (j < frames) {
		int next;

		while (c < ncmds && cmd_frame(&cmds[c], frames) <= j)
			apply(d, &cmds[c++], j);
		next = c < ncmds ? cmd_frame(&cmds[c], frames) : frames;
		if (!d->track) {
			memset(out + 2 * j, 0, sizeof(float) * 2 * (size_t)(next - j));
			d->vol = 0;
			d->step = 0;
		} else {
			render_span(d, out, j, next, frames);
		}
		j = next;
	}
}

void deck_read(const struct deck *d, struct deck_state *s)
{
	memset(s, 0, sizeof *s);
	s->loaded = d->track != NULL;
	s->track = d->track;
	s->pos = d->pos;
	s->shadow = d->slipping ? d->shadow : d->pos;
	if (d->track) {
		s->frames = (double)d->track->frames;
		s->ready = (double)atomic_load_explicit(&d->track->ready, memory_order_acquire);
	}
	s->playing = d->playing;
	s->previewing = d->previewing;
	s->scrubbing = d->scrubbing;
	s->audible = d->vol > 0;
	s->cue = d->cue;
	s->hotcues = d->hotcues;
	memcpy(s->hotcue, d->hotcue, sizeof s->hotcue);
	s->loop_active = d->loop_active;
	s->loop_in = d->loop_in;
	s->loop_out = d->loop_out;
	s->slip = d->slip;
	s->slipping = d->slipping;
	s->quantise = d->quantise;
	s->sync = d->sync;
	s->following = following(d);
	s->step = d->step;
	s->pitch = 100.0 * d->fader * d->range;
	s->range = 100.0 * d->range;
	s->bend = d->bend;
	if (have_grid(d)) {
		double len = beat_len(d);

		s->bpm = d->grid.bpm * (following(d) ? match_step(d) : tempo(d));
		s->phase = grid_phase(&d->grid, d->rate, d->pos);
		if (d->loop_out > d->loop_in)
			s->loop_beats = (d->loop_out - d->loop_in) / len;
	}
}
