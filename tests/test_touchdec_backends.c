/*
 * test_touchdec_backends: the touch backends on a real event loop.
 *
 * sim: a script plays on time, in order, on the right displays; a broken
 * script is refused with its line named; a script closed mid-touch lifts
 * the finger. evdev: whatever this machine has in /dev/input (usually
 * nothing), opening, rescanning, bogus hotplug and closing leave the loop
 * clean and never allocate outside a guard window once init is over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../fw/arena.h"
#include "../fw/board.h"
#include "../fw/guard.h"
#include "../fw/log.h"
#include "../fw/loop.h"
#include "../hal/touch.h"

#define MAX_SEEN 32

struct seen {
	int n;
	struct touch_point p[MAX_SEEN];
	long ms[MAX_SEEN]; /* when it arrived, after open */
	struct timespec start;
};

static long since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void on_point(void *ctx, const struct touch_point *p)
{
	struct seen *s = ctx;

	assert_true(s->n < MAX_SEEN);
	s->ms[s->n] = since(&s->start);
	s->p[s->n++] = *p;
}

struct rig {
	struct arena a;
	struct loop l;
	struct board b;
	struct touch t;
	struct seen seen;
	char script[256];
};

static const struct touch_geometry two_screens[] = {
    {.native_w = 1280, .native_h = 800, .rotation = 0},
    {.native_w = 1280, .native_h = 800, .rotation = 90}, /* logical 800 x 1280 */
};

static int setup(void **state)
{
	static struct rig r;

	memset(&r, 0, sizeof r);
	assert_int_equal(arena_init(&r.a, 1 << 20), 0);
	assert_int_equal(loop_init(&r.l, &r.a, 1024), 0);
	snprintf(r.b.path, sizeof r.b.path, "test profile");
	r.b.ndisplays = 2;
	r.b.ntouch = 1;
	r.b.touch[0].match = TOUCH_MATCH_ANY;
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	guard_disarm();
	if (r->script[0])
		unlink(r->script);
	unsetenv("SLIPMAT_TOUCH_SCRIPT");
	loop_clear(&r->l);
	arena_clear(&r->a);
	return 0;
}

static void write_script(struct rig *r, const char *text)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(r->script, sizeof r->script, "%s/slipmat-touch-XXXXXX",
	         dir && *dir ? dir : "/tmp");
	fd = mkstemp(r->script);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(setenv("SLIPMAT_TOUCH_SCRIPT", r->script, 1), 0);
}

/* Run the loop until n points came or limit_ms passed. */
static void run_until(struct rig *r, int n, long limit_ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r->seen.n < n && since(&t0) < limit_ms)
		assert_true(loop_run_once(&r->l, 50) >= 0);
}

static void test_sim_plays_script(void **state)
{
	struct rig *r = *state;
	static const struct {
		long ms;
		int display, slot;
		enum touch_kind kind;
		int x, y;
	} want[] = {
	    {0, 0, 0, TOUCH_DOWN, 100, 200}, {30, 0, 0, TOUCH_MOVE, 110, 200},
	    {60, 0, 0, TOUCH_UP, 110, 200},  {60, 1, 1, TOUCH_DOWN, 799, 1279},
	    {90, 1, 1, TOUCH_UP, 799, 1279},
	};
	int i;

	write_script(r, "# ms display what x y [slot]\n"
	                "0   0 down 100 200\n"
	                "\n"
	                "30  0 move 110 200   # drag\n"
	                "60  0 up   110 200\n"
	                "60  1 down 799 1279 1\n"
	                "90  1 up   799 1279 1\n");
	clock_gettime(CLOCK_MONOTONIC, &r->seen.start);
	assert_int_equal(
	    touch_sim_ops.open(&r->t, &r->b, two_screens, 2, &r->l, on_point, &r->seen), 0);
	assert_ptr_equal(r->t.ops, &touch_sim_ops);
	/* Playing allocates nothing. */
	guard_arm();
	run_until(r, 5, 2000);
	guard_disarm();
	assert_int_equal(r->seen.n, 5);
	for (i = 0; i < 5; i++) {
		const struct touch_point *p = &r->seen.p[i];

		assert_int_equal(p->kind, want[i].kind);
		assert_int_equal(p->display, want[i].display);
		assert_int_equal(p->slot, want[i].slot);
		assert_int_equal(p->x, want[i].x);
		assert_int_equal(p->y, want[i].y);
		/* Never early; the loop may be a little late. */
		assert_true(r->seen.ms[i] >= want[i].ms);
	}
	assert_int_equal(r->t.dev[0].points, 5);
	r->t.ops->close(&r->t, &r->l);
	assert_int_equal(r->seen.n, 5); /* nothing was down, nothing to lift */
	assert_int_equal(r->l.registered, 0);
}

