/*
 * layout: see layout.h. Rectangles are cut off a screen's edges in
 * millimetres (converted at the panel's density, rounded up so nothing
 * ends below its size), and rows of buttons share what is left equally.
 */
#include "layout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define GAP_MM 1.0f
#define STATUS_MM 6.0f
#define INFO_MM 10.0f
#define OVERVIEW_MM 9.0f
#define ROW_MM 10.0f       /* a row of buttons */
#define KNOB_MM 9.5f
#define METER_MM 2.0f
#define FADER_MIN_MM 30.0f /* the shortest fader travel worth having */
#define WAVEFORM_MIN_MM 15.0f
#define LIBRARY_MM 14.0f   /* the library button in the info row */
#define PITCH_MM 9.5f      /* the pitch column, when there is room */
#define ROW_OF(n) ((n) * LAYOUT_MIN_MM + ((n) - 1) * GAP_MM)
#define DECK_MIN_MM (LAYOUT_MIN_MM + GAP_MM + ROW_OF(4))

static const char *const names[W_KINDS] = {
    [W_STATUS] = "status bar",        [W_INFO] = "track info",
    [W_OVERVIEW] = "overview",        [W_WAVEFORM] = "waveform",
    [W_PLAY] = "play",                [W_CUE] = "cue",
    [W_HOTCUE] = "hot cue",           [W_LOOP_IN] = "loop in",
    [W_LOOP_OUT] = "loop out",        [W_LOOP_HALVE] = "loop halve",
    [W_LOOP_DOUBLE] = "loop double",  [W_BEATLOOP] = "beat loop",
    [W_SYNC] = "sync",                [W_NUDGE_DOWN] = "nudge down",
    [W_NUDGE_UP] = "nudge up",        [W_PITCH] = "pitch",
    [W_PITCH_RANGE] = "pitch range",  [W_LIBRARY] = "library",
    [W_TRIM] = "trim",                [W_EQ_HIGH] = "EQ high",
    [W_EQ_MID] = "EQ mid",            [W_EQ_LOW] = "EQ low",
    [W_FILTER] = "filter",            [W_FADER] = "channel fader",
    [W_PHONES_CUE] = "headphone cue", [W_METER] = "meter",
    [W_XFADER] = "crossfader",        [W_PHONES_BLEND] = "headphone blend",
    [W_PHONES_LEVEL] = "headphone level", [W_MASTER] = "master",
};

const char *layout_kind_name(enum widget_kind kind)
{
	return kind >= 0 && kind < W_KINDS && names[kind] ? names[kind] : "?";
}

/* The state of one screen's build. */
struct cut {
	struct layout *l;
	int display;
	float ppm;
	int err;
	char *msg;
	size_t msize;
};

int layout_px(float px_per_mm, float mm)
{
	return (int)ceilf(mm * px_per_mm - 0.01f);
}

static int px(const struct cut *c, float mm)
{
	return layout_px(c->ppm, mm);
}

static void fail(struct cut *c, const char *what, float need_mm, float have_mm)
{
	if (c->err)
		return;
	c->err = -ERANGE;
	snprintf(c->msg, c->msize,
	         "display %d (%dx%d px, %.0fx%.0f mm) is too small: %s needs %.0f mm, has %.0f",
	         c->display, c->l->screen[c->display].w, c->l->screen[c->display].h,
	         c->l->screen[c->display].w / c->ppm, c->l->screen[c->display].h / c->ppm, what,
	         need_mm, have_mm > 0 ? have_mm : 0);
}

static struct rect top(struct rect *r, int h)
{
	struct rect t = {r->x, r->y, r->w, h};

	r->y += h;
	r->h -= h;
	return t;
}

static struct rect bottom(struct rect *r, int h)
{
	struct rect b = {r->x, r->y + r->h - h, r->w, h};

	r->h -= h;
	return b;
}

static struct rect left(struct rect *r, int w)
{
	struct rect t = {r->x, r->y, w, r->h};

	r->x += w;
	r->w -= w;
	return t;
}

