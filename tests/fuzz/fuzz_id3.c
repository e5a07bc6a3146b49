/*
 * fuzz_id3: ID3v2.2/2.3/2.4 (sizes, unsynchronisation, extended headers,
 * text encodings) and ID3v1; the text must come out as valid UTF-8.
 */
#include <stdint.h>

#include "fw/decode_tags.h"
#include "tags_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tags t;

	memset(&t, 0, sizeof(t));
	tags_id3v2(data, size, &t);
	if (size >= 128)
		tags_id3v1(data + size - 128, 128, &t);
	check_tags(&t);
	return 0;
}
