/*
 * testcard.c: the layout promised in testcard.h, drawn back to front:
 * background, border, bars, text, and the touch mark on top of it all.
 */
#include "testcard.h"

#include <stdio.h>

#include "../fonts/font.h"

static const uint32_t bars[8] = {
	0xbfbfbf, 0xbfbf00, 0x00bfbf, 0x00bf00, 0xbf00bf, 0xbf0000, 0x0000bf, 0x000000,
};

#define MARGIN 16
#define TITLE_SCALE 3
#define ROW1_Y 72

static void draw_bars(struct surface *s)
{
	int x0 = s->w / 20, x1 = s->w - s->w / 20;
	int y0 = s->h * 36 / 100, y1 = s->h * 56 / 100;
	int bw = x1 - x0;

	for (int k = 0; k < 8; k++) {
		int a = x0 + k * bw / 8, b = x0 + (k + 1) * bw / 8;

		gfx_fill_rect(s, a, y0, b - a, y1 - y0, bars[k]);
	}
}

static void draw_mark(struct surface *s, int x, int y)
{
	/* Far outside any screen: nothing to show, and no overflow below. */
	if (x < -100000 || x > 100000 || y < -100000 || y > 100000)
		return;
	gfx_fill_rect(s, x - 20, y - 1, 41, 3, TESTCARD_MARK);
	gfx_fill_rect(s, x - 1, y - 20, 3, 41, TESTCARD_MARK);
	gfx_circle(s, x, y, 10, 2, TESTCARD_MARK);
}

void testcard_draw(struct surface *s, const struct testcard *tc)
{
	const struct font *f = &font_mono8x16;
	const int b = TESTCARD_BORDER_PX;
	struct surface in;
	char line[96];
	int scale, pitch, n;

	if (!s || !s->px || s->w <= 0 || s->h <= 0)
		return;
	scale = s->w >= 1200 && s->h >= 760 ? 2 : 1;
	pitch = 18 * scale;

	gfx_clear(s, TESTCARD_BG);
	gfx_rect_outline(s, 0, 0, s->w, s->h, b, TESTCARD_BORDER);
	draw_bars(s);

	/* Text inside the border only: long lines are cut, the frame stays. */
	in = gfx_sub(s, b, b, s->w - 2 * b, s->h - 2 * b);
	gfx_text_scaled(&in, f, MARGIN - b, MARGIN - b, TITLE_SCALE, TESTCARD_TITLE,
			tc->display_name ? tc->display_name : "");
	snprintf(line, sizeof line, "%dx%d@%d rot %d", tc->mode_w, tc->mode_h, tc->refresh,
		 tc->rotation);
	gfx_text_scaled(&in, f, MARGIN - b, ROW1_Y - b, scale, TESTCARD_TEXT, line);
	gfx_text_scaled(&in, f, MARGIN - b, ROW1_Y + pitch - b, scale, TESTCARD_TEXT,
			tc->board_name ? tc->board_name : "");
	if (tc->mark_valid)
		snprintf(line, sizeof line, "frame %lu  touch %d,%d", tc->frame, tc->mark_x,
			 tc->mark_y);
	else
		snprintf(line, sizeof line, "frame %lu  touch -", tc->frame);
	gfx_text_scaled(&in, f, MARGIN - b, ROW1_Y + 2 * pitch - b, scale, TESTCARD_TEXT, line);

	n = tc->nlines < TESTCARD_MAX_LINES ? tc->nlines : TESTCARD_MAX_LINES;
	for (int j = 0; j < n; j++) {
		uint32_t colour = j >= tc->nlines - tc->nerrors ? TESTCARD_ERROR : TESTCARD_TEXT;

		gfx_text_scaled(&in, f, MARGIN - b, s->h * 60 / 100 + j * pitch - b, scale, colour,
				tc->lines[j] ? tc->lines[j] : "");
	}

	if (tc->mark_valid)
		draw_mark(s, tc->mark_x, tc->mark_y);
}
