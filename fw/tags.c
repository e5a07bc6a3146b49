/*
 * tags.c: finding the tag blocks in each format and turning their text
 * into UTF-8.
 */
#include "tags.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "decode_tags.h"

#define TAGS_SCAN (256u << 10)

enum enc { LATIN1, UTF16, UTF16BE, UTF8 };

static unsigned be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}
static unsigned le32(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 | (unsigned)p[3] << 24;
}

/* The next code point of src[*i .. n) in enc; -1 at its end (or a NUL). */
static long next_cp(const unsigned char *s, size_t n, size_t *i, enum enc enc, int *big)
{
	unsigned long c;

	if (*i >= n)
		return -1;
	if (enc == LATIN1) {
		c = s[(*i)++];
	} else if (enc == UTF16 || enc == UTF16BE) {
		if (*i + 1 >= n)
			return -1;
		c = *big ? (unsigned)s[*i] << 8 | s[*i + 1] : (unsigned)s[*i + 1] << 8 | s[*i];
		*i += 2;
		if (c >= 0xd800 && c < 0xdc00 && *i + 1 < n) {
			unsigned long lo = *big ? (unsigned)s[*i] << 8 | s[*i + 1]
					       : (unsigned)s[*i + 1] << 8 | s[*i];

			if (lo >= 0xdc00 && lo < 0xe000) {
				*i += 2;
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			} else {
				c = '?';
			}
		} else if (c >= 0xd800 && c < 0xe000) {
			c = '?';
		}
	} else {
		unsigned char b = s[(*i)++];
		int more = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : -1;
		unsigned long min = more == 1 ? 0x80 : more == 2 ? 0x800 : 0x10000;

		if (more < 0)
			return '?';
		c = more ? b & (0x3f >> more) : b;
		for (int k = 0; k < more; k++) {
			if (*i >= n || (s[*i] & 0xc0) != 0x80)
				return '?';
			c = c << 6 | (s[(*i)++] & 0x3f);
		}
		if (more && (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)))
			return '?';
	}
	return c == 0 ? -1 : (long)c;
}

