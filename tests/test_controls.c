/*
 * The DJ's fingers on the controls, heard at the outputs: touch points go
 * through the gesture tracker and the controls into the real engine,
 * rendered period by period as the audio thread would (a press timed
 * from its touch to its sound on the audio clock, and the deck drawn
 * between reports). Two 10.1-inch 1280x800 screens, deck A on the left
 * one.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw/arena.h"
#include "fw/board.h"
#include "fw/controls.h"
#include "fw/engine.h"
#include "fw/gesture.h"
#include "fw/grid.h"
#include "fw/layout.h"

#define RATE 48000
#define PERIOD 256
#define CH 4
#define TRACK_S 20
#define TRACK_FRAMES ((long)TRACK_S * RATE)

static struct arena arena;
static struct engine e;
static struct layout lay;
static struct gesture_tracker gt;
static struct controls ctl;
static struct track tracks[ENGINE_DECKS];
static float *track_mem[ENGINE_DECKS];
static float out[PERIOD * CH];
static long now_ms;

static int to_engine(void *ctx, const struct engine_cmd *c)
{
	(void)ctx;
	return engine_command(&e, c);
}

/* One period rendered; the controls see the state it published. */
static void period(void)
{
	struct engine_state st;

	engine_process(&e, out, PERIOD);
	if (engine_state(&e, &st) == 0)
		controls_update(&ctl, &st);
	now_ms += 1000 * PERIOD / RATE;
	gesture_tick(&gt, now_ms);
	controls_tick(&ctl, now_ms);
}

static void periods(int n)
{
	for (int i = 0; i < n; i++)
		period();
}

static const struct deck_state *deck(int d)
{
	return &ctl.st.deck[d];
}

/* RMS of output channel ch over n periods from now. */
static double level_db(int ch, int n)
{
	double sum = 0;

	for (int p = 0; p < n; p++) {
		period();
		for (int i = 0; i < PERIOD; i++)
			sum += (double)out[i * CH + ch] * out[i * CH + ch];
	}
	return 10 * log10(sum / (n * PERIOD) + 1e-30);
}

static void point(int display, int slot, enum touch_kind kind, int x, int y)
{
	struct touch_point p = {.display = display, .slot = slot, .kind = kind, .x = x, .y = y};

	gesture_touch(&gt, &p, now_ms);
}

static const struct widget *widget(enum widget_kind k, int d, int index)
{
	int i = layout_find(&lay, k, d, index);

	assert_true(i >= 0);
	return &lay.w[i];
}

static int cx(const struct widget *w)
{
	return w->r.x + w->r.w / 2;
}

static int cy(const struct widget *w)
{
	return w->r.y + w->r.h / 2;
}

static void tap(enum widget_kind k, int d, int index)
{
	const struct widget *w = widget(k, d, index);

	point(w->display, 0, TOUCH_DOWN, cx(w), cy(w));
	period();
	point(w->display, 0, TOUCH_UP, cx(w), cy(w));
	period();
}

/*
 * A finger from the widget's centre, moved by dx, dy in steps a period
 * apart, held still, then lifted.
 */
static void drag_in(enum widget_kind k, int d, int dx, int dy, int steps)
{
	const struct widget *w = widget(k, d, 0);

	point(w->display, 1, TOUCH_DOWN, cx(w), cy(w));
	period();
	for (int s = 1; s <= steps; s++) {
		point(w->display, 1, TOUCH_MOVE, cx(w) + dx * s / steps, cy(w) + dy * s / steps);
		period();
	}
	periods(8); /* still: no fling */
	point(w->display, 1, TOUCH_UP, cx(w) + dx, cy(w) + dy);
	period();
}

static void drag(enum widget_kind k, int d, int dx, int dy)
{
	drag_in(k, d, dx, dy, 10);
}

/* Deck d holds a sine of hz at -6 dBFS with a 120 BPM grid from frame 0. */
static void load_sine(int d, double hz)
{
	struct engine_cmd c = {.op = ENGINE_DECK, .deck = d};
	struct track *t = &tracks[d];

	track_init(t, track_mem[d], TRACK_FRAMES);
	for (long i = 0; i < TRACK_FRAMES; i++)
		t->samples[2 * i] = t->samples[2 * i + 1] = 0.5f * (float)sin(2 * M_PI * hz * i / RATE);
	t->frames = TRACK_FRAMES;
	track_set_ready(t, TRACK_FRAMES);
	c.d.op = DECK_LOAD;
	c.d.track = t;
	assert_int_equal(engine_command(&e, &c), 0);
	c.d.op = DECK_GRID;
	assert_int_equal(grid_set(&c.d.grid, 120, 0, 4), 0);
	assert_int_equal(engine_command(&e, &c), 0);
	period();
}

