/*
 * test_gfx_damage: dirty rectangles as the frame loop uses them: what was
 * marked is always covered, an idle frame copies nothing, each scanout
 * buffer catches up on everything it missed, and copying only the damage
 * leaves the screen identical to copying everything.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../fw/arena.h"
#include "../fw/board.h"
#include "../gfx/damage.h"
#include "../gfx/gfx.h"
#include "../hal/display.h"

static int covered(const struct damage *d, int x, int y)
{
	for (int i = 0; i < d->n; i++)
		if (x >= d->r[i].x && x < d->r[i].x + d->r[i].w && y >= d->r[i].y &&
		    y < d->r[i].y + d->r[i].h)
			return 1;
	return 0;
}

static void test_marks_are_clipped_merged_and_covered(void **state)
{
	struct damage d;
	unsigned seed = 7;

	(void)state;
	damage_init(&d, 100, 50);
	damage_add(&d, 10, 10, 0, 5);     /* empty */
	damage_add(&d, -30, -30, 20, 20); /* off-screen */
	damage_add(&d, 200, 10, 5, 5);    /* off-screen */
	assert_int_equal(d.n, 0);
	damage_add(&d, -5, -5, 10, 10); /* clipped to 0,0 5x5 */
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r[0].x, 0);
	assert_int_equal(d.r[0].w, 5);
	damage_add(&d, 1, 1, 2, 2); /* inside: nothing new */
	assert_int_equal(d.n, 1);
	damage_add(&d, 5, 0, 5, 5); /* touching edge to edge: one rectangle */
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r[0].w, 10);
	assert_int_equal(damage_area(&d), 50);
	assert_true(damage_hits(&d, 9, 4, 3, 3));
	assert_false(damage_hits(&d, 10, 0, 3, 3));

	/* many scattered marks: never more than DAMAGE_MAX, every marked pixel covered */
	damage_clear(&d);
	for (int k = 0; k < 200; k++) {
		int x, y, w, h;

		seed = seed * 1103515245u + 12345u;
		x = (int)(seed >> 8) % 100, y = (int)(seed >> 16) % 50;
		w = 1 + (int)(seed >> 4) % 9, h = 1 + (int)(seed >> 12) % 7;
		damage_add(&d, x, y, w, h);
		assert_true(d.n <= DAMAGE_MAX);
		for (int yy = y; yy < y + h && yy < 50; yy++)
			for (int xx = x; xx < x + w && xx < 100; xx++)
				if (!covered(&d, xx, yy))
					fail_msg("mark %d: pixel (%d,%d) lost", k, xx, yy);
	}
	assert_true(damage_area(&d) <= 100 * 50 * 2);
	damage_all(&d);
	assert_int_equal(d.n, 1);
	assert_int_equal(damage_area(&d), 5000);
}

static void test_each_buffer_catches_up(void **state)
{
	struct damage_bufs b;
	const struct damage *d;

	(void)state;
	damage_bufs_init(&b, 2, 64, 32);
	/* first frames: both buffers need everything */
	d = damage_bufs_take(&b, 0);
	assert_int_equal(damage_area(d), 64 * 32);
	damage_bufs_done(&b, 0);
	d = damage_bufs_take(&b, 1);
	assert_int_equal(damage_area(d), 64 * 32);
	damage_bufs_done(&b, 1);
	/* idle: nothing to copy into either buffer */
	assert_int_equal(damage_bufs_take(&b, 0)->n, 0);
	damage_bufs_done(&b, 0);
	assert_int_equal(damage_bufs_take(&b, 1)->n, 0);
	damage_bufs_done(&b, 1);
	/* a waveform strip changes while buffer 0 is shown, then a button while 1 is */
	damage_bufs_add(&b, 0, 10, 64, 8);
	d = damage_bufs_take(&b, 0);
	assert_int_equal(damage_area(d), 64 * 8);
	damage_bufs_done(&b, 0);
	damage_bufs_add(&b, 2, 2, 4, 4);
	d = damage_bufs_take(&b, 1);
	/* buffer 1 missed the strip and gets the button */
	assert_int_equal(damage_area(d), 64 * 8 + 16);
	damage_bufs_done(&b, 1);
	d = damage_bufs_take(&b, 0);
	assert_int_equal(damage_area(d), 16);
	damage_bufs_done(&b, 0);
	assert_null(damage_bufs_take(&b, 2));
}

