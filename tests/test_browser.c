/*
 * The library browser as a DJ's fingers and eyes meet it: 7-inch 1024x600
 * and 10.1-inch 1280x800 panels, one display and two. Touch points go
 * through the gesture tracker into the browser and the controls, frames
 * are drawn as the box draws them, and what is checked is what is on the
 * screen: the browser where the deck was, the rows' titles in the right
 * order (each row against the same track drawn alone, and its title's ink
 * against the title drawn by the font), the list narrowing as keys are
 * typed, the orders by BPM and key, a fling that flies on, slows and
 * stops the same at any frame rate, a load asked for with the right path,
 * the played mark, the empty states' words, and every target a fingertip
 * wide. The last screen of each case is written to build/browser-*.png.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fonts/face.h"
#include "fw/arena.h"
#include "fw/browser.h"
#include "fw/controls.h"
#include "fw/gesture.h"
#include "fw/layout.h"
#include "fw/library.h"
#include "fw/ui.h"
#include "hal/png.h"

#define RATE 48000
#define ROWS 1000
#define ROOT "/media/nvme"
#define STICK "/run/slipmat/usb/sda1"

struct panel {
	int w, h;
	float inches;
	int n;
};

/* The panels the boxes have, one display and two. */
static const struct panel panels[] = {
    {1024, 600, 7.0f, 1},
    {1024, 600, 7.0f, 2},
    {1280, 800, 10.1f, 1},
    {1280, 800, 10.1f, 2},
};
/* And the other two sizes, for the geometry. */
static const struct panel more_panels[] = {
    {1280, 800, 7.0f, 1},
    {1280, 800, 7.0f, 2},
    {1024, 600, 10.1f, 1},
    {1024, 600, 10.1f, 2},
};

struct song {
	const char *title, *artist, *key, *path;
	float bpm, seconds;
};

static const struct song songs[] = {
    {"Around the World", "Daft Punk", "10A", "house/atw.flac", 121.0f, 429},
    {"Blue Monday", "New Order", "Dm", "wave/blue.mp3", 130.0f, 449},
    {"Crazy in Love", "Beyoncé", "4A", "pop/crazy.flac", 99.0f, 236},
    {"Strings of Life", "Rhythim Is Rhythim", "2B", "detroit/sol.aiff", 125.5f, 0},
    {"Windowlicker", "Aphex Twin", "", "idm/wl.wav", 127.0f, 366},
    {"Xtal", "Aphex Twin", "1A", "idm/xtal.wav", 0, 294},
    {"Born Slippy", "Underworld", "12B", "techno/slippy.flac", 135.0f, 584},
    {"Energy Flash", "Joey Beltram", "C", "techno/energy.mp3", 138.0f, 331},
    {"Music Sounds Better", "Stardust", "11B", "house/msb.flac", 124.0f, 412},
    {"Pacific State", "808 State", "5A", "acid/pacific.wav", 118.0f, 0},
    {"Bluebird", "Sunspot", "8A", "deep/bluebird.wav", 122.0f, 301},
};
#define NSONGS ((int)(sizeof songs / sizeof songs[0]))

static struct arena arena;
static struct library lib;
static int internal;
static struct layout lay;
static struct controls ctl;
static struct ui ui;
static struct browser br;
static struct gesture_tracker gt;
static struct surface screen[2];
static uint32_t rows[ROWS];
static long now;
static const struct panel *shown;
static unsigned long engine_cmds;
static struct {
	int n, deck;
	char path[BROWSER_PATH];
} loaded;

static int count_cmds(void *ctx, const struct engine_cmd *c)
{
	(void)ctx;
	(void)c;
	engine_cmds++;
	return 0;
}

/* The box's load path: remembered, and the track counts as played (fw/app.c does both). */
static void on_load(void *ctx, int deck, const char *path)
{
	(void)ctx;
	loaded.n++;
	loaded.deck = deck;
	snprintf(loaded.path, sizeof loaded.path, "%s", path);
	browser_played(&br, path);
}

static float density(const struct panel *p)
{
	return hypotf((float)p->w, (float)p->h) / (p->inches * 25.4f);
}

static void add_song(int src, const struct song *s)
{
	struct library_entry e = {.title = s->title,
	                          .artist = s->artist,
	                          .key = s->key,
	                          .path = s->path,
	                          .bpm = s->bpm,
	                          .seconds = s->seconds};

	assert_int_equal(library_add(&lib, src, &e), 0);
}

static long slot_of(const struct song *s)
{
	return library_find_path(&lib, internal, s->path);
}

static void frame(void)
{
	browser_tick(&br, now);
	ui_draw(&ui);
	browser_draw(&br);
}

