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
#include "internal.h"

#define surface_ok gfx_surface_ok

/* Clip to s; out is local to s->px. */
static int clip(const struct surface *s, long long x, long long y, long long w, long long h,
                int out[4])
{
	return gfx_clip_local(s, x, y, w, h, out);
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
	for (int py = c[1]; py < c[3]; py++)
		gfx_kernels_scalar.fill(gfx_row(s, py) + c[0], c[2] - c[0], colour);
}

void gfx_fill_rect(struct surface *s, int x, int y, int w, int h, uint32_t colour)
{
	int c[4];

	if (!clip(s, x, y, w, h, c))
		return;
	for (int py = c[1]; py < c[3]; py++)
		gfx_k->fill(gfx_row(s, py) + c[0], c[2] - c[0], colour);
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

	if (r < 0 || thick <= 0 || !surface_ok(s))
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

static uint16_t to_565(uint32_t p)
{
	return (uint16_t)((p >> 8 & 0xf800) | (p >> 5 & 0x07e0) | (p >> 3 & 0x001f));
}

/*
 * The RGB565 twin of gfx_blit_rotated_rect_scalar: the same walk, each
 * pixel converted on the way.
 */
static int present_565(struct scanout *dst, const struct surface *src, int rotation, int x, int y,
                       int w, int h)
{
	struct surface shape = {(uint32_t *)dst->px, dst->w, dst->h, dst->pitch / 2};
	int W = src->w, H = src->h, sc[4], dc[4];
	long long dx0, dy0, dx1, dy1;
	ptrdiff_t ss = src->stride;

	if (!clip(src, x, y, w, h, sc))
		return 0;
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
	/* shape: only the size and stride of dst matter to clip() */
	if (!clip(&shape, dx0, dy0, dx1 - dx0, dy1 - dy0, dc))
		return 0;
	for (int py = dc[1]; py < dc[3]; py++) {
		uint16_t *out = (uint16_t *)((uint8_t *)dst->px + (size_t)py * (size_t)dst->pitch);
		ptrdiff_t at, step;

		switch (rotation) {
		case 0:
			at = (ptrdiff_t)py * ss + dc[0];
			step = 1;
			break;
		case 90:
			at = (ptrdiff_t)dc[0] * ss + (W - 1 - py);
			step = ss;
			break;
		case 180:
			at = (ptrdiff_t)(H - 1 - py) * ss + (W - 1 - dc[0]);
			step = -1;
			break;
		default:
			at = (ptrdiff_t)(H - 1 - dc[0]) * ss + py;
			step = -ss;
			break;
		}
		for (int px = dc[0]; px < dc[2]; px++, at += step)
			out[px] = to_565(src->px[at]);
	}
	return 0;
}

int gfx_present_rect(struct scanout *dst, const struct surface *src, int rotation, int x, int y,
                     int w, int h)
{
	if (!rotation_ok(rotation) || !dst)
		return -EINVAL;
	if (!dst->px || dst->w <= 0 || dst->h <= 0 || !surface_ok(src))
		return 0;
	switch (dst->format) {
	case GFX_XRGB8888: {
		struct surface s = {(uint32_t *)dst->px, dst->w, dst->h, dst->pitch / 4};

		if (dst->pitch % 4 || dst->pitch / 4 < dst->w)
			return -EINVAL;
		return gfx_blit_rotated_rect(&s, src, rotation, x, y, w, h);
	}
	case GFX_RGB565:
		if (dst->pitch % 2 || dst->pitch / 2 < dst->w)
			return -EINVAL;
		return present_565(dst, src, rotation, x, y, w, h);
	}
	return -EINVAL;
}
