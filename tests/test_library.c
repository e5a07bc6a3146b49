/*
 * test_library: what a DJ browsing the library would see: every track
 * once, in title, artist, tempo, newest-first and Camelot key order
 * (keys read as the tags write them); a search that
 * finds "Beyoncé" for "beyonce" as it is typed; a stick's tracks gone
 * when it is pulled and back when it returns; a full index that says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/key.h"
#include "../fw/arena.h"
#include "../fw/library.h"

static struct arena arena;
static struct library lib;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(arena_init(&arena, 32u << 20), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_clear(&arena);
	return 0;
}

static void add(int src, const char *title, const char *artist, float bpm, int64_t mtime,
		const char *path)
{
	struct library_entry e = { .title = title, .artist = artist, .path = path, .bpm = bpm,
				   .mtime = mtime };
	assert_int_equal(library_add(&lib, src, &e), 0);
}

/* The titles of view v, joined by '|'. */
static const char *titles(enum library_view v)
{
	static char buf[4096];
	uint32_t slot[64];
	int n = library_list(&lib, v, 0, slot, 64);
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "",
					library_track(&lib, slot[i])->title);
	return buf;
}

static const char *found(const char *q)
{
	static char buf[4096];
	uint32_t slot[64];
	int n = library_search(&lib, q, LIBRARY_BY_TITLE, slot, 64);
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && i < 64; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "",
					library_track(&lib, slot[i])->title);
	return buf;
}

static void fill(int *internal, int *stick)
{
	assert_int_equal(library_init(&lib, &arena, 100), 0);
	*internal = library_add_source(&lib, LIBRARY_INTERNAL, "internal", "/media/nvme");
	*stick = library_add_source(&lib, LIBRARY_USB, "usb sda1", "/run/slipmat/usb/sda1");
	assert_true(*internal >= 0 && *stick >= 0 && *internal != *stick);
	add(*internal, "Crazy in Love", "Beyoncé", 99, 300, "pop/crazy.flac");
	add(*internal, "around the world", "Daft Punk", 121.3f, 100, "house/atw.flac");
	add(*stick, "Blue Monday", "New Order", 130, 500, "blue.mp3");
	add(*stick, "Ärger", "Die Ärzte", 0, 200, "de/aerger.wav");
	add(*internal, "Strings of Life", "Rhythim Is Rhythim", 125, 400, "detroit/sol.aiff");
}

static void test_views(void **state)
{
	int in, usb;
	(void)state;
	fill(&in, &usb);
	assert_int_equal(lib.count, 5);
	/* Case and accents do not decide the order: Ärger sorts as "arger". */
	assert_string_equal(titles(LIBRARY_BY_TITLE),
			    "Ärger|around the world|Blue Monday|Crazy in Love|Strings of Life");
	assert_string_equal(titles(LIBRARY_BY_ARTIST),
			    "Crazy in Love|around the world|Ärger|Blue Monday|Strings of Life");
	/* Slowest first; a track without a tempo last. */
	assert_string_equal(titles(LIBRARY_BY_BPM),
			    "Crazy in Love|around the world|Strings of Life|Blue Monday|Ärger");
	assert_string_equal(titles(LIBRARY_BY_ADDED),
			    "Blue Monday|Strings of Life|Crazy in Love|Ärger|around the world");
	assert_int_equal(lib.source[in].tracks, 3);
	assert_int_equal(lib.source[usb].tracks, 2);
}

static void add_key(int src, const char *title, const char *key, const char *path)
{
	struct library_entry e = { .title = title, .artist = "x", .key = key, .path = path };
	assert_int_equal(library_add(&lib, src, &e), 0);
}

