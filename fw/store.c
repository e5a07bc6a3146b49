/*
 * store.c: the per-track record files. See store.h.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deck.h"
#include "log.h"

/* A record holds every hot cue a deck has. */
_Static_assert(STORE_HOTCUES == DECK_HOTCUES, "store and deck disagree on hot cues");

static const char magic[8] = { 'S', 'L', 'M', 'T', 'R', 'A', 'C', 'K' };
#define HEADER 16 /* magic, version, payload length */

uint32_t store_crc32(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	static int ready;
	uint32_t c = 0xffffffffu;

	if (!ready) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t k = i;
			for (int j = 0; j < 8; j++)
				k = k & 1 ? 0xedb88320u ^ (k >> 1) : k >> 1;
			table[i] = k;
		}
		ready = 1;
	}
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* A little-endian writer and reader that never step outside their buffer. */
struct cursor {
	uint8_t *w;	  /* writer */
	const uint8_t *r; /* reader */
	size_t pos, size;
	int bad;
};

static void put(struct cursor *c, const void *p, size_t n)
{
	if (c->bad || n > c->size - c->pos) {
		c->bad = 1;
		return;
	}
	memcpy(c->w + c->pos, p, n);
	c->pos += n;
}

static void put_u(struct cursor *c, uint64_t v, int bytes)
{
	uint8_t b[8];
	for (int i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(c, b, (size_t)bytes);
}

static void put_f64(struct cursor *c, double d)
{
	uint64_t v;
	memcpy(&v, &d, 8);
	put_u(c, v, 8);
}

static void put_f32(struct cursor *c, float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	put_u(c, v, 4);
}

static void get(struct cursor *c, void *p, size_t n)
{
	if (c->bad || n > c->size - c->pos) {
		c->bad = 1;
		memset(p, 0, n);
		return;
	}
	memcpy(p, c->r + c->pos, n);
	c->pos += n;
}

static uint64_t get_u(struct cursor *c, int bytes)
{
	uint8_t b[8];
	uint64_t v = 0;
	get(c, b, (size_t)bytes);
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static double get_f64(struct cursor *c)
{
	uint64_t v = get_u(c, 8);
	double d;
	memcpy(&d, &v, 8);
	return d;
}

static float get_f32(struct cursor *c)
{
	uint32_t v = (uint32_t)get_u(c, 4);
	float f;
	memcpy(&f, &v, 4);
	return f;
}

/* Every number a record holds is finite: a NaN cue would send a deck nowhere. */
static int finite_record(const struct store_record *r)
{
	int ok = isfinite(r->cue) && isfinite(r->grid.bpm) && isfinite(r->grid.first_beat) &&
		 isfinite(r->bpm) && isfinite(r->loudness) && isfinite(r->duration) &&
		 isfinite(r->wave_rate);
	for (int i = 0; i < STORE_HOTCUES; i++)
		ok = ok && isfinite(r->hotcue[i]);
	for (int i = 0; i < STORE_LOOPS; i++)
		ok = ok && isfinite(r->loop[i].in) && isfinite(r->loop[i].out);
	return ok;
}

int store_encode(const struct store_record *r, uint8_t *buf, size_t size)
{
	struct cursor c = { .w = buf, .size = size };
	size_t plen = strnlen(r->path, STORE_PATH_MAX);
	uint32_t crc;

	if (plen == 0 || plen >= STORE_PATH_MAX || r->wave_len > STORE_WAVE_MAX ||
	    r->rating > 5 || r->colour > 0xffffff || !finite_record(r))
		return -EINVAL;
	put(&c, magic, sizeof magic);
	put_u(&c, STORE_VERSION, 4);
	put_u(&c, 0, 4); /* payload length, below */
	put_u(&c, plen, 2);
	put(&c, r->path, plen);
	put_u(&c, r->track_size, 8);
	put_f64(&c, r->cue);
	put_u(&c, r->hotcues, 4);
	for (int i = 0; i < STORE_HOTCUES; i++)
		put_f64(&c, r->hotcue[i]);
	put_u(&c, r->loops, 4);
	for (int i = 0; i < STORE_LOOPS; i++) {
		put_f64(&c, r->loop[i].in);
		put_f64(&c, r->loop[i].out);
	}
	put_f64(&c, r->grid.bpm);
	put_f64(&c, r->grid.first_beat);
	put_u(&c, r->grid.beats_per_bar, 4);
	put_u(&c, r->grid.valid, 4);
	put_f32(&c, r->bpm);
	put(&c, r->key, sizeof r->key);
	put_f32(&c, r->loudness);
	put_f64(&c, r->duration);
	put_u(&c, r->rating, 4);
	put_u(&c, r->colour, 4);
	put_u(&c, r->analysis, 4);
	put_f32(&c, r->wave_rate);
	put_u(&c, r->wave_len, 4);
	put(&c, r->wave, r->wave_len);
	if (c.bad || c.size - c.pos < 4)
		return -EINVAL;
	size_t payload = c.pos - HEADER;
	for (int i = 0; i < 4; i++)
		buf[12 + i] = (uint8_t)(payload >> (8 * i));
	crc = store_crc32(buf, c.pos);
	put_u(&c, crc, 4);
	return (int)c.pos;
}

static int refuse(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

int store_decode(const uint8_t *buf, size_t len, struct store_record *r, char *why,
		 size_t whylen)
{
	struct cursor c = { .r = buf, .size = len };
	uint32_t version, payload, crc;
	size_t plen;

	memset(r, 0, sizeof *r);
	if (len < sizeof magic || memcmp(buf, magic, sizeof magic))
		return refuse(why, whylen, "not a slipmat track record (no SLMTRACK magic)");
	if (len < HEADER + 4)
		return refuse(why, whylen, "cut short: %zu bytes", len);
	c.pos = sizeof magic;
	version = (uint32_t)get_u(&c, 4);
	payload = (uint32_t)get_u(&c, 4);
	if (version < 1 || version > STORE_VERSION)
		return refuse(why, whylen, "version %u, this slipmat reads versions 1 to %d",
			      version, STORE_VERSION);
	/* Compared without adding to payload, which could wrap. */
	if (payload > len - HEADER - 4 || len - HEADER - 4 != payload)
		return refuse(why, whylen, "%zu bytes where the header says %u + %d", len,
			      payload, HEADER + 4);
	crc = (uint32_t)buf[len - 4] | (uint32_t)buf[len - 3] << 8 |
	      (uint32_t)buf[len - 2] << 16 | (uint32_t)buf[len - 1] << 24;
	if (crc != store_crc32(buf, len - 4))
		return refuse(why, whylen, "checksum mismatch (damaged)");
	c.size = len - 4;
	plen = (size_t)get_u(&c, 2);
	if (plen == 0 || plen >= STORE_PATH_MAX)
		return refuse(why, whylen, "track path of %zu bytes", plen);
	get(&c, r->path, plen);
	if (memchr(r->path, '\0', plen))
		return refuse(why, whylen, "track path holds a NUL");
	r->path[plen] = '\0';
	r->track_size = get_u(&c, 8);
	r->cue = get_f64(&c);
	r->hotcues = (uint32_t)get_u(&c, 4);
	for (int i = 0; i < STORE_HOTCUES; i++)
		r->hotcue[i] = get_f64(&c);
	r->loops = (uint32_t)get_u(&c, 4);
	for (int i = 0; i < STORE_LOOPS; i++) {
		r->loop[i].in = get_f64(&c);
		r->loop[i].out = get_f64(&c);
	}
	r->grid.bpm = get_f64(&c);
	r->grid.first_beat = get_f64(&c);
	r->grid.beats_per_bar = (uint32_t)get_u(&c, 4);
	r->grid.valid = (uint32_t)get_u(&c, 4);
	r->bpm = get_f32(&c);
	get(&c, r->key, sizeof r->key);
	r->loudness = get_f32(&c);
	r->duration = get_f64(&c);
	r->rating = (uint32_t)get_u(&c, 4);
	r->colour = (uint32_t)get_u(&c, 4);
	if (version >= 2)
		r->analysis = (uint32_t)get_u(&c, 4);
	r->wave_rate = get_f32(&c);
	r->wave_len = (uint32_t)get_u(&c, 4);
	if (c.bad)
		return refuse(why, whylen, "cut short inside the record");
	if (r->wave_len > STORE_WAVE_MAX || r->wave_len != c.size - c.pos)
		return refuse(why, whylen, "waveform of %u bytes where %zu remain", r->wave_len,
			      c.size - c.pos);
	get(&c, r->wave, r->wave_len);
	if (r->key[sizeof r->key - 1] != '\0')
		return refuse(why, whylen, "key text not terminated");
	if ((r->hotcues >> STORE_HOTCUES) || (r->loops >> STORE_LOOPS))
		return refuse(why, whylen, "hot cue or loop mask beyond %d entries", STORE_LOOPS);
	if (!finite_record(r))
		return refuse(why, whylen, "a position or tempo that is not a finite number");
	if (r->rating > 5 || r->colour > 0xffffff)
		return refuse(why, whylen, "rating %u or colour %#x out of range", r->rating,
			      r->colour);
	if (r->grid.valid > 1 || (r->grid.valid && (r->grid.beats_per_bar < 1 ||
						     r->grid.beats_per_bar > 64 ||
						     !(r->grid.bpm > 0 && r->grid.bpm < 1000))))
		return refuse(why, whylen, "beat grid of %.3f bpm, %u beats a bar", r->grid.bpm,
			      r->grid.beats_per_bar);
	return 0;
}

void store_file_name(const char *path, char out[24])
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	snprintf(out, 24, "%016llx.trk", (unsigned long long)h);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int store_save(const char *root, const struct store_record *r)
{
	uint8_t buf[STORE_FILE_MAX];
	char dir[STORE_PATH_MAX + 16], file[24], tmp[32];
	int len, dfd, fd, err;

	len = store_encode(r, buf, sizeof buf);
	if (len < 0) {
		log_error("store: the record of %s cannot be stored (bad path, waveform or "
			  "position)", r->path);
		return len;
	}
	if (snprintf(dir, sizeof dir, "%s/%s", root, STORE_DIR) >= (int)sizeof dir)
		return -ENAMETOOLONG;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		err = -errno;
		log_error("store: mkdir %s: %s", dir, strerror(-err));
		return err;
	}
	/* Not through a link: a stick's ".slipmat -> /etc" must not aim our writes. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		err = -errno;
		log_error("store: open %s: %s", dir, strerror(-err));
		return err;
	}
	store_file_name(r->path, file);
	snprintf(tmp, sizeof tmp, "%.16s.tmp", file);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		log_error("store: create %s/%s: %s", dir, tmp, strerror(-err));
		close(dfd);
		return err;
	}
	err = write_all(fd, buf, (size_t)len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (err) {
		log_error("store: write %s/%s: %s", dir, tmp, strerror(-err));
		unlinkat(dfd, tmp, 0);
		close(dfd);
		return err;
	}
	if (renameat(dfd, tmp, dfd, file) < 0) {
		err = -errno;
		log_error("store: rename %s/%s to %s: %s", dir, tmp, file, strerror(-err));
		unlinkat(dfd, tmp, 0);
		close(dfd);
		return err;
	}
	/* The rename itself reaches the disk with the folder. */
	if (fsync(dfd) < 0 && errno != EINVAL)
		log_warn("store: fsync %s: %s", dir, strerror(errno));
	close(dfd);
	return 0;
}

int store_load(const char *root, const char *path, struct store_record *r, char *why,
	       size_t whylen)
{
	uint8_t buf[STORE_FILE_MAX + 1];
	char name[24], file[STORE_PATH_MAX + 48], reason[STORE_WHY_MAX];
	size_t len = 0;
	int fd, err;

	store_file_name(path, name);
	if (snprintf(file, sizeof file, "%s/%s/%s", root, STORE_DIR, name) >= (int)sizeof file)
		return -ENAMETOOLONG;
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			log_warn("store: open %s: %s", file, strerror(-err));
		return err;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			close(fd);
			log_warn("store: read %s: %s", file, strerror(-err));
			return err;
		}
		if (n == 0 || len + (size_t)n == sizeof buf) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > STORE_FILE_MAX)
		err = refuse(reason, sizeof reason, "longer than %d bytes", STORE_FILE_MAX);
	else
		err = store_decode(buf, len, r, reason, sizeof reason);
	if (!err && strcmp(r->path, path)) {
		err = refuse(reason, sizeof reason, "it belongs to another track, %.100s",
			     r->path);
	}
	if (err) {
		log_warn("store: ignoring %s: %s", file, reason);
		if (why && whylen)
			snprintf(why, whylen, "%s", reason);
		memset(r, 0, sizeof *r);
	}
	return err;
}
