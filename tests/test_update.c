/*
 * fw/update: what a technician's file meets on the box. Releases are made
 * here with a test key; the boot directory is a fresh temporary folder.
 */
#include <dirent.h>
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
#include "fw/update.h"
#include "tests/releases.h"

static char dir[128], boot[160];
static struct updater u;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Return: bytes read into buf (cap), -1 when the file is missing. */
static long read_file(const char *path, void *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	long n;
	if (fd < 0)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	return n;
}

static void rm_rf(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	char p[512];

	if (!dd)
		return;
	while ((e = readdir(dd)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%.200s/%.200s", d, e->d_name);
		if (unlink(p) < 0)
			rm_rf(p);
	}
	closedir(dd);
	rmdir(d);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	(void)state;
	snprintf(dir, sizeof dir, "%s/slipmat-update-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(boot, sizeof boot, "%s/boot", dir);
	mkdir(boot, 0755);
	update_init(&u, boot, release_pk, NULL, "0.1.0");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(boot);
	rm_rf(dir);
	return 0;
}

static void path_in(char *out, size_t n, const char *d, const char *name)
{
	snprintf(out, n, "%.100s/%.60s", d, name);
}

/* The rejection message of the file at path, which must be refused. */
static const char *refused(const char *path)
{
	struct update_offer o;
	assert_true(update_install(&u, path, &o) < 0);
	assert_true(strlen(u.error) > 10);
	return u.error;
}

static void good_release_accepted(void **state)
{
	struct update_offer o;
	char p[256];
	(void)state;
	path_in(p, sizeof p, dir, "slipmat");
	release_put(p, &(struct release){.version = "0.2.0"});
	assert_int_equal(update_check(&u, p, &o), 0);
	assert_non_null(strstr(o.summary, "slipmat 0.2.0 for " UPDATE_ARCH));
	assert_non_null(strstr(o.summary, "installed: 0.1.0"));
}

static void bad_signature(void **state)
{
	static uint8_t buf[1 << 16];
	char p[256];
	size_t n;
	(void)state;
	path_in(p, sizeof p, dir, "slipmat");
	n = release_make(buf, &(struct release){0});
	buf[n - 10] ^= 0x40; /* in the signature */
	release_write(p, buf, n);
	assert_non_null(strstr(refused(p), "bad signature"));

	/* Signed with another key: also a bad signature. */
	uint8_t seed[32] = {7}, opk[32], osk[64];
	ed25519_keypair(opk, osk, seed);
	buf[n - 10] ^= 0x40;
	struct update_trailer t;
	memset(&t, 0, sizeof t);
	ed25519_sign(buf + n - ED25519_SIG, buf + n - UPDATE_TRAILER_SIZE, UPDATE_SIGNED_SIZE, osk);
	release_write(p, buf, n);
	assert_non_null(strstr(refused(p), "bad signature"));
}

static void truncated(void **state)
{
	static uint8_t buf[1 << 16];
	char p[256];
	size_t n;
	(void)state;
	path_in(p, sizeof p, dir, "slipmat");
	n = release_make(buf, &(struct release){0});
	release_write(p, buf, n - 1);
	assert_non_null(strstr(refused(p), "no release trailer"));
	release_write(p, buf, 100);
	assert_non_null(strstr(refused(p), "too short"));
	release_write(p, buf, 0);
	assert_non_null(strstr(refused(p), "too short"));
	/* The binary cut but the trailer kept (a copy that lost a block). */
	memmove(buf + 1000, buf + 2000, n - 2000);
	release_write(p, buf, n - 1000);
	assert_non_null(strstr(refused(p), "the file holds"));
}

static void other_arch_or_board(void **state)
{
	char p[256];
	(void)state;
	path_in(p, sizeof p, dir, "slipmat");
	release_put(p, &(struct release){.arch = "riscv64"});
	assert_non_null(strstr(refused(p), "built for riscv64, this box is " UPDATE_ARCH));
	release_put(p, &(struct release){.board = "rpi5"});
	assert_non_null(strstr(refused(p), "built for rpi5 boards"));
}

static void lying_length(void **state)
{
	char p[256];
	(void)state;
	path_in(p, sizeof p, dir, "slipmat");
	/* Signed, but the length is not the file's. */
	release_put(p, &(struct release){.length_delta = 100});
	assert_non_null(
	    strstr(refused(p), "trailer says the binary is 4196 bytes, the file holds 4096"));
	release_put(p, &(struct release){.length_delta = -1});
	assert_non_null(strstr(refused(p), "trailer says"));
}

/* Name and contents of every file in the boot directory, as one hash. */
static void snapshot(uint8_t out[SHA512_BYTES])
{
	static uint8_t buf[1 << 20];
	struct sha512 h;
	DIR *d = opendir(boot);
	struct dirent *e;
	char names[16][64];
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && n < 16)
			snprintf(names[n++], 64, "%.60s", e->d_name);
	closedir(d);
	qsort(names, (size_t)n, 64, (int (*)(const void *, const void *))strcmp);
	sha512_init(&h);
	for (int i = 0; i < n; i++) {
		char p[256];
		path_in(p, sizeof p, boot, names[i]);
		long len = read_file(p, buf, sizeof buf);
		sha512_update(&h, names[i], strlen(names[i]) + 1);
		sha512_update(&h, buf, len > 0 ? (size_t)len : 0);
	}
	sha512_final(&h, out);
}

static void fuzz_10000(void **state)
{
	static uint8_t good[1 << 14], bad[1 << 14];
	uint8_t before[SHA512_BYTES], after[SHA512_BYTES];
	struct update_trailer t;
	char p[256], cur[256];
	size_t n;
	int trials = 10000, installs = 0, flips = 0, cuts = 0;
	(void)state;

	path_in(cur, sizeof cur, boot, "current");
	release_put(cur, &(struct release){.version = "0.1.0", .fill = 3});
	path_in(p, sizeof p, dir, "fuzzed");
	n = release_make(good, &(struct release){.version = "0.3.0", .size = 3000});
	release_write(p, good, n);
	assert_int_equal(update_verify(&u, p, &t), 0); /* the unfuzzed one is good */
	snapshot(before);

	for (int i = 0; i < trials; i++) {
		size_t m = n;
		memcpy(bad, good, n);
		switch (rnd() % 3) {
		case 0: /* 1 to 8 random bits anywhere */
		case 1:
			for (int k = 1 + (int)(rnd() % 8); k > 0; k--) {
				size_t bit = rnd() % (n * 8);
				bad[bit / 8] ^= (uint8_t)(1u << bit % 8);
			}
			flips++;
			if (!memcmp(bad, good, n)) /* flips that cancelled out */
				bad[rnd() % n] ^= 0x80;
			break;
		default: /* cut at a random point, maybe flipping a bit too */
			m = rnd() % n;
			if (rnd() & 1 && m > 0)
				bad[rnd() % m] ^= (uint8_t)(1u << rnd() % 8);
			cuts++;
			break;
		}
		release_write(p, bad, m);
		if (i % 50 == 0) {
			/* Through the whole install: nothing in the boot directory moves. */
			struct update_offer o;
			if (update_install(&u, p, &o) == 0)
				fail_msg("trial %d: an altered release was installed", i);
			installs++;
		} else if (update_verify(&u, p, &t) == 0) {
			fail_msg("trial %d: an altered release was accepted", i);
		}
	}
	snapshot(after);
	assert_memory_equal(before, after, SHA512_BYTES);
	printf("# %d altered releases (%d bit flips, %d cuts, %d full installs): all rejected\n",
	       trials, flips, cuts, installs);
}

static void no_downgrade(void **state)
{
	struct update_offer o;
	char p[256], cur[256];
	(void)state;
	update_init(&u, boot, release_pk, NULL, "0.2.0");
	path_in(p, sizeof p, dir, "slipmat");
	release_put(p, &(struct release){.version = "0.1.9"});
	assert_int_equal(update_check(&u, p, &o), -EPERM);
	assert_non_null(strstr(u.error, "version 0.1.9 is not newer than the installed 0.2.0"));
	release_put(p, &(struct release){.version = "0.2.0"});
	assert_int_equal(update_check(&u, p, &o), -EPERM);
	release_put(p, &(struct release){.version = "0.1.0", .flags = UPDATE_FLAG_ROLLBACK});
	assert_int_equal(update_check(&u, p, &o), 0);
	assert_non_null(strstr(o.summary, "rollback release"));
	release_put(p, &(struct release){.version = "0.10.0"});
	assert_int_equal(update_check(&u, p, &o), 0);
	/* What is installed on the partition counts too. */
	path_in(cur, sizeof cur, boot, "current");
	release_put(cur, &(struct release){.version = "0.11.0"});
	assert_int_equal(update_check(&u, p, &o), -EPERM);
	assert_non_null(strstr(u.error, "installed 0.11.0"));
}

static void install_beside_current(void **state)
{
	static uint8_t a[1 << 16], b[1 << 16];
	struct update_offer o;
	char p[256], cur[256], trial[256], tmp[256];
	long n;
	(void)state;
	path_in(cur, sizeof cur, boot, "current");
	path_in(trial, sizeof trial, boot, "trial");
	path_in(tmp, sizeof tmp, boot, "trial.tmp");
	release_put(cur, &(struct release){.version = "0.1.0", .fill = 1});
	n = read_file(cur, a, sizeof a);
	path_in(p, sizeof p, dir, "stick-slipmat");
	release_put(p, &(struct release){.version = "0.2.0", .fill = 2});
	assert_int_equal(update_install(&u, p, &o), 0);
	assert_int_equal(read_file(cur, b, sizeof b), n);
	assert_memory_equal(a, b, (size_t)n); /* running firmware untouched */
	n = read_file(p, a, sizeof a);
	assert_int_equal(read_file(trial, b, sizeof b), n);
	assert_memory_equal(a, b, (size_t)n);
	assert_int_equal(access(tmp, F_OK), -1);
}

static void trial_then_rollback(void **state)
{
	struct update_offer o;
	char p[256], cur[256], path[256], failed[256];
	(void)state;
	path_in(cur, sizeof cur, boot, "current");
	path_in(failed, sizeof failed, boot, "failed");
	release_put(cur, &(struct release){.version = "0.1.0", .fill = 1});
	path_in(p, sizeof p, dir, "broken");
	release_put(p, &(struct release){.version = "0.2.0", .fill = 9});
	assert_int_equal(update_install(&u, p, &o), 0);

	/* Boot 1 and 2 try the trial (the count is on disk before it runs)... */
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_TRIAL);
	assert_int_equal(update_trial_tries(&u), 1);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_TRIAL);
	assert_int_equal(update_trial_tries(&u), 2);
	/* ...boot 3 is back on current, the trial kept aside. */
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_CURRENT);
	assert_string_equal(path, cur);
	assert_int_equal(access(failed, F_OK), 0);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_CURRENT);

	/* A new trial starts with a fresh count, also when it carries the
	 * same binary under another version. */
	release_put(p, &(struct release){.version = "0.2.1", .fill = 9});
	assert_int_equal(update_install(&u, p, &o), 0);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_TRIAL);
	assert_int_equal(update_trial_tries(&u), 1);
}

