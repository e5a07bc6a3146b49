/*
 * gfx_bench: three UI scenes drawn by our rasterizer (gfx/) and by pixman,
 * side by side in one run, on the same 1280x800 XRGB8888 buffer size.
 *
 *   gfx_bench time [ROUNDS]   both renderers, interleaved, per-frame
 *                             medians and their ratio ("key value" lines),
 *                             PNGs of each scene from each renderer
 *   gfx_bench count SCENE N [pixman]
 *                             draw SCENE (deck, wave, list) N times with
 *                             ours (or pixman): for instruction counting
 *
 * Both sides get the same work in the form each does best: pixman draws
 * rounded rectangles, rings and waveform spans as trapezoids and triangles
 * (its anti-aliased rasterizer, as cairo would hand them over), text
 * through its glyph cache from the same glyph atlases and the same
 * layout (kerning, ellipsis), gradients as gradient images. Setup (images,
 * glyph cache) happens once, outside the timing. pixman is linked here
 * only; the firmware never uses it. Built without BENCH_PIXMAN (the
 * aarch64 instruction counts) it has only ours.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fonts/face.h"
#include "gfx/gfx.h"
#include "hal/png.h"

#if defined(BENCH_PIXMAN)
#include <pixman.h>
#endif

#define SW 1280
#define SH 800

static uint32_t fb[SW * SH];
static uint8_t amp[2][3][SW];
static uint8_t overview[2][3][SW];
static uint32_t art[64 * 64];

static const char *const titles[] = {
    "Ólafur Arnalds – Saman (Extended Version)",
    "Kraftwerk – Tour de France Étape 1",
    "Sigur Rós – Hoppípolla",
    "Björk – Jóga (Howie B Main Mix)",
    "Daft Punk – Veridis Quo",
    "Aphex Twin – Xtal",
    "Dvořák – Slavonic Dance No. 8 in G minor, Op. 46 (Łódź Philharmonic)",
    "Café Tacvba – Eres",
};
static const char *const artists[] = {
    "Ólafur Arnalds", "Kraftwerk",  "Sigur Rós",      "Björk",
    "Daft Punk",      "Aphex Twin", "Antonín Dvořák", "Café Tacvba",
};
static const char *const buttons[] = {"CUE", "PLAY", "SYNC", "LOOP", "SLIP", "KEY"};

static void make_data(void)
{
	for (int d = 0; d < 2; d++)
		for (int i = 0; i < SW; i++) {
			double t = i * (d ? 0.031 : 0.027), beat = fabs(sin(i * 0.049 + d));

			amp[d][0][i] = (uint8_t)(40 + 200 * beat * (0.6 + 0.4 * sin(t)));
			amp[d][1][i] = (uint8_t)(30 + 150 * beat * (0.5 + 0.5 * sin(t * 3.1)));
			amp[d][2][i] = (uint8_t)(20 + 90 * fabs(sin(i * 0.77 + t)));
			overview[d][0][i] = (uint8_t)(120 + 100 * sin(i * 0.01 + d));
			overview[d][1][i] = (uint8_t)(90 + 80 * sin(i * 0.013));
			overview[d][2][i] = (uint8_t)(40 + 40 * sin(i * 0.09));
		}
	for (int y = 0; y < 64; y++)
		for (int x = 0; x < 64; x++) {
			int dx = x - 32, dy = y - 32, r2 = dx * dx + dy * dy;
			unsigned a = r2 < 900 ? 255 : r2 < 1024 ? (unsigned)(1024 - r2) * 2 : 0;

			art[y * 64 + x] = a << 24 | (uint32_t)((x * 4) << 16 | (y * 4) << 8 | 0x80);
		}
}

static const struct gfx_wave_style wave_style = {
    .bg = 0x0d1014,
    .band = {0xff2060c0, 0xc0e08830, 0xa0f0f0f0},
};

/* ---- ours ---- */

static void ours_text_center(struct surface *s, const struct face *f, int x, int w, int base,
                             uint32_t c, const char *t)
{
	gfx_text_run(s, f, x + (w - face_measure(f, t, (size_t)-1)) / 2, base, c, t);
}

