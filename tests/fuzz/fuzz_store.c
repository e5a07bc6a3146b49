/*
 * fuzz_store: the library store's record parser on arbitrary bytes: it
 * must refuse (with a reason) or accept, never read outside the input,
 * and what it accepts must encode back to the same bytes.
 * Guarded against: a payload length that wraps when added to the
 * header, a path or waveform length past the end, NaN positions, masks
 * beyond the arrays.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fw/log.h"
#include "../../fw/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parser never logs (store_load() does); a quiet log keeps the target
 * free of fw/guard.c, whose malloc interposition a sanitizer runtime owns. */
void log_msg(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct store_record r;
	static uint8_t again[STORE_FILE_MAX];
	char why[STORE_WHY_MAX];

	if (store_decode(data, size, &r, why, sizeof why) != 0) {
		if (!why[0])
			abort(); /* a refusal always says why */
		return 0;
	}
	int n = store_encode(&r, again, sizeof again);
	if (n < 0 || (size_t)n != size || memcmp(again, data, size))
		abort();
	return 0;
}