/* Set dst (cap bytes) from text, if dst is still empty. */
static void set(char *dst, size_t cap, const unsigned char *s, size_t n, enum enc enc)
{
	size_t i = 0, o = 0;
	int big = enc == UTF16BE;
	long c;

	if (dst[0])
		return;
	if (enc == UTF16 && n >= 2) {
		if (s[0] == 0xfe && s[1] == 0xff)
			big = 1, i = 2;
		else if (s[0] == 0xff && s[1] == 0xfe)
			i = 2;
	}
	if (enc == UTF8 && n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		i = 3;
	while ((c = next_cp(s, n, &i, enc, &big)) >= 0) {
		unsigned char u[4];
		size_t k = 0;

		if (c < 0x20)
			c = ' '; /* no control characters on the screen */
		if (c < 0x80) {
			u[k++] = (unsigned char)c;
		} else if (c < 0x800) {
			u[k++] = (unsigned char)(0xc0 | c >> 6);
			u[k++] = (unsigned char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			u[k++] = (unsigned char)(0xe0 | c >> 12);
			u[k++] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			u[k++] = (unsigned char)(0x80 | (c & 0x3f));
		} else {
			u[k++] = (unsigned char)(0xf0 | c >> 18);
			u[k++] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
			u[k++] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			u[k++] = (unsigned char)(0x80 | (c & 0x3f));
		}
		if (o + k + 1 > cap)
			break; /* a whole character or none */
		memcpy(dst + o, u, k);
		o += k;
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = 0;
}

static void set_bpm(struct tags *t, const unsigned char *s, size_t n, enum enc enc)
{
	char buf[16] = "";
	float v;

	if (t->bpm > 0)
		return;
	set(buf, sizeof(buf), s, n, enc);
	v = strtof(buf, NULL);
	if (v > 0 && v < 1000)
		t->bpm = v;
}

/* What a field's name means: 't'itle, 'a'rtist, al'b'um, 'c'omment, 'k'ey, b'p'm. */
static void field(struct tags *t, int what, const unsigned char *s, size_t n, enum enc enc)
{
	switch (what) {
	case 't':
		set(t->title, sizeof(t->title), s, n, enc);
		break;
	case 'a':
		set(t->artist, sizeof(t->artist), s, n, enc);
		break;
	case 'b':
		set(t->album, sizeof(t->album), s, n, enc);
		break;
	case 'c':
		set(t->comment, sizeof(t->comment), s, n, enc);
		break;
	case 'k':
		set(t->key, sizeof(t->key), s, n, enc);
		break;
	case 'p':
		set_bpm(t, s, n, enc);
		break;
	}
}

/* --- ID3 --- */

static int id3_what(const unsigned char *id, int v2)
{
	static const char *const map[][2] = {
		{"TIT2", "TT2"}, {"TPE1", "TP1"}, {"TALB", "TAL"}, {"COMM", "COM"}, {"TKEY", "TKE"}, {"TBPM", "TBP"},
	};
	static const char what[] = "tabckp";

	for (int i = 0; i < 6; i++)
		if (!memcmp(id, map[i][v2 ? 1 : 0], v2 ? 3 : 4))
			return what[i];
	return 0;
}

/* Undo unsynchronisation in place (FF 00 -> FF). Return: the new length. */
static size_t unsync(unsigned char *p, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		p[o++] = p[i];
		if (p[i] == 0xff && i + 1 < n && p[i + 1] == 0)
			i++;
	}
	return o;
}

static void id3_frame(struct tags *t, int what, unsigned char *f, size_t n)
{
	enum enc enc;

	if (!what || n < 1 || f[0] > 3)
		return;
	enc = (enum enc)f[0];
	f++, n--;
	if (what == 'c') {
		/* Language (3 bytes), a short description ended by a NUL, the text. */
		size_t i = 3, step = enc == UTF16 || enc == UTF16BE ? 2 : 1;

		if (n < 3)
			return;
		while (i + step <= n && (f[i] || (step == 2 && f[i + 1])))
			i += step;
		i += step;
		if (i > n)
			return;
		field(t, what, f + i, n - i, enc);
		return;
	}
	field(t, what, f, n, enc);
}

static unsigned synchsafe(const unsigned char *p)
{
	return (unsigned)(p[0] & 0x7f) << 21 | (unsigned)(p[1] & 0x7f) << 14 | (unsigned)(p[2] & 0x7f) << 7 |
	       (p[3] & 0x7f);
}

static unsigned char id3buf[TAGS_SCAN];

size_t tags_id3v2(const unsigned char *p, size_t n, struct tags *t)
{
	int ver, flags;
	size_t size, pos, end;
	unsigned char *b = id3buf;

	if (n < 10 || memcmp(p, "ID3", 3) || p[3] < 2 || p[3] > 4 || ((p[6] | p[7] | p[8] | p[9]) & 0x80))
		return 0;
	ver = p[3];
	flags = p[5];
	size = synchsafe(p + 6);
	end = 10 + size < n ? 10 + size : n;
	/* A copy to work on (unsynchronisation is undone in place). */
	memcpy(b, p + 10, end - 10);
	end -= 10;
	if (ver < 4 && (flags & 0x80))
		end = unsync(b, end);
	pos = 0;
	if (flags & 0x40) { /* extended header */
		size_t ext = ver == 4 ? synchsafe(b) : be32(b) + 4;

		if (end < 4 || ext > end)
			return 10 + size;
		pos = ext;
	}
	while (pos + (ver == 2 ? 6 : 10) <= end) {
		const unsigned char *h = b + pos;
		size_t fsize, hlen = ver == 2 ? 6 : 10;
		int what;

		if (!h[0])
			break; /* padding */
		if (ver == 2)
			fsize = (size_t)h[3] << 16 | (size_t)h[4] << 8 | h[5];
		else
			fsize = ver == 4 ? synchsafe(h + 4) : be32(h + 4);
		if (fsize > end - pos - hlen)
			break; /* cut off by the scan, or broken: keep what came before */
		what = id3_what(h, ver == 2);
		if (what && (ver == 2 || !(h[9] & (ver == 4 ? 0x0c : 0xc0)))) { /* not compressed or encrypted */
			unsigned char *f = b + pos + hlen;
			size_t fn = fsize;

			if (ver == 4 && (h[9] & 0x01)) { /* data length indicator */
				if (fn < 4)
					goto next;
				f += 4, fn -= 4;
			}
			if (ver == 4 && (h[9] & 0x02))
				fn = unsync(f, fn);
			id3_frame(t, what, f, fn);
		}
next:
		pos += hlen + fsize;
	}
	return 10 + size + (flags & 0x10 ? 10 : 0);
}

void tags_id3v1(const unsigned char *p, size_t n, struct tags *t)
{
	if (n < 128 || memcmp(p, "TAG", 3))
		return;
	set(t->title, sizeof(t->title), p + 3, 30, LATIN1);
	set(t->artist, sizeof(t->artist), p + 33, 30, LATIN1);
	set(t->album, sizeof(t->album), p + 63, 30, LATIN1);
	set(t->comment, sizeof(t->comment), p + 97, p[125] == 0 ? 28 : 30, LATIN1);
}

/* --- Vorbis comments --- */

static int vorbis_what(const unsigned char *s, size_t n)
{
	static const struct {
		const char *name;
		int what;
	} map[] = {{"TITLE", 't'},      {"ARTIST", 'a'},     {"ALBUM", 'b'}, {"COMMENT", 'c'},
		   {"DESCRIPTION", 'c'}, {"INITIALKEY", 'k'}, {"KEY", 'k'},   {"BPM", 'p'},
		   {"TEMPO", 'p'}};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].name) == n && !strncasecmp((const char *)s, map[i].name, n))
			return map[i].what;
	return 0;
}