/* Copying only the damage into alternating buffers shows the same as copying all. */
static void test_partial_copies_show_the_same_screen(void **state)
{
	static uint32_t fb[40 * 30], buf[2][30 * 40], ref[30 * 40];
	struct surface s = {fb, 40, 30, 40};
	struct scanout so[2] = {{buf[0], 30, 40, 30 * 4, GFX_XRGB8888},
	                        {buf[1], 30, 40, 30 * 4, GFX_XRGB8888}};
	struct damage_bufs b;
	unsigned seed = 99;
	long long copied = 0;

	(void)state;
	damage_bufs_init(&b, 2, 40, 30);
	memset(buf, 0x55, sizeof buf);
	gfx_clear(&s, 0x203040);
	for (int frame = 0; frame < 60; frame++) {
		int idx = frame & 1, x, y, w, h;
		struct surface full = {ref, 30, 40, 30};
		const struct damage *d;

		seed = seed * 1103515245u + 12345u;
		x = (int)(seed >> 8) % 40, y = (int)(seed >> 16) % 30;
		w = 1 + (int)(seed >> 4) % 12, h = 1 + (int)(seed >> 12) % 9;
		if (frame % 5 != 4) { /* every fifth frame is idle */
			gfx_fill_rect(&s, x, y, w, h, seed & 0xffffff);
			damage_bufs_add(&b, x, y, w, h);
		}
		d = damage_bufs_take(&b, idx);
		copied += damage_area(d);
		assert_int_equal(damage_present(&so[idx], &s, 90, d), 0);
		damage_bufs_done(&b, idx);
		gfx_blit_rotated(&full, &s, 90);
		if (memcmp(buf[idx], ref, sizeof ref))
			fail_msg("frame %d: buffer %d differs from a full copy", frame, idx);
	}
	/* and it copied well under what full copies would have */
	assert_true(copied < 60LL * 40 * 30 / 2);
}

/*
 * Through a display (the sim backend, panel turned 90 degrees): once
 * damage is marked, present() copies only it, and the screen still shows
 * exactly the logical surface.
 */
static void test_display_presents_only_damage(void **state)
{
	static struct arena arena;
	static struct board board;
	static struct displays ds;
	const struct surface *scan;
	struct display *d;
	struct surface *fb;

	(void)state;
	assert_int_equal(arena_init(&arena, 8u << 20), 0);
	snprintf(board.path, sizeof board.path, "test profile");
	snprintf(board.display[0].connector, sizeof board.display[0].connector, "Virtual-1");
	board.display[0].width = 320;
	board.display[0].height = 200;
	board.display[0].rotation = 90;
	board.ndisplays = 1;
	ds.ops = &display_sim_ops;
	assert_int_equal(ds.ops->open(&ds, &board, &arena, NULL), 0);
	d = &ds.d[0];
	fb = &d->fb;
	scan = display_sim_scanout(&ds, 0);
	assert_non_null(scan);

	gfx_clear(fb, 0x112233);
	display_damage(d, 0, 0, fb->w, fb->h);
	assert_int_equal(ds.ops->present(&ds, 0), 0);
	/* now draw without marking: an idle present leaves the screen as it was */
	gfx_fill_rect(fb, 10, 10, 20, 20, 0xff0000);
	assert_int_equal(ds.ops->present(&ds, 0), 0);
	{
		int sx, sy;

		gfx_rotate_point(90, fb->w, fb->h, 15, 15, &sx, &sy);
		assert_int_equal(scan->px[sy * scan->stride + sx], 0x112233);
		/* marked: it shows, and the whole screen equals the logical surface */
		display_damage(d, 10, 10, 20, 20);
		assert_int_equal(ds.ops->present(&ds, 0), 0);
		for (int y = 0; y < fb->h; y++)
			for (int x = 0; x < fb->w; x++) {
				gfx_rotate_point(90, fb->w, fb->h, x, y, &sx, &sy);
				if (scan->px[sy * scan->stride + sx] != fb->px[y * fb->stride + x])
					fail_msg(
					    "screen differs from the surface at logical (%d,%d)", x,
					    y);
			}
	}
	ds.ops->close(&ds, NULL);
	arena_clear(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_marks_are_clipped_merged_and_covered),
	    cmocka_unit_test(test_each_buffer_catches_up),
	    cmocka_unit_test(test_partial_copies_show_the_same_screen),
	    cmocka_unit_test(test_display_presents_only_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
