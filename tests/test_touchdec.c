/*
 * test_touchdec: recorded evdev sequences (tests/data/evdev/, format in
 * its README.md) through the touch decoder; the UI must see exactly the
 * points each file says, frame by frame, each with its frame's time (what
 * touch to sound is measured from), and never a finger left down.
 *
 * Files with a SYN_DROPPED run twice: as the kernel hands it out (stale
 * events up to a SYN_REPORT, then the resync), and as hal/evdev.c feeds
 * it from libevdev (which drains the stale part itself; touchdec_sync()).
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
#include <unistd.h>

#include "../hal/touchdec.h"

#define MAX_EVENTS 1024
#define MAX_POINTS 256

struct expect {
	int frame; /* the SYN_REPORT (1-based, counted in the file) that shows it */
	struct touch_point p;
	int line;
};

struct seq {
	const char *file;
	struct touchdec_config cfg;
	struct input_event ev[MAX_EVENTS];
	int line[MAX_EVENTS];
	int nev;
	struct expect want[MAX_POINTS];
	int nwant;
	int has_drop;
};

struct recorder {
	struct expect got[MAX_POINTS];
	int n;
	int frame;
};

static char data_dir[1024] = "tests/data/evdev";

struct name {
	const char *name;
	int value;
};

#define N(x)                                                                                       \
	{                                                                                          \
#x, x                                                                              \
	}
static const struct name names[] = {
    N(EV_SYN),
    N(EV_KEY),
    N(EV_REL),
    N(EV_ABS),
    N(EV_MSC),
    N(SYN_REPORT),
    N(SYN_DROPPED),
    N(SYN_MT_REPORT),
    N(ABS_X),
    N(ABS_Y),
    N(ABS_PRESSURE),
    N(ABS_MT_SLOT),
    N(ABS_MT_TOUCH_MAJOR),
    N(ABS_MT_WIDTH_MAJOR),
    N(ABS_MT_POSITION_X),
    N(ABS_MT_POSITION_Y),
    N(ABS_MT_TRACKING_ID),
    N(ABS_MT_PRESSURE),
    N(BTN_LEFT),
    N(BTN_RIGHT),
    N(BTN_MIDDLE),
    N(BTN_TOUCH),
    N(BTN_TOOL_FINGER),
    N(BTN_TOOL_DOUBLETAP),
    N(BTN_TOOL_TRIPLETAP),
    N(REL_X),
    N(REL_Y),
    N(REL_WHEEL),
    N(MSC_SCAN),
    N(MSC_TIMESTAMP),
};

static int lookup(const char *tok, int *out)
{
	size_t i;
	char *end;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(names[i].name, tok) == 0) {
			*out = names[i].value;
			return 0;
		}
	}
	*out = (int)strtol(tok, &end, 0);
	return *end ? -1 : 0;
}

static int kind_of(const char *s, enum touch_kind *k)
{
	if (strcmp(s, "down") == 0)
		*k = TOUCH_DOWN;
	else if (strcmp(s, "move") == 0)
		*k = TOUCH_MOVE;
	else if (strcmp(s, "up") == 0)
		*k = TOUCH_UP;
	else
		return -1;
	return 0;
}

static const char *kind_name(enum touch_kind k)
{
	return k == TOUCH_DOWN ? "down" : k == TOUCH_MOVE ? "move" : "up";
}

