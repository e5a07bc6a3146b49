/* tags_check.h: every text field the tag fuzz targets get back is valid, terminated UTF-8. */
#ifndef SLIPMAT_FUZZ_TAGS_CHECK_H
#define SLIPMAT_FUZZ_TAGS_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "fw/tags.h"

static void check_text(const char *s, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strnlen(s, cap), i = 0;

	if (len >= cap)
		abort();
	while (i < len) {
		int more = p[i] < 0x80 ? 0 : (p[i] & 0xe0) == 0xc0 ? 1 : (p[i] & 0xf0) == 0xe0 ? 2 : (p[i] & 0xf8) == 0xf0 ? 3 : -1;

		if (more < 0 || i + (size_t)more >= len)
			abort();
		for (int k = 1; k <= more; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
		i += (size_t)more + 1;
	}
}

static void check_tags(const struct tags *t)
{
	check_text(t->title, sizeof(t->title));
	check_text(t->artist, sizeof(t->artist));
	check_text(t->album, sizeof(t->album));
	check_text(t->comment, sizeof(t->comment));
	check_text(t->key, sizeof(t->key));
	if (!(t->bpm >= 0 && t->bpm < 1000))
		abort();
}

#endif
