/*
 * touchsim.c: the sim touch backend, a script replayed on the loop.
 *
 * SLIPMAT_TOUCH_SCRIPT names a text file, read whole at open into static
 * storage. One touch per line, at a time after open:
 *
 *     # ms   display  what  x    y    [slot]
 *     500    0        down  640  400
 *     520    0        move  650  400
 *     600    0        up    650  400
 *
 * x, y are logical pixels (what the UI draws in, rotation already undone),
 * slot 0..9 defaults to 0. Times never go backwards. A timerfd fires at
 * each line's time, so the script runs at the speed of the clock, not of
 * the loop. There is one script per process.
 */
#include "touch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "../fw/log.h"
#include "../fw/loop.h"

#define SIM_ENV "SLIPMAT_TOUCH_SCRIPT"
#define SIM_SCRIPT_MAX 65536
#define SIM_STEPS_MAX 4096
#define SIM_TOKENS 7

struct sim_step {
	long ms;
	struct touch_point p;
};

struct sim {
	char text[SIM_SCRIPT_MAX];
	struct sim_step step[SIM_STEPS_MAX];
	int nsteps, next;
	int tfd;
	struct timespec start;
	const char *path;
	/* Contacts the script has down, to lift them if it is closed early. */
	struct touch_point down[BOARD_MAX_DISPLAYS][TOUCHDEC_SLOTS];
	int is_down[BOARD_MAX_DISPLAYS][TOUCHDEC_SLOTS];
};

static struct sim sim = {.tfd = -1};

/* Return: 0 with the whole token as a number, else -EINVAL. */
static int parse_long(const char *tok, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(tok, &end, 10);
	if (errno || end == tok || *end)
		return -EINVAL;
	return 0;
}

/* Split line (NUL-terminated, modified) at blanks; a '#' ends it. Return: token count. */
static int split(char *line, char *tok[], int max)
{
	int n = 0;
	char *c = line;

	for (;;) {
		while (*c == ' ' || *c == '\t' || *c == '\r')
			c++;
		if (!*c || *c == '#')
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = c;
		while (*c && *c != ' ' && *c != '\t' && *c != '\r' && *c != '#')
			c++;
		if (*c == '#') {
			*c = '\0';
			return n;
		}
		if (*c)
			*c++ = '\0';
	}
}

static void logical_size(const struct touch *t, int display, int *w, int *h)
{
	const struct touch_geometry *g = &t->geo[display];
	int quarter = g->rotation == 90 || g->rotation == 270;

	*w = quarter ? g->native_h : g->native_w;
	*h = quarter ? g->native_w : g->native_h;
}

/* Return: 0, or -EINVAL with the line named in the log. */
static int parse_line(const struct touch *t, char *line, int lineno, long last_ms,
                      struct sim_step *s)
{
	char *tok[SIM_TOKENS];
	long v[6] = {0};
	int n, i, w, h;

	n = split(line, tok, SIM_TOKENS - 1);
	if (n == 0)
		return 1;
	if (n < 5 || n > 6) {
		log_error("touch script %s:%d: want \"ms display down|move|up x y [slot]\"",
		          sim.path, lineno);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (i == 2)
			continue;
		if (parse_long(tok[i], &v[i < 2 ? i : i - 1])) {
			log_error("touch script %s:%d: \"%s\" is not a number", sim.path, lineno,
			          tok[i]);
			return -EINVAL;
		}
	}
	memset(s, 0, sizeof *s);
	s->ms = v[0];
	if (strcmp(tok[2], "down") == 0)
		s->p.kind = TOUCH_DOWN;
	else if (strcmp(tok[2], "move") == 0)
		s->p.kind = TOUCH_MOVE;
	else if (strcmp(tok[2], "up") == 0)
		s->p.kind = TOUCH_UP;
	else {
		log_error("touch script %s:%d: \"%s\" is not down, move or up", sim.path, lineno,
		          tok[2]);
		return -EINVAL;
	}
	if (s->ms < last_ms) {
		log_error("touch script %s:%d: time %ld ms is before the line above (%ld ms)",
		          sim.path, lineno, s->ms, last_ms);
		return -EINVAL;
	}
	if (v[1] < 0 || v[1] >= t->ngeo) {
		log_error("touch script %s:%d: display %ld, the box has %d", sim.path, lineno, v[1],
		          t->ngeo);
		return -EINVAL;
	}
	if (v[4] < 0 || v[4] >= TOUCHDEC_SLOTS) {
		log_error("touch script %s:%d: slot %ld is not 0..%d", sim.path, lineno, v[4],
		          TOUCHDEC_SLOTS - 1);
		return -EINVAL;
	}
	s->p.display = (int)v[1];
	s->p.slot = (int)v[4];
	logical_size(t, s->p.display, &w, &h);
	if (v[2] < 0 || v[2] >= w || v[3] < 0 || v[3] >= h) {
		log_error("touch script %s:%d: (%ld, %ld) is off display %d (%dx%d)", sim.path,
		          lineno, v[2], v[3], s->p.display, w, h);
		return -EINVAL;
	}
	s->p.x = (int)v[2];
	s->p.y = (int)v[3];
	return 0;
}

