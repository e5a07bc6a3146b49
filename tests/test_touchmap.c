/*
 * test_touchmap: a finger lands on what the UI drew under it.
 *
 * The UI draws at logical (x, y); gfx copies the logical surface into the
 * scanout rotated (the table in hal/touch.h); the touch sensor glued to
 * the panel reports the raw value that its calibration, swap and invert
 * say for that native pixel. The decoder must hand the UI back (x, y).
 * Here the way there is written out independently of the decoder, step
 * by step as hal/touch.h documents it, and the decoder has to undo it.
 *
 * Also: which evdev devices count as touchscreens, and which profile
 * entry a device takes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../fw/board.h"
#include "../gfx/gfx.h"
#include "../hal/touchdec.h"

/*
 * Where gfx puts logical (x, y) on a w x h panel: the rasterizer's own
 * gfx_rotate_point(), so touch and drawing are checked against one truth.
 */
static void gfx_native(int rotation, int w, int h, int x, int y, int *nx, int *ny)
{
	int quarter = rotation == 90 || rotation == 270;

	assert_int_equal(gfx_rotate_point(rotation, quarter ? h : w, quarter ? w : h, x, y, nx, ny),
			 0);
}

/* The raw value a finger on pixel p of n produces on an axis over lo..hi. */
static int aim(int p, int n, int lo, int hi)
{
	return lo + (int)lround((double)p * (hi - lo) / (n - 1));
}

/*
 * Where a finger on native pixel (nx, ny) reads raw: the documented
 * steps (calibrate, swap, invert, to pixels) walked backwards.
 */
static void sensor_raw(const struct touchdec_config *c, int nx, int ny, int *rx, int *ry)
{
	if (c->invert_x)
		nx = c->native_w - 1 - nx;
	if (c->invert_y)
		ny = c->native_h - 1 - ny;
	if (c->swap_xy) {
		*ry = aim(nx, c->native_w, c->y_min, c->y_max);
		*rx = aim(ny, c->native_h, c->x_min, c->x_max);
	} else {
		*rx = aim(nx, c->native_w, c->x_min, c->x_max);
		*ry = aim(ny, c->native_h, c->y_min, c->y_max);
	}
}

static void logical_size(const struct touchdec_config *c, int *w, int *h)
{
	int quarter = c->rotation == 90 || c->rotation == 270;

	*w = quarter ? c->native_h : c->native_w;
	*h = quarter ? c->native_w : c->native_h;
}

struct tap {
	int n;
	struct touch_point p[4];
};

static void record(void *ctx, const struct touch_point *p)
{
	struct tap *t = ctx;

	assert_true(t->n < 4);
	t->p[t->n++] = *p;
}

static void feed(struct touchdec *d, int type, int code, int value, struct tap *t)
{
	struct input_event ev = {
	    .type = (unsigned short)type, .code = (unsigned short)code, .value = value};

	touchdec_feed(d, &ev, record, t);
}

/*
 * Press and lift at raw (rx, ry) on a device of cfg's kind, as the device
 * would send it. Return: where the UI saw the press (the lift is checked
 * to agree).
 */
static struct touch_point tap_raw(const struct touchdec_config *cfg, int rx, int ry)
{
	struct touchdec d;
	struct tap t = {0};

	assert_int_equal(touchdec_init(&d, cfg), 0);
	if (cfg->kind == TOUCHDEC_MT) {
		feed(&d, EV_ABS, ABS_MT_SLOT, 0, &t);
		feed(&d, EV_ABS, ABS_MT_TRACKING_ID, 1, &t);
		feed(&d, EV_ABS, ABS_MT_POSITION_X, rx, &t);
		feed(&d, EV_ABS, ABS_MT_POSITION_Y, ry, &t);
		feed(&d, EV_SYN, SYN_REPORT, 0, &t);
		feed(&d, EV_ABS, ABS_MT_TRACKING_ID, -1, &t);
		feed(&d, EV_SYN, SYN_REPORT, 0, &t);
	} else {
		feed(&d, EV_ABS, ABS_X, rx, &t);
		feed(&d, EV_ABS, ABS_Y, ry, &t);
		feed(&d, EV_KEY, BTN_LEFT, 1, &t);
		feed(&d, EV_SYN, SYN_REPORT, 0, &t);
		feed(&d, EV_KEY, BTN_LEFT, 0, &t);
		feed(&d, EV_SYN, SYN_REPORT, 0, &t);
	}
	assert_int_equal(t.n, 2);
	assert_int_equal(t.p[0].kind, TOUCH_DOWN);
	assert_int_equal(t.p[1].kind, TOUCH_UP);
	assert_int_equal(t.p[0].x, t.p[1].x);
	assert_int_equal(t.p[0].y, t.p[1].y);
	assert_int_equal(t.p[0].display, cfg->display);
	return t.p[0];
}