static void ours_wave_strip(struct surface *s, int d, int y)
{
	const uint8_t *const a[3] = {amp[d][0], amp[d][1], amp[d][2]};

	gfx_waveform(s, 32, y, 1216, 140, a, &wave_style);
	for (int k = 0; k < 16; k++)
		gfx_fill_rect_alpha(s, 40 + k * 76, y, 1, 140, 0x50ffffff);
	gfx_fill_rect_alpha(s, 32 + 608 - 1, y, 3, 140, 0xe0ff3030);
}

static void ours_deck(struct surface *s)
{
	static const struct gfx_image img = {art, 64, 64, 64};

	gfx_gradient_v(s, 0, 0, SW, SH, 0xff16191e, 0xff0a0b0d);
	for (int d = 0; d < 2; d++) {
		int y = 16 + d * 392;
		const uint8_t *const ov[3] = {overview[d][0], overview[d][1], overview[d][2]};
		char bpm[16];

		gfx_round_rect(s, 16, y, 1248, 376, 12, 0xff1c2026);
		gfx_blit(s, 32, y + 14, &img, 255);
		gfx_text_fit(s, &face_sans_bold_28, 108, y + 42, 860, 0xffeeeeee, titles[d * 3]);
		gfx_text_fit(s, &face_sans_20, 108, y + 72, 860, 0xff9aa4ae, artists[d * 3]);
		snprintf(bpm, sizeof bpm, "%d.%02d", 124 + d, 37 * d);
		gfx_text_run(s, &face_sans_bold_38, 1040, y + 50, 0xffffc040, bpm);
		gfx_text_run(s, &face_sans_22, 1040, y + 80, 0xffb0b8c0, "-03:27.4");
		ours_wave_strip(s, d, y + 96);
		gfx_waveform(s, 32, y + 244, 1216, 36, ov, &wave_style);
		gfx_fill_rect_alpha(s, 32, y + 244, 400, 36, 0x60000000);
		for (int i = 0; i < 6; i++) {
			int bx = 32 + i * 130;

			gfx_round_rect(s, bx, y + 298, 120, 60, 10,
			               i == 1 ? 0xff2a8040 : 0xff2c323a);
			ours_text_center(s, &face_sans_20, bx, 120, y + 335, 0xffffffff,
			                 buttons[i]);
		}
		for (int k = 0; k < 3; k++) {
			float cx = 860.0f + (float)k * 90.0f, cy = (float)y + 328.0f;
			float end = -135.0f + 90.0f * (float)(k + 1);
			float rad = end * 3.14159265f / 180.0f;

			gfx_arc(s, cx, cy, 24, 5, -135, 135, 0xff303842);
			gfx_arc(s, cx, cy, 24, 5, -135, end, 0xff30a0ff);
			gfx_line(s, cx, cy, cx + 18.0f * sinf(rad), cy - 18.0f * cosf(rad), 3,
			         0xffffffff);
		}
		for (int m = 0; m < 2; m++) {
			int mx = 1150 + m * 40;

			gfx_gradient_v(s, mx, y + 290, 24, 72, 0xffff3030, 0xff30ff60);
			gfx_fill_rect_alpha(s, mx, y + 290, 24, 30 + 10 * m, 0xc0101214);
		}
	}
}

static void ours_wave(struct surface *s)
{
	ours_wave_strip(s, 0, 16 + 96);
	ours_wave_strip(s, 1, 16 + 392 + 96);
}