static void trial_good_keeps_previous(void **state)
{
	static uint8_t a[1 << 16], b[1 << 16];
	struct update_offer o;
	char p[256], cur[256], prev[256], path[256];
	long n;
	(void)state;
	path_in(cur, sizeof cur, boot, "current");
	path_in(prev, sizeof prev, boot, "previous");
	release_put(cur, &(struct release){.version = "0.1.0", .fill = 1});
	n = read_file(cur, a, sizeof a);
	path_in(p, sizeof p, dir, "new");
	release_put(p, &(struct release){.version = "0.2.0", .fill = 2});
	assert_int_equal(update_install(&u, p, &o), 0);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_TRIAL);
	assert_int_equal(update_trial_good(&u), 0);
	assert_int_equal(read_file(prev, b, sizeof b), n);
	assert_memory_equal(a, b, (size_t)n);
	n = read_file(p, a, sizeof a);
	assert_int_equal(read_file(cur, b, sizeof b), n);
	assert_memory_equal(a, b, (size_t)n);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_CURRENT);
	/* A damaged current: the previous one runs; neither: the built-in one. */
	int fd = open(cur, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 100), 1);
	close(fd);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_PREVIOUS);
	unlink(prev);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_SELF);
}

static void damaged_boot_record(void **state)
{
	struct update_offer o;
	char p[256], cur[256], st[256], path[256];
	(void)state;
	path_in(cur, sizeof cur, boot, "current");
	path_in(st, sizeof st, boot, "state");
	release_put(cur, &(struct release){.version = "0.1.0", .fill = 1});
	path_in(p, sizeof p, dir, "new");
	release_put(p, &(struct release){.version = "0.2.0", .fill = 2});
	assert_int_equal(update_install(&u, p, &o), 0);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_TRIAL);
	release_write(st, "garbage garbage garbage garbage garbage!", 40);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, path, sizeof path), UPDATE_CURRENT);
}

