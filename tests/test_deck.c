/*
 * test_deck: what a DJ hears from one deck, sample by sample.
 *
 * Most checks play a "probe" track whose every sample is its own frame
 * number (scaled: n / 2^18, both channels). A symmetric interpolator
 * with unit gain at DC passes a straight line through unchanged, so each
 * output sample says which track position the deck played at that frame,
 * at any speed: jumps, loops, scrubs and pitch show up as exact numbers
 * on the output, not as the deck's own idea of where it is. Clicks are
 * checked on a sine track: no sample-to-sample step larger than the
 * sine's own steepest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/resample.h"
#include "fw/deck.h"
#include "fw/grid.h"

#define PROBE_SCALE 262144.0 /* 2^18: a frame number as a sample, exactly */
#define PROBE_FRAMES 240000

static struct resample_bank *bank;
static struct track probe, sine, quiet;
static float *probe_buf, *sine_buf, *quiet_buf;
#define QUIET_FRAMES 700000
static const double sine_hz = 1000, sine_amp = 0.5;

/* One period of output, at most this long. */
#define MAXP 1024
static float out[2 * MAXP];

static struct deck_cmd cmd(enum deck_op op, int offset, double a)
{
	struct deck_cmd c;

	memset(&c, 0, sizeof c);
	c.op = op;
	c.offset = offset;
	c.a = a;
	return c;
}

static struct deck_cmd cmd_i(enum deck_op op, int offset, int index)
{
	struct deck_cmd c = cmd(op, offset, 0);

	c.index = index;
	return c;
}

static void render(struct deck *d, int frames, const struct deck_cmd *cmds, int n)
{
	assert_true(frames <= MAXP);
	deck_render(d, out, frames, cmds, n);
}

/* Render frames with no commands. */
static void idle(struct deck *d, int frames)
{
	render(d, frames, NULL, 0);
}

/* Render seconds in periods of p frames, discarding the output. */
static void run_for(struct deck *d, double seconds, int p)
{
	long n = (long)(seconds * d->rate);

	for (long i = 0; i < n; i += p)
		idle(d, p);
}

/* The track position the output's frame i was played from. */
static double heard(int i)
{
	return out[2 * i] * PROBE_SCALE;
}

static void load(struct deck *d, int rate, struct track *t, const struct beat_grid *g)
{
	struct deck_cmd c = cmd(DECK_LOAD, 0, 0);

	deck_init(d, rate, bank);
	c.track = t;
	if (g)
		c.grid = *g;
	render(d, 64, &c, 1);
}

static void seek(struct deck *d, double frame)
{
	struct deck_cmd c = cmd(DECK_SEEK, 0, frame);

	render(d, 64, &c, 1);
}

static void send(struct deck *d, struct deck_cmd c)
{
	render(d, 64, &c, 1);
}

static struct deck_state state(const struct deck *d)
{
	struct deck_state s;

	deck_read(d, &s);
	return s;
}

/* The largest step between neighbouring samples of the left channel. */
static double largest_step(const float *x, int frames, float *last)
{
	double worst = 0;

	for (int i = 0; i < frames; i++) {
		double s = fabs(x[2 * i] - *last);

		if (s > worst)
			worst = s;
		*last = x[2 * i];
	}
	return worst;
}

/*
 * Play and pause fade in and out over a few milliseconds: the sine never
 * steps further between two samples than its own slope allows (a click
 * would step by up to its whole amplitude), the fade is over in
 * DECK_RAMP_MS, play starts on the frame it was pressed, and after a
 * pause the output is exactly silent and the position holds.
 */
static void test_play_pause_never_clicks(void **state_)
{
	static float two[4 * 256];
	const int rate = 48000, p = 256, ramp = (int)(DECK_RAMP_MS * rate / 1000);
	double max_step = sine_amp * 2 * M_PI * sine_hz / rate * 1.02 + 1e-6, peak = 0, worst;
	struct deck_cmd c;
	struct deck d;
	float last;
	int i, first = -1, k;

	(void)state_;
	load(&d, rate, &sine, NULL);
	seek(&d, 1234.5);
	idle(&d, p);
	for (i = 0; i < p; i++)
		assert_true(out[2 * i] == 0.0f && out[2 * i + 1] == 0.0f);
	c = cmd(DECK_PLAY, 100, 1);
	render(&d, p, &c, 1);
	for (i = 0; i < p && first < 0; i++)
		if (out[2 * i] != 0.0f)
			first = i;
	assert_int_equal(first, 100);
	for (k = 0; k < 40; k++) {
		idle(&d, p);
		for (i = 0; i < p; i++)
			if (fabs(out[2 * i]) > peak)
				peak = fabs(out[2 * i]);
	}
	assert_true(peak > sine_amp * 0.99 && peak < sine_amp * 1.001);
	assert_true(state(&d).playing);

	/* pause at frame 50: silent from 50 + the ramp on, smoothly */
	last = out[2 * p - 2];
	c = cmd(DECK_PLAY, 50, 0);
	render(&d, p, &c, 1);
	memcpy(two, out, sizeof(float) * 2 * p);
	idle(&d, p);
	memcpy(two + 2 * p, out, sizeof(float) * 2 * p);
	worst = largest_step(two, 2 * p, &last);
	print_message("pause: largest step %.6f (a sine's steepest %.6f)\n", worst, max_step);
	assert_true(worst <= max_step);
	assert_true(two[2 * (50 + ramp / 2)] != 0.0f || two[2 * (50 + ramp / 2 + 1)] != 0.0f);
	for (i = 50 + ramp; i < 2 * p; i++)
		assert_true(two[2 * i] == 0.0f && two[2 * i + 1] == 0.0f);
	{
		double p0 = state(&d).pos;

		idle(&d, p);
		assert_true(state(&d).pos == p0);
		assert_false(state(&d).playing);
		assert_false(state(&d).audible);
	}
}