static void test_key_view(void **state)
{
	int in, usb;
	uint32_t slot[1];
	(void)state;
	fill(&in, &usb); /* five tracks without a key */
	add_key(in, "k1", "8A", "k1.wav");
	add_key(in, "k2", "Am", "k2.wav");	   /* 8A as well: then by title */
	add_key(usb, "k3", "1A", "k3.wav");
	add_key(in, "k4", "B", "k4.wav");	   /* 1B */
	add_key(in, "k5", "12B", "k5.wav");
	add_key(usb, "k6", "C#m", "k6.wav");	   /* 12A */
	add_key(in, "k7", "10a", "k7.wav");	   /* not 1A: ten comes after two */
	add_key(in, "k8", "2A", "k8.wav");
	add_key(in, "k9", "1m", "k9.wav");	   /* Open Key: 8A */
	add_key(in, "k10", "Bbmin", "k10.wav");	   /* 3A */
	add_key(in, "k11", "H", "k11.wav");	   /* unreadable: with the unknown */
	/* 1A 1B 2A 3A 8A(k1 k2 k9) 10A 12A 12B, then the rest by title */
	assert_string_equal(titles(LIBRARY_BY_KEY),
			    "k3|k4|k8|k10|k1|k2|k9|k7|k6|k5|Ärger|around the world|Blue Monday|"
			    "Crazy in Love|k11|Strings of Life");
	/* Analysis finds k11's key: it moves; the tempo view keeps every track once. */
	assert_int_equal(library_search(&lib, "k11", LIBRARY_BY_TITLE, slot, 1), 1);
	assert_int_equal(library_set_tempo(&lib, slot[0], 124, "Ab"), 0); /* 4B */
	assert_string_equal(titles(LIBRARY_BY_KEY),
			    "k3|k4|k8|k10|k11|k1|k2|k9|k7|k6|k5|Ärger|around the world|"
			    "Blue Monday|Crazy in Love|Strings of Life");
	assert_string_equal(titles(LIBRARY_BY_BPM),
			    "Crazy in Love|around the world|k11|Strings of Life|Blue Monday|Ärger|"
			    "k1|k10|k2|k3|k4|k5|k6|k7|k8|k9");
	/* A stick pulled: its keyed tracks leave the key view too. */
	library_drop_source(&lib, usb);
	assert_string_equal(titles(LIBRARY_BY_KEY),
			    "k4|k8|k10|k11|k1|k2|k9|k7|k5|around the world|Crazy in Love|"
			    "Strings of Life");
}

/* Every key the analysis names (dsp/key.h) reads back as its own Camelot code and name. */
static void test_key_notations(void **state)
{
	(void)state;
	for (int k = 0; k < 24; k++) {
		int c = library_camelot(key_name(k));

		assert_true(c >= 0);
		assert_string_equal(library_key_text(c, 1), key_camelot(k));
		assert_string_equal(library_key_text(c, 0), key_name(k));
		assert_int_equal(library_camelot(key_camelot(k)), c);
	}
	assert_int_equal(library_camelot("08A"), library_camelot("8A"));
	assert_int_equal(library_camelot("A minor"), library_camelot("8A"));
	assert_int_equal(library_camelot("Amin"), library_camelot("8A"));
	assert_int_equal(library_camelot("G# m"), library_camelot("1A"));
	assert_int_equal(library_camelot("Ebm"), library_camelot("2A"));
	assert_int_equal(library_camelot("C major"), library_camelot("8B"));
	assert_int_equal(library_camelot("6d"), library_camelot("1B")); /* Open Key: B major */
	assert_int_equal(library_camelot("1d"), library_camelot("8B")); /* C major */
	assert_int_equal(library_camelot(""), -1);
	assert_int_equal(library_camelot(NULL), -1);
	assert_int_equal(library_camelot("13A"), -1);
	assert_int_equal(library_camelot("0B"), -1);
	assert_int_equal(library_camelot("8C"), -1);
	assert_int_equal(library_camelot("H"), -1);
	assert_int_equal(library_camelot("Amx"), -1);
	assert_int_equal(library_camelot("?"), -1);
	assert_string_equal(library_key_text(24, 1), "");
	assert_string_equal(library_key_text(-1, 0), "");
}

