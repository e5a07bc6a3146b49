/*
 * fuzz_store: the library store's record parser on arbitrary bytes: it
 * must refuse (with a reason) or accept, never read outside the input,
 * and what it accepts must encode back to the same bytes (an older
 * version's record: to today's, which decodes to the same record).
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
	if (n < 0)
		abort();
	if (data[8] == STORE_VERSION) {
		if ((size_t)n != size || memcmp(again, data, size))
			abort();
	} else {
		/* an older version's record is written as today's: the same record */
		static struct store_record back;

		if (store_decode(again, (size_t)n, &back, why, sizeof why) != 0 ||
		    memcmp(&back, &r, sizeof r))
			abort();
	}
	return 0;
}
