/*
 * fw/supervise: PID 1's supervisor on the host, with this test binary as
 * the player (the supervisor runs it with "player" as its first argument,
 * as it runs the firmware). The fake player does what FAKE_MODE says and
 * notes each start in FAKE_LOG: slot, time, the state it was handed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fw/log.h"
#include "fw/supervise.h"
#include "fw/update.h"

static uint8_t pk[ED25519_PUBLIC], sk[ED25519_SECRET];
static char dir[128], logpath[192], self[256];
static struct updater u;
static struct supervise s;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void say(int fd, const char *line)
{
	if (write(fd, line, strlen(line)) < 0)
		_exit(3);
}

/* The fake player. Modes: see each case. */
static int fake_player(void)
{
	const char *mode = getenv("FAKE_MODE"), *slot = getenv("SLIPMAT_SLOT");
	const char *resume = getenv("SLIPMAT_RESUME");
	FILE *f = fopen(getenv("FAKE_LOG"), "a");
	int fd = SUPERVISE_FD;

	fprintf(f, "%s %ld %s\n", slot, now_ms(), resume ? resume : "-");
	fclose(f);
	signal(SIGSEGV, SIG_DFL); /* die as a crash does, past a sanitizer's handler */
	if (!strcmp(mode, "crash-early") && resume) {
		/* Dies before its engine ran: its one report has no decks yet. */
		say(fd, "state \n");
		usleep(100000);
		raise(SIGSEGV);
	}
	if (!strcmp(mode, "crash-then-shown") && resume) {
		/* Back: its frames are up after 300 ms, then it lives on a while. */
		usleep(300000);
		say(fd, "shown\n");
		usleep(500000);
		return 0;
	}
	if ((!strcmp(mode, "crash-once") || !strcmp(mode, "crash-then-shown") ||
	     !strcmp(mode, "crash-early")) &&
	    !resume) {
		/* Report a state, then die as a crash would. */
		say(fd, "state A 48000 1 2.000 8;B 96000 0 0.000 16;\n");
		usleep(100000);
		raise(SIGSEGV);
	}
	if (!strcmp(slot, "trial")) {
		if (!strcmp(mode, "trial-crash"))
			raise(SIGSEGV);
		if (!strcmp(mode, "trial-hang"))
			for (;;) /* alive, talking, never good */
				say(fd, "state A 0 0 0 8;\n"), sleep(1);
		if (!strcmp(mode, "trial-good")) {
			say(fd, "state A 0 1 0 8;\n");
			say(fd, "good\n");
			usleep(100000);
			return 0;
		}
	}
	if (!strcmp(mode, "silent"))
		for (;;)
			pause(); /* hung: never says a word */
	return 0;
}

/*
 * The fake splash helper: notes "splash MS LINE" in FAKE_LOG, says it is
 * up (unless FAKE_SPLASH is "stuck"), and notes "splash-ended MS" when
 * PID 1 ends it.
 */
static void fake_splash(const char *board, const char *line, int ready_fd)
{
	const char *mode = getenv("FAKE_SPLASH");
	FILE *f = fopen(getenv("FAKE_LOG"), "a");
	sigset_t term;
	int sig;

	(void)board;
	signal(SIGSEGV, SIG_DFL); /* a fork of the test: not cmocka's handler */
	if (!f)
		_exit(1);
	fprintf(f, "splash %ld %s\n", now_ms(), line);
	fclose(f);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	if (mode && !strcmp(mode, "stuck"))
		for (;;)
			pause();
	if (write(ready_fd, "1", 1) != 1)
		_exit(1);
	sigwait(&term, &sig);
	f = fopen(getenv("FAKE_LOG"), "a");
	if (f) {
		fprintf(f, "splash-ended %ld -\n", now_ms());
		fclose(f);
	}
	_exit(0);
}

static void put_release(const char *path, const char *version)
{
	static uint8_t buf[8 << 20];
	struct update_trailer t = {.format = UPDATE_FORMAT};
	int in = open(self, O_RDONLY), out;
	ssize_t n = read(in, buf, sizeof buf - UPDATE_TRAILER_SIZE);

	close(in);
	assert_true(n > 0 && (size_t)n < sizeof buf - UPDATE_TRAILER_SIZE);
	update_parse_version(version, &t.version);
	snprintf(t.arch, sizeof t.arch, "%s", UPDATE_ARCH);
	snprintf(t.board, sizeof t.board, "%s", UPDATE_BOARD_FAMILY);
	t.length = (uint64_t)n;
	sha512(t.hash, buf, (size_t)n);
	update_trailer_sign(&t, sk);
	update_trailer_pack(buf + n, &t);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_int_equal(write(out, buf, (size_t)n + UPDATE_TRAILER_SIZE), n + UPDATE_TRAILER_SIZE);
	close(out);
}

