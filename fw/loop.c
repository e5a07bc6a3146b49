#include "loop.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "arena.h"
#include "guard.h"
#include "log.h"

#define LOOP_BATCH 32

int loop_init(struct loop *l, struct arena *a, int max_fds)
{
	memset(l, 0, sizeof *l);
	l->epfd = -1;
	if (max_fds < 8) {
		log_error("loop: fd table of %d is too small", max_fds);
		return -EINVAL;
	}
	l->slots = ARENA_NEW(a, struct loop_slot, max_fds, "loop fd table");
	if (!l->slots)
		return -ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int err = errno;
		log_error("loop: epoll_create1: %s", strerror(err));
		return -err;
	}
	l->max_fds = max_fds;
	return 0;
}

void loop_clear(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
	l->slots = NULL;
	l->max_fds = 0;
	l->registered = 0;
}

static int ctl(struct loop *l, int op, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(l->epfd, op, fd, &ev) < 0) {
		int err = errno;
		log_error("loop: epoll_ctl(fd %d): %s", fd, strerror(err));
		return -err;
	}
	return 0;
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_fn *fn, void *ctx)
{
	int err;

	guard_rt_forbid("loop_add");
	if (fd < 0 || fd >= l->max_fds) {
		log_error("loop: fd %d beyond the table of %d (raise max_fds in the profile)", fd,
			  l->max_fds);
		return -EMFILE;
	}
	if (l->slots[fd].fn)
		return -EEXIST;
	err = ctl(l, EPOLL_CTL_ADD, fd, events);
	if (err)
		return err;
	l->slots[fd] = (struct loop_slot){ .fn = fn, .ctx = ctx, .events = events };
	l->registered++;
	return 0;
}

int loop_mod(struct loop *l, int fd, uint32_t events)
{
	int err;

	if (fd < 0 || fd >= l->max_fds || !l->slots[fd].fn)
		return -ENOENT;
	if (l->slots[fd].events == events)
		return 0;
	err = ctl(l, EPOLL_CTL_MOD, fd, events);
	if (!err)
		l->slots[fd].events = events;
	return err;
}

void loop_del(struct loop *l, int fd)
{
	if (fd < 0 || fd >= l->max_fds || !l->slots[fd].fn)
		return;
	/* The fd may already be closed by a vanished device; that is fine. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->slots[fd], 0, sizeof l->slots[fd]);
	l->registered--;
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	int n, i, called = 0;

	n = epoll_wait(l->epfd, ev, LOOP_BATCH, timeout_ms);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		int err = errno;
		log_error("loop: epoll_wait: %s", strerror(err));
		return -err;
	}
	for (i = 0; i < n; i++) {
		int fd = ev[i].data.fd;
		struct loop_slot *s;

		/* An earlier handler in this batch may have removed this fd. */
		if (fd < 0 || fd >= l->max_fds)
			continue;
		s = &l->slots[fd];
		if (!s->fn)
			continue;
		s->fn(s->ctx, fd, ev[i].events);
		called++;
	}
	l->dispatched += (unsigned long)called;
	return called;
}

void loop_run(struct loop *l)
{
	l->stop = 0;
	while (!l->stop) {
		if (loop_run_once(l, -1) < 0)
			return;
	}
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}