static void ours_list(struct surface *s)
{
	gfx_fill_rect(s, 0, 0, SW, SH, 0x101216);
	gfx_gradient_v(s, 0, 0, SW, 40, 0xff2a2f36, 0xff1c2026);
	gfx_text_run(s, &face_sans_bold_20, 16, 28, 0xffffffff, "Title");
	gfx_text_run(s, &face_sans_bold_20, 620, 28, 0xffffffff, "Artist");
	gfx_text_run(s, &face_sans_bold_20, 980, 28, 0xffffffff, "BPM");
	gfx_text_run(s, &face_sans_bold_20, 1100, 28, 0xffffffff, "Key");
	for (int r = 0; r < 24; r++) {
		int y = 40 + r * 31;
		char bpm[16];

		if (r & 1)
			gfx_fill_rect(s, 0, y, SW, 31, 0x16191e);
		if (r == 5)
			gfx_round_rect(s, 4, y + 1, SW - 8, 29, 6, 0x8030a0ff);
		snprintf(bpm, sizeof bpm, "%d.%d", 118 + r, r % 10);
		gfx_text_fit(s, &face_sans_20, 16, y + 23, 590, 0xffe0e0e0, titles[r % 8]);
		gfx_text_fit(s, &face_sans_16, 620, y + 22, 340, 0xffa0a8b0, artists[(r + 3) % 8]);
		gfx_text_run(s, &face_sans_16, 980, y + 22, 0xffa0a8b0, bpm);
		gfx_text_run(s, &face_sans_16, 1100, y + 22, 0xffa0a8b0, r & 2 ? "8A" : "11B");
	}
}

#if defined(BENCH_PIXMAN)
/* ---- pixman ---- */

static pixman_image_t *pdst;
static pixman_glyph_cache_t *cache;

static pixman_image_t *solid(uint32_t argb)
{
	unsigned a = argb >> 24;
	pixman_color_t c = {
	    (uint16_t)((argb >> 16 & 0xff) * a / 255 * 257),
	    (uint16_t)((argb >> 8 & 0xff) * a / 255 * 257),
	    (uint16_t)((argb & 0xff) * a / 255 * 257),
	    (uint16_t)(a * 257),
	};

	return pixman_image_create_solid_fill(&c);
}

/* Solid colours are made once, as a renderer would keep them. */
#define MAX_SOLIDS 64
static struct {
	uint32_t argb;
	pixman_image_t *img;
} solids[MAX_SOLIDS];

static pixman_image_t *col(uint32_t argb)
{
	for (int i = 0; i < MAX_SOLIDS; i++) {
		if (solids[i].img && solids[i].argb == argb)
			return solids[i].img;
		if (!solids[i].img) {
			solids[i].argb = argb;
			solids[i].img = solid(argb);
			return solids[i].img;
		}
	}
	abort();
}

static void p_fill(int x, int y, int w, int h, uint32_t argb)
{
	pixman_image_composite32((argb >> 24) == 255 ? PIXMAN_OP_SRC : PIXMAN_OP_OVER, col(argb),
	                         NULL, pdst, 0, 0, 0, 0, x, y, w, h);
}

static void p_gradient_v(int x, int y, int w, int h, uint32_t a, uint32_t b)
{
	pixman_gradient_stop_t st[2] = {{0, {0}}, {pixman_int_to_fixed(1), {0}}};
	pixman_point_fixed_t p0 = {0, pixman_int_to_fixed(y)}, p1 = {0, pixman_int_to_fixed(y + h)};
	pixman_image_t *g;

	for (int k = 0; k < 2; k++) {
		uint32_t c = k ? b : a;

		st[k].color.alpha = (uint16_t)((c >> 24) * 257);
		st[k].color.red = (uint16_t)((c >> 16 & 0xff) * 257);
		st[k].color.green = (uint16_t)((c >> 8 & 0xff) * 257);
		st[k].color.blue = (uint16_t)((c & 0xff) * 257);
	}
	g = pixman_image_create_linear_gradient(&p0, &p1, st, 2);
	pixman_image_composite32(PIXMAN_OP_OVER, g, NULL, pdst, x, y, 0, 0, x, y, w, h);
	pixman_image_unref(g);
}

#define MAX_TRAPS 2048
static pixman_trapezoid_t traps[MAX_TRAPS];

static pixman_trapezoid_t trap(double top, double bot, double lx0, double lx1, double rx0,
                               double rx1)
{
	pixman_trapezoid_t t;

	t.top = pixman_double_to_fixed(top);
	t.bottom = pixman_double_to_fixed(bot);
	t.left.p1.x = pixman_double_to_fixed(lx0);
	t.left.p1.y = t.top;
	t.left.p2.x = pixman_double_to_fixed(lx1);
	t.left.p2.y = t.bottom;
	t.right.p1.x = pixman_double_to_fixed(rx0);
	t.right.p1.y = t.top;
	t.right.p2.x = pixman_double_to_fixed(rx1);
	t.right.p2.y = t.bottom;
	return t;
}

