/*
 * test_store: a DJ's cue points and loops survive the trip on a stick:
 * saved, read back field for field; a damaged, cut, foreign or future
 * file is ignored with a message that says which and why; and a save
 * killed at any moment leaves the old record or the new one, never a
 * mix and never an unreadable file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../fw/store.h"

static char root[256];
static struct store_record rec, back;

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	(void)state;
	snprintf(root, sizeof root, "%s/slipmat-store-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* Record number n: every field derived from n, so a mix of two shows. */
static void make(struct store_record *r, const char *path, unsigned n)
{
	memset(r, 0, sizeof *r);
	snprintf(r->path, sizeof r->path, "%s", path);
	r->track_size = 1000000u + n;
	r->cue = n * 0.5;
	r->hotcues = n & 0xff;
	for (int i = 0; i < STORE_HOTCUES; i++)
		r->hotcue[i] = n + i * 10.25;
	r->loops = (n >> 1) & 0xff;
	for (int i = 0; i < STORE_LOOPS; i++) {
		r->loop[i].in = n + i;
		r->loop[i].out = n + i + 1.875;
	}
	r->grid.bpm = 120 + n % 50;
	r->grid.first_beat = 0.1 * (n % 7);
	r->grid.beats_per_bar = 4;
	r->grid.valid = 1;
	r->bpm = (float)r->grid.bpm;
	snprintf(r->key, sizeof r->key, "%uA", n % 12 + 1);
	r->loudness = -8.0f - (float)(n % 10);
	r->duration = 180 + n;
	r->rating = n % 6;
	r->colour = (n * 2654435761u) & 0xffffff;
	r->analysis = n % 5;
	r->wave_rate = 150;
	r->wave_len = STORE_WAVE_MAX - n % 100;
	for (uint32_t i = 0; i < r->wave_len; i++)
		r->wave[i] = (uint8_t)(n * 31 + i);
}

/* Which n a record was made from, or -1 when it is not one of make()'s. */
static long which(const struct store_record *r, const char *path)
{
	static struct store_record m;
	long n = (long)(r->track_size - 1000000u);

	if (n < 0)
		return -1;
	make(&m, path, (unsigned)n);
	return memcmp(&m, r, sizeof m) ? -1 : n;
}

static void test_roundtrip(void **state)
{
	char why[STORE_WHY_MAX] = "";
	(void)state;
	assert_int_equal(store_load(root, "Set 1/intro.flac", &back, why, sizeof why), -ENOENT);
	make(&rec, "Set 1/intro.flac", 42);
	assert_int_equal(store_save(root, &rec), 0);
	assert_int_equal(store_load(root, "Set 1/intro.flac", &back, why, sizeof why), 0);
	assert_memory_equal(&rec, &back, sizeof rec);
	assert_int_equal(which(&back, "Set 1/intro.flac"), 42);
	/* A second save replaces the first. */
	make(&rec, "Set 1/intro.flac", 43);
	assert_int_equal(store_save(root, &rec), 0);
	assert_int_equal(store_load(root, "Set 1/intro.flac", &back, NULL, 0), 0);
	assert_int_equal(which(&back, "Set 1/intro.flac"), 43);
	/* Another track has its own record, and none yet. */
	assert_int_equal(store_load(root, "Set 1/outro.flac", &back, NULL, 0), -ENOENT);
	/* In the .slipmat folder of the device, nothing else left behind. */
	char file[24], p[400];
	struct stat st;
	store_file_name("Set 1/intro.flac", file);
	snprintf(p, sizeof p, "%s/.slipmat/%s", root, file);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof p, "%s/.slipmat/%.16s.tmp", root, file);
	assert_int_equal(stat(p, &st), -1);
}

