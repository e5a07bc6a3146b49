/*
 * evdev.c: the real touch backend, raw evdev through libevdev.
 *
 * Each /dev/input/eventN that classifies as a touchscreen and fits an
 * entry of the board profile gets a slot in struct touch, its fd on the
 * loop and a touch decoder. libevdev allocates when a device is set up
 * and freed, so both happen inside guard windows; reading events with
 * libevdev_next_event() works in libevdev's preallocated queue, its sync
 * after SYN_DROPPED on the stack, and allocates nothing.
 */
#include "touch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev.h>

#include "../fw/guard.h"
#include "../fw/log.h"
#include "../fw/loop.h"

#define EVDEV_DIR "/dev/input"
#define EVDEV_PREFIX "/dev/input/event"

/* Events handled per wakeup; level-triggered epoll brings us back for the rest. */
#define EVDEV_BURST 512

/* What touchdec's points pass through on their way out, to count them. */
struct feed_ctx {
	struct touch *t;
	struct touch_device *d;
};

static void on_point(void *ctx, const struct touch_point *p)
{
	struct feed_ctx *f = ctx;

	f->d->points++;
	f->t->emit(f->t->ctx, p);
}

__attribute__((format(printf, 7, 0))) static void
on_libevdev_log(const struct libevdev *e, enum libevdev_log_priority prio, void *data,
                const char *file, int line, const char *func, const char *fmt, va_list args)
{
	const struct touch_device *d = data;
	char msg[120];
	size_t n;

	(void)e;
	(void)file;
	(void)line;
	(void)func;
	vsnprintf(msg, sizeof msg, fmt, args);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (prio == LIBEVDEV_LOG_ERROR)
		log_warn("touch %s: libevdev: %s", d->path, msg);
	else
		log_info("touch %s: libevdev: %s", d->path, msg);
}

static void caps_of(const struct libevdev *e, struct touchdec_caps *c)
{
	memset(c, 0, sizeof *c);
	c->prop_direct = libevdev_has_property(e, INPUT_PROP_DIRECT);
	c->prop_pointer = libevdev_has_property(e, INPUT_PROP_POINTER);
	c->abs_x = libevdev_has_event_code(e, EV_ABS, ABS_X);
	c->abs_y = libevdev_has_event_code(e, EV_ABS, ABS_Y);
	c->mt_x = libevdev_has_event_code(e, EV_ABS, ABS_MT_POSITION_X);
	c->mt_y = libevdev_has_event_code(e, EV_ABS, ABS_MT_POSITION_Y);
	/* libevdev reports no slots for devices that fake ABS_MT_SLOT (see its docs). */
	c->mt_slot = libevdev_get_num_slots(e) > 0;
	c->mt_tracking_id = libevdev_has_event_code(e, EV_ABS, ABS_MT_TRACKING_ID);
	c->btn_touch = libevdev_has_event_code(e, EV_KEY, BTN_TOUCH);
	c->btn_left = libevdev_has_event_code(e, EV_KEY, BTN_LEFT);
	c->btn_tool_finger = libevdev_has_event_code(e, EV_KEY, BTN_TOOL_FINGER);
	c->rel_x = libevdev_has_event_code(e, EV_REL, REL_X);
	c->rel_y = libevdev_has_event_code(e, EV_REL, REL_Y);
}

static struct touch_device *find_path(struct touch *t, const char *path)
{
	int i;

	for (i = 0; i < TOUCH_MAX_DEVICES; i++)
		if (t->dev[i].active && strcmp(t->dev[i].path, path) == 0)
			return &t->dev[i];
	return NULL;
}

static struct touch_device *find_fd(struct touch *t, int fd)
{
	int i;

	for (i = 0; i < TOUCH_MAX_DEVICES; i++)
		if (t->dev[i].active && t->dev[i].fd == fd)
			return &t->dev[i];
	return NULL;
}

/* Give libevdev back its memory and the kernel its fd. Pre: d->fd is off the loop. */
static void release(struct touch_device *d)
{
	if (d->evdev) {
		guard_window_begin("touch: libevdev_free");
		libevdev_free(d->evdev);
		guard_window_end();
	}
	if (d->fd >= 0)
		close(d->fd);
	memset(d, 0, sizeof *d);
	d->fd = -1;
}

static void remove_device(struct touch *t, struct loop *l, struct touch_device *d, const char *why)
{
	struct feed_ctx f = {.t = t, .d = d};

	log_info("touch %s \"%s\": %s (%lu events, %lu points, %lu drops)", d->path, d->name, why,
	         d->events, d->points, d->syn_dropped);
	/* Whatever was down when the device went is lifted, so no button stays held. */
	touchdec_release(&d->dec, on_point, &f);
	loop_del(l, d->fd);
	release(d);
	t->count--;
}