/* The fade in, looked at alone: every step within the sine's. */
static void test_play_fade_in_is_smooth(void **state_)
{
	const int rate = 48000, p = 128;
	double max_step = sine_amp * 2 * M_PI * sine_hz / rate * 1.02 + 1e-6, worst = 0;
	struct deck_cmd c;
	struct deck d;
	float last = 0;

	(void)state_;
	/* start where the sine is steepest and loudest, the worst case */
	for (int start = 0; start < 48; start += 6) {
		load(&d, rate, &sine, NULL);
		seek(&d, 4800 + start);
		last = 0;
		c = cmd(DECK_PLAY, 3, 1);
		render(&d, p, &c, 1);
		worst = fmax(worst, largest_step(out, p, &last));
		for (int k = 0; k < 4; k++) {
			idle(&d, p);
			worst = fmax(worst, largest_step(out, p, &last));
		}
	}
	print_message("play: largest step %.6f (a sine's steepest %.6f)\n", worst, max_step);
	assert_true(worst <= max_step);
}

static void grid120(struct beat_grid *g, double first)
{
	assert_int_equal(grid_set(g, 120, first, 4), 0);
}

/*
 * CDJ cue: stopped, cue sets the cue point (quantised to the nearest
 * beat) and previews from it while held, back to it on release; playing,
 * cue returns to the cue point and stops; play during a preview keeps
 * playing after the release.
 */
static void test_cue_like_a_cdj(void **state_)
{
	const int rate = 48000, p = 256;
	struct beat_grid g;
	struct deck d;
	struct deck_state s;
	double before;

	(void)state_;
	grid120(&g, 1000); /* beats at 1000, 25000, 49000, ... */
	load(&d, rate, &probe, &g);
	seek(&d, 30000); /* 0.21 beats past 25000 */
	send(&d, cmd(DECK_CUE, 0, 1));
	s = state(&d);
	assert_true(s.cue == 25000);
	assert_true(s.previewing);
	/* held: it plays from the cue point (heard once the fade in is over) */
	run_for(&d, 0.01, p);
	assert_true(heard(0) == 25000 + 64 + p);
	run_for(&d, 0.49, p);
	assert_true(state(&d).pos > 25000 + 0.45 * rate);
	send(&d, cmd(DECK_CUE, 0, 0));
	run_for(&d, 0.05, p);
	s = state(&d);
	assert_false(s.previewing);
	assert_false(s.playing);
	assert_false(s.audible);
	assert_true(s.pos == 25000);
	idle(&d, p);
	for (int i = 0; i < p; i++)
		assert_true(out[2 * i] == 0.0f);

	/* playing: cue is "back to the cue point and stop" */
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 1.0, p);
	before = state(&d).pos;
	assert_true(before > 25000 + 0.9 * rate);
	send(&d, cmd(DECK_CUE, 0, 1));
	send(&d, cmd(DECK_CUE, 0, 0));
	run_for(&d, 0.05, p);
	s = state(&d);
	assert_false(s.playing);
	assert_false(s.audible);
	assert_true(s.pos == 25000);
	assert_true(s.cue == 25000);

	/* preview, press play while holding, release: it plays on */
	send(&d, cmd(DECK_CUE, 0, 1));
	run_for(&d, 0.2, p);
	send(&d, cmd(DECK_PLAY, 0, 1));
	send(&d, cmd(DECK_CUE, 0, 0));
	before = state(&d).pos;
	run_for(&d, 0.5, p);
	s = state(&d);
	assert_true(s.playing);
	assert_true(s.audible);
	assert_true(s.pos > before + 0.45 * rate);

	/* quantise off: the cue point is exactly where the deck stood */
	send(&d, cmd(DECK_PLAY, 0, 0));
	run_for(&d, 0.05, p);
	send(&d, cmd(DECK_QUANTISE, 0, 0));
	seek(&d, 31234.5);
	send(&d, cmd(DECK_CUE, 0, 1));
	assert_true(state(&d).cue == 31234.5);
}

