/*
 * test_flac: the FLAC decoder on the shared decoder testbench. Every
 * streamable-subset file decodes to its end, to as many samples as its
 * STREAMINFO says, and its decoded samples match the STREAMINFO MD5. The
 * uncommon and faulty files decode (matching their MD5 where they have a
 * usable one) or are refused with a message, in bounded time. A FLAC made here bit by bit (verbatim, constant, fixed and
 * LPC subframes, mid/side) decodes to the samples it was made from, also
 * without the shared data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <time.h>

#include "decode_util.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* STREAMINFO.tsv: the total samples the listing gives for a file (-1: none). */
static long long listed_samples(const char *dir, const char *rel)
{
	char path[600], line[1024];
	long long total = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/STREAMINFO.tsv", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		int field = 0;
		char *p;

		if (!tab || strncmp(line, rel, (size_t)(tab - line)) || strlen(rel) != (size_t)(tab - line))
			continue;
		/* path, bytes, sample_rate, channels, bits_per_sample, total_samples */
		for (p = tab; p && field < 4; p = strchr(p + 1, '\t'))
			field++;
		if (p)
			total = atoll(p + 1);
	}
	fclose(f);
	return total;
}

static void run_folder(const char *sub, int must)
{
	const char *base = testdata("flac");
	char dir[600], path[1200], rel[700];
	struct dirent **names;
	int i, count, decoded = 0, refused = 0;

	if (!base) {
		skip();
		return;
	}
	snprintf(dir, sizeof(dir), "%s/%s", base, sub);
	count = scandir(dir, &names, NULL, alphasort);
	assert_true(count > 0);
	for (i = 0; i < count; i++) {
		long long frames, listed;
		double t0;
		int err, md5;

		if (!strstr(names[i]->d_name, ".flac")) {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		snprintf(rel, sizeof(rel), "%s/%s", sub, names[i]->d_name);
		t0 = now();
		err = dec_file(path, &frames, NULL, NULL);
		md5 = dec_md5;
		listed = listed_samples(base, rel);
		printf("%s: %s, %lld frames (listed %lld), md5 %s, %.2f s\n", rel,
		       err ? dec.err : "decoded", frames, listed,
		       md5 == 1 ? "ok" : md5 == 0 ? "MISMATCH" : "none", now() - t0);
		assert_true(now() - t0 < 20.0); /* never a hang */
		if (err) {
			assert_true(strlen(dec.err) > 5); /* refused with a reason */
			refused++;
		} else {
			decoded++;
			assert_int_not_equal(md5, 0); /* decoded with a signature: it matches */
		}
		if (must) {
			assert_int_equal(err, 0);
			assert_int_equal(md5, 1);
			if (listed > 0)
				assert_true(frames == listed);
		}
		free(names[i]);
	}
	free(names);
	printf("%s: %d decoded, %d refused with a message\n", sub, decoded, refused);
}

static void subset_decodes_with_md5(void **state)
{
	(void)state;
	run_folder("subset", 1);
}

static void uncommon_decode_or_refuse(void **state)
{
	(void)state;
	run_folder("uncommon", 0);
}

static void faulty_decode_or_refuse(void **state)
{
	(void)state;
	run_folder("faulty", 0);
}

static void made_here(void **state)
{
	static const struct {
		const char *name;
		long long frames;
		int md5; /* 1: must match; -1: the file has none (no header) */
	} f[] = {
		{"s16", 3000, 1},  {"s16fast", 3000, 1}, {"mono8", 2000, 1}, {"s24", 1500, 1},
		{"ch6", 800, 1},   {"bs192", 1000, 1},   {"verb", 500, 1},   {"noheader", 3000, -1},
	};
	char path[256];
	long long frames;
	(void)state;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(path, sizeof(path), "tests/fuzz/corpus/flac/%s.flac", f[i].name);
		assert_int_equal(dec_file(path, &frames, NULL, NULL), 0);
		printf("%s: %lld frames, md5 %d\n", f[i].name, frames, dec_md5);
		assert_true(frames == f[i].frames);
		assert_int_equal(dec_md5, f[i].md5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(made_here),
		cmocka_unit_test(subset_decodes_with_md5),
		cmocka_unit_test(uncommon_decode_or_refuse),
		cmocka_unit_test(faulty_decode_or_refuse),
	};

	if (dec_setup() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
