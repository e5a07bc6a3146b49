/*
 * decode_bench: decode track files to the end with slipmat's decoders
 * (fw/decode.h) and throw the samples away, as `flac -d` and `mpg123 -w`
 * do when the decode bench times them side by side. FLAC files have their
 * STREAMINFO MD5 checked, as `flac -d` does.
 *
 *   decode_bench FILE...   prints "FILE SECONDS_OF_AUDIO OK|error" per file
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fw/decode.h"

int main(int argc, char **argv)
{
	static struct decoder d;
	void *storage = aligned_alloc(64, decode_storage());
	float *out = malloc(sizeof(float) * 2 * DECODE_BLOCK);
	int i, status = 0;

	if (!storage || !out || decode_init(&d, storage) < 0)
		return 1;
	for (i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY), err, n = 0;
		long long frames = 0;

		if (fd < 0) {
			perror(argv[i]);
			return 1;
		}
		err = decode_open(&d, fd);
		while (!err && (n = decode_read(&d, out, DECODE_BLOCK)) > 0)
			frames += n;
		if (!err && n < 0)
			err = n;
		if (!err && d.info.format == DECODE_FLAC && flac_md5_ok(&d) == 0)
			err = decode_fail(&d, "MD5 mismatch");
		printf("%s %.3f %s\n", argv[i], d.info.rate ? (double)frames / d.info.rate : 0.0,
		       err ? d.err : "OK");
		status |= err != 0;
		decode_close(&d);
		close(fd);
	}
	return status;
}
