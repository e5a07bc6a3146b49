/* fuzz_aiff: AIFF/AIFF-C chunks, the 80-bit rate, compression types. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 || memcmp(data, "FORM", 4))
		return 0;
	fuzz_decode(data, size);
	return 0;
}
