/*
 * aiff.c: AIFF and AIFF-C chunks; the samples go through wav.c's reader.
 */
#include "aiff.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "decode.h"

int aiff_sniff(const unsigned char *p, long n)
{
	return n >= 12 && !memcmp(p, "FORM", 4) &&
	       (!memcmp(p + 8, "AIFF", 4) || !memcmp(p + 8, "AIFC", 4));
}

long aiff_extended(const unsigned char *p)
{
	int e = (int)(decode_be16(p) & 0x7fff) - 16383 - 63;
	uint64_t m = (uint64_t)decode_be32(p + 2) << 32 | decode_be32(p + 6);
	double v;

	if (p[0] & 0x80 || m == 0 || e > 0 || e < -63)
		return 0;
	v = ldexp((double)m, e);
	if (!(v >= 1.0 && v < 2147483648.0))
		return 0;
	return lround(v);
}

int aiff_open(struct decoder *d)
{
	struct decode_in *in = &d->in;
	struct decode_pcm *pcm = &d->u.aiff.pcm;
	int aifc = !memcmp(in->buf + 8, "AIFC", 4), have_comm = 0, bits = 0;
	long n;

	pcm->big = 1;
	in->pos = 12;
	for (;;) {
		const unsigned char *c;
		uint64_t size;

		n = decode_fill(in, 8);
		if (n < 0)
			return decode_fail(d, "read failed: %s", strerror((int)-n));
		if (n < 8)
			return decode_fail(d, have_comm ? "no SSND chunk" : "no COMM chunk");
		c = in->buf + in->pos;
		size = decode_be32(c + 4);
		in->pos += 8;
		if (!memcmp(c, "COMM", 4)) {
			if (size < (aifc ? 22u : 18u) || size > 1024)
				return decode_fail(d, "COMM chunk of %llu bytes", (unsigned long long)size);
			if (decode_fill(in, (size_t)size) < (long)size)
				return decode_fail(d, "the file ends inside its COMM chunk");
			c = in->buf + in->pos;
			d->info.channels = (int)decode_be16(c);
			d->info.frames = decode_be32(c + 2);
			bits = (int)decode_be16(c + 6);
			d->info.rate = (int)aiff_extended(c + 8);
			pcm->bytes = (bits + 7) / 8;
			if (aifc) {
				const unsigned char *t = c + 18;

				if (!memcmp(t, "sowt", 4))
					pcm->big = 0;
				else if (!memcmp(t, "fl32", 4) || !memcmp(t, "FL32", 4))
					pcm->fl = 1, pcm->bytes = 4;
				else if (!memcmp(t, "fl64", 4) || !memcmp(t, "FL64", 4))
					pcm->fl = 1, pcm->bytes = 8;
				else if (memcmp(t, "NONE", 4) && memcmp(t, "twos", 4))
					return decode_fail(d, "AIFF-C compression '%.4s' is not read",
							   (const char *)t);
			}
			have_comm = 1;
		} else if (!memcmp(c, "SSND", 4)) {
			uint32_t offset;

			if (!have_comm)
				return decode_fail(d, "SSND chunk before the COMM chunk");
			if (size < 8 || decode_fill(in, 8) < 8)
				return decode_fail(d, "SSND chunk too short");
			offset = decode_be32(in->buf + in->pos);
			if (offset > size - 8)
				return decode_fail(d, "SSND offset %u past its chunk", offset);
			in->pos += 8;
			if (decode_skip(in, offset) < 0)
				return decode_fail(d, "the file ends inside its SSND chunk");
			pcm->left = size - 8 - offset;
			break;
		}
		if (decode_skip(in, size + (size & 1)) < 0)
			return decode_fail(d, have_comm ? "no SSND chunk" : "no COMM chunk");
	}
	if (d->info.channels < 1 || d->info.channels > DECODE_MAX_CHANNELS)
		return decode_fail(d, "%d channels (1 to %d are read)", d->info.channels,
				   DECODE_MAX_CHANNELS);
	if (d->info.rate < 1000 || d->info.rate > 768000)
		return decode_fail(d, "sample rate %ld Hz", (long)d->info.rate);
	if (!pcm->fl && (bits < 1 || bits > 32))
		return decode_fail(d, "%d-bit samples", bits);
	/* What COMM says counts, unless the data is shorter. */
	{
		uint64_t frame = (uint64_t)pcm->bytes * (uint64_t)d->info.channels;
		uint64_t want = (uint64_t)d->info.frames * frame;

		if (want < pcm->left)
			pcm->left = want;
		d->info.frames = (long long)(pcm->left / frame);
	}
	d->info.bits = pcm->bytes * 8;
	return 0;
}

int aiff_read(struct decoder *d, float *out, int max)
{
	return decode_pcm_read(d, &d->u.aiff.pcm, out, max);
}