/* Read a sequence file; a malformed line fails the test, naming it. */
static void load(struct seq *s, const char *file)
{
	char path[1200], line[256];
	int lineno = 0, frames = 0, i;
	FILE *f;

	memset(s, 0, sizeof *s);
	s->file = file;
	s->cfg.kind = TOUCHDEC_NONE;
	snprintf(path, sizeof path, "%s/%s", data_dir, file);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f)) {
		char a[32], b[32], c[32], *hash = strchr(line, '#');
		int v1, v2, v3, n;

		lineno++;
		if (hash)
			*hash = '\0';
		if (line[0] == '!') {
			n = sscanf(line + 1, "%31s %d %d", a, &v1, &v2);
			if (n >= 2 && strcmp(a, "kind") != 0) {
				if (strcmp(a, "x") == 0 && n == 3) {
					s->cfg.x_min = v1;
					s->cfg.x_max = v2;
				} else if (strcmp(a, "y") == 0 && n == 3) {
					s->cfg.y_min = v1;
					s->cfg.y_max = v2;
				} else if (strcmp(a, "native") == 0 && n == 3) {
					s->cfg.native_w = v1;
					s->cfg.native_h = v2;
				} else if (strcmp(a, "rotation") == 0) {
					s->cfg.rotation = v1;
				} else if (strcmp(a, "display") == 0) {
					s->cfg.display = v1;
				} else {
					fail_msg("%s:%d: unknown setting", file, lineno);
				}
			} else if (sscanf(line + 1, "%31s %31s", a, b) == 2 &&
			           strcmp(a, "kind") == 0) {
				s->cfg.kind = strcmp(b, "mt") == 0 ? TOUCHDEC_MT : TOUCHDEC_SINGLE;
			} else {
				fail_msg("%s:%d: bad setting", file, lineno);
			}
			continue;
		}
		if (line[0] == '=') {
			struct expect *e = &s->want[s->nwant];

			assert_true(s->nwant < MAX_POINTS);
			if (sscanf(line + 1, "%31s %d %d %d", a, &v1, &v2, &v3) != 4 ||
			    kind_of(a, &e->p.kind))
				fail_msg("%s:%d: want \"= down|move|up slot x y\"", file, lineno);
			e->frame = frames;
			e->p.slot = v1;
			e->p.x = v2;
			e->p.y = v3;
			e->line = lineno;
			s->nwant++;
			continue;
		}
		n = sscanf(line, "%31s %31s %31s", a, b, c);
		if (n <= 0)
			continue;
		assert_true(s->nev < MAX_EVENTS);
		if (n != 3 || lookup(a, &v1) || lookup(b, &v2) || lookup(c, &v3))
			fail_msg("%s:%d: want \"TYPE CODE VALUE\"", file, lineno);
		s->ev[s->nev].type = (unsigned short)v1;
		s->ev[s->nev].code = (unsigned short)v2;
		s->ev[s->nev].value = v3;
		s->line[s->nev] = lineno;
		s->nev++;
		if (v1 == EV_SYN && v2 == SYN_REPORT)
			frames++;
		if (v1 == EV_SYN && v2 == SYN_DROPPED)
			s->has_drop = 1;
	}
	fclose(f);
	for (i = 0; i < s->nwant; i++)
		s->want[i].p.display = s->cfg.display;
}

static void record(void *ctx, const struct touch_point *p)
{
	struct recorder *r = ctx;

	assert_true(r->n < MAX_POINTS);
	r->got[r->n].frame = r->frame;
	r->got[r->n].p = *p;
	r->n++;
}

/* The kernel's time of frame n (1-based) as the runs stamp it: 8 ms apart. */
static long long frame_ns(int n)
{
	return 1000000000LL + 8000000LL * n;
}

/* Feed s; libevdev_style drains after SYN_DROPPED the way hal/evdev.c does. */
static void run(const struct seq *s, struct touchdec *d, struct recorder *r, int libevdev_style)
{
	int i, skipping = 0;

	memset(r, 0, sizeof *r);
	assert_int_equal(touchdec_init(d, &s->cfg), 0);
	for (i = 0; i < s->nev; i++) {
		struct input_event e = s->ev[i];
		const struct input_event *ev = &e;
		int report = ev->type == EV_SYN && ev->code == SYN_REPORT;

		if (report)
			r->frame++;
		/* every event of a frame carries its time, as the kernel's do */
		e.input_event_sec = frame_ns(r->frame + !report) / 1000000000LL;
		e.input_event_usec = frame_ns(r->frame + !report) % 1000000000LL / 1000;
		if (skipping) {
			skipping = !report;
			continue;
		}
		touchdec_feed(d, ev, record, r);
		if (libevdev_style && ev->type == EV_SYN && ev->code == SYN_DROPPED) {
			touchdec_sync(d);
			skipping = 1;
		}
	}
}

