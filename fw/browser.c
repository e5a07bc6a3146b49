/*
 * browser: see browser.h. The targets are placed once per opening (and
 * again when the keyboard comes or goes); the list is one target whose
 * rows are found from where the finger is and how far the list has
 * scrolled. A fling is a closed-form curve of time since the finger
 * left, so every frame rate sees the list in the same place at the same
 * moment.
 */
#include "browser.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/face.h"

#define GAP_MM 1.0f
#define ROW_MM 10.0f /* the tab, load, search and sort buttons */
#define CLOSE_MM 14.0f
#define LOAD_MM 22.0f
#define TAB_MAX_MM 34.0f
#define SORT_MM 17.0f
#define KEY_MAX_MM 16.0f    /* a letter key's width at most */
#define ROW_TARGET_MM 11.0f /* a row's A and B, across */
#define MARK_MM 1.5f        /* the played mark */
#define BPM_MM 15.0f        /* the row's columns */
#define KEYCOL_MM 10.0f
#define LENGTH_MM 12.0f

#define SELECTED GFX_RGB(0x1e, 0x3a, 0x5f)
#define CARRIED GFX_RGB(0x2a, 0x2a, 0x45)
#define PLAYED UI_CUE_ON
#define FIELD GFX_ARGB(0xff, 0x1d, 0x20, 0x25)

/* The keyboard, four rows of ten keys. */
static const char *const key_rows[4][10] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"},
    {"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"},
    {"A", "S", "D", "F", "G", "H", "J", "K", "L", "Del"},
    {"Z", "X", "C", "V", "B", "N", "M", "Space", "Clear", "Hide"},
};
#define KEY_LABEL(k) key_rows[(k) / 10][(k) % 10]
#define K_DEL 29
#define K_SPACE 37
#define K_CLEAR 38
#define K_HIDE 39

static const enum library_view sorts[4] = {LIBRARY_BY_TITLE, LIBRARY_BY_ARTIST, LIBRARY_BY_BPM,
                                           LIBRARY_BY_KEY};
static const char *const sort_labels[LIBRARY_VIEWS] = {[LIBRARY_BY_TITLE] = "Title",
                                                       [LIBRARY_BY_ARTIST] = "Artist",
                                                       [LIBRARY_BY_BPM] = "BPM",
                                                       [LIBRARY_BY_ADDED] = "Added",
                                                       [LIBRARY_BY_KEY] = "Key"};

static int px(const struct browser *b, float mm)
{
	return layout_px(b->ppm, mm);
}

