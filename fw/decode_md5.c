/*
 * decode_md5.c: MD5 (RFC 1321), for FLAC's STREAMINFO signature.
 */
#include <string.h>

#include "flac.h"

static uint32_t rol(uint32_t x, int c) { return x << c | x >> (32 - c); }

static void block(uint32_t h[4], const unsigned char *p)
{
	static const uint32_t k[64] = {
		0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
		0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
		0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
		0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
		0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
		0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
		0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
		0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
		0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
		0xeb86d391};
	static const unsigned char r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
					    5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
					    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
					    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
	uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3];
	int i;

	for (i = 0; i < 16; i++)
		w[i] = p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
		       (uint32_t)p[4 * i + 3] << 24;
	for (i = 0; i < 64; i++) {
		uint32_t f, t;
		int g;

		if (i < 16)
			f = (b & c) | (~b & d), g = i;
		else if (i < 32)
			f = (d & b) | (~d & c), g = (5 * i + 1) & 15;
		else if (i < 48)
			f = b ^ c ^ d, g = (3 * i + 5) & 15;
		else
			f = c ^ (b | ~d), g = (7 * i) & 15;
		t = d;
		d = c;
		c = b;
		b = b + rol(a + f + k[i] + w[g], r[i]);
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void decode_md5_init(struct decode_md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->bytes = 0;
}

void decode_md5_update(struct decode_md5 *m, const void *data, unsigned long n)
{
	const unsigned char *p = data;
	unsigned used = (unsigned)(m->bytes & 63);

	m->bytes += n;
	if (used) {
		unsigned take = 64 - used < n ? 64 - used : (unsigned)n;

		memcpy(m->buf + used, p, take);
		p += take;
		n -= take;
		if (used + take < 64)
			return;
		block(m->h, m->buf);
	}
	for (; n >= 64; n -= 64, p += 64)
		block(m->h, p);
	memcpy(m->buf, p, n);
}

void decode_md5_final(struct decode_md5 *m, unsigned char out[16])
{
	unsigned char pad[72] = {0x80};
	uint64_t bits = m->bytes * 8;
	unsigned used = (unsigned)(m->bytes & 63), padn = used < 56 ? 56 - used : 120 - used;
	int i;

	for (i = 0; i < 8; i++)
		pad[padn + i] = (unsigned char)(bits >> (8 * i));
	decode_md5_update(m, pad, padn + 8);
	for (i = 0; i < 16; i++)
		out[i] = (unsigned char)(m->h[i / 4] >> (8 * (i % 4)));
}
