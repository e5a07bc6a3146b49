/* fuzz_vorbis: FLAC Vorbis comment blocks (and RIFF INFO lists, as the same kind of key/value walk). */
#include <stdint.h>

#include "fw/decode_tags.h"
#include "tags_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tags t;

	memset(&t, 0, sizeof(t));
	tags_vorbis(data, size, &t);
	check_tags(&t);
	memset(&t, 0, sizeof(t));
	tags_riff_info(data, size, &t);
	check_tags(&t);
	return 0;
}
