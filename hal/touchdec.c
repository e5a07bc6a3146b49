/*
 * touchdec.c: the touch decoder and the pure decisions about touch
 * devices. Nothing here does I/O or allocates; see touchdec.h.
 */
#include "touchdec.h"

#include <errno.h>
#include <string.h>

#include "../fw/board.h"

int touchdec_init(struct touchdec *d, const struct touchdec_config *cfg)
{
	int i;

	memset(d, 0, sizeof *d);
	if (cfg->kind != TOUCHDEC_MT && cfg->kind != TOUCHDEC_SINGLE)
		return -EINVAL;
	if (cfg->x_min == cfg->x_max || cfg->y_min == cfg->y_max)
		return -EINVAL;
	if (cfg->native_w <= 0 || cfg->native_h <= 0)
		return -EINVAL;
	if (cfg->rotation != 0 && cfg->rotation != 90 && cfg->rotation != 180 &&
	    cfg->rotation != 270)
		return -EINVAL;
	d->cfg = *cfg;
	for (i = 0; i < TOUCHDEC_SLOTS; i++) {
		d->s[i].id = -1;
		d->s[i].raw_x = cfg->x_min;
		d->s[i].raw_y = cfg->y_min;
	}
	return 0;
}

/*
 * Where v falls in lo..hi, as a pixel 0..n-1 (rounded, clamped). A range
 * given backwards (lo > hi) is a mirrored axis, which a calibration may
 * legitimately say.
 */
static int scale(int v, int lo, int hi, int n)
{
	long long num = (long long)v - lo, den = (long long)hi - lo;

	if (den < 0) {
		num = -num;
		den = -den;
	}
	if (num < 0)
		num = 0;
	if (num > den)
		num = den;
	return (int)((num * (n - 1) + den / 2) / den);
}

void touchdec_map(const struct touchdec_config *c, int raw_x, int raw_y, int *x, int *y)
{
	int nx, ny;

	/* Calibration and swap: the native x axis comes from raw y when swapped. */
	if (c->swap_xy) {
		nx = scale(raw_y, c->y_min, c->y_max, c->native_w);
		ny = scale(raw_x, c->x_min, c->x_max, c->native_h);
	} else {
		nx = scale(raw_x, c->x_min, c->x_max, c->native_w);
		ny = scale(raw_y, c->y_min, c->y_max, c->native_h);
	}
	/* Mirroring in 0..1 is mirroring across the panel's pixels. */
	if (c->invert_x)
		nx = c->native_w - 1 - nx;
	if (c->invert_y)
		ny = c->native_h - 1 - ny;

	/*
	 * Native to logical: the inverse of gfx_rotate_point(), which puts
	 * logical (x, y) at native (y, h-1-x) at 90, (w-1-x, h-1-y) at 180
	 * and (w-1-y, x) at 270 (w, h native).
	 */
	switch (c->rotation) {
	case 90:
		*x = c->native_h - 1 - ny;
		*y = nx;
		break;
	case 180:
		*x = c->native_w - 1 - nx;
		*y = c->native_h - 1 - ny;
		break;
	case 270:
		*x = ny;
		*y = c->native_w - 1 - nx;
		break;
	default:
		*x = nx;
		*y = ny;
		break;
	}
}

void touchdec_config_board(struct touchdec_config *cfg, const struct board_touch *bt,
                           enum touchdec_kind kind, const int dev_range[4], int native_w,
                           int native_h, int rotation)
{
	const int *r = bt->calibrated ? bt->cal : dev_range;

	memset(cfg, 0, sizeof *cfg);
	cfg->kind = kind;
	cfg->display = bt->display;
	cfg->x_min = r[0];
	cfg->x_max = r[1];
	cfg->y_min = r[2];
	cfg->y_max = r[3];
	cfg->swap_xy = bt->swap_xy;
	cfg->invert_x = bt->invert_x;
	cfg->invert_y = bt->invert_y;
	cfg->native_w = native_w;
	cfg->native_h = native_h;
	cfg->rotation = rotation;
}

static void emit_point(struct touchdec *d, int slot, enum touch_kind kind, touch_fn *emit,
                       void *ctx)
{
	struct touch_point p = {
	    .display = d->cfg.display,
	    .slot = slot,
	    .kind = kind,
	    .x = d->s[slot].x,
	    .y = d->s[slot].y,
	    .t_ns = d->frame_ns,
	};

	emit(ctx, &p);
}

/* SYN_REPORT: tell the UI the difference between the device and what it saw. */
static void report(struct touchdec *d, touch_fn *emit, void *ctx)
{
	int i;

	d->frames++;
	if (d->cfg.kind == TOUCHDEC_SINGLE) {
		struct touchdec_slot *s = &d->s[0];
		int down = d->btn_touch || d->btn_left;

		if (down && s->id < 0)
			s->id = d->next_id++ & 0xffff;
		else if (!down)
			s->id = -1;
	}

	/* Lifts first, so a slot reused by a new contact reads UP then DOWN. */
	for (i = 0; i < TOUCHDEC_SLOTS; i++) {
		struct touchdec_slot *s = &d->s[i];
		int x, y;

		if (!s->shown || (s->id >= 0 && s->id == s->shown_id))
			continue;
		/*
		 * A contact that moved in the frame it ended in (a tablet's
		 * drag-and-release report, a resync after a drop) ends where
		 * it went. A slot taken over by a new contact holds the new
		 * one's position, so the old one ends where it was last seen.
		 */
		if (s->id < 0) {
			touchdec_map(&d->cfg, s->raw_x, s->raw_y, &x, &y);
			if (x != s->x || y != s->y) {
				s->x = x;
				s->y = y;
				emit_point(d, i, TOUCH_MOVE, emit, ctx);
			}
		}
		s->shown = 0;
		emit_point(d, i, TOUCH_UP, emit, ctx);
	}
	for (i = 0; i < TOUCHDEC_SLOTS; i++) {
		struct touchdec_slot *s = &d->s[i];
		int x, y;

		if (s->id < 0)
			continue;
		touchdec_map(&d->cfg, s->raw_x, s->raw_y, &x, &y);
		if (!s->shown) {
			s->shown = 1;
			s->shown_id = s->id;
			s->x = x;
			s->y = y;
			emit_point(d, i, TOUCH_DOWN, emit, ctx);
		} else if (x != s->x || y != s->y) {
			s->x = x;
			s->y = y;
			emit_point(d, i, TOUCH_MOVE, emit, ctx);
		}
	}
}

