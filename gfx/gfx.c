/*
 * gfx.c: clipping first, then plain loops.
 *
 * Every entry point reduces its shape to a rectangle intersected with the
 * surface before touching a pixel. The intersection is done in long long
 * so that coordinates near INT_MAX cannot overflow into the surface.
 */
#include "gfx.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "../fonts/font.h"

static int surface_ok(const struct surface *s)
{
	return s && s->px && s->w > 0 && s->h > 0 && s->stride >= s->w;
}

/*
 * Intersect x, y, w, h with s.
 * Return: 1 with the visible part in out (x0, y0, x1, y1 exclusive), or 0.
 */
static int clip(const struct surface *s, long long x, long long y, long long w, long long h,
		int out[4])
{
	long long x0 = x, y0 = y, x1 = x + w, y1 = y + h;

	if (!surface_ok(s) || w <= 0 || h <= 0)
		return 0;
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

struct surface gfx_sub(const struct surface *s, int x, int y, int w, int h)
{
	struct surface v = {0};
	int c[4];

	if (clip(s, x, y, w, h, c)) {
		v.px = s->px + (size_t)c[1] * (size_t)s->stride + (size_t)c[0];
		v.w = c[2] - c[0];
		v.h = c[3] - c[1];
		v.stride = s->stride;
	}
	return v;
}

void gfx_fill_rect_scalar(struct surface *s, int x, int y, int w, int h, uint32_t colour)
{
	int c[4];

	if (!clip(s, x, y, w, h, c))
		return;
	for (int py = c[1]; py < c[3]; py++) {
		uint32_t *row = s->px + (size_t)py * (size_t)s->stride;

		for (int px = c[0]; px < c[2]; px++)
			row[px] = colour;
	}
}

void gfx_fill_rect(struct surface *s, int x, int y, int w, int h, uint32_t colour)
{
	gfx_fill_rect_scalar(s, x, y, w, h, colour);
}

void gfx_clear(struct surface *s, uint32_t colour)
{
	if (surface_ok(s))
		gfx_fill_rect(s, 0, 0, s->w, s->h, colour);
}

void gfx_hline(struct surface *s, int x, int y, int len, uint32_t colour)
{
	gfx_fill_rect(s, x, y, len, 1, colour);
}

void gfx_vline(struct surface *s, int x, int y, int len, uint32_t colour)
{
	gfx_fill_rect(s, x, y, 1, len, colour);
}

void gfx_rect_outline(struct surface *s, int x, int y, int w, int h, int thick, uint32_t colour)
{
	if (w <= 0 || h <= 0 || thick <= 0)
		return;
	/* Thick enough to meet in the middle: it is a filled rectangle. */
	if (thick * 2 >= w || thick * 2 >= h) {
		gfx_fill_rect(s, x, y, w, h, colour);
		return;
	}
	gfx_fill_rect(s, x, y, w, thick, colour);
	gfx_fill_rect(s, x, (int)((long long)y + h - thick), w, thick, colour);
	gfx_fill_rect(s, x, (int)((long long)y + thick), thick, h - 2 * thick, colour);
	gfx_fill_rect(s, (int)((long long)x + w - thick), (int)((long long)y + thick), thick,
		      h - 2 * thick, colour);
}

void gfx_circle(struct surface *s, int cx, int cy, int r, int thick, uint32_t colour)
{
	long long outer, inner, in_r;
	int c[4];

	if (r < 0 || thick <= 0)
		return;
	/* In units of half a pixel, squared: (2d)^2 against (2r+1)^2. */
	outer = (2LL * r + 1) * (2LL * r + 1);
	in_r = 2LL * (r - thick) + 1;
	inner = in_r > 0 ? in_r * in_r : 0;
	if (!clip(s, (long long)cx - r, (long long)cy - r, 2LL * r + 1, 2LL * r + 1, c))
		return;
	for (int py = c[1]; py < c[3]; py++) {
		uint32_t *row = s->px + (size_t)py * (size_t)s->stride;
		long long dy = py - (long long)cy;

		for (int px = c[0]; px < c[2]; px++) {
			long long dx = px - (long long)cx;
			long long d = 4 * (dx * dx + dy * dy);

			if (d <= outer && d >= inner)
				row[px] = colour;
		}
	}
}

int gfx_glyph_scalar(struct surface *s, const struct font *f, int x, int y, int scale,
		     uint32_t colour, int ch)
{
	const uint8_t *g;
	int c[4];

	if (scale < 1)
		scale = 1;
	if (!clip(s, x, y, (long long)f->w * scale, (long long)f->h * scale, c))
		return f->w * scale;
	g = font_glyph(f, ch);
	for (int py = c[1]; py < c[3]; py++) {
		uint32_t *row = s->px + (size_t)py * (size_t)s->stride;
		size_t glyph_row = (size_t)((py - (long long)y) / scale);
		const uint8_t *bits = g + glyph_row * (size_t)f->row_bytes;

		for (int px = c[0]; px < c[2]; px++) {
			int col = (int)((px - (long long)x) / scale);

			if (bits[col >> 3] & (0x80 >> (col & 7)))
				row[px] = colour;
		}
	}
	return f->w * scale;
}

int gfx_text_width(const struct font *f, int scale, const char *text)
{
	size_t n = text ? strlen(text) : 0;
	long long w;

	if (scale < 1)
		scale = 1;
	w = (long long)n * f->w * scale;
	return w > INT_MAX ? INT_MAX : (int)w;
}

int gfx_text_scaled(struct surface *s, const struct font *f, int x, int y, int scale,
		    uint32_t colour, const char *text)
{
	long long pen = x;
	int advance;

	if (scale < 1)
		scale = 1;
	advance = f->w * scale;
	if (!text)
		return 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		/* Past the right edge nothing more can show; keep counting only. */
		if (surface_ok(s) && pen < s->w && pen + advance > 0)
			gfx_glyph_scalar(s, f, (int)pen, y, scale, colour, *p);
		pen += advance;
		if (pen > INT_MAX)
			break;
	}
	return gfx_text_width(f, scale, text);
}

