/*
 * screens: the DJ's screens on the box's displays. It ties the layout,
 * the gesture tracker, the controls and the UI drawing (fw/layout.h,
 * fw/gesture.h, fw/controls.h, fw/ui.h) to the displays, the touch
 * points and the engine, and paces the drawing (fw/pacer.h).
 *
 * Each tick: the engine's newest state goes to the controls; whatever it
 * made dirty is drawn when a frame is due; the drawn rectangles are
 * marked on the displays, which copy only those to the scanout. A
 * technician can put the test card up instead (`slipmat testcard on`);
 * a panel too small for the layout shows the test card with the reason.
 * A deck's LOAD opens the library browser (fw/browser.h) over the deck.
 *
 * One instance (the box has one set of screens); the loop thread only.
 */
#ifndef SLIPMAT_SCREENS_H
#define SLIPMAT_SCREENS_H

#include <stddef.h>

#include "../hal/display.h"
#include "../hal/touchdec.h"
#include "board.h"
#include "browser.h"
#include "engine.h"
#include "ui.h"

struct ctl_reply;

/*
 * Lay the controls out on the displays ds has open (each panel's density
 * from the profile's width_mm, else guessed from its mode).
 * Return: 0; -ERANGE when the panels are too small (why in msg); the
 * test card is then what the displays show.
 */
int screens_open(struct displays *ds, const struct board *b, struct engine *e, char *msg,
                 size_t msize);

struct offer;

/* The firmware update dialog (fw/prompt.h) for o, on the first display. */
void screens_offer(struct offer *o);

/* Return: 1 when the DJ's screens are up (not the test card). */
int screens_active(void);

/* Show the test card (1) or the DJ's screens (0). */
void screens_show_card(int on);

/* A touch point (hal/touch.h), at ms on the monotonic clock. */
void screens_touch(const struct touch_point *p, long ms);

/* Deck d's track info (NULL: none). */
void screens_track(int d, const struct ui_track *t);

/* Deck d's waveform summary (NULL: none); screens_wave_grew() when it has more. */
void screens_wave(int d, const struct ui_wave *w);
void screens_wave_grew(int d);

/*
 * The tick: the engine's state st (NULL: none new), the status bar's
 * readings, the controls' timers; draw and present what changed when a
 * frame is due.
 */
void screens_tick(struct displays *ds, const struct engine_state *st, const struct ui_status *s,
                  long ms);

/* Say where the controls already are (the test tracks' mixer). */
void screens_control(enum widget_kind kind, int deck, float value);

/* The mixer to its defaults (controls_neutral()): the first track replaces the test tones. */
void screens_neutral(void);

/* "DJ screens, 2 displays, 70 controls; frames ..., 60 fps" for status. */
int screens_format(char *buf, size_t size);

/*
 * `slipmat screens`: every control with its display and rectangle; while
 * the library is open its targets first, and not the controls under it.
 */
void screens_list(struct ctl_reply *r);

/*
 * The library the browser shows, storage for its rows (one per track the
 * library holds) and the box's load path.
 */
void screens_library(const struct library *lib, uint32_t *rows, int max, browser_load_fn *load);

/* A track was loaded onto a deck: the browser marks it played tonight. */
void screens_played(const char *path);

/* `slipmat browser`: what the library browser shows, and where each of its targets is. */
void screens_browser(struct ctl_reply *r);

#endif
