/*
 * touchdec: evdev touch events in, touch points in logical pixels out.
 *
 * Pure: no I/O, no libevdev, no allocation, no logging. The evdev backend
 * (hal/evdev.c) feeds it what libevdev returns; the tests feed it recorded
 * sequences. It also holds the other pure decisions about touch devices
 * (which evdev devices are touchscreens, which profile entry a device
 * takes) so that they can be tested without a device.
 *
 * Decoding: events only change the decoder's copy of the device state;
 * at each SYN_REPORT that state is compared with what the UI was last
 * told, and the difference goes out: first the contacts that ended (a
 * MOVE if one moved in the frame it lifted in, then its UP), then DOWN
 * and MOVE for the rest. A frame that changed nothing the UI can see
 * emits nothing. Because the output is a difference of states, a resync
 * after SYN_DROPPED (which describes state, not motion) comes out right:
 * contacts that vanished get an UP, new ones a DOWN, moved ones a MOVE.
 *
 * Mapping, in this order (hal/touch.h has the picture):
 *   raw -> 0..1 over the calibration range -> swap x/y -> invert x, y
 *   -> panel native pixels (mode w x h) -> rotate into logical pixels.
 */
#ifndef SLIPMAT_TOUCHDEC_H
#define SLIPMAT_TOUCHDEC_H

#include <linux/input.h>

struct board;
struct board_touch;

#define TOUCHDEC_SLOTS 10

enum touch_kind { TOUCH_DOWN, TOUCH_MOVE, TOUCH_UP };

struct touch_point {
	int display; /* index into the profile's displays */
	int slot;    /* contact number on its device, 0..TOUCHDEC_SLOTS-1 */
	enum touch_kind kind;
	int x, y; /* logical pixels: what the UI draws in, rotation undone */
	long long t_ns; /* the kernel's time of the frame (its SYN_REPORT), ns; 0: unknown */
};

/* Receives each point; p is valid only during the call. */
typedef void touch_fn(void *ctx, const struct touch_point *p);

enum touchdec_kind {
	TOUCHDEC_NONE,   /* not a touch device */
	TOUCHDEC_MT,     /* multitouch protocol B: slots and tracking ids */
	TOUCHDEC_SINGLE, /* ABS_X/ABS_Y with BTN_TOUCH or BTN_LEFT */
};

struct touchdec_config {
	enum touchdec_kind kind;
	int display;
	int x_min, x_max; /* raw range of the device's x axis (before any swap) */
	int y_min, y_max;
	int swap_xy, invert_x, invert_y;
	int native_w, native_h; /* the panel's mode in pixels, as scanned out */
	int rotation;           /* degrees clockwise the panel is mounted: 0/90/180/270 */
};

struct touchdec_slot {
	int id;           /* tracking id; -1: no contact */
	int raw_x, raw_y; /* kept between contacts: the kernel drops unchanged values */
	int shown;        /* the UI has this contact down */
	int shown_id;
	int x, y; /* where the UI last saw it, logical pixels */
};

struct touchdec {
	struct touchdec_config cfg;
	int slot;                /* MT: slot the next ABS_MT_* events are for; -1: out of range */
	int dropping;            /* after SYN_DROPPED: ignoring events up to a SYN_REPORT */
	int btn_touch, btn_left; /* single-touch: the contact is down while either is */
	int next_id;             /* single-touch: tracking ids made up per contact */
	struct touchdec_slot s[TOUCHDEC_SLOTS];
	long long frame_ns; /* the time of the SYN_REPORT being emitted */
	unsigned long frames, dropped;
};

/*
 * Start decoding with cfg; no contacts down, slot positions at the
 * range's minimum.
 * Return: 0; -EINVAL for an empty axis range, a size <= 0, a rotation
 * other than 0/90/180/270 or kind TOUCHDEC_NONE (d is then unusable).
 */
int touchdec_init(struct touchdec *d, const struct touchdec_config *cfg);

/*
 * Take one event; at SYN_REPORT, emit what changed through emit(ctx, ..).
 * SYN_DROPPED: events are ignored up to and including the next
 * SYN_REPORT (the kernel's rule); the events after that are expected to
 * describe the device's current state (libevdev's sync), and the next
 * SYN_REPORT emits the difference to what the UI saw. Each point carries
 * the SYN_REPORT's timestamp (the evdev backend sets the device's clock
 * to CLOCK_MONOTONIC).
 */
void touchdec_feed(struct touchdec *d, const struct input_event *ev, touch_fn *emit, void *ctx);

/*
 * The caller has already discarded the events that followed a
 * SYN_DROPPED (libevdev drains them itself before handing out its sync
 * events): stop ignoring, take what follows as the state delta.
 * Pre: touchdec_feed() was given the SYN_DROPPED.
 */
void touchdec_sync(struct touchdec *d);

/*
 * The device is gone: emit UP for every contact the UI has down, so no
 * finger stays stuck. Post: no contacts.
 */
void touchdec_release(struct touchdec *d, touch_fn *emit, void *ctx);

/*
 * Map a raw position to logical pixels through cfg (the order above).
 * Raw values outside the range are clamped to the panel's edge.
 */
void touchdec_map(const struct touchdec_config *cfg, int raw_x, int raw_y, int *x, int *y);

/*
 * Fill cfg from a profile touch entry and the display it drives: bt's
 * calibration when it has one, else the device's own axis range
 * dev_range[] (x min, x max, y min, y max, from its absinfo).
 */
void touchdec_config_board(struct touchdec_config *cfg, const struct board_touch *bt,
                           enum touchdec_kind kind, const int dev_range[4], int native_w,
                           int native_h, int rotation);

/* What an evdev device announces, as far as deciding whether it is a touchscreen. */
struct touchdec_caps {
	int prop_direct;  /* INPUT_PROP_DIRECT: the surface is a screen */
	int prop_pointer; /* INPUT_PROP_POINTER: moves a pointer (touchpads) */
	int abs_x, abs_y;
	int mt_x, mt_y, mt_slot, mt_tracking_id;
	int btn_touch, btn_left, btn_tool_finger;
	int rel_x, rel_y;
};

/*
 * Return: TOUCHDEC_MT for a protocol-B device, TOUCHDEC_SINGLE for an
 * absolute device with a touch or left button (touchscreens without
 * slots, QEMU's usb-tablet), TOUCHDEC_NONE for keyboards, relative mice,
 * touchpads and anything else. Sets *why to a short reason for the log.
 */
enum touchdec_kind touchdec_classify(const struct touchdec_caps *caps, const char **why);

/*
 * Return: the index of the first profile touch entry that fits a device
 * with this name and phys (exact strings; phys may be ""), or -1.
 */
int touchdec_match(const struct board *b, const char *name, const char *phys);

#endif