static void feed_abs_mt(struct touchdec *d, int code, int value)
{
	struct touchdec_slot *s;

	if (code == ABS_MT_SLOT) {
		d->slot = value >= 0 && value < TOUCHDEC_SLOTS ? value : -1;
		return;
	}
	/* Contacts beyond the slots we keep are ignored, all of their events. */
	if (d->slot < 0)
		return;
	s = &d->s[d->slot];
	switch (code) {
	case ABS_MT_TRACKING_ID:
		s->id = value < 0 ? -1 : value;
		break;
	case ABS_MT_POSITION_X:
		s->raw_x = value;
		break;
	case ABS_MT_POSITION_Y:
		s->raw_y = value;
		break;
	default:
		break;
	}
}

void touchdec_feed(struct touchdec *d, const struct input_event *ev, touch_fn *emit, void *ctx)
{
	if (d->dropping) {
		if (ev->type == EV_SYN && ev->code == SYN_REPORT)
			d->dropping = 0;
		return;
	}
	switch (ev->type) {
	case EV_SYN:
		if (ev->code == SYN_REPORT) {
			d->frame_ns = (long long)ev->input_event_sec * 1000000000LL +
			              (long long)ev->input_event_usec * 1000;
			report(d, emit, ctx);
		} else if (ev->code == SYN_DROPPED) {
			d->dropping = 1;
			d->dropped++;
		}
		break;
	case EV_KEY:
		/* MT devices say touching through tracking ids; their BTN_TOUCH is redundant. */
		if (d->cfg.kind != TOUCHDEC_SINGLE)
			break;
		if (ev->code == BTN_TOUCH)
			d->btn_touch = ev->value != 0;
		else if (ev->code == BTN_LEFT)
			d->btn_left = ev->value != 0;
		break;
	case EV_ABS:
		if (d->cfg.kind == TOUCHDEC_MT) {
			if (ev->code >= ABS_MT_SLOT)
				feed_abs_mt(d, ev->code, ev->value);
		} else if (ev->code == ABS_X) {
			d->s[0].raw_x = ev->value;
		} else if (ev->code == ABS_Y) {
			d->s[0].raw_y = ev->value;
		}
		break;
	default:
		break;
	}
}

void touchdec_sync(struct touchdec *d)
{
	d->dropping = 0;
}

void touchdec_release(struct touchdec *d, touch_fn *emit, void *ctx)
{
	int i;

	d->frame_ns = 0; /* no frame of the device's says when */
	for (i = 0; i < TOUCHDEC_SLOTS; i++) {
		struct touchdec_slot *s = &d->s[i];

		s->id = -1;
		if (s->shown) {
			s->shown = 0;
			emit_point(d, i, TOUCH_UP, emit, ctx);
		}
	}
	d->btn_touch = 0;
	d->btn_left = 0;
	d->dropping = 0;
}

enum touchdec_kind touchdec_classify(const struct touchdec_caps *c, const char **why)
{
	int pressable = c->btn_touch || c->btn_left;
	const char *dummy;

	if (!why)
		why = &dummy;
	/*
	 * A touchpad moves a pointer by relative finger motion; mapping its
	 * surface absolutely onto a deck's screen would surprise a DJ.
	 */
	if (!c->prop_direct && c->prop_pointer && c->btn_tool_finger) {
		*why = "touchpad";
		return TOUCHDEC_NONE;
	}
	if (c->mt_x && c->mt_y && c->mt_slot && c->mt_tracking_id &&
	    (c->prop_direct || pressable)) {
		*why = "multitouch (protocol B)";
		return TOUCHDEC_MT;
	}
	/* Also protocol-A panels, through the single-touch axes they all carry. */
	if (c->abs_x && c->abs_y && pressable) {
		*why = c->btn_touch ? "single-touch" : "absolute pointer";
		return TOUCHDEC_SINGLE;
	}
	if (c->rel_x || c->rel_y)
		*why = "relative pointer";
	else if (!c->abs_x && !c->abs_y && !c->mt_x)
		*why = "no position axes";
	else
		*why = "no touch or button to say when it is pressed";
	return TOUCHDEC_NONE;
}

int touchdec_match(const struct board *b, const char *name, const char *phys)
{
	int i, n = b->ntouch < BOARD_MAX_TOUCH ? b->ntouch : BOARD_MAX_TOUCH;

	for (i = 0; i < n; i++) {
		const struct board_touch *bt = &b->touch[i];

		switch (bt->match) {
		case TOUCH_MATCH_ANY:
			return i;
		case TOUCH_MATCH_NAME:
			if (name && strcmp(bt->pattern, name) == 0)
				return i;
			break;
		case TOUCH_MATCH_PHYS:
			if (phys && strcmp(bt->pattern, phys) == 0)
				return i;
			break;
		}
	}
	return -1;
}
