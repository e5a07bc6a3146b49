/*
 * testcard: the picture a display shows before the decks are up, and what
 * end-to-end tests read back from a screendump: which connector and mode
 * each screen got, the board, live frame counting, problems in red, and
 * where the last touch landed.
 *
 * Everything below is a promise that pixel tests rely on. Coordinates are
 * logical pixels of the surface drawn into (w x h: the viewer's upright
 * picture; on a panel mounted at 90/270 the scanout holds it rotated, see
 * gfx_blit_rotated()). Divisions are integer divisions.
 *
 * Colours (XRGB8888), exact: there is no blending or antialiasing.
 *   background  0x101018 everywhere not listed below
 *   border      0x808080, the outermost 4 pixels on all four sides
 *   title       0xffffff  the display name
 *   text        0xc8c8c8  mode, board, frame lines and status lines
 *   error       0xff4040  error lines
 *   mark        0xff00ff  the touch mark, and nothing else on the card
 *
 * Colour bars, EBU 75 %, left to right in the logical picture:
 *   k:  0 white  1 yellow  2 cyan    3 green   4 magenta 5 red     6 blue    7 black
 *       0xbfbfbf 0xbfbf00  0x00bfbf  0x00bf00  0xbf00bf  0xbf0000  0x0000bf  0x000000
 *   The band spans x from w/20 to w - w/20 and y from h*36/100 to h*56/100
 *   (fractions 0.05 .. 0.95 of the width, 0.36 .. 0.56 of the height),
 *   split into eight equal bars. Sample a bar at its centre:
 *   x = w/20 + (2k+1) * (w - 2*(w/20)) / 16, y = h*46/100; any pixel more
 *   than 2 px inside a bar's edges has the bar's exact colour.
 *
 * Text, in the 8x16 font at scale s = 2 when w >= 1200 and h >= 760, else
 * s = 1; every row starts at x = 16 and is clipped 4 px inside the border:
 *   title   y = 16, scale 3 (48 px tall): the display name
 *   row 1   y = 72:            "<mode_w>x<mode_h>@<refresh> rot <rotation>"
 *   row 2   y = 72 + 18s:      the board name
 *   row 3   y = 72 + 36s:      "frame <n>  touch <x>,<y>" ("touch -" with no mark)
 *   line j  y = h*60/100 + 18s*j, j = 0 .. nlines-1 (at most 8); the last
 *           nerrors of them (j >= nlines - nerrors) are errors, drawn in the
 *           error colour: status first, then what went wrong
 *   Each row is 16*s pixels tall (the title 48) and as wide as its text
 *   (8*s pixels per character).
 *
 * Touch mark (when mark_valid), centred on (mark_x, mark_y), drawn last:
 *   a cross of two 41 x 3 bars (x-20 .. x+20 by y-1 .. y+1, and the same
 *   turned upright) and a ring 2 px wide of outer radius 10. It is
 *   symmetric, so unless clipped by the surface edge the centroid of the
 *   mark-coloured pixels is exactly (mark_x, mark_y).
 */
#ifndef SLIPMAT_TESTCARD_H
#define SLIPMAT_TESTCARD_H

#include "../gfx/gfx.h"

#define TESTCARD_BG 0x101018u
#define TESTCARD_BORDER 0x808080u
#define TESTCARD_BORDER_PX 4
#define TESTCARD_TITLE 0xffffffu
#define TESTCARD_TEXT 0xc8c8c8u
#define TESTCARD_ERROR 0xff4040u
#define TESTCARD_MARK 0xff00ffu
#define TESTCARD_MAX_LINES 8

struct testcard {
	const char *display_name;
	int mode_w, mode_h, refresh, rotation;
	const char *board_name;
	unsigned long frame;
	int mark_valid, mark_x, mark_y; /* last touch, logical px */
	int nlines;
	const char *lines[TESTCARD_MAX_LINES]; /* status and error lines (errors shown in red) */
	int nerrors;			       /* the last nerrors lines are errors */
};

/*
 * Draw the whole card into s (any size; everything clips). NULL strings
 * draw as empty. Allocates nothing.
 */
void testcard_draw(struct surface *s, const struct testcard *tc);

#endif
