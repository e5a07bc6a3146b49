/*
 * ui: see ui.h. One drawing function per kind of widget, each painting
 * its whole rectangle (so a redraw needs nothing underneath).
 */
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fonts/face.h"

#define BG UI_BG
#define PANEL UI_PANEL
#define BUTTON UI_BUTTON
#define LABEL UI_LABEL
#define DIM UI_DIM
#define DARK_LABEL UI_DARK_LABEL
#define PLAY_ON UI_PLAY_ON
#define CUE_ON UI_CUE_ON
#define SYNC_ON UI_SYNC_ON
#define LOOP_ON GFX_ARGB(0xff, 0x22, 0xc5, 0x5e)
#define ALERT GFX_ARGB(0xff, 0xdc, 0x26, 0x26)
#define PLAYHEAD GFX_ARGB(0xff, 0xff, 0xff, 0xff)
#define GRID GFX_ARGB(0x50, 0xff, 0xff, 0xff)

static const uint32_t hotcue_colours[LAYOUT_HOTCUES] = {
    GFX_ARGB(0xff, 0xef, 0x44, 0x44), GFX_ARGB(0xff, 0xf9, 0x73, 0x16),
    GFX_ARGB(0xff, 0xea, 0xb3, 0x08), GFX_ARGB(0xff, 0x22, 0xc5, 0x5e),
    GFX_ARGB(0xff, 0x06, 0xb6, 0xd4), GFX_ARGB(0xff, 0x3b, 0x82, 0xf6),
    GFX_ARGB(0xff, 0xa8, 0x55, 0xf7), GFX_ARGB(0xff, 0xec, 0x48, 0x99),
};

static const struct gfx_wave_style wave_style = {
    .bg = PANEL,
    .band = {GFX_ARGB(0xe6, 0xff, 0x45, 0x45), GFX_ARGB(0xaa, 0x45, 0xe0, 0x65),
             GFX_ARGB(0x99, 0x55, 0xa5, 0xff)},
};

uint32_t ui_hotcue_colour(int i)
{
	return hotcue_colours[i & (LAYOUT_HOTCUES - 1)];
}

void ui_init(struct ui *u, const struct layout *lay, struct controls *ctl,
             const struct surface *screens, int rate)
{
	memset(u, 0, sizeof *u);
	u->lay = lay;
	u->ctl = ctl;
	u->rate = rate;
	u->status.temp_c = NAN;
	for (int d = 0; d < lay->ndisplays; d++) {
		u->screen[d] = screens[d];
		damage_init(&u->damage[d], screens[d].w, screens[d].h);
		gfx_clear(&u->screen[d], BG);
		damage_all(&u->damage[d]);
	}
	for (int i = 0; i < lay->count; i++)
		ctl->dirty[i] = 1;
}

static void mark(struct ui *u, enum widget_kind k, int d)
{
	int i = layout_find(u->lay, k, d, 0);

	if (i >= 0)
		u->ctl->dirty[i] = 1;
}

void ui_set_track(struct ui *u, int d, const struct ui_track *t)
{
	if (t)
		u->track[d] = *t;
	else
		memset(&u->track[d], 0, sizeof u->track[d]);
	mark(u, W_INFO, d);
}

void ui_set_wave(struct ui *u, int d, const struct ui_wave *w)
{
	if (w)
		u->wave[d] = *w;
	else
		memset(&u->wave[d], 0, sizeof u->wave[d]);
	mark(u, W_WAVEFORM, d);
	mark(u, W_OVERVIEW, d);
}

void ui_wave_grew(struct ui *u, int d)
{
	mark(u, W_WAVEFORM, d);
	mark(u, W_OVERVIEW, d);
}

void ui_set_status(struct ui *u, const struct ui_status *s)
{
	int same = strcmp(s->clock, u->status.clock) == 0 &&
	           fabsf(s->load_pct - u->status.load_pct) < 0.05f &&
	           (isnan(s->temp_c) ? isnan(u->status.temp_c)
	                             : fabsf(s->temp_c - u->status.temp_c) < 0.5f) &&
	           s->xruns == u->status.xruns && strcmp(s->storage, u->status.storage) == 0 &&
	           strcmp(s->pace, u->status.pace) == 0 && strcmp(s->banner, u->status.banner) == 0;

	if (same)
		return;
	u->status = *s;
	for (int i = 0; i < u->lay->count; i++)
		if (u->lay->w[i].kind == W_STATUS)
			u->ctl->dirty[i] = 1;
}

