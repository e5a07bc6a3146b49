/*
 * wav.c: RIFF/RF64 WAVE chunks and the uncompressed sample reader that
 * AIFF shares.
 */
#include "wav.h"

#include <errno.h>
#include <string.h>

#include "decode.h"

int wav_sniff(const unsigned char *p, long n)
{
	return n >= 12 && (!memcmp(p, "RIFF", 4) || !memcmp(p, "RF64", 4)) &&
	       !memcmp(p + 8, "WAVE", 4);
}

static uint64_t le64(const unsigned char *p)
{
	return decode_le32(p) | (uint64_t)decode_le32(p + 4) << 32;
}

/* The extensible sub-format GUID's tail, shared by PCM and float. */
static const unsigned char guid_tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
					    0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71};

int wav_open(struct decoder *d)
{
	struct decode_in *in = &d->in;
	struct decode_pcm *pcm = &d->u.wav.pcm;
	int rf64 = !memcmp(in->buf, "RF64", 4), have_fmt = 0, tag = 0, bits = 0, align = 0;
	uint64_t ds64_data = 0;
	long n;

	in->pos = 12;
	for (;;) {
		const unsigned char *c;
		uint64_t size;

		n = decode_fill(in, 8);
		if (n < 0)
			return decode_fail(d, "read failed: %s", strerror((int)-n));
		if (n < 8)
			return decode_fail(d, have_fmt ? "no data chunk" : "no fmt chunk");
		c = in->buf + in->pos;
		size = decode_le32(c + 4);
		in->pos += 8;
		if (!memcmp(c, "data", 4)) {
			if (!have_fmt)
				return decode_fail(d, "data chunk before the fmt chunk");
			if (rf64 && size == 0xffffffffu)
				size = ds64_data;
			/* A size past the end of the file: a recording cut short. */
			if (in->size >= 0 && size > (uint64_t)(in->size - decode_tell(in)))
				size = (uint64_t)(in->size - decode_tell(in));
			pcm->left = size - size % (uint64_t)(align > 0 ? align : 1);
			break;
		}
		if (!memcmp(c, "fmt ", 4) || !memcmp(c, "ds64", 4)) {
			int fmt = c[0] == 'f';

			if (size < (fmt ? 16u : 28u) || size > 4096)
				return decode_fail(d, "%s chunk of %llu bytes", fmt ? "fmt" : "ds64",
						   (unsigned long long)size);
			n = decode_fill(in, (size_t)size);
			if (n < (long)size)
				return decode_fail(d, "the file ends inside its %s chunk",
						   fmt ? "fmt" : "ds64");
			c = in->buf + in->pos;
			if (!fmt) {
				ds64_data = le64(c + 8);
			} else {
				tag = (int)decode_le16(c);
				d->info.channels = (int)decode_le16(c + 2);
				d->info.rate = (int)(decode_le32(c + 4) & 0x7fffffff);
				align = (int)decode_le16(c + 12);
				bits = (int)decode_le16(c + 14);
				if (tag == 0xfffe) {
					if (size < 40 || memcmp(c + 26, guid_tail, 14))
						return decode_fail(d, "WAVE_FORMAT_EXTENSIBLE with an unknown sub-format");
					tag = (int)decode_le16(c + 24);
				}
				have_fmt = 1;
			}
		}
		/* Chunks are padded to even sizes; 64-bit arithmetic cannot wrap here. */
		if (decode_skip(in, size + (size & 1)) < 0)
			return decode_fail(d, have_fmt ? "no data chunk" : "no fmt chunk");
	}
	if (tag != 1 && tag != 3)
		return decode_fail(d, "WAV format %#x is not PCM or float", tag);
	if (d->info.channels < 1 || d->info.channels > DECODE_MAX_CHANNELS)
		return decode_fail(d, "%d channels (1 to %d are read)", d->info.channels,
				   DECODE_MAX_CHANNELS);
	if (d->info.rate < 1000 || d->info.rate > 768000)
		return decode_fail(d, "sample rate %d Hz", d->info.rate);
	pcm->fl = tag == 3;
	pcm->bytes = (bits + 7) / 8;
	if (pcm->fl ? bits != 32 && bits != 64 : bits < 8 || bits > 32)
		return decode_fail(d, "%d-bit %s samples", bits, pcm->fl ? "float" : "PCM");
	/* The container size counts: 24 valid bits in 32 read as 32. */
	if (align / d->info.channels > pcm->bytes && align % d->info.channels == 0 && !pcm->fl)
		pcm->bytes = align / d->info.channels;
	if (align != pcm->bytes * d->info.channels || pcm->bytes > 4 + 4 * pcm->fl)
		return decode_fail(d, "block align %d for %d channels of %d bits", align,
				   d->info.channels, bits);
	pcm->uns = pcm->bytes == 1;
	pcm->big = 0;
	d->info.bits = pcm->bytes * 8;
	d->info.frames = (long long)(pcm->left / (uint64_t)align);
	return 0;
}