/* A rounded rectangle as cairo would tessellate it: a band per corner row. */
static void p_round_rect(int x, int y, int w, int h, int r, uint32_t argb)
{
	int n = 0;

	for (int i = 0; i < r; i++) {
		double y0 = i, y1 = i + 1;
		double in0 = r - sqrt(fmax(0, r * r - (r - y0) * (r - y0)));
		double in1 = r - sqrt(fmax(0, r * r - (r - y1) * (r - y1)));

		traps[n++] = trap(y + y0, y + y1, x + in0, x + in1, x + w - in0, x + w - in1);
		traps[n++] =
		    trap(y + h - y1, y + h - y0, x + in1, x + in0, x + w - in1, x + w - in0);
	}
	traps[n++] = trap(y + r, y + h - r, x, x, x + w, x + w);
	pixman_composite_trapezoids(PIXMAN_OP_OVER, col(argb), pdst, PIXMAN_a8, 0, 0, 0, 0, n,
	                            traps);
}

static pixman_triangle_t tris[256];

static pixman_point_fixed_t pt(double x, double y)
{
	pixman_point_fixed_t p = {pixman_double_to_fixed(x), pixman_double_to_fixed(y)};

	return p;
}

static void p_arc(double cx, double cy, double r, double width, double a0, double a1, uint32_t argb)
{
	int seg = 32, n = 0;
	double ri = r - width / 2, ro = r + width / 2;

	for (int i = 0; i < seg; i++) {
		double t0 = (a0 + (a1 - a0) * i / seg) * M_PI / 180;
		double t1 = (a0 + (a1 - a0) * (i + 1) / seg) * M_PI / 180;
		pixman_point_fixed_t i0 = pt(cx + ri * sin(t0), cy - ri * cos(t0));
		pixman_point_fixed_t o0 = pt(cx + ro * sin(t0), cy - ro * cos(t0));
		pixman_point_fixed_t i1 = pt(cx + ri * sin(t1), cy - ri * cos(t1));
		pixman_point_fixed_t o1 = pt(cx + ro * sin(t1), cy - ro * cos(t1));

		tris[n++] = (pixman_triangle_t){i0, o0, o1};
		tris[n++] = (pixman_triangle_t){i0, o1, i1};
	}
	pixman_composite_triangles(PIXMAN_OP_OVER, col(argb), pdst, PIXMAN_a8, 0, 0, 0, 0, n, tris);
}

static void p_line(double x0, double y0, double x1, double y1, double width, uint32_t argb)
{
	double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
	double nx = -dy / len * width / 2, ny = dx / len * width / 2;
	pixman_point_fixed_t a = pt(x0 + nx, y0 + ny), b = pt(x1 + nx, y1 + ny);
	pixman_point_fixed_t c = pt(x1 - nx, y1 - ny), d = pt(x0 - nx, y0 - ny);

	tris[0] = (pixman_triangle_t){a, b, c};
	tris[1] = (pixman_triangle_t){a, c, d};
	pixman_composite_triangles(PIXMAN_OP_OVER, col(argb), pdst, PIXMAN_a8, 0, 0, 0, 0, 2, tris);
}

/*
 * A waveform: the background, then each band's column spans (the rows
 * ours covers: amp > distance from the centre), opaque bands as one list
 * of boxes, translucent ones composited column by column; faster for
 * pixman than trapezoids, which take it ~60 ms a frame.
 */
static pixman_box32_t boxes[SW];