/* Clean frames: everything drawn, the damage taken. */
static void settle(void)
{
	frame();
	for (int d = 0; d < lay.ndisplays; d++)
		damage_clear(&ui.damage[d]);
}

/* The panel, the layout, the controls, the screens and the browser over the library. */
static void build(const struct panel *p)
{
	struct layout_screen s[2];
	char msg[200];

	shown = p;
	for (int i = 0; i < p->n; i++)
		s[i] = (struct layout_screen){p->w, p->h, density(p)};
	if (layout_build(&lay, s, p->n, msg, sizeof msg) != 0)
		fail_msg("%s", msg);
	for (int d = 0; d < 2; d++) {
		free(screen[d].px);
		screen[d].w = p->w;
		screen[d].h = p->h;
		screen[d].stride = p->w;
		screen[d].px = calloc((size_t)p->w * p->h, sizeof(uint32_t));
		assert_non_null(screen[d].px);
	}
	controls_init(&ctl, &lay, RATE, count_cmds, NULL);
	ui_init(&ui, &lay, &ctl, screen, RATE);
	browser_init(&br, &ui);
	browser_attach(&br, &lib, rows, ROWS, on_load, NULL);
	gesture_init(&gt, browser_hit, browser_gesture, &br);
	for (int d = 0; d < p->n; d++)
		gesture_set_density(&gt, d, s[d].px_per_mm);
	memset(&loaded, 0, sizeof loaded);
	engine_cmds = 0;
	settle();
}

static int setup(void **state)
{
	(void)state;
	now = 10000;
	assert_int_equal(arena_init(&arena, 16u << 20), 0);
	assert_int_equal(library_init(&lib, &arena, ROWS), 0);
	internal = library_add_source(&lib, LIBRARY_INTERNAL, "internal", ROOT);
	for (int i = 0; i < NSONGS; i++)
		add_song(internal, &songs[i]);
	library_source_ready(&lib, internal);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_clear(&arena);
	for (int d = 0; d < 2; d++) {
		free(screen[d].px);
		screen[d].px = NULL;
	}
	return 0;
}

static void keep_png(const char *what)
{
	char path[96];

	mkdir("build", 0755);
	for (int d = 0; d < lay.ndisplays; d++) {
		snprintf(path, sizeof path, "build/browser-%s-%dx%d-%d-of-%d.png", what, shown->w,
		         shown->h, d, lay.ndisplays);
		png_write_xrgb(path, screen[d].px, shown->w, shown->h, shown->w);
	}
}

static uint32_t pixel(int display, int x, int y)
{
	return screen[display].px[y * screen[display].stride + x] & 0xffffff;
}

/* ---- fingers -------------------------------------------------------- */

static void touch(int display, enum touch_kind kind, int x, int y)
{
	struct touch_point p = {.display = display, .slot = 0, .kind = kind, .x = x, .y = y};

	gesture_touch(&gt, &p, now);
}

static void tap_at(int display, int x, int y)
{
	touch(display, TOUCH_DOWN, x, y);
	now += 40;
	touch(display, TOUCH_UP, x, y);
	now += 400; /* never a double tap */
	frame();
}

/* Where the browser says a target is (what `slipmat screens` lists); 0 when it is not there. */
static int target(const char *name, struct rect *r)
{
	char n[48];

	for (int i = 0; i < browser_targets(&br); i++)
		if (browser_target(&br, i, n, sizeof n, r) == 0 && !strcmp(n, name))
			return 1;
	return 0;
}

static void tap(const char *name)
{
	struct rect r;

	if (!target(name, &r))
		fail_msg("no target %s on the screen", name);
	tap_at(br.display, r.x + r.w / 2, r.y + r.h / 2);
}

static void tap_widget(enum widget_kind k, int deck)
{
	const struct widget *w = &lay.w[layout_find(&lay, k, deck, 0)];

	tap_at(w->display, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2);
}

static void type(const char *text)
{
	char name[16];

	for (; *text; text++) {
		snprintf(name, sizeof name, "key-%c", *text == ' ' ? '?' : *text);
		if (*text == ' ')
			snprintf(name, sizeof name, "key-space");
		tap(name);
	}
}

/* ---- what the screen shows ------------------------------------------ */

/* Row n (from 1) as on screen; 0 when it is not wholly in view. */
static int row_on_screen(int n, struct rect *r)
{
	char name[32];

	snprintf(name, sizeof name, "lib-row-%d", n);
	return target(name, r) && r->h == br.row_h;
}

/* Pixels brighter than the labels' threshold in the left half of r: the title's ink. */
static int title_ink(const struct surface *s, struct rect r)
{
	int n = 0;

	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w / 2; x++)
			n += (s->px[y * s->stride + x] >> 8 & 0xff) > 0xb0;
	return n;
}