void tags_vorbis(const unsigned char *p, size_t n, struct tags *t)
{
	size_t pos, vendor;
	unsigned count, i;

	if (n < 8)
		return;
	vendor = le32(p);
	if (vendor > n - 8)
		return;
	pos = 4 + vendor;
	count = le32(p + pos);
	pos += 4;
	/* The count is the file's claim; the bytes decide when to stop. */
	for (i = 0; i < count && pos + 4 <= n; i++) {
		size_t len = le32(p + pos), k;
		const unsigned char *c = p + pos + 4;

		if (len > n - pos - 4)
			break;
		for (k = 0; k < len && c[k] != '='; k++)
			;
		if (k < len)
			field(t, vorbis_what(c, k), c + k + 1, len - k - 1, UTF8);
		pos += 4 + len;
	}
}

/* --- RIFF INFO and AIFF --- */

void tags_riff_info(const unsigned char *p, size_t n, struct tags *t)
{
	size_t pos = 4;

	if (n < 4 || memcmp(p, "INFO", 4))
		return;
	while (pos + 8 <= n) {
		const unsigned char *c = p + pos;
		size_t len = le32(c + 4);
		int what = !memcmp(c, "INAM", 4)   ? 't'
			   : !memcmp(c, "IART", 4) ? 'a'
			   : !memcmp(c, "IPRD", 4) ? 'b'
			   : !memcmp(c, "ICMT", 4) ? 'c'
						   : 0;

		if (len > n - pos - 8)
			len = n - pos - 8;
		/* RIFF INFO strings are nominally ASCII; most writers put UTF-8 there. */
		field(t, what, c + 8, len, UTF8);
		pos += 8 + len + (len & 1);
	}
}

/* --- the file --- */

static unsigned char scan[TAGS_SCAN + 16];