/*
 * A process killed at a random moment of install, commit or boot choice
 * (the host's stand-in for a power cut; the emulator cuts real power):
 * afterwards the choice is always a file that verifies.
 */
static void killed_mid_install(void **state)
{
	char p[256], cur[256], path[256];
	int outcomes[4] = {0};
	(void)state;
	path_in(cur, sizeof cur, boot, "current");
	release_put(cur, &(struct release){.version = "0.1.0", .fill = 1, .size = 200000});
	path_in(p, sizeof p, dir, "new");
	for (int i = 0; i < 60; i++) {
		struct update_trailer t;
		release_put(
		    p, &(struct release){.version = "0.2.0", .fill = (uint8_t)i, .size = 200000});
		pid_t pid = fork();
		if (pid == 0) {
			struct update_offer o;
			char q[256];
			update_install(&u, p, &o);
			update_choose(&u, UPDATE_TRIAL, q, sizeof q);
			update_trial_good(&u);
			_exit(0);
		}
		struct timespec ts = {0, (long)(rnd() % 4000) * 1000};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		enum update_slot s = update_choose(&u, UPDATE_TRIAL, path, sizeof path);
		assert_true(s == UPDATE_TRIAL || s == UPDATE_CURRENT);
		assert_int_equal(update_verify(&u, path, &t), 0);
		outcomes[s]++;
		/* Start over from a box on 0.1.0 half the time. */
		if (i % 2) {
			release_put(
			    cur, &(struct release){.version = "0.1.0", .fill = 1, .size = 200000});
			char trial[256];
			path_in(trial, sizeof trial, boot, "trial");
			unlink(trial);
		}
		update_init(&u, boot, release_pk, NULL, "0.1.0");
	}
	printf("# 60 kills: then trial %d times, current %d times, always verified\n",
	       outcomes[UPDATE_TRIAL], outcomes[UPDATE_CURRENT]);
}