/* The ink of text drawn alone in the label colour with face f, on bg. */
static int text_ink(const struct face *f, const char *text, uint32_t bg)
{
	static uint32_t px[200 * 1200];
	struct surface s = {px, 1200, 200, 1200};
	struct rect all = {0, 0, 2400, 200}; /* title_ink looks at the left half */

	gfx_clear(&s, bg);
	gfx_text_run(&s, f, 10, 50, UI_LABEL, text);
	return title_ink(&s, all);
}

/*
 * Row n shows song s: its pixels are those of s's row drawn alone, and
 * the ink left of the columns is s's title in the font.
 */
static void assert_row(int n, const struct song *s, int selected)
{
	static uint32_t px[200 * 1400];
	struct surface ref = {px, 0, 0, 0};
	struct rect r, at;
	int ink, want20, want16, diff = 0;

	if (!row_on_screen(n, &r))
		fail_msg("row %d (%s) is not in view", n, s->title);
	assert_true(r.w <= 1400 && r.h <= 200);
	ref.w = ref.stride = r.w;
	ref.h = r.h;
	at = (struct rect){0, 0, r.w, r.h};
	browser_draw_row(&br, &ref, at, slot_of(s), selected);
	for (int y = 0; y < r.h; y++)
		for (int x = 0; x < r.w; x++)
			diff += (px[y * r.w + x] & 0xffffff) != pixel(br.display, r.x + x, r.y + y);
	if (diff)
		fail_msg("row %d: %d pixels differ from %s's row", n, diff, s->title);
	ink = title_ink(&screen[br.display], r);
	/* on the row's own ground: a selected row is blue */
	want20 = text_ink(&face_sans_20, s->title, selected ? GFX_RGB(0x1e, 0x3a, 0x5f) : UI_BG);
	want16 = text_ink(&face_sans_16, s->title, selected ? GFX_RGB(0x1e, 0x3a, 0x5f) : UI_BG);
	if (ink != want20 && ink != want16)
		fail_msg("row %d: title ink %d, %s draws %d (20 px) or %d (16 px)", n, ink,
		         s->title, want20, want16);
}

static int cmp_title(const void *a, const void *b)
{
	return strcasecmp(((const struct song *)a)->title, ((const struct song *)b)->title);
}

static int cmp_bpm(const void *a, const void *b)
{
	const struct song *x = a, *y = b;

	if ((x->bpm > 0) != (y->bpm > 0))
		return x->bpm > 0 ? -1 : 1;
	return x->bpm < y->bpm ? -1 : x->bpm > y->bpm ? 1 : cmp_title(a, b);
}

/* Camelot order, worked out here from the circle of fifths. */
static int camelot_rank(const char *key)
{
	static const char *const order[24] = {"1A", "1B", "2A",  "2B",  "3A",  "3B",  "4A",  "4B",
	                                      "5A", "5B", "6A",  "6B",  "7A",  "7B",  "8A",  "8B",
	                                      "9A", "9B", "10A", "10B", "11A", "11B", "12A", "12B"};

	if (!strcmp(key, "Dm"))
		key = "7A";
	if (!strcmp(key, "C"))
		key = "8B";
	for (int i = 0; i < 24; i++)
		if (!strcmp(order[i], key))
			return i;
	return 99;
}

static int cmp_key(const void *a, const void *b)
{
	int x = camelot_rank(((const struct song *)a)->key),
	    y = camelot_rank(((const struct song *)b)->key);

	return x != y ? x - y : cmp_title(a, b);
}

/* The songs in an order, those containing q (ASCII, any case) only. */
static int songs_in(int (*cmp)(const void *, const void *), const char *q, struct song *out)
{
	int n = 0;

	for (int i = 0; i < NSONGS; i++)
		if (!q[0] || strcasestr(songs[i].title, q) || strcasestr(songs[i].artist, q))
			out[n++] = songs[i];
	qsort(out, (size_t)n, sizeof *out, cmp);
	return n;
}

/* The rows in view are these songs, from the first. */
static int assert_rows(const struct song *want, int n)
{
	struct rect r;
	int k;

	for (k = 0; k < n && row_on_screen(k + 1, &r); k++)
		assert_row(k + 1, &want[k], 0);
	assert_true(k >= 2 || k == n);
	return k;
}