/*
 * A hot cue jump asked for at frame 77 of a period is heard at frame 77
 * of that period: frame 76 still plays on from before, frame 77 is the
 * hot cue's own frame. At +3 % too (the interpolated position).
 */
/* A saved preparation comes back exactly: hot cues and the cue point at their frames, unsnapped. */
static void test_saved_cues_come_back(void **state_)
{
	const int rate = 48000;
	struct deck_cmd c;
	struct deck d;

	(void)state_;
	load(&d, rate, &probe, NULL);
	seek(&d, 500);
	c = cmd_i(DECK_HOTCUE_SET, 0, 5);
	c.a = 23456.5;
	c.b = 1;
	send(&d, c);
	send(&d, cmd(DECK_CUE_POINT, 0, 777.25));
	assert_true(state(&d).hotcues == 1u << 5);
	assert_true(state(&d).hotcue[5] == 23456.5);
	assert_true(state(&d).cue == 777.25);
	assert_true(state(&d).pos == 500); /* restoring moves nothing */
	/* nonsense is refused */
	c.a = NAN;
	c.index = 6;
	send(&d, c);
	send(&d, cmd(DECK_CUE_POINT, 0, -1));
	assert_true(state(&d).hotcues == 1u << 5);
	assert_true(state(&d).cue == 777.25);
	/* and the jump lands there */
	send(&d, cmd_i(DECK_HOTCUE_JUMP, 0, 5));
	assert_true(state(&d).pos == 23456.5);
}

static void test_hotcue_lands_on_the_frame(void **state_)
{
	const int rate = 48000, p = 256;
	struct deck_cmd c;
	struct deck d;

	(void)state_;
	load(&d, rate, &probe, NULL);
	send(&d, cmd(DECK_QUANTISE, 0, 0));
	seek(&d, 12345);
	send(&d, cmd_i(DECK_HOTCUE_SET, 0, 3));
	assert_true(state(&d).hotcues == 1u << 3);
	assert_true(state(&d).hotcue[3] == 12345);
	seek(&d, 100000);
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 0.1, p);

	c = cmd_i(DECK_HOTCUE_JUMP, 77, 3);
	render(&d, p, &c, 1);
	print_message("jump at frame 77: heard %.3f %.3f | %.3f %.3f\n", heard(75), heard(76),
	              heard(77), heard(78));
	assert_true(heard(76) == heard(75) + 1);
	assert_true(heard(76) > 100000);
	assert_true(heard(77) == 12345);
	assert_true(heard(78) == 12346);

	/* +3 %: the position read at frame 200 is the hot cue, to 1/50 frame */
	send(&d, cmd(DECK_PITCH_RANGE, 0, 8));
	send(&d, cmd(DECK_PITCH, 0, 0.375));
	run_for(&d, 0.1, p);
	assert_true(fabs(state(&d).step - 1.03) < 1e-9);
	c = cmd_i(DECK_HOTCUE_JUMP, 200, 3);
	render(&d, p, &c, 1);
	print_message("at +3 %%: heard %.3f %.3f | %.3f %.3f\n", heard(198), heard(199), heard(200),
	              heard(201));
	assert_true(fabs(heard(199) - heard(198) - 1.03) < 0.02);
	assert_true(fabs(heard(200) - 12345) < 0.02);
	assert_true(fabs(heard(201) - 12346.03) < 0.02);

	/* deleted: a jump to it does nothing */
	send(&d, cmd_i(DECK_HOTCUE_DELETE, 0, 3));
	c = cmd_i(DECK_HOTCUE_JUMP, 10, 3);
	render(&d, p, &c, 1);
	assert_true(fabs(heard(11) - heard(10) - 1.03) < 0.02);
	assert_true(heard(10) > 12345 + 100);
}

/*
 * Quantised hot cues: set on the nearest beat; a jump while playing keeps
 * the deck's offset from the beat, so the kick stays on the beat.
 */
static void test_hotcue_quantised(void **state_)
{
	const int rate = 48000, p = 128;
	struct beat_grid g;
	struct deck d;
	double off;

	(void)state_;
	grid120(&g, 1000);
	load(&d, rate, &probe, &g);
	seek(&d, 49000 + 3000.25); /* an eighth of a beat after beat 2 */
	send(&d, cmd_i(DECK_HOTCUE_SET, 0, 0));
	assert_true(state(&d).hotcue[0] == 49000);
	seek(&d, 120000);
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 0.1, p);
	off = state(&d).phase;
	send(&d, cmd_i(DECK_HOTCUE_JUMP, 0, 0));
	assert_true(fabs(state(&d).phase - off - 64.0 / 24000) < 1e-6);
	assert_true(fabs(heard(0) - (49000 + off * 24000)) < 0.02);
}