static long read_at(int fd, unsigned char *buf, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

/* Walk RIFF (little-endian sizes) or IFF (big-endian) chunks from pos. */
static void chunks(const unsigned char *p, size_t n, size_t pos, int big, struct tags *t)
{
	while (pos + 8 <= n) {
		const unsigned char *c = p + pos;
		size_t len = big ? be32(c + 4) : le32(c + 4), have = len < n - pos - 8 ? len : n - pos - 8;

		if (!big && !memcmp(c, "LIST", 4))
			tags_riff_info(c + 8, have, t);
		else if (!memcmp(c, "ID3 ", 4) || !memcmp(c, "id3 ", 4))
			tags_id3v2(c + 8, have, t);
		else if (big && !memcmp(c, "NAME", 4))
			field(t, 't', c + 8, have, LATIN1);
		else if (big && !memcmp(c, "AUTH", 4))
			field(t, 'a', c + 8, have, LATIN1);
		else if (big && !memcmp(c, "ANNO", 4))
			field(t, 'c', c + 8, have, LATIN1);
		if (len > n - pos - 8)
			break; /* the rest of the scan is inside this chunk (the samples) */
		pos += 8 + len + (len & 1);
	}
}

static void flac_blocks(const unsigned char *p, size_t n, size_t pos, struct tags *t)
{
	int last = 0;

	while (!last && pos + 4 <= n) {
		size_t len = (size_t)p[pos + 1] << 16 | (size_t)p[pos + 2] << 8 | p[pos + 3];

		last = p[pos] >> 7;
		if ((p[pos] & 0x7f) == 4)
			tags_vorbis(p + pos + 4, len < n - pos - 4 ? len : n - pos - 4, t);
		pos += 4 + len;
	}
}

static int mpeg_header(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 0xff && (p[1] & 0xe0) == 0xe0 && (p[1] & 0x18) != 0x08 && (p[1] & 0x06) &&
	       (p[2] >> 4) != 15 && ((p[2] >> 2) & 3) != 3;
}

int tags_read(int fd, const char *name, struct tags *out)
{
	long n = read_at(fd, scan, TAGS_SCAN, 0);
	size_t len, id3 = 0;
	int known = 0;
	const char *base, *dot;

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return (int)n;
	len = (size_t)n;
	if (len >= 12 && (!memcmp(scan, "RIFF", 4) || !memcmp(scan, "RF64", 4)) && !memcmp(scan + 8, "WAVE", 4)) {
		chunks(scan, len, 12, 0, out);
		known = 1;
	} else if (len >= 12 && !memcmp(scan, "FORM", 4) &&
		   (!memcmp(scan + 8, "AIFF", 4) || !memcmp(scan + 8, "AIFC", 4))) {
		chunks(scan, len, 12, 1, out);
		known = 1;
	} else {
		id3 = tags_id3v2(scan, len, out);
		if (id3 + 4 <= len && !memcmp(scan + id3, "fLaC", 4)) {
			flac_blocks(scan, len, id3 + 4, out);
			known = 1;
		} else if (len >= 2 && scan[0] == 0xff && (scan[1] & 0xfe) == 0xf8) {
			known = 1; /* a FLAC stream without its header: no tags */
		} else if (id3 > 0 || mpeg_header(scan, len)) {
			unsigned char v1[128];
			off_t end = lseek(fd, 0, SEEK_END);

			if (end >= 128 && read_at(fd, v1, 128, end - 128) == 128)
				tags_id3v1(v1, 128, out);
			known = 1;
		}
	}
	if (!known)
		return -EINVAL;
	if (!out->title[0] && name) {
		base = strrchr(name, '/');
		base = base ? base + 1 : name;
		dot = strrchr(base, '.');
		set(out->title, sizeof(out->title), (const unsigned char *)base,
		    dot && dot != base ? (size_t)(dot - base) : strlen(base), UTF8);
	}
	return 0;
}
