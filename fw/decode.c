/*
 * decode.c: the format switch, buffered input, and folding any channel
 * count to stereo float.
 */
#include "decode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALIGN64(n) (((n) + 63) & ~(size_t)63)

static size_t chan_bytes(void) { return ALIGN64(sizeof(int32_t) * DECODE_BLOCK); }

size_t decode_storage(void)
{
	return ALIGN64(DECODE_IN_SIZE + 16) + DECODE_MAX_CHANNELS * chan_bytes() +
	       ALIGN64(sizeof(float) * DECODE_BLOCK * DECODE_MAX_CHANNELS);
}

int decode_init(struct decoder *d, void *storage)
{
	unsigned char *p = storage;
	int i;

	memset(d, 0, sizeof(*d));
	d->in.fd = -1;
	d->in.buf = p;
	d->in.cap = DECODE_IN_SIZE;
	p += ALIGN64(DECODE_IN_SIZE + 16);
	for (i = 0; i < DECODE_MAX_CHANNELS; i++, p += chan_bytes())
		d->chan[i] = (int32_t *)(void *)p;
	d->scratch = (float *)(void *)p;
	return mp3_init(d);
}

void decode_clear(struct decoder *d)
{
	mp3_clear(d);
}

int decode_fail(struct decoder *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

long decode_fill(struct decode_in *in, size_t need)
{
	if (need > in->cap)
		need = in->cap;
	while (in->len - in->pos < need && !in->eof) {
		size_t want;
		ssize_t got;

		if (in->cap - in->pos < need || in->len == in->cap) {
			memmove(in->buf, in->buf + in->pos, in->len - in->pos);
			in->off += (long long)in->pos;
			in->len -= in->pos;
			in->pos = 0;
		}
		/* Reads of a bounded size: a slice of the loop must stay short. */
		want = in->cap - in->len;
		if (want > DECODE_READ && want > need)
			want = need > DECODE_READ ? need : DECODE_READ;
		got = read(in->fd, in->buf + in->len, want);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0)
			in->eof = 1;
		in->len += (size_t)got;
	}
	/* Zeros after the data: the FLAC bit reader may look (not use) 8 bytes ahead. */
	memset(in->buf + in->len, 0, 16);
	return (long)(in->len - in->pos);
}

int decode_skip(struct decode_in *in, unsigned long long n)
{
	while (n > 0) {
		size_t have = in->len - in->pos;
		long got;

		if (have >= n) {
			in->pos += (size_t)n;
			return 0;
		}
		n -= have;
		in->pos = in->len;
		if (in->eof)
			return -ENODATA;
		if (n > in->cap) { /* seek over long chunks rather than reading them */
			off_t to = lseek(in->fd, 0, SEEK_CUR);

			if (to >= 0 && lseek(in->fd, (off_t)(n - n % in->cap), SEEK_CUR) >= 0) {
				in->off += (long long)in->len + (long long)(n - n % in->cap);
				in->pos = in->len = 0;
				n %= in->cap;
				continue;
			}
		}
		got = decode_fill(in, 1);
		if (got < 0)
			return (int)got;
		if (got == 0)
			return -ENODATA;
	}
	return 0;
}

long long decode_tell(const struct decode_in *in)
{
	return in->off + (long long)in->pos;
}

int decode_open(struct decoder *d, int fd)
{
	long n;
	const unsigned char *p;
	struct stat st;

	decode_close(d);
	d->in.fd = fd;
	d->in.pos = d->in.len = 0;
	d->in.off = 0;
	d->in.eof = 0;
	d->in.size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
	d->err[0] = 0;
	memset(&d->info, 0, sizeof(d->info));
	memset(&d->u, 0, sizeof(d->u));
	n = decode_fill(&d->in, 64);
	if (n < 0) {
		snprintf(d->err, sizeof(d->err), "cannot read: %s", strerror((int)-n));
		return (int)n;
	}
	p = d->in.buf;
	if (n == 0)
		return decode_fail(d, "the file is empty");
	/* An ID3v2 tag in front of a FLAC stream (MP3 files are left to libmpg123). */
	if (n >= 10 && !memcmp(p, "ID3", 3) && !((p[6] | p[7] | p[8] | p[9]) & 0x80)) {
		unsigned long long size = 10 + ((unsigned long long)p[6] << 21 | p[7] << 14 |
						 p[8] << 7 | p[9]) + (p[5] & 0x10 ? 10 : 0);

		if (size < (unsigned long long)d->in.cap / 2 && decode_fill(&d->in, (size_t)size + 4) >=
								   (long)size + 4 &&
		    !memcmp(d->in.buf + size, "fLaC", 4)) {
			d->in.pos = (size_t)size;
			d->info.format = DECODE_FLAC;
			return flac_open(d);
		}
	}
	if (wav_sniff(p, n)) {
		d->info.format = DECODE_WAV;
		return wav_open(d);
	}
	if (aiff_sniff(p, n)) {
		d->info.format = DECODE_AIFF;
		return aiff_open(d);
	}
	if (flac_sniff(p, n)) {
		d->info.format = DECODE_FLAC;
		return flac_open(d);
	}
	if (mp3_sniff(p, n)) {
		d->info.format = DECODE_MP3;
		return mp3_open(d);
	}
	/*
	 * Junk in front: a FLAC capture that starts mid-frame (a frame proven
	 * by its CRC-16), or MPEG audio after some padding (libmpg123 finds
	 * its frames itself).
	 */
	n = decode_fill(&d->in, 65536);
	for (long i = 0; n > 0 && i + 16 < n; i++)
		if (d->in.buf[i] == 0xff && flac_probe(d->in.buf + i, n - i)) {
			d->info.format = DECODE_FLAC;
			return flac_open(d);
		}
	for (long i = 0; n > 0 && i + 16 < n; i++)
		if (d->in.buf[i] == 0xff && mp3_sniff(d->in.buf + i, n - i) &&
		    memcmp(d->in.buf + i, "ID3", 3)) {
			d->info.format = DECODE_MP3;
			return mp3_open(d);
		}
	return decode_fail(d, "not a WAV, AIFF, FLAC or MP3 file");
}