static void feed(struct touch *t, struct touch_device *d, const struct input_event *ev)
{
	struct feed_ctx f = {.t = t, .d = d};
	struct input_event e = *ev;

	d->events++;
	if (!d->monotonic) /* a time on another clock would only mislead */
		e.input_event_sec = 0, e.input_event_usec = 0;
	touchdec_feed(&d->dec, &e, on_point, &f);
}

/*
 * Give the decoder libevdev's positions and current slot, with no
 * SYN_REPORT, so nothing is emitted. At open, contacts already on the
 * glass are not taken: such a finger is ignored until it lifts, rather
 * than pressing whatever it happens to rest on.
 */
static void seed(struct touch_device *d)
{
	struct libevdev *e = d->evdev;
	struct input_event ev = {.type = EV_ABS};
	int i, n;

	if (d->multitouch) {
		n = libevdev_get_num_slots(e);
		if (n > TOUCHDEC_SLOTS)
			n = TOUCHDEC_SLOTS;
		for (i = 0; i < n; i++) {
			ev.code = ABS_MT_SLOT;
			ev.value = i;
			touchdec_feed(&d->dec, &ev, NULL, NULL);
			ev.code = ABS_MT_POSITION_X;
			ev.value = libevdev_get_slot_value(e, (unsigned)i, ABS_MT_POSITION_X);
			touchdec_feed(&d->dec, &ev, NULL, NULL);
			ev.code = ABS_MT_POSITION_Y;
			ev.value = libevdev_get_slot_value(e, (unsigned)i, ABS_MT_POSITION_Y);
			touchdec_feed(&d->dec, &ev, NULL, NULL);
		}
		ev.code = ABS_MT_SLOT;
		ev.value = libevdev_get_current_slot(e);
	} else {
		ev.code = ABS_X;
		ev.value = libevdev_get_event_value(e, EV_ABS, ABS_X);
		touchdec_feed(&d->dec, &ev, NULL, NULL);
		ev.code = ABS_Y;
		ev.value = libevdev_get_event_value(e, EV_ABS, ABS_Y);
	}
	/* No SYN_REPORT: nothing is emitted, so the NULL emit is never called. */
	touchdec_feed(&d->dec, &ev, NULL, NULL);
}

/*
 * SYN_DROPPED: libevdev has thrown away what the kernel had queued and
 * hands out the difference between the state it last delivered and the
 * device's state now (in up to two frames). The decoder turns that into
 * UP, DOWN and MOVE. Return: 0, or libevdev's -errno.
 */
static int resync(struct touch *t, struct touch_device *d, const struct input_event *dropped)
{
	struct input_event ev;
	int rc;

	d->syn_dropped++;
	/* Every time until it is a habit, then at powers of two. */
	if (d->syn_dropped <= 4 || (d->syn_dropped & (d->syn_dropped - 1)) == 0)
		log_warn("touch %s: the kernel dropped events (SYN_DROPPED, %lu so far); resyncing",
		         d->path, d->syn_dropped);
	feed(t, d, dropped);
	touchdec_sync(&d->dec);
	while ((rc = libevdev_next_event(d->evdev, LIBEVDEV_READ_FLAG_SYNC, &ev)) ==
	       LIBEVDEV_READ_STATUS_SYNC)
		feed(t, d, &ev);
	if (rc != -EAGAIN)
		return rc;
	/*
	 * libevdev does not hand out the axes of slots whose contact ended
	 * during the drop, yet takes them into its state, and the kernel
	 * will not repeat them for a new contact landing on the same spot.
	 */
	seed(d);
	return 0;
}