/* The finger on the pixel gfx drew logical (x, y) at reports (x, y). */
static void check_lands(const struct touchdec_config *c, int x, int y)
{
	int nx, ny, rx, ry, gx, gy;

	gfx_native(c->rotation, c->native_w, c->native_h, x, y, &nx, &ny);
	sensor_raw(c, nx, ny, &rx, &ry);
	touchdec_map(c, rx, ry, &gx, &gy);
	if (gx != x || gy != y)
		fail_msg("rotation %d swap %d invert %d,%d: drawn at (%d, %d), native (%d, %d), "
		         "raw (%d, %d): touch reads (%d, %d)",
		         c->rotation, c->swap_xy, c->invert_x, c->invert_y, x, y, nx, ny, rx, ry,
		         gx, gy);
}

static const int rotations[] = {0, 90, 180, 270};

/* Every logical pixel, all four mountings, a 1280x800 and a 1024x600 panel. */
static void test_every_pixel_every_rotation(void **state)
{
	static const int sizes[][2] = {{1280, 800}, {1024, 600}};
	size_t r, s;

	(void)state;
	for (s = 0; s < 2; s++) {
		for (r = 0; r < 4; r++) {
			struct touchdec_config c = {
			    .kind = TOUCHDEC_MT,
			    .x_max = 4095,
			    .y_max = 4095,
			    .native_w = sizes[s][0],
			    .native_h = sizes[s][1],
			    .rotation = rotations[r],
			};
			int w, h, x, y;

			logical_size(&c, &w, &h);
			for (y = 0; y < h; y++)
				for (x = 0; x < w; x++)
					check_lands(&c, x, y);
		}
	}
}

/* Calibration, swap and both inverts in every combination, with every rotation. */
static void test_every_combination(void **state)
{
	int combo;

	(void)state;
	for (combo = 0; combo < 32; combo++) {
		struct touchdec_config c = {
		    .kind = TOUCHDEC_SINGLE,
		    /* a sensor a little bigger than the glass, axes of different ranges */
		    .x_min = 180,
		    .x_max = 3910,
		    .y_min = 250,
		    .y_max = 3850,
		    .native_w = 1280,
		    .native_h = 800,
		    .swap_xy = combo & 1,
		    .invert_x = (combo >> 1) & 1,
		    .invert_y = (combo >> 2) & 1,
		    .rotation = rotations[combo >> 3],
		};
		int w, h, x, y;

		logical_size(&c, &w, &h);
		for (y = 0; y < h; y += 7)
			for (x = 0; x < w; x += 5)
				check_lands(&c, x, y);
		/* and the four corners exactly */
		check_lands(&c, 0, 0);
		check_lands(&c, w - 1, 0);
		check_lands(&c, 0, h - 1);
		check_lands(&c, w - 1, h - 1);
	}
}

/*
 * A 1280x800 panel mounted at 90 degrees, its sensor reporting in its own
 * pixels. The UI is 800 wide and 1280 tall. Turned a quarter clockwise,
 * the panel's native top-left corner is the viewer's top-right, and its
 * native top-right the viewer's bottom-right.
 */
static void test_tap_on_panel_mounted_at_90(void **state)
{
	struct touchdec_config c = {
	    .kind = TOUCHDEC_MT,
	    .x_max = 1279,
	    .y_max = 799,
	    .native_w = 1280,
	    .native_h = 800,
	    .rotation = 90,
	};
	struct touch_point p;
	int nx, ny;

	(void)state;
	p = tap_raw(&c, 0, 0);
	assert_int_equal(p.x, 799);
	assert_int_equal(p.y, 0);
	gfx_native(90, 1280, 800, p.x, p.y, &nx, &ny);
	assert_int_equal(nx, 0);
	assert_int_equal(ny, 0);

	p = tap_raw(&c, 1279, 0);
	assert_int_equal(p.x, 799);
	assert_int_equal(p.y, 1279);

	/* A play button the UI drew at (100, 1200), near its bottom-left. */
	gfx_native(90, 1280, 800, 100, 1200, &nx, &ny);
	p = tap_raw(&c, nx, ny);
	assert_int_equal(p.x, 100);
	assert_int_equal(p.y, 1200);
}

/* Each mounting, a tap through the decoder on the pixel of logical (100, 50). */
static void test_tap_through_decoder_each_rotation(void **state)
{
	size_t r;

	(void)state;
	for (r = 0; r < 4; r++) {
		struct touchdec_config c = {
		    .kind = TOUCHDEC_SINGLE,
		    .x_max = 32767,
		    .y_max = 32767,
		    .native_w = 1024,
		    .native_h = 600,
		    .rotation = rotations[r],
		    .display = 1,
		};
		struct touch_point p;
		int nx, ny, rx, ry;

		gfx_native(c.rotation, c.native_w, c.native_h, 100, 50, &nx, &ny);
		sensor_raw(&c, nx, ny, &rx, &ry);
		p = tap_raw(&c, rx, ry);
		assert_int_equal(p.x, 100);
		assert_int_equal(p.y, 50);
		assert_int_equal(p.display, 1);
	}
}

