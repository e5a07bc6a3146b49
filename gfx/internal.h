/*
 * internal.h: what the gfx/ files share and callers never see: clipping
 * and the kernel table in use.
 */
#ifndef SLIPMAT_GFX_INTERNAL_H
#define SLIPMAT_GFX_INTERNAL_H

#include <stddef.h>

#include "gfx.h"

static inline int gfx_surface_ok(const struct surface *s)
{
	return s && s->px && s->w > 0 && s->h > 0 && s->stride >= s->w;
}

/*
 * Intersect x, y, w, h with s.
 * Return: 1 with the visible part in out (x0, y0, x1, y1
 * exclusive), or 0. Done in long long so that coordinates near INT_MAX
 * cannot overflow into the surface.
 */
static inline int gfx_clip_local(const struct surface *s, long long x, long long y, long long w,
                                 long long h, int out[4])
{
	long long x0, y0, x1, y1;

	if (!gfx_surface_ok(s) || w <= 0 || h <= 0)
		return 0;
	x0 = x;
	y0 = y;
	x1 = x + w;
	y1 = y + h;
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > s->w)
		x1 = s->w;
	if (y1 > s->h)
		y1 = s->h;
	if (x0 >= x1 || y0 >= y1)
		return 0;
	out[0] = (int)x0;
	out[1] = (int)y0;
	out[2] = (int)x1;
	out[3] = (int)y1;
	return 1;
}

static inline uint32_t *gfx_row(const struct surface *s, int local_y)
{
	return s->px + (size_t)local_y * (size_t)s->stride;
}

/* The kernels in use (never NULL). */
extern const struct gfx_kernels *gfx_k;

/* x / 255 rounded to nearest, exact for x <= 255 * 255: how every kernel rounds. */
static inline unsigned gfx_div255(unsigned x)
{
	x += 128;
	return (x + (x >> 8)) >> 8;
}

/* c over d at alpha a (0..255), X byte 0: the reference pixel blend. */
static inline uint32_t gfx_blend_px(uint32_t d, uint32_t c, unsigned a)
{
	unsigned ia = 255 - a;
	uint32_t rb = (c & 0xff00ff) * a + (d & 0xff00ff) * ia + 0x800080;
	uint32_t g = ((c >> 8) & 0xff) * a + ((d >> 8) & 0xff) * ia + 0x80;

	rb = ((rb + ((rb >> 8) & 0xff00ff)) >> 8) & 0xff00ff;
	g = ((g + (g >> 8)) >> 8) & 0xff;
	return rb | g << 8;
}

#endif