static int same_rect(struct rect a, struct rect b)
{
	return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* ---- the cases ------------------------------------------------------ */

static void check_targets(const struct panel *p)
{
	float ppm = density(p);
	int keys = 0, rows_seen = 0;
	float smallest = 1e9f;

	for (int i = 0; i < browser_targets(&br); i++) {
		char name[48], other[48];
		struct rect r, o;

		assert_int_equal(browser_target(&br, i, name, sizeof name, &r), 0);
		keys += !strncmp(name, "key-", 4);
		if (!strncmp(name, "lib-row-", 8) && !strchr(name + 8, '-')) {
			if (r.h < br.row_h)
				continue; /* cut by the list's edge */
			rows_seen++;
		}
		if (r.x < br.area.x || r.y < br.area.y || r.x + r.w > br.area.x + br.area.w ||
		    r.y + r.h > br.area.y + br.area.h)
			fail_msg("%s at %d,%d %dx%d: outside the browser", name, r.x, r.y, r.w,
			         r.h);
		if (fminf((float)r.w, (float)r.h) / ppm < LAYOUT_MIN_MM &&
		    !(r.h < br.row_h && !strncmp(name, "lib-row-", 8)))
			fail_msg("%dx%d %.1f in, %d display(s)%s: %s is %.1f x %.1f mm", p->w, p->h,
			         p->inches, p->n, br.keyboard ? ", keyboard up" : "", name,
			         r.w / ppm, r.h / ppm);
		if (strncmp(name, "lib-row-", 8) && strcmp(name, "lib-list"))
			smallest = fminf(smallest, fminf((float)r.w, (float)r.h) / ppm);
		/* no two targets on top of each other (a row holds its own A and B) */
		for (int j = i + 1; j < browser_targets(&br); j++) {
			browser_target(&br, j, other, sizeof other, &o);
			if (!strcmp(name, "lib-list") || !strncmp(name, "lib-row-", 8) ||
			    !strcmp(other, "lib-list"))
				continue;
			if (r.x < o.x + o.w && o.x < r.x + r.w && r.y < o.y + o.h &&
			    o.y < r.y + r.h)
				fail_msg("%s overlaps %s", name, other);
		}
		/* a tap in its middle lands on it */
		if (strncmp(name, "lib-row-", 8)) {
			int hit = browser_hit(&br, br.display, r.x + r.w / 2, r.y + r.h / 2);

			assert_true(hit >= BROWSER_HIT);
			assert_true(same_rect(br.t[hit - BROWSER_HIT].r, r));
		}
	}
	assert_int_equal(keys, br.keyboard ? BROWSER_KEYS : 0);
	if (br.keyboard)
		assert_true(rows_seen >= BROWSER_MIN_ROWS);
	print_message("%dx%d %.1f in, %d display(s), deck %c%s: %d targets, %d rows in view, "
	              "smallest button %.1f mm\n",
	              p->w, p->h, p->inches, p->n, 'A' + br.deck,
	              br.keyboard ? ", keyboard up" : "", browser_targets(&br), rows_seen,
	              smallest);
}

static void test_every_target_a_fingertip(void **state)
{
	(void)state;
	for (int k = 0; k < 8; k++) {
		const struct panel *p = k < 4 ? &panels[k] : &more_panels[k - 4];

		build(p);
		for (int d = 0; d < 2; d++) {
			browser_open(&br, d);
			settle();
			check_targets(p);
			tap("lib-search");
			assert_true(br.keyboard);
			check_targets(p);
			tap("key-hide");
			assert_false(br.keyboard);
		}
	}
}

static void test_load_opens_it_over_the_deck(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof panels / sizeof *panels; k++) {
		const struct panel *p = &panels[k];
		const struct widget *play = &lay.w[0];
		struct rect close, area;
		int d;

		build(p);
		play = &lay.w[layout_find(&lay, W_PLAY, 0, 0)];
		assert_int_equal(pixel(0, play->r.x + play->r.w / 2, play->r.y + 2), 0x2a2e34);
		tap_widget(W_LIBRARY, 0);
		assert_int_equal(br.deck, 0);
		assert_int_equal(ctl.library_deck, 0);
		d = layout_library_area(&lay, 0, &area);
		assert_int_equal(br.display, d);
		assert_true(same_rect(br.area, area));
		/* the browser is drawn where the deck was: its Close button, no play button */
		assert_true(target("lib-close", &close));
		assert_int_equal(pixel(d, close.x + close.w / 2, close.y + 2), 0x2a2e34);
		assert_int_not_equal(pixel(0, play->r.x + play->r.w / 2, play->r.y + 2), 0x2a2e34);
		/* the widgets under it stay under it, whatever changes */
		for (int i = 0; i < lay.count; i++)
			ctl.dirty[i] = 1;
		{
			struct damage before = ui.damage[d];

			damage_clear(&ui.damage[d]);
			ui_draw(&ui);
			assert_false(damage_hits(&ui.damage[d], area.x, area.y, area.w, area.h));
			ui.damage[d] = before;
		}
		/* a tap where the play button was is the browser's, not the deck's */
		tap_at(d, play->r.x + play->r.w / 2, play->r.y + play->r.h / 2);
		assert_int_equal(engine_cmds, 0);
		assert_int_equal(br.deck, 0);
		if (p->n == 2) {
			/* deck B's LOAD on the other display: the browser moves there */
			uint32_t b_close;

			tap_widget(W_LIBRARY, 1);
			assert_int_equal(br.deck, 1);
			assert_int_equal(br.display, 1);
			assert_int_equal(pixel(0, play->r.x + play->r.w / 2, play->r.y + 2),
			                 0x2a2e34);
			assert_true(target("lib-close", &close));
			b_close = pixel(1, close.x + close.w / 2, close.y + 2);
			assert_int_equal(b_close, 0x2a2e34);
			keep_png("open-b");
			/* LOAD on deck A's display again: back there */
			tap_widget(W_LIBRARY, 0);
			assert_int_equal(br.deck, 0);
			assert_int_equal(br.display, 0);
		} else {
			keep_png("open");
		}
		tap("lib-close");
		assert_int_equal(br.deck, -1);
		assert_int_equal(ctl.library_deck, -1);
		/* the deck again, drawn whole */
		assert_int_equal(pixel(0, play->r.x + play->r.w / 2, play->r.y + 2), 0x2a2e34);
	}
}

