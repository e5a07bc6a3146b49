/*
 * screens: see screens.h.
 */
#include "screens.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "controls.h"
#include "ctl.h"
#include "gesture.h"
#include "layout.h"
#include "log.h"
#include "pacer.h"
#include "prompt.h"

static struct layout layout;
static struct controls controls;
static struct gesture_tracker gestures;
static struct ui ui;
static struct browser browser;
static struct pacer pacer;
static struct engine *engine;
static int up;   /* the layout fits: the DJ's screens can be shown */
static int card; /* the test card is shown instead */
static long last_pace;
static struct prompt prompt; /* the firmware update dialog, over display 0 */

static int send_engine(void *ctx, const struct engine_cmd *c)
{
	(void)ctx;
	return engine_command(engine, c);
}

/* Pixels per mm of display d: the profile's width_mm, else a usual panel for the mode. */
static float density(const struct display *d, const struct board_display *bd)
{
	int w = d->fb.w, h = d->fb.h;
	/* width_mm is across the mode's own width, before rotation */
	if (bd->width_mm > 0)
		return (float)d->mode_w / (float)bd->width_mm;
	return hypotf((float)w, (float)h) / ((d->mode_w <= 1024 ? 7.0f : 10.1f) * 25.4f);
}

int screens_open(struct displays *ds, const struct board *b, struct engine *e, char *msg,
                 size_t msize)
{
	struct layout_screen s[LAYOUT_DISPLAYS] = {{0, 0, 0}};
	struct surface fb[LAYOUT_DISPLAYS] = {{0}};
	int n = ds->count < LAYOUT_DISPLAYS ? ds->count : LAYOUT_DISPLAYS, err;

	engine = e;
	up = 0;
	card = 1;
	for (int i = 0; i < n; i++) {
		s[i].w = ds->d[i].fb.w;
		s[i].h = ds->d[i].fb.h;
		s[i].px_per_mm = density(&ds->d[i], &b->display[ds->d[i].index < BOARD_MAX_DISPLAYS
		                                                     ? ds->d[i].index
		                                                     : 0]);
		fb[i] = ds->d[i].fb;
	}
	err = layout_build(&layout, s, n, msg, msize);
	if (err)
		return err;
	controls_init(&controls, &layout, e->rate, send_engine, NULL);
	gesture_init(&gestures, browser_hit, browser_gesture, &browser); /* then the controls */
	for (int i = 0; i < n; i++)
		gesture_set_density(&gestures, i, s[i].px_per_mm);
	ui_init(&ui, &layout, &controls, fb, e->rate);
	browser_init(&browser, &ui);
	pacer_init(&pacer, (float)b->rt.load_limit, (float)b->thermal.warn_c);
	up = 1;
	card = 0;
	log_info("screens: %d display%s, %d controls, %.2f px/mm", n, n == 1 ? "" : "s",
	         layout.count, s[0].px_per_mm);
	return 0;
}

void screens_offer(struct offer *o)
{
	if (up)
		prompt_init(&prompt, o, 0, layout.screen[0].w, layout.screen[0].h,
		            layout.screen[0].px_per_mm);
}

/* Where the dialog was: the ground, and every widget (and the library) under it drawn again. */
static void uncover(struct rect r)
{
	if (r.w <= 0)
		return;
	browser_redraw(&browser);
	gfx_fill_rect(&ui.screen[0], r.x, r.y, r.w, r.h, UI_BG);
	damage_add(&ui.damage[0], r.x, r.y, r.w, r.h);
	for (int i = 0; i < layout.count; i++) {
		const struct rect *w = &layout.w[i].r;

		if (layout.w[i].display == 0 && w->x < r.x + r.w && r.x < w->x + w->w &&
		    w->y < r.y + r.h && r.y < w->y + w->h)
			controls.dirty[i] = 1;
	}
}

int screens_active(void)
{
	return up && !card;
}

void screens_show_card(int on)
{
	if (!up)
		return;
	if (card && !on) {
		/* back from the card: everything again */
		for (int i = 0; i < layout.ndisplays; i++) {
			gfx_clear(&ui.screen[i], GFX_RGB(0x0c, 0x0d, 0x0f));
			damage_all(&ui.damage[i]);
		}
		for (int i = 0; i < layout.count; i++)
			controls.dirty[i] = 1;
		browser_redraw(&browser);
	}
	card = on;
}

void screens_touch(const struct touch_point *p, long ms)
{
	if (screens_active() && !prompt_touch(&prompt, p, ms))
		gesture_touch(&gestures, p, ms);
}

void screens_track(int d, const struct ui_track *t)
{
	if (up)
		ui_set_track(&ui, d, t);
}

void screens_wave(int d, const struct ui_wave *w)
{
	if (up)
		ui_set_wave(&ui, d, w);
}

void screens_wave_grew(int d)
{
	if (up)
		ui_wave_grew(&ui, d);
}

void screens_control(enum widget_kind kind, int deck, float value)
{
	if (up)
		controls_set(&controls, kind, deck, value);
}

