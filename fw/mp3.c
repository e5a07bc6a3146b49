/*
 * mp3.c: libmpg123 behind the decoder interface, reading the track's fd
 * through our own callbacks, float output.
 */
#include "mp3.h"

#include <errno.h>
#include <mpg123.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "decode.h"
#include "guard.h"
#include "log.h"

#define MP3_CHUNK 4608 /* frames decoded per mp3_read(): four MPEG frames */

static ssize_t mp3_io_read(void *h, void *buf, size_t n)
{
	struct decoder *d = h;
	ssize_t got;

	do
		got = read(d->in.fd, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

static off_t mp3_io_seek(void *h, off_t off, int whence)
{
	struct decoder *d = h;

	return lseek(d->in.fd, off, whence);
}

int mp3_init(struct decoder *d)
{
	struct mp3_dec *m = &d->mp3;
	const long *rates;
	size_t nrates, i;
	int err = MPG123_OK;
	mpg123_handle *mh;

#if MPG123_API_VERSION < 46
	mpg123_init();
#endif
	mh = mpg123_new(NULL, &err);
	if (!mh) {
		log_error("mp3: no decoder handle: %s", mpg123_plain_strerror(err));
		return -ENOMEM;
	}
	mpg123_param(mh, MPG123_ADD_FLAGS, MPG123_GAPLESS | MPG123_SKIP_ID3V2 | MPG123_QUIET, 0);
	mpg123_param(mh, MPG123_INDEX_SIZE, 0, 0);
	mpg123_param(mh, MPG123_RESYNC_LIMIT, 65536, 0);
	/* Always stereo out (mono doubled): a stream switching modes then never
	 * changes the output format, which would make libmpg123 reallocate. */
	mpg123_format_none(mh);
	mpg123_rates(&rates, &nrates);
	for (i = 0; i < nrates; i++)
		mpg123_format(mh, rates[i], MPG123_STEREO, MPG123_ENC_FLOAT_32);
	if (mpg123_replace_reader_handle(mh, mp3_io_read, mp3_io_seek, NULL) != MPG123_OK) {
		log_error("mp3: cannot set the reader: %s", mpg123_strerror(mh));
		mpg123_delete(mh);
		return -EINVAL;
	}
	m->mh = mh;
	return 0;
}

void mp3_clear(struct decoder *d)
{
	if (d->mp3.mh)
		mpg123_delete(d->mp3.mh);
	d->mp3.mh = NULL;
}

int mp3_sniff(const unsigned char *p, long n)
{
	if (n >= 10 && !memcmp(p, "ID3", 3))
		return 1;
	/* Frame sync, a known version and layer, a bitrate and rate that exist. */
	return n >= 4 && p[0] == 0xff && (p[1] & 0xe0) == 0xe0 && (p[1] & 0x18) != 0x08 &&
	       (p[1] & 0x06) != 0 && (p[2] >> 4) != 15 && ((p[2] >> 2) & 3) != 3;
}

static int next_frame(struct decoder *d);

/*
 * iTunes' gapless note (an ID3 comment named iTunSMPB: hex words, the
 * second the encoder delay, the third the padding, the fourth the length
 * in samples), for files without a LAME header. Only a Latin-1 or UTF-8
 * comment in the first 64 KiB is read. Return: 1 with *delay and *length.
 */
static int itunsmpb(int fd, long long *delay, long long *length)
{
	unsigned char buf[65536];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	unsigned long long w[4];
	unsigned char *p;
	int k;

	if (n < 16 || memcmp(buf, "ID3", 3))
		return 0;
	buf[n] = 0;
	p = memmem(buf, (size_t)n, "iTunSMPB", 9);
	if (!p)
		return 0;
	p += 9;
	for (k = 0; k < 4; k++) {
		char *end;

		while (*p == ' ')
			p++;
		w[k] = strtoull((const char *)p, &end, 16);
		if (end == (char *)p || end - (char *)p > 16)
			return 0;
		p = (unsigned char *)end;
	}
	if (w[3] == 0 || w[1] > 100000 || w[3] > (1ull << 40))
		return 0;
	*delay = (long long)w[1];
	*length = (long long)w[3];
	return 1;
}

int mp3_open(struct decoder *d)
{
	struct mp3_dec *m = &d->mp3;
	mpg123_handle *mh = m->mh;
	long rate = 0;
	int ch = 0, enc = 0, err;
	off_t len;

	if (!mh)
		return decode_fail(d, "no MP3 decoder (it failed at start-up)");
	if (lseek(d->in.fd, 0, SEEK_SET) < 0)
		return decode_fail(d, "cannot seek: %s", strerror(errno));
	/* libmpg123 sizes its buffers for the stream here: a counted window. */
	guard_window_begin("mp3 open");
	err = mpg123_open_handle(mh, d);
	if (err == MPG123_OK)
		err = mpg123_getformat(mh, &rate, &ch, &enc);
	if (err == MPG123_OK) {
		/* The first frame sets libmpg123's buffers up: inside the window too. */
		m->channels = ch;
		m->pending_frames = 0;
		if (next_frame(d) < 0)
			err = MPG123_ERR;
	}
	guard_window_end();
	if (err != MPG123_OK) {
		if (!d->err[0])
			decode_fail(d, "no playable MPEG audio frames in it (libmpg123: %s)",
				    mpg123_strerror(mh));
		mpg123_close(mh);
		return -EINVAL;
	}
	m->open = 1;
	d->info.rate = (int)rate;
	{
		struct mpg123_frameinfo fi;

		/* The stream's own channels (the output is always two). */
		d->info.channels = mpg123_info(mh, &fi) == MPG123_OK && fi.mode == MPG123_M_MONO ? 1 : 2;
	}
	d->info.bits = 32;
	len = mpg123_length(mh);
	d->info.frames = len > 0 ? (long long)len : -1;
	/* Without a LAME header libmpg123 trims nothing: iTunes' note then says what to. */
	m->skip = 0;
	m->left = -1;
	{
		long long delay, length;

		/* A length already trimmed (a LAME header) is left as it is. */
		if (itunsmpb(d->in.fd, &delay, &length) && len > 0 && length < (long long)len &&
		    delay + length <= (long long)len) {
			m->skip = delay;
			m->left = length;
			d->info.frames = length;
		}
	}
	return 0;
}

/*
 * Decode the next frame into m->pending.
 * Return: 1 with audio, 0 at the end, or -EINVAL with d->err.
 */
static int next_frame(struct decoder *d)
{
	struct mp3_dec *m = &d->mp3;
	int tries;

	for (tries = 0; tries < 64; tries++) {
		off_t num;
		unsigned char *audio = NULL;
		size_t bytes = 0;
		int err = mpg123_decode_frame(m->mh, &num, &audio, &bytes);

		if (err == MPG123_NEW_FORMAT) {
			long rate;
			int ch, enc;

			mpg123_getformat(m->mh, &rate, &ch, &enc);
			if (d->info.rate && rate != d->info.rate)
				return decode_fail(d, "the sample rate changes from %d to %ld Hz; "
						      "the track ends there",
						   d->info.rate, rate);
			m->channels = ch;
			continue;
		}
		if (err == MPG123_DONE)
			return 0;
		if (err != MPG123_OK)
			return decode_fail(d, "MP3 decoding stopped: %s", mpg123_strerror(m->mh));
		if (bytes >= sizeof(float) * (size_t)m->channels) {
			m->pending = (const float *)(const void *)audio;
			m->pending_frames = (int)(bytes / sizeof(float) / (size_t)m->channels);
			return 1;
		}
	}
	return decode_fail(d, "MP3 decoding stopped: no audio in 64 frames");
}

int mp3_read(struct decoder *d, float *out, int max)
{
	struct mp3_dec *m = &d->mp3;
	int done = 0;

	/* Whole MPEG frames (1152 samples at most) until max would overflow. */
	while (m->open && done + 1152 <= max && done < MP3_CHUNK) {
		int n = m->pending_frames, err;

		if (n) {
			const float *src = m->pending;

			if (m->skip > 0) { /* the encoder's delay, before the track */
				int k = m->skip < n ? (int)m->skip : n;

				m->skip -= k;
				src += k * m->channels;
				n -= k;
			}
			if (m->left >= 0 && n > m->left) /* the encoder's padding, after it */
				n = (int)m->left;
			if (m->left >= 0)
				m->left -= n;
			decode_mix_float(src, m->channels, n, out + 2 * done);
			done += n;
			m->pending_frames = 0;
			if (m->left == 0)
				m->open = 0;
		}
		err = next_frame(d);
		if (err <= 0) {
			m->open = 0;
			if (err < 0 && !done)
				return err;
		}
	}
	return done;
}

void mp3_close(struct decoder *d)
{
	/* libmpg123 frees the stream's buffers here: the other end of mp3_open()'s window. */
	guard_window_begin("mp3 close");
	if (d->mp3.mh)
		mpg123_close(d->mp3.mh);
	guard_window_end();
	d->mp3.open = 0;
}