static void p_waveform(int x, int y, int w, int h, const uint8_t *const a[3])
{
	p_fill(x, y, w, h, 0xff000000 | wave_style.bg);
	for (int b = 0; b < 3; b++) {
		uint32_t c = wave_style.band[b];
		int n = 0;

		for (int i = 0; i < w; i++) {
			/* rows j with |2j + 1 - h| * 255 / h < amp */
			int half = 0;

			while (half < h / 2 && (2 * half + 1) * 255 / h < a[b][i])
				half++;
			if (!half)
				continue;
			if (c >> 24 == 255) {
				boxes[n++] = (pixman_box32_t){x + i, y + h / 2 - half, x + i + 1,
				                              y + h / 2 + half};
			} else {
				pixman_image_composite32(PIXMAN_OP_OVER, col(c), NULL, pdst, 0, 0,
				                         0, 0, x + i, y + h / 2 - half, 1,
				                         2 * half);
			}
		}
		if (n) {
			pixman_color_t pc = {(uint16_t)((c >> 16 & 0xff) * 257),
			                     (uint16_t)((c >> 8 & 0xff) * 257),
			                     (uint16_t)((c & 0xff) * 257), 0xffff};

			pixman_image_fill_boxes(PIXMAN_OP_SRC, pdst, &pc, n, boxes);
		}
	}
}

static pixman_glyph_t glyphs[256];

/* The same layout as ours (face_fit, kerning), composited by pixman. */
static int p_text(const struct face *f, int x, int base, int max_w, uint32_t argb, const char *t)
{
	size_t n = strlen(t);
	int ell = 0, ng = 0;
	long long pen = (long long)x * 64;
	uint32_t prev = 0, cp;
	const char *p = t, *end;

	if (max_w > 0)
		n = face_fit(f, t, max_w, &ell);
	end = t + n;
	for (int pass = 0; pass < 1 + ell; pass++) {
		if (pass)
			p = "\xe2\x80\xa6", end = p + 3;
		while (p < end && (cp = utf8_next(&p)) != 0) {
			const struct face_glyph *g = face_glyph(f, cp);

			if (prev)
				pen += face_kern(f, prev, cp);
			prev = cp;
			glyphs[ng].x = (int)((pen + 32) >> 6);
			glyphs[ng].y = base;
			glyphs[ng].glyph = pixman_glyph_cache_lookup(cache, (void *)f, (void *)g);
			if (glyphs[ng].glyph) /* blank glyphs (space) have no image */
				ng++;
			pen += g->advance;
		}
	}
	pixman_composite_glyphs_no_mask(PIXMAN_OP_OVER, col(argb), pdst, 0, 0, 0, 0, cache, ng,
	                                glyphs);
	return (int)((pen + 32) >> 6) - x;
}

static void cache_face(const struct face *f)
{
	for (int i = 0; i < f->nglyphs; i++) {
		const struct face_glyph *g = &f->glyphs[i];
		pixman_image_t *img;
		int stride = (g->w + 3) & ~3;
		static uint8_t buf[256 * 256];

		if (!g->w || !g->h)
			continue;
		for (int y = 0; y < g->h; y++)
			memcpy(buf + y * stride, f->coverage + g->at + y * FACE_ROW(g->w), g->w);
		img = pixman_image_create_bits(PIXMAN_a8, g->w, g->h, (uint32_t *)buf, stride);
		pixman_glyph_cache_insert(cache, (void *)f, (void *)g, -g->left, g->top, img);
		pixman_image_unref(img);
	}
}

static pixman_image_t *art_img;

static void pix_setup(void)
{
	const struct face *all[] = {&face_sans_16,      &face_sans_20,      &face_sans_22,
	                            &face_sans_bold_20, &face_sans_bold_28, &face_sans_bold_38};

	pdst = pixman_image_create_bits(PIXMAN_x8r8g8b8, SW, SH, fb, SW * 4);
	cache = pixman_glyph_cache_create();
	pixman_glyph_cache_freeze(cache);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		cache_face(all[i]);
	pixman_glyph_cache_thaw(cache);
	art_img = pixman_image_create_bits(PIXMAN_a8r8g8b8, 64, 64, art, 64 * 4);
}

static void pix_wave_strip(int d, int y)
{
	const uint8_t *const a[3] = {amp[d][0], amp[d][1], amp[d][2]};

	p_waveform(32, y, 1216, 140, a);
	for (int k = 0; k < 16; k++)
		p_fill(40 + k * 76, y, 1, 140, 0x50ffffff);
	p_fill(32 + 608 - 1, y, 3, 140, 0xe0ff3030);
}

