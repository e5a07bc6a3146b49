/* fuzz_wav: RIFF/RF64 WAVE chunk walking and sample conversion. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4 || (memcmp(data, "RIFF", 4) && memcmp(data, "RF64", 4)))
		return 0; /* the other formats have their own targets */
	fuzz_decode(data, size);
	return 0;
}