/* Position differences where the heard position jumps backwards: loop wraps. */
static int wraps(const double *pos, long n, double *at, double *by, int max)
{
	int k = 0;

	for (long i = 1; i < n && k < max; i++)
		if (pos[i] < pos[i - 1] - 0.5) {
			at[k] = pos[i];
			by[k] = pos[i - 1] - pos[i];
			k++;
		}
	return k;
}

/*
 * Beat loops are exactly N beats long in frames, even at 128 bpm and
 * 44.1 kHz (20671.875 frames a beat), wrap seamlessly (the frame after
 * the out point plays the in point plus the same fraction), halve,
 * double, work when shorter than a period, and exit to play on.
 */
static void test_beat_loops(void **state_)
{
	static double pos[44100 * 12];
	const int rate = 44100, p = 1024;
	const double beats[] = {4, 1.0 / 32, 8};
	struct beat_grid g;
	struct deck d;
	double at[64], by[64], len;
	long n;
	int k, w;

	(void)state_;
	assert_int_equal(grid_set(&g, 128, 500, 4), 0);
	len = grid_beat_length(&g, rate);
	for (k = 0; k < 3; k++) {
		double want = beats[k] * len, in;

		load(&d, rate, &probe, &g);
		seek(&d, 20000.0);
		send(&d, cmd(DECK_PLAY, 0, 1));
		idle(&d, 333);
		in = grid_beat_floor(&g, rate, state(&d).pos);
		send(&d, cmd(DECK_LOOP_BEATS, 0, beats[k]));
		assert_true(state(&d).loop_active);
		assert_true(fabs(state(&d).loop_beats - beats[k]) < 1e-9);
		assert_true(fabs(state(&d).loop_in - in) < 1e-6);
		for (n = 0; n + p <= (long)(sizeof pos / sizeof pos[0]); n += p) {
			idle(&d, p);
			for (int i = 0; i < p; i++)
				pos[n + i] = heard(i);
		}
		w = wraps(pos, n, at, by, 64);
		print_message(
		    "%g beat loop: %d wraps, first by %.4f frames (%.4f wanted), lands %.4f "
		    "past the in point\n",
		    beats[k], w, w ? by[0] + 1 : 0, want, w ? at[0] - in : 0);
		assert_true(w >= 1);
		for (int i = 0; i < w; i++) {
			/* the frame before plus one step, minus the loop: exact */
			assert_true(fabs(by[i] + 1 - want) < 0.02);
			assert_true(at[i] >= in - 0.02 && at[i] < in + 1.02);
		}
		for (long i = 0; i < n; i++)
			assert_true(pos[i] >= in - 0.02 && pos[i] < in + want + 0.02);
	}

	/* halve and double a 4-beat loop */
	load(&d, rate, &probe, &g);
	seek(&d, 20000.0);
	send(&d, cmd(DECK_PLAY, 0, 1));
	send(&d, cmd(DECK_LOOP_BEATS, 0, 4));
	send(&d, cmd(DECK_LOOP_HALVE, 0, 0));
	assert_true(fabs(state(&d).loop_beats - 2) < 1e-9);
	for (n = 0; n + p <= 44100 * 3; n += p) {
		idle(&d, p);
		for (int i = 0; i < p; i++)
			pos[n + i] = heard(i);
	}
	w = wraps(pos, n, at, by, 64);
	assert_true(w >= 2);
	for (int i = 0; i < w; i++)
		assert_true(fabs(by[i] + 1 - 2 * len) < 0.02);
	send(&d, cmd(DECK_LOOP_DOUBLE, 0, 0));
	send(&d, cmd(DECK_LOOP_DOUBLE, 0, 0));
	assert_true(fabs(state(&d).loop_beats - 8) < 1e-9);
	for (n = 0; n + p <= 44100 * 12; n += p) {
		idle(&d, p);
		for (int i = 0; i < p; i++)
			pos[n + i] = heard(i);
	}
	w = wraps(pos, n, at, by, 64);
	assert_true(w >= 1);
	for (int i = 0; i < w; i++)
		assert_true(fabs(by[i] + 1 - 8 * len) < 0.02);

	/* exit: on past the out point */
	{
		double out_pt = state(&d).loop_out;

		send(&d, cmd(DECK_LOOP_EXIT, 0, 0));
		assert_false(state(&d).loop_active);
		run_for(&d, 8 * len / rate + 0.1, p);
		assert_true(state(&d).pos > out_pt);
	}
	/* 32 beats, the longest (on a long silent track) */
	load(&d, rate, &quiet, &g);
	seek(&d, 20000.0);
	send(&d, cmd(DECK_PLAY, 0, 1));
	send(&d, cmd(DECK_LOOP_BEATS, 0, 32));
	assert_true(fabs(state(&d).loop_out - state(&d).loop_in - 32 * len) < 1e-6);
	{
		double in = state(&d).loop_in, top = 0;
		int wrapped = 0;

		for (n = 0; n < 17 * 44100; n += p) {
			double before = state(&d).pos;

			idle(&d, p);
			if (state(&d).pos < before)
				wrapped = 1;
			top = fmax(top, state(&d).pos);
			assert_true(state(&d).pos >= in && state(&d).pos < in + 32 * len);
		}
		assert_true(wrapped);
		assert_true(top > in + 31.9 * len);
	}
	send(&d, cmd(DECK_LOOP_DOUBLE, 0, 0));
	assert_true(fabs(state(&d).loop_beats - 32) < 1e-9);
	send(&d, cmd(DECK_LOOP_BEATS, 0, 64));
	assert_true(fabs(state(&d).loop_beats - 32) < 1e-9);

	/* no grid: beat loops are refused, nothing changes */
	load(&d, rate, &probe, NULL);
	send(&d, cmd(DECK_PLAY, 0, 1));
	send(&d, cmd(DECK_LOOP_BEATS, 0, 4));
	assert_false(state(&d).loop_active);
}