int wav_read(struct decoder *d, float *out, int max)
{
	return decode_pcm_read(d, &d->u.wav.pcm, out, max);
}

/*
 * Float files: NaN and infinities become silence and anything beyond
 * +-WAV_FLOAT_MAX (+12 dBFS) is held there, so a broken file cannot push
 * non-numbers or absurd levels into the mixer.
 */
#define WAV_FLOAT_MAX 4.0

static float clean(double f)
{
	if (!(f == f) || f > 1e300 || f < -1e300)
		return 0.0f;
	return (float)(f > WAV_FLOAT_MAX ? WAV_FLOAT_MAX : f < -WAV_FLOAT_MAX ? -WAV_FLOAT_MAX : f);
}

static float sample(const unsigned char *p, const struct decode_pcm *pcm)
{
	unsigned char b[8];
	int i, n = pcm->bytes;
	uint32_t v = 0;

	if (pcm->big)
		for (i = 0; i < n; i++)
			b[i] = p[n - 1 - i];
	else
		memcpy(b, p, (size_t)n);
	if (pcm->fl) {
		if (n == 4) {
			float f;

			v = decode_le32(b);
			memcpy(&f, &v, 4);
			return clean(f);
		} else {
			uint64_t w = decode_le32(b) | (uint64_t)decode_le32(b + 4) << 32;
			double f;

			memcpy(&f, &w, 8);
			return clean(f);
		}
	}
	for (i = 0; i < n; i++)
		v |= (uint32_t)b[i] << (8 * (4 - n + i));
	if (pcm->uns)
		v ^= 0x80000000u;
	return (float)(int32_t)v * (1.0f / 2147483648.0f);
}

int decode_pcm_read(struct decoder *d, struct decode_pcm *pcm, float *out, int max)
{
	int nch = d->info.channels, frame = pcm->bytes * nch, frames, i;
	const unsigned char *p;
	float *f = d->scratch;
	long n;

	if (pcm->left < (uint64_t)frame)
		return 0;
	n = decode_fill(&d->in, 65536);
	if (n < 0)
		return decode_fail(d, "read failed: %s", strerror((int)-n)), (int)n;
	if ((uint64_t)n > pcm->left)
		n = (long)pcm->left;
	frames = (int)(n / frame);
	if (frames > max)
		frames = max;
	if (frames > DECODE_BLOCK)
		frames = DECODE_BLOCK;
	if (frames == 0) {
		pcm->left = 0; /* cut short: the end of the file */
		return 0;
	}
	p = d->in.buf + d->in.pos;
	if (!pcm->fl && !pcm->big && pcm->bytes == 2) { /* the common case, fast */
		for (i = 0; i < frames * nch; i++)
			f[i] = (float)(int16_t)decode_le16(p + 2 * i) * (1.0f / 32768.0f);
	} else {
		for (i = 0; i < frames * nch; i++)
			f[i] = sample(p + i * pcm->bytes, pcm);
	}
	d->in.pos += (size_t)(frames * frame);
	pcm->left -= (uint64_t)(frames * frame);
	decode_mix_float(f, nch, frames, out);
	return frames;
}
