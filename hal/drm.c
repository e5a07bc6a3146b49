/*
 * drm.c: the real display backend, DRM/KMS with dumb buffers.
 *
 * open:    find the first /dev/dri/cardN with connectors, probe connectors,
 *          encoders and CRTCs inside a guard window (libdrm allocates its
 *          answers) and copy what we need into static tables; pair each
 *          profile display with a connector (by name, else the next
 *          connected one), a mode and a free CRTC; make two dumb buffers
 *          per display and put the fd on the loop.
 * present: rotate the logical surface into the back buffer (write only:
 *          scanout memory is write-combined) and page-flip to it; the
 *          first frame, and every frame on a driver whose flips fail, is a
 *          drmModeSetCrtc instead.
 * events:  the loop calls drmHandleEvent; a completed flip clears
 *          flip_pending, counts the frame and calls on_flip.
 *
 * The state is static: there is one DRM device per box, and a re-open
 * after a hotplug reuses the logical surfaces it took from the arena.
 */
#include "display.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "../fw/arena.h"
#include "../fw/guard.h"
#include "../fw/log.h"
#include "../fw/loop.h"

#define DRM_MAX_CARDS 8
#define DRM_MAX_CONNECTORS 16
#define DRM_MAX_CRTCS 32 /* possible_crtcs is a 32-bit mask */
#define FLIP_TIMEOUT_MS 1000
#define FLIP_WARN_MAX 5

/* What the probe learnt of one connector. */
struct drm_conn {
	uint32_t id;
	char name[32];
	int connected;	    /* connected with at least one mode */
	uint32_t crtc_mask; /* CRTC indices its encoders can drive */
	int cur_crtc;	    /* CRTC index driving it now (the console's), or -1 */
	int used;
	/* The mode for each profile display, should it land here. */
	drmModeModeInfo mode[BOARD_MAX_DISPLAYS];
	int fit[BOARD_MAX_DISPLAYS]; /* enum mode_fit */
};

enum mode_fit { FIT_ANY, FIT_PREFERRED, FIT_SIZE, FIT_EXACT };

struct drm_buf {
	uint32_t handle, fb_id, pitch;
	uint64_t size;
	uint32_t *map;
};

/* One active display. */
struct drm_out {
	uint32_t conn_id, crtc_id;
	int crtc_index;
	drmModeModeInfo mode;
	struct drm_buf buf[2];
	int front;	/* buffer on the screen; -1 before the first frame */
	int queued;	/* buffer a pending flip shows */
	int setcrtc;	/* flips do not work here: every frame is a SetCrtc */
	int flip_warned;
	struct timespec queued_at;
	/* The CRTC as we found it, put back on close (the console). */
	int saved;
	uint32_t saved_fb;
	uint32_t saved_x, saved_y;
	int saved_mode_valid;
	drmModeModeInfo saved_mode;
};

struct drm_local {
	int fd; /* -1 when closed */
	char path[32];
	int dropmaster;
	int on_loop;
	struct displays *ds;
	struct drm_out out[BOARD_MAX_DISPLAYS];
	int nconns;
	struct drm_conn conns[DRM_MAX_CONNECTORS];
	int ncrtcs;
	uint32_t crtcs[DRM_MAX_CRTCS];
	int crtc_used[DRM_MAX_CRTCS];
	/* Logical surfaces kept for a re-open from the same arena. */
	struct arena *arena;
	unsigned char *arena_base;
	uint32_t *logical[BOARD_MAX_DISPLAYS];
	size_t logical_cap[BOARD_MAX_DISPLAYS];
};

static struct drm_local drm = {.fd = -1};

static int rotation_valid(int r)
{
	return r == 0 || r == 90 || r == 180 || r == 270;
}

/* --- probing (inside the guard window) --------------------------------- */

