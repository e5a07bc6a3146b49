/*
 * test_rtguard: a thread that filtered its system calls the way the audio
 * thread does may still play (write a period, sleep to a deadline on the
 * monotonic clock, ask the PCM an ALSA ioctl, lock an uncontended mutex,
 * end); anything else it does (open a file, nanosleep, wait for a lock,
 * allocate from the kernel, an ioctl that is not ALSA's) stops the
 * process with that call named on stderr. The process's other threads do
 * all of those unhindered meanwhile. Each case runs in a child process,
 * since the expected outcome is an abort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fw/guard.h"
#include "fw/rtguard.h"

#ifndef SLIPMAT_GUARD_ABORT
#define SLIPMAT_GUARD_ABORT 1
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif
/* Builds in which the filter is installed, so the deaths can be seen. */
#define FILTERED (SLIPMAT_GUARD_ABORT && !SANITIZED)
/* What a sanitizer build says once instead of installing the filter. */
#if SANITIZED && SLIPMAT_GUARD_ABORT
#define NOTICE                                                                                     \
	"slipmat rtguard: sanitizer build: the audio thread's system calls are not filtered\n"
#else
#define NOTICE ""
#endif

/* ALSA's SNDRV_PCM_IOCTL_PVERSION: _IOR('A', 0x00, int). */
#define PCM_PVERSION _IOR('A', 0x00, int)

struct outcome {
	int signal; /* 0 if the child exited */
	int code;
	char err[2048];
};

/* Opaque to the compiler, so it keeps what the thread computes. */
static void *volatile sink;
static int null_fd = -1;
static atomic_int guarded, release_it;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Run body in a child with stderr captured; what killed it or its exit code. */
static struct outcome run_child(void (*body)(void))
{
	struct outcome o = {0};
	ssize_t n, len = 0;
	int pfd[2], status;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		signal(SIGABRT, SIG_DFL); /* cmocka's handler must not catch the abort */
		alarm(20);                /* a guard that fails to kill must not hang the test */
		body();
		_exit(0);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], o.err + len, sizeof o.err - 1 - (size_t)len)) > 0)
		len += n;
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		o.signal = WTERMSIG(status);
	else
		o.code = WEXITSTATUS(status);
	print_message("  child %s %d; stderr: %s%s", o.signal ? "killed by signal" : "exited",
	              o.signal ? o.signal : o.code, o.err[0] ? o.err : "(nothing)\n",
	              len > 0 && o.err[len - 1] == '\n' ? "" : "\n");
	return o;
}

static void say(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		_exit(3);
}

/*
 * Run fn on a thread set up like the audio thread (every signal blocked,
 * filter installed first), then join it. Exit 2 if the filter refused.
 */
static void *guarded_main(void *arg)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)arg;
	int err = rtguard_install();

	if (err) {
		say("rtguard_install failed\n");
		_exit(2);
	}
	atomic_store(&guarded, 1);
	fn();
	return NULL;
}

static pthread_t start_guarded(void (*fn)(void))
{
	sigset_t all, old;
	pthread_t t;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, guarded_main, (void *)(uintptr_t)fn) != 0)
		_exit(4);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return t;
}

static void run_guarded(void (*fn)(void))
{
	pthread_t t = start_guarded(fn);

	pthread_join(t, NULL);
}

#if FILTERED
static void expect_died_in(const struct outcome *o, const char *name, int nr)
{
	char want[96];

	snprintf(want, sizeof want, "slipmat rtguard: the audio thread called %s (syscall %d)",
	         name, nr);
	assert_int_equal(o->signal, SIGABRT);
	assert_non_null(strstr(o->err, want));
}
#endif

/* What playing a PCM does, a few dozen periods of it, then the thread ends. */
static void plays(void)
{
	unsigned char period[512] = {0};
	struct timespec next;
	struct pollfd pfd = {.fd = null_fd, .events = POLLOUT};
	struct rusage ru;
	int i, version = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < 40; i++) {
		next.tv_nsec += 500000;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		if (write(null_fd, period, sizeof period) != (ssize_t)sizeof period)
			_exit(5);
		/* an uncontended lock never reaches the kernel */
		pthread_mutex_lock(&lock);
		pthread_mutex_unlock(&lock);
	}
	/* /dev/null is no PCM: ENOTTY, but the call itself is allowed */
	if (ioctl(null_fd, PCM_PVERSION, &version) == 0 || errno != ENOTTY)
		_exit(6);
	if (poll(&pfd, 1, 0) != 1)
		_exit(7);
	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		_exit(8);
}

static void plays_then_ends(void)
{
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	run_guarded(plays);
	say("guarded thread joined\n");
}

static void test_playing_is_allowed(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(plays_then_ends);
	assert_int_equal(o.signal, 0);
	assert_int_equal(o.code, 0);
	assert_string_equal(o.err, NOTICE "guarded thread joined\n");
}

#if FILTERED
static void opens(void)
{
	sink = (void *)(intptr_t)open("/etc/hostname", O_RDONLY);
}

static void opens_a_file(void)
{
	run_guarded(opens);
}

