/*
 * fw/prompt: the update dialog as pixels and as touch targets. A real
 * offer (fw/offer.h) of slipmat 0.5.0 from a temporary "stick" to a box
 * running 0.2.0 drives it, as on the box. Checked: every button at
 * least LAYOUT_MIN_MM on the panels the boxes have, the title and the
 * labels exactly as the faces draw them, the colours a DJ reads (Install
 * green, its second-tap state amber, a failure red), nothing drawn
 * outside the dialog, taps that act on lift and only on the button they
 * began on, the second tap while a deck plays, "Not now" giving the
 * screen back, and a failure's reason in full. The dialogs are written
 * to build/prompt-*.png to look at.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fonts/face.h"
#include "fw/layout.h"
#include "fw/log.h"
#include "fw/prompt.h"
#include "hal/png.h"
#include "tests/releases.h"

#define W 1280
#define H 800
#define PXMM 5.88f      /* a 10.1-inch 1280x800 panel */
#define UNDER 0x445566u /* what the screens drew where the dialog goes */

static char dir[128], boot[160], stick[160];
static struct updater u;
static struct offer o;
static struct prompt p;
static struct surface s;
static struct damage dmg;
static long ms;

static void in(char *out, size_t n, const char *d, const char *name)
{
	snprintf(out, n, "%.140s/%.100s", d, name);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[256];
	(void)state;
	snprintf(dir, sizeof dir, "%s/slipmat-prompt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	in(boot, sizeof boot, dir, "boot");
	in(stick, sizeof stick, dir, "stick");
	mkdir(boot, 0755);
	mkdir(stick, 0755);
	in(path, sizeof path, stick, "slipmat-0.5.0.release");
	release_put(path, &(struct release){.version = "0.5.0", .size = 300000});
	update_init(&u, boot, release_pk, NULL, "0.2.0");
	offer_init(&o, &u);
	offer_stick(&o, stick, "usb sda");
	ms = 1000;
	for (int i = 0; i < 5 && o.state != OFFER_READY; i++)
		offer_step(&o, 0, ms += 16);
	assert_int_equal(o.state, OFFER_READY);
	prompt_init(&p, &o, 0, W, H, PXMM);
	s.w = W;
	s.h = H;
	s.stride = W;
	s.px = malloc(sizeof(uint32_t) * W * H);
	assert_non_null(s.px);
	gfx_clear(&s, UNDER);
	damage_init(&dmg, W, H);
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];
	(void)state;
	free(s.px);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint32_t px(int x, int y)
{
	return s.px[y * W + x] & 0xffffff;
}

/* The top edge's middle of a button: its fill, clear of the label and the corners. */
static uint32_t fill_of(enum prompt_button b)
{
	return px(p.button[b].x + p.button[b].w / 2, p.button[b].y + 2);
}

/* One frame: follow the offer, draw. Return: what prompt_draw said. */
static int frame(int playing)
{
	struct rect gone = prompt_update(&p, playing, ms);

	if (gone.w > 0)
		gfx_fill_rect(&s, gone.x, gone.y, gone.w, gone.h, UNDER);
	return prompt_draw(&p, &s, &dmg);
}

static void touch(enum touch_kind kind, int x, int y)
{
	struct touch_point t = {.display = 0, .slot = 0, .kind = kind, .x = x, .y = y};

	assert_int_equal(prompt_touch(&p, &t, ms), 1);
}

static void tap(enum prompt_button b)
{
	int x = p.button[b].x + p.button[b].w / 2, y = p.button[b].y + p.button[b].h / 2;

	touch(TOUCH_DOWN, x, y);
	touch(TOUCH_UP, x, y);
}

/* Pixels of s at (x0, y0) that differ from text drawn in f, colour ink, over bg. */
static long text_differs(const struct face *f, int x0, int base, uint32_t ink, uint32_t bg,
                         const char *text)
{
	int w = face_measure(f, text, (size_t)-1), h = f->ascent + f->descent;
	struct surface r = {calloc((size_t)w * h, 4), w, h, w};
	long diff = 0;

	gfx_clear(&r, bg);
	gfx_text_run(&r, f, 0, f->ascent, ink, text);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			diff += (r.px[y * w + x] & 0xffffff) != px(x0 + x, base - f->ascent + y);
	free(r.px);
	return diff;
}

/* A button's label: centred, in the face that fits, over its fill. */
static long label_differs(enum prompt_button b, const char *label, uint32_t ink)
{
	struct rect r = p.button[b];
	const struct face *f = &face_sans_bold_28;

	if (face_measure(f, label, (size_t)-1) > r.w - 8 || f->ascent + f->descent > r.h * 2 / 3)
		f = &face_sans_bold_20;
	return text_differs(f, r.x + (r.w - face_measure(f, label, (size_t)-1)) / 2,
	                    r.y + (r.h + f->ascent - f->descent) / 2, ink, fill_of(b), label);
}

static void save(const char *name)
{
	char path[64];
	struct stat st;

	if (stat("build", &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(path, sizeof path, "build/prompt-%s.png", name);
		png_write_xrgb(path, s.px, W, H, W);
	}
}

static void big_enough_everywhere(void **state)
{
	static const struct {
		int w, h;
		float mm;
	} panels[] = {{1280, 800, 5.88f}, {1024, 600, 6.67f}, {800, 480, 5.25f},
	              {600, 1024, 6.67f}, {800, 1280, 5.88f}, {1920, 1080, 4.4f}};
	(void)state;
	for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++) {
		struct prompt q;
		float min = LAYOUT_MIN_MM * panels[i].mm;

		prompt_init(&q, &o, 0, panels[i].w, panels[i].h, panels[i].mm);
		assert_true(q.box.x >= 0 && q.box.y >= 0 && q.box.x + q.box.w <= panels[i].w &&
		            q.box.y + q.box.h <= panels[i].h);
		for (int b = 0; b < PROMPT_BUTTONS; b++) {
			struct rect r = q.button[b];
			assert_true(r.w >= min && r.h >= min);
			assert_true(r.x >= q.box.x && r.y >= q.box.y &&
			            r.x + r.w <= q.box.x + q.box.w &&
			            r.y + r.h <= q.box.y + q.box.h);
		}
		assert_true(q.button[PROMPT_LATER].x + q.button[PROMPT_LATER].w <=
		            q.button[PROMPT_INSTALL].x);
		/* the text ends above the buttons */
		assert_true(q.box.y + q.pad + q.title_face->ascent + q.title_face->descent +
		                2 * q.gap + PROMPT_LINES * q.body_h <=
		            q.button[PROMPT_INSTALL].y);
	}
}

static void offer_as_pixels(void **state)
{
	char text[256];
	(void)state;
	assert_int_equal(frame(0), 1);
	save("offer");
	/* the frame and the ground of the dialog */
	assert_int_equal(px(p.box.x + p.box.w / 2, p.box.y), 0x3b82f6);
	assert_int_equal(px(p.box.x + p.pad / 2, p.box.y + p.box.h / 2), 0x1f232a);
	assert_int_equal(text_differs(p.title_face, p.title_x, p.title_base, 0xffdce1e6, 0x1f232a,
	                              "Firmware update: slipmat 0.5.0 (this box runs 0.2.0)"),
	                 0);
	assert_int_equal(
	    text_differs(p.body_face, p.title_x,
	                 p.title_base + p.title_face->descent + p.gap + p.body_face->ascent,
	                 0xffdce1e6, 0x1f232a, "On usb sda: slipmat-0.5.0.release"),
	    0);
	assert_int_equal(fill_of(PROMPT_INSTALL), 0x22c55e);
	assert_int_equal(fill_of(PROMPT_LATER), 0x2a2e34);
	assert_int_equal(label_differs(PROMPT_INSTALL, "Install", 0xff101214), 0);
	assert_int_equal(label_differs(PROMPT_LATER, "Not now", 0xffdce1e6), 0);
	/* nothing outside it; the damage is the dialog */
	for (int y = 0; y < H; y += 7)
		for (int x = 0; x < W; x += 7)
			if (x < p.box.x || y < p.box.y || x >= p.box.x + p.box.w ||
			    y >= p.box.y + p.box.h)
				assert_int_equal(px(x, y), UNDER);
	assert_int_equal(damage_area(&dmg), (long long)p.box.w * p.box.h);
	/* idle: nothing drawn; a widget redrawn under it: drawn again, the same */
	damage_clear(&dmg);
	assert_int_equal(frame(0), 0);
	{
		static uint32_t before[W * H];
		memcpy(before, s.px, sizeof before);
		gfx_fill_rect(&s, p.box.x - 20, p.box.y - 20, 200, 100, UNDER);
		damage_add(&dmg, p.box.x - 20, p.box.y - 20, 200, 100);
		assert_int_equal(frame(0), 1);
		assert_memory_equal(before, s.px, sizeof before);
	}
	/* for `slipmat screens` */
	assert_true(prompt_describe(&p, text, sizeof text) > 0);
	{
		char want[96];
		snprintf(want, sizeof want, "control update-install: display 0 at %d,%d %dx%d\n",
		         p.button[PROMPT_INSTALL].x, p.button[PROMPT_INSTALL].y,
		         p.button[PROMPT_INSTALL].w, p.button[PROMPT_INSTALL].h);
		assert_non_null(strstr(text, want));
	}
}

static void tap_installs(void **state)
{
	struct touch_point t = {.display = 0, .slot = 1, .kind = TOUCH_DOWN, .x = 5, .y = 5};
	struct rect r = p.button[PROMPT_INSTALL];
	int n = 0;
	(void)state;
	frame(0);
	/* A finger outside the dialog is the screens', down to its lift. */
	assert_int_equal(prompt_touch(&p, &t, ms), 0);
	t.kind = TOUCH_UP;
	assert_int_equal(prompt_touch(&p, &t, ms), 0);
	/* Down on Install, slid off and lifted: nothing happens (but the finger was the dialog's).
	 */
	touch(TOUCH_DOWN, r.x + 10, r.y + 10);
	touch(TOUCH_MOVE, r.x - 40, r.y + 10);
	touch(TOUCH_UP, r.x - 40, r.y + 10);
	assert_int_equal(o.state, OFFER_READY);
	tap(PROMPT_INSTALL);
	assert_int_equal(o.state, OFFER_INSTALLING);
	while (o.state == OFFER_INSTALLING && n++ < 100) {
		offer_step(&o, 1, ms += 16);
		frame(0);
		if (n == 6)
			save("installing");
	}
	assert_int_equal(o.state, OFFER_INSTALLED);
	frame(0);
	save("installed");
	assert_int_equal(text_differs(p.title_face, p.title_x, p.title_base, 0xffdce1e6, 0x1f232a,
	                              "slipmat 0.5.0 is installed"),
	                 0);
	/* the progress bar full, no buttons left to tap */
	assert_int_equal(px(p.box.x + p.box.w - p.pad - 2, p.slot[0].y + p.slot[0].h / 2),
	                 0x22c55e);
	assert_int_equal(px(p.slot[1].x + 3, p.slot[1].y + 3), 0x1f232a);
}

static void playing_takes_two_taps(void **state)
{
	long warn = 0;
	(void)state;
	frame(1);
	/* the warning, in amber, on the line under the stick's */
	for (int y = p.box.y; y < p.button[0].y; y++)
		for (int x = p.box.x; x < p.box.x + p.box.w; x++)
			warn += px(x, y) == 0xf59e0b;
	assert_true(warn > 200);
	assert_string_equal(p.view.line[1],
	                    "A deck is playing: installing stops the music and restarts the box.");
	tap(PROMPT_INSTALL);
	assert_int_equal(o.state, OFFER_READY);
	frame(1);
	save("armed");
	assert_int_equal(fill_of(PROMPT_INSTALL), 0xf59e0b);
	assert_int_equal(label_differs(PROMPT_INSTALL, "Tap again to install", 0xff101214), 0);
	/* not confirmed in time: back to Install */
	ms += PROMPT_ARM_MS + 1;
	frame(1);
	assert_int_equal(fill_of(PROMPT_INSTALL), 0x22c55e);
	tap(PROMPT_INSTALL);
	frame(1);
	ms += 700;
	tap(PROMPT_INSTALL);
	assert_int_equal(o.state, OFFER_INSTALLING);
}

static void not_now_gives_the_screen_back(void **state)
{
	struct rect gone;
	char text[64];
	(void)state;
	frame(0);
	tap(PROMPT_LATER);
	assert_int_equal(o.state, OFFER_NONE);
	gone = prompt_update(&p, 0, ms);
	assert_memory_equal(&gone, &p.box, sizeof gone);
	damage_clear(&dmg);
	damage_add(&dmg, 0, 0, W, H);
	assert_int_equal(prompt_draw(&p, &s, &dmg), 0);
	assert_int_equal(prompt_describe(&p, text, sizeof text), 0);
	gone = prompt_update(&p, 0, ms);
	assert_int_equal(gone.w, 0);
	/* a tap where it was is the screens' again */
	{
		struct touch_point t = {
		    .display = 0, .kind = TOUCH_DOWN, .x = p.box.x + 20, .y = p.box.y + 20};
		assert_int_equal(prompt_touch(&p, &t, ms), 0);
	}
}

static void failure_says_why(void **state)
{
	char all[400] = "";
	(void)state;
	frame(0);
	tap(PROMPT_INSTALL); /* not playing: one tap */
	offer_step(&o, 1, ms += 16);
	offer_stick_gone(&o, stick);
	assert_int_equal(o.state, OFFER_FAILED);
	frame(0);
	save("failed");
	assert_int_equal(px(p.box.x + p.box.w / 2, p.box.y), 0xdc2626);
	assert_int_equal(text_differs(p.title_face, p.title_x, p.title_base, 0xffdc2626, 0x1f232a,
	                              "Firmware update failed"),
	                 0);
	for (int l = 0; l < PROMPT_LINES; l++)
		if (p.view.line[l][0])
			snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", l ? " " : "",
			         p.view.line[l]);
	assert_string_equal(all, "usb sda was pulled out during the install: nothing was changed");
	assert_string_equal(p.view.label[PROMPT_INSTALL], "");
	assert_memory_equal(&p.button[PROMPT_LATER], &p.slot[0],
	                    sizeof p.slot[0]); /* on the right */
	assert_int_equal(label_differs(PROMPT_LATER, "OK", 0xffdce1e6), 0);
	tap(PROMPT_LATER);
	assert_int_equal(o.state, OFFER_NONE);
	assert_int_equal(prompt_update(&p, 0, ms).w, p.box.w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(big_enough_everywhere, setup, teardown),
	    cmocka_unit_test_setup_teardown(offer_as_pixels, setup, teardown),
	    cmocka_unit_test_setup_teardown(tap_installs, setup, teardown),
	    cmocka_unit_test_setup_teardown(playing_takes_two_taps, setup, teardown),
	    cmocka_unit_test_setup_teardown(not_now_gives_the_screen_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(failure_says_why, setup, teardown),
	};

	if (releases_init() < 0)
		return 1;
	log_set_level(LOG_ERR + 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
