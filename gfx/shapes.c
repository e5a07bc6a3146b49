/*
 * shapes.c: the primitives with alpha, built on the row kernels.
 *
 * Anti-aliased shapes (rounded corners, lines, rings) work out a coverage
 * byte per pixel from the distance between the pixel's centre and the
 * shape's edge (coverage = 0.5 - signed distance, clamped to 0..1): one
 * row at a time into a small buffer, then the blend_mask kernel puts the
 * colour in. Flat parts skip the coverage and blend whole spans.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "internal.h"

#define CHUNK 256 /* pixels of coverage worked out at a time */

/* fminf and fmaxf without the NaN care (and the libm call) they carry. */
static inline float minf(float a, float b)
{
	return a < b ? a : b;
}

static inline float maxf(float a, float b)
{
	return a > b ? a : b;
}

static unsigned alpha_of(uint32_t argb)
{
	return argb >> 24;
}

static uint8_t cover(float d)
{
	/* d: how far inside the edge the pixel centre is, in pixels */
	float c = d + 0.5f;

	if (c <= 0.0f)
		return 0;
	if (c >= 1.0f)
		return 255;
	return (uint8_t)(c * 255.0f + 0.5f);
}

void gfx_fill_rect_alpha(struct surface *s, int x, int y, int w, int h, uint32_t argb)
{
	int c[4];

	if (!alpha_of(argb) || !gfx_clip_local(s, x, y, w, h, c))
		return;
	for (int py = c[1]; py < c[3]; py++)
		gfx_k->blend(gfx_row(s, py) + c[0], c[2] - c[0], argb, alpha_of(argb));
}

/*
 * The shape functions below: coverage of local pixel (px, py) for a shape
 * given in local float coordinates.
 */
struct shape {
	int kind; /* 0 round rect, 1 capsule (line), 2 ring */
	float x0, y0, x1, y1, r;
	/* ring */
	float rin, rout, c0, s0, c1, s1;
	int sweep; /* 0 whole, 1 up to 180 degrees, 2 more */
};

static float dist_inside(const struct shape *sh, float px, float py)
{
	switch (sh->kind) {
	case 0: {
		float qx = maxf(maxf(sh->x0 + sh->r - px, px - (sh->x1 - sh->r)), 0.0f);
		float qy = maxf(maxf(sh->y0 + sh->r - py, py - (sh->y1 - sh->r)), 0.0f);

		if (qx <= 0.0f || qy <= 0.0f) {
			/* on a straight edge: distance to the nearer side */
			float e =
			    minf(minf(px - sh->x0, sh->x1 - px), minf(py - sh->y0, sh->y1 - py));

			return e;
		}
		return sh->r - sqrtf(qx * qx + qy * qy);
	}
	case 1: {
		float vx = sh->x1 - sh->x0, vy = sh->y1 - sh->y0;
		float wx = px - sh->x0, wy = py - sh->y0;
		float len2 = vx * vx + vy * vy;
		float t = len2 > 0.0f ? (wx * vx + wy * vy) / len2 : 0.0f;
		float dx, dy;

		t = minf(maxf(t, 0.0f), 1.0f);
		dx = wx - t * vx;
		dy = wy - t * vy;
		return sh->r - sqrtf(dx * dx + dy * dy);
	}
	default: {
		float dx = px - sh->x0, dy = py - sh->y0;
		float d = sqrtf(dx * dx + dy * dy);
		float e = sh->rin < 0.0f ? sh->rout - d : minf(d - sh->rin, sh->rout - d);
		float e0, e1;

		if (!sh->sweep)
			return e;
		/* signed distances past the start ray (clockwise) and before the end ray */
		e0 = dx * sh->c0 + dy * sh->s0;
		e1 = -(dx * sh->c1 + dy * sh->s1);
		return minf(e, sh->sweep == 1 ? minf(e0, e1) : maxf(e0, e1));
	}
	}
}

/* Draw a shape whose pixels all lie inside bx, by, bw, bh (drawing coordinates). */
static void draw_shape(struct surface *s, const struct shape *sh, long long bx, long long by,
                       long long bw, long long bh, uint32_t argb)
{
	uint8_t cov[CHUNK];
	unsigned a = alpha_of(argb);
	int c[4];

	if (!a || !gfx_clip_local(s, bx, by, bw, bh, c))
		return;
	for (int py = c[1]; py < c[3]; py++) {
		uint32_t *row = gfx_row(s, py);
		float fy = (float)py + 0.5f;

		for (int x0 = c[0]; x0 < c[2]; x0 += CHUNK) {
			int n = c[2] - x0 < CHUNK ? c[2] - x0 : CHUNK;
			int any = 0;

			for (int i = 0; i < n; i++) {
				cov[i] = cover(dist_inside(sh, (float)(x0 + i) + 0.5f, fy));
				any |= cov[i];
			}
			if (any)
				gfx_k->blend_mask(row + x0, cov, n, argb, a);
		}
	}
}