void screens_neutral(void)
{
	if (up)
		controls_neutral(&controls);
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/*
 * When a frame drawn now reaches the panel: the vblank after now, counted
 * on from the last flip's; without one (the sim, a SetCrtc fallback), a
 * refresh from now.
 */
static long long shown_at(const struct displays *ds)
{
	const struct display *d = &ds->d[0];
	long long now = (long long)now_us() * 1000;
	long long frame = 1000000000LL / (d->refresh > 0 ? d->refresh : PACER_FPS);

	if (d->vblank_ns <= 0 || d->vblank_ns > now || now - d->vblank_ns > 100 * frame)
		return now + frame;
	return d->vblank_ns + ((now - d->vblank_ns) / frame + 1) * frame;
}

void screens_tick(struct displays *ds, const struct engine_state *st, const struct ui_status *s,
                  long ms)
{
	struct ui_status shown;
	long t0;
	int drawn, playing;

	if (!up)
		return;
	if (st)
		controls_update(&controls, st);
	gesture_tick(&gestures, ms);
	controls_tick(&controls, ms);
	browser_tick(&browser, ms);
	if (ms - last_pace >= 500) {
		pacer_update(&pacer, s->load_pct, s->temp_c, ms);
		last_pace = ms;
	}
	if (card)
		return;
	shown = *s;
	snprintf(shown.pace, sizeof shown.pace, "%s", pacer.why);
	ui_set_status(&ui, &shown);
	if (!pacer_due(&pacer, ms, NULL))
		return;
	for (int i = 0; i < layout.ndisplays && i < ds->count; i++)
		if (ds->d[i].flip_pending)
			return; /* the next tick: both screens move together */
	t0 = now_us();
	controls_frame(&controls, shown_at(ds)); /* the decks move with the audio clock */
	playing = controls.st.deck[0].playing || controls.st.deck[1].playing;
	uncover(prompt_update(&prompt, playing, ms));
	drawn = ui_draw(&ui);
	drawn += browser_draw(&browser);
	drawn += prompt_draw(&prompt, &ui.screen[0], &ui.damage[0]); /* over the widgets */
	for (int i = 0; i < layout.ndisplays && i < ds->count; i++) {
		struct damage *dm = &ui.damage[i];

		if (dm->n == 0)
			continue;
		for (int k = 0; k < dm->n; k++)
			display_damage(&ds->d[i], dm->r[k].x, dm->r[k].y, dm->r[k].w, dm->r[k].h);
		damage_clear(dm);
		ds->ops->present(ds, i);
	}
	if (drawn)
		pacer_frame(&pacer, ms, (unsigned)(now_us() - t0));
}

int screens_format(char *buf, size_t size)
{
	char pace[200];

	if (!up)
		return snprintf(buf, size, "test card (no layout for these panels)");
	pacer_format(&pacer, pace, sizeof pace);
	return snprintf(buf, size, "%s, %d display%s, %d controls; %s",
	                card ? "test card" : "DJ screens", layout.ndisplays,
	                layout.ndisplays == 1 ? "" : "s", layout.count, pace);
}

/* The browser's targets, as `slipmat screens` lists the controls. */
static void list_browser(struct ctl_reply *r)
{
	for (int i = 0; i < browser_targets(&browser); i++) {
		char name[48];
		struct rect t;

		if (browser_target(&browser, i, name, sizeof name, &t) == 0)
			ctl_printf(r, "control %s: display %d at %d,%d %dx%d\n", name,
			           browser.display, t.x, t.y, t.w, t.h);
	}
}

void screens_list(struct ctl_reply *r)
{
	char dialog[400];

	if (!up) {
		ctl_printf(r, "no layout: the test card is up\n");
		return;
	}
	if (prompt_describe(&prompt, dialog, sizeof dialog))
		ctl_printf(r, "%s", dialog);
	list_browser(r);
	for (int i = 0; i < layout.count; i++) {
		const struct widget *w = &layout.w[i];
		const struct rect *a = &browser.area;
		char name[32];
		int k;

		if (browser.deck >= 0 && w->display == browser.display && w->r.x < a->x + a->w &&
		    a->x < w->r.x + w->r.w && w->r.y < a->y + a->h && a->y < w->r.y + w->r.h)
			continue; /* under the library: not a finger's to reach */

		/* "play A", "hot cue 3 B", "crossfader": lower case, spaces as dashes */
		snprintf(name, sizeof name, "%s", layout_kind_name(w->kind));
		for (k = 0; name[k]; k++)
			name[k] = name[k] == ' ' ? '-' : (char)(name[k] | (name[k] >= 'A' && name[k] <= 'Z' ? 0x20 : 0));
		if (w->kind == W_HOTCUE)
			k += snprintf(name + k, sizeof name - (size_t)k, "-%d", w->index + 1);
		if (w->deck >= 0)
			snprintf(name + k, sizeof name - (size_t)k, "-%c", 'a' + w->deck);
		ctl_printf(r, "control %s: display %d at %d,%d %dx%d%s\n", name, w->display, w->r.x,
		           w->r.y, w->r.w, w->r.h, w->touch ? "" : " (shown only)");
	}
}

void screens_library(const struct library *lib, uint32_t *rows, int max, browser_load_fn *load)
{
	if (up)
		browser_attach(&browser, lib, rows, max, load, NULL);
}

void screens_played(const char *path)
{
	if (up)
		browser_played(&browser, path);
}

static void print_line(void *ctx, const char *line)
{
	ctl_printf(ctx, "%s\n", line);
}

void screens_browser(struct ctl_reply *r)
{
	if (!up) {
		ctl_printf(r, "no layout: the test card is up\n");
		return;
	}
	browser_describe(&browser, print_line, r);
	list_browser(r);
}