static int inside(const struct rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

static void dirty_part(struct browser *b, enum browser_part part)
{
	for (int i = 0; i < b->nt; i++)
		if (b->t[i].part == part)
			b->dirty[i] = 1;
}

static struct controls *controls_of(const struct browser *b)
{
	return b->ui->ctl;
}

/* ---- what is shown ------------------------------------------------- */

static void place(struct browser *b);

static uint32_t tab_sources(const struct browser *b, const struct browser_tab *t)
{
	uint32_t m = 0;

	if (!b->lib)
		return 0;
	for (int i = 0; i < LIBRARY_MAX_SOURCES; i++) {
		const struct library_source *s = &b->lib->source[i];

		if (s->state == LIBRARY_FREE)
			continue;
		if ((t->kind == BROWSER_INTERNAL && s->kind == LIBRARY_INTERNAL) ||
		    (t->kind == BROWSER_USB && i == t->source))
			m |= 1u << i;
	}
	return m;
}

/* A signature of the sources: tabs are made again when it changes. */
static unsigned sources_signature(const struct browser *b)
{
	unsigned h = 2166136261u;

	for (int i = 0; b->lib && i < LIBRARY_MAX_SOURCES; i++) {
		const struct library_source *s = &b->lib->source[i];

		h = (h ^ (unsigned)s->state) * 16777619u; /* a scan's end too: "more coming" goes */
		h = (h ^ s->generation) * 16777619u;
	}
	return h;
}

static void add_tab(struct browser *b, enum browser_tab_kind kind, int source, const char *label)
{
	struct browser_tab *t;

	if (b->ntabs == BROWSER_TABS)
		return;
	t = &b->tab[b->ntabs++];
	t->kind = kind;
	t->source = source;
	t->generation = source >= 0 ? b->lib->source[source].generation : 0;
	snprintf(t->label, sizeof t->label, "%s", label);
}

/*
 * Internal, each stick (or a USB tab saying there is none), Recent. The
 * tab shown stays when it is still there; a pulled stick's tab gives way
 * to the next stick, or to the empty USB tab.
 */
static void make_tabs(struct browser *b)
{
	struct browser_tab was = b->tab[b->current];
	int had = b->ntabs > 0, usb = 0;

	b->ntabs = 0;
	add_tab(b, BROWSER_INTERNAL, -1, "Internal");
	for (int i = 0; b->lib && i < LIBRARY_MAX_SOURCES && b->ntabs < BROWSER_TABS - 1; i++) {
		const struct library_source *s = &b->lib->source[i];
		char label[LIBRARY_NAME];

		if (s->state == LIBRARY_FREE || s->kind != LIBRARY_USB)
			continue;
		/* "usb sda1" reads "USB sda1" */
		snprintf(label, sizeof label, "%s", s->name);
		if (!strncmp(label, "usb", 3))
			memcpy(label, "USB", 3);
		add_tab(b, BROWSER_USB, i, label);
		usb++;
	}
	if (!usb)
		add_tab(b, BROWSER_NO_USB, -1, "USB");
	add_tab(b, BROWSER_RECENT, -1, "Recent");
	b->tabs_seen = sources_signature(b);
	b->current = 0;
	if (!had)
		return;
	for (int i = 0; i < b->ntabs; i++)
		if (b->tab[i].kind == was.kind &&
		    (was.kind != BROWSER_USB ||
		     (b->tab[i].source == was.source && b->tab[i].generation == was.generation)))
			b->current = i;
	if (b->current == 0 && (was.kind == BROWSER_USB || was.kind == BROWSER_NO_USB))
		b->current = 1; /* the next stick, or "no stick" */
}

/* Is played entry i still the track in its slot? Else find it again (a walk: rare). */
static void resolve_played(struct browser *b, int i)
{
	const char *rel = NULL;
	long slot = b->played[i].slot;
	int src = b->lib ? library_source_of(b->lib, b->played[i].path, &rel) : -1;
	const struct library_track *t =
	    slot >= 0 && b->lib ? library_track(b->lib, (uint32_t)slot) : NULL;

	if (src < 0) {
		b->played[i].slot = -1;
		return;
	}
	if (t && t->source == src && !strcmp(t->path, rel))
		return;
	b->played[i].slot = library_find_path(b->lib, src, rel);
}

static int is_played(const struct browser *b, long slot)
{
	for (int i = 0; i < b->nplayed; i++)
		if (b->played[i].slot == slot)
			return 1;
	return 0;
}

static float list_extent(const struct browser *b)
{
	const struct rect *l = &b->t[b->list].r;
	int rows = b->nmatch < b->match_max ? b->nmatch : b->match_max;
	float e = (float)rows * b->row_h - l->h;

	return e > 0 ? e : 0;
}

static void clamp_scroll(struct browser *b)
{
	float e = list_extent(b);

	if (b->scroll > e)
		b->scroll = e;
	if (b->scroll < 0)
		b->scroll = 0;
}

/* The rows for the tab, the sort and the query, now. */
static void refresh(struct browser *b)
{
	const struct browser_tab *t;
	int keep = 0;

	if (sources_signature(b) != b->tabs_seen || b->ntabs == 0) {
		make_tabs(b); /* a stick came or went */
		if (b->deck >= 0)
			place(b);
	}
	t = &b->tab[b->current];
	b->nmatch = b->total = b->scanning = 0;
	if (b->lib) {
		uint32_t m = tab_sources(b, t);

		if (b->lib->changes != b->played_changes) {
			for (int i = 0; i < b->nplayed; i++)
				resolve_played(b, i);
			b->played_changes = b->lib->changes;
		}
		if (t->kind == BROWSER_RECENT) {
			for (int i = 0; i < b->nplayed; i++) {
				long slot = b->played[i].slot;

				if (slot < 0)
					continue;
				b->total++;
				if (!library_matches(b->lib, (uint32_t)slot, b->query))
					continue;
				if (b->nmatch < b->match_max)
					b->match[b->nmatch] = (uint32_t)slot;
				b->nmatch++;
			}
		} else if (m) {
			b->nmatch =
			    library_search_in(b->lib, b->query, b->sort, m, b->match, b->match_max);
			for (int i = 0; i < LIBRARY_MAX_SOURCES; i++)
				if (m >> i & 1) {
					b->total += b->lib->source[i].tracks;
					b->scanning |= b->lib->source[i].state == LIBRARY_SCANNING;
				}
		}
		b->seen_changes = b->lib->changes;
	}
	for (int i = 0; i < b->nmatch && i < b->match_max && b->selected >= 0; i++)
		keep |= b->match[i] == (uint32_t)b->selected;
	if (!keep)
		b->selected = -1;
	b->refreshed_ms = b->now_ms;
	clamp_scroll(b);
	dirty_part(b, BROWSER_LIST);
	dirty_part(b, BROWSER_SEARCH);
	dirty_part(b, BROWSER_LOAD);
}

/* A new tab, sort or query: from the top. */
static void refresh_top(struct browser *b)
{
	b->scroll = 0;
	b->fling.on = 0;
	refresh(b);
}

void browser_counts(const struct browser *b, char *buf, size_t size)
{
	if (b->scanning && b->total == 0)
		snprintf(buf, size, "looking for tracks");
	else if (b->query[0])
		snprintf(buf, size, "%d of %d track%s%s", b->nmatch, b->total,
		         b->total == 1 ? "" : "s", b->scanning ? ", more coming" : "");
	else
		snprintf(buf, size, "%d track%s%s", b->total, b->total == 1 ? "" : "s",
		         b->scanning ? ", more coming" : "");
}

void browser_message(const struct browser *b, char *buf, size_t size)
{
	const struct browser_tab *t = &b->tab[b->current];

	if (b->nmatch > 0)
		snprintf(buf, size, "%s", "");
	else if (!b->lib)
		snprintf(buf, size, "No library: see the box's status");
	else if (t->kind == BROWSER_NO_USB)
		snprintf(buf, size, "No USB stick: plug one in");
	else if (b->total == 0 && b->scanning)
		snprintf(buf, size, "Looking for tracks...");
	else if (b->total == 0 && t->kind == BROWSER_RECENT)
		snprintf(buf, size, "Nothing played yet tonight: load a track onto a deck");
	else if (b->total == 0 && t->kind == BROWSER_INTERNAL && !tab_sources(b, t))
		snprintf(buf, size, "No internal storage in this box's profile");
	else if (b->total == 0)
		snprintf(buf, size, "No tracks here: copy WAV, AIFF, FLAC or MP3 files on");
	else
		snprintf(buf, size, "No track matches '%s'", b->query);
}

long browser_row(const struct browser *b, int n)
{
	if (n < 0 || n >= b->nmatch || n >= b->match_max)
		return -1;
	return library_track(b->lib, b->match[n]) ? (long)b->match[n] : -1;
}

/* ---- where things are ---------------------------------------------- */

static void add_target(struct browser *b, enum browser_part part, int index, struct rect r)
{
	struct browser_target *t = &b->t[b->nt++];

	t->part = part;
	t->index = index;
	t->r = r;
}

static void place_header(struct browser *b, struct rect row, int gap)
{
	int n = b->ntabs, w;

	add_target(b, BROWSER_CLOSE, 0, layout_cut_left(&row, px(b, CLOSE_MM)));
	layout_cut_left(&row, gap);
	{
		struct rect lb = layout_cut_right(&row, px(b, LOAD_MM));

		layout_cut_right(&row, gap);
		add_target(b, BROWSER_LOAD, 0, layout_cut_right(&row, px(b, LOAD_MM)));
		add_target(b, BROWSER_LOAD, 1, lb);
	}
	layout_cut_right(&row, gap);
	/* as many tabs as fit at a fingertip each: Internal, the sticks, then Recent */
	while (n > 2 && (row.w - (n - 1) * gap) / n < px(b, LAYOUT_MIN_MM))
		n--;
	w = (row.w - (n - 1) * gap) / n;
	if (w > px(b, TAB_MAX_MM))
		w = px(b, TAB_MAX_MM);
	for (int i = 0; i < n; i++) {
		int tab = i == n - 1 ? b->ntabs - 1 : i; /* Recent is always there */

		add_target(b, BROWSER_SOURCE, tab, layout_cut_left(&row, w));
		layout_cut_left(&row, gap);
	}
}

static void place_keyboard(struct browser *b, struct rect kb, int gap, int key_h)
{
	/* a letter key is u wide; Space 2u + gap, Clear and Hide 1.5u + gap / 2 */
	int u = (kb.w - 11 * gap) / 12;

	if (u > px(b, KEY_MAX_MM))
		u = px(b, KEY_MAX_MM);
	for (int row = 0; row < 4; row++) {
		int y = kb.y + row * (key_h + gap);
		int width = row < 3 ? 10 * u + 9 * gap : 12 * u + 11 * gap;
		int x = kb.x + (kb.w - width) / 2;

		for (int k = row * 10; k < row * 10 + 10; k++) {
			int w = k == K_SPACE ? 2 * u + gap : k >= K_CLEAR ? u + u / 2 + gap / 2 : u;
			struct rect r = {x, y, w, key_h};

			add_target(b, BROWSER_KEY, k, r);
			x += w + gap;
		}
	}
}

/* Every target for the browser's area, the keyboard up or not. */
static void place(struct browser *b)
{
	struct rect r = b->area;
	int gap = px(b, GAP_MM), row = px(b, ROW_MM), key_h = px(b, LAYOUT_MIN_MM);
	struct rect kb = {0, 0, 0, 0}, tools;

	b->nt = 0;
	b->row_h = px(b, LAYOUT_MIN_MM) + gap;
	layout_cut_top(&r, gap);
	layout_cut_left(&r, gap);
	layout_cut_right(&r, gap);
	if (b->keyboard) {
		kb = layout_cut_bottom(&r, 4 * key_h + 3 * gap);
		layout_cut_bottom(&r, gap);
	}
	b->compact = b->keyboard && (r.h - 2 * (row + gap)) / b->row_h < BROWSER_MIN_ROWS;
	if (!b->compact) {
		place_header(b, layout_cut_top(&r, row), gap);
		layout_cut_top(&r, gap);
	}
	tools = layout_cut_top(&r, row);
	layout_cut_top(&r, gap);
	if (b->compact) {
		/* while typing on a short screen: the search, the loads and Close in one row */
		add_target(b, BROWSER_CLOSE, 0, layout_cut_right(&tools, px(b, CLOSE_MM)));
		layout_cut_right(&tools, gap);
		add_target(b, BROWSER_LOAD, 1, layout_cut_right(&tools, px(b, LOAD_MM)));
		layout_cut_right(&tools, gap);
		add_target(b, BROWSER_LOAD, 0, layout_cut_right(&tools, px(b, LOAD_MM)));
		layout_cut_right(&tools, gap);
	} else {
		for (int i = 3; i >= 0; i--) {
			add_target(b, BROWSER_SORT, sorts[i],
			           layout_cut_right(&tools, px(b, SORT_MM)));
			layout_cut_right(&tools, gap);
		}
	}
	add_target(b, BROWSER_SEARCH, 0, tools);
	b->list = b->nt;
	add_target(b, BROWSER_LIST, 0, r);
	if (b->keyboard)
		place_keyboard(b, kb, gap, key_h);
	b->pressed = -1;
	b->all = 1;
	clamp_scroll(b);
}

/* The first row in view (perhaps partly). */
static int first_row(const struct browser *b)
{
	return (int)lroundf(b->scroll) / b->row_h;
}

/* Row n's rectangle on the screen (not clipped), and its A and B targets. */
static struct rect row_rect(const struct browser *b, int n)
{
	const struct rect *l = &b->t[b->list].r;
	struct rect r = {l->x, l->y + n * b->row_h - (int)lroundf(b->scroll), l->w, b->row_h};

	return r;
}

static void row_targets(const struct browser *b, struct rect r, struct rect *a, struct rect *bt)
{
	int gap = px(b, GAP_MM), w = px(b, ROW_TARGET_MM), h = px(b, LAYOUT_MIN_MM);

	bt->x = r.x + r.w - gap - w;
	bt->y = r.y + (r.h - h) / 2;
	bt->w = w;
	bt->h = h;
	*a = *bt;
	a->x = bt->x - gap - w;
}

/* ---- drawing -------------------------------------------------------- */

static void format_length(char *buf, size_t size, float seconds)
{
	int s = (int)lroundf(seconds);

	if (seconds > 0)
		snprintf(buf, size, "%d:%02d", s / 60 % 1000, s % 60);
	else
		buf[0] = 0;
}

static int text_right(struct surface *s, const struct face *f, int right, int y, uint32_t colour,
                      const char *text)
{
	int w = face_measure(f, text, (size_t)-1);

	gfx_text_run(s, f, right - w, y + f->ascent, colour, text);
	return w;
}

void browser_draw_row(const struct browser *b, struct surface *s, struct rect r, long slot,
                      int selected)
{
	const struct library_track *t =
	    slot >= 0 && b->lib ? library_track(b->lib, (uint32_t)slot) : NULL;
	int gap = px(b, GAP_MM), inner = r.h - gap;
	const struct face *title = &face_sans_20, *small = &face_sans_16;
	struct rect a, bt;
	char buf[24];
	int x, right, ytitle, yartist;

	gfx_fill_rect(s, r.x, r.y, r.w, r.h,
	              b->carry.on && b->carry.slot == slot ? CARRIED
	              : selected                           ? SELECTED
	                                                   : UI_BG);
	gfx_hline(s, r.x, r.y + r.h - 1, r.w, UI_PANEL);
	if (!t)
		return;
	if (title->ascent + title->descent + small->ascent + small->descent + 4 > inner) {
		title = &face_sans_16;
		small = &face_sans_13;
	}
	if (is_played(b, slot))
		gfx_fill_rect(s, r.x + gap / 2, r.y + gap, px(b, MARK_MM), inner - gap, PLAYED);
	row_targets(b, r, &a, &bt);
	ui_button(s, a, "A", UI_BUTTON, 0, 1);
	ui_button(s, bt, "B", UI_BUTTON, 0, 1);
	ytitle =
	    r.y + (inner - title->ascent - title->descent - small->ascent - small->descent) / 3;
	yartist = r.y + inner - small->ascent - small->descent -
	          (inner - title->ascent - title->descent - small->ascent - small->descent) / 3;
	/* the columns, right to left: length, key, BPM */
	right = a.x - 2 * gap;
	format_length(buf, sizeof buf, t->seconds);
	text_right(s, small, right, ytitle + title->ascent - small->ascent, UI_DIM, buf);
	right -= px(b, LENGTH_MM);
	text_right(s, title, right, ytitle, UI_LABEL,
	           library_key_text(t->camelot ? t->camelot - 1 : -1, b->camelot));
	if (!t->camelot && t->key[0]) /* a key we cannot read: as the tags say */
		text_right(s, small, right, ytitle + title->ascent - small->ascent, UI_DIM, t->key);
	right -= px(b, KEYCOL_MM);
	if (t->bpm > 0) {
		snprintf(buf, sizeof buf, "%.1f", t->bpm);
		text_right(s, title, right, ytitle, UI_LABEL, buf);
	}
	right -= px(b, BPM_MM);
	x = r.x + gap + px(b, MARK_MM) + gap;
	gfx_text_fit(s, title, x, ytitle + title->ascent, right - x - gap, UI_LABEL, t->title);
	gfx_text_fit(s, small, x, yartist + small->ascent, right - x - gap, UI_DIM, t->artist);
}

static void draw_list(struct browser *b, struct surface *screen)
{
	const struct rect *l = &b->t[b->list].r;
	struct surface s = gfx_sub(screen, l->x, l->y, l->w, l->h);
	int first = first_row(b);
	char msg[BROWSER_QUERY + 64];

	gfx_fill_rect(&s, 0, 0, l->w, l->h, UI_BG);
	browser_message(b, msg, sizeof msg);
	if (msg[0]) {
		const struct face *f = &face_sans_20;
		int w = face_measure(f, msg, (size_t)-1);

		gfx_text_fit(&s, f, w < l->w ? (l->w - w) / 2 : 0, b->row_h / 2 + f->ascent, l->w,
		             UI_DIM, msg);
		return;
	}
	for (int n = first; n < b->nmatch && n < b->match_max; n++) {
		struct rect r = row_rect(b, n);

		if (r.y >= l->y + l->h)
			break;
		r.x -= l->x;
		r.y -= l->y;
		browser_draw_row(b, &s, r, browser_row(b, n),
		                 b->selected >= 0 && (long)b->match[n] == b->selected);
	}
}

static void draw_search(struct browser *b, struct surface *s, struct rect r)
{
	const struct face *f = r.h >= 60 ? &face_sans_22 : &face_sans_16;
	const struct face *small = &face_sans_16;
	int gap = px(b, GAP_MM), y = r.y + (r.h - f->ascent - f->descent) / 2, w;
	char counts[64], text[BROWSER_QUERY + 4];

	gfx_fill_rect(s, r.x, r.y, r.w, r.h, UI_BG);
	gfx_round_rect(s, r.x, r.y, r.w, r.h, r.h / 6, b->keyboard ? UI_BUTTON : FIELD);
	browser_counts(b, counts, sizeof counts);
	w = text_right(s, small, r.x + r.w - 2 * gap,
	               r.y + (r.h - small->ascent - small->descent) / 2, UI_DIM, counts);
	snprintf(text, sizeof text, "%s%s", b->query, b->keyboard ? "|" : "");
	if (!b->query[0] && !b->keyboard)
		gfx_text_fit(s, f, r.x + 2 * gap, y + f->ascent, r.w - w - 6 * gap, UI_DIM,
		             "Search");
	else
		gfx_text_fit(s, f, r.x + 2 * gap, y + f->ascent, r.w - w - 6 * gap, UI_LABEL, text);
}

static int can_load(const struct browser *b)
{
	return b->selected >= 0 && b->lib && library_track(b->lib, (uint32_t)b->selected);
}

static void draw_target(struct browser *b, struct surface *s, int i)
{
	const struct browser_target *t = &b->t[i];
	int pressed = b->pressed == i;
	char label[24];

	switch (t->part) {
	case BROWSER_CLOSE:
		ui_button(s, t->r, "Close", pressed ? UI_LABEL : UI_BUTTON, pressed, 1);
		break;
	case BROWSER_SOURCE:
		ui_button(s, t->r, b->tab[t->index].label,
		          t->index == b->current ? UI_SYNC_ON : UI_BUTTON, 0, 1);
		break;
	case BROWSER_LOAD: {
		uint32_t fill = b->carry.on ? (b->carry.over == t->index ? UI_CUE_ON : UI_SYNC_ON)
		                : pressed && can_load(b) ? UI_LABEL
		                                         : UI_BUTTON;

		snprintf(label, sizeof label, "Load %c", 'A' + t->index);
		ui_button(s, t->r, label, fill, fill == UI_CUE_ON || fill == UI_LABEL,
		          can_load(b) || b->carry.on);
		break;
	}
	case BROWSER_SEARCH:
		draw_search(b, s, t->r);
		break;
	case BROWSER_SORT:
		if (t->index == LIBRARY_BY_KEY)
			snprintf(label, sizeof label, "Key %s", library_key_text(14, b->camelot));
		else
			snprintf(label, sizeof label, "%s", sort_labels[t->index]);
		ui_button(s, t->r, label, t->index == (int)b->sort ? UI_SYNC_ON : UI_BUTTON, 0,
		          b->tab[b->current].kind != BROWSER_RECENT);
		break;
	case BROWSER_LIST:
		draw_list(b, s);
		break;
	case BROWSER_KEY:
		ui_button(s, t->r, KEY_LABEL(t->index), pressed ? UI_LABEL : UI_BUTTON, pressed, 1);
		break;
	}
}

int browser_draw(struct browser *b)
{
	struct surface *s;
	struct damage *dm;
	int n = 0;

	if (b->deck < 0)
		return 0;
	s = &b->ui->screen[b->display];
	dm = &b->ui->damage[b->display];
	if (b->all) {
		gfx_fill_rect(s, b->area.x, b->area.y, b->area.w, b->area.h, UI_BG);
		damage_add(dm, b->area.x, b->area.y, b->area.w, b->area.h);
		for (int i = 0; i < b->nt; i++)
			b->dirty[i] = 1;
	}
	for (int i = 0; i < b->nt; i++) {
		const struct rect *r = &b->t[i].r;

		if (!b->dirty[i])
			continue;
		b->dirty[i] = 0;
		draw_target(b, s, i);
		if (!b->all)
			damage_add(dm, r->x, r->y, r->w, r->h);
		n++;
	}
	b->all = 0;
	b->drawn += (unsigned long)n;
	return n;
}

void browser_redraw(struct browser *b)
{
	b->all = 1;
}

/* ---- opening and closing -------------------------------------------- */

static void show(struct browser *b, int deck)
{
	struct rect area;
	int display;

	if (deck == b->deck)
		return;
	if (b->deck >= 0)
		ui_cover(b->ui, b->display, NULL);
	b->deck = -1;
	b->keyboard = 0;
	b->carry.on = 0;
	b->fling.on = 0;
	b->scrolling = 0;
	if (deck < 0)
		return;
	display = layout_library_area(b->ui->lay, deck, &area);
	if (display < 0)
		return;
	b->deck = deck;
	b->display = display;
	b->area = area;
	b->ppm = b->ui->lay->screen[display].px_per_mm;
	ui_cover(b->ui, display, &area);
	make_tabs(b);
	place(b);
	refresh(b);
}

void browser_open(struct browser *b, int deck)
{
	controls_library(controls_of(b), deck);
	show(b, deck);
}

static void set_keyboard(struct browser *b, int on)
{
	if (b->keyboard == on)
		return;
	b->keyboard = on;
	place(b);
}

/* ---- touch ---------------------------------------------------------- */

static void load_slot(struct browser *b, int deck, long slot)
{
	const struct library_track *t =
	    slot >= 0 && b->lib ? library_track(b->lib, (uint32_t)slot) : NULL;
	char path[BROWSER_PATH];

	if (!t || library_full_path(b->lib, t, path, sizeof path) != 0)
		return;
	if (b->load)
		b->load(b->load_ctx, deck, path);
	browser_open(b, -1); /* back to the decks: the track comes in there */
}

/* The list row under y, -1 for none. */
static int row_at(const struct browser *b, int y)
{
	const struct rect *l = &b->t[b->list].r;
	float at = (float)(y - l->y) + b->scroll;
	int n = at >= 0 ? (int)(at / (float)b->row_h) : -1;

	return n >= 0 && browser_row(b, n) >= 0 ? n : -1;
}

static void tap_list(struct browser *b, const struct gesture *g)
{
	int n = row_at(b, g->y0);
	struct rect a, bt;

	if (n < 0 || b->caught)
		return;
	row_targets(b, row_rect(b, n), &a, &bt);
	if (inside(&a, g->x0, g->y0) || inside(&bt, g->x0, g->y0)) {
		load_slot(b, inside(&a, g->x0, g->y0) ? 0 : 1, browser_row(b, n));
		return;
	}
	b->selected = browser_row(b, n);
	dirty_part(b, BROWSER_LIST);
	dirty_part(b, BROWSER_LOAD);
}

static void type_key(struct browser *b, int k)
{
	size_t n = strlen(b->query);

	switch (k) {
	case K_HIDE:
		set_keyboard(b, 0);
		return;
	case K_CLEAR:
		b->query[0] = 0;
		break;
	case K_DEL:
		if (n)
			b->query[n - 1] = 0;
		break;
	default:
		if (n + 1 >= sizeof b->query)
			return;
		b->query[n] = k == K_SPACE ? ' ' : (char)(KEY_LABEL(k)[0] | 0x20);
		b->query[n + 1] = 0;
		break;
	}
	refresh_top(b);
}

static void tap(struct browser *b, const struct browser_target *t, const struct gesture *g)
{
	switch (t->part) {
	case BROWSER_CLOSE:
		browser_open(b, -1);
		break;
	case BROWSER_SOURCE:
		if (t->index != b->current) {
			b->current = t->index;
			dirty_part(b, BROWSER_SOURCE);
			dirty_part(b, BROWSER_SORT);
			refresh_top(b);
		}
		break;
	case BROWSER_LOAD:
		if (can_load(b))
			load_slot(b, t->index, b->selected);
		break;
	case BROWSER_SEARCH:
		set_keyboard(b, 1);
		break;
	case BROWSER_SORT:
		if (b->tab[b->current].kind == BROWSER_RECENT)
			break;
		if ((int)b->sort == t->index && t->index == LIBRARY_BY_KEY)
			b->camelot = !b->camelot; /* Key again: the other notation */
		b->sort = (enum library_view)t->index;
		dirty_part(b, BROWSER_SORT);
		refresh_top(b);
		break;
	case BROWSER_LIST:
		tap_list(b, g);
		break;
	case BROWSER_KEY:
		type_key(b, t->index);
		break;
	}
}

/* The deck of the Load button at (x, y), -1 for none. */
static int load_at(const struct browser *b, int x, int y)
{
	for (int i = 0; i < b->nt; i++)
		if (b->t[i].part == BROWSER_LOAD && inside(&b->t[i].r, x, y))
			return b->t[i].index;
	return -1;
}

static void list_gesture(struct browser *b, const struct gesture *g)
{
	switch (g->kind) {
	case GESTURE_PRESS:
		b->caught = b->fling.on; /* a finger on a flying list stops it */
		b->fling.on = 0;
		break;
	case GESTURE_DRAG_BEGIN: {
		int n = row_at(b, g->y0);

		if (abs(g->x - g->x0) > abs(g->y - g->y0) && n >= 0) {
			/* sideways: the row is carried towards Load A or Load B */
			b->carry.on = 1;
			b->carry.slot = browser_row(b, n);
			b->carry.over = -1;
			dirty_part(b, BROWSER_LIST);
			dirty_part(b, BROWSER_LOAD);
		} else {
			b->scrolling = 1;
			b->grab = b->scroll;
		}
		break;
	}
	case GESTURE_DRAG:
		if (b->carry.on) {
			int over = load_at(b, g->x, g->y);

			if (over != b->carry.over) {
				b->carry.over = over;
				dirty_part(b, BROWSER_LOAD);
			}
		} else if (b->scrolling) {
			float was = b->scroll;

			b->scroll = b->grab - (float)(g->y - g->y0);
			clamp_scroll(b);
			if (lroundf(was) != lroundf(b->scroll))
				dirty_part(b, BROWSER_LIST);
		}
		break;
	case GESTURE_FLING:
		if (b->scrolling && g->vy != 0) {
			b->fling.on = 1;
			b->fling.t0 = g->ms;
			b->fling.p0 = b->scroll;
			b->fling.v0 = -g->vy;
		}
		break;
	case GESTURE_DRAG_END: /* a FLING may follow, then the RELEASE */
	case GESTURE_RELEASE:
		b->scrolling = g->kind == GESTURE_DRAG_END && b->scrolling;
		if (b->carry.on) {
			long slot = b->carry.slot;
			int over = b->carry.over;

			b->carry.on = 0;
			dirty_part(b, BROWSER_LIST);
			dirty_part(b, BROWSER_LOAD);
			if (over >= 0)
				load_slot(b, over, slot);
		}
		break;
	case GESTURE_TAP:
		tap(b, &b->t[b->list], g);
		break;
	default:
		break;
	}
}

static void target_gesture(struct browser *b, int i, const struct gesture *g)
{
	const struct browser_target *t;

	if (i < 0 || i >= b->nt || g->display != b->display)
		return; /* from before the targets moved */
	t = &b->t[i];
	if (t->part == BROWSER_LIST) {
		list_gesture(b, g);
		return;
	}
	switch (g->kind) {
	case GESTURE_PRESS:
		b->pressed = i;
		b->dirty[i] = 1;
		break;
	case GESTURE_RELEASE:
		if (b->pressed == i) {
			b->pressed = -1;
			b->dirty[i] = 1;
		}
		break;
	case GESTURE_TAP: {
		struct browser_target was = *t; /* a tap may move the targets */

		tap(b, &was, g);
		break;
	}
	default:
		break;
	}
}

int browser_hit(void *ctx, int display, int x, int y)
{
	struct browser *b = ctx;

	if (b->deck >= 0 && display == b->display && inside(&b->area, x, y)) {
		for (int i = 0; i < b->nt; i++)
			if (inside(&b->t[i].r, x, y))
				return BROWSER_HIT + i;
		return -1; /* between the browser's targets: nothing, not what is under it */
	}
	return controls_hit(controls_of(b), display, x, y);
}

void browser_gesture(void *ctx, const struct gesture *g)
{
	struct browser *b = ctx;
	struct controls *c = controls_of(b);

	b->now_ms = g->ms;
	if (g->target >= BROWSER_HIT) {
		if (b->deck >= 0)
			target_gesture(b, g->target - BROWSER_HIT, g);
		return;
	}
	controls_gesture(c, g);
	if (c->library_deck != b->deck) /* a LOAD button */
		show(b, c->library_deck);
}

/* ---- time ----------------------------------------------------------- */

/* Where a fling has taken the list ms after it began; *done once it has stopped. */
static float fling_at(const struct browser *b, long ms, int *done)
{
	float tau = BROWSER_FLING_TAU_S, v0 = b->fling.v0, stop = BROWSER_STOP_MM_S * b->ppm;
	float t = (float)(ms - b->fling.t0) / 1000.0f, sign = v0 < 0 ? -1.0f : 1.0f;
	float t_stop = fabsf(v0) > stop ? tau * logf(fabsf(v0) / stop) : 0;

	/* speed v0 e^(-t/tau) until it falls to the stop speed; it has covered tau (v0 - v) */
	*done = t >= t_stop;
	if (*done)
		return b->fling.p0 + tau * (v0 - sign * fminf(stop, fabsf(v0)));
	return b->fling.p0 + tau * v0 * (1.0f - expf(-t / tau));
}

void browser_tick(struct browser *b, long ms)
{
	b->now_ms = ms;
	if (b->deck < 0)
		return;
	if (b->fling.on) {
		int done;
		float was = b->scroll;

		b->scroll = fling_at(b, ms, &done);
		clamp_scroll(b);
		if (done || (b->fling.v0 < 0 && b->scroll <= 0) ||
		    (b->fling.v0 > 0 && b->scroll >= list_extent(b)))
			b->fling.on = 0; /* stopped, or at the end it flew to */
		if (lroundf(was) != lroundf(b->scroll))
			dirty_part(b, BROWSER_LIST);
	}
	if (b->lib &&
	    (b->lib->changes != b->seen_changes || sources_signature(b) != b->tabs_seen) &&
	    ms - b->refreshed_ms >= BROWSER_REFRESH_MS)
		refresh(b);
}

/* ---- the rest ------------------------------------------------------- */

void browser_init(struct browser *b, struct ui *ui)
{
	memset(b, 0, sizeof *b);
	b->ui = ui;
	b->deck = -1;
	b->display = 0;
	b->sort = LIBRARY_BY_TITLE;
	b->camelot = 1;
	b->selected = -1;
	b->pressed = -1;
	b->carry.over = -1;
}

void browser_attach(struct browser *b, const struct library *lib, uint32_t *rows, int max,
                    browser_load_fn *load, void *ctx)
{
	b->lib = lib;
	b->match = rows;
	b->match_max = rows ? max : 0;
	b->load = load;
	b->load_ctx = ctx;
	b->ntabs = 0;
	b->current = 0;
	b->played_changes = lib ? lib->changes - 1 : 0;
	if (b->deck >= 0) {
		make_tabs(b);
		place(b);
		refresh(b);
	}
}

void browser_played(struct browser *b, const char *path)
{
	int i;

	for (i = 0; i < b->nplayed && strcmp(b->played[i].path, path); i++)
		;
	if (i == b->nplayed && b->nplayed < BROWSER_PLAYED)
		b->nplayed++;
	if (i == b->nplayed) /* full: the oldest goes */
		i--;
	memmove(&b->played[1], &b->played[0], sizeof b->played[0] * (size_t)i);
	snprintf(b->played[0].path, sizeof b->played[0].path, "%s", path);
	b->played[0].slot = -1;
	resolve_played(b, 0);
	if (b->deck >= 0)
		refresh(b);
}

int browser_targets(const struct browser *b)
{
	int rows = 0;

	if (b->deck < 0)
		return 0;
	for (int n = first_row(b); browser_row(b, n) >= 0; n++) {
		if (row_rect(b, n).y >= b->t[b->list].r.y + b->t[b->list].r.h)
			break;
		rows++;
	}
	return b->nt + 3 * rows;
}

static struct rect clip(struct rect r, const struct rect *to)
{
	int x1 = r.x + r.w < to->x + to->w ? r.x + r.w : to->x + to->w;
	int y1 = r.y + r.h < to->y + to->h ? r.y + r.h : to->y + to->h;

	r.x = r.x > to->x ? r.x : to->x;
	r.y = r.y > to->y ? r.y : to->y;
	r.w = x1 - r.x > 0 ? x1 - r.x : 0;
	r.h = y1 - r.y > 0 ? y1 - r.y : 0;
	return r;
}

/* "usb sda1" as "usb-sda1", lower case. */
static void dashed(char *out, size_t size, const char *in)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		out[n++] = *in == ' ' ? '-' : *in >= 'A' && *in <= 'Z' ? (char)(*in | 0x20) : *in;
	out[n] = 0;
}