static void test_open_dies(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(opens_a_file);
	/* glibc's open() is the openat call */
	expect_died_in(&o, "openat", __NR_openat);
}

static void naps(void)
{
	struct timespec ts = {0, 1000000};

	nanosleep(&ts, NULL);
}

static void nanosleeps(void)
{
	run_guarded(naps);
}

/* glibc's nanosleep() is clock_nanosleep on CLOCK_REALTIME, relative. */
static void test_nanosleep_dies(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(nanosleeps);
	expect_died_in(&o, "clock_nanosleep", __NR_clock_nanosleep);
	assert_non_null(
	    strstr(o.err, "allowed there only for CLOCK_MONOTONIC to an absolute time"));
}

static void waits_for_lock(void)
{
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
}

/* The loop holds the lock while the audio thread asks for it. */
static void contends(void)
{
	pthread_mutex_lock(&lock);
	start_guarded(waits_for_lock);
	for (;;)
		pause();
}

static void test_contended_lock_dies(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(contends);
	expect_died_in(&o, "futex", __NR_futex);
}

/* Big enough that glibc maps it: the kernel sees the allocation. */
static void allocates(void)
{
	void *p = malloc(1 << 20);

	sink = p;
	free(p);
}

static void mallocs(void)
{
	run_guarded(allocates);
}

static void test_malloc_dies(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(mallocs);
	expect_died_in(&o, "mmap", __NR_mmap);
}

static void asks_not_alsa(void)
{
	int n = 0;

	ioctl(null_fd, FIONREAD, &n);
}

static void ioctl_not_alsa(void)
{
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	run_guarded(asks_not_alsa);
}

static void test_other_ioctl_dies(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(ioctl_not_alsa);
	expect_died_in(&o, "ioctl", __NR_ioctl);
	assert_non_null(strstr(o.err, "allowed there only for ALSA PCM requests"));
}

#endif

#if SLIPMAT_GUARD_ABORT
/* The allocation guard's own abort still works under the filter. */
static void forbidden(void)
{
	guard_rt_enter();
	guard_rt_forbid("pthread_mutex_lock");
}

static void guard_aborts(void)
{
	run_guarded(forbidden);
}

static void test_guard_abort_still_works(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(guard_aborts);
	assert_int_equal(o.signal, SIGABRT);
	assert_non_null(
	    strstr(o.err, "slipmat guard: pthread_mutex_lock called in the audio thread"));
	assert_null(strstr(o.err, "rtguard: the audio thread called"));
}

#endif

static void idles(void)
{
	struct timespec next;

	while (!atomic_load(&release_it)) {
		clock_gettime(CLOCK_MONOTONIC, &next);
		next.tv_nsec += 1000000;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
}

static void *helper(void *arg)
{
	return arg;
}

/*
 * While the guarded thread runs, the loop thread opens, sleeps,
 * allocates, contends for a lock with a thread of its own and creates
 * threads; then the guarded thread ends normally.
 */
static void others_unaffected(void)
{
	struct timespec ts = {0, 1000000};
	pthread_t t = start_guarded(idles), h;
	void *p;
	int fd;

	while (!atomic_load(&guarded))
		nanosleep(&ts, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		_exit(10);
	close(fd);
	nanosleep(&ts, NULL);
	p = malloc(1 << 20);
	if (p == NULL)
		_exit(11);
	sink = p;
	free(p);
	if (pthread_create(&h, NULL, helper, NULL) != 0 || pthread_join(h, NULL) != 0)
		_exit(12);
	say("loop thread: open, nanosleep, malloc, thread ok\n");
	atomic_store(&release_it, 1);
	pthread_join(t, NULL);
	say("guarded thread joined\n");
}

static void test_other_threads_unaffected(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(others_unaffected);
	assert_int_equal(o.signal, 0);
	assert_int_equal(o.code, 0);
	assert_string_equal(o.err, NOTICE "loop thread: open, nanosleep, malloc, thread ok\n"
	                                  "guarded thread joined\n");
}

#if SANITIZED && SLIPMAT_GUARD_ABORT
static void opens_unfiltered(void)
{
	sink = (void *)(intptr_t)open("/dev/null", O_RDONLY);
}

static void opens_in_sanitizer_build(void)
{
	run_guarded(opens_unfiltered);
}

/* A sanitizer build installs nothing, and says so. */
static void test_sanitizer_build_says_so(void **state)
{
	struct outcome o;

	(void)state;
	o = run_child(opens_in_sanitizer_build);
	assert_int_equal(o.signal, 0);
	assert_string_equal(o.err, NOTICE);
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_playing_is_allowed),
#if FILTERED
		cmocka_unit_test(test_open_dies),
		cmocka_unit_test(test_nanosleep_dies),
		cmocka_unit_test(test_contended_lock_dies),
		cmocka_unit_test(test_malloc_dies),
		cmocka_unit_test(test_other_ioctl_dies),
#endif
#if SLIPMAT_GUARD_ABORT
		cmocka_unit_test(test_guard_abort_still_works),
#endif
		cmocka_unit_test(test_other_threads_unaffected),
#if SANITIZED && SLIPMAT_GUARD_ABORT
		cmocka_unit_test(test_sanitizer_build_says_so),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
