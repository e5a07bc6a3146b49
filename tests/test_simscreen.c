/*
 * test_simscreen: the headless display backend and its PNG writer, as a
 * test harness sees them: the screens the profile asks for, what is drawn
 * shows up (rotated like the real panel) after present, each present is a
 * frame with its flip callback, and the PNG holds exactly the screen.
 *
 * The PNG is checked by decoding it here, independently of hal/png.c:
 * signature, IHDR, every chunk's CRC (a bitwise CRC-32 of our own), the
 * zlib header, the stored blocks, the Adler-32, and every pixel.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fw/arena.h"
#include "../fw/board.h"
#include "../fw/guard.h"
#include "../hal/display.h"

#define ARENA_SIZE (48u << 20)

struct flips {
	int calls;
	int last_index;
};

static void on_flip(void *ctx, int index)
{
	struct flips *f = ctx;

	f->calls++;
	f->last_index = index;
}

struct fixture {
	struct arena arena;
	struct board board;
	struct displays ds;
	struct flips flips;
	char path[256];
};

static int setup(void **state)
{
	static struct fixture fx;
	const char *tmp = getenv("TMPDIR");

	memset(&fx, 0, sizeof fx);
	if (arena_init(&fx.arena, ARENA_SIZE) != 0)
		return -1;
	snprintf(fx.path, sizeof fx.path, "%s/slipmat-test-sim-%d.png", tmp ? tmp : "/tmp",
		 (int)getpid());
	fx.ds.ops = &display_sim_ops;
	fx.ds.on_flip = on_flip;
	fx.ds.ctx = &fx.flips;
	snprintf(fx.board.path, sizeof fx.board.path, "test profile");
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->ds.local)
		fx->ds.ops->close(&fx->ds, NULL);
	unlink(fx->path);
	arena_clear(&fx->arena);
	return 0;
}

static void profile_display(struct board *b, int i, const char *conn, int w, int h, int rot)
{
	struct board_display *d = &b->display[i];

	snprintf(d->connector, sizeof d->connector, "%s", conn);
	d->width = w;
	d->height = h;
	d->refresh = 0;
	d->rotation = rot;
	if (b->ndisplays < i + 1)
		b->ndisplays = i + 1;
}

static uint32_t px_at(const struct surface *s, int x, int y)
{
	return s->px[(size_t)y * (size_t)s->stride + (size_t)x];
}

/* --- an independent PNG reader (stored deflate blocks only) ------------ */

#define FILE_MAX (8u << 20)

