/*
 * gesture: taps, double taps, long presses, drags, flings and pinches from
 * the raw touch points of every screen, on the loop thread.
 *
 * Every finger is captured by the control it lands on (the hit test the
 * UI passes in) and stays with it until it lifts, wherever it wanders, so
 * several fingers work several controls at once: two faders, or a held
 * hot cue while the other hand moves the pitch. A second finger landing
 * on a control that already has one turns the pair into a pinch.
 *
 * What a control hears, in order, for one finger:
 *
 *   PRESS                    at once, on touch down (buttons that act on
 *                            press: play, cue, hot cues; no waiting)
 *   LONG_PRESS               held still for GESTURE_LONG_MS
 *   DRAG_BEGIN, DRAG ...     moved beyond the slop (GESTURE_SLOP_MM)
 *   DRAG_END, FLING          lifted while dragging; FLING too when the
 *                            finger was still moving fast (vx, vy)
 *   TAP                      lifted without a drag or long press
 *   DOUBLE_TAP               a TAP that follows a TAP on the same control
 *                            within GESTURE_DOUBLE_MS and the slop
 *   RELEASE                  always last, on lift (or when the device goes)
 *
 * A tap is reported on lift without waiting to see whether a second one
 * comes, so nothing that acts on a tap gets slower; a control that wants
 * double taps (a knob's reset) simply ignores single ones.
 * For a pinch: PINCH_BEGIN, PINCH (scale against the first spread), and
 * PINCH_END when either finger lifts. The second finger of a pinch sends
 * no PRESS and no RELEASE of its own; the first one's RELEASE still comes
 * when it lifts.
 *
 * Distances are in millimetres of the panel, converted with each
 * display's pixels per millimetre, so a gesture feels the same on a
 * 7-inch 1024x600 as on a 10-inch 1280x800. Time comes from the caller
 * (milliseconds on a monotonic clock), so tests replay exact timings;
 * each event also carries the kernel's time of the touch point behind it
 * (touch_ns), which the engine measures touch to sound from.
 * Nothing allocates; the state is the struct.
 */
#ifndef SLIPMAT_GESTURE_H
#define SLIPMAT_GESTURE_H

#include "board.h"
#include "hal/touchdec.h"

#define GESTURE_SLOP_MM 2.0      /* movement that is still a tap */
#define GESTURE_LONG_MS 500      /* held this long without moving: long press */
#define GESTURE_DOUBLE_MS 300    /* between the first lift and the second touch */
#define GESTURE_DOUBLE_MM 8.0    /* between the two taps of a double tap */
#define GESTURE_FLING_MM_S 150.0 /* release speed that makes a fling */
#define GESTURE_VELOCITY_MS 80   /* the release speed is measured over this */
#define GESTURE_HISTORY 8        /* positions kept per finger for it */
#define GESTURE_FINGERS (BOARD_MAX_DISPLAYS * TOUCHDEC_SLOTS)

enum gesture_kind {
	GESTURE_PRESS,
	GESTURE_LONG_PRESS,
	GESTURE_DRAG_BEGIN,
	GESTURE_DRAG,
	GESTURE_DRAG_END,
	GESTURE_FLING,
	GESTURE_TAP,
	GESTURE_DOUBLE_TAP,
	GESTURE_PINCH_BEGIN,
	GESTURE_PINCH,
	GESTURE_PINCH_END,
	GESTURE_RELEASE,
};

struct gesture {
	enum gesture_kind kind;
	int display;
	int target;  /* what the hit test said where the finger landed */
	int finger;  /* stable while the finger is down: 0..GESTURE_FINGERS-1 */
	int x, y;    /* where the finger is now, logical pixels */
	int x0, y0;  /* where it went down */
	int dx, dy;  /* DRAG: moved since the previous DRAG_BEGIN/DRAG */
	float vx, vy; /* FLING, DRAG: pixels per second */
	float scale;  /* PINCH: spread now over the spread at PINCH_BEGIN */
	long ms;      /* when */
	long long touch_ns; /* the touch point's kernel time that caused it; 0: a timer's */
};

/* Return: the control at (x, y) on display, or -1 for none (ignored). */
typedef int gesture_hit_fn(void *ctx, int display, int x, int y);
typedef void gesture_fn(void *ctx, const struct gesture *g);

struct gesture_finger {
	int down;
	int display, slot, target;
	int x0, y0, x, y, lastx, lasty;
	long t0;
	int pressed, dragging, long_pressed, pinched, mute;
	int partner; /* the other finger of a pinch, or -1 */
	float spread0;
	int nhist;
	struct {
		long ms;
		int x, y;
	} hist[GESTURE_HISTORY];
};

struct gesture_tracker {
	gesture_hit_fn *hit;
	gesture_fn *emit;
	void *ctx;
	float px_per_mm[BOARD_MAX_DISPLAYS];
	struct gesture_finger finger[GESTURE_FINGERS];
	struct {
		int valid, display, target, x, y;
		long ms;
	} last_tap;
	long long touch_ns; /* the point being handled: its t_ns; 0 in gesture_tick() */
};

/*
 * Post: no fingers down; px_per_mm[i] of each display from
 * gesture_set_density() (until then 6.0, a 10-inch 1280x800 panel).
 */
void gesture_init(struct gesture_tracker *g, gesture_hit_fn *hit, gesture_fn *emit, void *ctx);

/* Pixels per millimetre of display's panel (ignored when out of range or <= 0). */
void gesture_set_density(struct gesture_tracker *g, int display, float px_per_mm);

/* Feed one raw touch point (hal/touch.h's touch_fn, plus the time). */
void gesture_touch(struct gesture_tracker *g, const struct touch_point *p, long ms);

/* Call at least every 50 ms while fingers are down: long presses. */
void gesture_tick(struct gesture_tracker *g, long ms);

/* Return: the number of fingers down (on all displays). */
int gesture_fingers(const struct gesture_tracker *g);

#endif
