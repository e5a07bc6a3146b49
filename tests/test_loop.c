/* loop: dispatch, table bounds, removal while dispatching. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw/arena.h"
#include "fw/loop.h"

struct hit {
	struct loop *l;
	int calls;
	int remove_fd; /* fd this handler removes when called */
	uint32_t events;
};

static void on_ready(void *ctx, int fd, uint32_t events)
{
	struct hit *h = ctx;
	char c;

	h->calls++;
	h->events = events;
	if (read(fd, &c, 1) < 0)
		h->events |= 0x80000000u;
	if (h->remove_fd >= 0)
		loop_del(h->l, h->remove_fd);
}

static void test_dispatch_and_remove(void **state)
{
	struct arena a;
	struct loop l;
	int p1[2], p2[2];
	(void)state;

	assert_int_equal(arena_init(&a, 1 << 16), 0);
	assert_int_equal(loop_init(&l, &a, 64), 0);
	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	struct hit h1 = { .l = &l, .remove_fd = -1 }, h2 = { .l = &l, .remove_fd = -1 };
	assert_int_equal(loop_add(&l, p1[0], EPOLLIN, on_ready, &h1), 0);
	assert_int_equal(loop_add(&l, p1[0], EPOLLIN, on_ready, &h1), -EEXIST);
	assert_int_equal(loop_add(&l, p2[0], EPOLLIN, on_ready, &h2), 0);

	assert_int_equal(loop_run_once(&l, 0), 0); /* nothing ready */
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(loop_run_once(&l, 1000), 1);
	assert_int_equal(h1.calls, 1);
	assert_true(h1.events & EPOLLIN);
	assert_int_equal(h2.calls, 0);

	/* Both ready; whichever runs first removes the other, which must
	 * then not be called with its stale slot. */
	h1.remove_fd = p2[0];
	h2.remove_fd = p1[0];
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(write(p2[1], "y", 1), 1);
	assert_int_equal(loop_run_once(&l, 1000), 1);
	assert_int_equal(h1.calls + h2.calls, 2);
	assert_int_equal(l.registered, 1);

	loop_clear(&l);
	arena_clear(&a);
}

static void test_fd_beyond_table(void **state)
{
	struct arena a;
	struct loop l;
	struct hit h = { .remove_fd = -1 };
	(void)state;

	assert_int_equal(arena_init(&a, 1 << 16), 0);
	assert_int_equal(loop_init(&l, &a, 16), 0);
	int fd = dup2(0, 40);
	assert_int_equal(fd, 40);
	assert_int_equal(loop_add(&l, fd, EPOLLIN, on_ready, &h), -EMFILE);
	close(fd);
	assert_int_equal(loop_init(&l, &a, 2), -EINVAL);
	arena_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_and_remove),
		cmocka_unit_test(test_fd_beyond_table),
	};
	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