/*
 * The same checks and install a slice at a time, as the box runs them
 * from a stick: each step reads one chunk when its budget is spent at
 * once, the progress only grows, the cheap checks (version) refuse
 * before anything is read, a bad hash only at the end of the pass, and
 * nothing appears in the boot directory until the last step renames.
 */
static void sliced_job(void **state)
{
	static uint8_t a[1 << 20], b[1 << 20];
	struct update_job j;
	struct update_offer o;
	char p[256], cur[256], trial[256], tmp[256];
	size_t n;
	long len;
	int steps = 0, last = -1, r;
	(void)state;
	path_in(cur, sizeof cur, boot, "current");
	path_in(trial, sizeof trial, boot, "trial");
	path_in(tmp, sizeof tmp, boot, "trial.tmp");
	release_put(cur, &(struct release){.version = "0.1.0", .fill = 1});
	path_in(p, sizeof p, dir, "slipmat-0.3.0.release");
	n = release_make(a, &(struct release){.version = "0.3.0", .size = 700000, .fill = 5});
	release_write(p, a, n);

	/* A check: one chunk a step, the progress growing to the end. */
	assert_int_equal(update_job_start(&u, &j, p, 0), 0);
	assert_string_equal(j.offer.summary, "slipmat 0.3.0 for " UPDATE_ARCH "/" UPDATE_BOARD_FAMILY
	                                     " (installed: 0.1.0)");
	while ((r = update_job_step(&u, &j, 1)) > 0) {
		assert_true(update_job_percent(&j) >= last);
		last = update_job_percent(&j);
		steps++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(steps, (int)((700000 + UPDATE_JOB_CHUNK - 1) / UPDATE_JOB_CHUNK));
	assert_int_equal(j.phase, UPDATE_JOB_IDLE);

	/* An install: the release read once, the copy once; nothing shows before the end. */
	assert_int_equal(update_job_start(&u, &j, p, 1), 0);
	assert_int_equal(update_install(&u, p, &o), -EBUSY); /* one install at a time */
	assert_non_null(strstr(u.error, "another release is being installed"));
	steps = 0;
	last = -1;
	while ((r = update_job_step(&u, &j, 1)) > 0) {
		assert_true(update_job_percent(&j) >= last && update_job_percent(&j) <= 100);
		last = update_job_percent(&j);
		assert_int_equal(access(trial, F_OK), -1);
		steps++;
	}
	assert_int_equal(r, 0);
	assert_true(steps >= 2 * (int)(700000 / UPDATE_JOB_CHUNK));
	assert_true(last > 90);
	assert_int_equal(access(tmp, F_OK), -1);
	len = read_file(trial, b, sizeof b);
	assert_int_equal(len, (long)n);
	assert_memory_equal(a, b, n);

	/* Cancelled half way: no trial.tmp, the trial before it untouched. */
	path_in(p, sizeof p, dir, "slipmat-0.4.0.release");
	release_put(p, &(struct release){.version = "0.4.0", .size = 700000, .fill = 6});
	assert_int_equal(update_job_start(&u, &j, p, 1), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(update_job_step(&u, &j, 1), 1);
	assert_int_equal(access(tmp, F_OK), 0);
	update_job_cancel(&u, &j);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(read_file(trial, b, sizeof b), (long)n);
	assert_memory_equal(a, b, n);
	assert_int_equal(update_install(&u, p, &o), 0); /* and the next install may run */

	/* Older: refused at the start, before the binary is read. */
	path_in(p, sizeof p, dir, "slipmat-0.0.9.release");
	release_put(p, &(struct release){.version = "0.0.9"});
	assert_int_equal(update_job_start(&u, &j, p, 0), -EPERM);
	assert_non_null(strstr(u.error, "slipmat-0.0.9.release: version 0.0.9 is not newer than the "
	                                "installed 0.1.0"));
	/* Altered (newer, signed trailer intact): refused once the copy is hashed. */
	path_in(p, sizeof p, dir, "slipmat-0.5.0.release");
	n = release_make(a, &(struct release){.version = "0.5.0", .size = 300000, .fill = 7});
	a[123456] ^= 1;
	release_write(p, a, n);
	assert_int_equal(update_job_start(&u, &j, p, 1), 0);
	steps = 0;
	while ((r = update_job_step(&u, &j, 1)) > 0)
		steps++;
	assert_int_equal(r, -EBADMSG);
	assert_true(steps >= 4);
	assert_non_null(strstr(u.error, "contents do not match the signed hash"));
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(update_trial_tries(&u), 0);
	assert_int_equal(update_choose(&u, UPDATE_TRIAL, trial, sizeof trial), UPDATE_TRIAL);
	assert_int_equal(u.chosen.minor, 4); /* the 0.4.0 installed above, not the altered one */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(good_release_accepted, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_signature, setup, teardown),
	    cmocka_unit_test_setup_teardown(truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(other_arch_or_board, setup, teardown),
	    cmocka_unit_test_setup_teardown(lying_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(fuzz_10000, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_downgrade, setup, teardown),
	    cmocka_unit_test_setup_teardown(install_beside_current, setup, teardown),
	    cmocka_unit_test_setup_teardown(trial_then_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(trial_good_keeps_previous, setup, teardown),
	    cmocka_unit_test_setup_teardown(damaged_boot_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(killed_mid_install, setup, teardown),
	    cmocka_unit_test_setup_teardown(sliced_job, setup, teardown),
	};

	if (releases_init() < 0)
		return 1;
	log_set_level(LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