int browser_target(const struct browser *b, int i, char *name, size_t size, struct rect *r)
{
	static const char *const parts[] = {"close", "source", "load", "search",
	                                    "sort",  "list",   "key"};
	char word[LIBRARY_NAME];
	int n;

	if (i < 0 || i >= browser_targets(b))
		return -1;
	if (i < b->nt) {
		const struct browser_target *t = &b->t[i];

		*r = t->r;
		switch (t->part) {
		case BROWSER_SOURCE:
			dashed(word, sizeof word, b->tab[t->index].label);
			snprintf(name, size, "lib-source-%s", word);
			break;
		case BROWSER_LOAD:
			snprintf(name, size, "lib-load-%c", 'a' + t->index);
			break;
		case BROWSER_SORT:
			snprintf(name, size, "lib-sort-%s",
			         library_view_name((enum library_view)t->index));
			break;
		case BROWSER_KEY:
			dashed(word, sizeof word, KEY_LABEL(t->index));
			snprintf(name, size, "key-%s", word);
			break;
		default:
			snprintf(name, size, "lib-%s", parts[t->part]);
			break;
		}
		return 0;
	}
	i -= b->nt;
	n = first_row(b) + i / 3;
	{
		struct rect row = row_rect(b, n), a, bt;

		row_targets(b, row, &a, &bt);
		*r = clip(i % 3 == 0 ? row : i % 3 == 1 ? a : bt, &b->t[b->list].r);
		snprintf(name, size, "lib-row-%d%s", n + 1,
		         i % 3 == 0   ? ""
		         : i % 3 == 1 ? "-a"
		                      : "-b");
	}
	return 0;
}

