/*
 * test_scan: a stick's folders as a DJ fills them (crates in folders,
 * cover art, a .slipmat folder, macOS's "._" files, a link back to the
 * top) scanned in small slices: every track shows up once, with its
 * path, nothing else does, and each slice does a bounded amount of work.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fw/arena.h"
#include "../fw/library.h"
#include "../fw/scan.h"
#include "../fw/store.h"

static char root[256];
static struct arena arena;
static struct library lib;
static struct scan scan;

static void touch_file(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	/* Folders on the way. */
	for (char *q = p + strlen(root) + 1; (q = strchr(q, '/')) != NULL; q++) {
		*q = '\0';
		mkdir(p, 0755);
		*q = '/';
	}
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "RIFF", 4), 4);
	close(fd);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	(void)state;
	snprintf(root, sizeof root, "%s/slipmat-scan-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
	assert_non_null(mkdtemp(root));
	assert_int_equal(arena_init(&arena, 16u << 20), 0);
	assert_int_equal(library_init(&lib, &arena, 1000), 0);
	assert_int_equal(scan_init(&scan, &lib, &arena), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	scan_clear(&scan);
	arena_clear(&arena);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* Every track's path, sorted by title, joined by '|'. */
static const char *paths(void)
{
	static char buf[8192];
	uint32_t slot[100];
	int n = library_list(&lib, LIBRARY_BY_TITLE, 0, slot, 100);
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "",
					library_track(&lib, slot[i])->path);
	return buf;
}

static void test_tree(void **state)
{
	char p[512];
	int steps = 0;
	(void)state;
	touch_file("Crates/House/Alpha.flac");
	touch_file("Crates/House/beta.MP3");
	touch_file("Crates/House/cover.jpg");
	touch_file("Crates/Techno/deep/er/Gamma.aiff");
	touch_file("Crates/Techno/._Gamma.aiff");
	touch_file("Delta.wav");
	touch_file("notes.txt");
	touch_file(".slipmat/0123456789abcdef.trk");
	touch_file(".Trashes/Old.mp3");
	touch_file("Epsilon.aifc");
	touch_file("Zeta.wave");
	/* A link back to the top must not loop; a linked file is not a track either. */
	snprintf(p, sizeof p, "%s/Crates/loop", root);
	assert_int_equal(symlink("..", p), 0);
	snprintf(p, sizeof p, "%s/Link.wav", root);
	assert_int_equal(symlink("Delta.wav", p), 0);

	int src = library_add_source(&lib, LIBRARY_USB, "usb sdz1", root);
	assert_true(src >= 0);
	scan_start(&scan, src);
	/* A zero budget: one folder entry per slice. */
	while (scan_step(&scan, 0))
		steps++;
	assert_true(steps > 10);
	assert_string_equal(paths(), "Crates/House/Alpha.flac|Crates/House/beta.MP3|Delta.wav|"
				     "Epsilon.aifc|Crates/Techno/deep/er/Gamma.aiff|Zeta.wave");
	assert_int_equal(lib.source[src].state, LIBRARY_READY);
	assert_int_equal(lib.source[src].tracks, 6);
	/* Titles come from the file names (fw/tags.c). */
	uint32_t slot[1];
	assert_int_equal(library_search(&lib, "gamma", LIBRARY_BY_TITLE, slot, 1), 1);
	assert_string_equal(library_track(&lib, slot[0])->title, "Gamma");
	/* Nothing open once it is done. */
	assert_int_equal(scan.depth, 0);
}

static void test_pulled_mid_scan(void **state)
{
	char rel[64];
	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(rel, sizeof rel, "d%d/t%02d.wav", i % 5, i);
		touch_file(rel);
	}
	int src = library_add_source(&lib, LIBRARY_USB, "usb sdz1", root);
	scan_start(&scan, src);
	for (int i = 0; i < 30; i++)
		assert_int_equal(scan_step(&scan, 0), 1);
	assert_true(lib.count > 0 && lib.count < 50);
	/* The stick goes: the walk stops, its tracks go, nothing stays open. */
	scan_cancel(&scan, src);
	library_drop_source(&lib, src);
	assert_int_equal(scan.depth, 0);
	assert_int_equal(scan_step(&scan, 0), 0);
	assert_int_equal(lib.count, 0);
	/* Back again: all fifty. */
	src = library_add_source(&lib, LIBRARY_USB, "usb sdz1", root);
	scan_start(&scan, src);
	while (scan_step(&scan, 1000000))
		;
	assert_int_equal(lib.count, 50);
	assert_int_equal(lib.source[src].tracks, 50);
}