static void test_search(void **state)
{
	int in, usb;
	(void)state;
	fill(&in, &usb);
	/* As the user types, the list narrows. */
	assert_string_equal(found("b"), "Blue Monday|Crazy in Love");
	assert_string_equal(found("be"), "Crazy in Love");
	assert_string_equal(found("BEYONCE"), "Crazy in Love");
	assert_string_equal(found("beyoncé"), "Crazy in Love");
	assert_string_equal(found("ärz"), "Ärger");
	assert_string_equal(found("ARZTE"), "Ärger");
	assert_string_equal(found("punk"), "around the world");
	assert_string_equal(found("nothing like this"), "");
	/* Title and artist are searched apart: no match across them. */
	assert_string_equal(found("monday new"), "");
	assert_string_equal(found(""), "Ärger|around the world|Blue Monday|Crazy in Love|"
					"Strings of Life");
	/* Results come in the order of the view asked for. */
	uint32_t slot[8];
	int n = library_search(&lib, "o", LIBRARY_BY_BPM, slot, 8); /* not Ärger */
	assert_int_equal(n, 4);
	assert_string_equal(library_track(&lib, slot[0])->title, "Crazy in Love");
	/* More matches than room: the count is all of them. */
	assert_int_equal(library_search(&lib, "", LIBRARY_BY_TITLE, slot, 2), 5);
	/* One source's tracks only: the stick's. */
	n = library_search_in(&lib, "", LIBRARY_BY_TITLE, 1u << usb, slot, 8);
	assert_int_equal(n, 2);
	assert_string_equal(library_track(&lib, slot[0])->title, "Ärger");
	assert_string_equal(library_track(&lib, slot[1])->title, "Blue Monday");
	assert_int_equal(library_search_in(&lib, "o", LIBRARY_BY_TITLE, 1u << in, slot, 8), 3);
	assert_int_equal(library_search_in(&lib, "monday", LIBRARY_BY_TITLE, 1u << in, slot, 8), 0);
	/* One track against a query, and found again by its path. */
	n = library_find_path(&lib, usb, "blue.mp3");
	assert_true(n >= 0);
	assert_true(library_matches(&lib, (uint32_t)n, "MONDAY"));
	assert_true(library_matches(&lib, (uint32_t)n, ""));
	assert_false(library_matches(&lib, (uint32_t)n, "love"));
	assert_int_equal(library_find_path(&lib, in, "blue.mp3"), -1);
	/* A full path: its source and the path under the root. */
	const char *rel = NULL;
	assert_int_equal(library_source_of(&lib, "/run/slipmat/usb/sda1/blue.mp3", &rel), usb);
	assert_string_equal(rel, "blue.mp3");
	assert_int_equal(library_source_of(&lib, "/media/nvme/pop/crazy.flac", &rel), in);
	assert_string_equal(rel, "pop/crazy.flac");
	assert_int_equal(library_source_of(&lib, "/media/nvme2/x.wav", &rel), -1);
	assert_int_equal(library_source_of(&lib, "/run/slipmat/usb", &rel), -1);
	assert_int_equal(library_set_length(&lib, (uint32_t)n, 312.5f), 0);
	assert_true(library_track(&lib, (uint32_t)n)->seconds == 312.5f);
}

static void test_fold(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(library_fold("Straße ŒUVRE Ångström", out, sizeof out),
			 strlen("strasse oeuvre angstrom"));
	assert_string_equal(out, "strasse oeuvre angstrom");
	/* Other scripts pass through; a cut never splits a character. */
	library_fold("Ωmega", out, sizeof out);
	assert_string_equal(out, "Ωmega");
	library_fold("abΩ", out, 4);
	assert_string_equal(out, "ab");
	/* Broken UTF-8 does not stop the fold or run past the end. */
	library_fold("A\xc3", out, sizeof out);
	assert_string_equal(out, "a\xc3");
	library_fold("\xe2\x82", out, sizeof out);
	assert_string_equal(out, "\xe2\x82");
}