/* How well m fits what profile display bd asks for. */
static enum mode_fit mode_fit(const drmModeModeInfo *m, const struct board_display *bd)
{
	if (bd->width <= 0 || bd->height <= 0) {
		if (bd->refresh > 0 && (int)m->vrefresh != bd->refresh)
			return (m->type & DRM_MODE_TYPE_PREFERRED) ? FIT_PREFERRED : FIT_ANY;
		return (m->type & DRM_MODE_TYPE_PREFERRED) ? FIT_EXACT : FIT_ANY;
	}
	if (m->hdisplay != bd->width || m->vdisplay != bd->height)
		return (m->type & DRM_MODE_TYPE_PREFERRED) ? FIT_PREFERRED : FIT_ANY;
	if (bd->refresh > 0 && (int)m->vrefresh != bd->refresh)
		return FIT_SIZE;
	return FIT_EXACT;
}

/*
 * Pick c's mode for each profile display: the best fit; among equals the
 * refresh nearest the asked one, or 60 Hz when none is asked (the kernel
 * may mark 75 and 85 Hz variants of the panel size preferred too, and
 * every extra frame costs the box drawing time), then the first listed.
 */
static void choose_modes(struct drm_conn *dc, const drmModeConnector *c, const struct board *b)
{
	for (int i = 0; i < b->ndisplays && i < BOARD_MAX_DISPLAYS; i++) {
		int want_hz = b->display[i].refresh > 0 ? b->display[i].refresh : 60;
		int best = -1, best_fit = -1, best_off = 0;

		for (int m = 0; m < c->count_modes; m++) {
			int fit = (int)mode_fit(&c->modes[m], &b->display[i]);
			int off = abs((int)c->modes[m].vrefresh - want_hz);

			/* Interlaced modes would tear our full-frame copies. */
			if (c->modes[m].flags & DRM_MODE_FLAG_INTERLACE)
				continue;
			if (fit > best_fit || (fit == best_fit && off < best_off)) {
				best = m;
				best_fit = fit;
				best_off = off;
			}
		}
		if (best < 0) {
			best = 0;
			best_fit = FIT_ANY;
		}
		dc->mode[i] = c->modes[best];
		dc->fit[i] = best_fit;
	}
}

static void probe_connector(struct drm_local *d, const drmModeRes *res, uint32_t id,
			    const struct board *b)
{
	struct drm_conn *dc;
	drmModeConnector *c;
	const char *type;

	c = drmModeGetConnector(d->fd, id);
	if (!c) {
		log_warn("display: %s: connector %u: %s", d->path, id, strerror(errno));
		return;
	}
	if (d->nconns == DRM_MAX_CONNECTORS) {
		log_warn("display: %s: more than %d connectors, ignoring the rest", d->path,
			 DRM_MAX_CONNECTORS);
		drmModeFreeConnector(c);
		return;
	}
	dc = &d->conns[d->nconns++];
	memset(dc, 0, sizeof *dc);
	dc->id = id;
	dc->cur_crtc = -1;
	type = drmModeGetConnectorTypeName(c->connector_type);
	snprintf(dc->name, sizeof dc->name, "%s-%u", type ? type : "Unknown",
		 c->connector_type_id);
	dc->connected = c->connection == DRM_MODE_CONNECTED && c->count_modes > 0;
	for (int j = 0; j < c->count_encoders; j++) {
		drmModeEncoder *e = drmModeGetEncoder(d->fd, c->encoders[j]);

		if (!e)
			continue;
		dc->crtc_mask |= e->possible_crtcs;
		if (e->encoder_id == c->encoder_id && e->crtc_id) {
			for (int k = 0; k < res->count_crtcs && k < DRM_MAX_CRTCS; k++)
				if (res->crtcs[k] == e->crtc_id)
					dc->cur_crtc = k;
		}
		drmModeFreeEncoder(e);
	}
	if (dc->connected)
		choose_modes(dc, c, b);
	log_info("display: %s: connector %s %s, %d modes", d->path, dc->name,
		 dc->connected ? "connected" : "not connected", c->count_modes);
	drmModeFreeConnector(c);
}

/*
 * Open the first card with connectors and CRTCs and probe it.
 * Return: 0, or -ENODEV with the reason in ds->error.
 */