static int setup(void **state)
{
	struct layout_screen s[2] = {{1280, 800, 5.88f}, {1280, 800, 5.88f}};
	struct board b;
	char msg[160];

	(void)state;
	now_ms = 1000;
	if (layout_build(&lay, s, 2, msg, sizeof msg) != 0 || arena_init(&arena, 8 << 20) != 0)
		return -1;
	board_defaults(&b);
	b.audio.rate = RATE;
	b.audio.channels = CH;
	b.audio.period = PERIOD;
	b.audio.outputs = OUTPUTS_MASTER_CUE;
	if (engine_init(&e, &b, &arena) != 0)
		return -1;
	controls_init(&ctl, &lay, RATE, to_engine, NULL);
	gesture_init(&gt, controls_hit, controls_gesture, &ctl);
	for (int d = 0; d < 2; d++)
		gesture_set_density(&gt, d, 5.88f);
	load_sine(0, 1000);
	load_sine(1, 1000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	engine_clear(&e);
	arena_clear(&arena);
	return 0;
}

static void test_play_sounds_in_the_next_period(void **state)
{
	const struct widget *w = widget(W_PLAY, 0, 0);
	double sum = 0;

	(void)state;
	period();
	for (int i = 0; i < PERIOD * CH; i++)
		assert_true(out[i] == 0.0f);
	/* the finger goes down; the very next period carries deck A */
	point(w->display, 0, TOUCH_DOWN, cx(w), cy(w));
	engine_process(&e, out, PERIOD);
	for (int i = 0; i < PERIOD; i++)
		sum += fabs(out[i * CH]);
	assert_true(sum > 1.0);
	point(w->display, 0, TOUCH_UP, cx(w), cy(w));
	period();
	assert_true(deck(0)->playing);
	/* and once more: pause */
	tap(W_PLAY, 0, 0);
	assert_false(deck(0)->playing);
}

/*
 * A press carries its touch's time to the engine, which times it to the
 * first sample it changes on the audio clock: the finger went down 2 ms
 * before the period's wake-up, 512 frames were queued, so play is heard
 * 2 ms + (512 + the limiter's look-ahead) / 48 kHz after the touch. Drags
 * and lifts are not taps.
 */
static void test_press_timed_touch_to_sound(void **state)
{
	const struct widget *w = widget(W_PLAY, 0, 0);
	const long long t = 9000000000LL;
	struct touch_point p = {.display = w->display, .kind = TOUCH_DOWN, .x = cx(w), .y = cy(w)};
	struct engine_state st;
	double want;
	int l = limiter_latency(&e.limiter);

	(void)state;
	p.t_ns = t - 2000000;
	gesture_touch(&gt, &p, now_ms);
	engine_clock(&e, t, 512);
	engine_process(&e, out, PERIOD);
	assert_int_equal(engine_state(&e, &st), 0);
	want = 2.0 + 1000.0 * (512 + l) / RATE;
	print_message("play pressed 2 ms before the wake-up, 512 frames queued: touch to sound "
	              "%.3f ms (%.3f expected)\n",
	              st.touch_ms[0], want);
	assert_int_equal(st.touches, 1);
	assert_true(fabs(st.touch_ms[0] - want) < 1e-3);
	p.kind = TOUCH_UP;
	gesture_touch(&gt, &p, now_ms);
	drag(W_FADER, 0, 0, 40);
	engine_clock(&e, t, 512);
	engine_process(&e, out, PERIOD);
	assert_int_equal(engine_state(&e, &st), 0);
	assert_int_equal(st.touches, 1);
}

/*
 * With the audio clock in the states, the controls draw the deck where
 * the sound is at the frame's vblank, between the reports, and mark what
 * shows it for redrawing; without a report since, it goes no further than
 * the next report will be.
 */
static void test_deck_drawn_on_the_audio_clock(void **state)
{
	const long long t = 9000000000LL, period_ns = 1000000000LL * PERIOD / RATE;
	struct engine_state st;
	double before;
	int k;

	(void)state;
	tap(W_PLAY, 0, 0);
	/* 512 frames queued at each wake-up */
	for (k = 0; k < 8; k++) {
		engine_clock(&e, t + k * period_ns, 512);
		engine_process(&e, out, PERIOD);
		assert_int_equal(engine_state(&e, &st), 0);
		controls_update(&ctl, &st);
	}
	memset(ctl.dirty, 0, sizeof ctl.dirty);
	/* shown when the report's position is heard, less 2 ms */
	before = st.deck[0].pos - 0.002 * RATE * st.deck[0].step;
	controls_frame(&ctl, st.heard_ns - 2000000);
	print_message("report at %.0f, heard at +%.2f ms; drawn 2 ms before that at %.1f (%.1f)\n",
	              st.deck[0].pos, (st.heard_ns - t - 7 * period_ns) / 1e6, ctl.drawn[0],
	              before);
	assert_true(fabs(ctl.drawn[0] - before) < 2.0);
	assert_true(ctl.dirty[layout_find(&lay, W_WAVEFORM, 0, 0)]);
	assert_true(ctl.dirty[layout_find(&lay, W_OVERVIEW, 0, 0)]);
	/* 1.5 ms later it has moved on 1.5 ms */
	controls_frame(&ctl, st.heard_ns - 500000);
	assert_true(fabs(ctl.drawn[0] - before - 0.0015 * RATE * st.deck[0].step) < 2.0);
	/* a frame later, with no report since, no further than the next report will be */
	controls_frame(&ctl, st.heard_ns - 2000000 + 1000000000LL / 60);
	assert_true(fabs(ctl.drawn[0] - (st.deck[0].pos + PERIOD * st.deck[0].step)) < 2.0);
}

static void test_cue_held_previews(void **state)
{
	const struct widget *w = widget(W_CUE, 0, 0);
	double at;

	(void)state;
	periods(2);
	at = deck(0)->pos;
	point(0, 0, TOUCH_DOWN, cx(w), cy(w));
	periods(40);
	assert_true(deck(0)->previewing);
	assert_true(deck(0)->pos > at + 30 * PERIOD);
	point(0, 0, TOUCH_UP, cx(w), cy(w));
	periods(10);
	assert_false(deck(0)->playing);
	assert_true(fabs(deck(0)->pos - deck(0)->cue) < 1);
}

static void test_hot_cue_set_jump_delete(void **state)
{
	const struct widget *pad = widget(W_HOTCUE, 0, 2);
	double set_at;

	(void)state;
	tap(W_PLAY, 0, 0);
	periods(100);
	point(0, 0, TOUCH_DOWN, cx(pad), cy(pad)); /* unset: set it (quantised to the beat) */
	period();
	point(0, 0, TOUCH_UP, cx(pad), cy(pad));
	period();
	assert_true(deck(0)->hotcues & 1u << 2);
	set_at = deck(0)->hotcue[2];
	periods(200);
	assert_true(deck(0)->pos > set_at + 150 * PERIOD);
	point(0, 0, TOUCH_DOWN, cx(pad), cy(pad)); /* set: jump */
	period();
	/* quantised: back at the cue, keeping the offset from the beat (120 BPM) */
	assert_true(fabs(deck(0)->pos - set_at) < RATE / 4 + 2 * PERIOD);
	/* held on: a long press deletes it */
	periods(100);
	point(0, 0, TOUCH_UP, cx(pad), cy(pad));
	period();
	assert_false(deck(0)->hotcues & 1u << 2);
}

static void test_faders_and_crossfader_at_the_output(void **state)
{
	double full, down;

	(void)state;
	tap(W_PLAY, 0, 0);
	full = level_db(0, 20);
	/* the channel fader all the way down, by its length */
	drag(W_FADER, 0, 0, widget(W_FADER, 0, 0)->r.h);
	assert_true(controls_value(&ctl, W_FADER, 0) == 0.0f);
	down = level_db(0, 20);
	print_message("deck A on the master: %.1f dB, fader down: %.1f dB\n", full, down);
	assert_true(full > -12.5 && down < full - 90);
	/* double tap: back up */
	tap(W_FADER, 0, 0);
	tap(W_FADER, 0, 0);
	assert_true(controls_value(&ctl, W_FADER, 0) == 1.0f);
	assert_true(fabs(level_db(0, 20) - full) < 0.1);
	/* crossfader all the way to B: A leaves the master */
	drag(W_XFADER, -1, widget(W_XFADER, -1, 0)->r.w, 0);
	assert_true(controls_value(&ctl, W_XFADER, -1) == 1.0f);
	assert_true(level_db(0, 20) < full - 90);
}

static void test_knob_turn_and_reset(void **state)
{
	double flat, up, killed;
	int mm40 = (int)(CONTROLS_KNOB_MM * 5.88f);

	(void)state;
	tap(W_PLAY, 0, 0);
	flat = level_db(0, 20);
	/* trim: a quarter turn up (10 mm) is +9 dB of its 36 */
	drag(W_TRIM, 0, 0, -mm40 / 4);
	up = level_db(0, 20);
	print_message("trim a quarter turn: %.2f dB -> %.2f dB\n", flat, up);
	assert_true(fabs(up - flat - 9.0) < 0.3);
	tap(W_TRIM, 0, 0);
	tap(W_TRIM, 0, 0);
	assert_true(fabs(level_db(0, 20) - flat) < 0.05);
	/* the mid band holds 1 kHz: turned fully down it is killed */
	drag(W_EQ_MID, 0, 0, mm40);
	killed = level_db(0, 40);
	print_message("mid killed: %.1f dB\n", killed);
	assert_true(killed < flat - 50);
}

static void test_overview_seeks_and_waveform_scrubs(void **state)
{
	const struct widget *ov = widget(W_OVERVIEW, 0, 0);
	double at;

	(void)state;
	point(0, 0, TOUCH_DOWN, ov->r.x + ov->r.w / 2, cy(ov));
	periods(2);
	point(0, 0, TOUCH_UP, ov->r.x + ov->r.w / 2, cy(ov));
	period();
	assert_true(fabs(deck(0)->pos - TRACK_FRAMES / 2.0) < TRACK_FRAMES / 200.0);
	/* the platter: a finger dragged right pulls the track back */
	at = deck(0)->pos;
	drag_in(W_WAVEFORM, 0, 100, 0, 80);
	periods(20);
	print_message("waveform dragged 100 px right: %.0f -> %.0f frames (%.0f expected)\n", at,
	              deck(0)->pos, at - 100 * CONTROLS_ZOOM_S * RATE / widget(W_WAVEFORM, 0, 0)->r.w);
	assert_true(fabs(deck(0)->pos - (at - 100 * CONTROLS_ZOOM_S * RATE /
	                                          widget(W_WAVEFORM, 0, 0)->r.w)) < RATE / 100);
	assert_false(deck(0)->scrubbing);
}

static void test_pinch_zooms_the_waveform(void **state)
{
	const struct widget *w = widget(W_WAVEFORM, 1, 0);

	(void)state;
	point(1, 0, TOUCH_DOWN, cx(w) - 20, cy(w));
	point(1, 1, TOUCH_DOWN, cx(w) + 20, cy(w));
	period();
	point(1, 0, TOUCH_MOVE, cx(w) - 80, cy(w));
	point(1, 1, TOUCH_MOVE, cx(w) + 80, cy(w));
	period();
	point(1, 0, TOUCH_UP, cx(w) - 80, cy(w));
	point(1, 1, TOUCH_UP, cx(w) + 80, cy(w));
	/* four times as wide apart: a quarter of the seconds across */
	assert_true(fabs(ctl.zoom[1] - CONTROLS_ZOOM_S / 4) < 0.01);
	assert_true(ctl.zoom[0] == CONTROLS_ZOOM_S);
}

static void test_two_hands_two_decks(void **state)
{
	const struct widget *fa = widget(W_FADER, 0, 0), *pb = widget(W_PITCH, 1, 0);

	(void)state;
	/* left hand pulls fader A down, right hand pushes pitch B down (faster) */
	point(0, 0, TOUCH_DOWN, cx(fa), cy(fa));
	point(1, 0, TOUCH_DOWN, cx(pb), cy(pb));
	for (int s = 1; s <= 10; s++) {
		point(0, 0, TOUCH_MOVE, cx(fa), cy(fa) + fa->r.h * s / 20);
		point(1, 0, TOUCH_MOVE, cx(pb), cy(pb) + pb->r.h * s / 20);
		period();
	}
	point(0, 0, TOUCH_UP, cx(fa), cy(fa) + fa->r.h / 2);
	point(1, 0, TOUCH_UP, cx(pb), cy(pb) + pb->r.h / 2);
	periods(4);
	assert_true(fabs(controls_value(&ctl, W_FADER, 0) - 0.5f) < 0.01f);
	assert_true(fabs(controls_value(&ctl, W_PITCH, 1) - 1.0f) < 0.01f);
	print_message("deck B: pitch %+.2f %% in the %.0f %% range\n", deck(1)->pitch,
	              deck(1)->range);
	assert_true(fabs(deck(1)->pitch - 8.0) < 0.1);
	/* range 16 %: the same fader is +16 % */
	tap(W_PITCH_RANGE, 1, 0);
	assert_true(fabs(deck(1)->pitch - 16.0) < 0.1);
	/* double tap: 0 % */
	tap(W_PITCH, 1, 0);
	tap(W_PITCH, 1, 0);
	assert_true(fabs(deck(1)->pitch) < 1e-9);
}

static void test_loops_sync_nudge_cue_library(void **state)
{
	const struct widget *n = widget(W_NUDGE_UP, 0, 0);

	(void)state;
	tap(W_PLAY, 0, 0);
	periods(50);
	tap(W_BEATLOOP, 0, 0);
	assert_true(deck(0)->loop_active);
	assert_true(fabs(deck(0)->loop_beats - 4) < 1e-9);
	tap(W_LOOP_HALVE, 0, 0);
	assert_true(fabs(deck(0)->loop_beats - 2) < 1e-9);
	tap(W_BEATLOOP, 0, 0); /* on a loop: exit */
	assert_false(deck(0)->loop_active);
	/* off a loop, halve and double set the next loop's length */
	tap(W_LOOP_DOUBLE, 0, 0);
	tap(W_LOOP_DOUBLE, 0, 0);
	tap(W_BEATLOOP, 0, 0);
	assert_true(fabs(deck(0)->loop_beats - 16) < 1e-9);
	tap(W_BEATLOOP, 0, 0);

	tap(W_SYNC, 0, 0);
	assert_true(deck(0)->sync);
	tap(W_SYNC, 0, 0);
	assert_false(deck(0)->sync);

	point(0, 0, TOUCH_DOWN, cx(n), cy(n));
	periods(2);
	assert_true(fabs(deck(0)->bend - CONTROLS_NUDGE) < 1e-9);
	point(0, 0, TOUCH_UP, cx(n), cy(n));
	periods(2);
	assert_true(deck(0)->bend == 0);

	/* deck B's headphone cue: B is heard on the cue outputs 3-4 */
	tap(W_PLAY, 1, 0);
	drag(W_PHONES_BLEND, -1, 0, (int)(CONTROLS_KNOB_MM * 5.88f)); /* all cue */
	assert_true(level_db(2, 10) < -100);
	tap(W_PHONES_CUE, 1, 0);
	assert_true(level_db(2, 10) > -20);

	tap(W_LIBRARY, 1, 0);
	assert_int_equal(ctl.library_deck, 1);
	assert_int_equal(ctl.refused, 0);
}

static void test_redraws_only_what_changed(void **state)
{
	int play = layout_find(&lay, W_PLAY, 0, 0), pad = layout_find(&lay, W_HOTCUE, 0, 5);
	int trim = layout_find(&lay, W_TRIM, 1, 0), wave = layout_find(&lay, W_WAVEFORM, 0, 0);

	(void)state;
	periods(2);
	memset(ctl.dirty, 0, sizeof ctl.dirty);
	/* a stopped deck and nobody touching: nothing to redraw but the meters */
	periods(10);
	for (int i = 0; i < lay.count; i++)
		if (lay.w[i].kind != W_METER)
			assert_int_equal(ctl.dirty[i], 0);
	tap(W_PLAY, 0, 0);
	assert_int_equal(ctl.dirty[play], 1);
	assert_int_equal(ctl.dirty[wave], 1);
	assert_int_equal(ctl.dirty[pad], 0);
	assert_int_equal(ctl.dirty[trim], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_play_sounds_in_the_next_period, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_press_timed_touch_to_sound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deck_drawn_on_the_audio_clock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cue_held_previews, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hot_cue_set_jump_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_faders_and_crossfader_at_the_output, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_knob_turn_and_reset, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overview_seeks_and_waveform_scrubs, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_pinch_zooms_the_waveform, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_hands_two_decks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loops_sync_nudge_cue_library, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_redraws_only_what_changed, setup, teardown),
	};
	int i, rc;

	for (i = 0; i < ENGINE_DECKS; i++)
		if (!(track_mem[i] = malloc(sizeof(float) * 2 * TRACK_FRAMES)))
			return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	for (i = 0; i < ENGINE_DECKS; i++)
		free(track_mem[i]);
	return rc;
}