static uint8_t file_buf[FILE_MAX];
static uint8_t zlib_buf[FILE_MAX];
static uint8_t raw_buf[FILE_MAX];

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CRC-32 bit by bit (reflected polynomial 0xEDB88320), as the PNG spec defines it. */
static uint32_t crc_bitwise(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static uint32_t adler_plain(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

struct png_image {
	uint32_t w, h;
	const uint8_t *raw; /* filtered scanlines */
	size_t raw_len;
};

/* Parse and check everything; fail the test on any defect. */
static void png_read(const char *path, struct png_image *img)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	size_t len = 0, pos = 8, zlen = 0, zpos = 2, rlen = 0;
	int fd = open(path, O_RDONLY), seen_ihdr = 0, seen_iend = 0, final = 0;
	ssize_t n;

	assert_true(fd >= 0);
	while ((n = read(fd, file_buf + len, FILE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	assert_true(len > 8 && len < FILE_MAX);
	assert_memory_equal(file_buf, sig, 8);

	while (pos < len) {
		uint32_t clen, crc;
		const uint8_t *type, *data;

		assert_true(pos + 12 <= len);
		clen = be32(file_buf + pos);
		assert_true(pos + 12 + clen <= len);
		type = file_buf + pos + 4;
		data = type + 4;
		crc = be32(data + clen);
		if (crc != crc_bitwise(type, clen + 4))
			fail_msg("chunk %.4s at %zu: CRC %08x, computed %08x",
				 (const char *)type, pos, crc, crc_bitwise(type, clen + 4));
		assert_false(seen_iend);
		if (memcmp(type, "IHDR", 4) == 0) {
			assert_int_equal(pos, 8); /* IHDR comes first */
			assert_int_equal(clen, 13);
			img->w = be32(data);
			img->h = be32(data + 4);
			assert_int_equal(data[8], 8);  /* bit depth */
			assert_int_equal(data[9], 2);  /* RGB */
			assert_int_equal(data[10], 0); /* deflate */
			assert_int_equal(data[11], 0); /* filter method */
			assert_int_equal(data[12], 0); /* not interlaced */
			seen_ihdr = 1;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			assert_true(seen_ihdr);
			memcpy(zlib_buf + zlen, data, clen);
			zlen += clen;
		} else if (memcmp(type, "IEND", 4) == 0) {
			assert_int_equal(clen, 0);
			seen_iend = 1;
		} else {
			fail_msg("unexpected chunk %.4s", (const char *)type);
		}
		pos += 12 + clen;
	}
	assert_true(seen_iend);

	/* zlib: CM 8, window <= 32K, no preset dictionary, header check. */
	assert_true(zlen >= 2 + 5 + 4);
	assert_int_equal(zlib_buf[0] & 0x0f, 8);
	assert_true((zlib_buf[0] >> 4) <= 7);
	assert_int_equal(zlib_buf[1] & 0x20, 0);
	assert_int_equal((zlib_buf[0] * 256 + zlib_buf[1]) % 31, 0);
	while (!final) {
		uint32_t blen, nlen;

		assert_true(zpos + 5 <= zlen);
		final = zlib_buf[zpos] & 1;
		assert_int_equal((zlib_buf[zpos] >> 1) & 3, 0); /* stored */
		blen = zlib_buf[zpos + 1] | (uint32_t)zlib_buf[zpos + 2] << 8;
		nlen = zlib_buf[zpos + 3] | (uint32_t)zlib_buf[zpos + 4] << 8;
		assert_int_equal(blen, (~nlen) & 0xffff);
		zpos += 5;
		assert_true(zpos + blen <= zlen);
		memcpy(raw_buf + rlen, zlib_buf + zpos, blen);
		rlen += blen;
		zpos += blen;
	}
	assert_int_equal(zpos + 4, zlen);
	assert_int_equal(be32(zlib_buf + zpos), adler_plain(raw_buf, rlen));
	img->raw = raw_buf;
	img->raw_len = rlen;
}

/* The decoded image shows exactly the surface s. */
static void assert_png_shows(const struct png_image *img, const struct surface *s)
{
	size_t row = 1 + 3 * (size_t)s->w;

	assert_int_equal(img->w, s->w);
	assert_int_equal(img->h, s->h);
	assert_int_equal(img->raw_len, row * (size_t)s->h);
	for (int y = 0; y < s->h; y++) {
		const uint8_t *r = img->raw + row * (size_t)y;

		assert_int_equal(r[0], 0); /* filter None */
		for (int x = 0; x < s->w; x++) {
			uint32_t p = px_at(s, x, y);
			uint32_t got = (uint32_t)r[1 + 3 * x] << 16 | (uint32_t)r[2 + 3 * x] << 8 |
				       r[3 + 3 * x];

			if (got != (p & 0xffffff))
				fail_msg("PNG pixel (%d,%d) is %06x, screen has %06x", x, y, got,
					 p & 0xffffff);
		}
	}
}

/* --- tests ------------------------------------------------------------ */

static void test_open_uses_profile_sizes_and_defaults(void **state)
{
	struct fixture *fx = *state;
	struct displays *ds = &fx->ds;

	profile_display(&fx->board, 0, "", 0, 0, 0);
	profile_display(&fx->board, 1, "HDMI-A-2", 1024, 600, 270);
	assert_int_equal(ds->ops->open(ds, &fx->board, &fx->arena, NULL), 0);
	assert_int_equal(ds->count, 2);
	assert_string_equal(ds->error, "");

	assert_true(ds->d[0].active);
	assert_int_equal(ds->d[0].mode_w, 1280);
	assert_int_equal(ds->d[0].mode_h, 800);
	assert_int_equal(ds->d[0].fb.w, 1280);
	assert_int_equal(ds->d[0].fb.h, 800);
	assert_true(ds->d[0].name[0] != '\0');

	assert_string_equal(ds->d[1].name, "HDMI-A-2");
	assert_int_equal(ds->d[1].index, 1);
	assert_int_equal(ds->d[1].mode_w, 1024);
	assert_int_equal(ds->d[1].mode_h, 600);
	assert_int_equal(ds->d[1].rotation, 270);
	/* Mounted upright: the UI draws a portrait picture. */
	assert_int_equal(ds->d[1].fb.w, 600);
	assert_int_equal(ds->d[1].fb.h, 1024);
	assert_true(ds->d[1].fb.stride >= 600);
	assert_non_null(display_sim_scanout(ds, 1));
	assert_int_equal(display_sim_scanout(ds, 1)->w, 1024);
	assert_null(display_sim_scanout(ds, 2));
}

static void test_present_shows_the_picture_rotated_and_counts(void **state)
{
	struct fixture *fx = *state;
	struct displays *ds = &fx->ds;
	const struct surface *scan;
	struct display *d;
	struct guard_counts gc;
	int found = 0;

	profile_display(&fx->board, 0, "Virtual-1", 1280, 800, 90);
	assert_int_equal(ds->ops->open(ds, &fx->board, &fx->arena, NULL), 0);
	d = &ds->d[0];
	assert_int_equal(d->fb.w, 800);
	assert_int_equal(d->fb.h, 1280);
	gfx_fill_rect(&d->fb, 10, 20, 1, 1, 0x00ff8000);

	/* Steady state: presenting allocates nothing (the guard aborts if it does). */
	guard_arm();
	assert_int_equal(ds->ops->present(ds, 0), 0);
	guard_disarm();
	guard_counts(&gc);
	assert_int_equal(gc.stray, 0);

	assert_int_equal(d->frames, 1);
	assert_int_equal(d->flip_pending, 0);
	assert_int_equal(fx->flips.calls, 1);
	assert_int_equal(fx->flips.last_index, 0);

	/* Turned 90 degrees clockwise, the panel shows logical (10, 20) at scanout (20, 789). */
	scan = display_sim_scanout(ds, 0);
	assert_int_equal(scan->w, 1280);
	assert_int_equal(scan->h, 800);
	for (int y = 0; y < scan->h; y++)
		for (int x = 0; x < scan->w; x++)
			if (px_at(scan, x, y) == 0x00ff8000) {
				assert_int_equal(x, 20);
				assert_int_equal(y, 789);
				found++;
			}
	assert_int_equal(found, 1);

	assert_int_equal(ds->ops->present(ds, 0), 0);
	assert_int_equal(d->frames, 2);
	assert_int_equal(fx->flips.calls, 2);
	assert_int_equal(ds->ops->present(ds, 1), -EINVAL);
	assert_int_equal(ds->ops->present(ds, -1), -EINVAL);
	assert_int_equal(fx->flips.calls, 2);
}

/* A 16-bit panel (format = RGB565): what it shows carries the panel's quantisation. */
static void test_rgb565_panel(void **state)
{
	struct fixture *fx = *state;
	struct displays *ds = &fx->ds;
	const uint16_t *raw;
	const struct surface *scan;
	struct display *d;

	profile_display(&fx->board, 0, "Virtual-1", 1024, 600, 180);
	fx->board.display[0].pixels = GFX_RGB565;
	assert_int_equal(ds->ops->open(ds, &fx->board, &fx->arena, NULL), 0);
	d = &ds->d[0];
	assert_int_equal(d->format, GFX_RGB565);
	gfx_clear(&d->fb, 0x00000000);
	gfx_fill_rect(&d->fb, 10, 20, 1, 1, 0x00ff8040);
	guard_arm();
	assert_int_equal(ds->ops->present(ds, 0), 0);
	guard_disarm();
	/* upside down: logical (10, 20) at (1013, 579); r 31, g 32, b 8 */
	raw = display_sim_scanout565(ds, 0);
	assert_non_null(raw);
	assert_int_equal(raw[579 * 1024 + 1013], 31 << 11 | 32 << 5 | 8);
	assert_int_equal(raw[0], 0);
	/* and widened back for the eye: 0x80 green reads 0x82, 0x40 blue 0x42 */
	scan = display_sim_scanout(ds, 0);
	assert_int_equal(px_at(scan, 1013, 579), 0x00ff8242);
	/* an XRGB8888 panel has no 16-bit scanout */
	assert_null(display_sim_scanout565(ds, 1));
}

static void test_png_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct displays *ds = &fx->ds;
	struct png_image img = {0};
	struct guard_counts gc;
	struct display *d;

	profile_display(&fx->board, 0, "", 0, 0, 0);
	profile_display(&fx->board, 1, "", 333, 91, 180); /* odd sizes, several blocks */
	assert_int_equal(ds->ops->open(ds, &fx->board, &fx->arena, NULL), 0);
	for (int i = 0; i < 2; i++) {
		d = &ds->d[i];
		/* Every pixel different, all three channels busy. */
		for (int y = 0; y < d->fb.h; y++)
			for (int x = 0; x < d->fb.w; x++)
				d->fb.px[y * d->fb.stride + x] =
					(uint32_t)(x * 7 + y * 13) << 16 ^ (uint32_t)(x * 3) << 8 ^
					(uint32_t)(y * 5 + x) ^ 0xff000000u;
		assert_int_equal(ds->ops->present(ds, i), 0);

		guard_arm();
		assert_int_equal(display_sim_write_png(ds, i, fx->path), 0);
		guard_disarm();
		guard_counts(&gc);
		assert_int_equal(gc.stray, 0);

		png_read(fx->path, &img);
		assert_png_shows(&img, display_sim_scanout(ds, i));
	}
}

static void test_errors_are_reported_not_fatal(void **state)
{
	struct fixture *fx = *state;
	struct displays *ds = &fx->ds;
	struct arena tiny;

	/* No displays in the profile. */
	fx->board.ndisplays = 0;
	assert_int_equal(ds->ops->open(ds, &fx->board, &fx->arena, NULL), -EINVAL);
	assert_int_equal(ds->count, 0);
	assert_true(strstr(ds->error, "displays") != NULL);

	/* Not enough memory for the screens. */
	profile_display(&fx->board, 0, "", 1280, 800, 0);
	assert_int_equal(arena_init(&tiny, 1 << 20), 0);
	assert_int_equal(ds->ops->open(ds, &fx->board, &tiny, NULL), -ENOMEM);
	assert_int_equal(ds->count, 0);
	assert_true(ds->error[0] != '\0');
	arena_clear(&tiny);

	/* A rotation the panel cannot have: noted, and shown upright. */
	profile_display(&fx->board, 0, "", 640, 480, 45);
	assert_int_equal(ds->ops->open(ds, &fx->board, &fx->arena, NULL), 0);
	assert_int_equal(ds->d[0].rotation, 0);
	assert_true(strstr(ds->error, "rotation") != NULL);

	/* A PNG that cannot be written says so. */
	assert_int_equal(display_sim_write_png(ds, 0, "/nonexistent-dir/x.png"), -ENOENT);
	assert_int_equal(display_sim_write_png(ds, 5, fx->path), -EINVAL);

	/* After close nothing is presented or written. */
	ds->ops->close(ds, NULL);
	assert_int_equal(ds->count, 0);
	assert_int_equal(ds->ops->present(ds, 0), -EINVAL);
	assert_int_equal(display_sim_write_png(ds, 0, fx->path), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_uses_profile_sizes_and_defaults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_present_shows_the_picture_rotated_and_counts,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rgb565_panel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_png_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_are_reported_not_fatal, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
