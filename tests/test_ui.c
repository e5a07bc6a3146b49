/*
 * The DJ's screens as pixels: two 10.1-inch 1280x800 displays drawn from
 * a deck state the test sets, checked where a DJ would look (the play
 * button's colour, a hot cue pad, the title, the waveform around the
 * playhead and moving with the position the playhead draws, the meter,
 * the error banner) and for what an idle or a
 * playing screen costs (which widgets are redrawn). Both screens are
 * written to build/ui-display0.png and build/ui-display1.png to look at.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fw/controls.h"
#include "fw/layout.h"
#include "fw/ui.h"
#include "hal/png.h"

#define W 1280
#define H 800
#define RATE 48000
#define TRACK_FRAMES (60L * RATE)
#define BIN 1024

static struct layout lay;
static struct controls ctl;
static struct ui ui;
static struct surface screen[2];
static struct engine_state st;
static uint8_t bands[3][TRACK_FRAMES / BIN];
static int keep_png; /* the test's screens are worth looking at */

static int no_engine(void *ctx, const struct engine_cmd *c)
{
	(void)ctx;
	(void)c;
	return 0;
}

static const struct widget *widget(enum widget_kind k, int d, int i)
{
	int at = layout_find(&lay, k, d, i);

	assert_true(at >= 0);
	return &lay.w[at];
}

static uint32_t pixel(int display, int x, int y)
{
	return screen[display].px[y * screen[display].stride + x] & 0xffffff;
}

/* The top edge's middle of a button: its fill, clear of the label and the corners. */
static uint32_t fill_of(const struct widget *w)
{
	return pixel(w->display, w->r.x + w->r.w / 2, w->r.y + 2);
}

static int setup(void **state)
{
	struct layout_screen s[2] = {{W, H, 5.88f}, {W, H, 5.88f}};
	char msg[160];

	(void)state;
	keep_png = 0;
	if (layout_build(&lay, s, 2, msg, sizeof msg) != 0)
		return -1;
	for (int d = 0; d < 2; d++) {
		screen[d].w = W;
		screen[d].h = H;
		screen[d].stride = W;
		screen[d].px = calloc((size_t)W * H, sizeof(uint32_t));
		if (!screen[d].px)
			return -1;
	}
	controls_init(&ctl, &lay, RATE, no_engine, NULL);
	ui_init(&ui, &lay, &ctl, screen, RATE);
	memset(&st, 0, sizeof st);
	st.sync_master = -1;
	controls_update(&ctl, &st);
	ui_draw(&ui);
	for (int d = 0; d < 2; d++)
		damage_clear(&ui.damage[d]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		char path[64];

		if (keep_png) {
			mkdir("build", 0755);
			snprintf(path, sizeof path, "build/ui-display%d.png", d);
			png_write_xrgb(path, screen[d].px, W, H, W);
		}
		free(screen[d].px);
	}
	return 0;
}

/* Deck d with a 60 s track at pos, a 120 BPM grid, and its waveform. */
static void deck_at(int d, double pos, int playing)
{
	struct ui_wave w = {{bands[0], bands[1], bands[2]}, TRACK_FRAMES / BIN, TRACK_FRAMES / BIN, BIN, NULL};

	/* a kick on every beat (120 BPM), a bassline's wobble, hats on the off-beats */
	for (long i = 0; i < TRACK_FRAMES / BIN; i++) {
		double beat = fmod((double)i * BIN / (RATE / 2.0), 1.0);

		bands[0][i] = (uint8_t)(60 + 170 * exp(-6 * beat));
		bands[1][i] = (uint8_t)(90 + 40 * sin(i * 0.07));
		bands[2][i] = (uint8_t)(40 + (fabs(beat - 0.5) < 0.1 ? 90 : 0));
	}
	st.deck[d].loaded = 1;
	st.deck[d].frames = TRACK_FRAMES;
	st.deck[d].ready = TRACK_FRAMES;
	st.deck[d].pos = pos;
	st.deck[d].playing = playing;
	st.deck[d].bpm = 120;
	st.deck[d].step = 1;
	st.deck[d].loop_beats = 4;
	ui_set_wave(&ui, d, &w);
	controls_update(&ctl, &st);
}

