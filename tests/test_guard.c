/*
 * guard: after init, an allocation anywhere kills the process with a
 * message naming the call; inside a configuration window it is allowed
 * and counted; the audio thread may never allocate. Each case runs in a
 * child process, since the expected outcome is an abort.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw/guard.h"

/* Opaque to the compiler, so it cannot drop a malloc/free pair. */
static void *volatile sink;

struct outcome {
	int signal; /* 0 if the child exited */
	int code;
	char err[512];
};

static struct outcome run_child(void (*body)(void))
{
	struct outcome o = { 0 };
	int pfd[2], status;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		signal(SIGABRT, SIG_DFL);
		body();
		_exit(0);
	}
	close(pfd[1]);
	ssize_t n, len = 0;
	while ((n = read(pfd[0], o.err + len, sizeof o.err - 1 - (size_t)len)) > 0)
		len += n;
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		o.signal = WTERMSIG(status);
	else
		o.code = WEXITSTATUS(status);
	return o;
}

static void malloc_after_arm(void)
{
	guard_arm();
	sink = malloc(32);
}

static void calloc_after_arm(void)
{
	guard_arm();
	sink = calloc(4, 8);
}

static void free_after_arm(void)
{
	sink = malloc(16);
	guard_arm();
	free(NULL); /* allowed: does nothing */
	free(sink);
}

static void malloc_in_window(void)
{
	struct guard_counts c;

	guard_arm();
	guard_window_begin("test reconfiguration");
	sink = malloc(64);
	free(sink);
	guard_window_end();
	guard_counts(&c);
	_exit(c.window == 2 && c.windows == 1 && c.stray == 0 ? 0 : 3);
}

static void *rt_body(void *arg)
{
	(void)arg;
	guard_rt_enter();
	guard_rt_forbid("a blocking call");
	return NULL;
}

static void rt_forbid(void)
{
	pthread_t t;
	pthread_create(&t, NULL, rt_body, NULL);
	pthread_join(t, NULL);
}

static void *rt_malloc_body(void *arg)
{
	(void)arg;
	guard_rt_enter();
	sink = malloc(8); /* before arm, in a window even: still forbidden */
	return NULL;
}

static void rt_malloc(void)
{
	pthread_t t;
	guard_window_begin("window does not cover the audio thread");
	pthread_create(&t, NULL, rt_malloc_body, NULL);
	pthread_join(t, NULL);
}

static void test_malloc_after_init_aborts(void **state)
{
	(void)state;
	struct outcome o = run_child(malloc_after_arm);
	assert_int_equal(o.signal, SIGABRT);
	assert_non_null(strstr(o.err, "malloc called after init, outside a configuration window"));

	o = run_child(calloc_after_arm);
	assert_int_equal(o.signal, SIGABRT);
	assert_non_null(strstr(o.err, "called after init"));

	o = run_child(free_after_arm);
	assert_int_equal(o.signal, SIGABRT);
	assert_non_null(strstr(o.err, "free called after init"));
}

static void test_window_allows_and_counts(void **state)
{
	(void)state;
	struct outcome o = run_child(malloc_in_window);
	assert_int_equal(o.signal, 0);
	assert_int_equal(o.code, 0);
}

static void test_audio_thread_never_allocates(void **state)
{
	(void)state;
	struct outcome o = run_child(rt_malloc);
	assert_int_equal(o.signal, SIGABRT);
	assert_non_null(strstr(o.err, "malloc called in the audio thread"));

	o = run_child(rt_forbid);
	assert_int_equal(o.signal, SIGABRT);
	assert_non_null(strstr(o.err, "a blocking call called in the audio thread"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malloc_after_init_aborts),
		cmocka_unit_test(test_window_allows_and_counts),
		cmocka_unit_test(test_audio_thread_never_allocates),
	};
	return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