static void test_rows_show_the_titles(void **state)
{
	struct song want[NSONGS];
	int n = songs_in(cmp_title, "", want), seen;
	char counts[64];

	(void)state;
	for (size_t k = 0; k < sizeof panels / sizeof *panels; k++) {
		build(&panels[k]);
		tap_widget(W_LIBRARY, 0);
		seen = assert_rows(want, n);
		browser_counts(&br, counts, sizeof counts);
		assert_string_equal(counts, "11 tracks");
		/* two different tracks do not look the same */
		{
			struct rect r1, r2;
			int diff = 0;

			assert_true(row_on_screen(1, &r1) && row_on_screen(2, &r2));
			for (int x = 0; x < r1.w; x++)
				for (int y = 0; y < r1.h; y++)
					diff += pixel(br.display, r1.x + x, r1.y + y) !=
					        pixel(br.display, r2.x + x, r2.y + y);
			assert_true(diff > 100);
		}
		print_message("%dx%d %.1f in, %d display(s): %d of %d rows in view, %s\n",
		              panels[k].w, panels[k].h, panels[k].inches, panels[k].n, seen, n,
		              counts);
		if (k == 3)
			keep_png("titles");
	}
}

static void test_typing_filters(void **state)
{
	struct song want[NSONGS];
	char counts[64], msg[96], expect[64];
	struct rect r;
	int n;

	(void)state;
	for (size_t k = 0; k < sizeof panels / sizeof *panels; k++) {
		build(&panels[k]);
		tap_widget(W_LIBRARY, 0);
		assert_false(target("key-b", &r));
		tap("lib-search");
		assert_true(target("key-b", &r));
		type("b");
		n = songs_in(cmp_title, "b", want);
		assert_rows(want, n);
		type("lu");
		assert_string_equal(br.query, "blu");
		n = songs_in(cmp_title, "blu", want);
		assert_int_equal(n, 2); /* Blue Monday, Bluebird */
		assert_rows(want, n);
		browser_counts(&br, counts, sizeof counts);
		snprintf(expect, sizeof expect, "%d of %d tracks", n, NSONGS);
		assert_string_equal(counts, expect);
		assert_false(row_on_screen(n + 1, &r));
		if (k == 0)
			keep_png("blu");
		/* nothing matches: the list says so */
		tap("key-clear");
		type("xyz");
		browser_message(&br, msg, sizeof msg);
		assert_string_equal(msg, "No track matches 'xyz'");
		assert_false(target("lib-row-1", &r));
		assert_true(title_ink(&screen[br.display], br.t[br.list].r) ==
		            0); /* dim words only */
		{
			const struct rect *l = &br.t[br.list].r;
			int words = 0;

			for (int y = l->y; y < l->y + l->h; y++)
				for (int x = l->x; x < l->x + l->w; x++)
					words += pixel(br.display, x, y) != (UI_BG & 0xffffff);
			assert_true(words > 200);
		}
		tap("key-del");
		assert_string_equal(br.query, "xy");
		tap("key-clear");
		assert_string_equal(br.query, "");
		n = songs_in(cmp_title, "", want);
		assert_rows(want, n);
		tap("key-hide");
		assert_false(target("key-b", &r));
	}
}