static void test_first_frame_draws_everything_then_nothing(void **state)
{
	(void)state;
	/* setup drew the first frame; with nothing new, nothing is drawn */
	assert_int_equal(ui.drawn, lay.count);
	controls_update(&ctl, &st);
	assert_int_equal(ui_draw(&ui), 0);
	assert_int_equal(damage_area(&ui.damage[0]), 0);
	assert_int_equal(damage_area(&ui.damage[1]), 0);
}

static void test_play_lights_up(void **state)
{
	const struct widget *play = widget(W_PLAY, 0, 0);
	uint32_t before;

	(void)state;
	deck_at(0, 10.0 * RATE, 0);
	ui_draw(&ui);
	before = fill_of(play);
	assert_int_equal(before, 0x2a2e34);
	st.deck[0].playing = 1;
	controls_update(&ctl, &st);
	ui_draw(&ui);
	assert_int_equal(fill_of(play), 0x22c55e);
	/* deck B's play button is another screen and untouched */
	assert_int_equal(fill_of(widget(W_PLAY, 1, 0)), 0x2a2e34);
}

static void test_hot_cue_pad_takes_its_colour(void **state)
{
	const struct widget *pad = widget(W_HOTCUE, 0, 3);

	(void)state;
	deck_at(0, 10.0 * RATE, 1);
	ui_draw(&ui);
	assert_int_equal(fill_of(pad), 0x2a2e34);
	st.deck[0].hotcues = 1u << 3;
	st.deck[0].hotcue[3] = 12.0 * RATE;
	controls_update(&ctl, &st);
	ui_draw(&ui);
	assert_int_equal(fill_of(pad), ui_hotcue_colour(3) & 0xffffff);
	assert_int_equal(fill_of(widget(W_HOTCUE, 0, 2)), 0x2a2e34);
}

/* Pixels brighter than the dim grey in the left part of the info bar. */
static int bright_in_title(void)
{
	const struct widget *w = widget(W_INFO, 0, 0);
	int n = 0;

	for (int y = w->r.y; y < w->r.y + w->r.h / 2; y++)
		for (int x = w->r.x; x < w->r.x + w->r.w / 3; x++)
			n += (pixel(0, x, y) >> 8 & 0xff) > 0xb0;
	return n;
}

static void test_title_is_drawn(void **state)
{
	struct ui_track t = {0};

	(void)state;
	assert_int_equal(bright_in_title(), 0);
	snprintf(t.title, sizeof t.title, "Strobe (Club Mix)");
	snprintf(t.artist, sizeof t.artist, "deadmau5");
	snprintf(t.key, sizeof t.key, "Am");
	snprintf(t.camelot, sizeof t.camelot, "8A");
	deck_at(0, 0, 0);
	ui_set_track(&ui, 0, &t);
	ui_draw(&ui);
	print_message("title: %d bright pixels\n", bright_in_title());
	assert_true(bright_in_title() > 100);
}

static void test_waveform_around_the_playhead(void **state)
{
	const struct widget *w = widget(W_WAVEFORM, 0, 0);
	int x0 = w->r.x + w->r.w / 2, cy = w->r.y + w->r.h / 2;
	uint32_t bg = 0x17191d;

	(void)state;
	/* analysed up to 31 s: the view (8 s) around 30 s is half drawn */
	deck_at(0, 30.0 * RATE, 1);
	ui.wave[0].ready = (long)(31.0 * RATE / BIN);
	deck_at(1, 12.5 * RATE, 0);
	ui_draw(&ui);
	keep_png = 1;
	/* left of the playhead (between beat lines): all three bands at the centre */
	assert_int_not_equal(pixel(0, x0 - 30, cy), bg);
	/* the low band reaches 200/255 of the half height: the edge is empty */
	assert_int_equal(pixel(0, x0 - 30, w->r.y + 1), bg);
	/* after 31 s nothing is analysed yet: empty (31.25 s: between two beat lines) */
	assert_int_equal(pixel(0, x0 + (int)(1.25 * RATE / (ctl.zoom[0] * RATE / w->r.w)), cy), bg);
	/* the playhead */
	assert_int_equal(pixel(0, x0, w->r.y + 1), 0xffffff);
}