static void test_two_sources_and_missing(void **state)
{
	char other[300];
	(void)state;
	touch_file("a/One.wav");
	touch_file("b/Two.flac");
	snprintf(other, sizeof other, "%s/b/", root);
	int s1 = library_add_source(&lib, LIBRARY_INTERNAL, "internal", other);
	int s2 = library_add_source(&lib, LIBRARY_INTERNAL, "internal", "/nonexistent-slipmat-dir");
	snprintf(other, sizeof other, "%s/a", root);
	int s3 = library_add_source(&lib, LIBRARY_USB, "usb", other);
	scan_start(&scan, s1);
	scan_start(&scan, s2);
	scan_start(&scan, s3);
	scan_start(&scan, s3); /* queued once */
	while (scan_step(&scan, 1000000))
		;
	assert_string_equal(paths(), "One.wav|Two.flac");
	assert_int_equal(lib.source[s2].tracks, 0);
	assert_int_equal(lib.source[s2].state, LIBRARY_READY);
	char full[512], want[512];
	uint32_t slot[1];
	library_search(&lib, "two", LIBRARY_BY_TITLE, slot, 1);
	library_full_path(&lib, library_track(&lib, slot[0]), full, sizeof full);
	snprintf(want, sizeof want, "%s/b/Two.flac", root);
	assert_string_equal(full, want);
}

/* Prepared on another box: tempo and key come from the stick's .slipmat records. */
static void test_prepared_on_another_box(void **state)
{
	static struct store_record rec;
	char file[24], p[512];
	(void)state;
	touch_file("Crates/Alpha.flac");
	touch_file("Crates/Beta.flac");
	touch_file("Gamma.wav");
	memset(&rec, 0, sizeof rec);
	snprintf(rec.path, sizeof rec.path, "Crates/Alpha.flac");
	rec.bpm = 124.5f;
	snprintf(rec.key, sizeof rec.key, "5A");
	assert_int_equal(store_save(root, &rec), 0);
	/* Beta's record is damaged: ignored (with a warning), Beta still listed. */
	snprintf(rec.path, sizeof rec.path, "Crates/Beta.flac");
	assert_int_equal(store_save(root, &rec), 0);
	store_file_name("Crates/Beta.flac", file);
	snprintf(p, sizeof p, "%s/.slipmat/%s", root, file);
	int fd = open(p, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "X", 1, 40), 1);
	close(fd);

	int src = library_add_source(&lib, LIBRARY_USB, "usb sdz1", root);
	scan_start(&scan, src);
	while (scan_step(&scan, 1000000))
		;
	assert_int_equal(lib.count, 3);
	uint32_t slot[3];
	assert_int_equal(library_list(&lib, LIBRARY_BY_BPM, 0, slot, 3), 3);
	const struct library_track *t = library_track(&lib, slot[0]);
	assert_string_equal(t->title, "Alpha");
	assert_true(t->bpm == 124.5f);
	assert_string_equal(t->key, "5A");
	assert_true(library_track(&lib, slot[1])->bpm == 0);
	assert_true(library_track(&lib, slot[2])->bpm == 0);
}

/* Folders nest at most SCAN_DEPTH deep: deeper ones are left out and counted. */
static void test_too_deep(void **state)
{
	char rel[400] = "";
	(void)state;
	for (int i = 0; i < SCAN_DEPTH + 2; i++) {
		strcat(rel, "d/");
		if (i == SCAN_DEPTH - 2) {
			char shallow[420];
			snprintf(shallow, sizeof shallow, "%sReachable.wav", rel);
			touch_file(shallow);
		}
	}
	strcat(rel, "Lost.wav");
	touch_file(rel);
	int src = library_add_source(&lib, LIBRARY_USB, "usb sdz1", root);
	scan_start(&scan, src);
	while (scan_step(&scan, 1000000))
		;
	assert_string_equal(paths(), "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/Reachable.wav");
	assert_int_equal(scan.refused, 1);
	assert_int_equal(scan.depth, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pulled_mid_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_sources_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepared_on_another_box, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_deep, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
