/*
 * layout: where every control of the DJ's screens sits, in each display's
 * logical pixels, worked out once from the panels' sizes and densities.
 *
 * Two displays: one deck per display, each with its own channel strip;
 * the crossfader under deck A, the headphone blend, headphone level and
 * master gain under deck B. One display: the two decks side by side with
 * the mixer (both strips, crossfader, headphones, master) between them.
 *
 *   two displays, each:                 one display:
 *   +------------------------+----+     +---------+---------+---------+
 *   | status bar             |    |     | status bar                  |
 *   | title, artist, BPM ... | st |     | deck A  | strips  | deck B  |
 *   | overview               | ri |     | info    | A  B    | info    |
 *   | waveform          | pi | p  |     | overv.  | knobs,  | overv.  |
 *   |                   | tc |    |     | wave    | fader,  | wave    |
 *   | hot cues 1-8      | h  |    |     | cues    | cue     | cues    |
 *   | cue play loop ... |    |    |     | loops   |         | loops   |
 *   | crossfader (A) / phones, master (B) |     | xport   | xfader  | xport   |
 *   +-----------------------------+     +---------+---------+---------+
 *
 * Every control a finger works is at least LAYOUT_MIN_MM on each side at
 * the panel's density (a fingertip is 8-10 mm), so a deck's controls are
 * sized in millimetres first and the waveform takes what is left; a
 * panel too small for that is refused with a message rather than drawn
 * with targets nobody can hit. Only controls that work are placed.
 */
#ifndef SLIPMAT_LAYOUT_H
#define SLIPMAT_LAYOUT_H

#include <stddef.h>

#include "../gfx/damage.h" /* struct rect */

#define LAYOUT_MIN_MM 9.0f
#define LAYOUT_DECKS 2
#define LAYOUT_DISPLAYS 2
#define LAYOUT_HOTCUES 8
#define LAYOUT_MAX_WIDGETS 128

enum widget_kind {
	W_STATUS,      /* time, audio load, temperature, xruns, storage */
	W_INFO,        /* title, artist, BPM with pitch, pitch %, key, times */
	W_OVERVIEW,    /* the whole track: tap or drag seeks */
	W_WAVEFORM,    /* around the playhead: drag scrubs, pinch zooms */
	W_PLAY,
	W_CUE,
	W_HOTCUE,      /* index 0..7 */
	W_LOOP_IN,
	W_LOOP_OUT,
	W_LOOP_HALVE,
	W_LOOP_DOUBLE,
	W_BEATLOOP,    /* a beat loop of the shown length; on a loop: exit */
	W_SYNC,
	W_NUDGE_DOWN,
	W_NUDGE_UP,
	W_PITCH,       /* the pitch slider */
	W_PITCH_RANGE, /* 8, 16, 50 % */
	W_LIBRARY,     /* opens the library, loads onto this deck */
	W_TRIM,
	W_EQ_HIGH,
	W_EQ_MID,
	W_EQ_LOW,
	W_FILTER,
	W_FADER,
	W_PHONES_CUE,  /* the channel's headphone cue button */
	W_METER,       /* drawn only */
	W_XFADER,
	W_PHONES_BLEND,
	W_PHONES_LEVEL,
	W_MASTER,
	W_KINDS
};

struct widget {
	enum widget_kind kind;
	int deck;    /* 0, 1; -1 for the master section and the status bar */
	int index;   /* hot cue number; 0 otherwise */
	int display; /* which screen */
	int touch;   /* a finger works it (else it is drawn only) */
	struct rect r;
};

struct layout_screen {
	int w, h;        /* logical pixels, after the panel's rotation */
	float px_per_mm; /* the panel's density */
};

struct layout {
	int ndisplays;
	struct layout_screen screen[LAYOUT_DISPLAYS];
	int count;
	struct widget w[LAYOUT_MAX_WIDGETS];
};

/*
 * Place every control on n (1 or 2) screens.
 * Return: 0; -ERANGE when a screen cannot give every control
 * LAYOUT_MIN_MM (why, with the screen's size in mm, in msg); -EINVAL for
 * n out of range or a screen without size or density.
 */
int layout_build(struct layout *l, const struct layout_screen *s, int n, char *msg, size_t msize);

/* Return: the index in l->w of the touch control at (x, y) on display, or -1. */
int layout_hit(const struct layout *l, int display, int x, int y);

/* Return: the index of the control kind/deck/index, or -1 when not placed. */
int layout_find(const struct layout *l, enum widget_kind kind, int deck, int index);

/* "play", "hot cue", ... for logs and tests. */
const char *layout_kind_name(enum widget_kind kind);

/*
 * Where the library opens for deck (fw/browser.h): on two displays all of
 * the deck's display under the status bar, on one display the decks and
 * the mixer under it. Return: its display, or -1 (no such deck).
 */
int layout_library_area(const struct layout *l, int deck, struct rect *r);

/*
 * The pieces the layout is cut with, for screens laid out beside it:
 * mm at px_per_mm in whole pixels (rounded up); a band of h (w) pixels
 * cut off the top, bottom, left or right of r; cell i of n equal cells
 * across r, gap pixels apart (the last takes the rounding).
 */
int layout_px(float px_per_mm, float mm);
struct rect layout_cut_top(struct rect *r, int h);
struct rect layout_cut_bottom(struct rect *r, int h);
struct rect layout_cut_left(struct rect *r, int w);
struct rect layout_cut_right(struct rect *r, int w);
struct rect layout_cell(struct rect r, int gap, int n, int i);

#endif
