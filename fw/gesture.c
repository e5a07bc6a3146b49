/*
 * gesture: see gesture.h. One struct gesture_finger per (display, slot);
 * a finger's events go to the control it landed on until it lifts.
 */
#include "gesture.h"

#include <math.h>
#include <string.h>

void gesture_init(struct gesture_tracker *g, gesture_hit_fn *hit, gesture_fn *emit, void *ctx)
{
	memset(g, 0, sizeof *g);
	g->hit = hit;
	g->emit = emit;
	g->ctx = ctx;
	for (int i = 0; i < BOARD_MAX_DISPLAYS; i++)
		g->px_per_mm[i] = 6.0f;
	for (int i = 0; i < GESTURE_FINGERS; i++)
		g->finger[i].partner = -1;
}

void gesture_set_density(struct gesture_tracker *g, int display, float px_per_mm)
{
	if (display >= 0 && display < BOARD_MAX_DISPLAYS && px_per_mm > 0)
		g->px_per_mm[display] = px_per_mm;
}

int gesture_fingers(const struct gesture_tracker *g)
{
	int n = 0;

	for (int i = 0; i < GESTURE_FINGERS; i++)
		n += g->finger[i].down;
	return n;
}

static float mm(const struct gesture_tracker *g, int display, float px)
{
	return px / g->px_per_mm[display];
}

static float dist(int ax, int ay, int bx, int by)
{
	return hypotf((float)(ax - bx), (float)(ay - by));
}

/* A gesture event of finger i with the common fields filled in. */
static struct gesture event(const struct gesture_tracker *g, int i, enum gesture_kind kind,
                            long ms)
{
	const struct gesture_finger *f = &g->finger[i];
	struct gesture e = {
		.kind = kind,
		.display = f->display,
		.target = f->target,
		.finger = i,
		.x = f->x,
		.y = f->y,
		.x0 = f->x0,
		.y0 = f->y0,
		.scale = 1.0f,
		.ms = ms,
		.touch_ns = g->touch_ns,
	};
	return e;
}

static void emit(struct gesture_tracker *g, int i, enum gesture_kind kind, long ms)
{
	struct gesture e = event(g, i, kind, ms);

	g->emit(g->ctx, &e);
}

static void remember(struct gesture_finger *f, long ms)
{
	if (f->nhist == GESTURE_HISTORY) {
		memmove(&f->hist[0], &f->hist[1], sizeof f->hist[0] * (GESTURE_HISTORY - 1));
		f->nhist--;
	}
	f->hist[f->nhist].ms = ms;
	f->hist[f->nhist].x = f->x;
	f->hist[f->nhist].y = f->y;
	f->nhist++;
}

/*
 * The finger's speed over its last GESTURE_VELOCITY_MS: from the oldest
 * remembered position inside that window to the newest. A finger that
 * stopped before lifting has no recent motion and reads 0.
 */
static void velocity(const struct gesture_finger *f, long now, float *vx, float *vy)
{
	int newest = f->nhist - 1, oldest = newest;

	*vx = *vy = 0;
	if (newest < 1 || now - f->hist[newest].ms > GESTURE_VELOCITY_MS / 2)
		return;
	while (oldest > 0 && now - f->hist[oldest - 1].ms <= GESTURE_VELOCITY_MS)
		oldest--;
	if (oldest == newest || f->hist[newest].ms == f->hist[oldest].ms)
		return;
	float dt = (float)(f->hist[newest].ms - f->hist[oldest].ms) / 1000.0f;
	*vx = (float)(f->hist[newest].x - f->hist[oldest].x) / dt;
	*vy = (float)(f->hist[newest].y - f->hist[oldest].y) / dt;
}

static int find(const struct gesture_tracker *g, int display, int slot)
{
	for (int i = 0; i < GESTURE_FINGERS; i++)
		if (g->finger[i].down && g->finger[i].display == display &&
		    g->finger[i].slot == slot)
			return i;
	return -1;
}

static float spread(const struct gesture_tracker *g, int a, int b)
{
	const struct gesture_finger *fa = &g->finger[a], *fb = &g->finger[b];

	return dist(fa->x, fa->y, fb->x, fb->y);
}

static void pinch_event(struct gesture_tracker *g, int i, enum gesture_kind kind, long ms)
{
	struct gesture e = event(g, i, kind, ms);
	const struct gesture_finger *f = &g->finger[i];
	const struct gesture_finger *o = &g->finger[f->partner];

	/* The pinch's position is the middle of the two fingers. */
	e.x = (f->x + o->x) / 2;
	e.y = (f->y + o->y) / 2;
	e.x0 = (f->x0 + o->x0) / 2;
	e.y0 = (f->y0 + o->y0) / 2;
	e.scale = f->spread0 > 0 ? spread(g, i, f->partner) / f->spread0 : 1.0f;
	g->emit(g->ctx, &e);
}

