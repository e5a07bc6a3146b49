/*
 * loop: the single-threaded event loop, epoll over every fd the box has.
 *
 * The handler table is indexed by fd and sized once at init from the
 * board profile, so adding and removing fds allocates nothing (the idea
 * of Redis's ae.c). Handlers run to completion; they must not block.
 */
#ifndef SLIPMAT_LOOP_H
#define SLIPMAT_LOOP_H

#include <stdint.h>

struct arena;

/* Called with the epoll events (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP). */
typedef void loop_fn(void *ctx, int fd, uint32_t events);

struct loop_slot {
	loop_fn *fn;
	void *ctx;
	uint32_t events;
};

struct loop {
	int epfd;
	int max_fds;
	int registered;
	struct loop_slot *slots; /* max_fds entries, from the arena */
	unsigned long dispatched;
	volatile int stop;
};

/* Return: 0, or -errno (logged). */
int loop_init(struct loop *l, struct arena *a, int max_fds);
void loop_clear(struct loop *l);

/*
 * Watch fd for events, calling fn(ctx, fd, events).
 * Return: 0; -EMFILE when fd is beyond the table; -EEXIST if watched.
 */
int loop_add(struct loop *l, int fd, uint32_t events, loop_fn *fn, void *ctx);
int loop_mod(struct loop *l, int fd, uint32_t events);
/* Stop watching fd (the caller closes it). Unknown fds are ignored. */
void loop_del(struct loop *l, int fd);

/*
 * Wait up to timeout_ms (-1: forever) and dispatch what is ready.
 * Return: handlers called, or -errno on an epoll failure other than EINTR.
 */
int loop_run_once(struct loop *l, int timeout_ms);

/* Run until loop_stop(). */
void loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