/* The newest logged line mentions what. */
static void assert_logged(const char *what)
{
	char lines[LOG_RECENT_MAX][LOG_LINE_MAX];
	int n = log_recent(lines, LOG_RECENT_MAX);

	assert_true(n > 0);
	if (!strstr(lines[n - 1], what))
		fail_msg("last log line \"%s\" does not mention \"%s\"", lines[n - 1], what);
}

static void test_sim_refuses_broken_script(void **state)
{
	struct rig *r = *state;
	static const struct {
		const char *text, *where;
	} bad[] = {
	    {"0 0 down 10 10\n10 2 down 10 10\n", ":2: display 2"},
	    {"0 1 down 1000 10\n", ":1: (1000, 10) is off display 1 (800x1280)"},
	    {"0 0 down 10 10\n\n20 0 move 11 10\n10 0 up 11 10\n", ":4: time 10 ms"},
	    {"0 0 tap 10 10\n", ":1: \"tap\""},
	    {"0 0 down 10\n", ":1: want"},
	    {"0 0 down 10 1O\n", ":1: \"1O\" is not a number"},
	    {"0 0 down 10 10 12\n", ":1: slot 12"},
	};
	size_t i;
	char where[400];

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_script(r, bad[i].text);
		assert_int_equal(
		    touch_sim_ops.open(&r->t, &r->b, two_screens, 2, &r->l, on_point, &r->seen),
		    -EINVAL);
		snprintf(where, sizeof where, "%s%s", r->script, bad[i].where);
		assert_logged(where);
		assert_int_equal(r->l.registered, 0);
		r->t.ops->close(&r->t, &r->l);
		unlink(r->script);
		r->script[0] = '\0';
	}
	assert_int_equal(r->seen.n, 0);
}

static void test_sim_without_script(void **state)
{
	struct rig *r = *state;

	unsetenv("SLIPMAT_TOUCH_SCRIPT");
	assert_int_equal(
	    touch_sim_ops.open(&r->t, &r->b, two_screens, 2, &r->l, on_point, &r->seen), 0);
	assert_int_equal(r->l.registered, 0);
	r->t.ops->close(&r->t, &r->l);
	assert_int_equal(r->seen.n, 0);
}

/* Closed while the script holds a finger down: the UI gets the lift. */
static void test_sim_close_lifts_finger(void **state)
{
	struct rig *r = *state;

	write_script(r, "0 0 down 640 400 3\n60000 0 up 640 400 3\n");
	assert_int_equal(
	    touch_sim_ops.open(&r->t, &r->b, two_screens, 2, &r->l, on_point, &r->seen), 0);
	run_until(r, 1, 2000);
	assert_int_equal(r->seen.n, 1);
	r->t.ops->close(&r->t, &r->l);
	assert_int_equal(r->seen.n, 2);
	assert_int_equal(r->seen.p[1].kind, TOUCH_UP);
	assert_int_equal(r->seen.p[1].slot, 3);
	assert_int_equal(r->seen.p[1].x, 640);
	assert_int_equal(r->seen.p[1].y, 400);
	assert_int_equal(r->l.registered, 0);
}

static void test_evdev_open_hotplug_close(void **state)
{
	struct rig *r = *state;
	int i, count;

	assert_int_equal(
	    touch_evdev_ops.open(&r->t, &r->b, two_screens, 2, &r->l, on_point, &r->seen), 0);
	assert_ptr_equal(r->t.ops, &touch_evdev_ops);
	count = r->t.count;
	/* Whatever was found is watched on the loop. */
	assert_int_equal(r->l.registered, count);
	for (i = 0; i < TOUCH_MAX_DEVICES; i++)
		if (r->t.dev[i].active)
			assert_true(r->t.dev[i].fd >= 0);

	/* After init: hotplug and rescans allocate only inside their windows. */
	guard_arm();
	r->t.ops->hotplug(&r->t, &r->l, 1, "/dev/input/event999"); /* gone before we looked */
	r->t.ops->hotplug(&r->t, &r->l, 1, "/dev/sda1");           /* not ours */
	r->t.ops->hotplug(&r->t, &r->l, 1, "/dev/input/mouse0");   /* not an event node */
	r->t.ops->hotplug(&r->t, &r->l, 0, "/dev/input/event999");
	r->t.ops->hotplug(&r->t, &r->l, 1, NULL); /* uevents were lost: rescan */
	assert_int_equal(r->t.count, count);
	r->t.ops->close(&r->t, &r->l);
	guard_disarm();
	assert_int_equal(r->t.count, 0);
	assert_int_equal(r->l.registered, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sim_plays_script, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sim_refuses_broken_script, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sim_without_script, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sim_close_lifts_finger, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_evdev_open_hotplug_close, setup, teardown),
	};

	/* Warnings about the broken scripts are expected; keep the output readable. */
	log_set_level(LOG_ERR + 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