/* ---- text ---------------------------------------------------------- */

/* The largest face whose line fits h pixels with some air. */
static const struct face *face_for(int h, int bold)
{
	static const struct face *const regular[] = {&face_sans_28, &face_sans_22, &face_sans_20,
	                                              &face_sans_16, &face_sans_13};
	static const struct face *const heavy[] = {&face_sans_bold_38, &face_sans_bold_28,
	                                           &face_sans_bold_20};
	const struct face *const *list = bold ? heavy : regular;
	int n = bold ? 3 : 5;

	for (int i = 0; i < n; i++)
		if (list[i]->ascent + list[i]->descent <= h)
			return list[i];
	return bold ? &face_sans_bold_20 : &face_sans_13;
}

/* The largest bold face for a label that fits r with a margin. */
static const struct face *label_face(struct rect r, const char *label)
{
	static const struct face *const list[] = {&face_sans_bold_28, &face_sans_bold_20,
	                                          &face_sans_16, &face_sans_13};

	for (int i = 0; i < 4; i++)
		if (list[i]->ascent + list[i]->descent <= r.h * 2 / 5 + 4 &&
		    face_measure(list[i], label, (size_t)-1) <= r.w - 8)
			return list[i];
	return &face_sans_13;
}

/* text centred in r (cut with an ellipsis when too wide). */
static void text_centre(struct surface *s, const struct face *f, struct rect r, uint32_t colour,
                        const char *text)
{
	int w = face_measure(f, text, (size_t)-1);
	int x = r.x + (w < r.w ? (r.w - w) / 2 : 0);
	int base = r.y + (r.h + f->ascent - f->descent) / 2;

	gfx_text_fit(s, f, x, base, r.w, colour, text);
}

static void text_left(struct surface *s, const struct face *f, int x, int y, int max_w,
                      uint32_t colour, const char *text)
{
	gfx_text_fit(s, f, x, y + f->ascent, max_w, colour, text);
}

static int text_right(struct surface *s, const struct face *f, int right, int y, uint32_t colour,
                      const char *text)
{
	int w = face_measure(f, text, (size_t)-1);

	gfx_text_run(s, f, right - w, y + f->ascent, colour, text);
	return w;
}

/* ---- pieces -------------------------------------------------------- */

static void clear(struct surface *s, struct rect r)
{
	gfx_fill_rect(s, r.x, r.y, r.w, r.h, BG);
}

static int radius(struct rect r)
{
	int m = r.w < r.h ? r.w : r.h;

	return m / 6;
}

/* A button: fill is its colour (lit or not), the label dark on light colours. */
static void button(struct surface *s, struct rect r, const char *label, uint32_t fill,
                   int dark_text, int enabled)
{
	clear(s, r);
	gfx_round_rect(s, r.x, r.y, r.w, r.h, radius(r), fill);
	text_centre(s, label_face(r, label), r, !enabled ? DIM : dark_text ? DARK_LABEL : LABEL,
	            label);
}

/* Knob value v in lo..1 as a ring from -135 to +135 degrees. */
static void knob(struct surface *s, struct rect r, float v, float lo, int bipolar,
                 const char *label, uint32_t colour)
{
	const struct face *f = &face_sans_13;
	int lh = f->ascent + f->descent + 2;
	float cx = r.x + r.w / 2.0f, cy = r.y + (r.h - lh) / 2.0f;
	float rad = fminf((float)r.w, (float)(r.h - lh)) / 2.0f - 2.0f;
	float t = (v - lo) / (1.0f - lo); /* 0..1 */
	float a = -135.0f + 270.0f * t;
	float from = bipolar ? 0.0f : -135.0f;
	struct rect lr = {r.x, r.y + r.h - lh, r.w, lh};

	clear(s, r);
	if (rad < 3)
		rad = 3;
	gfx_disc(s, cx, cy, rad * 0.62f, BUTTON);
	gfx_arc(s, cx, cy, rad * 0.85f, rad * 0.22f, -135.0f, 135.0f, GFX_ARGB(0xff, 0x33, 0x37, 0x3d));
	if (fabsf(a - from) > 0.5f)
		gfx_arc(s, cx, cy, rad * 0.85f, rad * 0.22f, fminf(a, from), fmaxf(a, from), colour);
	/* the pointer */
	gfx_line(s, cx, cy, cx + sinf(a * (float)M_PI / 180) * rad * 0.6f,
	         cy - cosf(a * (float)M_PI / 180) * rad * 0.6f, fmaxf(2.0f, rad * 0.1f), LABEL);
	text_centre(s, f, lr, DIM, label);
}

