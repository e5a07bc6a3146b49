/*
 * ctl: a client on another thread talks to the box's control socket while
 * the test thread runs the loop, as `slipmat status` does with the box.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw/arena.h"
#include "fw/ctl.h"
#include "fw/loop.h"

static int handler(void *ctx, const char *cmd, struct ctl_reply *r)
{
	int *calls = ctx;

	(*calls)++;
	if (!strcmp(cmd, "status")) {
		ctl_printf(r, "board: test\n");
		ctl_printf(r, "xruns: %d\n", 0);
		return 0;
	}
	if (!strcmp(cmd, "big")) {
		for (int i = 0; i < 2000; i++)
			ctl_printf(r, "line %d of a long answer\n", i);
		return 0;
	}
	ctl_printf(r, "unknown command '%s' (try help)", cmd);
	return -1;
}

struct req {
	const char *path, *cmd;
	int rc;
	char out[16384];
	int done;
};

static void *client(void *arg)
{
	struct req *q = arg;
	int p[2];

	if (pipe(p))
		return NULL;
	/* The answer goes through a pipe we read after the call. */
	q->rc = ctl_request(q->path, q->cmd, p[1], 3000);
	close(p[1]);
	ssize_t n, len = 0;
	while ((n = read(p[0], q->out + len, sizeof q->out - 1 - (size_t)len)) > 0)
		len += n;
	q->out[len] = '\0';
	close(p[0]);
	__atomic_store_n(&q->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static struct arena arena;
static struct loop loop;
static struct ctl ctl;
static int calls;
static char path[108];

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "ctl-test-%d.sock", (int)getpid());
	if (arena_init(&arena, 1 << 20) || loop_init(&loop, &arena, 64))
		return -1;
	return ctl_open(&ctl, path, &arena, &loop, handler, &calls);
}

static int teardown(void **state)
{
	(void)state;
	ctl_close(&ctl);
	loop_clear(&loop);
	arena_clear(&arena);
	return access(path, F_OK) == 0; /* the socket file is gone */
}

static void ask(struct req *q)
{
	pthread_t t;

	q->path = path;
	assert_int_equal(pthread_create(&t, NULL, client, q), 0);
	for (int i = 0; i < 500 && !__atomic_load_n(&q->done, __ATOMIC_ACQUIRE); i++)
		loop_run_once(&loop, 10);
	pthread_join(t, NULL);
}

static void test_status_answer(void **state)
{
	struct req q = { .cmd = "status" };
	(void)state;

	ask(&q);
	assert_int_equal(q.rc, 0);
	assert_string_equal(q.out, "board: test\nxruns: 0\n");
}

static void test_unknown_command_is_an_error(void **state)
{
	struct req q = { .cmd = "dance" };
	(void)state;

	ask(&q);
	assert_int_equal(q.rc, 1);
	assert_string_equal(q.out, "");
}

static void test_long_answer_is_truncated_not_lost(void **state)
{
	struct req q = { .cmd = "big" };
	(void)state;

	ask(&q);
	assert_int_equal(q.rc, 0);
	assert_non_null(strstr(q.out, "line 0 of a long answer\n"));
	assert_non_null(strstr(q.out, "(answer truncated)\n"));
	assert_true(strlen(q.out) < CTL_OUT_MAX);
}

static void test_no_box_is_a_clear_error(void **state)
{
	(void)state;
	assert_int_equal(ctl_request("no-such-box.sock", "status", 1, 100), -ENOENT);
}

/* A raw client that sends an overlong line gets an error line back. */
static void test_overlong_line(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char big[CTL_LINE_MAX + 10], buf[200] = { 0 };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	(void)state;

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	memset(big, 'x', sizeof big);
	assert_int_equal(write(fd, big, sizeof big), (ssize_t)sizeof big);
	for (int i = 0; i < 20; i++)
		loop_run_once(&loop, 10);
	assert_true(read(fd, buf, sizeof buf - 1) > 0);
	assert_string_equal(buf, "error: line longer than 255 bytes\n");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_answer),
		cmocka_unit_test(test_unknown_command_is_an_error),
		cmocka_unit_test(test_long_answer_is_truncated_not_lost),
		cmocka_unit_test(test_no_box_is_a_clear_error),
		cmocka_unit_test(test_overlong_line),
	};
	return cmocka_run_group_tests_name("ctl", tests, setup, teardown);
}