static void test_sort_by_bpm_and_key(void **state)
{
	struct song want[NSONGS];
	int n;
	struct rect r;

	(void)state;
	for (size_t k = 0; k < sizeof panels / sizeof *panels; k++) {
		build(&panels[k]);
		tap_widget(W_LIBRARY, 0);
		tap("lib-sort-bpm");
		n = songs_in(cmp_bpm, "", want);
		assert_rows(want, n);
		tap("lib-sort-key");
		n = songs_in(cmp_key, "", want);
		assert_rows(want, n);
		if (k == 2)
			keep_png("key");
		/* Key again: standard names; the rows' key column changes */
		assert_true(row_on_screen(1, &r));
		{
			static uint32_t before[200 * 1400];
			int diff = 0;

			for (int y = 0; y < r.h; y++)
				for (int x = 0; x < r.w; x++)
					before[y * r.w + x] = pixel(br.display, r.x + x, r.y + y);
			tap("lib-sort-key");
			assert_int_equal(br.camelot, 0);
			assert_int_equal(br.sort, LIBRARY_BY_KEY);
			assert_rows(want, n);
			for (int y = 0; y < r.h; y++)
				for (int x = 0; x < r.w; x++)
					diff += before[y * r.w + x] !=
					        pixel(br.display, r.x + x, r.y + y);
			assert_true(diff > 0);
		}
		tap("lib-sort-title");
		n = songs_in(cmp_title, "", want);
		assert_rows(want, n);
	}
}

/* A quick upward stroke of the list, lifted while moving. */
static void fling_up(int speed_px_per_step)
{
	const struct rect *l = &br.t[br.list].r;
	int x = l->x + l->w / 3, y = l->y + l->h - 10;

	touch(br.display, TOUCH_DOWN, x, y);
	for (int s = 1; s <= 5; s++) {
		now += 10;
		touch(br.display, TOUCH_MOVE, x, y - s * speed_px_per_step);
	}
	now += 5;
	touch(br.display, TOUCH_UP, x, y - 5 * speed_px_per_step);
}

static void many_tracks(int n)
{
	int src = library_add_source(&lib, LIBRARY_USB, "usb sdb1", "/run/slipmat/usb/sdb1");
	char title[32], path[32];

	for (int i = 0; i < n; i++) {
		struct library_entry e = {
		    .title = title, .artist = "Various", .path = path, .bpm = 100.0f + i % 50};

		snprintf(title, sizeof title, "Track %03d", i);
		snprintf(path, sizeof path, "t%03d.wav", i);
		assert_int_equal(library_add(&lib, src, &e), 0);
	}
	library_source_ready(&lib, src);
}

/* A fling ticked every step ms: where the list is 300 ms after the lift, and where it stops. */
static void fling_at_rate(int step, float *at300, float *end, int *frames_moving)
{
	long lift;
	int still = 0;

	build(&panels[3]);
	browser_open(&br, 0);
	tap("lib-source-usb-sdb1");
	settle();
	fling_up(25);
	lift = now;
	*frames_moving = 0;
	*at300 = -1;
	while (still < 20) {
		int drawn;

		now += step;
		browser_tick(&br, now);
		if (*at300 < 0 && now - lift >= 300) {
			/* the same moment at every rate: read it off the curve there */
			long over = now - lift - 300;

			now -= over;
			browser_tick(&br, now);
			*at300 = br.scroll;
			now += over;
			browser_tick(&br, now);
		}
		ui_draw(&ui);
		drawn = browser_draw(&br);
		*frames_moving += drawn > 0;
		still = drawn ? 0 : still + 1;
		assert_true(now - lift < 10000);
	}
	*end = br.scroll;
}

static void test_fling_flies_and_stops(void **state)
{
	float at300[3], end[3];
	int moving[3];
	const int steps[3] = {8, 16, 33};
	struct rect r;

	(void)state;
	many_tracks(200);
	for (int i = 0; i < 3; i++) {
		fling_at_rate(steps[i], &at300[i], &end[i], &moving[i]);
		print_message("ticks of %d ms: %.1f px 300 ms after the lift, stopped at %.1f px "
		              "after %d frames\n",
		              steps[i], at300[i], end[i], moving[i]);
	}
	/* it flew on after the finger left, and further than the finger went */
	assert_true(at300[1] > 125);
	assert_true(end[1] > at300[1] + 10);
	/* the same curve at every frame rate */
	for (int i = 1; i < 3; i++) {
		assert_true(fabsf(at300[i] - at300[0]) <= 1.0f);
		assert_true(fabsf(end[i] - end[0]) <= 1.0f);
	}
	/* stopped: nothing moves, nothing is drawn */
	for (int i = 0; i < 10; i++) {
		now += 16;
		browser_tick(&br, now);
		assert_int_equal(browser_draw(&br), 0);
	}
	assert_int_equal(damage_hits(&ui.damage[0], br.area.x, br.area.y, br.area.w, br.area.h), 1);
	damage_clear(&ui.damage[0]);
	frame();
	assert_int_equal(damage_area(&ui.damage[0]), 0);
	/* the rows moved with it: the first in view is far down the list */
	assert_false(row_on_screen(1, &r));
	/* a hard fling stops at the end, the last track in view */
	for (int i = 0; i < 6; i++) {
		fling_up(120);
		for (int t = 0; t < 400; t++) {
			now += 16;
			frame();
		}
	}
	assert_true(br.scroll > 0);
	assert_true(row_on_screen(200, &r));
	assert_true(r.y + r.h <= br.t[br.list].r.y + br.t[br.list].r.h);
	assert_false(target("lib-row-201", &r));
	keep_png("end");
	/* and a finger on a flying list stops it where it is */
	browser_open(&br, -1);
	browser_open(&br, 0);
	br.scroll = 0;
	fling_up(40);
	now += 50;
	frame();
	{
		float held;
		const struct rect *l = &br.t[br.list].r;

		touch(br.display, TOUCH_DOWN, l->x + 20, l->y + 20);
		held = br.scroll;
		for (int t = 0; t < 20; t++) {
			now += 16;
			frame();
		}
		assert_true(br.scroll == held);
		now += 40;
		touch(br.display, TOUCH_UP, l->x + 20, l->y + 20);
		assert_int_equal(br.selected, -1); /* that touch only stopped it */
	}
}