/* A fader along r's long side; v 0..1 (lo -1: -1..1), up or right is more. */
static void fader(struct surface *s, struct rect r, float v, float lo, const char *label)
{
	int vertical = r.h >= r.w;
	float t = (v - lo) / (1.0f - lo);
	int cap_long = (vertical ? r.w : r.h) / 2, cap_short = (vertical ? r.w : r.h) - 6;

	clear(s, r);
	if (vertical) {
		int travel = r.h - cap_long, y = r.y + (int)lroundf((1.0f - t) * (float)travel);

		gfx_fill_rect(s, r.x + r.w / 2 - 2, r.y + cap_long / 2, 4, travel, BUTTON);
		gfx_round_rect(s, r.x + 3, y, cap_short, cap_long, 4, GFX_ARGB(0xff, 0x9a, 0xa1, 0xa9));
		gfx_hline(s, r.x + 5, y + cap_long / 2, cap_short - 4, DARK_LABEL);
	} else {
		int travel = r.w - cap_long, x = r.x + (int)lroundf(t * (float)travel);

		gfx_fill_rect(s, r.x + cap_long / 2, r.y + r.h / 2 - 2, travel, 4, BUTTON);
		gfx_round_rect(s, x, r.y + 3, cap_long, cap_short, 4, GFX_ARGB(0xff, 0x9a, 0xa1, 0xa9));
		gfx_vline(s, x + cap_long / 2, r.y + 5, cap_short - 4, DARK_LABEL);
	}
	if (label && !vertical)
		text_left(s, &face_sans_13, r.x + 2, r.y, r.w / 4, DIM, label);
}

static float meter_fraction(float linear)
{
	float db = linear > 0 ? 20.0f * log10f(linear) : -120.0f;

	return fminf(fmaxf((db + 48.0f) / 48.0f, 0.0f), 1.0f);
}

/* Two bars (left, right): green to -9 dB, amber to -3 dB, red above; RMS as a line. */
static void meter(struct surface *s, struct rect r, const float peak[2], const float rms[2])
{
	int bw = (r.w - 1) / 2;

	clear(s, r);
	for (int c = 0; c < 2; c++) {
		int x = r.x + c * (bw + 1);
		int h = (int)lroundf(meter_fraction(peak[c]) * (float)r.h);
		int y_amber = r.y + (int)lroundf((1.0f - (48.0f - 9.0f) / 48.0f) * (float)r.h);
		int y_red = r.y + (int)lroundf((1.0f - (48.0f - 3.0f) / 48.0f) * (float)r.h);
		int top = r.y + r.h - h;
		int hr = (int)lroundf(meter_fraction(rms[c]) * (float)r.h);

		gfx_fill_rect(s, x, r.y, bw, r.h, PANEL);
		/* three zones, each drawn only where the bar reaches */
		if (top < r.y + r.h)
			gfx_fill_rect(s, x, top > y_amber ? top : y_amber, bw,
			              r.y + r.h - (top > y_amber ? top : y_amber), PLAY_ON);
		if (top < y_amber)
			gfx_fill_rect(s, x, top > y_red ? top : y_red, bw, y_amber - (top > y_red ? top : y_red),
			              CUE_ON);
		if (top < y_red)
			gfx_fill_rect(s, x, top, bw, y_red - top, ALERT);
		if (hr > 0)
			gfx_hline(s, x, r.y + r.h - hr, bw, LABEL);
	}
}

/* ---- the deck's displays ------------------------------------------- */

static void format_time(char *buf, size_t size, double seconds)
{
	int s = (int)fmin(floor(seconds < 0 ? 0 : seconds), 5999.0); /* 99:59 at most */

	snprintf(buf, size, "%d:%02d", s / 60 % 100, s % 60);
}