/* What the UI saw is what the file says, in order and in the right frames. */
static void check_points(const struct seq *s, const struct recorder *r, const char *how)
{
	int i, n = r->n > s->nwant ? r->n : s->nwant;

	for (i = 0; i < n; i++) {
		const struct expect *w = i < s->nwant ? &s->want[i] : NULL;
		const struct expect *g = i < r->n ? &r->got[i] : NULL;

		if (!g)
			fail_msg("%s (%s): line %d wants %s %d (%d, %d) in frame %d; nothing came",
			         s->file, how, w->line, kind_name(w->p.kind), w->p.slot, w->p.x,
			         w->p.y, w->frame);
		if (!w)
			fail_msg("%s (%s): unexpected %s slot %d (%d, %d) in frame %d", s->file,
			         how, kind_name(g->p.kind), g->p.slot, g->p.x, g->p.y, g->frame);
		if (g->frame != w->frame || g->p.kind != w->p.kind || g->p.slot != w->p.slot ||
		    g->p.x != w->p.x || g->p.y != w->p.y || g->p.display != w->p.display ||
		    g->p.t_ns != frame_ns(g->frame))
			fail_msg("%s (%s): line %d wants %s slot %d (%d, %d) display %d in frame "
			         "%d; got %s slot %d (%d, %d) display %d in frame %d",
			         s->file, how, w->line, kind_name(w->p.kind), w->p.slot, w->p.x,
			         w->p.y, w->p.display, w->frame, kind_name(g->p.kind), g->p.slot,
			         g->p.x, g->p.y, g->p.display, g->frame);
	}
}

/*
 * Whatever a sequence does, the UI sees each contact as DOWN, MOVEs, UP:
 * no MOVE or UP for a finger it does not have, no second DOWN, and at the
 * end nothing held down.
 */
static void check_well_formed(const char *file, const struct recorder *r)
{
	int down[TOUCHDEC_SLOTS] = {0};
	int i;

	for (i = 0; i < r->n; i++) {
		const struct touch_point *p = &r->got[i].p;

		assert_in_range(p->slot, 0, TOUCHDEC_SLOTS - 1);
		if (p->kind == TOUCH_DOWN) {
			if (down[p->slot])
				fail_msg("%s: second DOWN for slot %d", file, p->slot);
			down[p->slot] = 1;
		} else {
			if (!down[p->slot])
				fail_msg("%s: %s for slot %d, which is not down", file,
				         kind_name(p->kind), p->slot);
			down[p->slot] = p->kind != TOUCH_UP;
		}
	}
	for (i = 0; i < TOUCHDEC_SLOTS; i++)
		if (down[i])
			fail_msg("%s: slot %d stuck down at the end", file, i);
}

static void run_file(const char *file)
{
	static struct seq s;
	static struct recorder r;
	struct touchdec d;

	load(&s, file);
	assert_true(s.nev > 0);
	assert_true(s.nwant > 0);
	run(&s, &d, &r, 0);
	check_points(&s, &r, "kernel stream");
	check_well_formed(file, &r);
	if (s.has_drop) {
		run(&s, &d, &r, 1);
		check_points(&s, &r, "libevdev sync");
		check_well_formed(file, &r);
		assert_true(d.dropped > 0);
	}
}

static void test_mt_two_fingers(void **state)
{
	(void)state;
	run_file("mt_two_fingers.txt");
}

static void test_single_btn_touch(void **state)
{
	(void)state;
	run_file("st_btn_touch.txt");
}

static void test_tablet_btn_left(void **state)
{
	(void)state;
	run_file("tablet_btn_left.txt");
}

static void test_syn_dropped_mid_gesture(void **state)
{
	(void)state;
	run_file("mt_syn_dropped.txt");
}

static void test_syn_dropped_all_lifted(void **state)
{
	(void)state;
	run_file("mt_syn_dropped_all_lifted.txt");
}

static void test_syn_dropped_id_changed_in_one_frame(void **state)
{
	(void)state;
	run_file("mt_syn_dropped_oldsync.txt");
}

static void test_syn_dropped_single_touch_released(void **state)
{
	(void)state;
	run_file("tablet_syn_dropped.txt");
}

