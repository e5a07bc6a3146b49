/*
 * tags.c: for now only the file name: the title is the name without its
 * folder and extension; everything else is empty. Only the extensions of
 * the formats the decoders read count as tracks.
 */
#include "tags.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

static const char *const track_ext[] = { "wav", "wave", "aif", "aiff", "aifc", "flac", "mp3" };

int tags_read(int fd, const char *name, struct tags *out)
{
	const char *base = strrchr(name, '/'), *dot;
	size_t n;

	(void)fd;
	memset(out, 0, sizeof *out);
	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		return -EINVAL;
	for (size_t i = 0; i < sizeof track_ext / sizeof track_ext[0]; i++) {
		if (strcasecmp(dot + 1, track_ext[i]))
			continue;
		n = (size_t)(dot - base);
		if (n >= sizeof out->title)
			n = sizeof out->title - 1;
		memcpy(out->title, base, n);
		out->title[n] = '\0';
		return 0;
	}
	return -EINVAL;
}