void gfx_round_rect(struct surface *s, int x, int y, int w, int h, int r, uint32_t argb)
{
	struct shape sh = {0};
	int c[4];

	if (w <= 0 || h <= 0 || !gfx_clip_local(s, x, y, w, h, c))
		return;
	if (r > w / 2)
		r = w / 2;
	if (r > h / 2)
		r = h / 2;
	if (r <= 0) {
		gfx_fill_rect_alpha(s, x, y, w, h, argb);
		return;
	}
	/* The band between the corners is a plain rectangle, and so is the
	 * part of the top and bottom rows between the corners. */
	gfx_fill_rect_alpha(s, x, (int)((long long)y + r), w, h - 2 * r, argb);
	gfx_fill_rect_alpha(s, (int)((long long)x + r), y, w - 2 * r, r, argb);
	gfx_fill_rect_alpha(s, (int)((long long)x + r), (int)((long long)y + h - r), w - 2 * r, r,
	                    argb);
	sh.kind = 0;
	sh.x0 = (float)(long long)x;
	sh.y0 = (float)(long long)y;
	sh.x1 = sh.x0 + (float)w;
	sh.y1 = sh.y0 + (float)h;
	sh.r = (float)r;
	draw_shape(s, &sh, x, y, r, r, argb);
	draw_shape(s, &sh, (long long)x + w - r, y, r, r, argb);
	draw_shape(s, &sh, x, (long long)y + h - r, r, r, argb);
	draw_shape(s, &sh, (long long)x + w - r, (long long)y + h - r, r, r, argb);
}

/* A float drawing-space coordinate as a bounding-box start, saturated. */
static long long floor_ll(float v)
{
	if (!(v > -1e15f))
		return (long long)-1e15;
	if (v > 1e15f)
		return (long long)1e15;
	return (long long)floorf(v);
}

void gfx_line(struct surface *s, float x0, float y0, float x1, float y1, float width, uint32_t argb)
{
	struct shape sh = {0};
	float hw = width * 0.5f;
	long long bx, by;

	if (!gfx_surface_ok(s) || !(width > 0.0f) || !isfinite(x0) || !isfinite(y0) ||
	    !isfinite(x1) || !isfinite(y1))
		return;
	sh.kind = 1;
	sh.x0 = x0;
	sh.y0 = y0;
	sh.x1 = x1;
	sh.y1 = y1;
	sh.r = hw;
	bx = floor_ll(fminf(x0, x1) - hw - 1.0f);
	by = floor_ll(fminf(y0, y1) - hw - 1.0f);
	draw_shape(s, &sh, bx, by, floor_ll(fmaxf(x0, x1) + hw + 2.0f) - bx,
	           floor_ll(fmaxf(y0, y1) + hw + 2.0f) - by, argb);
}

static void ring(struct surface *s, float cx, float cy, float rin, float rout, float a0, float a1,
                 uint32_t argb)
{
	const float rad = 3.14159265358979f / 180.0f;
	struct shape sh = {0};
	float sweep = a1 - a0;
	long long bx, by, bs;

	if (!gfx_surface_ok(s) || !(rout > 0.0f) || !isfinite(cx) || !isfinite(cy) ||
	    !isfinite(rout) || !(sweep > 0.0f))
		return;
	sh.kind = 2;
	sh.x0 = cx;
	sh.y0 = cy;
	sh.rin = rin;
	sh.rout = rout;
	sh.sweep = sweep >= 360.0f ? 0 : sweep <= 180.0f ? 1 : 2;
	sh.c0 = cosf(a0 * rad);
	sh.s0 = sinf(a0 * rad);
	sh.c1 = cosf(a1 * rad);
	sh.s1 = sinf(a1 * rad);
	bx = floor_ll(cx - rout - 1.0f);
	by = floor_ll(cy - rout - 1.0f);
	bs = floor_ll(2.0f * rout + 3.0f);
	draw_shape(s, &sh, bx, by, bs, bs, argb);
}

void gfx_arc(struct surface *s, float cx, float cy, float r, float width, float a0, float a1,
             uint32_t argb)
{
	if (!(width > 0.0f))
		return;
	ring(s, cx, cy, r - width * 0.5f, r + width * 0.5f, a0, a1, argb);
}

