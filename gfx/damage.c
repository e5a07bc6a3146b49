/*
 * damage.c: small fixed lists of rectangles; no allocation, O(DAMAGE_MAX^2)
 * at worst per mark, which is nothing next to the pixels it saves.
 */
#include "damage.h"

#include <limits.h>
#include <string.h>

#include "gfx.h"

static long long area(struct rect r)
{
	return (long long)r.w * r.h;
}

static struct rect unite(struct rect a, struct rect b)
{
	int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
	int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;

	return (struct rect){x0, y0, x1 - x0, y1 - y0};
}

/* Overlapping or touching edge to edge. */
static int touches(struct rect a, struct rect b)
{
	return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
}

static int contains(struct rect a, struct rect b)
{
	return b.x >= a.x && b.y >= a.y && b.x + b.w <= a.x + a.w && b.y + b.h <= a.y + a.h;
}

void damage_init(struct damage *d, int w, int h)
{
	memset(d, 0, sizeof *d);
	d->w = w > 0 ? w : 0;
	d->h = h > 0 ? h : 0;
}

void damage_clear(struct damage *d)
{
	d->n = 0;
}

void damage_all(struct damage *d)
{
	d->n = 0;
	damage_add(d, 0, 0, d->w, d->h);
}

static void insert(struct damage *d, struct rect r)
{
	int merged;

	/* Swallow or merge with what it touches, until nothing more does. */
	do {
		merged = 0;
		for (int i = 0; i < d->n; i++) {
			if (contains(d->r[i], r))
				return;
			if (contains(r, d->r[i]) ||
			    (touches(r, d->r[i]) &&
			     area(unite(r, d->r[i])) <= area(r) + area(d->r[i]))) {
				r = unite(r, d->r[i]);
				d->r[i] = d->r[--d->n];
				merged = 1;
				break;
			}
		}
	} while (merged);
	if (d->n == DAMAGE_MAX) {
		/* Full: merge r with the rectangle whose union wastes least. */
		long long best = LLONG_MAX;
		int k = 0;

		for (int i = 0; i < d->n; i++) {
			long long waste = area(unite(r, d->r[i])) - area(r) - area(d->r[i]);

			if (waste < best)
				best = waste, k = i;
		}
		r = unite(r, d->r[k]);
		d->r[k] = d->r[--d->n];
		insert(d, r);
		return;
	}
	d->r[d->n++] = r;
}

void damage_add(struct damage *d, int x, int y, int w, int h)
{
	long long x0 = x, y0 = y, x1 = (long long)x + w, y1 = (long long)y + h;

	if (w <= 0 || h <= 0)
		return;
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > d->w)
		x1 = d->w;
	if (y1 > d->h)
		y1 = d->h;
	if (x0 >= x1 || y0 >= y1)
		return;
	insert(d, (struct rect){(int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0)});
}

long long damage_area(const struct damage *d)
{
	long long a = 0;

	for (int i = 0; i < d->n; i++)
		a += area(d->r[i]);
	return a;
}

int damage_hits(const struct damage *d, int x, int y, int w, int h)
{
	for (int i = 0; i < d->n; i++) {
		const struct rect *r = &d->r[i];

		if (w > 0 && h > 0 && (long long)x < r->x + r->w && (long long)x + w > r->x &&
		    (long long)y < r->y + r->h && (long long)y + h > r->y)
			return 1;
	}
	return 0;
}

void damage_bufs_init(struct damage_bufs *b, int nbuf, int w, int h)
{
	if (nbuf < 1)
		nbuf = 1;
	if (nbuf > DAMAGE_BUFS)
		nbuf = DAMAGE_BUFS;
	b->nbuf = nbuf;
	damage_init(&b->frame, w, h);
	for (int i = 0; i < DAMAGE_BUFS; i++) {
		damage_init(&b->buf[i], w, h);
		damage_all(&b->buf[i]);
	}
}

void damage_bufs_add(struct damage_bufs *b, int x, int y, int w, int h)
{
	damage_add(&b->frame, x, y, w, h);
}

const struct damage *damage_bufs_take(struct damage_bufs *b, int index)
{
	if (index < 0 || index >= b->nbuf)
		return NULL;
	for (int i = 0; i < b->nbuf; i++)
		for (int k = 0; k < b->frame.n; k++) {
			const struct rect *r = &b->frame.r[k];

			damage_add(&b->buf[i], r->x, r->y, r->w, r->h);
		}
	damage_clear(&b->frame);
	return &b->buf[index];
}

void damage_bufs_done(struct damage_bufs *b, int index)
{
	if (index >= 0 && index < b->nbuf)
		damage_clear(&b->buf[index]);
}

int damage_present(struct scanout *dst, const struct surface *src, int rotation,
                   const struct damage *d)
{
	for (int i = 0; i < d->n; i++) {
		int err = gfx_present_rect(dst, src, rotation, d->r[i].x, d->r[i].y, d->r[i].w,
		                           d->r[i].h);

		if (err)
			return err;
	}
	return 0;
}