static void config_from(struct touchdec_config *c, const struct board_touch *bt)
{
	static const int dev_range[4] = {0, 4095, 0, 4095};

	touchdec_config_board(c, bt, TOUCHDEC_MT, dev_range, 1280, 800, 0);
}

/*
 * The glass covers raw 200..3900 x, 300..3800 y of a 0..4095 sensor: with
 * the calibration the glass's edges are the panel's edges; a press on the
 * bezel stays on the edge pixel; without it the device's range is used.
 */
static void test_calibration(void **state)
{
	struct board_touch bt = {
	    .match = TOUCH_MATCH_ANY,
	    .display = 0,
	    .calibrated = 1,
	    .cal = {200, 3900, 300, 3800},
	};
	struct touchdec_config c;
	struct touch_point p;

	(void)state;
	config_from(&c, &bt);
	p = tap_raw(&c, 200, 300);
	assert_int_equal(p.x, 0);
	assert_int_equal(p.y, 0);
	p = tap_raw(&c, 3900, 3800);
	assert_int_equal(p.x, 1279);
	assert_int_equal(p.y, 799);
	p = tap_raw(&c, 2050, 2050);
	assert_int_equal(p.x, lround((2050.0 - 200) / 3700 * 1279));
	assert_int_equal(p.y, lround((2050.0 - 300) / 3500 * 799));
	p = tap_raw(&c, 100, 4000); /* on the bezel, beyond both edges */
	assert_int_equal(p.x, 0);
	assert_int_equal(p.y, 799);

	bt.calibrated = 0;
	config_from(&c, &bt);
	p = tap_raw(&c, 200, 300);
	assert_int_equal(p.x, lround(200.0 / 4095 * 1279));
	assert_int_equal(p.y, lround(300.0 / 4095 * 799));
	p = tap_raw(&c, 4095, 4095);
	assert_int_equal(p.x, 1279);
	assert_int_equal(p.y, 799);

	/* A calibration given backwards is a mirrored axis. */
	bt.calibrated = 1;
	bt.cal[0] = 3900;
	bt.cal[1] = 200;
	config_from(&c, &bt);
	p = tap_raw(&c, 3900, 300);
	assert_int_equal(p.x, 0);
	p = tap_raw(&c, 200, 300);
	assert_int_equal(p.x, 1279);
}

/*
 * Swap, then invert: a sensor whose x runs down the panel's height. Raw
 * (0, y max) is the panel's top-right after the swap; invert_x then puts
 * it top-left. (Inverting before swapping would give bottom-right.)
 */
static void test_swap_then_invert(void **state)
{
	struct board_touch bt = {.match = TOUCH_MATCH_ANY};
	struct touchdec_config c;
	struct touch_point p;

	(void)state;
	bt.swap_xy = 1;
	config_from(&c, &bt);
	p = tap_raw(&c, 0, 4095);
	assert_int_equal(p.x, 1279);
	assert_int_equal(p.y, 0);

	bt.invert_x = 1;
	config_from(&c, &bt);
	p = tap_raw(&c, 0, 4095);
	assert_int_equal(p.x, 0);
	assert_int_equal(p.y, 0);

	bt.swap_xy = 0;
	config_from(&c, &bt);
	p = tap_raw(&c, 0, 0);
	assert_int_equal(p.x, 1279);
	assert_int_equal(p.y, 0);

	bt.invert_x = 0;
	bt.invert_y = 1;
	config_from(&c, &bt);
	p = tap_raw(&c, 0, 0);
	assert_int_equal(p.x, 0);
	assert_int_equal(p.y, 799);
}

