/*
 * decode_util.h: what the decoder tests share: a decoder over static
 * storage, decoding a whole file, and finding ../shared/testdata.
 */
#ifndef SLIPMAT_TESTS_DECODE_UTIL_H
#define SLIPMAT_TESTS_DECODE_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fw/decode.h"

static struct decoder dec;
static float *dec_out; /* DECODE_BLOCK stereo frames */
static int dec_md5;    /* the last FLAC's flac_md5_ok() */

static inline int dec_setup(void)
{
	static void *storage;

	if (!storage) {
		storage = aligned_alloc(64, decode_storage());
		dec_out = malloc(sizeof(float) * 2 * DECODE_BLOCK);
		if (!storage || !dec_out || decode_init(&dec, storage) < 0)
			return -1;
	}
	return 0;
}

/* The shared test data folder, or NULL (said once) when there is none. */
static inline const char *testdata(const char *sub)
{
	static char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "../shared/testdata/%s", sub);
	if (stat(path, &st) < 0) {
		printf("skip: ../shared/testdata/%s is absent: its cases are skipped\n", sub);
		return NULL;
	}
	return path;
}

/*
 * Decode a whole file, calling fn (if any) with each block.
 * Return: 0 when it decoded to its end, or the error (err holds why);
 * *frames: frames decoded either way; *elapsed: seconds.
 */
typedef void dec_block_fn(const float *st, int n, void *ctx);
static inline int dec_file(const char *path, long long *frames, dec_block_fn *fn, void *ctx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err, n;

	*frames = 0;
	if (fd < 0)
		return -1;
	err = decode_open(&dec, fd);
	while (!err) {
		n = decode_read(&dec, dec_out, DECODE_BLOCK);
		if (n <= 0) {
			err = n;
			break;
		}
		if (fn)
			fn(dec_out, n, ctx);
		*frames += n;
	}
	dec_md5 = err == 0 && dec.info.format == DECODE_FLAC ? flac_md5_ok(&dec) : -1;
	decode_close(&dec);
	close(fd);
	return err;
}

#endif
