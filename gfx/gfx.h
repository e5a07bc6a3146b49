/*
 * gfx: the software rasterizer's basics. Everything draws into a struct
 * surface, a caller-owned XRGB8888 pixel array; nothing here allocates.
 *
 * Every drawing call clips to its surface: any coordinates, sizes or
 * strings are safe and never write outside s->px[0 .. (h-1)*stride + w-1].
 * A surface with px == NULL or w/h <= 0 draws nothing.
 *
 * The hot kernels (fill, glyph blit, rotated blit) are plain C here and
 * carry a _scalar name: they are the reference that later NEON twins must
 * match pixel for pixel. The unsuffixed names are what callers use.
 */
#ifndef SLIPMAT_GFX_H
#define SLIPMAT_GFX_H

#include <stddef.h>
#include <stdint.h>

struct font;

/*
 * XRGB8888: 0x00RRGGBB. The top byte is ignored by scanout; we write 0.
 * The clip rectangle of every primitive is its surface: to clip to a
 * rectangle, draw into a view of it (gfx_sub).
 */
struct surface {
	uint32_t *px;
	int w, h;
	int stride; /* in pixels, >= w */
};

#define GFX_RGB(r, g, b) ((uint32_t)(((r)&0xff) << 16 | ((g)&0xff) << 8 | ((b)&0xff)))

/*
 * A view of the rectangle x, y, w, h of s (clipped to s) sharing its pixels:
 * drawing into it is drawing into s, clipped to the rectangle. The view's
 * (0, 0) is the top-left of the part inside s.
 * Return: the view; an empty one (px NULL) if nothing of it is inside s.
 */
struct surface gfx_sub(const struct surface *s, int x, int y, int w, int h);

/* Fill the rectangle x..x+w-1, y..y+h-1 (clipped). */
void gfx_fill_rect(struct surface *s, int x, int y, int w, int h, uint32_t colour);
void gfx_fill_rect_scalar(struct surface *s, int x, int y, int w, int h, uint32_t colour);

/* Fill the whole surface. */
void gfx_clear(struct surface *s, uint32_t colour);

/* Lines one pixel thick: x..x+len-1 on row y; y..y+len-1 on column x. */
void gfx_hline(struct surface *s, int x, int y, int len, uint32_t colour);
void gfx_vline(struct surface *s, int x, int y, int len, uint32_t colour);

/*
 * The outline of the rectangle x, y, w, h, thick pixels wide, drawn inside
 * it (a 10x10 rectangle with thick 2 keeps a 6x6 hole).
 */
void gfx_rect_outline(struct surface *s, int x, int y, int w, int h, int thick, uint32_t colour);

/*
 * A circle outline centred on (cx, cy) whose ring covers the pixels at
 * distance r - thick + 0.5 .. r + 0.5 from the centre. Symmetric about
 * the centre, so its centroid is the centre when it is not clipped.
 */
void gfx_circle(struct surface *s, int cx, int cy, int r, int thick, uint32_t colour);

/*
 * Text in a bitmap font, each font pixel drawn as a scale x scale block
 * (scale < 1 counts as 1). (x, y) is the top-left of the first cell; set
 * pixels get colour, others are left alone (transparent). '\n' is not
 * special. Characters the font lacks draw its replacement glyph.
 * Return: the advance width in pixels (what gfx_text_width() says), even
 * where the text was clipped.
 */
int gfx_text(struct surface *s, const struct font *f, int x, int y, uint32_t colour,
             const char *text);
int gfx_text_scaled(struct surface *s, const struct font *f, int x, int y, int scale,
                    uint32_t colour, const char *text);

/* Return: the width in pixels text would take at scale (no drawing). */
int gfx_text_width(const struct font *f, int scale, const char *text);

/* One glyph, the kernel under gfx_text. Return: the advance width. */
int gfx_glyph_scalar(struct surface *s, const struct font *f, int x, int y, int scale,
                     uint32_t colour, int c);

/*
 * Copy the logical surface src into the scanout surface dst for a panel
 * mounted turned rotation degrees clockwise (0, 90, 180 or 270), so that
 * the viewer sees src upright. dst must be src's size, with w and h
 * swapped for 90 and 270; the blit copies only the overlap otherwise.
 * With W = src->w and H = src->h, logical pixel (x, y) lands at:
 *     0: (x, y)          90: (y, W-1-x)
 *   180: (W-1-x, H-1-y)  270: (H-1-y, x)
 * dst is written in row order and never read (scanout memory is
 * write-combined on the boards).
 * Return: 0, or -EINVAL for another rotation (nothing is written).
 */
int gfx_blit_rotated(struct surface *dst, const struct surface *src, int rotation);

/* The same for the logical rectangle x, y, w, h of src only (dirty rectangles). */
int gfx_blit_rotated_rect(struct surface *dst, const struct surface *src, int rotation, int x,
                          int y, int w, int h);
int gfx_blit_rotated_rect_scalar(struct surface *dst, const struct surface *src, int rotation,
                                 int x, int y, int w, int h);

/*
 * Map a logical point to the scanout for a rotation (same table as above).
 * Return: 0, or -EINVAL for another rotation.
 */
int gfx_rotate_point(int rotation, int src_w, int src_h, int x, int y, int *out_x, int *out_y);

/*
 * Colours with alpha are 0xAARRGGBB, straight (not premultiplied); alpha
 * 255 is opaque. Blending is per channel d' = (s*a + d*(255-a)) / 255,
 * rounded to nearest, the same in every kernel.
 */
#define GFX_ARGB(a, r, g, b) ((uint32_t)((a)&0xff) << 24 | GFX_RGB(r, g, b))

/* Blend colour (with its alpha) over the rectangle. */
void gfx_fill_rect_alpha(struct surface *s, int x, int y, int w, int h, uint32_t argb);