static void test_load_a_loads_the_right_track(void **state)
{
	struct song want[NSONGS];
	char path[BROWSER_PATH];
	struct rect r, lb;

	(void)state;
	songs_in(cmp_title, "", want);
	for (size_t k = 0; k < sizeof panels / sizeof *panels; k++) {
		build(&panels[k]);
		tap_widget(W_LIBRARY, 0);
		/* Load A does nothing before a row is chosen */
		tap("lib-load-a");
		assert_int_equal(loaded.n, 0);
		assert_int_equal(br.deck, 0);
		tap("lib-row-2");
		assert_int_equal(br.selected, slot_of(&want[1]));
		assert_row(2, &want[1], 1);
		assert_true(row_on_screen(2, &r));
		assert_int_equal(pixel(br.display, r.x + r.w / 2, r.y + 2), 0x1e3a5f);
		tap("lib-load-a");
		snprintf(path, sizeof path, ROOT "/%s", want[1].path);
		assert_int_equal(loaded.n, 1);
		assert_int_equal(loaded.deck, 0);
		assert_string_equal(loaded.path, path);
		/* a load closes it: the deck is back */
		assert_int_equal(br.deck, -1);
		assert_int_equal(ctl.library_deck, -1);
		/* a row's own B loads it onto deck B at once */
		tap_widget(W_LIBRARY, 0);
		tap("lib-row-3-b");
		snprintf(path, sizeof path, ROOT "/%s", want[2].path);
		assert_int_equal(loaded.n, 2);
		assert_int_equal(loaded.deck, 1);
		assert_string_equal(loaded.path, path);
		/* a row carried sideways onto Load B */
		tap_widget(W_LIBRARY, 0);
		assert_true(row_on_screen(1, &r) && target("lib-load-b", &lb));
		touch(br.display, TOUCH_DOWN, r.x + r.w / 4, r.y + r.h / 2);
		for (int s = 1; s <= 10; s++) {
			now += 16;
			touch(br.display, TOUCH_MOVE,
			      r.x + r.w / 4 + s * (lb.x + lb.w / 2 - r.x - r.w / 4) / 10,
			      r.y + r.h / 2 + s * (lb.y + lb.h / 2 - r.y - r.h / 2) / 10);
			frame();
			if (s == 5) /* on its way, the Load buttons are lit as places to drop it */
				assert_int_equal(pixel(br.display, lb.x + lb.w / 2, lb.y + 2),
				                 UI_SYNC_ON & 0xffffff);
		}
		assert_int_equal(pixel(br.display, lb.x + lb.w / 2, lb.y + 2),
		                 UI_CUE_ON & 0xffffff);
		now += 200;
		touch(br.display, TOUCH_UP, lb.x + lb.w / 2, lb.y + lb.h / 2);
		snprintf(path, sizeof path, ROOT "/%s", want[0].path);
		assert_int_equal(loaded.n, 3);
		assert_int_equal(loaded.deck, 1);
		assert_string_equal(loaded.path, path);
		assert_int_equal(br.deck, -1);
	}
}