static void info(struct ui *u, struct surface *s, struct rect r, int d)
{
	const struct ui_track *t = &u->track[d];
	const struct deck_state *st = &u->ctl->st.deck[d];
	const struct face *big = face_for(r.h / 2, 1), *small = &face_sans_16;
	char line[96], el[8], rem[8];
	int right = r.x + r.w - 4, w;

	gfx_fill_rect(s, r.x, r.y, r.w, r.h, PANEL);
	if (!st->loaded && !t->title[0]) {
		text_left(s, small, r.x + 6, r.y + (r.h - small->ascent) / 2, r.w - 12, DIM,
		          d == 0 ? "Deck A: load a track from the library" :
		                   "Deck B: load a track from the library");
		return;
	}
	/* right: BPM with the pitch applied, pitch, key; below it the times */
	if (st->bpm > 0)
		snprintf(line, sizeof line, "%.1f BPM  %+.1f %%", st->bpm, st->pitch);
	else if (t->bpm > 0)
		snprintf(line, sizeof line, "%.1f BPM  %+.1f %%", t->bpm * st->step, st->pitch);
	else
		snprintf(line, sizeof line, "%+.1f %%", st->pitch);
	if (t->key[0]) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof line - n, "  %s%s%s", t->key, t->camelot[0] ? " " : "",
		         t->camelot);
	}
	w = text_right(s, big, right, r.y + 2, LABEL, line);
	format_time(el, sizeof el, u->ctl->drawn[d] / u->rate);
	format_time(rem, sizeof rem, (st->frames - u->ctl->drawn[d]) / u->rate);
	snprintf(line, sizeof line, "%s  -%s", el, rem);
	{
		int w2 = text_right(s, small, right, r.y + r.h - small->ascent - small->descent - 2,
		                    LABEL, line);
		w = w > w2 ? w : w2;
	}
	/* left: title over artist (or the loader's note) */
	text_left(s, big, r.x + 6, r.y + 2, r.w - w - 20, LABEL, t->title);
	text_left(s, small, r.x + 6, r.y + r.h - small->ascent - small->descent - 2, r.w - w - 20,
	          t->note[0] ? CUE_ON : DIM, t->note[0] ? t->note : t->artist);
}

/* The largest level in bins [b0, b1) of band b; 0 outside what is ready. */
static uint8_t peak_of(const struct ui_wave *w, int b, long b0, long b1)
{
	uint8_t m = 0;

	if (b0 < 0)
		b0 = 0;
	if (b1 > w->ready)
		b1 = w->ready;
	for (long i = b0; i < b1; i++)
		if (w->band[b][i] > m)
			m = w->band[b][i];
	return m;
}

/* x of track frame f in a view of fpp frames a pixel with pos at x0. */
static double x_of(double f, double pos, double fpp, int x0)
{
	return x0 + (f - pos) / fpp;
}

static void marker(struct surface *s, struct rect r, double x, uint32_t colour, int full)
{
	if (x < r.x || x >= r.x + r.w)
		return;
	if (full)
		gfx_fill_rect(s, (int)x, r.y, 2, r.h, colour & 0x80ffffff);
	gfx_fill_rect(s, (int)x - 3, r.y, 8, 6, colour);
}