void gfx_disc(struct surface *s, float cx, float cy, float r, uint32_t argb)
{
	ring(s, cx, cy, -1.0f, r, 0.0f, 360.0f, argb);
}

/* Channel-wise a + (b - a) * i / n, rounded, alpha included. */
static uint32_t lerp(uint32_t a, uint32_t b, long long i, long long n)
{
	uint32_t out = 0;

	for (int sh = 0; sh < 32; sh += 8) {
		long long ca = (a >> sh) & 0xff, cb = (b >> sh) & 0xff;

		out |= (uint32_t)((ca * (n - i) + cb * i + n / 2) / n) << sh;
	}
	return out;
}

void gfx_gradient_v(struct surface *s, int x, int y, int w, int h, uint32_t argb0, uint32_t argb1)
{
	int c[4];

	if (!gfx_clip_local(s, x, y, w, h, c))
		return;
	for (int py = c[1]; py < c[3]; py++) {
		long long i = py - (long long)y;
		uint32_t col = h > 1 ? lerp(argb0, argb1, i, h - 1) : argb0;

		gfx_k->blend(gfx_row(s, py) + c[0], c[2] - c[0], col, alpha_of(col));
	}
}

void gfx_gradient_h(struct surface *s, int x, int y, int w, int h, uint32_t argb0, uint32_t argb1)
{
	uint32_t buf[CHUNK];
	int c[4];

	if (!gfx_clip_local(s, x, y, w, h, c))
		return;
	for (int x0 = c[0]; x0 < c[2]; x0 += CHUNK) {
		int n = c[2] - x0 < CHUNK ? c[2] - x0 : CHUNK;

		for (int i = 0; i < n; i++) {
			long long k = x0 + i - (long long)x;

			buf[i] = w > 1 ? lerp(argb0, argb1, k, w - 1) : argb0;
		}
		for (int py = c[1]; py < c[3]; py++)
			gfx_k->blit(gfx_row(s, py) + x0, buf, n, 255);
	}
}

void gfx_blit(struct surface *s, int x, int y, const struct gfx_image *img, int alpha)
{
	int c[4];

	if (!img || !img->px || img->w <= 0 || img->h <= 0 || img->stride < img->w || alpha <= 0 ||
	    !gfx_clip_local(s, x, y, img->w, img->h, c))
		return;
	if (alpha > 255)
		alpha = 255;
	for (int py = c[1]; py < c[3]; py++) {
		long long iy = py - (long long)y, ix = c[0] - (long long)x;
		const uint32_t *src = img->px + (size_t)iy * (size_t)img->stride + (size_t)ix;

		gfx_k->blit(gfx_row(s, py) + c[0], src, c[2] - c[0], (unsigned)alpha);
	}
}

void gfx_mask(struct surface *s, int x, int y, const uint8_t *mask, int w, int h, int mstride,
              uint32_t argb)
{
	int c[4];

	if (!mask || mstride < w || !alpha_of(argb) || !gfx_clip_local(s, x, y, w, h, c))
		return;
	gfx_k->mask(gfx_row(s, c[1]) + c[0], s->stride,
	            mask + (c[1] - (long long)y) * mstride + (c[0] - (long long)x), mstride,
	            c[2] - c[0], c[3] - c[1], argb, alpha_of(argb));
}

void gfx_waveform(struct surface *s, int x, int y, int w, int h, const uint8_t *const amp[3],
                  const struct gfx_wave_style *style)
{
	uint32_t table[8];
	int c[4];

	if (!amp || !amp[0] || !amp[1] || !amp[2] || !style || !gfx_clip_local(s, x, y, w, h, c))
		return;
	for (int k = 0; k < 8; k++) {
		uint32_t col = style->bg & 0xffffff;

		for (int b = 0; b < 3; b++)
			if (k & 1 << b)
				col = gfx_blend_px(col, style->band[b], alpha_of(style->band[b]));
		table[k] = col;
	}
	for (int py = c[1]; py < c[3]; py++) {
		long long j = py - (long long)y;
		long long off = 2 * j + 1 - h;
		/* distance of the row's centre from the centre line, 255 = the edge */
		unsigned dist = (unsigned)((off < 0 ? -off : off) * 255 / h);
		size_t col0 = (size_t)(c[0] - (long long)x);

		gfx_k->wave(gfx_row(s, py) + c[0], c[2] - c[0], amp[0] + col0, amp[1] + col0,
		            amp[2] + col0, dist, table);
	}
}
