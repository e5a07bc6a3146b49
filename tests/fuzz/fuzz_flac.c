/*
 * fuzz_flac: FLAC metadata, frame headers, subframes, residuals, the
 * predictors, and finding a first frame after junk.
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fLaC, or a stream starting at (or soon before) a frame: not MP3 (libmpg123's own). */
	if (size < 4 || (memcmp(data, "fLaC", 4) && !(data[0] == 0xff && (data[1] & 0xfe) == 0xf8)))
		return 0;
	fuzz_decode(data, size);
	return 0;
}