void browser_describe(const struct browser *b, browser_print_fn *print, void *ctx)
{
	char line[320], counts[64];
	const struct rect *l;
	size_t n;

	if (b->deck < 0) {
		print(ctx, "library browser: closed (a deck's LOAD opens it)");
		return;
	}
	snprintf(line, sizeof line, "library browser: deck %c, display %d at %d,%d %dx%d%s",
	         'A' + b->deck, b->display, b->area.x, b->area.y, b->area.w, b->area.h,
	         b->keyboard ? ", keyboard up" : "");
	print(ctx, line);
	n = (size_t)snprintf(line, sizeof line, "source %s; tabs:", b->tab[b->current].label);
	for (int i = 0; i < b->ntabs && n < sizeof line; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, " %s%s", b->tab[i].label,
		                      i == b->current ? "*" : "");
	print(ctx, line);
	browser_counts(b, counts, sizeof counts);
	snprintf(line, sizeof line, "sort %s, keys %s; search \"%s\": %s",
	         library_view_name(b->sort), b->camelot ? "camelot" : "standard", b->query, counts);
	print(ctx, line);
	browser_message(b, line, sizeof line);
	if (line[0]) {
		char m[sizeof line + 16];

		snprintf(m, sizeof m, "message: %s", line);
		print(ctx, m);
	}
	l = &b->t[b->list].r;
	for (int k = first_row(b); browser_row(b, k) >= 0; k++) {
		struct rect r = row_rect(b, k), c = clip(r, l);
		const struct library_track *t = library_track(b->lib, (uint32_t)browser_row(b, k));
		char len[16], bpm[16];

		if (r.y >= l->y + l->h)
			break;
		format_length(len, sizeof len, t->seconds);
		snprintf(bpm, sizeof bpm, t->bpm > 0 ? "%.1f" : "?", t->bpm);
		snprintf(line, sizeof line,
		         "row %d: display %d at %d,%d %dx%d: %s%s%s, %s bpm, key %s, length %s%s%s",
		         k + 1, b->display, c.x, c.y, c.w, c.h, t->title, t->artist[0] ? " - " : "",
		         t->artist, bpm,
		         t->camelot  ? library_key_text(t->camelot - 1, b->camelot)
		         : t->key[0] ? t->key
		                     : "?",
		         len[0] ? len : "?",
		         is_played(b, (long)browser_row(b, k)) ? ", played" : "",
		         (long)browser_row(b, k) == b->selected ? ", selected" : "");
		print(ctx, line);
	}
}