static struct rect right(struct rect *r, int w)
{
	struct rect t = {r->x + r->w - w, r->y, w, r->h};

	r->w -= w;
	return t;
}

static void add(struct cut *c, enum widget_kind kind, int deck, int index, int touch,
                struct rect r)
{
	struct layout *l = c->l;
	struct widget *w;

	if (l->count == LAYOUT_MAX_WIDGETS) {
		fail(c, "the widget table", LAYOUT_MAX_WIDGETS, LAYOUT_MAX_WIDGETS);
		return;
	}
	if (touch && (r.w < px(c, LAYOUT_MIN_MM) || r.h < px(c, LAYOUT_MIN_MM))) {
		char what[48];

		snprintf(what, sizeof what, "%s %c", layout_kind_name(kind), deck < 0 ? ' ' : 'A' + deck);
		fail(c, what, LAYOUT_MIN_MM, fminf((float)r.w, (float)r.h) / c->ppm);
	}
	w = &l->w[l->count++];
	w->kind = kind;
	w->deck = deck;
	w->index = index;
	w->display = c->display;
	w->touch = touch;
	w->r = r;
}

struct rect layout_cell(struct rect r, int gap, int n, int i)
{
	int w = (r.w - gap * (n - 1)) / n;
	struct rect out = {r.x + i * (w + gap), r.y, w, r.h};

	if (i == n - 1) /* the last takes the rounding */
		out.w = r.x + r.w - out.x;
	return out;
}

/* n equal cells across r, GAP_MM apart; cell i. */
static struct rect cell(const struct cut *c, struct rect r, int n, int i)
{
	return layout_cell(r, px(c, GAP_MM), n, i);
}

/* How many buttons of LAYOUT_MIN_MM fit across w pixels, at most max. */
static int per_row(const struct cut *c, int w, int max)
{
	int gap = px(c, GAP_MM), n = (w + gap) / (px(c, LAYOUT_MIN_MM) + gap);

	return n < 1 ? 1 : n > max ? max : n;
}

/* Buttons in rows from the bottom of r up, per_row at most a row. */
static void button_rows(struct cut *c, struct rect *r, int deck, const enum widget_kind *kinds,
                        const int *index, int n)
{
	int across = per_row(c, r->w, n);
	int rows = (n + across - 1) / across;

	for (int row = rows - 1; row >= 0; row--) {
		int first = row * across, k = n - first < across ? n - first : across;
		struct rect band = bottom(r, px(c, ROW_MM));

		bottom(r, px(c, GAP_MM));
		for (int i = 0; i < k; i++)
			add(c, kinds[first + i], deck, index ? index[first + i] : 0, 1,
			    cell(c, band, k, i));
	}
}