static void down(struct gesture_tracker *g, const struct touch_point *p, long ms)
{
	int i, other = -1;
	struct gesture_finger *f;

	if (p->display < 0 || p->display >= BOARD_MAX_DISPLAYS)
		return;
	i = find(g, p->display, p->slot);
	if (i >= 0) /* a DOWN for a finger we think is down: the old one lifted unseen */
		g->finger[i].down = 0;
	for (i = 0; i < GESTURE_FINGERS && g->finger[i].down; i++)
		;
	if (i == GESTURE_FINGERS)
		return;
	f = &g->finger[i];
	memset(f, 0, sizeof *f);
	f->down = 1;
	f->display = p->display;
	f->slot = p->slot;
	f->x0 = f->x = f->lastx = p->x;
	f->y0 = f->y = f->lasty = p->y;
	f->t0 = ms;
	f->partner = -1;
	f->target = g->hit ? g->hit(g->ctx, p->display, p->x, p->y) : -1;
	if (f->target < 0) {
		f->mute = 1; /* nothing there: the finger is followed but says nothing */
		return;
	}
	remember(f, ms);

	/* A second finger on a control that has one (not yet pinching): a pinch. */
	for (int j = 0; j < GESTURE_FINGERS; j++) {
		const struct gesture_finger *o = &g->finger[j];

		if (j != i && o->down && !o->mute && o->partner < 0 && o->display == f->display &&
		    o->target == f->target) {
			other = j;
			break;
		}
	}
	if (other < 0) {
		f->pressed = 1;
		emit(g, i, GESTURE_PRESS, ms);
		return;
	}
	struct gesture_finger *o = &g->finger[other];

	if (o->dragging) {
		emit(g, other, GESTURE_DRAG_END, ms);
		o->dragging = 0;
	}
	f->partner = other;
	o->partner = i;
	f->pinched = o->pinched = 1;
	f->spread0 = o->spread0 = spread(g, i, other);
	pinch_event(g, other, GESTURE_PINCH_BEGIN, ms);
}

static void move(struct gesture_tracker *g, const struct touch_point *p, long ms)
{
	int i = find(g, p->display, p->slot);
	struct gesture_finger *f;

	if (i < 0)
		return;
	f = &g->finger[i];
	if (p->x == f->x && p->y == f->y)
		return;
	f->x = p->x;
	f->y = p->y;
	if (f->mute)
		return;
	remember(f, ms);
	if (f->partner >= 0) {
		pinch_event(g, i, GESTURE_PINCH, ms);
		return;
	}
	if (f->pinched) /* left over from a pinch: only its RELEASE is to come */
		return;
	if (!f->dragging && mm(g, f->display, dist(f->x, f->y, f->x0, f->y0)) > GESTURE_SLOP_MM) {
		f->dragging = 1;
		f->lastx = f->x0;
		f->lasty = f->y0;
		emit(g, i, GESTURE_DRAG_BEGIN, ms);
	}
	if (f->dragging) {
		struct gesture e = event(g, i, GESTURE_DRAG, ms);

		e.dx = f->x - f->lastx;
		e.dy = f->y - f->lasty;
		velocity(f, ms, &e.vx, &e.vy);
		f->lastx = f->x;
		f->lasty = f->y;
		g->emit(g->ctx, &e);
	}
}

static void tap(struct gesture_tracker *g, int i, long ms)
{
	struct gesture_finger *f = &g->finger[i];
	int twice = g->last_tap.valid && g->last_tap.display == f->display &&
	            g->last_tap.target == f->target && f->t0 - g->last_tap.ms <= GESTURE_DOUBLE_MS &&
	            mm(g, f->display, dist(f->x0, f->y0, g->last_tap.x, g->last_tap.y)) <=
	                GESTURE_DOUBLE_MM;

	emit(g, i, GESTURE_TAP, ms);
	if (twice) {
		emit(g, i, GESTURE_DOUBLE_TAP, ms);
		g->last_tap.valid = 0; /* a third tap starts over */
		return;
	}
	g->last_tap.valid = 1;
	g->last_tap.display = f->display;
	g->last_tap.target = f->target;
	g->last_tap.x = f->x;
	g->last_tap.y = f->y;
	g->last_tap.ms = ms;
}

static void up(struct gesture_tracker *g, int i, long ms)
{
	struct gesture_finger *f = &g->finger[i];

	if (!f->down)
		return;
	if (!f->mute) {
		if (f->partner >= 0) {
			struct gesture_finger *o = &g->finger[f->partner];

			pinch_event(g, i, GESTURE_PINCH_END, ms);
			o->partner = -1;
			f->partner = -1;
		} else if (f->dragging) {
			float vx, vy;

			velocity(f, ms, &vx, &vy);
			emit(g, i, GESTURE_DRAG_END, ms);
			if (mm(g, f->display, hypotf(vx, vy)) >= GESTURE_FLING_MM_S) {
				struct gesture e = event(g, i, GESTURE_FLING, ms);

				e.vx = vx;
				e.vy = vy;
				g->emit(g->ctx, &e);
			}
		} else if (!f->long_pressed && !f->pinched) {
			tap(g, i, ms);
		}
		if (f->pressed)
			emit(g, i, GESTURE_RELEASE, ms);
	}
	f->down = 0;
}

void gesture_touch(struct gesture_tracker *g, const struct touch_point *p, long ms)
{
	int i;

	g->touch_ns = p->t_ns;
	switch (p->kind) {
	case TOUCH_DOWN:
		down(g, p, ms);
		break;
	case TOUCH_MOVE:
		move(g, p, ms);
		break;
	case TOUCH_UP:
		i = find(g, p->display, p->slot);
		if (i >= 0) {
			g->finger[i].x = p->x;
			g->finger[i].y = p->y;
			up(g, i, ms);
		}
		break;
	}
	g->touch_ns = 0;
}

void gesture_tick(struct gesture_tracker *g, long ms)
{
	for (int i = 0; i < GESTURE_FINGERS; i++) {
		struct gesture_finger *f = &g->finger[i];

		if (f->down && !f->mute && !f->dragging && !f->long_pressed && !f->pinched &&
		    ms - f->t0 >= GESTURE_LONG_MS) {
			f->long_pressed = 1;
			emit(g, i, GESTURE_LONG_PRESS, ms);
		}
	}
}