/* Capabilities of devices a box meets, as their drivers announce them. */
static void test_classify(void **state)
{
	const struct touchdec_caps qemu_tablet = {
	    .abs_x = 1, .abs_y = 1, .btn_left = 1, /* and BTN_RIGHT, BTN_MIDDLE, REL_WHEEL */
	};
	const struct touchdec_caps goodix = {
	    .prop_direct = 1,
	    .abs_x = 1,
	    .abs_y = 1,
	    .mt_x = 1,
	    .mt_y = 1,
	    .mt_slot = 1,
	    .mt_tracking_id = 1,
	    .btn_touch = 1,
	};
	const struct touchdec_caps mt_without_prop = {
	    .mt_x = 1,
	    .mt_y = 1,
	    .mt_slot = 1,
	    .mt_tracking_id = 1,
	    .btn_touch = 1,
	};
	const struct touchdec_caps egalax = {
	    .abs_x = 1,
	    .abs_y = 1,
	    .btn_touch = 1,
	};
	const struct touchdec_caps protocol_a = {
	    .prop_direct = 1,
	    .abs_x = 1,
	    .abs_y = 1,
	    .mt_x = 1,
	    .mt_y = 1,
	    .btn_touch = 1,
	};
	const struct touchdec_caps keyboard = {0};
	const struct touchdec_caps mouse = {.rel_x = 1, .rel_y = 1, .btn_left = 1};
	const struct touchdec_caps touchpad = {
	    .prop_pointer = 1,
	    .abs_x = 1,
	    .abs_y = 1,
	    .mt_x = 1,
	    .mt_y = 1,
	    .mt_slot = 1,
	    .mt_tracking_id = 1,
	    .btn_touch = 1,
	    .btn_left = 1,
	    .btn_tool_finger = 1,
	};
	const struct touchdec_caps joystick = {.abs_x = 1, .abs_y = 1};
	const char *why = NULL;

	(void)state;
	assert_int_equal(touchdec_classify(&qemu_tablet, &why), TOUCHDEC_SINGLE);
	assert_non_null(why);
	assert_int_equal(touchdec_classify(&goodix, &why), TOUCHDEC_MT);
	assert_int_equal(touchdec_classify(&mt_without_prop, &why), TOUCHDEC_MT);
	assert_int_equal(touchdec_classify(&egalax, &why), TOUCHDEC_SINGLE);
	assert_int_equal(touchdec_classify(&protocol_a, &why), TOUCHDEC_SINGLE);
	assert_int_equal(touchdec_classify(&keyboard, &why), TOUCHDEC_NONE);
	assert_int_equal(touchdec_classify(&mouse, &why), TOUCHDEC_NONE);
	assert_string_equal(why, "relative pointer");
	assert_int_equal(touchdec_classify(&touchpad, &why), TOUCHDEC_NONE);
	assert_string_equal(why, "touchpad");
	assert_int_equal(touchdec_classify(&joystick, &why), TOUCHDEC_NONE);
	assert_int_equal(touchdec_classify(&goodix, NULL), TOUCHDEC_MT);
}

/* The emulator's two tablets share a name; the profile tells them apart by phys. */
static void test_match_profile(void **state)
{
	static const char tablet[] = "QEMU QEMU USB Tablet";
	struct board b;

	(void)state;
	memset(&b, 0, sizeof b);
	b.ntouch = 3;
	b.touch[0] = (struct board_touch){
	    .match = TOUCH_MATCH_PHYS, .pattern = "usb-0000:00:04.0-2/input0", .display = 0};
	b.touch[1] = (struct board_touch){
	    .match = TOUCH_MATCH_PHYS, .pattern = "usb-0000:00:04.0-3/input0", .display = 1};
	b.touch[2] = (struct board_touch){
	    .match = TOUCH_MATCH_NAME, .pattern = "Goodix Capacitive TouchScreen", .display = 0};

	assert_int_equal(touchdec_match(&b, tablet, "usb-0000:00:04.0-2/input0"), 0);
	assert_int_equal(touchdec_match(&b, tablet, "usb-0000:00:04.0-3/input0"), 1);
	assert_int_equal(touchdec_match(&b, "Goodix Capacitive TouchScreen", ""), 2);
	/* Exact strings: a prefix is not a match. */
	assert_int_equal(touchdec_match(&b, tablet, "usb-0000:00:04.0-2"), -1);
	assert_int_equal(touchdec_match(&b, "Goodix", ""), -1);
	assert_int_equal(touchdec_match(&b, "USB Optical Mouse", "usb-0000:00:04.0-4/input0"), -1);

	/* A catch-all entry takes what the entries above it did not. */
	b.ntouch = 4;
	b.touch[3] = (struct board_touch){.match = TOUCH_MATCH_ANY, .display = 1};
	assert_int_equal(touchdec_match(&b, "eGalax Inc.", "usb-1/input0"), 3);
	assert_int_equal(touchdec_match(&b, tablet, "usb-0000:00:04.0-2/input0"), 0);

	/* First fit wins: an early catch-all shadows the rest. */
	b.touch[0].match = TOUCH_MATCH_ANY;
	assert_int_equal(touchdec_match(&b, tablet, "usb-0000:00:04.0-3/input0"), 0);

	b.ntouch = 0;
	assert_int_equal(touchdec_match(&b, tablet, "usb-0000:00:04.0-2/input0"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_pixel_every_rotation),
	    cmocka_unit_test(test_every_combination),
	    cmocka_unit_test(test_tap_on_panel_mounted_at_90),
	    cmocka_unit_test(test_tap_through_decoder_each_rotation),
	    cmocka_unit_test(test_calibration),
	    cmocka_unit_test(test_swap_then_invert),
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_match_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