/* Write raw bytes as the record of path. */
static void plant(const char *path, const void *bytes, size_t n)
{
	char file[24], p[400];
	int fd;

	store_file_name(path, file);
	snprintf(p, sizeof p, "%s/.slipmat", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/.slipmat/%s", root, file);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	close(fd);
}

static void test_damaged_and_foreign(void **state)
{
	static uint8_t buf[STORE_FILE_MAX];
	char why[STORE_WHY_MAX];
	int len;
	(void)state;
	make(&rec, "a.wav", 7);
	len = store_encode(&rec, buf, sizeof buf);
	assert_true(len > 0);

	/* One flipped bit in the waveform. */
	buf[len / 2] ^= 0x10;
	plant("a.wav", buf, (size_t)len);
	assert_int_equal(store_load(root, "a.wav", &back, why, sizeof why), -EBADMSG);
	assert_string_equal(why, "checksum mismatch (damaged)");
	buf[len / 2] ^= 0x10;

	/* Cut short, as a crash during a plain overwrite would leave it. */
	plant("a.wav", buf, (size_t)len - 100);
	assert_int_equal(store_load(root, "a.wav", &back, why, sizeof why), -EBADMSG);
	assert_non_null(strstr(why, "where the header says"));

	/* Someone else's file under our name. */
	plant("a.wav", "hello, this is a text file\n", 27);
	assert_int_equal(store_load(root, "a.wav", &back, why, sizeof why), -EBADMSG);
	assert_string_equal(why, "not a slipmat track record (no SLMTRACK magic)");

	/* A newer slipmat's record (its checksum right). */
	buf[8] = STORE_VERSION + 1;
	plant("a.wav", buf, (size_t)len);
	assert_int_equal(store_load(root, "a.wav", &back, why, sizeof why), -EBADMSG);
	assert_string_equal(why, "version 3, this slipmat reads versions 1 to 2");
	buf[8] = STORE_VERSION;

	/* Another track's record under this track's name. */
	plant("b.wav", buf, (size_t)len);
	assert_int_equal(store_load(root, "b.wav", &back, why, sizeof why), -EBADMSG);
	assert_string_equal(why, "it belongs to another track, a.wav");

	/* And the intact file still loads. */
	plant("a.wav", buf, (size_t)len);
	assert_int_equal(store_load(root, "a.wav", &back, why, sizeof why), 0);
	assert_int_equal(which(&back, "a.wav"), 7);
}

/* A stick whose .slipmat is a link elsewhere: nothing is written through it. */
/*
 * A record an earlier slipmat wrote (version 1: no analysis version)
 * still gives its cue points and hot cues, its analysis marked unknown.
 */
static void test_reads_version_1(void **state)
{
	static struct store_record r1, b1;
	static uint8_t buf[STORE_FILE_MAX], old[STORE_FILE_MAX];
	char why[STORE_WHY_MAX];
	int len;
	size_t at, n;
	uint32_t crc;

	(void)state;
	make(&r1, "old.wav", 9);
	r1.analysis = 2;
	len = store_encode(&r1, buf, sizeof buf);
	assert_true(len > 0);
	/* version 1: the same without the analysis version after the colour */
	at = (size_t)len - 4 - r1.wave_len - 4 - 4 - 4;
	memcpy(old, buf, at);
	memcpy(old + at, buf + at + 4, (size_t)len - at - 4);
	n = (size_t)len - 4;
	old[8] = 1;
	for (int i = 0; i < 4; i++)
		old[12 + i] = (uint8_t)((n - 16 - 4) >> (8 * i));
	crc = store_crc32(old, n - 4);
	for (int i = 0; i < 4; i++)
		old[n - 4 + i] = (uint8_t)(crc >> (8 * i));
	plant("old.wav", old, n);
	assert_int_equal(store_load(root, "old.wav", &b1, why, sizeof why), 0);
	assert_int_equal(b1.hotcues, r1.hotcues);
	assert_true(b1.hotcue[3] == r1.hotcue[3] && b1.cue == r1.cue);
	assert_string_equal(b1.key, r1.key);
	assert_int_equal(b1.analysis, 0);
	assert_int_equal(b1.wave_len, r1.wave_len);
	assert_memory_equal(b1.wave, r1.wave, r1.wave_len);
}

static void test_no_writes_through_a_link(void **state)
{
	char p[700], target[300];
	struct stat st;
	(void)state;
	snprintf(target, sizeof target, "%s/elsewhere", root);
	assert_int_equal(mkdir(target, 0755), 0);
	snprintf(p, sizeof p, "%s/.slipmat", root);
	assert_int_equal(symlink("elsewhere", p), 0);
	make(&rec, "a.wav", 3);
	int err = store_save(root, &rec);
	assert_true(err == -ENOTDIR || err == -ELOOP);
	char file[24];
	store_file_name("a.wav", file);
	snprintf(p, sizeof p, "%s/%s", target, file);
	assert_int_equal(stat(p, &st), -1);
}

static void test_refuses_bad_records(void **state)
{
	static uint8_t buf[STORE_FILE_MAX];
	(void)state;
	make(&rec, "a.wav", 1);
	rec.cue = NAN;
	assert_int_equal(store_encode(&rec, buf, sizeof buf), -EINVAL);
	assert_int_equal(store_save(root, &rec), -EINVAL);
	make(&rec, "a.wav", 1);
	rec.wave_len = STORE_WAVE_MAX + 1;
	assert_int_equal(store_encode(&rec, buf, sizeof buf), -EINVAL);
	make(&rec, "a.wav", 1);
	rec.rating = 6;
	assert_int_equal(store_encode(&rec, buf, sizeof buf), -EINVAL);
	make(&rec, "", 1);
	assert_int_equal(store_encode(&rec, buf, sizeof buf), -EINVAL);
	make(&rec, "a.wav", 1);
	assert_int_equal(store_encode(&rec, buf, 100), -EINVAL);
}

/*
 * A child saves records 1, 2, 3... as fast as it can; it is killed at a
 * random moment, a few hundred times. After each kill the record must
 * load, be exactly one of the child's records (no mix), and never go
 * back to an older one than the last seen.
 */
static void test_killed_while_saving(void **state)
{
	const char *path = "crates/peak time/track.flac";
	long last = 0;
	int kills = 0, mid = 0;
	(void)state;
	srand((unsigned)time(NULL));
	make(&rec, path, 1);
	assert_int_equal(store_save(root, &rec), 0);
	last = 1;
	for (int round = 0; round < 300; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			for (unsigned n = (unsigned)last + 1;; n++) {
				make(&rec, path, n);
				if (store_save(root, &rec))
					_exit(3);
			}
		}
		usleep((useconds_t)(rand() % 3000));
		kill(pid, SIGKILL);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		kills++;
		char why[STORE_WHY_MAX] = "";
		int err = store_load(root, path, &back, why, sizeof why);
		if (err)
			fail_msg("after kill %d: %s (%d)", kills, why, err);
		long n = which(&back, path);
		if (n < 0)
			fail_msg("after kill %d: the record is a mix of two saves", kills);
		assert_true(n >= last);
		/* A .tmp left behind: this kill landed inside a save. */
		char file[24], tmp[400];
		struct stat st;
		store_file_name(path, file);
		snprintf(tmp, sizeof tmp, "%s/.slipmat/%.16s.tmp", root, file);
		if (stat(tmp, &st) == 0)
			mid++;
		last = n;
	}
	/* A leftover .tmp from a killed save never stops the next one. */
	make(&rec, path, (unsigned)last + 1);
	assert_int_equal(store_save(root, &rec), 0);
	assert_int_equal(store_load(root, path, &back, NULL, 0), 0);
	assert_int_equal(which(&back, path), last + 1);
	print_message("%d kills, %d inside a save; the child got to record %ld\n", kills, mid,
		      last);
	assert_true(mid > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_and_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_writes_through_a_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_version_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_while_saving, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
