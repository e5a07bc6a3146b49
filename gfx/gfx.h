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

#include <stdint.h>

struct font;

/* XRGB8888: 0x00RRGGBB. The top byte is ignored by scanout; we write 0. */
struct surface {
	uint32_t *px;
	int w, h;
	int stride; /* in pixels, >= w */
};

#define GFX_RGB(r, g, b) ((uint32_t)(((r) & 0xff) << 16 | ((g) & 0xff) << 8 | ((b) & 0xff)))

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

#endif