/* Read sim.path whole into sim.text. Return: bytes read, or -errno (logged). */
static int read_script(void)
{
	size_t len = 0;
	ssize_t n;
	int fd, err;

	fd = open(sim.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		log_error("touch script %s: %s", sim.path, strerror(-err));
		return err;
	}
	for (;;) {
		n = read(fd, sim.text + len, sizeof sim.text - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof sim.text - 1)
			break;
	}
	err = n < 0 ? -errno : 0;
	if (!err && len == sizeof sim.text - 1) {
		char extra;

		if (read(fd, &extra, 1) > 0)
			err = -EFBIG;
	}
	close(fd);
	if (err) {
		log_error("touch script %s: %s", sim.path,
		          err == -EFBIG ? "longer than 64 KiB" : strerror(-err));
		return err;
	}
	sim.text[len] = '\0';
	return (int)len;
}

static int parse_script(const struct touch *t)
{
	char *line = sim.text, *nl;
	int lineno = 0, err;
	long last_ms = 0;

	sim.nsteps = 0;
	for (; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		if (sim.nsteps == SIM_STEPS_MAX) {
			char *scratch[SIM_TOKENS];

			if (split(line, scratch, SIM_TOKENS - 1) == 0)
				continue;
			log_error("touch script %s:%d: more than %d touches", sim.path, lineno,
			          SIM_STEPS_MAX);
			return -E2BIG;
		}
		err = parse_line(t, line, lineno, last_ms, &sim.step[sim.nsteps]);
		if (err < 0)
			return err;
		if (err == 0)
			last_ms = sim.step[sim.nsteps++].ms;
	}
	return 0;
}

static void arm(void)
{
	struct itimerspec it = {0};
	long ms;

	if (sim.next < sim.nsteps) {
		ms = sim.step[sim.next].ms;
		it.it_value.tv_sec = sim.start.tv_sec + ms / 1000;
		it.it_value.tv_nsec = sim.start.tv_nsec + (ms % 1000) * 1000000L;
		if (it.it_value.tv_nsec >= 1000000000L) {
			it.it_value.tv_sec++;
			it.it_value.tv_nsec -= 1000000000L;
		}
	}
	/* A zero it_value disarms, which is what the end of the script wants. */
	if (timerfd_settime(sim.tfd, TFD_TIMER_ABSTIME, &it, NULL) < 0)
		log_error("touch script %s: timerfd_settime: %s", sim.path, strerror(errno));
}

static void play(struct touch *t, const struct touch_point *p)
{
	struct touch_device *d = &t->dev[0];

	d->events++;
	d->points++;
	sim.is_down[p->display][p->slot] = p->kind != TOUCH_UP;
	sim.down[p->display][p->slot] = *p;
	t->emit(t->ctx, p);
}

