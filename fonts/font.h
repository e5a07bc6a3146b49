/*
 * font: bitmap fonts compiled into the binary.
 *
 * A font is a grid of fixed-size cells, one per code point first ..
 * first + count - 1, one bit per pixel. The human-readable source of each
 * font sits beside it (fonts/NAME.txt) and tools/fontgen.c turns it into
 * fonts/NAME.c; the generated file says how to regenerate it.
 */
#ifndef SLIPMAT_FONT_H
#define SLIPMAT_FONT_H

#include <stdint.h>

struct font {
	const char *name;
	int w, h;	  /* cell size in pixels; also the advance */
	int baseline;	  /* row of the cell the capitals stand on */
	int first, count; /* code points covered */
	int missing;	  /* code point drawn for one the font lacks */
	int row_bytes;	  /* bytes per glyph row: (w + 7) / 8 */
	/* count glyphs of h rows of row_bytes; the top bit of a byte is the leftmost pixel */
	const uint8_t *bits;
};

/* Return: the rows of c's glyph (or of the replacement glyph). */
const uint8_t *font_glyph(const struct font *f, int c);

/* 8x16 monospace, ASCII 32..126 plus a replacement box (127). */
extern const struct font font_mono8x16;

#endif