static void waveform(struct ui *u, struct surface *s, struct rect r, int d)
{
	const struct deck_state *st = &u->ctl->st.deck[d];
	const struct ui_wave *w = &u->wave[d];
	/* centred where the deck is drawn (the playhead); the grid from the report */
	double pos = u->ctl->drawn[d], fpp = u->ctl->zoom[d] * u->rate / r.w;
	int x0 = r.x + r.w / 2, n = r.w < UI_MAX_WIDTH ? r.w : UI_MAX_WIDTH;
	const uint8_t *amp[3] = {u->col[0], u->col[1], u->col[2]};

	if (w->sum && st->loaded) {
		wavesum_read(w->sum, pos - (r.w / 2) * fpp, fpp, u->cols, n);
		for (int i = 0; i < n; i++) {
			double f = pos + (i - r.w / 2) * fpp;
			int in = f >= 0 && f < st->frames;

			u->col[0][i] = in ? u->cols[i].low : 0;
			u->col[1][i] = in ? u->cols[i].mid : 0;
			u->col[2][i] = in ? u->cols[i].high : 0;
		}
	}
	for (int i = 0; i < n && !(w->sum && st->loaded); i++) {
		double f = pos + (i - r.w / 2) * fpp;

		for (int b = 0; b < 3; b++) {
			long b0, b1;

			if (!st->loaded || !w->band[b] || w->frames_per_bin <= 0 || f < 0 || f >= st->frames) {
				u->col[b][i] = 0;
				continue;
			}
			b0 = (long)(f / w->frames_per_bin);
			b1 = (long)((f + fpp) / w->frames_per_bin);
			u->col[b][i] = peak_of(w, b, b0, b1 > b0 ? b1 : b0 + 1);
		}
	}
	gfx_waveform(s, r.x, r.y, n, r.h, amp, &wave_style);
	if (!st->loaded)
		return;
	/* the loop, the beat grid, the cue and hot cues, the playhead */
	if (st->loop_active) {
		double a = x_of(st->loop_in, pos, fpp, x0), b = x_of(st->loop_out, pos, fpp, x0);
		int xa = (int)fmax(a, r.x), xb = (int)fmin(b, r.x + r.w);

		if (xb > xa)
			gfx_fill_rect_alpha(s, xa, r.y, xb - xa, r.h, GFX_ARGB(0x40, 0x22, 0xc5, 0x5e));
	}
	if (st->bpm > 0 && st->step > 0) {
		double beat = 60.0 * u->rate * st->step / st->bpm; /* track frames a beat */
		double first = st->pos - st->phase * beat;

		if (beat / fpp >= 4) /* lines closer than 4 px are noise */
			for (double f = first - floor((pos - first + r.w / 2 * fpp) / beat) * beat;
			     f < pos + r.w / 2 * fpp; f += beat) {
				double x = x_of(f, pos, fpp, x0);

				if (x >= r.x && x < r.x + r.w)
					gfx_fill_rect_alpha(s, (int)x, r.y, 1, r.h, GRID);
			}
	}
	marker(s, r, x_of(st->cue, pos, fpp, x0), CUE_ON, 0);
	for (int h = 0; h < LAYOUT_HOTCUES; h++)
		if (st->hotcues >> h & 1)
			marker(s, r, x_of(st->hotcue[h], pos, fpp, x0), hotcue_colours[h], 1);
	gfx_fill_rect(s, x0 - 1, r.y, 2, r.h, PLAYHEAD);
}

static void overview(struct ui *u, struct surface *s, struct rect r, int d)
{
	const struct deck_state *st = &u->ctl->st.deck[d];
	const struct ui_wave *w = &u->wave[d];
	int n = r.w < UI_MAX_WIDTH ? r.w : UI_MAX_WIDTH;
	const uint8_t *amp[3] = {u->col[0], u->col[1], u->col[2]};
	double per_px = st->frames > 0 ? st->frames / r.w : 0;

	if (w->sum && st->loaded && per_px > 0) {
		wavesum_read(w->sum, 0, per_px, u->cols, n);
		for (int i = 0; i < n; i++) {
			u->col[0][i] = u->cols[i].low;
			u->col[1][i] = u->cols[i].mid;
			u->col[2][i] = u->cols[i].high;
		}
	}
	for (int i = 0; i < n && !(w->sum && st->loaded && per_px > 0); i++)
		for (int b = 0; b < 3; b++) {
			long b0, b1;

			if (!st->loaded || !w->band[b] || w->frames_per_bin <= 0 || per_px <= 0) {
				u->col[b][i] = 0;
				continue;
			}
			b0 = (long)(i * per_px / w->frames_per_bin);
			b1 = (long)((i + 1) * per_px / w->frames_per_bin);
			u->col[b][i] = peak_of(w, b, b0, b1 > b0 ? b1 : b0 + 1);
		}
	gfx_waveform(s, r.x, r.y, n, r.h, amp, &wave_style);
	if (!st->loaded || per_px <= 0)
		return;
	{
		int played = (int)(u->ctl->drawn[d] / per_px);

		/* the part already played, dimmed; the markers; the playhead */
		gfx_fill_rect_alpha(s, r.x, r.y, played < r.w ? played : r.w, r.h,
		                    GFX_ARGB(0x90, 0, 0, 0));
		marker(s, r, r.x + st->cue / per_px, CUE_ON, 0);
		for (int h = 0; h < LAYOUT_HOTCUES; h++)
			if (st->hotcues >> h & 1)
				marker(s, r, r.x + st->hotcue[h] / per_px, hotcue_colours[h], 0);
		if (played < r.w)
			gfx_fill_rect(s, r.x + played, r.y, 2, r.h, PLAYHEAD);
	}
}

