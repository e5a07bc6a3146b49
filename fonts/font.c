#include "font.h"

#include <stddef.h>

const uint8_t *font_glyph(const struct font *f, int c)
{
	if (c < f->first || c >= f->first + f->count)
		c = f->missing;
	return f->bits + (size_t)(c - f->first) * (size_t)f->h * (size_t)f->row_bytes;
}