/* A filled rectangle with corners rounded to radius r, anti-aliased. */
void gfx_round_rect(struct surface *s, int x, int y, int w, int h, int r, uint32_t argb);

/*
 * An anti-aliased line width pixels wide with round caps from (x0, y0) to
 * (x1, y1); coordinates are pixel-centre based (the centre of pixel (3, 4)
 * is 3.5, 4.5).
 */
void gfx_line(struct surface *s, float x0, float y0, float x1, float y1, float width,
              uint32_t argb);

/*
 * An anti-aliased ring of mid-radius r, width pixels wide, centred on
 * (cx, cy), from angle a0 to a1 in degrees clockwise from 12 o'clock
 * (a1 - a0 >= 360 is the whole ring), with square ends. A knob or meter.
 */
void gfx_arc(struct surface *s, float cx, float cy, float r, float width, float a0, float a1,
             uint32_t argb);

/* A filled anti-aliased disc of radius r. */
void gfx_disc(struct surface *s, float cx, float cy, float r, uint32_t argb);

/* Gradients from the first colour to the second, top to bottom / left to right. */
void gfx_gradient_v(struct surface *s, int x, int y, int w, int h, uint32_t argb0, uint32_t argb1);
void gfx_gradient_h(struct surface *s, int x, int y, int w, int h, uint32_t argb0, uint32_t argb1);

/* An ARGB image (straight alpha), read only. */
struct gfx_image {
	const uint32_t *px;
	int w, h;
	int stride; /* in pixels */
};

/* Draw img with its top-left at (x, y), its alpha scaled by alpha (0..255). */
void gfx_blit(struct surface *s, int x, int y, const struct gfx_image *img, int alpha);

/*
 * An 8-bit coverage mask (a glyph): colour blended in by coverage times
 * colour's alpha, top-left at (x, y).
 */
void gfx_mask(struct surface *s, int x, int y, const uint8_t *mask, int w, int h, int mstride,
              uint32_t argb);

/*
 * A waveform: column i of the rectangle shows three centred spans, one per
 * band (low, mid, high), each reaching amp[band][i] / 255 of the half
 * height above and below the centre line. Where bands overlap their
 * colours blend, each band over the ones before it, over bg.
 * amp[b] holds w bytes.
 */
struct gfx_wave_style {
	uint32_t bg;      /* opaque */
	uint32_t band[3]; /* ARGB: low, mid, high */
};
void gfx_waveform(struct surface *s, int x, int y, int w, int h, const uint8_t *const amp[3],
                  const struct gfx_wave_style *style);

/*
 * The row kernels everything above is made of. A table so tests can run
 * a whole drawing with the plain C kernels and with the NEON ones and
 * compare pixels. n may be 0; pointers need no alignment.
 */
struct gfx_kernels {
	const char *name;
	void (*fill)(uint32_t *d, int n, uint32_t c);
	/* blend c (alpha a) over n pixels */
	void (*blend)(uint32_t *d, int n, uint32_t c, unsigned a);
	/* blend c with alpha a * m[i] / 255 */
	void (*blend_mask)(uint32_t *d, const uint8_t *m, int n, uint32_t c, unsigned a);
	/* blend_mask over a w x h block: rows ds pixels / ms bytes apart (a glyph) */
	void (*mask)(uint32_t *d, ptrdiff_t ds, const uint8_t *m, ptrdiff_t ms, int w, int h,
	             uint32_t c, unsigned a);
	/* blend ARGB src pixels with alpha src_a * a / 255 */
	void (*blit)(uint32_t *d, const uint32_t *src, int n, unsigned a);
	/*
	 * One waveform row at distance dist from the centre: pixel i is
	 * table[(amp0[i] > dist) | (amp1[i] > dist) << 1 | (amp2[i] > dist) << 2].
	 */
	void (*wave)(uint32_t *d, int n, const uint8_t *a0, const uint8_t *a1, const uint8_t *a2,
	             unsigned dist, const uint32_t table[8]);
};
extern const struct gfx_kernels gfx_kernels_scalar;
#if defined(__ARM_NEON) || defined(__SSE2__)
#define GFX_HAVE_SIMD 1
/* NEON on aarch64, SSE2 on x86-64 (the host); the same pixels as scalar. */
extern const struct gfx_kernels gfx_kernels_simd;
#endif
/* Use k for everything drawn from now on; NULL picks the fastest. */
void gfx_use_kernels(const struct gfx_kernels *k);

struct face;

/*
 * UTF-8 text in an anti-aliased face (fonts/face.h), the pen starting at
 * x on the baseline, kerned. Return: the advance width in pixels
 * (face_measure()), even where clipped.
 */
int gfx_text_run(struct surface *s, const struct face *f, int x, int baseline, uint32_t argb,
                 const char *text);

/*
 * The same, cut to max_w pixels with an ellipsis when it does not fit
 * (face_fit()). Return: the width drawn, <= max_w.
 */
int gfx_text_fit(struct surface *s, const struct face *f, int x, int baseline, int max_w,
                 uint32_t argb, const char *text);

/* Scanout formats: what the board's panel takes. */
enum gfx_format { GFX_XRGB8888, GFX_RGB565 };

struct scanout {
	void *px;
	int w, h;
	int pitch; /* bytes per row, any value >= w * bytes per pixel */
	enum gfx_format format;
};

/*
 * gfx_blit_rotated_rect into a scanout of either format (RGB565 keeps the
 * top 5/6/5 bits of each channel).
 * Return: 0, or -EINVAL for a bad rotation or format.
 */
int gfx_present_rect(struct scanout *dst, const struct surface *src, int rotation, int x, int y,
                     int w, int h);

#endif