static void deck_area(struct cut *c, struct rect r, int deck)
{
	static const enum widget_kind transport[] = {W_CUE,         W_PLAY,      W_LOOP_IN,
	                                             W_LOOP_OUT,    W_LOOP_HALVE, W_BEATLOOP,
	                                             W_LOOP_DOUBLE};
	enum widget_kind cues[LAYOUT_HOTCUES];
	int index[LAYOUT_HOTCUES];
	struct rect info, pitch, gapped;

	info = top(&r, px(c, INFO_MM));
	top(&r, px(c, GAP_MM));
	add(c, W_LIBRARY, deck, 0, 1, right(&info, px(c, LIBRARY_MM)));
	right(&info, px(c, GAP_MM));
	add(c, W_INFO, deck, 0, 0, info);
	add(c, W_OVERVIEW, deck, 0, 1, top(&r, px(c, OVERVIEW_MM)));
	top(&r, px(c, GAP_MM));

	/*
	 * The pitch column: the slider, with range, sync and the nudges stacked
	 * beside it when the deck is wide enough to keep eight pads in a row,
	 * else above and below it (a shorter slider).
	 */
	if (r.w < px(c, DECK_MIN_MM))
		fail(c, "a deck", DECK_MIN_MM, r.w / c->ppm);
	if (r.w >= px(c, 2 * (PITCH_MM + GAP_MM) + ROW_OF(LAYOUT_HOTCUES))) {
		struct rect buttons;

		pitch = right(&r, px(c, 2 * PITCH_MM + GAP_MM));
		buttons = right(&pitch, px(c, PITCH_MM));
		right(&pitch, px(c, GAP_MM));
		add(c, W_PITCH, deck, 0, 1, pitch);
		pitch = buttons;
	} else {
		pitch = right(&r, px(c, LAYOUT_MIN_MM));
	}
	right(&r, px(c, GAP_MM));
	add(c, W_PITCH_RANGE, deck, 0, 1, top(&pitch, px(c, ROW_MM)));
	top(&pitch, px(c, GAP_MM));
	add(c, W_SYNC, deck, 0, 1, top(&pitch, px(c, ROW_MM)));
	top(&pitch, px(c, GAP_MM));
	add(c, W_NUDGE_DOWN, deck, 0, 1, bottom(&pitch, px(c, ROW_MM)));
	bottom(&pitch, px(c, GAP_MM));
	add(c, W_NUDGE_UP, deck, 0, 1, bottom(&pitch, px(c, ROW_MM)));
	bottom(&pitch, px(c, GAP_MM));
	if (layout_find(c->l, W_PITCH, deck, 0) < 0)
		add(c, W_PITCH, deck, 0, 1, pitch);

	button_rows(c, &r, deck, transport, NULL, (int)(sizeof transport / sizeof *transport));
	for (int i = 0; i < LAYOUT_HOTCUES; i++) {
		cues[i] = W_HOTCUE;
		index[i] = i;
	}
	button_rows(c, &r, deck, cues, index, LAYOUT_HOTCUES);
	gapped = r;
	if (gapped.h < px(c, WAVEFORM_MIN_MM))
		fail(c, "the waveform", WAVEFORM_MIN_MM, gapped.h / c->ppm);
	add(c, W_WAVEFORM, deck, 0, 1, gapped);
}

/* Knobs on the left column, the fader with its meter and cue button on the right. */
static void strip(struct cut *c, struct rect r, int deck)
{
	static const enum widget_kind knobs[] = {W_TRIM, W_EQ_HIGH, W_EQ_MID, W_EQ_LOW, W_FILTER};
	struct rect kcol = left(&r, px(c, KNOB_MM));
	int k = (int)(sizeof knobs / sizeof *knobs);

	left(&r, px(c, GAP_MM));
	for (int i = 0; i < k; i++) {
		add(c, knobs[i], deck, 0, 1, top(&kcol, px(c, KNOB_MM)));
		top(&kcol, px(c, GAP_MM));
	}
	add(c, W_PHONES_CUE, deck, 0, 1, bottom(&r, px(c, ROW_MM)));
	bottom(&r, px(c, GAP_MM));
	add(c, W_METER, deck, 0, 0, right(&r, px(c, METER_MM)));
	if (r.h < px(c, FADER_MIN_MM))
		fail(c, "a channel fader", FADER_MIN_MM, r.h / c->ppm);
	add(c, W_FADER, deck, 0, 1, r);
}

static float strip_mm(void)
{
	return KNOB_MM + GAP_MM + LAYOUT_MIN_MM + GAP_MM + METER_MM;
}

/* The headphone and master knobs in a row. */
static void phones_master(struct cut *c, struct rect band)
{
	static const enum widget_kind k[] = {W_PHONES_BLEND, W_PHONES_LEVEL, W_MASTER};

	for (int i = 0; i < 3; i++)
		add(c, k[i], -1, 0, 1, cell(c, band, 3, i));
}

