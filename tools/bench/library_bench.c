/*
 * library_bench: the library's two costs a DJ could feel, as a markdown
 * table.
 *
 * Search: an index of N tracks (default 20,000) with made-up titles and
 * artists; a DJ types a query letter by letter ("b", "bl", "blu" ...),
 * each prefix searched over the whole index, in title order. Timed side
 * by side with a reference that does what a plain C program would:
 * glibc's strcasestr() on the title and on the artist of each track (no
 * accent folding). Best, median and 95th percentile per search over
 * every prefix of several queries, 5 rounds (the host is shared: the
 * very worst is the scheduler's, not ours).
 *
 * Scan: DIR holding files (tools/bench/library.sh makes 10,000 small
 * ones in folders on tmpfs), scanned as the box does it (fw/scan.c,
 * with fw/tags.c) in 4 ms slices until done; wall time and files a
 * second, the best of 3. The reference is the bare walk: nftw() over
 * the same tree, stat only, no tags and no index.
 *
 *   library_bench [TRACKS] [DIR|-] [ROUNDS]
 *
 * (tools/bench/library.sh also runs it under callgrind with one round
 * and no scan, for the instructions of each search.)
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../fw/arena.h"
#include "../../fw/library.h"
#include "../../fw/scan.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static const char *const words[] = {
	"blue", "monday", "strings", "life", "deep", "night", "acid", "rain", "love", "city",
	"dream", "fire", "soul", "drive", "sun", "moon", "house", "jack", "body", "move",
	"groove", "star", "light", "dark", "echo", "wave", "storm", "gold", "heart", "time",
	"Ärger", "café", "Straße", "señor", "Beyoncé", "Björk", "Mötley", "Zoë",
};
#define NWORDS (sizeof words / sizeof words[0])

static void phrase(char *buf, size_t size, int nwords)
{
	size_t n = 0;
	for (int i = 0; i < nwords && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "",
				      words[rand() % NWORDS]);
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 32);
}

static int found_ref;
static const struct library *ref_lib;
int search_ref(const char *q, uint32_t *out, int max);

/* The reference search: strcasestr on title and artist, in title order. */
int search_ref(const char *q, uint32_t *out, int max)
{
	int found = 0;
	const uint32_t *o = ref_lib->view[LIBRARY_BY_TITLE];
	for (int i = 0; i < ref_lib->count; i++) {
		const struct library_track *t = &ref_lib->track[o[i]];
		if (!strcasestr(t->title, q) && !strcasestr(t->artist, q))
			continue;
		if (found < max)
			out[found] = o[i];
		found++;
	}
	return found;
}

static long scan_files;
static int count_file(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)p;
	(void)st;
	(void)f;
	if (type == FTW_F)
		scan_files++;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const queries[] = { "blue monday", "beyonce", "acid rain", "zzz",
					       "o" };
	int tracks = argc > 1 ? atoi(argv[1]) : 20000;
	const char *dir = argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	static struct arena arena;
	static struct library lib;
	static struct scan scan;
	static uint32_t slot[100];
	static double ours[5000], ref[5000];
	int nt = 0, matches = 0;

	srand(1);
	if (arena_init(&arena, 64u << 20) || library_init(&lib, &arena, tracks) ||
	    scan_init(&scan, &lib, &arena))
		return 1;
	int src = library_add_source(&lib, LIBRARY_USB, "bench", "/bench");
	for (int i = 0; i < tracks; i++) {
		char title[96], artist[64], path[64];
		phrase(title, sizeof title, 1 + rand() % 4);
		phrase(artist, sizeof artist, 1 + rand() % 2);
		snprintf(path, sizeof path, "crate%d/track%d.flac", i % 50, i);
		struct library_entry e = { .title = title, .artist = artist, .path = path,
					   .bpm = 90 + rand() % 60, .mtime = rand() };
		library_add(&lib, src, &e);
	}
	ref_lib = &lib;
	if (rounds < 1 || rounds > 5)
		rounds = 5;
	for (int round = 0; round < rounds; round++) {
		for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
			char prefix[64];
			for (size_t len = 1; len <= strlen(queries[q]); len++) {
				memcpy(prefix, queries[q], len);
				prefix[len] = '\0';
				double t0 = now();
				int a = library_search(&lib, prefix, LIBRARY_BY_TITLE, slot, 100);
				double t1 = now();
				int b = search_ref(prefix, slot, 100);
				double t2 = now();
				ours[nt] = (t1 - t0) * 1e3;
				ref[nt] = (t2 - t1) * 1e3;
				nt++;
				matches += a;
				found_ref += b;
			}
		}
	}
	qsort(ours, (size_t)nt, sizeof ours[0], cmp_double);
	qsort(ref, (size_t)nt, sizeof ref[0], cmp_double);
	printf("### Library search over %d tracks (%d searches: every prefix of %zu queries, %d "
	       "rounds)\n\n",
	       lib.count, nt, sizeof queries / sizeof queries[0], rounds);
	printf("| search | best ms | median ms | 95th pct ms | slipmat is |\n|---|---:|---:|---:|---:|\n");
	printf("| slipmat `library_search()` (folded keys, accents too) | %.3f | %.3f | %.3f | "
	       "1.00x |\n",
	       ours[0], ours[nt / 2], ours[nt * 95 / 100]);
	printf("| strcasestr() on title and artist (ASCII case only) | %.3f | %.3f | %.3f | "
	       "%.2fx faster |\n\n",
	       ref[0], ref[nt / 2], ref[nt * 95 / 100], ref[nt / 2] / ours[nt / 2]);
	printf("(matches: slipmat %d, reference %d: the reference misses accented names)\n\n",
	       matches, found_ref);

	if (!dir)
		return 0;
	double best = 1e9, best_ref = 1e9;
	int found = 0;
	for (int round = 0; round < 3; round++) {
		library_drop_source(&lib, src);
		src = library_add_source(&lib, LIBRARY_USB, "bench", dir);
		double t0 = now();
		scan_start(&scan, src);
		while (scan_step(&scan, 4000000L))
			;
		double t1 = now();
		if (t1 - t0 < best)
			best = t1 - t0;
		found = lib.source[src].tracks;
		scan_files = 0;
		t0 = now();
		nftw(dir, count_file, 32, FTW_PHYS);
		t1 = now();
		if (t1 - t0 < best_ref)
			best_ref = t1 - t0;
	}
	printf("### Library scan of %ld files on tmpfs (best of 3)\n\n", scan_files);
	printf("| walk | seconds | files/s | tracks found |\n|---|---:|---:|---:|\n");
	printf("| slipmat scan (4 ms slices, open + tags + index) | %.3f | %.0f | %d |\n", best,
	       scan_files / best, found);
	printf("| nftw() walk, stat only | %.3f | %.0f | - |\n", best_ref,
	       scan_files / best_ref);
	return 0;
}