static void test_played_tracks_are_marked(void **state)
{
	struct song want[NSONGS];
	struct rect r;

	(void)state;
	songs_in(cmp_title, "", want);
	for (size_t k = 0; k < sizeof panels / sizeof *panels; k++) {
		int gap;

		build(&panels[k]);
		gap = layout_px(density(&panels[k]), 1.0f);
		/* none played yet */
		tap_widget(W_LIBRARY, 0);
		tap("lib-source-recent");
		{
			char msg[96];

			browser_message(&br, msg, sizeof msg);
			assert_string_equal(msg,
			                    "Nothing played yet tonight: load a track onto a deck");
		}
		tap("lib-source-internal");
		assert_true(row_on_screen(3, &r));
		assert_int_not_equal(pixel(br.display, r.x + gap, r.y + r.h / 2),
		                     UI_CUE_ON & 0xffffff);
		/* rows 3 then 1 loaded */
		tap("lib-row-3-a");
		tap_widget(W_LIBRARY, 1);
		tap("lib-row-1-b");
		tap_widget(W_LIBRARY, 0);
		for (int n = 1; n <= 4; n++) {
			int mark;

			assert_true(row_on_screen(n, &r));
			mark =
			    pixel(br.display, r.x + gap, r.y + r.h / 2) == (UI_CUE_ON & 0xffffff);
			assert_int_equal(mark, n == 1 || n == 3);
			assert_row(n, &want[n - 1], 0);
		}
		/* Recent: newest first */
		tap("lib-source-recent");
		assert_row(1, &want[0], 0);
		assert_row(2, &want[2], 0);
		assert_false(row_on_screen(3, &r));
		if (k == 1)
			keep_png("recent");
	}
}

static void test_empty_states_say_what_to_do(void **state)
{
	char msg[96];
	struct rect r;
	int src;

	(void)state;
	build(&panels[0]);
	tap_widget(W_LIBRARY, 0);
	tap("lib-source-usb");
	browser_message(&br, msg, sizeof msg);
	assert_string_equal(msg, "No USB stick: plug one in");
	assert_false(target("lib-row-1", &r));
	keep_png("no-stick");
	/* a stick comes: its tab, its tracks */
	src = library_add_source(&lib, LIBRARY_USB, "usb sda1", STICK);
	{
		struct library_entry e = {
		    .title = "Stick Song", .artist = "Someone", .path = "a.wav"};

		assert_int_equal(library_add(&lib, src, &e), 0);
	}
	now += BROWSER_REFRESH_MS;
	frame();
	assert_true(target("lib-source-usb-sda1", &r));
	tap("lib-source-usb-sda1");
	browser_message(&br, msg, sizeof msg);
	assert_string_equal(msg, "");
	assert_true(row_on_screen(1, &r));
	assert_false(row_on_screen(2, &r));
	/* pulled out: the tab says so again */
	library_drop_source(&lib, src);
	now += BROWSER_REFRESH_MS;
	frame();
	browser_message(&br, msg, sizeof msg);
	assert_string_equal(msg, "No USB stick: plug one in");
	assert_false(target("lib-row-1", &r));
	/* no library at all */
	browser_attach(&br, NULL, NULL, 0, on_load, NULL);
	frame();
	browser_message(&br, msg, sizeof msg);
	assert_string_equal(msg, "No library: see the box's status");
}

static void test_an_idle_browser_draws_nothing(void **state)
{
	(void)state;
	build(&panels[1]);
	tap_widget(W_LIBRARY, 1);
	settle();
	for (int i = 0; i < 30; i++) {
		now += 16;
		browser_tick(&br, now);
		assert_int_equal(ui_draw(&ui), 0);
		assert_int_equal(browser_draw(&br), 0);
	}
	assert_int_equal(damage_area(&ui.damage[0]), 0);
	assert_int_equal(damage_area(&ui.damage[1]), 0);
	/* a key pressed redraws that key, and the search field and list when typed */
	tap("lib-search");
	settle();
	{
		struct rect key;

		assert_true(target("key-q", &key));
		touch(1, TOUCH_DOWN, key.x + key.w / 2, key.y + key.h / 2);
		frame();
		assert_int_equal(damage_area(&ui.damage[1]), (long long)key.w * key.h);
		assert_int_equal(pixel(1, key.x + key.w / 2, key.y + 2), UI_LABEL & 0xffffff);
		damage_clear(&ui.damage[1]);
		now += 40;
		touch(1, TOUCH_UP, key.x + key.w / 2, key.y + key.h / 2);
		frame();
		assert_true(damage_hits(&ui.damage[1], key.x, key.y, key.w, key.h));
		assert_string_equal(br.query, "q");
		/* the other keys were not drawn again */
		assert_true(target("key-p", &key));
		assert_false(damage_hits(&ui.damage[1], key.x, key.y, key.w, key.h));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_target_a_fingertip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_opens_it_over_the_deck, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_show_the_titles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_typing_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sort_by_bpm_and_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fling_flies_and_stops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_a_loads_the_right_track, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_played_tracks_are_marked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_states_say_what_to_do, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_an_idle_browser_draws_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