static void status(struct ui *u, struct surface *s, struct rect r)
{
	const struct ui_status *st = &u->status;
	const struct face *f = face_for(r.h - 2, 0);
	int y = r.y + (r.h - f->ascent - f->descent) / 2;
	char mid[160];

	if (st->banner[0]) {
		gfx_fill_rect(s, r.x, r.y, r.w, r.h, GFX_RGB(0xb9, 0x1c, 0x1c));
		text_left(s, f, r.x + 6, y, r.w - 12, GFX_ARGB(0xff, 0xff, 0xff, 0xff), st->banner);
		return;
	}
	gfx_fill_rect(s, r.x, r.y, r.w, r.h, PANEL);
	text_left(s, f, r.x + 6, y, r.w / 6, LABEL, st->clock);
	if (isnan(st->temp_c))
		snprintf(mid, sizeof mid, "audio %.1f %%   xruns %lu%s%s", st->load_pct, st->xruns,
		         st->pace[0] ? "   " : "", st->pace);
	else
		snprintf(mid, sizeof mid, "audio %.1f %%   %.0f C   xruns %lu%s%s", st->load_pct,
		         st->temp_c, st->xruns, st->pace[0] ? "   " : "", st->pace);
	text_left(s, f, r.x + r.w / 6, y, r.w / 2, st->pace[0] || st->xruns ? CUE_ON : LABEL, mid);
	text_right(s, f, r.x + r.w - 6, y, DIM, st->storage);
}

/* ---- one widget ---------------------------------------------------- */

static const char *beats_label(double beats, char *buf, size_t size)
{
	if (!(beats > 0)) /* a loop set by hand on a track without a grid */
		snprintf(buf, size, "LOOP");
	else if (beats >= 1)
		snprintf(buf, size, "%g", beats);
	else
		snprintf(buf, size, "1/%g", 1 / beats);
	return buf;
}

