/*
 * harness.h: what the decoder fuzz targets share: the input as a file (a
 * memfd, since decoders read file descriptors) decoded to its end with
 * every output sample checked to be a number.
 */
#ifndef SLIPMAT_FUZZ_HARNESS_H
#define SLIPMAT_FUZZ_HARNESS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fw/decode.h"

static void fuzz_decode(const uint8_t *data, size_t size)
{
	static struct decoder d;
	static float *out;
	int fd, n;

	if (!out) {
		void *storage = aligned_alloc(64, decode_storage());

		out = malloc(sizeof(float) * 2 * DECODE_BLOCK);
		if (!storage || !out || decode_init(&d, storage) < 0)
			abort();
	}
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	if (decode_open(&d, fd) == 0) {
		while ((n = decode_read(&d, out, DECODE_BLOCK)) > 0) {
			if (n > DECODE_BLOCK)
				abort();
			for (int i = 0; i < 2 * n; i++)
				if (!isfinite(out[i]))
					abort();
		}
		if (n < 0 && !d.err[0])
			abort(); /* every failure says why */
	} else if (!d.err[0]) {
		abort();
	}
	decode_close(&d);
	close(fd);
}

#endif