static void on_readable(void *ctx, int fd, uint32_t events)
{
	struct touch *t = ctx;
	struct touch_device *d = find_fd(t, fd);
	struct input_event ev;
	int n, rc = 0;

	if (!d)
		return;
	if (events & (EPOLLHUP | EPOLLERR)) {
		remove_device(t, t->local, d, "gone");
		return;
	}
	for (n = 0; n < EVDEV_BURST; n++) {
		rc = libevdev_next_event(d->evdev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
		if (rc == LIBEVDEV_READ_STATUS_SUCCESS)
			feed(t, d, &ev);
		else if (rc == LIBEVDEV_READ_STATUS_SYNC)
			rc = resync(t, d, &ev);
		if (rc < 0)
			break;
	}
	if (rc == -EAGAIN || rc >= 0)
		return;
	if (rc == -ENODEV) {
		remove_device(t, t->local, d, "gone");
	} else {
		log_error("touch %s: reading events: %s", d->path, strerror(-rc));
		remove_device(t, t->local, d, "closed after a read error");
	}
}

/*
 * Set up libevdev on d->fd. Return: 0, or -errno (d->evdev stays NULL).
 * libevdev_new() plus set_fd rather than new_from_fd, so that its
 * messages already come through our log while it reads the device.
 */
static int evdev_new(struct touch_device *d)
{
	struct libevdev *e;
	int err;

	guard_window_begin("touch: libevdev_new");
	e = libevdev_new();
	if (!e) {
		guard_window_end();
		return -ENOMEM;
	}
	libevdev_set_device_log_function(e, on_libevdev_log, LIBEVDEV_LOG_INFO, d);
	err = libevdev_set_fd(e, d->fd);
	if (err < 0)
		libevdev_free(e);
	else
		d->evdev = e;
	guard_window_end();
	return err < 0 ? err : 0;
}

/*
 * Classify, match to the profile and configure the decoder.
 * Return: 0 to keep the device, 1 to pass it over (said why), -errno.
 */
static int configure(struct touch *t, struct touch_device *d)
{
	const struct libevdev *e = d->evdev;
	const struct board_touch *bt;
	const struct input_absinfo *ax, *ay;
	const struct touch_geometry *g;
	struct touchdec_config cfg;
	struct touchdec_caps caps;
	enum touchdec_kind kind;
	const char *why, *phys;
	int entry, range[4], err;

	snprintf(d->name, sizeof d->name, "%s", libevdev_get_name(e));
	phys = libevdev_get_phys(e);
	snprintf(d->phys, sizeof d->phys, "%s", phys ? phys : "");

	caps_of(e, &caps);
	kind = touchdec_classify(&caps, &why);
	if (kind == TOUCHDEC_NONE) {
		log_info("touch %s \"%s\": not a touchscreen (%s), ignored", d->path, d->name, why);
		return 1;
	}
	entry = touchdec_match(t->board, d->name, d->phys);
	if (entry < 0) {
		log_info("touch %s \"%s\" phys \"%s\": %s, but no touch entry of %s matches it; "
		         "ignored",
		         d->path, d->name, d->phys, why, t->board->path);
		return 1;
	}
	bt = &t->board->touch[entry];
	if (bt->display < 0 || bt->display >= t->ngeo) {
		log_error("touch %s \"%s\": touch entry %d of %s names display %d, which is not "
		          "there; ignored",
		          d->path, d->name, entry + 1, t->board->path, bt->display);
		return 1;
	}
	g = &t->geo[bt->display];
	ax = libevdev_get_abs_info(e, kind == TOUCHDEC_MT ? ABS_MT_POSITION_X : ABS_X);
	ay = libevdev_get_abs_info(e, kind == TOUCHDEC_MT ? ABS_MT_POSITION_Y : ABS_Y);
	range[0] = ax ? ax->minimum : 0;
	range[1] = ax ? ax->maximum : 0;
	range[2] = ay ? ay->minimum : 0;
	range[3] = ay ? ay->maximum : 0;
	touchdec_config_board(&cfg, bt, kind, range, g->native_w, g->native_h, g->rotation);
	err = touchdec_init(&d->dec, &cfg);
	if (err) {
		log_error("touch %s \"%s\": cannot map x %d..%d, y %d..%d onto display %d (%dx%d, "
		          "rotation %d); fix its calibration in %s",
		          d->path, d->name, cfg.x_min, cfg.x_max, cfg.y_min, cfg.y_max, bt->display,
		          g->native_w, g->native_h, g->rotation, t->board->path);
		return 1;
	}
	d->display = bt->display;
	d->multitouch = kind == TOUCHDEC_MT;
	/* The kernel stamps events with CLOCK_REALTIME unless told: the touch
	 * times must be on the audio clock's (touch to sound, fw/engine.h). */
	d->monotonic = libevdev_set_clock_id(d->evdev, CLOCK_MONOTONIC) == 0;
	if (!d->monotonic)
		log_warn("touch %s \"%s\": cannot stamp its events with CLOCK_MONOTONIC; its "
		         "touch to sound goes unmeasured",
		         d->path, d->name);
	seed(d);
	log_info("touch %s \"%s\" phys \"%s\": %s, display %d (%dx%d, rotation %d), x %d..%d, "
	         "y %d..%d%s%s%s%s",
	         d->path, d->name, d->phys, why, d->display, g->native_w, g->native_h, g->rotation,
	         cfg.x_min, cfg.x_max, cfg.y_min, cfg.y_max, bt->calibrated ? " calibrated" : "",
	         bt->swap_xy ? " swapped" : "", bt->invert_x ? " x-inverted" : "",
	         bt->invert_y ? " y-inverted" : "");
	return 0;
}

/* Return: 0 when the device is now watched or was passed over, -errno on failure. */
static int add_device(struct touch *t, struct loop *l, const char *path)
{
	struct touch_device *d = NULL;
	int i, err;

	if (strlen(path) >= sizeof t->dev[0].path || find_path(t, path))
		return 0;
	for (i = 0; i < TOUCH_MAX_DEVICES && !d; i++)
		if (!t->dev[i].active)
			d = &t->dev[i];
	if (!d) {
		log_warn("touch %s: already %d input devices open; ignored", path,
		         TOUCH_MAX_DEVICES);
		return -ENOSPC;
	}
	memset(d, 0, sizeof *d);
	snprintf(d->path, sizeof d->path, "%s", path);
	d->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0) {
		err = -errno;
		log_warn("touch %s: open: %s", path, strerror(-err));
		release(d);
		return err;
	}
	err = evdev_new(d);
	if (err) {
		log_warn("touch %s: not an evdev device: %s", path, strerror(-err));
		release(d);
		return err;
	}
	err = configure(t, d);
	if (err == 0)
		err = loop_add(l, d->fd, EPOLLIN, on_readable, t);
	if (err) {
		release(d);
		return err > 0 ? 0 : err;
	}
	d->active = 1;
	t->count++;
	return 0;
}