static void pix_deck(void)
{
	p_gradient_v(0, 0, SW, SH, 0xff16191e, 0xff0a0b0d);
	for (int d = 0; d < 2; d++) {
		int y = 16 + d * 392;
		const uint8_t *const ov[3] = {overview[d][0], overview[d][1], overview[d][2]};
		char bpm[16];

		p_round_rect(16, y, 1248, 376, 12, 0xff1c2026);
		pixman_image_composite32(PIXMAN_OP_OVER, art_img, NULL, pdst, 0, 0, 0, 0, 32,
		                         y + 14, 64, 64);
		p_text(&face_sans_bold_28, 108, y + 42, 860, 0xffeeeeee, titles[d * 3]);
		p_text(&face_sans_20, 108, y + 72, 860, 0xff9aa4ae, artists[d * 3]);
		snprintf(bpm, sizeof bpm, "%d.%02d", 124 + d, 37 * d);
		p_text(&face_sans_bold_38, 1040, y + 50, 0, 0xffffc040, bpm);
		p_text(&face_sans_22, 1040, y + 80, 0, 0xffb0b8c0, "-03:27.4");
		pix_wave_strip(d, y + 96);
		p_waveform(32, y + 244, 1216, 36, ov);
		p_fill(32, y + 244, 400, 36, 0x60000000);
		for (int i = 0; i < 6; i++) {
			int bx = 32 + i * 130;
			int tw = face_measure(&face_sans_20, buttons[i], (size_t)-1);

			p_round_rect(bx, y + 298, 120, 60, 10, i == 1 ? 0xff2a8040 : 0xff2c323a);
			p_text(&face_sans_20, bx + (120 - tw) / 2, y + 335, 0, 0xffffffff,
			       buttons[i]);
		}
		for (int k = 0; k < 3; k++) {
			double cx = 860 + k * 90, cy = y + 328, end = -135 + 90 * (k + 1);

			p_arc(cx, cy, 24, 5, -135, 135, 0xff303842);
			p_arc(cx, cy, 24, 5, -135, end, 0xff30a0ff);
			p_line(cx, cy, cx + 18 * sin(end * M_PI / 180),
			       cy - 18 * cos(end * M_PI / 180), 3, 0xffffffff);
		}
		for (int m = 0; m < 2; m++) {
			int mx = 1150 + m * 40;

			p_gradient_v(mx, y + 290, 24, 72, 0xffff3030, 0xff30ff60);
			p_fill(mx, y + 290, 24, 30 + 10 * m, 0xc0101214);
		}
	}
}

static void pix_wave(void)
{
	pix_wave_strip(0, 16 + 96);
	pix_wave_strip(1, 16 + 392 + 96);
}

static void pix_list(void)
{
	p_fill(0, 0, SW, SH, 0xff101216);
	p_gradient_v(0, 0, SW, 40, 0xff2a2f36, 0xff1c2026);
	p_text(&face_sans_bold_20, 16, 28, 0, 0xffffffff, "Title");
	p_text(&face_sans_bold_20, 620, 28, 0, 0xffffffff, "Artist");
	p_text(&face_sans_bold_20, 980, 28, 0, 0xffffffff, "BPM");
	p_text(&face_sans_bold_20, 1100, 28, 0, 0xffffffff, "Key");
	for (int r = 0; r < 24; r++) {
		int y = 40 + r * 31;
		char bpm[16];

		if (r & 1)
			p_fill(0, y, SW, 31, 0xff16191e);
		if (r == 5)
			p_round_rect(4, y + 1, SW - 8, 29, 6, 0x8030a0ff);
		snprintf(bpm, sizeof bpm, "%d.%d", 118 + r, r % 10);
		p_text(&face_sans_20, 16, y + 23, 590, 0xffe0e0e0, titles[r % 8]);
		p_text(&face_sans_16, 620, y + 22, 340, 0xffa0a8b0, artists[(r + 3) % 8]);
		p_text(&face_sans_16, 980, y + 22, 0, 0xffa0a8b0, bpm);
		p_text(&face_sans_16, 1100, y + 22, 0, 0xffa0a8b0, r & 2 ? "8A" : "11B");
	}
}
#endif

