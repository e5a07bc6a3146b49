/*
 * fw/splash: PID 1's picture while a player restarts, as pixels: the
 * screens' ground everywhere but the two lines of text, the title in
 * bold and the reason under it, each centred, exactly as the faces draw
 * them, on a landscape and a portrait surface. Written to
 * build/splash.png to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fonts/face.h"
#include "fw/splash.h"
#include "hal/png.h"

#define LINE "After a fault: the decks come back where they were"

/* Pixels of s differing from text in f, ink over the ground, starting at x, baseline base. */
static long differs(const struct surface *s, const struct face *f, int x0, int base, uint32_t ink,
                    const char *text)
{
	int w = face_measure(f, text, (size_t)-1), h = f->ascent + f->descent;
	struct surface r = {calloc((size_t)w * h, 4), w, h, w};
	long diff = 0;

	gfx_clear(&r, SPLASH_GROUND);
	gfx_text_run(&r, f, 0, f->ascent, 0xff000000u | ink, text);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			diff +=
			    r.px[y * w + x] != s->px[(base - f->ascent + y) * s->stride + x0 + x];
	free(r.px);
	return diff;
}

static void picture(int w, int h, const char *png)
{
	struct surface s = {calloc((size_t)w * h, 4), w, h, w};
	const struct face *big = &face_sans_bold_38, *small = &face_sans_22;
	int tw = face_measure(big, SPLASH_TITLE, (size_t)-1),
	    lw = face_measure(small, LINE, (size_t)-1);
	int minx = w, maxx = -1, miny = h, maxy = -1, top, base;
	struct stat st;

	gfx_clear(&s, 0x00ff00);
	splash_draw(&s, SPLASH_TITLE, LINE);
	if (stat("build", &st) == 0 && S_ISDIR(st.st_mode))
		png_write_xrgb(png, s.px, w, h, w);
	/* ink only in a block in the middle, centred both ways */
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if (s.px[y * w + x] != SPLASH_GROUND) {
				minx = x < minx ? x : minx;
				maxx = x > maxx ? x : maxx;
				miny = y < miny ? y : miny;
				maxy = y > maxy ? y : maxy;
			}
	assert_true(maxx > minx && maxy > miny);
	assert_true(abs((minx + maxx) - (w - 1)) <= 6);
	assert_true(abs((miny + maxy) - (h - 1)) <= 2 * (big->descent + small->descent) + 6);
	/* the two lines, exactly, where splash.h says */
	top = (h - (big->ascent + big->descent + small->line + small->ascent + small->descent)) / 2;
	base = top + big->ascent;
	assert_int_equal(differs(&s, big, (w - tw) / 2, base, SPLASH_INK, SPLASH_TITLE), 0);
	base += big->descent + small->line + small->ascent;
	assert_int_equal(differs(&s, small, (w - lw) / 2, base, SPLASH_DIM, LINE), 0);
	free(s.px);
}

static void landscape(void **state)
{
	(void)state;
	picture(1280, 800, "build/splash.png");
}

static void portrait(void **state)
{
	(void)state;
	picture(600, 1024, "build/splash-portrait.png");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(landscape),
	    cmocka_unit_test(portrait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
