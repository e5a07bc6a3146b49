/*
 * controls: what the DJ's fingers do to the decks and the mixer. Gestures
 * (fw/gesture.h) on the controls of the layout (fw/layout.h) become
 * engine commands (fw/engine.h), sent for the next period, and the
 * controls' own values (knob and fader positions) change; the widgets
 * whose look changed are marked for redrawing.
 *
 *   play            press: play / pause
 *   cue             press and release: CDJ cue (held: preview)
 *   hot cue         press: jump to it, or set it when unset;
 *                   long press on one that was set: delete it
 *   loop in / out   tap: mark in, mark out and loop
 *   beat loop       tap: a loop of the shown length, or exit the loop
 *   halve / double  tap: the running loop, else the shown length
 *   sync            tap: on / off
 *   nudge - / +     held: the deck runs CONTROLS_NUDGE slower / faster
 *   pitch           vertical drag, relative (down is faster, as on a CDJ);
 *                   double tap: 0 %
 *   pitch range     tap: 8, 16, 50 %
 *   overview        tap or drag: seek there
 *   waveform        drag: scrub like a platter; pinch: zoom
 *   knobs           vertical drag, CONTROLS_KNOB_MM for the whole turn;
 *                   double tap: back to the default
 *   faders          drag along the fader, its length for the whole travel;
 *                   double tap: back to the default
 *   headphone cue   tap: on / off
 *   library         tap: open the library for this deck
 *
 * Values are kept as knob positions, 0..1 (the crossfader and the pitch
 * -1..1), and turned into the engine's units here, so a redraw shows
 * exactly where the finger left the knob. The commands a press sends
 * carry its touch's time, so the engine measures touch to sound.
 * Nothing allocates; the loop thread owns it all.
 */
#ifndef SLIPMAT_CONTROLS_H
#define SLIPMAT_CONTROLS_H

#include "engine.h"
#include "gesture.h"
#include "layout.h"
#include "playhead.h"

#define CONTROLS_KNOB_MM 40.0f   /* a knob's whole turn, dragged */
#define CONTROLS_NUDGE 0.04      /* a held nudge: 4 % */
#define CONTROLS_ZOOM_S 8.0      /* seconds across the waveform at first */
#define CONTROLS_ZOOM_MIN_S 1.0
#define CONTROLS_ZOOM_MAX_S 64.0
#define CONTROLS_LOOP_BEATS 4.0  /* a beat loop's length at first */

/* Sends a command to the engine: engine_command() on the box. */
typedef int controls_send_fn(void *ctx, const struct engine_cmd *c);

struct controls {
	const struct layout *lay;
	controls_send_fn *send;
	void *ctx;
	int rate;
	float value[LAYOUT_MAX_WIDGETS]; /* each widget's knob or fader position */
	float grab[LAYOUT_MAX_WIDGETS];  /* the position when the finger went down */
	double scrub_from[ENGINE_DECKS]; /* the track position a waveform drag began at */
	struct {
		int active, still; /* a finger is scrubbing; it has been told the finger stopped */
		int widget, dx;    /* where the finger is, from where it went down */
		long ms;           /* its last move */
	} platter[ENGINE_DECKS];
	double zoom[ENGINE_DECKS], zoom_from[ENGINE_DECKS]; /* seconds across the waveform */
	double loop_beats[ENGINE_DECKS];
	int pitch_range[ENGINE_DECKS];   /* percent */
	int hotcue_was_set[ENGINE_DECKS]; /* bits, at the press */
	int library_deck;                 /* -1: the library is closed */
	struct engine_state st;           /* the newest, from controls_update() */
	int have_state;
	struct playhead playhead[ENGINE_DECKS]; /* the decks between the engine's reports */
	double drawn[ENGINE_DECKS];       /* where the decks are drawn (controls_frame()) */
	long long touch_ns;               /* the press being handled: its touch's time */
	unsigned long sent, refused;      /* commands, and those the ring refused */
	unsigned char dirty[LAYOUT_MAX_WIDGETS];
};

/*
 * Post: every control at its default (the engine's neutral mixer: trims
 * and EQ at 0 dB, filter off, faders up, crossfader centre, headphones
 * half cue half master at 0 dB, master 0 dB; pitch 0 in the 8 % range);
 * everything dirty. lay must outlive c.
 */
void controls_init(struct controls *c, const struct layout *lay, int rate,
                   controls_send_fn *send, void *ctx);

/* A gesture from the tracker: gesture_fn with c as ctx. */
void controls_gesture(void *ctx, const struct gesture *g);

/* The hit test for the tracker: gesture_hit_fn with c as ctx. */
int controls_hit(void *ctx, int display, int x, int y);

/* The library is open for deck (-1: closed): its LOAD buttons show it. */
void controls_library(struct controls *c, int deck);

/*
 * Call every frame (or at least every 20 ms): a finger resting on the
 * waveform holds the track still there (the deck runs on at the last
 * velocity it was told, until told otherwise).
 */
void controls_tick(struct controls *c, long ms);

/* The engine's newest state (the deck positions, hot cues, loops, sync). */
void controls_update(struct controls *c, const struct engine_state *st);

/*
 * A frame is about to be drawn, to be shown at shown_ns (CLOCK_MONOTONIC):
 * each deck's drawn position goes to its playhead there (fw/playhead.h),
 * which marks the waveform, overview and times for redrawing when it
 * moved. Without it (or without an audio clock in the states) the decks
 * are drawn where the newest state has them.
 */
void controls_frame(struct controls *c, long long shown_ns);

/*
 * Say where a control already is (what the engine was set to elsewhere,
 * e.g. the test tracks' mixer), without sending anything.
 */
void controls_set(struct controls *c, enum widget_kind kind, int deck, float value);

/* The widget's value (0..1, or -1..1 for the crossfader and the pitch). */
float controls_value(const struct controls *c, enum widget_kind kind, int deck);

/*
 * The mixer as a DJ expects to find it: every knob and fader at its
 * default, the crossfader centred, no channel on the headphone cue; the
 * engine is told.
 */
void controls_neutral(struct controls *c);

#endif
