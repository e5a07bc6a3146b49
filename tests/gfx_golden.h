/*
 * gfx_golden.h: golden-image comparison for the gfx tests.
 *
 * Goldens are binary PPM files in tests/data/gfx (read from the top of the
 * checkout, where the tests run). A drawing matches when every channel of
 * every pixel is within GOLDEN_TOL of the golden: anti-aliased edges go
 * through float maths whose last bit may differ between compilers and
 * CPUs, the flat parts must be exact anyway since they are integer.
 * On a mismatch the drawing is written as a PNG beside the test binary
 * (NAME.actual.png) so it can be looked at, and the test fails saying how
 * many pixels differ and where the first is.
 * GFX_GOLDEN_WRITE=1 rewrites the goldens from the drawings instead (look
 * at them before committing).
 */
#ifndef SLIPMAT_TESTS_GFX_GOLDEN_H
#define SLIPMAT_TESTS_GFX_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hal/png.h"

#define GOLDEN_TOL 3
#define GOLDEN_MAX (400 * 300)

static char golden_out_dir[512] = ".";

/* Where failure PNGs go: the directory of the test binary. */
static void golden_set_out(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	if (slash && (size_t)(slash - argv0) < sizeof golden_out_dir) {
		memcpy(golden_out_dir, argv0, (size_t)(slash - argv0));
		golden_out_dir[slash - argv0] = 0;
	}
}

static void golden_check(const char *name, const uint32_t *px, int w, int h, int stride)
{
	static uint8_t rgb[GOLDEN_MAX * 3];
	char path[600];
	int gw, gh, maxv, bad = 0, fx = -1, fy = -1, worst = 0;
	FILE *f;

	assert_true(w * h <= GOLDEN_MAX);
	snprintf(path, sizeof path, "tests/data/gfx/%s.ppm", name);
	if (getenv("GFX_GOLDEN_WRITE")) {
		f = fopen(path, "wb");
		assert_non_null(f);
		fprintf(f, "P6\n%d %d\n255\n", w, h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				uint32_t p = px[y * stride + x];

				fputc((int)(p >> 16 & 0xff), f);
				fputc((int)(p >> 8 & 0xff), f);
				fputc((int)(p & 0xff), f);
			}
		assert_int_equal(fclose(f), 0);
		snprintf(path, sizeof path, "%s/%s.golden.png", golden_out_dir, name);
		png_write_xrgb(path, px, w, h, stride);
		return;
	}
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot open the golden image (run from the top of the checkout)",
		         path);
	if (fscanf(f, "P6 %d %d %d", &gw, &gh, &maxv) != 3 || fgetc(f) != '\n' || maxv != 255 ||
	    gw != w || gh != h || fread(rgb, 3, (size_t)w * h, f) != (size_t)w * h) {
		fclose(f);
		fail_msg("%s: not a %dx%d binary PPM", path, w, h);
	}
	fclose(f);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint32_t p = px[y * stride + x];
			const uint8_t *g = rgb + 3 * (y * w + x);
			int d[3] = {abs((int)(p >> 16 & 0xff) - g[0]),
			            abs((int)(p >> 8 & 0xff) - g[1]), abs((int)(p & 0xff) - g[2])};

			for (int k = 0; k < 3; k++) {
				if (d[k] > worst)
					worst = d[k];
				if (d[k] > GOLDEN_TOL) {
					if (!bad)
						fx = x, fy = y;
					bad++;
					break;
				}
			}
		}
	if (bad) {
		snprintf(path, sizeof path, "%s/%s.actual.png", golden_out_dir, name);
		png_write_xrgb(path, px, w, h, stride);
		fail_msg(
		    "%s: %d pixels differ from the golden by more than %d (worst %d), first at "
		    "(%d,%d); drawing saved as %s",
		    name, bad, GOLDEN_TOL, worst, fx, fy, path);
	}
}

#endif