/*
 * Between the engine's reports the deck is drawn where the playhead says
 * (controls' drawn position), not at the report's: moved back 12 pixels'
 * worth, the waveform and its beat grid both move 12 pixels right, the
 * playhead stays in the middle.
 */
static void test_waveform_moves_with_the_drawn_position(void **state)
{
	static uint32_t before[W * H];
	const struct widget *w = widget(W_WAVEFORM, 0, 0);
	const double fpp = ctl.zoom[0] * RATE / w->r.w;
	int x0 = w->r.x + w->r.w / 2, differ = 0, n = 0;

	(void)state;
	deck_at(0, 30.0 * RATE + 0.25 * fpp, 1);
	st.deck[0].phase = 0.25 * fpp / (RATE / 2.0); /* a beat every half second */
	controls_update(&ctl, &st);
	ui_draw(&ui);
	for (int y = 0; y < w->r.h; y++)
		for (int x = 0; x < w->r.w; x++)
			before[y * w->r.w + x] = pixel(0, w->r.x + x, w->r.y + y);
	ctl.drawn[0] = st.deck[0].pos - 12 * fpp;
	ctl.dirty[layout_find(&lay, W_WAVEFORM, 0, 0)] = 1;
	ui_draw(&ui);
	for (int y = 0; y < w->r.h; y++)
		for (int x = 12; x < w->r.w; x++) {
			if (abs(w->r.x + x - x0) <= 2 || abs(w->r.x + x - 12 - x0) <= 2)
				continue; /* the playhead, in the middle of both */
			n++;
			differ += pixel(0, w->r.x + x, w->r.y + y) != before[y * w->r.w + x - 12];
		}
	print_message("drawn 12 px of track back: %d of %d pixels are not the old ones moved 12 px "
	              "right\n",
	              differ, n);
	assert_true(differ < n / 500);
	assert_int_equal(pixel(0, x0, w->r.y + 1), 0xffffff);
}

/* The analysis's summary, fed as a track decodes: drawn where it is, empty beyond. */
static void test_waveform_from_the_analysis(void **state)
{
	static struct wave_col cols[1 << 16];
	static float audio[2 * 4800];
	static struct wavesum sum;
	static float energies[4800 / 64 + 2][4];
	const struct widget *w = widget(W_WAVEFORM, 0, 0), *ov = widget(W_OVERVIEW, 0, 0);
	int x0 = w->r.x + w->r.w / 2, cy = w->r.y + w->r.h / 2;
	struct ui_wave uw = {{NULL, NULL, NULL}, 0, 0, 0, &sum};
	uint32_t bg = 0x17191d;

	(void)state;
	assert_true(wavesum_columns(TRACK_FRAMES, RATE) <= (long)(sizeof cols / sizeof cols[0]));
	wavesum_init(&sum, RATE, cols, TRACK_FRAMES);
	/* 20 s of a 120 BPM kick (a 60 Hz thump every half second) over a quiet hiss */
	for (long done = 0; done < 20L * RATE; done += 4800) {
		for (int i = 0; i < 4800; i++) {
			long f = done + i, in_beat = f % (RATE / 2);
			float k = in_beat < RATE / 10 ? 0.8f * expf(-in_beat / 2000.0f) *
			                                    sinf(2 * (float)M_PI * 60 * f / RATE)
			                              : 0;
			float n = 0.02f * (float)((f * 1103515245 + 12345) >> 16 & 0xff) / 255.0f;

			audio[2 * i] = audio[2 * i + 1] = k + n;
		}
		wavesum_feed(&sum, audio, 4800, energies);
	}
	deck_at(0, 19.0 * RATE, 1);
	ui_set_wave(&ui, 0, &uw);
	ui_draw(&ui);
	keep_png = 1;
	/* a second before the playhead, on a beat: the kick's low band at the centre */
	assert_int_not_equal(pixel(0, x0 - (int)(0.5 * RATE / (ctl.zoom[0] * RATE / w->r.w)), cy), bg);
	/* two seconds on, past what is analysed (20 s): empty */
	assert_int_equal(pixel(0, x0 + (int)(1.75 * RATE / (ctl.zoom[0] * RATE / w->r.w)), cy), bg);
	/* the overview: the first third holds the summary (dimmed as played), the end is empty */
	assert_int_not_equal(pixel(0, ov->r.x + ov->r.w / 10, ov->r.y + ov->r.h / 2), 0x17191d);
	assert_int_equal(pixel(0, ov->r.x + ov->r.w * 9 / 10, ov->r.y + ov->r.h / 2), bg);
}