static void test_stick_pulled_and_back(void **state)
{
	int in, usb, again;
	(void)state;
	fill(&in, &usb);
	unsigned long before = lib.changes;
	assert_int_equal(library_drop_source(&lib, usb), 2);
	assert_true(lib.changes > before);
	assert_int_equal(lib.count, 3);
	assert_string_equal(titles(LIBRARY_BY_TITLE), "around the world|Crazy in Love|Strings of Life");
	assert_string_equal(titles(LIBRARY_BY_ADDED), "Strings of Life|Crazy in Love|around the world");
	assert_string_equal(found("monday"), "");
	assert_int_equal(library_find_source(&lib, "/run/slipmat/usb/sda1"), -1);
	/* Plugged back in: scanned again, its tracks return. */
	again = library_add_source(&lib, LIBRARY_USB, "usb sda1", "/run/slipmat/usb/sda1");
	assert_true(again >= 0);
	add(again, "Blue Monday", "New Order", 130, 500, "blue.mp3");
	add(again, "Ärger", "Die Ärzte", 0, 200, "de/aerger.wav");
	library_source_ready(&lib, again);
	assert_int_equal(lib.source[again].state, LIBRARY_READY);
	assert_string_equal(titles(LIBRARY_BY_TITLE),
			    "Ärger|around the world|Blue Monday|Crazy in Love|Strings of Life");
	assert_string_equal(found("monday"), "Blue Monday");
	char path[256];
	uint32_t slot[1];
	assert_int_equal(library_search(&lib, "monday", LIBRARY_BY_TITLE, slot, 1), 1);
	assert_int_equal(library_full_path(&lib, library_track(&lib, slot[0]), path, sizeof path), 0);
	assert_string_equal(path, "/run/slipmat/usb/sda1/blue.mp3");
}

static void test_set_tempo(void **state)
{
	int in, usb;
	uint32_t slot[1];
	(void)state;
	fill(&in, &usb);
	/* Ärger is analysed: 140 bpm, now the fastest. */
	assert_int_equal(library_search(&lib, "arger", LIBRARY_BY_TITLE, slot, 1), 1);
	assert_int_equal(library_set_tempo(&lib, slot[0], 140, "4B"), 0);
	assert_string_equal(titles(LIBRARY_BY_BPM),
			    "Crazy in Love|around the world|Strings of Life|Blue Monday|Ärger");
	assert_true(library_track(&lib, slot[0])->bpm == 140);
	assert_string_equal(library_track(&lib, slot[0])->key, "4B");
	assert_int_equal(library_set_tempo(&lib, slot[0], 60, ""), 0);
	assert_string_equal(titles(LIBRARY_BY_BPM),
			    "Ärger|Crazy in Love|around the world|Strings of Life|Blue Monday");
	assert_int_equal(lib.count, 5);
	library_drop_source(&lib, usb);
	assert_int_equal(library_set_tempo(&lib, slot[0], 60, ""), -ENOENT);
}

static void test_sources(void **state)
{
	int in, usb;
	(void)state;
	fill(&in, &usb);
	assert_int_equal(library_add_source(&lib, LIBRARY_USB, "again", "/media/nvme"), -EEXIST);
	for (int i = 2; i < LIBRARY_MAX_SOURCES; i++) {
		char root[32];
		snprintf(root, sizeof root, "/mnt/%d", i);
		assert_true(library_add_source(&lib, LIBRARY_USB, root, root) >= 0);
	}
	assert_int_equal(library_add_source(&lib, LIBRARY_USB, "x", "/mnt/x"), -ENOSPC);
	struct library_entry e = { .path = "a.wav" };
	assert_int_equal(library_add(&lib, LIBRARY_MAX_SOURCES, &e), -EINVAL);
	e.path = "";
	assert_int_equal(library_add(&lib, in, &e), -EINVAL);
}

static void test_names_and_limits(void **state)
{
	int in, usb;
	char longtitle[400];
	(void)state;
	fill(&in, &usb);
	/* No title: the file name stands in. */
	add(in, NULL, NULL, 0, 0, "a/b/Untitled Track 7.flac");
	assert_string_equal(found("untitled"), "Untitled Track 7");
	/* A long title is cut, never in the middle of a character. */
	memset(longtitle, 0, sizeof longtitle);
	for (int i = 0; i < 100; i++)
		strcat(longtitle, "é");
	add(in, longtitle, "x", 0, 0, "long.wav");
	uint32_t slot[1];
	assert_int_equal(library_search(&lib, "eeee", LIBRARY_BY_TITLE, slot, 1), 1);
	const char *t = library_track(&lib, slot[0])->title;
	assert_int_equal(strlen(t), LIBRARY_TITLE - 2);
	assert_int_equal(strncmp(t, "éé", 4), 0);
}

