/*
 * test_decode: WAV and AIFF files made here in every sample format the box
 * reads decode to the samples they were made from; mono reaches both
 * sides and 5.1 folds to stereo; an RF64 file over 4 GiB (sparse) reports
 * its length and plays from the start; broken files are refused with a
 * sentence saying what is wrong, never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <sys/mman.h>

#include "decode_util.h"

#define N 3000 /* frames in each test file */

static unsigned char file[1 << 20];
static size_t flen;

static void put(const void *p, size_t n)
{
	memcpy(file + flen, p, n);
	flen += n;
}
static void le(uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		file[flen++] = (unsigned char)(v >> (8 * i));
}
static void be(uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		file[flen++] = (unsigned char)(v >> (8 * i));
}

/* The signal: channel c of frame i, in -1 .. 1, exact in 8 bits. */
static double sig(int i, int c)
{
	return ((i * 7 + c * 50) % 256 - 128) / 128.0;
}

/* One sample of the signal in the given form. */
static void sample(double v, int bytes, int fl, int big, int uns)
{
	uint64_t raw;

	if (fl == 1 && bytes == 4) {
		float f = (float)v;
		uint32_t u;

		memcpy(&u, &f, 4);
		raw = u;
	} else if (fl) {
		memcpy(&raw, &v, 8);
	} else {
		int64_t s = (int64_t)llround(v * (double)(1ll << (8 * bytes - 1)));

		if (s >= 1ll << (8 * bytes - 1))
			s = (1ll << (8 * bytes - 1)) - 1;
		raw = (uint64_t)s;
		if (uns)
			raw ^= 1ull << (8 * bytes - 1);
	}
	if (big)
		be(raw, bytes);
	else
		le(raw, bytes);
}

static void wav(int tag, int ch, int bytes, int extensible)
{
	int fl = tag == 3, i, c;

	flen = 0;
	put("RIFF", 4);
	le(0, 4); /* size: readers must not care */
	put("WAVEfmt ", 8);
	le(extensible ? 40 : 16, 4);
	le(extensible ? 0xfffe : (uint64_t)tag, 2);
	le((uint64_t)ch, 2);
	le(44100, 4);
	le((uint64_t)(44100 * ch * bytes), 4);
	le((uint64_t)(ch * bytes), 2);
	le((uint64_t)(8 * bytes), 2);
	if (extensible) {
		static const unsigned char tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
						       0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71};
		le(22, 2);
		le((uint64_t)(8 * bytes), 2);
		le(3, 4);
		le((uint64_t)tag, 2);
		put(tail, 14);
	}
	put("LIST", 4); /* a chunk to skip, of odd size */
	le(5, 4);
	put("INFOx\0", 6);
	put("data", 4);
	le((uint64_t)(N * ch * bytes), 4);
	for (i = 0; i < N; i++)
		for (c = 0; c < ch; c++)
			sample(sig(i, c), bytes, fl, 0, bytes == 1);
}

static void aiff(int ch, int bits, const char *comp)
{
	int bytes = (bits + 7) / 8, fl = comp && comp[0] == 'f', big = !comp || strcmp(comp, "sowt");
	int i, c;

	if (fl)
		bytes = comp[2] == '3' ? 4 : 8;
	flen = 0;
	put("FORM", 4);
	be(0, 4);
	put(comp ? "AIFC" : "AIFF", 4);
	put("COMM", 4);
	be(comp ? 24 : 18, 4);
	be((uint64_t)ch, 2);
	be(N, 4);
	be((uint64_t)bits, 2);
	/* 44100 as an 80-bit extended: 2^15 * 1.3458... */
	be(0x400e, 2);
	be(0xac44000000000000ull, 8);
	if (comp) {
		put(comp, 4);
		be(0, 2); /* empty pascal string, padded */
	}
	put("SSND", 4);
	be((uint64_t)(8 + N * ch * bytes), 4);
	be(0, 4);
	be(0, 4);
	for (i = 0; i < N; i++)
		for (c = 0; c < ch; c++)
			sample(sig(i, c), bytes, fl, big, 0);
}

/* Decode file[0 .. flen) from a memfd. Return: the open/read error or 0. */
static int decode_mem(long long *frames, float *all)
{
	int fd = memfd_create("track", 0), err, n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, file, flen), (ssize_t)flen);
	lseek(fd, 0, SEEK_SET);
	*frames = 0;
	err = decode_open(&dec, fd);
	while (!err && (n = decode_read(&dec, dec_out, DECODE_BLOCK)) > 0) {
		if (all)
			memcpy(all + 2 * *frames, dec_out, sizeof(float) * 2 * (size_t)n);
		*frames += n;
	}
	if (!err && n < 0)
		err = n;
	close(fd);
	return err;
}

static float got[2 * N];

static void check_stereo(double tol)
{
	long long frames;

	assert_int_equal(decode_mem(&frames, got), 0);
	assert_int_equal(frames, N);
	assert_int_equal(dec.info.rate, 44100);
	for (int i = 0; i < N; i++) {
		assert_true(fabs(got[2 * i] - sig(i, 0)) <= tol);
		assert_true(fabs(got[2 * i + 1] - sig(i, 1)) <= tol);
	}
}

static void wav_every_sample_format(void **state)
{
	(void)state;
	wav(1, 2, 1, 0);
	check_stereo(1.0 / 128);
	wav(1, 2, 2, 0);
	check_stereo(0);
	wav(1, 2, 3, 0);
	check_stereo(0);
	wav(1, 2, 4, 0);
	check_stereo(0);
	wav(3, 2, 4, 0);
	check_stereo(0);
	wav(3, 2, 8, 0);
	check_stereo(0);
	wav(1, 2, 3, 1); /* WAVE_FORMAT_EXTENSIBLE */
	check_stereo(0);
	wav(3, 2, 4, 1);
	check_stereo(0);
}