/* current 0.1.0 and a trial 0.2.0 in the boot directory; p is left naming the trial. */
static void put_current_and_trial(char *p, size_t n)
{
	snprintf(p, n, "%s/current", dir);
	put_release(p, "0.1.0");
	snprintf(p, n, "%s/trial", dir);
	put_release(p, "0.2.0");
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	(void)state;
	snprintf(dir, sizeof dir, "%s/slipmat-sup-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(logpath, sizeof logpath, "%s/starts.log", dir);
	setenv("FAKE_LOG", logpath, 1);
	update_init(&u, dir, pk, NULL, "0.1.0");
	supervise_init(&s, &u, self, NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	if (s.splash_pid > 0) { /* the last splash: no player came to say "shown" */
		kill(s.splash_pid, SIGTERM);
		waitpid(s.splash_pid, NULL, 0);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct start {
	char slot[16];
	long ms;
	char resume[200];
};

static int starts(struct start *out, int max)
{
	FILE *f = fopen(logpath, "r");
	char line[300];
	int n = 0;

	assert_non_null(f);
	while (n < max && fgets(line, sizeof line, f)) {
		int off = 0;
		assert_int_equal(sscanf(line, "%15s %ld %n", out[n].slot, &out[n].ms, &off), 2);
		snprintf(out[n].resume, sizeof out[n].resume, "%s", line + off);
		out[n].resume[strcspn(out[n].resume, "\n")] = '\0';
		n++;
	}
	fclose(f);
	return n;
}

static void restart_within_2s_with_state(void **state)
{
	struct start st[4];
	(void)state;
	setenv("FAKE_MODE", "crash-once", 1);
	s.max_starts = 2;
	assert_int_equal(supervise_run(&s), 0);
	assert_int_equal(starts(st, 4), 2);
	assert_string_equal(st[0].resume, "-");
	assert_string_equal(st[1].resume, "A 48000 1 2.000 8;B 96000 0 0.000 16;");
	/* The crash came ~100 ms after the first start. */
	long gap = st[1].ms - st[0].ms;
	printf("# crashed player back after %ld ms (crash at ~100 ms)\n", gap);
	assert_true(gap < 2000);
	assert_int_equal(s.deaths, 2);
}

static void crashing_trial_rolls_back(void **state)
{
	struct start st[8];
	char p[256];
	(void)state;
	put_current_and_trial(p, sizeof p);
	setenv("FAKE_MODE", "trial-crash", 1);
	s.max_starts = 3;
	assert_int_equal(supervise_run(&s), 0);
	assert_int_equal(starts(st, 8), 3);
	assert_string_equal(st[0].slot, "trial");
	assert_string_equal(st[1].slot, "trial");
	assert_string_equal(st[2].slot, "current");
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof p, "%s/failed", dir);
	assert_int_equal(access(p, F_OK), 0);
}

static void hanging_trial_rolls_back(void **state)
{
	struct start st[8];
	char p[256];
	long t0 = now_ms();
	(void)state;
	put_current_and_trial(p, sizeof p);
	setenv("FAKE_MODE", "trial-hang", 1);
	s.max_starts = 3;
	s.trial_ms = 1200;
	assert_int_equal(supervise_run(&s), 0);
	assert_int_equal(starts(st, 8), 3);
	assert_string_equal(st[0].slot, "trial");
	assert_string_equal(st[1].slot, "trial");
	assert_string_equal(st[2].slot, "current");
	assert_int_equal(s.hangs, 2);
	assert_true(now_ms() - t0 < 6000);
}

static void good_trial_becomes_current(void **state)
{
	struct start st[8];
	struct update_trailer t;
	char p[256];
	(void)state;
	put_current_and_trial(p, sizeof p);
	setenv("FAKE_MODE", "trial-good", 1);
	s.max_starts = 2;
	assert_int_equal(supervise_run(&s), 0);
	assert_int_equal(starts(st, 8), 2);
	assert_string_equal(st[0].slot, "trial");
	assert_string_equal(st[1].slot, "current");
	snprintf(p, sizeof p, "%s/current", dir);
	assert_int_equal(update_verify(&u, p, &t), 0);
	assert_int_equal(t.version.minor, 2);
	snprintf(p, sizeof p, "%s/previous", dir);
	assert_int_equal(update_verify(&u, p, &t), 0);
	assert_int_equal(t.version.minor, 1);
}

static void silent_player_is_restarted(void **state)
{
	struct start st[4];
	(void)state;
	setenv("FAKE_MODE", "silent", 1);
	s.max_starts = 2;
	s.silent_ms = 800;
	assert_int_equal(supervise_run(&s), 0);
	assert_int_equal(starts(st, 4), 2);
	assert_int_equal(s.hangs, 2);
	assert_true(st[1].ms - st[0].ms < 800 + 2000);
}

/* A player that dies before it reported its decks: the next one resumes what it was handed. */
static void early_crash_keeps_the_decks(void **state)
{
	struct start st[4];
	(void)state;
	setenv("FAKE_MODE", "crash-early", 1);
	s.max_starts = 3;
	assert_int_equal(supervise_run(&s), 0);
	assert_int_equal(starts(st, 4), 3);
	assert_string_equal(st[1].resume, "A 48000 1 2.000 8;B 96000 0 0.000 16;");
	assert_string_equal(st[2].resume, "A 48000 1 2.000 8;B 96000 0 0.000 16;");
}

/*
 * A crash: PID 1's splash is up before the next player starts (not at the
 * first start), says why, and goes when the new player says "shown",
 * while it still runs; the restart stays well under 2 s.
 */
static void splash_between_players(void **state)
{
	struct start st[8];
	(void)state;
	setenv("FAKE_MODE", "crash-then-shown", 1);
	unsetenv("FAKE_SPLASH");
	s.splash = fake_splash;
	s.max_starts = 2;
	assert_int_equal(supervise_run(&s), 0);
	usleep(200000); /* the helper's last words */
	assert_int_equal(starts(st, 8), 4);
	assert_string_equal(st[0].slot, "built-in");
	assert_string_equal(st[1].slot, "splash");
	assert_string_equal(st[1].resume, "After a fault: the decks come back where they were");
	assert_string_equal(st[2].slot, "built-in");
	assert_string_equal(st[2].resume, "A 48000 1 2.000 8;B 96000 0 0.000 16;");
	assert_string_equal(st[3].slot, "splash-ended");
	assert_true(st[0].ms <= st[1].ms && st[1].ms <= st[2].ms);
	/* on "shown" (300 ms after the start), the player still up */
	assert_true(st[3].ms - st[2].ms >= 300 && st[3].ms - st[2].ms < 800);
	printf("# crash to the next start %ld ms with the splash; splash up %ld ms\n",
	       st[2].ms - st[0].ms, st[3].ms - st[1].ms);
	assert_true(st[2].ms - st[0].ms < 2000);
	assert_int_equal(s.splashes, 1);
	assert_int_equal(s.splash_pid, -1);
}

/* What the splash says through a trial that fails: the new firmware, then the way back. */
static void splash_says_why(void **state)
{
	struct start st[12];
	char p[256];
	int n, k = 0;
	const char *want[] = {"trial", "Starting the new firmware 0.2.0", "trial",
	                      "The new firmware did not start: back to 0.1.0", "current"};
	(void)state;
	put_current_and_trial(p, sizeof p);
	setenv("FAKE_MODE", "trial-crash", 1);
	unsetenv("FAKE_SPLASH");
	s.splash = fake_splash;
	s.max_starts = 3;
	assert_int_equal(supervise_run(&s), 0);
	usleep(100000);
	n = starts(st, 12);
	for (int i = 0; i < n; i++) {
		if (!strcmp(st[i].slot, "splash-ended"))
			continue; /* the helper before, once the next one is up */
		assert_true(k < 5);
		assert_string_equal(!strcmp(st[i].slot, "splash") ? st[i].resume : st[i].slot,
		                    want[k]);
		k++;
	}
	assert_int_equal(k, 5);
	assert_int_equal(s.splashes, 2);
}

/* A helper that never comes up costs the splash, not the restart. */
static void stuck_splash_helper(void **state)
{
	struct start st[8];
	(void)state;
	setenv("FAKE_MODE", "crash-once", 1);
	setenv("FAKE_SPLASH", "stuck", 1);
	s.splash = fake_splash;
	s.max_starts = 2;
	assert_int_equal(supervise_run(&s), 0);
	assert_int_equal(starts(st, 8), 3);
	assert_string_equal(st[1].slot, "splash");
	assert_string_equal(st[2].slot, "built-in");
	assert_true(st[2].ms - st[0].ms < 2000);
	assert_true(st[2].ms - st[1].ms >= SUPERVISE_SPLASH_MS - 50);
	assert_int_equal(s.splashes, 0);
	assert_int_equal(s.splash_pid, -1);
}

int main(int argc, char **argv)
{
	uint8_t seed[ED25519_SEED];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(restart_within_2s_with_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(crashing_trial_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(hanging_trial_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(good_trial_becomes_current, setup, teardown),
	    cmocka_unit_test_setup_teardown(silent_player_is_restarted, setup, teardown),
	    cmocka_unit_test_setup_teardown(early_crash_keeps_the_decks, setup, teardown),
	    cmocka_unit_test_setup_teardown(splash_between_players, setup, teardown),
	    cmocka_unit_test_setup_teardown(splash_says_why, setup, teardown),
	    cmocka_unit_test_setup_teardown(stuck_splash_helper, setup, teardown),
	};

	if (argc > 1 && !strcmp(argv[1], "player"))
		return fake_player();
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	if (ed25519_init() < 0)
		return 1;
	log_set_level(LOG_WARN);
	memset(seed, 0x33, sizeof seed);
	ed25519_keypair(pk, sk, seed);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