/* Loop in/out by hand, quantise off: the loop is exactly what was marked. */
static void test_manual_loop(void **state_)
{
	static double pos[48000 * 2];
	const int rate = 48000, p = 100;
	double at[64], by[64], in;
	struct deck_cmd c;
	struct deck d;
	long n;
	int w;

	(void)state_;
	load(&d, rate, &probe, NULL);
	send(&d, cmd(DECK_QUANTISE, 0, 0));
	seek(&d, 5000);
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 0.01, p);
	c = cmd(DECK_LOOP_IN, 37, 0);
	render(&d, p, &c, 1);
	in = heard(37);
	assert_true(in == heard(36) + 1);
	assert_true(state(&d).loop_in == in);
	run_for(&d, 0.25, p);
	c = cmd(DECK_LOOP_OUT, 61, 0);
	render(&d, p, &c, 1);
	/* the out point is the frame the button was pressed at */
	assert_true(heard(61) == in);
	assert_true(heard(60) == state(&d).loop_out - 1);
	for (n = 0; n + p <= 48000 * 2; n += p) {
		idle(&d, p);
		for (int i = 0; i < p; i++)
			pos[n + i] = heard(i);
	}
	w = wraps(pos, n, at, by, 64);
	assert_true(w >= 7);
	for (int i = 0; i < w; i++) {
		assert_true(by[i] + 1 == state(&d).loop_out - in);
		assert_true(at[i] == in);
	}
}

/*
 * Slip: under a loop, and under a scrub, the track runs on in the shadow;
 * leaving resumes exactly where it would have been.
 */
static void test_slip_resumes_at_the_shadow(void **state_)
{
	const int rate = 48000, p = 128;
	struct beat_grid g;
	struct deck d;
	double start;
	long periods = 0;

	(void)state_;
	grid120(&g, 0);
	load(&d, rate, &probe, &g);
	send(&d, cmd(DECK_SLIP, 0, 1));
	seek(&d, 24000);
	start = state(&d).pos;
	send(&d, cmd(DECK_PLAY, 0, 1));       /* 64 frames */
	send(&d, cmd(DECK_LOOP_BEATS, 0, 1)); /* 64 more, looping */
	assert_true(state(&d).slipping);
	for (periods = 0; periods < 375; periods++) /* 1 s */
		idle(&d, p);
	assert_true(state(&d).pos < 48000);
	assert_true(state(&d).shadow == start + 128 + 375 * 128);
	send(&d, cmd(DECK_LOOP_EXIT, 0, 0));
	assert_true(heard(0) == start + 128 + 375 * 128);
	assert_true(state(&d).pos == start + 128 + 375 * 128 + 64);
	assert_false(state(&d).slipping);

	/* a scrub backwards for half a second, then release */
	start = state(&d).pos;
	for (int i = 0; i < 24000 / p; i++) {
		struct deck_cmd c = cmd(DECK_SCRUB, 0, start - 0.5 * i * p);

		c.b = -0.5;
		render(&d, p, &c, 1);
	}
	assert_true(state(&d).pos < start);
	print_message("scrub: at %.3f, shadow %.3f (want %.3f)\n", state(&d).pos, state(&d).shadow,
	              start + (24000 / p) * p);
	assert_true(state(&d).shadow == start + (24000 / p) * p);
	send(&d, cmd(DECK_SCRUB_END, 0, 0));
	/* (played at -0.5 a moment ago: the interpolator is not exact there) */
	assert_true(fabs(heard(0) - (start + (24000 / p) * p)) < 0.05);

	/* slip off: leaving a loop stays in place */
	send(&d, cmd(DECK_SLIP, 0, 0));
	send(&d, cmd(DECK_LOOP_BEATS, 0, 1));
	run_for(&d, 1.0, p);
	start = state(&d).pos;
	send(&d, cmd(DECK_LOOP_EXIT, 0, 0));
	assert_true(fabs(heard(0) - start) < 0.05);
	assert_true(fabs(heard(1) - heard(0) - 1) < 0.05);
}

