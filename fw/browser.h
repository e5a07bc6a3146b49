/*
 * browser: the library on the DJ's screens, worked by touch alone.
 *
 * A deck's LOAD button opens it over that deck's part of the screens
 * (two displays: the deck's whole display under the status bar; one
 * display: the decks and the mixer under it), and the other deck's LOAD
 * (when it is in view) takes it over to that deck. Its Close button or a
 * load closes it, so the deck is back in view as its track comes in.
 *
 *   +-------+----------+----------+--------+----------+--------+--------+
 *   | Close | Internal | USB sda1 | Recent |          | Load A | Load B |
 *   +-------+----------+----------+--------+-+-------+--------+-----+---+
 *   | blu|                    3 of 812 tracks | Title | Artist | BPM | Key |
 *   +---------------------------------------+-------+--------+-----+---+
 *   |# Blue Monday                        130.0   8A   7:29  | A | | B | |
 *   |  New Order                                                        |
 *   |  ... rows: title over artist, BPM, key, length, load targets ...  |
 *   +-------------------------------------------------------------------+
 *   | 1 2 3 4 5 6 7 8 9 0 | Q W E R T Y U I O P | A S D F G H J K L Del |
 *   | Z X C V B N M  Space  Clear  Hide   (while searching)             |
 *   +-------------------------------------------------------------------+
 *
 * What a finger does:
 *   a source tab      internal storage, each USB stick, or Recent: the
 *                     tracks loaded tonight, newest first
 *   a sort button     title, artist, BPM or key (Camelot order); Key
 *                     again switches the key column between Camelot
 *                     ("8A") and standard names ("Am")
 *   the search field  brings up the keyboard; the list narrows as each
 *                     key is typed (title and artist, accents and case
 *                     ignored); Hide puts the keyboard away
 *   the list          drag: scrolls with the finger; fling: flies on
 *                     and slows down the same way at any frame rate,
 *                     stopping at the ends; tap: selects the row
 *   Load A / Load B   loads the selected row onto that deck
 *   a row's A / B     loads that row at once
 *   a row dragged     carried sideways onto Load A or Load B: loads
 *                     where it is let go
 * Tracks played tonight carry a mark at the left of their row. Every
 * target is at least LAYOUT_MIN_MM at the panel's density; a screen too
 * short for the keyboard and three rows drops the tabs and sort buttons
 * while the keyboard is up.
 *
 * Drawing: what changed is drawn (a key pressed, the list scrolled, the
 * search field typed into) and its rectangle added to the screen's
 * damage; an idle browser draws nothing. The widgets under it are not
 * drawn while it is open (ui_cover()).
 *
 * Everything is fixed-size in the struct, except the list of matches,
 * which the caller gives (one slot per track the library can hold).
 * Nothing allocates; the loop thread owns it all.
 */
#ifndef SLIPMAT_BROWSER_H
#define SLIPMAT_BROWSER_H

#include <stddef.h>
#include <stdint.h>

#include "gesture.h"
#include "library.h"
#include "ui.h"

#define BROWSER_QUERY 40          /* bytes typed into the search, with the NUL */
#define BROWSER_PLAYED 64         /* tracks remembered as played tonight */
#define BROWSER_TABS 8            /* source tabs shown at most */
#define BROWSER_KEYS 40           /* the on-screen keyboard */
#define BROWSER_MIN_ROWS 3        /* rows kept in view with the keyboard up */
#define BROWSER_FLING_TAU_S 0.35f /* a fling's speed falls by 1/e in this time */
#define BROWSER_STOP_MM_S 10.0f   /* and stops below this speed */
#define BROWSER_REFRESH_MS 250    /* a library that changes is shown again at most this often */
#define BROWSER_PATH (LIBRARY_ROOT + LIBRARY_PATH + 2)

/* Gesture targets at or above this are the browser's (below: the layout's widgets). */
#define BROWSER_HIT LAYOUT_MAX_WIDGETS

enum browser_part {
	BROWSER_CLOSE,
	BROWSER_SOURCE, /* index: the tab */
	BROWSER_LOAD,   /* index: the deck */
	BROWSER_SEARCH,
	BROWSER_SORT, /* index: the library view */
	BROWSER_LIST,
	BROWSER_KEY, /* index: the key */
};

#define BROWSER_TARGETS (1 + BROWSER_TABS + 2 + 1 + 4 + 1 + BROWSER_KEYS)

struct browser_target {
	enum browser_part part;
	int index;
	struct rect r;
};

enum browser_tab_kind { BROWSER_INTERNAL, BROWSER_USB, BROWSER_NO_USB, BROWSER_RECENT };

struct browser_tab {
	enum browser_tab_kind kind;
	int source;          /* BROWSER_USB: the library source */
	unsigned generation; /* of that source */
	char label[LIBRARY_NAME];
};

/* Load the track at path onto deck (the box's load path). */
typedef void browser_load_fn(void *ctx, int deck, const char *path);