/* A panel unplugged with two fingers on it: both come up where they were. */
static void test_release_on_unplug(void **state)
{
	static struct seq s;
	static struct recorder r;
	struct touchdec d;
	int i, frames = 0, n_before;

	(void)state;
	load(&s, "mt_two_fingers.txt");
	memset(&r, 0, sizeof r);
	assert_int_equal(touchdec_init(&d, &s.cfg), 0);
	/* Up to the frame where both fingers have dragged (the third). */
	for (i = 0; i < s.nev && frames < 3; i++) {
		if (s.ev[i].type == EV_SYN && s.ev[i].code == SYN_REPORT)
			frames++;
		touchdec_feed(&d, &s.ev[i], record, &r);
	}
	n_before = r.n;
	assert_int_equal(n_before, 4); /* two downs, two moves: the file's first four */
	touchdec_release(&d, record, &r);
	assert_int_equal(r.n, n_before + 2);
	for (i = 0; i < 2; i++) {
		const struct touch_point *up = &r.got[n_before + i].p;
		const struct touch_point *last = &r.got[2 + i].p; /* each slot's move */

		assert_int_equal(up->kind, TOUCH_UP);
		assert_int_equal(up->slot, last->slot);
		assert_int_equal(up->x, last->x);
		assert_int_equal(up->y, last->y);
	}
	check_well_formed("mt_two_fingers.txt + unplug", &r);
	/* Nothing is left to lift a second time. */
	touchdec_release(&d, record, &r);
	assert_int_equal(r.n, n_before + 2);
}

/* A SYN_DROPPED while nothing was touched, and nothing changed: silence. */
static void test_syn_dropped_nothing_changed(void **state)
{
	struct touchdec_config cfg = {
	    .kind = TOUCHDEC_MT,
	    .x_max = 1279,
	    .y_max = 799,
	    .native_w = 1280,
	    .native_h = 800,
	};
	struct input_event drop = {.type = EV_SYN, .code = SYN_DROPPED};
	struct input_event stale = {.type = EV_ABS, .code = ABS_MT_TRACKING_ID, .value = 3};
	struct input_event syn = {.type = EV_SYN, .code = SYN_REPORT};
	struct recorder r;
	struct touchdec d;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(touchdec_init(&d, &cfg), 0);
	/* libevdev style: its sync had no difference to report, so no frame at all. */
	touchdec_feed(&d, &drop, record, &r);
	touchdec_sync(&d);
	touchdec_feed(&d, &syn, record, &r);
	assert_int_equal(r.n, 0);
	/* Kernel style: the stale contact before the SYN_REPORT never shows. */
	touchdec_feed(&d, &drop, record, &r);
	touchdec_feed(&d, &stale, record, &r);
	touchdec_feed(&d, &syn, record, &r);
	touchdec_feed(&d, &syn, record, &r);
	assert_int_equal(r.n, 0);
}

static void test_init_rejects_unusable_config(void **state)
{
	struct touchdec_config good = {
	    .kind = TOUCHDEC_SINGLE,
	    .x_max = 32767,
	    .y_max = 32767,
	    .native_w = 1280,
	    .native_h = 800,
	};
	struct touchdec_config c;
	struct touchdec d;

	(void)state;
	assert_int_equal(touchdec_init(&d, &good), 0);
	c = good;
	c.x_max = c.x_min; /* a device reporting 0..0: would divide by zero */
	assert_int_equal(touchdec_init(&d, &c), -EINVAL);
	c = good;
	c.rotation = 45;
	assert_int_equal(touchdec_init(&d, &c), -EINVAL);
	c = good;
	c.native_h = 0;
	assert_int_equal(touchdec_init(&d, &c), -EINVAL);
	c = good;
	c.kind = TOUCHDEC_NONE;
	assert_int_equal(touchdec_init(&d, &c), -EINVAL);
}

/* Find tests/data/evdev from the source root, or from build/<arch>/tests/. */
static void find_data(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	char probe[1200];

	snprintf(probe, sizeof probe, "%s/README.md", data_dir);
	if (access(probe, R_OK) == 0 || !slash)
		return;
	snprintf(data_dir, sizeof data_dir, "%.*s/../../../tests/data/evdev", (int)(slash - argv0),
	         argv0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mt_two_fingers),
	    cmocka_unit_test(test_single_btn_touch),
	    cmocka_unit_test(test_tablet_btn_left),
	    cmocka_unit_test(test_syn_dropped_mid_gesture),
	    cmocka_unit_test(test_syn_dropped_all_lifted),
	    cmocka_unit_test(test_syn_dropped_id_changed_in_one_frame),
	    cmocka_unit_test(test_syn_dropped_single_touch_released),
	    cmocka_unit_test(test_syn_dropped_nothing_changed),
	    cmocka_unit_test(test_release_on_unplug),
	    cmocka_unit_test(test_init_rejects_unusable_config),
	};

	(void)argc;
	find_data(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