/*
 * Scrub: the UI sends where the platter is and how fast it moves, about
 * every 10 ms. After a quarter second at a speed the deck follows within
 * 1 % of the speed and 0.2 ms of the platter's position, and the speed
 * glides over at least a period, however sudden the hand (no clicks).
 */
static void test_scrub_follows(void **state_)
{
	static double pos[4 * 48000 + 1024];
	const int rate = 48000, w = 16;
	const int periods[] = {64, 256, 1024};
	const double speeds[] = {0.5, -1.0, 2.0, 0.0};

	(void)state_;
	for (int pi = 0; pi < 3; pi++) {
		int p = periods[pi];
		struct deck d;
		double target = 100000, worst_v = 0, worst_x = 0, worst_dv = 0;
		long t = 0, next_ui = 0;

		load(&d, rate, &probe, NULL);
		seek(&d, target);
		for (int si = 0; si < 4; si++) {
			double v = speeds[si];
			long until = t + rate; /* a second at each speed */

			while (t < until) {
				struct deck_cmd c[8];
				int n = 0;

				/* every UI event that falls in this period, at its frame */
				while (t + p > next_ui) {
					c[n] = cmd(DECK_SCRUB, (int)(next_ui - t),
					           target + v * (next_ui - t));
					c[n++].b = v;
					next_ui += rate / 100;
				}
				render(&d, p, c, n);
				for (int i = 0; i < p; i++)
					pos[t + i] = heard(i);
				target += v * p;
				t += p;
				/* settled after a quarter second at this speed */
				if (t > until - rate * 3 / 4) {
					double vel = (heard(p - 1) - heard(0)) / (p - 1);

					worst_v = fmax(worst_v, fabs(vel - v));
					worst_x = fmax(worst_x, fabs(state(&d).pos - target));
				}
			}
		}
		/* the speed over 16-sample windows never jumps (the fade in aside) */
		for (long i = rate / 50; i + 2 * w < t; i += w) {
			double v0 = (pos[i + w] - pos[i]) / w,
			       v1 = (pos[i + 2 * w] - pos[i + w]) / w;

			worst_dv = fmax(worst_dv, fabs(v1 - v0));
		}
		print_message("period %4d: speed within %.4f, position within %.2f frames, speed "
		              "change between %d-sample windows at most %.4f\n",
		              p, worst_v, worst_x, w, worst_dv);
		assert_true(worst_v < 0.01);
		assert_true(worst_x < 10.0); /* 0.2 ms */
		/* even a sudden turn from -1 to 2 glides over at least a period */
		assert_true(worst_dv < 4.0 * w / p + 0.005);
		assert_true(state(&d).scrubbing);
		send(&d, cmd(DECK_SCRUB_END, 0, 0));
		run_for(&d, 0.05, p);
		assert_false(state(&d).audible);
	}
}

/*
 * Pitch: the fader's ranges, bend on top, heard as the speed at which
 * positions go by; and a fader moving every period glides sample by
 * sample, never stepping (no zipper noise).
 */