static void draw(struct ui *u, const struct widget *w)
{
	struct surface *s = &u->screen[w->display];
	const struct engine_state *es = &u->ctl->st;
	const struct deck_state *st = w->deck >= 0 ? &es->deck[w->deck] : NULL;
	float v = u->ctl->value[w - u->lay->w];
	int loaded = st && st->loaded;
	char buf[24];

	switch (w->kind) {
	case W_STATUS:
		status(u, s, w->r);
		break;
	case W_INFO:
		info(u, s, w->r, w->deck);
		break;
	case W_OVERVIEW:
		overview(u, s, w->r, w->deck);
		break;
	case W_WAVEFORM:
		waveform(u, s, w->r, w->deck);
		break;
	case W_PLAY:
		button(s, w->r, st->playing ? "PAUSE" : "PLAY", st->playing ? PLAY_ON : BUTTON,
		       st->playing, loaded);
		break;
	case W_CUE:
		button(s, w->r, "CUE", st->previewing ? CUE_ON : BUTTON, st->previewing, loaded);
		break;
	case W_HOTCUE: {
		int set = st->hotcues >> w->index & 1;

		snprintf(buf, sizeof buf, "%d", w->index + 1);
		button(s, w->r, buf, set ? hotcue_colours[w->index] : BUTTON, set, loaded);
		if (!set && loaded)
			gfx_fill_rect(s, w->r.x + 4, w->r.y + w->r.h - 5, w->r.w - 8, 3,
			              hotcue_colours[w->index]);
		break;
	}
	case W_LOOP_IN:
		button(s, w->r, "IN", BUTTON, 0, loaded);
		break;
	case W_LOOP_OUT:
		button(s, w->r, "OUT", st->loop_active ? LOOP_ON : BUTTON, st->loop_active, loaded);
		break;
	case W_LOOP_HALVE:
		button(s, w->r, "1/2", BUTTON, 0, loaded);
		break;
	case W_LOOP_DOUBLE:
		button(s, w->r, "x2", BUTTON, 0, loaded);
		break;
	case W_BEATLOOP:
		beats_label(st->loop_active ? st->loop_beats : u->ctl->loop_beats[w->deck], buf,
		            sizeof buf);
		button(s, w->r, buf, st->loop_active ? LOOP_ON : BUTTON, st->loop_active,
		       loaded && st->bpm > 0);
		break;
	case W_SYNC:
		button(s, w->r, es->sync_master == w->deck && st->sync ? "MASTER" : "SYNC",
		       st->sync ? SYNC_ON : BUTTON, 0, loaded && st->bpm > 0);
		break;
	case W_NUDGE_DOWN:
		button(s, w->r, "-", st->bend < 0 ? CUE_ON : BUTTON, st->bend < 0, loaded);
		break;
	case W_NUDGE_UP:
		button(s, w->r, "+", st->bend > 0 ? CUE_ON : BUTTON, st->bend > 0, loaded);
		break;
	case W_PITCH_RANGE:
		snprintf(buf, sizeof buf, "%d%%", u->ctl->pitch_range[w->deck]);
		button(s, w->r, buf, BUTTON, 0, 1);
		break;
	case W_LIBRARY:
		button(s, w->r, "LOAD", u->ctl->library_deck == w->deck ? SYNC_ON : BUTTON, 0, 1);
		break;
	case W_PITCH:
		fader(s, w->r, -v, -1.0f, NULL); /* drawn with faster at the bottom */
		break;
	case W_FADER:
		fader(s, w->r, v, 0.0f, NULL);
		break;
	case W_XFADER:
		fader(s, w->r, v, -1.0f, "XF");
		break;
	case W_TRIM:
		knob(s, w->r, v, 0, 0, "TRIM", LABEL);
		break;
	case W_EQ_HIGH:
	case W_EQ_MID:
	case W_EQ_LOW:
		knob(s, w->r, v, 0, 1, w->kind == W_EQ_HIGH ? "HI" : w->kind == W_EQ_MID ? "MID" : "LOW",
		     v <= 0 ? ALERT : LABEL);
		break;
	case W_FILTER:
		knob(s, w->r, v, 0, 1, "FILTER", SYNC_ON);
		break;
	case W_PHONES_BLEND:
		knob(s, w->r, v, 0, 1, "CUE/MST", LABEL);
		break;
	case W_PHONES_LEVEL:
		knob(s, w->r, v, 0, 0, "PHONES", LABEL);
		break;
	case W_MASTER:
		knob(s, w->r, v, 0, 0, "MASTER", LABEL);
		break;
	case W_PHONES_CUE:
		button(s, w->r, "CUE", v > 0 ? CUE_ON : BUTTON, v > 0, 1);
		break;
	case W_METER:
		meter(s, w->r, es->ch_peak[w->deck], es->ch_rms[w->deck]);
		break;
	default:
		break;
	}
}

void ui_button(struct surface *s, struct rect r, const char *label, uint32_t fill, int dark_text,
               int enabled)
{
	button(s, r, label, fill, dark_text, enabled);
}

static int overlaps(const struct rect *a, const struct rect *b)
{
	return a->w > 0 && b->w > 0 && a->x < b->x + b->w && b->x < a->x + a->w &&
	       a->y < b->y + b->h && b->y < a->y + a->h;
}

void ui_cover(struct ui *u, int display, const struct rect *r)
{
	struct rect *c;

	if (display < 0 || display >= u->lay->ndisplays)
		return;
	c = &u->cover[display];
	if (r) {
		*c = *r;
		return;
	}
	if (c->w <= 0)
		return;
	clear(&u->screen[display], *c);
	damage_add(&u->damage[display], c->x, c->y, c->w, c->h);
	for (int i = 0; i < u->lay->count; i++)
		if (u->lay->w[i].display == display && overlaps(&u->lay->w[i].r, c))
			u->ctl->dirty[i] = 1;
	c->w = c->h = 0;
}

int ui_draw(struct ui *u)
{
	int n = 0;

	for (int i = 0; i < u->lay->count; i++) {
		const struct widget *w = &u->lay->w[i];

		if (!u->ctl->dirty[i])
			continue;
		u->ctl->dirty[i] = 0;
		if (overlaps(&w->r, &u->cover[w->display]))
			continue; /* drawn again when uncovered */
		draw(u, w);
		damage_add(&u->damage[w->display], w->r.x, w->r.y, w->r.w, w->r.h);
		n++;
	}
	u->drawn += (unsigned long)n;
	return n;
}