static void one_display(struct cut *c, struct rect r)
{
	struct rect mixer, a, b;
	int strip_w = px(c, strip_mm()), gap = px(c, GAP_MM);
	int mixer_w = 2 * strip_w + 3 * gap;
	int deck_w = (r.w - mixer_w - 2 * gap) / 2;

	a = left(&r, deck_w);
	left(&r, gap);
	b = right(&r, deck_w);
	right(&r, gap);
	mixer = r;
	deck_area(c, a, 0);
	deck_area(c, b, 1);
	phones_master(c, bottom(&mixer, px(c, ROW_MM)));
	bottom(&mixer, gap);
	add(c, W_XFADER, -1, 0, 1, bottom(&mixer, px(c, ROW_MM)));
	bottom(&mixer, gap);
	left(&mixer, gap);
	right(&mixer, gap);
	strip(c, left(&mixer, strip_w), 0);
	strip(c, right(&mixer, strip_w), 1);
}

static void deck_display(struct cut *c, struct rect r, int deck)
{
	struct rect foot = bottom(&r, px(c, ROW_MM));
	int gap = px(c, GAP_MM);

	bottom(&r, gap);
	if (deck == 0) {
		/* the crossfader in the middle of the foot, half the screen wide */
		struct rect x = {foot.x + foot.w / 4, foot.y, foot.w / 2, foot.h};

		add(c, W_XFADER, -1, 0, 1, x);
	} else {
		struct rect k = {foot.x + foot.w / 2, foot.y, foot.w / 2, foot.h};

		phones_master(c, k);
	}
	strip(c, right(&r, px(c, strip_mm())), deck);
	right(&r, gap);
	deck_area(c, r, deck);
}

int layout_build(struct layout *l, const struct layout_screen *s, int n, char *msg, size_t msize)
{
	memset(l, 0, sizeof *l);
	if (msize)
		msg[0] = 0;
	if (n < 1 || n > LAYOUT_DISPLAYS) {
		snprintf(msg, msize, "layout: %d displays (1 or 2 are drawn)", n);
		return -EINVAL;
	}
	l->ndisplays = n;
	for (int d = 0; d < n; d++) {
		if (s[d].w <= 0 || s[d].h <= 0 || !(s[d].px_per_mm > 0)) {
			snprintf(msg, msize, "layout: display %d has no size or density", d);
			return -EINVAL;
		}
		l->screen[d] = s[d];
	}
	for (int d = 0; d < n; d++) {
		struct cut c = {l, d, s[d].px_per_mm, 0, msg, msize};
		struct rect r = {0, 0, s[d].w, s[d].h};

		add(&c, W_STATUS, -1, 0, 0, top(&r, px(&c, STATUS_MM)));
		top(&r, px(&c, GAP_MM));
		if (n == 1)
			one_display(&c, r);
		else
			deck_display(&c, r, d);
		if (c.err)
			return c.err;
	}
	return 0;
}

static int inside(const struct rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

int layout_hit(const struct layout *l, int display, int x, int y)
{
	for (int i = 0; i < l->count; i++)
		if (l->w[i].touch && l->w[i].display == display && inside(&l->w[i].r, x, y))
			return i;
	return -1;
}

int layout_find(const struct layout *l, enum widget_kind kind, int deck, int index)
{
	for (int i = 0; i < l->count; i++)
		if (l->w[i].kind == kind && l->w[i].deck == deck && l->w[i].index == index)
			return i;
	return -1;
}

struct rect layout_cut_top(struct rect *r, int h)
{
	return top(r, h);
}

struct rect layout_cut_bottom(struct rect *r, int h)
{
	return bottom(r, h);
}

struct rect layout_cut_left(struct rect *r, int w)
{
	return left(r, w);
}

struct rect layout_cut_right(struct rect *r, int w)
{
	return right(r, w);
}

int layout_library_area(const struct layout *l, int deck, struct rect *r)
{
	int display, status;

	if (deck < 0 || deck >= LAYOUT_DECKS || l->ndisplays < 1)
		return -1;
	display = l->ndisplays == 2 ? deck : 0;
	for (status = 0; status < l->count; status++)
		if (l->w[status].kind == W_STATUS && l->w[status].display == display)
			break;
	if (status == l->count)
		return -1;
	r->x = 0;
	r->y = l->w[status].r.y + l->w[status].r.h;
	r->w = l->screen[display].w;
	r->h = l->screen[display].h - r->y;
	return display;
}
