/*
 * face.c: looking glyphs and kerning up in the compiled atlases, and the
 * measuring that layout needs. Pure functions of constant tables.
 */
#include "face.h"

#include <limits.h>
#include <string.h>

#define ELLIPSIS 0x2026

uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp, min;
	int n;

	if (!*p)
		return 0;
	if (p[0] < 0x80) {
		*s += 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0)
		n = 1, cp = p[0] & 0x1f, min = 0x80;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 2, cp = p[0] & 0x0f, min = 0x800;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 3, cp = p[0] & 0x07, min = 0x10000;
	else
		goto bad;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		goto bad;
	*s += n + 1;
	return cp;
bad:
	*s += 1;
	return 0xfffd;
}

const struct face_glyph *face_glyph(const struct face *f, uint32_t cp)
{
	int lo = 0, hi = f->nextra;

	if (cp < FACE_DIRECT)
		return &f->glyphs[f->direct[cp]];
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (f->extra_cp[mid] == cp)
			return &f->glyphs[f->extra_glyph[mid]];
		if (f->extra_cp[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &f->glyphs[0];
}

int face_kern(const struct face *f, uint32_t left, uint32_t right)
{
	uint32_t key;
	int lo, hi;

	if (left > 0xffff || right > 0xffff)
		return 0;
	/* Only the pairs starting with left: a handful, not thousands. */
	if (left < FACE_DIRECT)
		lo = f->kern_first[left], hi = f->kern_first[left + 1];
	else
		lo = f->kern_first[FACE_DIRECT], hi = f->nkern;
	key = left << 16 | right;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (f->kern[mid].pair == key)
			return f->kern[mid].dx;
		if (f->kern[mid].pair < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Pen position in 1/64 px after the text, from pen, with prev the code point before it. */
static long long advance_run(const struct face *f, const char *text, size_t len, long long pen,
                             uint32_t *prev)
{
	const char *p = text, *end = len == (size_t)-1 ? NULL : text + len;
	uint32_t cp;

	while ((!end || p < end) && (cp = utf8_next(&p)) != 0) {
		if (*prev)
			pen += face_kern(f, *prev, cp);
		pen += face_glyph(f, cp)->advance;
		*prev = cp;
	}
	return pen;
}

static int to_px(long long pen)
{
	pen = (pen + 32) >> 6;
	return pen > INT_MAX ? INT_MAX : pen < 0 ? 0 : (int)pen;
}

int face_measure(const struct face *f, const char *text, size_t len)
{
	uint32_t prev = 0;

	if (!f || !text)
		return 0;
	return to_px(advance_run(f, text, len, 0, &prev));
}

size_t face_fit(const struct face *f, const char *text, int max_w, int *ellipsis)
{
	const char *p = text;
	long long pen = 0, limit;
	int ell_adv;
	uint32_t prev = 0, cp;
	size_t best = 0;

	*ellipsis = 0;
	if (!f || !text || max_w <= 0)
		return 0;
	/* A pen position rounds to at most max_w pixels up to limit (1/64 px). */
	limit = (long long)max_w * 64 + 31;
	ell_adv = face_glyph(f, ELLIPSIS)->advance;
	/*
	 * One walk: the longest prefix whose pen, plus kerning into the
	 * ellipsis and its advance, fits; and whether the whole text does.
	 */
	for (;;) {
		cp = utf8_next(&p);
		if (!cp)
			return strlen(text); /* all of it fits */
		if (prev)
			pen += face_kern(f, prev, cp);
		pen += face_glyph(f, cp)->advance;
		prev = cp;
		if (pen > limit)
			break;
		if (pen + face_kern(f, cp, ELLIPSIS) + ell_adv <= limit)
			best = (size_t)(p - text);
	}
	if (ell_adv > limit)
		return 0; /* not even the ellipsis fits */
	*ellipsis = 1;
	/* No dangling space before the ellipsis. */
	while (best > 0 && text[best - 1] == ' ')
		best--;
	return best;
}
