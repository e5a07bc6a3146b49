/*
 * text.c: runs of anti-aliased glyphs from a compiled face (fonts/face.h):
 * kerning applied between neighbours, each glyph's coverage blended in
 * through the blend_mask kernel.
 */
#include <limits.h>
#include <string.h>

#include "../fonts/face.h"
#include "internal.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

/* Draw len bytes of text with the pen starting at pen (1/64 px). Return: the pen after it. */
static long long run(struct surface *s, const struct face *f, long long pen, int baseline,
                     uint32_t argb, const char *text, size_t len, uint32_t *prev)
{
	const char *p = text, *end = text + len;
	long long right = gfx_surface_ok(s) ? (long long)s->w * 64 : 0;
	uint32_t cp;

	while (p < end && (cp = utf8_next(&p)) != 0) {
		const struct face_glyph *g = face_glyph(f, cp);
		long long gx;

		if (*prev)
			pen += face_kern(f, *prev, cp);
		*prev = cp;
		gx = ((pen + 32) >> 6) + g->left;
		/* Past the right edge nothing more shows; the pen still counts. */
		if (gx * 64 < right && g->w && gx > INT_MIN && gx < INT_MAX)
			/*
			 * The zero padding of each row is drawn too: it changes no
			 * pixel, and the rows then blend in whole groups of four.
			 */
			gfx_mask(s, (int)gx, (int)((long long)baseline - g->top),
			         f->coverage + g->at, FACE_ROW(g->w), g->h, FACE_ROW(g->w), argb);
		pen += g->advance;
	}
	return pen;
}

int gfx_text_run(struct surface *s, const struct face *f, int x, int baseline, uint32_t argb,
                 const char *text)
{
	uint32_t prev = 0;
	long long end;

	if (!f || !text)
		return 0;
	end = run(s, f, (long long)x * 64, baseline, argb, text, strlen(text), &prev);
	end = ((end + 32) >> 6) - x;
	return end > INT_MAX ? INT_MAX : (int)end;
}

int gfx_text_fit(struct surface *s, const struct face *f, int x, int baseline, int max_w,
                 uint32_t argb, const char *text)
{
	uint32_t prev = 0;
	long long pen;
	int ell;
	size_t n;

	if (!f || !text)
		return 0;
	n = face_fit(f, text, max_w, &ell);
	pen = run(s, f, (long long)x * 64, baseline, argb, text, n, &prev);
	if (ell)
		pen = run(s, f, pen, baseline, argb, ELLIPSIS, strlen(ELLIPSIS), &prev);
	return (int)(((pen + 32) >> 6) - x);
}