/* One line of a description (browser_describe()). */
typedef void browser_print_fn(void *ctx, const char *line);

struct browser {
	struct ui *ui; /* its layout, controls, screens and damage */
	const struct library *lib;
	uint32_t *match; /* the rows: slots of the tracks shown, in order */
	int match_max;
	browser_load_fn *load;
	void *load_ctx;

	int deck; /* open for this deck; -1 closed */
	int display;
	struct rect area; /* what it covers */
	float ppm;
	int keyboard; /* the keyboard is up */
	int compact;  /* ... and took the tabs' and sort buttons' room */

	/* what is shown */
	struct browser_tab tab[BROWSER_TABS];
	int ntabs, current; /* the selected tab */
	unsigned tabs_seen; /* a signature of the library's sources */
	enum library_view sort;
	int camelot; /* the key column: Camelot (1) or standard names (0) */
	char query[BROWSER_QUERY];
	int nmatch;    /* rows (may exceed match_max: the rest are not kept) */
	int total;     /* tracks of the tab */
	int scanning;  /* a source of the tab is still being scanned */
	long selected; /* the selected track's slot, -1 none */
	unsigned long seen_changes;
	long refreshed_ms, now_ms;

	/* the list's motion */
	float scroll;  /* pixels of the list above its top edge */
	float grab;    /* scroll when a drag began */
	int scrolling; /* a finger drags the list */
	int caught;    /* a finger stopped a fling: its tap selects nothing */
	struct {
		int on;
		long t0;
		float p0, v0; /* scroll and speed (px/s) at t0 */
	} fling;
	struct {
		int on;
		long slot;
		int over; /* the deck of the Load button under the finger, -1 */
	} carry;

	/* tracks loaded tonight, newest first */
	struct {
		char path[BROWSER_PATH];
		long slot; /* in the library now, -1 */
	} played[BROWSER_PLAYED];
	int nplayed;
	unsigned long played_changes;

	/* where things are */
	struct browser_target t[BROWSER_TARGETS];
	int nt;
	int list; /* t[list] is the list */
	int row_h, pressed;
	/* what to draw */
	int all;
	unsigned char dirty[BROWSER_TARGETS];
	unsigned long drawn; /* parts drawn so far */
};

/* Post: closed, nothing attached; sorted by title, keys in Camelot. ui must outlive b. */
void browser_init(struct browser *b, struct ui *ui);

/*
 * The library to browse, storage for max rows (one per track it can
 * hold), and where loads go. lib NULL: "No library" is all it shows.
 */
void browser_attach(struct browser *b, const struct library *lib, uint32_t *rows, int max,
                    browser_load_fn *load, void *ctx);

/* Open over deck's part of the screens (-1: close); the LOAD buttons follow. */
void browser_open(struct browser *b, int deck);

/* The hit test and the gestures for the tracker (gesture_hit_fn, gesture_fn; ctx b): the
 * browser's targets while it is open, the controls' (fw/controls.h) everywhere else. */
int browser_hit(void *ctx, int display, int x, int y);
void browser_gesture(void *ctx, const struct gesture *g);

/* Every frame: the list's fling, a library that changed. */
void browser_tick(struct browser *b, long ms);

/* The track at path was loaded onto a deck: played tonight. */
void browser_played(struct browser *b, const char *path);

/*
 * Draw what changed into the ui's screen, adding its rectangles to the
 * screen's damage. Return: the parts drawn (0 when idle or closed).
 */
int browser_draw(struct browser *b);

/* Draw everything again (the screen was drawn over). */
void browser_redraw(struct browser *b);

/*
 * One row as the list draws it: the track in slot, in r of s (clipped to
 * s), selected or not. For tests that compare rows.
 */
void browser_draw_row(const struct browser *b, struct surface *s, struct rect r, long slot,
                      int selected);

/* "3 of 812 tracks", "812 tracks", "looking for tracks" into buf. */
void browser_counts(const struct browser *b, char *buf, size_t size);

/* What the list says instead of rows ("No USB stick: plug one in"), "" when it has rows. */
void browser_message(const struct browser *b, char *buf, size_t size);

/*
 * The targets a finger can touch now: the buttons and keys, then per
 * visible row the row and its A and B. Return: how many (0 when closed).
 */
int browser_targets(const struct browser *b);

/*
 * Target i: its name ("lib-close", "lib-source-usb-sda1", "lib-sort-bpm",
 * "lib-search", "lib-load-a", "key-q", "key-space", "lib-row-3",
 * "lib-row-3-a"; rows numbered from 1 in the list) and its rectangle
 * (rows clipped to the list). Return: 0, or -1 for i out of range.
 */
int browser_target(const struct browser *b, int i, char *name, size_t size, struct rect *r);

/* The slot of list row n (0-based), -1 when there is none. */
long browser_row(const struct browser *b, int n);

/* What is shown, a line at a time: source, sort, query, counts, the visible rows. */
void browser_describe(const struct browser *b, browser_print_fn *print, void *ctx);

#endif