static int probe(struct drm_local *d, struct displays *ds, const struct board *b)
{
	char first_err[96] = "";

	for (int n = 0; n < DRM_MAX_CARDS && d->fd < 0; n++) {
		uint64_t dumb = 0;
		drmModeRes *res;
		int fd;

		snprintf(d->path, sizeof d->path, "/dev/dri/card%d", n);
		fd = open(d->path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			if (!first_err[0])
				snprintf(first_err, sizeof first_err, "%s: %s", d->path,
					 strerror(errno));
			continue;
		}
		if (drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &dumb) < 0 || !dumb) {
			log_info("display: %s has no dumb buffers, skipping it", d->path);
			close(fd);
			continue;
		}
		res = drmModeGetResources(fd);
		if (!res || res->count_connectors < 1 || res->count_crtcs < 1) {
			log_info("display: %s has no connectors, skipping it", d->path);
			if (!first_err[0])
				snprintf(first_err, sizeof first_err, "%s has no connectors",
					 d->path);
			drmModeFreeResources(res);
			close(fd);
			continue;
		}
		d->fd = fd;
		d->ncrtcs = res->count_crtcs < DRM_MAX_CRTCS ? res->count_crtcs : DRM_MAX_CRTCS;
		for (int k = 0; k < d->ncrtcs; k++)
			d->crtcs[k] = res->crtcs[k];
		for (int k = 0; k < res->count_connectors; k++)
			probe_connector(d, res, res->connectors[k], b);
		drmModeFreeResources(res);
	}
	if (d->fd < 0) {
		display_note(ds, "no DRM display device (%s)", first_err[0] ? first_err : "none found");
		return -ENODEV;
	}
	return 0;
}

/* Remember how the console had crtc set up, to give it back on close. */
static void save_crtc(struct drm_local *d, struct drm_out *o)
{
	drmModeCrtc *c = drmModeGetCrtc(d->fd, o->crtc_id);

	if (!c)
		return;
	o->saved = 1;
	o->saved_fb = c->buffer_id;
	o->saved_x = c->x;
	o->saved_y = c->y;
	o->saved_mode_valid = c->mode_valid;
	o->saved_mode = c->mode;
	drmModeFreeCrtc(c);
}

/* --- pairing profile displays with connectors and CRTCs ----------------- */

/* Return: a free CRTC index dc can use, the one it has now first; or -1. */
static int free_crtc(const struct drm_local *d, const struct drm_conn *dc)
{
	if (dc->cur_crtc >= 0 && !d->crtc_used[dc->cur_crtc] &&
	    (dc->crtc_mask & (1u << dc->cur_crtc)))
		return dc->cur_crtc;
	for (int k = 0; k < d->ncrtcs; k++)
		if (!d->crtc_used[k] && (dc->crtc_mask & (1u << k)))
			return k;
	return -1;
}

static int usable(const struct drm_local *d, const struct drm_conn *dc)
{
	return dc->connected && !dc->used && free_crtc(d, dc) >= 0;
}

/* Return: whether another profile display than i asks for connector name. */
static int wanted_elsewhere(const struct board *b, int i, const char *name)
{
	for (int j = 0; j < b->ndisplays && j < BOARD_MAX_DISPLAYS; j++)
		if (j != i && strcmp(b->display[j].connector, name) == 0)
			return 1;
	return 0;
}

/*
 * Pick the connector for profile display i: the one it names if usable,
 * else (noted) the next usable one, leaving those that other profile
 * displays name to them while there is a choice.
 * Return: the connector, or NULL when none is left.
 */
static struct drm_conn *pick_connector(struct drm_local *d, struct displays *ds,
				       const struct board *b, int i)
{
	const struct board_display *bd = &b->display[i];
	struct drm_conn *named = NULL, *other = NULL, *spare = NULL;
	const char *why;

	for (int k = 0; k < d->nconns; k++) {
		struct drm_conn *dc = &d->conns[k];

		if (bd->connector[0] && strcmp(dc->name, bd->connector) == 0)
			named = dc;
		else if (usable(d, dc) && !wanted_elsewhere(b, i, dc->name) && !spare)
			spare = dc;
		else if (usable(d, dc) && !other)
			other = dc;
	}
	if (spare)
		other = spare;
	if (!bd->connector[0]) {
		if (!other)
			display_note(ds, "display %d: no connected screen left on %s", i, d->path);
		return other;
	}
	if (named && usable(d, named))
		return named;
	why = !named		 ? "missing"
	      : !named->connected ? "not connected"
	      : named->used	 ? "taken by another display"
				 : "without a free CRTC";
	if (other)
		display_note(ds, "display %d: %s is %s, using %s", i, bd->connector, why, other->name);
	else
		display_note(ds, "display %d: %s is %s on %s", i, bd->connector, why, d->path);
	return other;
}

