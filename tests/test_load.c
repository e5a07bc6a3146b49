/*
 * test_load: a track file into a deck's memory, a slice at a time. A 44.1
 * kHz sine arrives at the engine's 48 kHz at its own pitch and level with
 * the conversion error far below hearing; a 96 kHz file's 30 kHz tone
 * (above the engine's band) is gone rather than folded down; a file at
 * the engine's rate arrives bit for bit; the first seconds are playable
 * after the first slices; a track longer than the deck's storage plays as
 * far as it fits with a message saying so; a broken file gets a message
 * naming it. No slice runs over its budget by much.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <time.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dsp/resample.h"
#include "fw/deck.h"
#include "fw/load.h"

#define ENGINE 48000
#define CAP (ENGINE * 100)

static struct load ld;
static struct track trk;
static float *mem;
static struct resample_bank *bank;

/* A 16-bit stereo WAV of seconds of sines (left f, right f too, -6 dB) in a memfd. */
static int wav_file(int rate, double f, double seconds, char *path, size_t size)
{
	long n = (long)(rate * seconds), i;
	int fd = memfd_create("track.wav", 0);
	unsigned char h[44] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0";
	int16_t *pcm = malloc(sizeof(int16_t) * 2 * (size_t)n);
	uint32_t v;

	assert_true(fd >= 0 && pcm);
	v = (uint32_t)rate;
	memcpy(h + 24, &v, 4);
	v = (uint32_t)rate * 4;
	memcpy(h + 28, &v, 4);
	h[32] = 4;
	h[34] = 16;
	memcpy(h + 36, "data", 4);
	v = (uint32_t)n * 4;
	memcpy(h + 40, &v, 4);
	for (i = 0; i < n; i++)
		pcm[2 * i] = pcm[2 * i + 1] = (int16_t)lrint(16384 * sin(2 * M_PI * f * i / rate));
	assert_int_equal(write(fd, h, 44), 44);
	assert_int_equal(write(fd, pcm, sizeof(int16_t) * 2 * (size_t)n), (ssize_t)(sizeof(int16_t) * 2 * (size_t)n));
	free(pcm);
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return fd;
}

/* Load to the end, 2 ms slices. Return: slices taken; *first_ready after the first. */
static double slice_ms[4096];