static void test_pitch_ranges_and_glide(void **state_)
{
	const int rate = 48000, p = 256;
	const struct {
		double range, fader, bend, want;
	} cases[] = {
	    {8, 1, 0, 1.08},  {16, -1, 0, 0.84},      {50, 1, 0, 1.5},
	    {50, -1, 0, 0.5}, {8, 0.5, 0.04, 1.0816}, {16, 0, -0.02, 0.98},
	};
	struct deck d;
	double worst = 0, limit;
	float fader;

	(void)state_;
	for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		load(&d, rate, &probe, NULL);
		seek(&d, 1000);
		send(&d, cmd(DECK_PITCH_RANGE, 0, cases[k].range));
		send(&d, cmd(DECK_PITCH, 0, cases[k].fader));
		send(&d, cmd(DECK_BEND, 0, cases[k].bend));
		send(&d, cmd(DECK_PLAY, 0, 1));
		run_for(&d, 0.05, p);
		idle(&d, p);
		assert_true(fabs((heard(p - 1) - heard(0)) / (p - 1) - cases[k].want) < 1e-4);
		assert_true(fabs(state(&d).pitch - 100 * cases[k].fader * cases[k].range / 100) <
		            1e-9);
	}
	/*
	 * A fader moved by 0.5 % every period, back and forth: the speed
	 * heard at the end of one period and the start of the next differ
	 * by the ramp's share, not by the whole move (a zipper would).
	 */
	load(&d, rate, &probe, NULL);
	seek(&d, 1000);
	send(&d, cmd(DECK_PITCH_RANGE, 0, 16));
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 0.01, p);
	fader = 0;
	{
		double tail = -1;

		for (int i = 0; i < 100; i++) {
			struct deck_cmd c;
			double head;

			fader += (i / 25) % 2 ? -0.03125f : 0.03125f;
			c = cmd(DECK_PITCH, 0, fader);
			render(&d, p, &c, 1);
			head = (heard(32) - heard(0)) / 32;
			if (tail > 0)
				worst = fmax(worst, fabs(head - tail));
			tail = (heard(p - 1) - heard(p - 33)) / 32;
		}
	}
	/* a move of 0.005 spread over 256 samples: 0.000625 between the
	 * centres of those windows; the probe's rounding adds some 0.0005 */
	limit = 0.005 * 32 / p + 0.0008;
	print_message("fader sweep: speed change across a period boundary at most %.6f "
	              "(a zipper: 0.005)\n",
	              worst);
	assert_true(worst < limit);
}

/*
 * At 0 % from a whole frame the deck is transparent: what comes out is
 * the track's own samples, bit for bit; at +0.1 % it is within -100 dB
 * of the ideal, so nothing changes audibly when the fader leaves 0.
 */
static void test_transparent_at_zero_pitch(void **state_)
{
	const int rate = 48000, p = 256;
	struct deck d;
	double start, worst = 0;

	(void)state_;
	load(&d, rate, &sine, NULL);
	seek(&d, 5000);
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 0.01, p);
	start = state(&d).pos;
	idle(&d, p);
	for (int i = 0; i < p; i++) {
		assert_true(out[2 * i] == sine_buf[2 * ((long)start + i)]);
		assert_true(out[2 * i + 1] == sine_buf[2 * ((long)start + i) + 1]);
	}
	send(&d, cmd(DECK_PITCH, 0, 0.0125)); /* 1/80 of 8 %: +0.1 % */
	run_for(&d, 0.05, p);
	start = state(&d).pos;
	idle(&d, p);
	for (int i = 0; i < p; i++) {
		double at = start + i * 1.001;
		double ideal = sine_amp * sin(2 * M_PI * sine_hz * at / rate);

		worst = fmax(worst, fabs(out[2 * i] - ideal));
	}
	print_message("+0.1 %%: off the ideal sine by %.1f dB\n", 20 * log10(worst / sine_amp));
	assert_true(worst < sine_amp * 1e-5);
}

/* A track still decoding plays what is there and silence beyond, and the
 * sound appears once the decoder gets there. */
static void test_plays_while_decoding(void **state_)
{
	static struct track t;
	const int rate = 48000, p = 256;
	struct deck d;

	(void)state_;
	track_init(&t, probe_buf, PROBE_FRAMES);
	t.frames = PROBE_FRAMES;
	track_set_ready(&t, 10000);
	load(&d, rate, &t, NULL);
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 0.1, p);
	assert_true(heard(p - 1) > 4000);
	run_for(&d, 0.2, p); /* past 10000: silence, still playing */
	for (int i = 0; i < p; i++)
		assert_true(out[2 * i] == 0.0f);
	assert_true(state(&d).playing);
	track_set_ready(&t, PROBE_FRAMES);
	idle(&d, p);
	assert_true(fabs(heard(10) - heard(9) - 1) < 0.02);
	assert_true(heard(10) > 14000);
}

/* The end of the track stops the deck, silently. */
static void test_stops_at_the_end(void **state_)
{
	const int rate = 48000, p = 1024;
	struct deck d;

	(void)state_;
	load(&d, rate, &probe, NULL);
	seek(&d, PROBE_FRAMES - 3000);
	send(&d, cmd(DECK_PLAY, 0, 1));
	run_for(&d, 0.1, p);
	assert_false(state(&d).playing);
	assert_true(state(&d).pos == PROBE_FRAMES);
	for (int i = 0; i < p; i++)
		assert_true(out[2 * i] == 0.0f);
}

/*
 * Sync, deck against deck: the follower takes the leader's tempo (126 bpm
 * from a 120 bpm track: 5 % faster), starts on the leader's beat, and
 * after a pitch change of the leader catches up within a second.
 */