static void test_full(void **state)
{
	char path[32];
	(void)state;
	assert_int_equal(library_init(&lib, &arena, 100), 0);
	int s = library_add_source(&lib, LIBRARY_USB, "usb sdb1", "/run/slipmat/usb/sdb1");
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof path, "t%03d.wav", i);
		add(s, NULL, NULL, 0, i, path);
	}
	struct library_entry e = { .path = "one-too-many.wav" };
	assert_int_equal(library_add(&lib, s, &e), -ENOSPC);
	assert_int_equal(lib.source[s].skipped, 1);
	assert_int_equal(lib.count, 100);
}

/* Many sticks coming and going at random: the views stay sorted and hold each live track once. */
static void test_random_churn(void **state)
{
	char path[32], title[32];
	int src[4];
	(void)state;
	srand(7);
	assert_int_equal(library_init(&lib, &arena, 2000), 0);
	for (int k = 0; k < 4; k++) {
		snprintf(path, sizeof path, "/mnt/%d", k);
		src[k] = library_add_source(&lib, LIBRARY_USB, path, path);
	}
	for (int round = 0; round < 40; round++) {
		int k = rand() % 4;
		if (rand() % 4 == 0) {
			library_drop_source(&lib, src[k]);
			snprintf(path, sizeof path, "/mnt/%d", k);
			src[k] = library_add_source(&lib, LIBRARY_USB, path, path);
			assert_true(src[k] >= 0);
		}
		for (int i = 0; i < 40 && lib.count < lib.capacity; i++) {
			snprintf(title, sizeof title, "%c%c track %d", 'a' + rand() % 26,
				 'A' + rand() % 26, rand() % 1000);
			snprintf(path, sizeof path, "r%d-%d.wav", round, i);
			struct library_entry e = { .title = title,
						   .artist = rand() % 2 ? "Z" : "a",
						   .key = library_key_text(rand() % 26 - 1, rand() % 2),
						   .path = path,
						   .bpm = (float)(rand() % 3) * 60,
						   .mtime = rand() % 50 };
			assert_int_equal(library_add(&lib, src[k], &e), 0);
		}
		int total = 0;
		for (int j = 0; j < 4; j++)
			total += lib.source[src[j]].tracks;
		assert_int_equal(total, lib.count);
		for (int v = 0; v < LIBRARY_VIEWS; v++) {
			static uint32_t seen[2000];
			static char a[LIBRARY_FOLD], b[LIBRARY_FOLD];
			memset(seen, 0, sizeof seen);
			for (int i = 0; i < lib.count; i++) {
				uint32_t s = lib.view[v][i];
				assert_non_null(library_track(&lib, s));
				assert_int_equal(seen[s]++, 0);
				if (i == 0)
					continue;
				const struct library_track *p = library_track(&lib, lib.view[v][i - 1]);
				const struct library_track *q = library_track(&lib, s);
				if (v == LIBRARY_BY_TITLE) {
					library_fold(p->title, a, sizeof a);
					library_fold(q->title, b, sizeof b);
					assert_true(strcmp(a, b) <= 0);
				} else if (v == LIBRARY_BY_BPM) {
					assert_true(q->bpm == 0 || (p->bpm > 0 && p->bpm <= q->bpm));
				} else if (v == LIBRARY_BY_ADDED) {
					assert_true(p->mtime >= q->mtime);
				} else if (v == LIBRARY_BY_KEY) {
					assert_true(q->camelot == 0 ||
						    (p->camelot > 0 && p->camelot <= q->camelot));
				} else {
					library_fold(p->artist, a, sizeof a);
					library_fold(q->artist, b, sizeof b);
					assert_true(strcmp(a, b) <= 0);
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_view, setup, teardown),
		cmocka_unit_test(test_key_notations),
		cmocka_unit_test(test_fold),
		cmocka_unit_test_setup_teardown(test_stick_pulled_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_tempo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_churn, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
