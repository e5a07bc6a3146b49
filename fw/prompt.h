/*
 * prompt: the firmware update dialog on the DJ's screen, for what
 * fw/offer.h offers. It shows, centred on one display over the screens:
 *
 *   an offer      "Firmware update: slipmat X.Y.Z (this box runs A.B.C)",
 *                 the stick and file it is on, what installing does, and
 *                 two buttons, "Not now" and "Install";
 *   the install   its progress, and that the box then restarts;
 *   a failure     why, and "OK".
 *
 * It never installs by itself. While a deck plays it says that
 * installing stops the music and restarts the box, and Install takes a
 * second tap (within PROMPT_ARM_MS) to go ahead. "Not now" puts the
 * offer off until its stick is plugged in again.
 *
 * The dialog is not modal: a DJ in the middle of a set keeps every
 * control outside it. A finger landing on it is the dialog's until it
 * lifts; a button acts when the finger lifts on it (slide off to change
 * your mind). Its buttons are PROMPT_BUTTON_MM high (above
 * LAYOUT_MIN_MM) and at least as wide, at the panel's density.
 *
 * Drawing: the screens draw their widgets, then prompt_draw() draws the
 * dialog over them whenever it changed or a widget under it was redrawn,
 * so it stays on top; when it closes, prompt_update() returns where it
 * was so the screens draw what was under it again. Nothing allocates.
 */
#ifndef SLIPMAT_PROMPT_H
#define SLIPMAT_PROMPT_H

#include <stddef.h>

#include "../gfx/damage.h"
#include "../gfx/gfx.h"
#include "../hal/touchdec.h"
#include "offer.h"

#define PROMPT_BUTTON_MM 12.0f
#define PROMPT_ARM_MS 5000
#define PROMPT_LINES 3

struct face;

enum prompt_button { PROMPT_INSTALL, PROMPT_LATER, PROMPT_BUTTONS }; /* LATER: "Not now", "OK" */

/* What the dialog shows: compared frame to frame, redrawn when it differs. */
struct prompt_view {
	enum offer_state state;
	char title[160];
	char line[PROMPT_LINES][200];
	int warn[PROMPT_LINES];         /* the line is a warning (amber) */
	char label[PROMPT_BUTTONS][32]; /* "" : the button is not shown */
	int armed;                      /* Install waits for its second tap */
	int percent;                    /* the progress bar, -1 none */
};

struct prompt {
	struct offer *offer; /* NULL: no dialog ever */
	int display;         /* where it shows */
	float px_per_mm;
	struct rect box;                    /* the dialog */
	struct rect slot[2];                /* the places for buttons: right, left */
	struct rect button[PROMPT_BUTTONS]; /* where the buttons are (a lone one on the right) */
	int pad, gap, body_h;
	const struct face *title_face, *body_face;
	struct prompt_view view; /* what is (or is to be) on the screen */
	int shown;               /* view is up (state not OFFER_NONE) */
	int dirty;               /* view changed since it was drawn */
	int playing;
	long armed_ms;
	int title_x, title_base; /* where the title's text starts (tests) */
	struct {
		int down, button; /* the button it landed on, or -1 */
	} finger[TOUCHDEC_SLOTS];
};

/*
 * The dialog for o on display (w x h logical pixels, px_per_mm), placed
 * once. Post: nothing shown.
 */
void prompt_init(struct prompt *p, struct offer *o, int display, int w, int h, float px_per_mm);

/*
 * Each frame, before the screens draw: follow the offer; playing: a deck
 * is playing now.
 * Return: the rectangle the dialog left this frame (the screens draw
 * what is under it again), or one of width 0.
 */
struct rect prompt_update(struct prompt *p, int playing, long ms);

/*
 * A touch point, at ms. Return: 1 when it is the dialog's (the screens'
 * controls must not see it), 0 when not.
 */
int prompt_touch(struct prompt *p, const struct touch_point *t, long ms);

/*
 * Draw the dialog into s (its display's surface) if it changed or d (that
 * display's damage from the widgets drawn this frame) reaches under it;
 * add its rectangle to d. Return: 1 when it was drawn, else 0.
 */
int prompt_draw(struct prompt *p, struct surface *s, struct damage *d);

/*
 * For `slipmat screens`: the dialog and its buttons while it is up, one
 * "dialog update: display D at X,Y WxH" or "control update-NAME: ..."
 * line each. Return: the length written (0 when nothing is up).
 */
int prompt_describe(const struct prompt *p, char *buf, size_t size);

#endif