static void test_sync_tempo_and_phase(void **state_)
{
	const int rate = 48000, p = 256;
	struct beat_grid ga, gb;
	struct deck a, b;
	struct deck_clock clk;
	struct deck_cmd c;
	double worst = 0;

	(void)state_;
	assert_int_equal(grid_set(&ga, 126, 300, 4), 0);
	assert_int_equal(grid_set(&gb, 120, 7000, 4), 0);
	load(&a, rate, &probe, &ga);
	load(&b, rate, &probe, &gb);
	seek(&b, 50000);
	c = cmd(DECK_PLAY, 0, 1);
	deck_render(&a, out, p, &c, 1);
	for (int i = 0; i < 20; i++)
		deck_render(&a, out, p, NULL, 0);
	/* b: sync on, then play: it starts on a's beat */
	for (int i = 0; i < 400; i++) {
		struct deck_cmd cs[2];
		int n = 0;

		if (i == 0)
			cs[n++] = cmd(DECK_SYNC, 0, 1);
		if (i == 2)
			cs[n++] = cmd(DECK_PLAY, 17, 1);
		if (i == 200) {
			c = cmd(DECK_PITCH, 0, 0.5);
			deck_clock(&a, &clk);
			deck_follow(&b, &clk);
			deck_render(&a, out, p, &c, 1);
		} else {
			deck_clock(&a, &clk);
			deck_follow(&b, &clk);
			deck_render(&a, out, p, NULL, 0);
		}
		deck_render(&b, out, p, cs, n);
		if (i > 3 && (i < 200 || i > 200 + rate / p)) {
			double e = grid_beat_at(&gb, rate, b.pos) - grid_beat_at(&ga, rate, a.pos);

			e -= floor(e + 0.5);
			worst = fmax(worst, fabs(e) * 60 / (126 * (i < 200 ? 1 : 1.04)) * 1000);
		}
	}
	print_message("follower: %.3f bpm against the leader's %.3f; phase within %.4f ms\n",
	              state(&b).bpm, state(&a).bpm, worst);
	assert_true(state(&b).following);
	assert_true(fabs(state(&b).bpm - state(&a).bpm) < 1e-6);
	assert_true(fabs(state(&a).bpm - 126 * 1.04) < 1e-9);
	assert_true(worst < 0.1);
}

static int setup(void **state_)
{
	(void)state_;
	bank = malloc(resample_bank_size());
	probe_buf = malloc(sizeof(float) * 2 * PROBE_FRAMES);
	sine_buf = malloc(sizeof(float) * 2 * PROBE_FRAMES);
	quiet_buf = calloc(2 * QUIET_FRAMES, sizeof(float));
	if (!bank || !probe_buf || !sine_buf || !quiet_buf || resample_bank_init(bank) != 0)
		return -1;
	for (long n = 0; n < PROBE_FRAMES; n++) {
		double s = sine_amp * sin(2 * M_PI * fmod(n * sine_hz, 48000) / 48000);

		probe_buf[2 * n] = probe_buf[2 * n + 1] = (float)(n / PROBE_SCALE);
		sine_buf[2 * n] = sine_buf[2 * n + 1] = (float)s;
	}
	track_init(&probe, probe_buf, PROBE_FRAMES);
	probe.frames = PROBE_FRAMES;
	track_set_ready(&probe, PROBE_FRAMES);
	track_init(&sine, sine_buf, PROBE_FRAMES);
	sine.frames = PROBE_FRAMES;
	track_set_ready(&sine, PROBE_FRAMES);
	track_init(&quiet, quiet_buf, QUIET_FRAMES);
	quiet.frames = QUIET_FRAMES;
	track_set_ready(&quiet, QUIET_FRAMES);
	return 0;
}

static int teardown(void **state_)
{
	(void)state_;
	free(bank);
	free(probe_buf);
	free(sine_buf);
	free(quiet_buf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_play_pause_never_clicks),
	    cmocka_unit_test(test_play_fade_in_is_smooth),
	    cmocka_unit_test(test_cue_like_a_cdj),
	    cmocka_unit_test(test_hotcue_lands_on_the_frame),
	    cmocka_unit_test(test_saved_cues_come_back),
	    cmocka_unit_test(test_hotcue_quantised),
	    cmocka_unit_test(test_beat_loops),
	    cmocka_unit_test(test_manual_loop),
	    cmocka_unit_test(test_slip_resumes_at_the_shadow),
	    cmocka_unit_test(test_scrub_follows),
	    cmocka_unit_test(test_pitch_ranges_and_glide),
	    cmocka_unit_test(test_transparent_at_zero_pitch),
	    cmocka_unit_test(test_plays_while_decoding),
	    cmocka_unit_test(test_stops_at_the_end),
	    cmocka_unit_test(test_sync_tempo_and_phase),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