static double ms(void)
{
	struct timespec t;

	/* CPU time of this thread: on a shared host, wall time also counts
	 * other processes' turns (the loader itself watches wall time, so a
	 * preempted slice ends early). */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int run(long *first_ready)
{
	int slices = 0, r;

	do {
		double t0 = ms();

		r = load_step(&ld, LOAD_BUDGET_MS);
		if (slices < 4096)
			slice_ms[slices] = ms() - t0;
		if (slices++ == 0)
			*first_ready = atomic_load(&trk.ready);
	} while (r == 1);
	return slices;
}

/* The slice time that 9 in 10 slices stay within. */
static double slice_p90(int slices)
{
	int n = slices < 4096 ? slices : 4096;

	qsort(slice_ms, (size_t)n, sizeof(double), by_value);
	return slice_ms[n * 9 / 10];
}

/* The error of the track against A sin(2 pi f t) over its middle, in dB below the sine. */
static double error_db(double f, double a, long from, long to)
{
	double best = 1e9;

	/* The phase is the source's: t = frame / ENGINE exactly. */
	for (int c = 0; c < 2; c++) {
		double e = 0, s = 0;

		for (long i = from; i < to; i++) {
			double want = a * sin(2 * M_PI * f * i / ENGINE);
			double d = trk.samples[2 * i + c] - want;

			e += d * d;
			s += want * want;
		}
		best = fmin(best, 10 * log10(e / s));
	}
	return best;
}

static int setup(void **state)
{
	void *storage;
	(void)state;
	bank = aligned_alloc(RESAMPLE_BANK_ALIGN, resample_bank_size());
	mem = malloc(sizeof(float) * 2 * CAP);
	assert_non_null(bank);
	assert_int_equal(resample_bank_init(bank), 0);
	storage = aligned_alloc(64, load_storage());
	assert_non_null(storage);
	/* Faulted in, as the arena's memory is. */
	memset(storage, 0, load_storage());
	memset(mem, 0, sizeof(float) * 2 * CAP);
	assert_int_equal(load_init(&ld, storage, ENGINE, bank), 0);
	track_init(&trk, mem, CAP);
	return 0;
}

static void converts_44k1_cleanly(void **state)
{
	char path[64];
	long first;
	int fd = wav_file(44100, 1000, 10, path, sizeof(path)), slices;
	double err;
	(void)state;

	assert_int_equal(load_start(&ld, &trk, path), 0);
	assert_true(labs(trk.frames - 480000) <= 1);
	slices = run(&first);
	err = error_db(1000, 0.5, 1000, 470000);
	printf("44.1 -> 48 kHz: %ld frames in %d slices (9 in 10 within %.2f ms of CPU, the "
	       "longest %.2f ms of wall time on this shared machine), first slice %ld frames, error %.1f dB\n",
	       trk.frames, slices, slice_p90(slices), ld.slice_max_ms, first, err);
	assert_true(labs(trk.frames - 480000) <= 1);
	assert_int_equal(atomic_load(&trk.ready), trk.frames);
	assert_true(first > 0 && first < trk.frames); /* playable early, not all at once */
	assert_true(err < -80);                       /* 16-bit source: its own noise is -98 */
	/* The budget holds (a preempted slice on a busy host aside). */
	assert_true(slice_p90(slices) <= LOAD_BUDGET_MS);
	assert_string_equal(ld.msg, "");
	close(fd);
}

static void converts_96k_without_folding(void **state)
{
	char path[64];
	long first, i;
	int fd = wav_file(96000, 30000, 2, path, sizeof(path));
	double peak = 0;
	(void)state;

	assert_int_equal(load_start(&ld, &trk, path), 0);
	run(&first);
	assert_true(labs(trk.frames - 96000) <= 1);
	for (i = 100; i < trk.frames - 100; i++)
		peak = fmax(peak, fabs(trk.samples[2 * i]));
	printf("96 kHz file, 30 kHz tone at -6 dB: %.1f dB after conversion to 48 kHz\n",
	       20 * log10(peak + 1e-30));
	assert_true(peak < 0.5 * 1e-4); /* at least 80 dB down */
	close(fd);
	fd = wav_file(96000, 1000, 2, path, sizeof(path));
	assert_int_equal(load_start(&ld, &trk, path), 0);
	run(&first);
	assert_true(error_db(1000, 0.5, 1000, 90000) < -80);
	close(fd);
}

static void same_rate_is_bit_exact(void **state)
{
	char path[64];
	long first, i;
	int fd = wav_file(ENGINE, 440, 3, path, sizeof(path));
	(void)state;

	assert_int_equal(load_start(&ld, &trk, path), 0);
	run(&first);
	assert_int_equal(trk.frames, 3 * ENGINE);
	for (i = 0; i < trk.frames; i++)
		assert_true(trk.samples[2 * i] ==
			    (float)lrint(16384 * sin(2 * M_PI * 440 * i / ENGINE)) / 32768.0f);
	close(fd);
}

static void too_long_plays_what_fits(void **state)
{
	char path[64];
	long first;
	int fd = wav_file(ENGINE, 440, 15, path, sizeof(path));
	(void)state;

	track_init(&trk, mem, ENGINE * 10);
	assert_int_equal(load_start(&ld, &trk, path), 0);
	printf("message: %s\n", ld.msg);
	assert_non_null(strstr(ld.msg, "the track is 0:15 long and a deck holds 0:10"));
	run(&first);
	assert_int_equal(trk.frames, ENGINE * 10);
	assert_int_equal(atomic_load(&trk.ready), ENGINE * 10);
	track_init(&trk, mem, CAP);
	close(fd);
}

static void broken_file_is_named(void **state)
{
	int fd = memfd_create("junk", 0);
	char path[64];
	(void)state;

	assert_int_equal(write(fd, "RIFF\x10\0\0\0WAVEfmt \x02\0\0\0", 20), 20);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	assert_true(load_start(&ld, &trk, path) < 0);
	printf("message: %s\n", ld.msg);
	assert_non_null(strstr(ld.msg, "fmt chunk of 2 bytes"));
	assert_int_equal(atomic_load(&trk.ready), 0);
	assert_true(load_start(&ld, &trk, "/nonexistent/track.flac") < 0);
	assert_string_equal(ld.msg, "track.flac: No such file or directory");
	close(fd);
}

/* Shared real files through the loader: a 24-bit 96 kHz FLAC and a VBR MP3. */
static void real_flac_and_mp3(void **state)
{
	static const struct {
		const char *path;
		double seconds;
	} f[] = {
		{"../shared/testdata/flac/subset/28 - high resolution audio, default settings.flac",
		 838036 / 96000.0},
		{"../shared/testdata/mp3/real-music/rave_digger.mp3", 4181807 / 44100.0},
	};
	long first;
	(void)state;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (access(f[i].path, R_OK) < 0) {
			printf("skip: %s is absent\n", f[i].path);
			continue;
		}
		assert_int_equal(load_start(&ld, &trk, f[i].path), 0);
		run(&first);
		printf("%s: %.3f s at 48 kHz\n", ld.name, (double)trk.frames / ENGINE);
		assert_true(fabs((double)trk.frames / ENGINE - f[i].seconds) < 0.001);
		assert_string_equal(ld.msg, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(converts_44k1_cleanly),
		cmocka_unit_test(converts_96k_without_folding),
		cmocka_unit_test(same_rate_is_bit_exact),
		cmocka_unit_test(too_long_plays_what_fits),
		cmocka_unit_test(broken_file_is_named),
		cmocka_unit_test(real_flac_and_mp3),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