static void aiff_every_sample_format(void **state)
{
	(void)state;
	aiff(2, 16, NULL);
	check_stereo(0);
	aiff(2, 24, NULL);
	check_stereo(0);
	aiff(2, 8, NULL);
	check_stereo(0);
	aiff(2, 16, "NONE");
	check_stereo(0);
	aiff(2, 16, "sowt");
	check_stereo(0);
	aiff(2, 32, "fl32");
	check_stereo(0);
	aiff(2, 64, "fl64");
	check_stereo(0);
}

static void mono_and_surround_fold_to_stereo(void **state)
{
	long long frames;
	(void)state;

	wav(1, 1, 2, 0);
	assert_int_equal(decode_mem(&frames, got), 0);
	for (int i = 0; i < N; i++) {
		assert_true(got[2 * i] == (float)sig(i, 0));
		assert_true(got[2 * i + 1] == (float)sig(i, 0));
	}
	/* 5.1: front left alone reaches the left side only, attenuated to keep headroom. */
	flen = 0;
	wav(1, 6, 2, 0);
	assert_int_equal(decode_mem(&frames, got), 0);
	assert_int_equal(dec.info.channels, 6);
	for (int i = 0; i < N; i++) {
		double l = sig(i, 0) + 0.70710678 * sig(i, 2) + 0.70710678 * sig(i, 4);
		double r = sig(i, 1) + 0.70710678 * sig(i, 2) + 0.70710678 * sig(i, 5);
		double norm = 1 + 2 * 0.70710678;

		assert_true(fabs(got[2 * i] - l / norm) < 1e-5);
		assert_true(fabs(got[2 * i + 1] - r / norm) < 1e-5);
	}
}

static void rf64_over_4gib(void **state)
{
	unsigned long long data = 5ull << 30, frames_want = data / 4;
	int fd = memfd_create("rf64", 0), n;
	(void)state;

	assert_true(fd >= 0);
	flen = 0;
	put("RF64", 4);
	le(0xffffffff, 4);
	put("WAVEds64", 8);
	le(28, 4);
	le(data + 72, 8);
	le(data, 8);
	le(frames_want, 8);
	le(0, 4);
	put("fmt ", 4);
	le(16, 4);
	le(1, 2);
	le(2, 2);
	le(48000, 4);
	le(48000 * 4, 4);
	le(4, 2);
	le(16, 2);
	put("data", 4);
	le(0xffffffff, 4);
	for (int i = 0; i < 100; i++) {
		sample(sig(i, 0), 2, 0, 0, 0);
		sample(sig(i, 1), 2, 0, 0, 0);
	}
	assert_int_equal(write(fd, file, flen), (ssize_t)flen);
	assert_int_equal(ftruncate(fd, (off_t)(flen - 400 + data)), 0); /* sparse */
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(decode_open(&dec, fd), 0);
	assert_true(dec.info.frames == (long long)frames_want);
	n = decode_read(&dec, dec_out, DECODE_BLOCK);
	assert_true(n > 100);
	for (int i = 0; i < 100; i++)
		assert_true(dec_out[2 * i + 1] == (float)sig(i, 1));
	decode_close(&dec);
	close(fd);
}

static void broken_files_get_a_reason(void **state)
{
	long long frames;
	size_t full, cut;
	(void)state;

	wav(1, 2, 2, 0);
	full = flen;
	/* Cut anywhere in the header: refused with a reason, or (inside the
	 * samples) the frames that are there. */
	for (cut = 0; cut < 120; cut++) {
		int err;

		flen = cut;
		err = decode_mem(&frames, NULL);
		if (err)
			assert_true(strlen(dec.err) > 8);
		else
			assert_true(frames <= (long long)(cut / 4));
	}
	flen = full;
	file[20] = 0x55; /* an unknown WAV format tag */
	assert_int_not_equal(decode_mem(&frames, NULL), 0);
	assert_non_null(strstr(dec.err, "not PCM"));
	wav(1, 2, 2, 0);
	file[22] = 0; /* no channels */
	assert_int_not_equal(decode_mem(&frames, NULL), 0);
	assert_non_null(strstr(dec.err, "channels"));
	aiff(2, 16, "ulaw");
	assert_int_not_equal(decode_mem(&frames, NULL), 0);
	assert_non_null(strstr(dec.err, "ulaw"));
	flen = 0;
	put("this is a text file, not a track\n", 33);
	assert_int_not_equal(decode_mem(&frames, NULL), 0);
	assert_non_null(strstr(dec.err, "not a WAV"));
	/* A data size past the end of the file: the frames that are there. */
	wav(1, 2, 2, 0);
	file[flen - 4 * N - 4] = 0xff;
	file[flen - 4 * N - 3] = 0xff;
	file[flen - 4 * N - 2] = 0xff;
	file[flen - 4 * N - 1] = 0xff;
	assert_int_equal(decode_mem(&frames, NULL), 0);
	assert_int_equal(frames, N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wav_every_sample_format),
		cmocka_unit_test(aiff_every_sample_format),
		cmocka_unit_test(mono_and_surround_fold_to_stereo),
		cmocka_unit_test(rf64_over_4gib),
		cmocka_unit_test(broken_files_get_a_reason),
	};

	if (dec_setup() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
