/*
 * touch: the touchscreens, as touch points in each display's logical
 * pixels, delivered on the loop thread.
 *
 * Backends: touch_evdev_ops (hal/evdev.c, the real devices through
 * libevdev) and touch_sim_ops (hal/touchsim.c, a script replayed on a
 * timer, for host tests and the sim profile). The caller owns struct
 * touch; nothing allocates after init except libevdev inside guard
 * windows when a device comes or goes.
 *
 * From a raw device position to the pixel the UI drew (hal/touchdec.c):
 *
 *   1. calibrate: raw x over the profile's cal x min..max (else the
 *      device's absinfo range) to 0..1, raw y likewise; clamped.
 *   2. swap_xy: exchange the two.
 *   3. invert_x, invert_y: u -> 1 - u.
 *   4. native pixels: x over 0..mode w-1, y over 0..mode h-1 of the
 *      panel as it is scanned out (the touch sensor is glued to it).
 *   5. rotate into the logical surface the UI draws, whose w x h are
 *      swapped at 90 and 270. This undoes gfx's copy of the logical
 *      surface into the scanout (gfx_rotate_point()); with w, h the
 *      native mode, a panel turned 90 degrees clockwise shows the UI's
 *      top-left at its native bottom-left:
 *
 *        rotation   logical (x, y) -> native      native (X, Y) -> logical
 *        0          (x, y)                        (X, Y)
 *        90         (y, h-1-x)                    (h-1-Y, X)
 *        180        (w-1-x, h-1-y)                (w-1-X, h-1-Y)
 *        270        (w-1-y, x)                    (Y, w-1-X)
 *
 * So a finger on the pixel where gfx put logical (x, y) reports (x, y).
 */
#ifndef SLIPMAT_TOUCH_H
#define SLIPMAT_TOUCH_H

#include "../fw/board.h"
#include "touchdec.h"

struct loop;

#define TOUCH_MAX_DEVICES 8

/* Per display index: the mode actually set and how the panel is mounted. */
struct touch_geometry {
	int native_w, native_h, rotation;
};

struct touch_device {
	char path[32]; /* /dev/input/eventN */
	char name[80], phys[64];
	int display;
	int multitouch;
	int fd;
	unsigned long events, points, syn_dropped;
	int active;  /* this entry is in use */
	int monotonic; /* its events carry CLOCK_MONOTONIC times (else none are passed on) */
	void *evdev; /* struct libevdev */
	struct touchdec dec;
};

struct touch {
	const struct touch_ops *ops;
	void *local;
	int count; /* entries of dev[] in use */
	struct touch_device dev[TOUCH_MAX_DEVICES];
	touch_fn *emit;
	void *ctx;
	/* What open() was given, kept for devices that arrive later. */
	const struct board *board;
	struct touch_geometry geo[BOARD_MAX_DISPLAYS];
	int ngeo;
};

struct touch_ops {
	const char *name;
	/*
	 * Find the touch devices and watch them on l; points go to
	 * emit(ctx, ..) on the loop thread. geo[i] describes display i.
	 * b and l must outlive t. A box with no touchscreen is not an
	 * error: the UI still draws, and hotplug may bring one.
	 * Return: 0, or -errno for a failure of the box itself (logged).
	 * Post: t->ops is this table.
	 */
	int (*open)(struct touch *t, const struct board *b, const struct touch_geometry *geo,
	            int ngeo, struct loop *l, touch_fn *emit, void *ctx);
	/*
	 * A device node came (added = 1) or went (0), from a uevent:
	 * devnode is "/dev/" + DEVNAME, e.g. "/dev/input/event5"; nodes
	 * that are not /dev/input/event* are ignored. added with devnode
	 * NULL rescans /dev/input (after uevents were lost).
	 */
	void (*hotplug)(struct touch *t, struct loop *l, int added, const char *devnode);
	/* Stop watching and close everything; contacts down get an UP. */
	void (*close)(struct touch *t, struct loop *l);
};

extern const struct touch_ops touch_evdev_ops, touch_sim_ops;

#endif