int gfx_text(struct surface *s, const struct font *f, int x, int y, uint32_t colour,
	     const char *text)
{
	return gfx_text_scaled(s, f, x, y, 1, colour, text);
}

static int rotation_ok(int rotation)
{
	return rotation == 0 || rotation == 90 || rotation == 180 || rotation == 270;
}

int gfx_rotate_point(int rotation, int src_w, int src_h, int x, int y, int *out_x, int *out_y)
{
	switch (rotation) {
	case 0:
		*out_x = x;
		*out_y = y;
		return 0;
	case 90:
		*out_x = y;
		*out_y = src_w - 1 - x;
		return 0;
	case 180:
		*out_x = src_w - 1 - x;
		*out_y = src_h - 1 - y;
		return 0;
	case 270:
		*out_x = src_h - 1 - y;
		*out_y = x;
		return 0;
	}
	return -EINVAL;
}

int gfx_blit_rotated_rect_scalar(struct surface *dst, const struct surface *src, int rotation,
				 int x, int y, int w, int h)
{
	int W, H, sc[4], dc[4];
	long long dx0, dy0, dx1, dy1;
	ptrdiff_t ss;

	if (!rotation_ok(rotation))
		return -EINVAL;
	if (!surface_ok(dst) || !clip(src, x, y, w, h, sc))
		return 0;
	W = src->w;
	H = src->h;
	ss = src->stride;
	/* The logical rectangle sc, as a scanout rectangle. */
	switch (rotation) {
	case 0:
		dx0 = sc[0], dx1 = sc[2], dy0 = sc[1], dy1 = sc[3];
		break;
	case 90:
		dx0 = sc[1], dx1 = sc[3], dy0 = W - sc[2], dy1 = W - sc[0];
		break;
	case 180:
		dx0 = W - sc[2], dx1 = W - sc[0], dy0 = H - sc[3], dy1 = H - sc[1];
		break;
	default:
		dx0 = H - sc[3], dx1 = H - sc[1], dy0 = sc[0], dy1 = sc[2];
		break;
	}
	if (!clip(dst, dx0, dy0, dx1 - dx0, dy1 - dy0, dc))
		return 0;

	/*
	 * Walk the scanout in row order: write-combined memory wants that.
	 * Offsets, not pointers, step through src: the last step of a
	 * backwards walk lands before the array, which a pointer may not.
	 */
	for (int py = dc[1]; py < dc[3]; py++) {
		uint32_t *out = dst->px + (size_t)py * (size_t)dst->stride;
		const uint32_t *in = src->px;
		ptrdiff_t at, step;

		switch (rotation) {
		case 0:
			memcpy(out + dc[0], in + (size_t)py * ss + dc[0],
			       (size_t)(dc[2] - dc[0]) * sizeof *out);
			continue;
		case 90: /* scanout (px, py) shows logical (W-1-py, px) */
			at = (ptrdiff_t)dc[0] * ss + (W - 1 - py);
			step = ss;
			break;
		case 180: /* logical (W-1-px, H-1-py) */
			at = (ptrdiff_t)(H - 1 - py) * ss + (W - 1 - dc[0]);
			step = -1;
			break;
		default: /* 270: logical (py, H-1-px) */
			at = (ptrdiff_t)(H - 1 - dc[0]) * ss + py;
			step = -ss;
			break;
		}
		for (int px = dc[0]; px < dc[2]; px++, at += step)
			out[px] = in[at];
	}
	return 0;
}

int gfx_blit_rotated_rect(struct surface *dst, const struct surface *src, int rotation, int x,
			  int y, int w, int h)
{
	return gfx_blit_rotated_rect_scalar(dst, src, rotation, x, y, w, h);
}

int gfx_blit_rotated(struct surface *dst, const struct surface *src, int rotation)
{
	if (!rotation_ok(rotation))
		return -EINVAL;
	if (!surface_ok(src))
		return 0;
	return gfx_blit_rotated_rect(dst, src, rotation, 0, 0, src->w, src->h);
}