static void test_playing_redraws_only_the_moving_parts(void **state)
{
	long long area = 0;
	static const enum widget_kind moving[] = {W_WAVEFORM, W_OVERVIEW, W_INFO};

	(void)state;
	deck_at(0, 10.0 * RATE, 1);
	ui_draw(&ui);
	damage_clear(&ui.damage[0]);
	damage_clear(&ui.damage[1]);
	/* one period later */
	st.deck[0].pos += 256;
	controls_update(&ctl, &st);
	assert_int_equal(ui_draw(&ui), 3);
	for (size_t k = 0; k < 3; k++) {
		const struct widget *w = widget(moving[k], 0, 0);

		area += (long long)w->r.w * w->r.h;
		assert_true(damage_hits(&ui.damage[0], w->r.x, w->r.y, w->r.w, w->r.h));
	}
	print_message("a playing deck redraws %lld of %d pixels\n", damage_area(&ui.damage[0]),
	              W * H);
	assert_true(damage_area(&ui.damage[0]) <= area + area / 4);
	assert_false(damage_hits(&ui.damage[0], widget(W_HOTCUE, 0, 0)->r.x,
	                         widget(W_HOTCUE, 0, 0)->r.y, 4, 4));
	assert_int_equal(damage_area(&ui.damage[1]), 0);
}

static void test_meter_shows_the_level(void **state)
{
	const struct widget *m = widget(W_METER, 0, 0);
	int x = m->r.x + 1;

	(void)state;
	st.ch_peak[0][0] = st.ch_peak[0][1] = 0.5f; /* -6 dBFS: 7/8 of the scale */
	controls_update(&ctl, &st);
	ui_draw(&ui);
	assert_int_equal(pixel(0, x, m->r.y + m->r.h - 2), 0x22c55e);
	assert_int_equal(pixel(0, x, m->r.y + m->r.h * 3 / 16), 0xf59e0b);
	assert_int_equal(pixel(0, x, m->r.y + m->r.h / 16), 0x17191d);
}

static void test_errors_are_a_red_banner(void **state)
{
	struct ui_status s = {.clock = "23:41", .load_pct = 2.5f, .temp_c = NAN};
	const struct widget *bar = widget(W_STATUS, -1, 0);

	(void)state;
	ui_set_status(&ui, &s);
	assert_int_equal(ui_draw(&ui), 2); /* the bar on both screens */
	assert_int_equal(pixel(0, bar->r.x + bar->r.w - 2, bar->r.y + 1), 0x17191d);
	snprintf(s.banner, sizeof s.banner, "Audio device lost: hw:CARD=U192k. Decks keep their place.");
	ui_set_status(&ui, &s);
	ui_draw(&ui);
	assert_int_equal(pixel(0, bar->r.x + bar->r.w - 2, bar->r.y + 1), 0xb91c1c);
	assert_int_equal(pixel(1, bar->r.x + bar->r.w - 2, bar->r.y + 1), 0xb91c1c);
	/* the same status again draws nothing */
	ui_set_status(&ui, &s);
	assert_int_equal(ui_draw(&ui), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_frame_draws_everything_then_nothing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_play_lights_up, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hot_cue_pad_takes_its_colour, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_title_is_drawn, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_waveform_around_the_playhead, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_waveform_moves_with_the_drawn_position, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_waveform_from_the_analysis, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_playing_redraws_only_the_moving_parts, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_meter_shows_the_level, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors_are_a_red_banner, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