/* Open every /dev/input/event* not open yet. */
static void scan(struct touch *t, struct loop *l)
{
	struct dirent *de;
	char path[sizeof t->dev[0].path];
	DIR *dir;

	/* opendir() allocates its DIR; at init that is free, on a rescan it is a window. */
	guard_window_begin("touch: scan " EVDEV_DIR);
	dir = opendir(EVDEV_DIR);
	if (!dir) {
		log_warn("touch: %s: %s; no touchscreen until one is plugged in", EVDEV_DIR,
		         strerror(errno));
		guard_window_end();
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "event", 5) != 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", EVDEV_DIR, de->d_name) >= (int)sizeof path)
			continue;
		add_device(t, l, path);
	}
	closedir(dir);
	guard_window_end();
}

static int evdev_open(struct touch *t, const struct board *b, const struct touch_geometry *geo,
                      int ngeo, struct loop *l, touch_fn *emit, void *ctx)
{
	int i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < TOUCH_MAX_DEVICES; i++)
		t->dev[i].fd = -1;
	t->ops = &touch_evdev_ops;
	if (!emit || !b || ngeo < 0) {
		log_error("touch: open without a profile or a place for points");
		return -EINVAL;
	}
	t->board = b;
	t->ngeo = ngeo < BOARD_MAX_DISPLAYS ? ngeo : BOARD_MAX_DISPLAYS;
	for (i = 0; i < t->ngeo; i++)
		t->geo[i] = geo[i];
	t->emit = emit;
	t->ctx = ctx;
	/* The fd handler finds the loop here when a device has to go. */
	t->local = l;
	scan(t, l);
	if (t->count == 0)
		log_warn("touch: no touchscreen in %s fits %s; waiting for one to be plugged in",
		         EVDEV_DIR, b->path);
	return 0;
}

static void evdev_hotplug(struct touch *t, struct loop *l, int added, const char *devnode)
{
	struct touch_device *d;

	if (!devnode) {
		if (added)
			scan(t, l);
		return;
	}
	if (strncmp(devnode, EVDEV_PREFIX, strlen(EVDEV_PREFIX)) != 0)
		return;
	if (added) {
		add_device(t, l, devnode);
		return;
	}
	d = find_path(t, devnode);
	if (d)
		remove_device(t, l, d, "removed");
}

static void evdev_close(struct touch *t, struct loop *l)
{
	int i;

	for (i = 0; i < TOUCH_MAX_DEVICES; i++)
		if (t->dev[i].active)
			remove_device(t, l, &t->dev[i], "closed");
	t->count = 0;
}

const struct touch_ops touch_evdev_ops = {
    .name = "evdev",
    .open = evdev_open,
    .hotplug = evdev_hotplug,
    .close = evdev_close,
};