static void on_timer(void *ctx, int fd, uint32_t events)
{
	struct touch *t = ctx;
	struct timespec now;
	uint64_t expired;
	long long ns;
	long elapsed;

	(void)events;
	if (read(fd, &expired, sizeof expired) < 0 && errno != EAGAIN)
		log_warn("touch script %s: timerfd read: %s", sim.path, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(now.tv_sec - sim.start.tv_sec) * 1000000000LL +
	     (now.tv_nsec - sim.start.tv_nsec);
	elapsed = (long)(ns / 1000000);
	while (sim.next < sim.nsteps && sim.step[sim.next].ms <= elapsed) {
		struct touch_point p = sim.step[sim.next].p;

		/* played now: its time, as a kernel would stamp it */
		p.t_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
		play(t, &p);
		sim.next++;
	}
	arm();
	if (sim.next == sim.nsteps)
		log_info("touch script %s: played %d touches", sim.path, sim.nsteps);
}

static int sim_open(struct touch *t, const struct board *b, const struct touch_geometry *geo,
                    int ngeo, struct loop *l, touch_fn *emit, void *ctx)
{
	struct touch_device *d = &t->dev[0];
	int i, err;

	memset(t, 0, sizeof *t);
	for (i = 0; i < TOUCH_MAX_DEVICES; i++)
		t->dev[i].fd = -1;
	t->ops = &touch_sim_ops;
	if (!emit || ngeo < 0) {
		log_error("touch: open without a place for points");
		return -EINVAL;
	}
	t->board = b;
	t->ngeo = ngeo < BOARD_MAX_DISPLAYS ? ngeo : BOARD_MAX_DISPLAYS;
	for (i = 0; i < t->ngeo; i++)
		t->geo[i] = geo[i];
	t->emit = emit;
	t->ctx = ctx;
	t->local = &sim;

	memset(sim.is_down, 0, sizeof sim.is_down);
	sim.nsteps = sim.next = 0;
	sim.tfd = -1;
	sim.path = getenv(SIM_ENV);
	if (!sim.path || !*sim.path) {
		log_info("touch: sim: %s is not set; no touches", SIM_ENV);
		return 0;
	}
	err = read_script();
	if (err < 0)
		return err;
	err = parse_script(t);
	if (err < 0)
		return err;
	sim.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (sim.tfd < 0) {
		err = -errno;
		log_error("touch script %s: timerfd_create: %s", sim.path, strerror(-err));
		return err;
	}
	err = loop_add(l, sim.tfd, EPOLLIN, on_timer, t);
	if (err) {
		close(sim.tfd);
		sim.tfd = -1;
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &sim.start);
	arm();

	snprintf(d->path, sizeof d->path, "script");
	snprintf(d->name, sizeof d->name, "%s", sim.path);
	d->fd = sim.tfd;
	d->display = -1;
	d->multitouch = 1;
	d->active = 1;
	t->count = 1;
	log_info("touch: sim: %s, %d touches over %ld ms", sim.path, sim.nsteps,
	         sim.nsteps ? sim.step[sim.nsteps - 1].ms : 0L);
	return 0;
}

static void sim_hotplug(struct touch *t, struct loop *l, int added, const char *devnode)
{
	/* A script has no devices to come or go. */
	(void)t;
	(void)l;
	(void)added;
	(void)devnode;
}

static void sim_close(struct touch *t, struct loop *l)
{
	int i, j;

	if (sim.tfd >= 0) {
		loop_del(l, sim.tfd);
		close(sim.tfd);
		sim.tfd = -1;
	}
	for (i = 0; i < BOARD_MAX_DISPLAYS; i++)
		for (j = 0; j < TOUCHDEC_SLOTS; j++)
			if (sim.is_down[i][j] && t->emit) {
				struct touch_point p = sim.down[i][j];

				p.kind = TOUCH_UP;
				p.t_ns = 0;
				play(t, &p);
			}
	memset(t->dev, 0, sizeof t->dev);
	for (i = 0; i < TOUCH_MAX_DEVICES; i++)
		t->dev[i].fd = -1;
	t->count = 0;
}

const struct touch_ops touch_sim_ops = {
    .name = "sim",
    .open = sim_open,
    .hotplug = sim_hotplug,
    .close = sim_close,
};