int decode_read(struct decoder *d, float *out, int max)
{
	switch (d->info.format) {
	case DECODE_WAV:
		return wav_read(d, out, max);
	case DECODE_AIFF:
		return aiff_read(d, out, max);
	case DECODE_FLAC:
		return flac_read(d, out, max);
	case DECODE_MP3:
		return mp3_read(d, out, max);
	default:
		return decode_fail(d, "no track open");
	}
}

void decode_close(struct decoder *d)
{
	if (d->info.format == DECODE_MP3)
		mp3_close(d);
	d->info.format = DECODE_NONE;
	d->in.fd = -1;
}

/*
 * Stereo weights per channel for the WAV/FLAC channel orders: front left
 * and right, centre, LFE, then back or side pairs (and a back centre in
 * 6.1).
 */
static void weights(int nch, float wl[DECODE_MAX_CHANNELS], float wr[DECODE_MAX_CHANNELS])
{
	static const signed char side[8][8] = {
		/* 'L' left, 'R' right, 'C' both at -3 dB, 'B' both at -6 dB, 0 none */
		{'C'},
		{'L', 'R'},
		{'L', 'R', 'C'},
		{'L', 'R', 'L', 'R'},
		{'L', 'R', 'C', 'L', 'R'},
		{'L', 'R', 'C', 0, 'L', 'R'},
		{'L', 'R', 'C', 0, 'B', 'L', 'R'},
		{'L', 'R', 'C', 0, 'L', 'R', 'L', 'R'},
	};
	const float h = 0.70710678f;
	float sl = 0, sr = 0;
	int i;

	for (i = 0; i < nch; i++) {
		switch (side[nch - 1][i]) {
		case 'L':
			wl[i] = nch == 2 ? 1.0f : (i < 2 ? 1.0f : h), wr[i] = 0;
			break;
		case 'R':
			wl[i] = 0, wr[i] = nch == 2 ? 1.0f : (i < 2 ? 1.0f : h);
			break;
		case 'C':
			wl[i] = wr[i] = nch == 1 ? 1.0f : h;
			break;
		case 'B':
			wl[i] = wr[i] = 0.5f;
			break;
		default:
			wl[i] = wr[i] = 0;
		}
		sl += wl[i];
		sr += wr[i];
	}
	for (i = 0; i < nch; i++) {
		wl[i] /= sl;
		wr[i] /= sr;
	}
}

void decode_mix_int(int32_t *const *ch, int nch, int bits, int n, float *out)
{
	float scale = 1.0f / (float)(1ull << (bits - 1));
	float wl[DECODE_MAX_CHANNELS], wr[DECODE_MAX_CHANNELS];
	int i, c;

	if (nch == 1) {
		for (i = 0; i < n; i++)
			out[2 * i] = out[2 * i + 1] = (float)ch[0][i] * scale;
		return;
	}
	if (nch == 2) {
		for (i = 0; i < n; i++) {
			out[2 * i] = (float)ch[0][i] * scale;
			out[2 * i + 1] = (float)ch[1][i] * scale;
		}
		return;
	}
	weights(nch, wl, wr);
	for (c = 0; c < nch; c++) {
		wl[c] *= scale;
		wr[c] *= scale;
	}
	for (i = 0; i < n; i++) {
		float l = 0, r = 0;

		for (c = 0; c < nch; c++) {
			l += (float)ch[c][i] * wl[c];
			r += (float)ch[c][i] * wr[c];
		}
		out[2 * i] = l;
		out[2 * i + 1] = r;
	}
}

void decode_mix_float(const float *in, int nch, int n, float *out)
{
	float wl[DECODE_MAX_CHANNELS], wr[DECODE_MAX_CHANNELS];
	int i, c;

	if (nch == 1) {
		for (i = 0; i < n; i++)
			out[2 * i] = out[2 * i + 1] = in[i];
		return;
	}
	if (nch == 2) {
		memmove(out, in, sizeof(float) * 2 * (size_t)n);
		return;
	}
	weights(nch, wl, wr);
	for (i = 0; i < n; i++) {
		float l = 0, r = 0;

		for (c = 0; c < nch; c++) {
			l += in[i * nch + c] * wl[c];
			r += in[i * nch + c] * wr[c];
		}
		out[2 * i] = l;
		out[2 * i + 1] = r;
	}
}