#if defined(BENCH_PIXMAN)
static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}
#endif

static void (*const ours[3])(struct surface *) = {ours_deck, ours_wave, ours_list};
#if defined(BENCH_PIXMAN)
static void (*const pix[3])(void) = {pix_deck, pix_wave, pix_list};
#endif
static const char *const scene_name[3] = {"deck", "wave", "list"};

int main(int argc, char **argv)
{
	struct surface s = {fb, SW, SH, SW};

	make_data();
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "count")) {
		int n = atoi(argv[3]), with_pixman = argc == 5 && !strcmp(argv[4], "pixman");

#if defined(BENCH_PIXMAN)
		if (with_pixman)
			pix_setup();
#else
		if (with_pixman) {
			fprintf(stderr, "gfx_bench: built without pixman\n");
			return 2;
		}
#endif
		for (int k = 0; k < 3; k++)
			if (!strcmp(argv[2], scene_name[k]))
				for (int i = 0; i < n; i++) {
#if defined(BENCH_PIXMAN)
					if (with_pixman) {
						pix[k]();
						continue;
					}
#endif
					ours[k](&s);
				}
#if defined(GFX_HAVE_SIMD)
		printf("kernels %s\n", gfx_kernels_simd.name);
#else
		printf("kernels %s\n", gfx_kernels_scalar.name);
#endif
		return 0;
	}
#if defined(BENCH_PIXMAN)
	if (argc >= 2 && !strcmp(argv[1], "time")) {
		int rounds = argc > 2 ? atoi(argv[2]) : 200;
		static double t_ours[3][2000], t_pix[3][2000];
		static uint32_t ours_fb[SW * SH];
		const char *outdir = argc > 3 ? argv[3] : ".";
		char path[512];

		if (rounds < 5 || rounds > 2000)
			rounds = 200;
		pix_setup();
		for (int k = 0; k < 3; k++) {
			double diff = 0;

			/* warm up, then alternate frame by frame */
			ours[k](&s);
			pix[k]();
			for (int i = 0; i < rounds; i++) {
				double t0 = now_us();

				ours[k](&s);
				t_ours[k][i] = now_us() - t0;
				t0 = now_us();
				pix[k]();
				t_pix[k][i] = now_us() - t0;
			}
			/* the pictures, and how far apart they are */
			if (k == 1) /* the waveforms scroll over a deck screen */
				ours_deck(&s);
			ours[k](&s);
			memcpy(ours_fb, fb, sizeof fb);
			snprintf(path, sizeof path, "%s/gfx_%s_ours.png", outdir, scene_name[k]);
			png_write_xrgb(path, fb, SW, SH, SW);
			if (k == 1)
				pix_deck();
			pix[k]();
			snprintf(path, sizeof path, "%s/gfx_%s_pixman.png", outdir, scene_name[k]);
			png_write_xrgb(path, fb, SW, SH, SW);
			for (int i = 0; i < SW * SH; i++)
				for (int sh = 0; sh < 24; sh += 8)
					diff += abs((int)(fb[i] >> sh & 0xff) -
					            (int)(ours_fb[i] >> sh & 0xff));
			qsort(t_ours[k], (size_t)rounds, sizeof(double), cmp_d);
			qsort(t_pix[k], (size_t)rounds, sizeof(double), cmp_d);
			printf("%s_ours_us %.1f\n", scene_name[k], t_ours[k][rounds / 2]);
			printf("%s_pixman_us %.1f\n", scene_name[k], t_pix[k][rounds / 2]);
			printf("%s_ratio %.2f\n", scene_name[k],
			       t_pix[k][rounds / 2] / t_ours[k][rounds / 2]);
			printf("%s_mean_abs_diff %.2f\n", scene_name[k], diff / (SW * SH * 3.0));
		}
		printf("rounds %d\n", rounds);
		return 0;
	}
#endif
	fprintf(stderr, "usage: gfx_bench time [ROUNDS [OUTDIR]] | gfx_bench count deck|wave|list "
	                "N [pixman]\n");
	return 2;
}
