/*
 * png.c: one IDAT chunk per deflate stored block.
 *
 * The zlib stream (header, stored blocks, Adler-32 trailer) is cut so that
 * each IDAT chunk carries exactly one stored block of up to 65535 bytes of
 * the filtered image (a 0 filter byte, then R G B per pixel, per row); the
 * first chunk also carries the zlib header and the last the Adler-32. A
 * chunk is assembled whole in the static buffer, its CRC taken, and
 * written with one write() (looped for short writes).
 */
#include "png.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../fw/log.h"

#define STORED_MAX 65535
/* length, type, zlib header, block header, payload, Adler-32, CRC */
#define CHUNK_MAX (4 + 4 + 2 + 5 + STORED_MAX + 4 + 4)

static uint8_t chunk[CHUNK_MAX];
static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
	crc_ready = 1;
}

uint32_t png_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_ready)
		crc_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t png_adler32(uint32_t adler, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t a = adler & 0xffff, b = adler >> 16;

	while (len > 0) {
		/* 5552 bytes is the most that cannot overflow b before the modulo. */
		size_t n = len < 5552 ? len : 5552;

		len -= n;
		while (n--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int write_all(int fd, const char *name, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int err = w < 0 ? errno : EIO;

			log_error("png: writing %s: %s", name, strerror(err));
			return -err;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Chunk data is already at chunk + 8; add length, type and CRC, and write. */
static int chunk_write(int fd, const char *name, const char *type, size_t len)
{
	put_be32(chunk, (uint32_t)len);
	memcpy(chunk + 4, type, 4);
	put_be32(chunk + 8 + len, png_crc32(0, chunk + 4, len + 4));
	return write_all(fd, name, chunk, len + 12);
}

/* Where the filtered image stream stands: row y, byte i within the row. */
struct scan {
	const uint32_t *px;
	int w, stride;
	int y;
	size_t i;
};

/* Produce the next n bytes of the filtered image into out. */
static void scan_fill(struct scan *sc, uint8_t *out, size_t n)
{
	size_t row_len = 1 + 3 * (size_t)sc->w;

	while (n > 0) {
		const uint32_t *row = sc->px + (size_t)sc->y * (size_t)sc->stride;

		if (sc->i == 0) {
			*out++ = 0; /* filter type None */
			n--;
			sc->i = 1;
			continue;
		}
		/* Whole pixels while they fit, then the odd bytes of a split one. */
		while (n > 0 && sc->i < row_len) {
			uint32_t p = row[(sc->i - 1) / 3];
			int k = (int)((sc->i - 1) % 3);

			if (k == 0 && n >= 3) {
				out[0] = (uint8_t)(p >> 16);
				out[1] = (uint8_t)(p >> 8);
				out[2] = (uint8_t)p;
				out += 3;
				n -= 3;
				sc->i += 3;
			} else {
				*out++ = (uint8_t)(p >> (16 - 8 * k));
				n--;
				sc->i++;
			}
		}
		if (sc->i == row_len) {
			sc->y++;
			sc->i = 0;
		}
	}
}

int png_write_xrgb_fd(int fd, const char *name, const uint32_t *px, int w, int h, int stride)
{
	static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	struct scan sc = {.px = px, .w = w, .stride = stride};
	size_t total, done = 0;
	uint32_t adler = 1;
	int err;

	if (!px || w <= 0 || h <= 0 || stride < w || w > (1 << 24) || h > (1 << 24)) {
		log_error("png: %s: no image to write (%dx%d)", name, w, h);
		return -EINVAL;
	}
	total = (size_t)h * (1 + 3 * (size_t)w);

	err = write_all(fd, name, signature, sizeof signature);
	if (err)
		return err;

	put_be32(chunk + 8, (uint32_t)w);
	put_be32(chunk + 12, (uint32_t)h);
	chunk[16] = 8; /* bits per sample */
	chunk[17] = 2; /* colour type: RGB */
	chunk[18] = 0; /* deflate */
	chunk[19] = 0; /* adaptive filtering (every row uses None) */
	chunk[20] = 0; /* no interlace */
	err = chunk_write(fd, name, "IHDR", 13);
	if (err)
		return err;

	while (done < total) {
		size_t n = total - done < STORED_MAX ? total - done : STORED_MAX;
		int last = done + n == total;
		uint8_t *d = chunk + 8;

		if (done == 0) {
			/* CM 8 (deflate), 32K window; FCHECK makes it a multiple of 31. */
			*d++ = 0x78;
			*d++ = 0x01;
		}
		*d++ = (uint8_t)last; /* BFINAL, BTYPE 00 (stored), padded to a byte */
		*d++ = (uint8_t)n;
		*d++ = (uint8_t)(n >> 8);
		*d++ = (uint8_t)~n;
		*d++ = (uint8_t)(~n >> 8);
		scan_fill(&sc, d, n);
		adler = png_adler32(adler, d, n);
		d += n;
		if (last) {
			put_be32(d, adler);
			d += 4;
		}
		done += n;
		err = chunk_write(fd, name, "IDAT", (size_t)(d - (chunk + 8)));
		if (err)
			return err;
	}
	return chunk_write(fd, name, "IEND", 0);
}

int png_write_xrgb(const char *path, const uint32_t *px, int w, int h, int stride)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		log_error("png: cannot create %s: %s", path, strerror(err));
		return -err;
	}
	err = png_write_xrgb_fd(fd, path, px, w, h, stride);
	if (close(fd) < 0 && !err) {
		err = -errno;
		log_error("png: closing %s: %s", path, strerror(-err));
	}
	return err;
}