/* --- buffers -------------------------------------------------------------- */

static void buf_destroy(int fd, struct drm_buf *buf)
{
	if (buf->map)
		munmap(buf->map, (size_t)buf->size);
	if (buf->fb_id)
		drmModeRmFB(fd, buf->fb_id);
	if (buf->handle) {
		struct drm_mode_destroy_dumb destroy = {.handle = buf->handle};

		drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	memset(buf, 0, sizeof *buf);
}

static int buf_create(struct drm_local *d, const char *name, struct drm_buf *buf, int w, int h,
		      enum gfx_format format)
{
	/* XRGB8888: depth 24 in 32 bits; RGB565: 16 in 16 */
	int bpp = format == GFX_RGB565 ? 16 : 32, depth = format == GFX_RGB565 ? 16 : 24;
	struct drm_mode_create_dumb create = {
		.width = (uint32_t)w,
		.height = (uint32_t)h,
		.bpp = (uint32_t)bpp,
	};
	struct drm_mode_map_dumb map = {0};
	const char *step;
	void *p;
	int err;

	memset(buf, 0, sizeof *buf);
	step = "CREATE_DUMB";
	if (drmIoctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
		goto fail;
	buf->handle = create.handle;
	buf->pitch = create.pitch;
	buf->size = create.size;
	step = "AddFB";
	if (drmModeAddFB(d->fd, (uint32_t)w, (uint32_t)h, (uint8_t)depth, (uint8_t)bpp, buf->pitch,
			 buf->handle, &buf->fb_id) < 0)
		goto fail;
	step = "MAP_DUMB";
	map.handle = buf->handle;
	if (drmIoctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0)
		goto fail;
	step = "mmap";
	p = mmap(NULL, (size_t)buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 (off_t)map.offset);
	if (p == MAP_FAILED)
		goto fail;
	/* New dumb buffers come zeroed from the kernel: black. */
	buf->map = p;
	return 0;
fail:
	err = errno ? errno : EIO;
	log_error("display: %s %s: %dx%d buffer: %s failed: %s", d->path, name, w, h, step,
		  strerror(err));
	buf_destroy(d->fd, buf);
	return -err;
}

/* The logical surface for display i: reuse the last one if it is big enough. */
static uint32_t *logical_surface(struct drm_local *d, struct arena *a, int i, size_t pixels)
{
	size_t bytes = pixels * sizeof(uint32_t);

	if (d->arena != a || d->arena_base != a->base) {
		memset(d->logical, 0, sizeof d->logical);
		memset(d->logical_cap, 0, sizeof d->logical_cap);
		d->arena = a;
		d->arena_base = a->base;
	}
	if (!d->logical[i] || d->logical_cap[i] < bytes) {
		/* 64-byte alignment for the SIMD copies to scanout. */
		d->logical[i] = arena_alloc(a, bytes, 64, "display logical surface");
		d->logical_cap[i] = d->logical[i] ? bytes : 0;
	}
	if (d->logical[i])
		memset(d->logical[i], 0, bytes);
	return d->logical[i];
}

/* --- events ---------------------------------------------------------------- */

static void page_flip_done(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
			   void *data)
{
	struct drm_out *o = data;
	struct displays *ds = drm.ds;
	int i = (int)(o - drm.out);

	(void)fd;
	(void)seq;
	/* A late event for a flip we gave up on, or after close: nothing to do. */
	if (!ds || i < 0 || i >= ds->count || !ds->d[i].flip_pending)
		return;
	/* the vblank the frame went out at; DRM stamps it on CLOCK_MONOTONIC */
	ds->d[i].vblank_ns = (long long)sec * 1000000000LL + (long long)usec * 1000;
	o->front = o->queued;
	ds->d[i].flip_pending = 0;
	ds->d[i].frames++;
	if (ds->on_flip)
		ds->on_flip(ds->ctx, i);
}

static void drm_event(void *ctx, int fd, uint32_t events)
{
	drmEventContext ev = {.version = 2, .page_flip_handler = page_flip_done};
	struct drm_local *d = ctx;

	if (events & (EPOLLERR | EPOLLHUP))
		log_warn("display: %s: error on the device (events %#x)", d->path, events);
	if ((events & EPOLLIN) && drmHandleEvent(fd, &ev) < 0)
		log_warn("display: %s: reading events: %s", d->path, strerror(errno));
}

/* --- ops ---------------------------------------------------------------------- */

static void release(struct drm_local *d, struct displays *ds, struct loop *l);

static int setup_output(struct drm_local *d, struct displays *ds, struct arena *a, int i,
			struct drm_conn *dc, const struct board_display *bd)
{
	struct display *disp = &ds->d[i];
	struct drm_out *o = &d->out[i];
	int w, h, err, swap;
	size_t stride;

	/* The connector and CRTC were reserved by drm_open(). */
	memset(disp, 0, sizeof *disp);
	o->front = -1;
	o->mode = dc->mode[i];

	w = o->mode.hdisplay;
	h = o->mode.vdisplay;
	if (dc->fit[i] < FIT_SIZE && bd->width > 0 && bd->height > 0)
		display_note(ds, "display %d: %s offers no %dx%d, using %dx%d", i, dc->name, bd->width,
		     bd->height, w, h);
	else if (dc->fit[i] < FIT_EXACT && bd->refresh > 0)
		display_note(ds, "display %d: %s offers no %d Hz, using %dx%d@%u", i, dc->name,
		     bd->refresh, w, h, o->mode.vrefresh);

	disp->index = i;
	snprintf(disp->name, sizeof disp->name, "%s", dc->name);
	disp->mode_w = w;
	disp->mode_h = h;
	disp->refresh = (int)o->mode.vrefresh;
	disp->rotation = bd->rotation;
	disp->format = bd->pixels == GFX_RGB565 ? GFX_RGB565 : GFX_XRGB8888;
	if (!rotation_valid(disp->rotation)) {
		display_note(ds, "display %d: rotation %d is not 0/90/180/270, using 0", i,
		     disp->rotation);
		disp->rotation = 0;
	}
	swap = disp->rotation == 90 || disp->rotation == 270;
	disp->fb.w = swap ? h : w;
	disp->fb.h = swap ? w : h;
	/* Rows padded to 16 pixels (64 bytes) so row starts stay aligned. */
	stride = ((size_t)disp->fb.w + 15) & ~(size_t)15;
	disp->fb.stride = (int)stride;
	disp->fb.px = logical_surface(d, a, i, stride * (size_t)disp->fb.h);
	if (!disp->fb.px) {
		display_note(ds, "display %d: no arena memory for %dx%d", i, w, h);
		return -ENOMEM;
	}
	for (int k = 0; k < 2; k++) {
		err = buf_create(d, dc->name, &o->buf[k], w, h, disp->format);
		if (err) {
			display_note(ds, "display %d: cannot make scanout buffers on %s", i, dc->name);
			return err;
		}
	}
	disp->active = 1;
	log_info("display %d: %s %dx%d@%d rotation %d on CRTC %u", i, disp->name, w, h,
		 disp->refresh, disp->rotation, o->crtc_id);
	return 0;
}

static int drm_open(struct displays *ds, const struct board *b, struct arena *a, struct loop *l)
{
	struct drm_local *d = &drm;
	int n = b->ndisplays, err, count = 0;
	struct drm_conn *picked[BOARD_MAX_DISPLAYS] = {0};

	ds->count = 0;
	ds->local = NULL;
	ds->error[0] = '\0';
	memset(ds->d, 0, sizeof ds->d);
	if (d->fd >= 0) {
		display_note(ds, "%s is already open", d->path);
		return -EBUSY;
	}
	if (n < 1 || n > BOARD_MAX_DISPLAYS) {
		display_note(ds, "profile %s asks for %d displays (1..%d)", b->path, n, BOARD_MAX_DISPLAYS);
		return -EINVAL;
	}
	d->nconns = 0;
	d->ncrtcs = 0;
	d->on_loop = 0;
	d->dropmaster = 0;
	memset(d->crtc_used, 0, sizeof d->crtc_used);
	memset(d->out, 0, sizeof d->out);

	/* libdrm hands back every answer in malloc'd memory. */
	guard_window_begin("drm: probe displays");
	err = probe(d, ds, b);
	if (!err) {
		for (int i = 0; i < n; i++) {
			picked[i] = pick_connector(d, ds, b, i);
			if (!picked[i])
				break;
			/* Reserve it (and its CRTC) before the next display picks. */
			d->out[i].conn_id = picked[i]->id;
			d->out[i].crtc_index = free_crtc(d, picked[i]);
			picked[i]->used = 1;
			d->out[i].crtc_id = d->crtcs[d->out[i].crtc_index];
			d->crtc_used[d->out[i].crtc_index] = 1;
			save_crtc(d, &d->out[i]);
			count++;
		}
	}
	guard_window_end();
	if (err)
		return err;
	if (count == 0) {
		display_note(ds, "no connected screen on %s", d->path);
		close(d->fd);
		d->fd = -1;
		return -ENODEV;
	}

	if (drmIsMaster(d->fd) == 0) {
		if (drmSetMaster(d->fd) == 0)
			d->dropmaster = 1;
		else
			log_warn("display: %s: not DRM master (%s); another program drives it?",
				 d->path, strerror(errno));
	}

	d->ds = ds;
	ds->local = d;
	for (int i = 0; i < count; i++) {
		err = setup_output(d, ds, a, i, picked[i], &b->display[i]);
		ds->count = i + 1;
		if (err) {
			release(d, ds, l);
			return err;
		}
	}
	if (l) {
		err = loop_add(l, d->fd, EPOLLIN, drm_event, d);
		if (err) {
			display_note(ds, "cannot watch %s on the loop: %s", d->path, strerror(-err));
			release(d, ds, l);
			return err;
		}
		d->on_loop = 1;
	} else {
		log_warn("display: %s: no loop given, page flips will never complete", d->path);
	}
	return 0;
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Show buffer back with a modeset: the first frame, and the fallback. */
static int show_setcrtc(struct drm_local *d, struct displays *ds, int i, int back)
{
	struct drm_out *o = &d->out[i];

	if (drmModeSetCrtc(d->fd, o->crtc_id, o->buf[back].fb_id, 0, 0, &o->conn_id, 1,
			   &o->mode) < 0) {
		int err = errno;

		log_error("display %d: %s: SetCrtc on %s: %s", i, d->path, ds->d[i].name,
			  strerror(err));
		return -err;
	}
	o->front = back;
	ds->d[i].frames++;
	if (ds->on_flip)
		ds->on_flip(ds->ctx, i);
	return 0;
}

static int drm_present(struct displays *ds, int i)
{
	struct drm_local *d = ds->local;
	struct display *disp;
	struct drm_out *o;
	struct surface scan;
	int back, err;

	if (!d || d->fd < 0 || i < 0 || i >= ds->count || !ds->d[i].active)
		return -EINVAL;
	disp = &ds->d[i];
	o = &d->out[i];
	if (disp->flip_pending) {
		if (ms_since(&o->queued_at) < FLIP_TIMEOUT_MS)
			return -EBUSY;
		/* The event never came: stop trusting flips on this driver. */
		log_warn("display %d: %s: page flip did not complete in %d ms, using SetCrtc",
			 i, disp->name, FLIP_TIMEOUT_MS);
		disp->flip_pending = 0;
		disp->flip_failures++;
		o->front = o->queued;
		o->setcrtc = 1;
	}
	back = o->front < 0 ? 0 : !o->front;
	scan.px = o->buf[back].map;
	scan.w = disp->mode_w;
	scan.h = disp->mode_h;
	scan.stride = (int)(o->buf[back].pitch / 4);
	if (disp->partial) {
		/* Only what this buffer missed since it was last shown. */
		struct scanout so = {scan.px, scan.w, scan.h, (int)o->buf[back].pitch, disp->format};

		err = damage_present(&so, &disp->fb, disp->rotation,
				     damage_bufs_take(&disp->damage, back));
		if (!err)
			damage_bufs_done(&disp->damage, back);
	} else if (disp->format != GFX_XRGB8888) {
		struct scanout so = {scan.px, scan.w, scan.h, (int)o->buf[back].pitch, disp->format};

		err = gfx_present_rect(&so, &disp->fb, disp->rotation, 0, 0, disp->fb.w, disp->fb.h);
	} else {
		err = gfx_blit_rotated(&scan, &disp->fb, disp->rotation);
	}
	if (err)
		return err;
	if (o->front < 0 || o->setcrtc)
		return show_setcrtc(d, ds, i, back);

	if (drmModePageFlip(d->fd, o->crtc_id, o->buf[back].fb_id, DRM_MODE_PAGE_FLIP_EVENT, o) ==
	    0) {
		o->queued = back;
		clock_gettime(CLOCK_MONOTONIC, &o->queued_at);
		disp->flip_pending = 1;
		return 0;
	}
	err = errno;
	disp->flip_failures++;
	/* A driver without flips says so every time: modeset from now on. */
	if (err == EINVAL || err == ENOSYS || err == EOPNOTSUPP) {
		o->setcrtc = 1;
		log_warn("display %d: %s: page flip not supported (%s), using SetCrtc", i,
			 disp->name, strerror(err));
	} else if (o->flip_warned < FLIP_WARN_MAX) {
		o->flip_warned++;
		log_warn("display %d: %s: page flip failed (%s), this frame by SetCrtc", i,
			 disp->name, strerror(err));
	}
	return show_setcrtc(d, ds, i, back);
}

/* Wait (briefly) for queued flips, so buffers are not pulled from under the CRTC. */
static void drain_flips(struct drm_local *d, struct displays *ds)
{
	for (int tries = 0; tries < 10; tries++) {
		struct pollfd p = {.fd = d->fd, .events = POLLIN};
		int pending = 0;

		for (int i = 0; i < ds->count; i++)
			pending |= ds->d[i].flip_pending;
		if (!pending || poll(&p, 1, 50) <= 0)
			return;
		drm_event(d, d->fd, EPOLLIN);
	}
}

static void release(struct drm_local *d, struct displays *ds, struct loop *l)
{
	if (d->fd < 0)
		return;
	drain_flips(d, ds);
	if (d->on_loop && l)
		loop_del(l, d->fd);
	d->on_loop = 0;
	for (int i = 0; i < BOARD_MAX_DISPLAYS; i++) {
		struct drm_out *o = &d->out[i];

		/* Give the console its picture back (the kernel would blank it). */
		if (o->saved && o->saved_fb && o->front >= 0)
			drmModeSetCrtc(d->fd, o->crtc_id, o->saved_fb, o->saved_x, o->saved_y,
				       &o->conn_id, 1, o->saved_mode_valid ? &o->saved_mode : NULL);
		for (int k = 0; k < 2; k++)
			buf_destroy(d->fd, &o->buf[k]);
		memset(o, 0, sizeof *o);
	}
	if (d->dropmaster)
		drmDropMaster(d->fd);
	close(d->fd);
	d->fd = -1;
	d->ds = NULL;
	memset(ds->d, 0, sizeof ds->d);
	ds->count = 0;
	ds->local = NULL;
}

static void drm_close(struct displays *ds, struct loop *l)
{
	if (ds->local == &drm)
		release(&drm, ds, l);
}

int display_drm_drop_master(struct displays *ds)
{
	struct drm_local *d = ds->local;

	if (d != &drm || d->fd < 0)
		return -EINVAL;
	drain_flips(d, ds);
	/* The screens are the next master's: nothing is put back on close. */
	for (int i = 0; i < BOARD_MAX_DISPLAYS; i++)
		d->out[i].saved = 0;
	if (drmDropMaster(d->fd) < 0) {
		int err = errno;

		log_warn("display: %s: cannot drop DRM master: %s", d->path, strerror(err));
		return -err;
	}
	d->dropmaster = 0;
	return 0;
}

const struct display_ops display_drm_ops = {
	.name = "drm",
	.open = drm_open,
	.present = drm_present,
	.close = drm_close,
};
