/*
 * flac.c: FLAC metadata, frame headers, subframes, Rice residuals and
 * the predictors.
 *
 * The bit reader keeps 64 bits in a register, most significant first, and
 * refills with one unaligned 8-byte load (the input buffer has 16 bytes of
 * zero padding, so the load never leaves it). Past the frame's data it
 * reads zeros and raises `over`; the decoder checks that after each
 * subframe and then either asks for more input (the frame was not all in
 * the buffer yet) or calls the file truncated. A whole frame is decoded
 * from the buffer before its bytes are let go, so a frame that fails its
 * CRC is refused as a whole.
 */
#include "flac.h"

#include <errno.h>
#include <string.h>

#include "decode.h"

#define FLAC_NEED (256u << 10) /* input kept ahead of a frame to start with */
#define FLAC_SCAN (1u << 20)   /* how far to look for a first frame */

struct bits {
	const unsigned char *start, *p, *lim; /* lim: the data's end */
	uint64_t c;                           /* next bits, MSB first */
	int n;                                /* valid bits in c */
	int over;                             /* read past lim */
};

static uint8_t crc8_table[256];
static uint16_t crc16_table[8][256];

static void crc_tables(void)
{
	int i, j;

	if (crc16_table[0][1])
		return;
	for (i = 0; i < 256; i++) {
		unsigned c8 = (unsigned)i, c16 = (unsigned)i << 8;

		for (j = 0; j < 8; j++) {
			c8 = c8 & 0x80 ? (c8 << 1) ^ 0x07 : c8 << 1;
			c16 = c16 & 0x8000 ? (c16 << 1) ^ 0x8005 : c16 << 1;
		}
		crc8_table[i] = (uint8_t)c8;
		crc16_table[0][i] = (uint16_t)c16;
	}
	/* Slicing by 8: table k advances a byte followed by k zero bytes. */
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++) {
			unsigned prev = crc16_table[j - 1][i];

			crc16_table[j][i] = (uint16_t)((prev << 8) ^ crc16_table[0][prev >> 8]);
		}
}

static unsigned crc8(const unsigned char *p, size_t n)
{
	unsigned c = 0;

	while (n--)
		c = crc8_table[c ^ *p++];
	return c;
}

static unsigned crc16(const unsigned char *p, size_t n)
{
	unsigned c = 0;

	for (; n >= 8; n -= 8, p += 8)
		c = crc16_table[7][(p[0] ^ (c >> 8)) & 0xff] ^ crc16_table[6][p[1] ^ (c & 0xff)] ^
		    crc16_table[5][p[2]] ^ crc16_table[4][p[3]] ^ crc16_table[3][p[4]] ^
		    crc16_table[2][p[5]] ^ crc16_table[1][p[6]] ^ crc16_table[0][p[7]];
	while (n--)
		c = ((c << 8) ^ crc16_table[0][(c >> 8) ^ *p++]) & 0xffff;
	return c;
}

static inline uint64_t load_be64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

static inline void refill(struct bits *b)
{
	if (b->p < b->lim) {
		b->c |= load_be64(b->p) >> b->n;
		b->p += (63 - b->n) >> 3;
		b->n |= 56;
	} else {
		b->over = 1; /* zeros from here: the caller notices */
		b->n = 64;
	}
}

/* 1..32 bits. */
static inline uint32_t get(struct bits *b, int k)
{
	uint32_t v;

	if (b->n < k)
		refill(b);
	v = (uint32_t)(b->c >> (64 - k));
	b->c <<= k;
	b->n -= k;
	return v;
}

static inline int32_t sget(struct bits *b, int k)
{
	return (int32_t)(get(b, k) << (32 - k)) >> (32 - k);
}

static inline uint32_t unary(struct bits *b)
{
	uint32_t q = 0;

	for (;;) {
		if (b->c) {
			int z = __builtin_clzll(b->c);

			if (z < b->n) {
				b->c <<= z;
				b->c <<= 1;
				b->n -= z + 1;
				return q + (uint32_t)z;
			}
		}
		q += (uint32_t)b->n;
		b->c = 0;
		b->n = 0;
		refill(b);
		if (b->over)
			return q;
	}
}

/* Bits consumed since start. */
static inline uint64_t consumed(const struct bits *b)
{
	return (uint64_t)(b->p - b->start) * 8 - (uint64_t)b->n;
}

static void align_byte(struct bits *b)
{
	int k = (int)(consumed(b) & 7);

	if (k)
		get(b, 8 - k);
}

/* --- frame header --- */

struct frame {
	int block, rate, chans, assign, bits;
	size_t header_len;
};

static const int rate_code[12] = {0,     88200, 176400, 192000, 8000,  16000,
				  22050, 24000, 32000,  44100,  48000, 96000};
static const int bits_code[8] = {0, 8, 12, 0, 16, 20, 24, 32};

/*
 * Parse a frame header at p (avail bytes), defaults from STREAMINFO (0 =
 * none). Return: 0, or -1 when it is not a valid header (CRC-8 included).
 */
static int parse_header(const unsigned char *p, long avail, const struct flac_dec *f,
			struct frame *h)
{
	int bs, rc, ch, sz, i, extra;
	const unsigned char *q;

	if (avail < 6 || p[0] != 0xff || (p[1] & 0xfe) != 0xf8)
		return -1;
	bs = p[2] >> 4;
	rc = p[2] & 15;
	ch = p[3] >> 4;
	sz = (p[3] >> 1) & 7;
	if (bs == 0 || rc == 15 || ch > 10 || sz == 3 || (p[3] & 1))
		return -1;
	/* The frame or sample number, UTF-8 style: up to 7 bytes. */
	q = p + 4;
	if (!(q[0] & 0x80)) {
		extra = 0;
	} else if ((q[0] & 0xe0) == 0xc0) {
		extra = 1;
	} else if ((q[0] & 0xf0) == 0xe0) {
		extra = 2;
	} else if ((q[0] & 0xf8) == 0xf0) {
		extra = 3;
	} else if ((q[0] & 0xfc) == 0xf8) {
		extra = 4;
	} else if ((q[0] & 0xfe) == 0xfc) {
		extra = 5;
	} else if (q[0] == 0xfe) {
		extra = 6;
	} else {
		return -1;
	}
	if (avail < 4 + 1 + extra + 5)
		return -1;
	for (i = 1; i <= extra; i++)
		if ((q[i] & 0xc0) != 0x80)
			return -1;
	q += 1 + extra;
	if (bs == 1)
		h->block = 192;
	else if (bs <= 5)
		h->block = 576 << (bs - 2);
	else if (bs == 6)
		h->block = *q++ + 1;
	else if (bs == 7)
		h->block = (int)decode_be16(q) + 1, q += 2;
	else
		h->block = 256 << (bs - 8);
	if (rc == 0)
		h->rate = f->rate;
	else if (rc < 12)
		h->rate = rate_code[rc];
	else if (rc == 12)
		h->rate = *q++ * 1000;
	else if (rc == 13)
		h->rate = (int)decode_be16(q), q += 2;
	else
		h->rate = (int)decode_be16(q) * 10, q += 2;
	h->assign = ch;
	h->chans = ch < 8 ? ch + 1 : 2;
	h->bits = sz ? bits_code[sz] : f->bits;
	if (crc8(p, (size_t)(q - p)) != *q)
		return -1;
	if (h->rate <= 0 || h->bits <= 0 || h->block > DECODE_BLOCK)
		return -1;
	h->header_len = (size_t)(q + 1 - p);
	return 0;
}

/* --- subframes --- */

static int residual(struct bits *bp, int32_t *s, int n, int order)
{
	/* A local copy of the reader: stores to s could otherwise alias its fields
	 * (int32_t and int), making the compiler reload them for every sample. */
	struct bits r = *bp, *b = &r;
	int method = (int)get(b, 2), po, parts, pbits, esc, i, p;

	if (method > 1)
		return -1;
	pbits = method ? 5 : 4;
	esc = (1 << pbits) - 1;
	po = (int)get(b, 4);
	parts = 1 << po;
	if (n % parts || (n >> po) < order)
		return -1;
	i = order;
	for (p = 0; p < parts; p++) {
		int end = (n >> po) * (p + 1), k = (int)get(b, pbits);

		if (k == esc) {
			int raw = (int)get(b, 5);

			for (; i < end; i++)
				s[i] = raw ? sget(b, raw) : 0;
		} else if (k == 0) {
			for (; i < end; i++) {
				uint32_t u = unary(b);

				s[i] = (int32_t)(u >> 1) ^ -(int32_t)(u & 1);
			}
		} else {
			for (; i < end; i++) {
				uint32_t u = unary(b) << k;

				u |= get(b, k);
				s[i] = (int32_t)(u >> 1) ^ -(int32_t)(u & 1);
			}
		}
		if (b->over)
			break;
	}
	*bp = r;
	return r.over ? -2 : 0;
}

/* Fixed predictors: exact in wrapping 32-bit arithmetic (no shift). */
static void fixed(int32_t *s, int n, int order)
{
	uint32_t *u = (uint32_t *)s;
	int i;

	switch (order) {
	case 1:
		for (i = 1; i < n; i++)
			u[i] += u[i - 1];
		break;
	case 2:
		for (i = 2; i < n; i++)
			u[i] += 2 * u[i - 1] - u[i - 2];
		break;
	case 3:
		for (i = 3; i < n; i++)
			u[i] += 3 * u[i - 1] - 3 * u[i - 2] + u[i - 3];
		break;
	case 4:
		for (i = 4; i < n; i++)
			u[i] += 4 * u[i - 1] - 6 * u[i - 2] + 4 * u[i - 3] - u[i - 4];
		break;
	}
}

/*
 * 32-bit prediction, one function per order so the compiler unrolls the
 * dot product. Not vectorised: each output is an input of the next one,
 * and a vector load over a sample just stored stalls store forwarding
 * (measured: 30 % slower on x86-64).
 */
#ifdef __clang__
#define NO_VECTORIZE /* clang (the fuzz builds) has no per-function switch */
#else
#define NO_VECTORIZE __attribute__((optimize("no-tree-vectorize")))
#endif
#define LPC_ORDER(N)                                                                 \
	NO_VECTORIZE                                                                 \
	static void lpc32_##N(int32_t *s, int n, const int32_t *qp, int shift)       \
	{                                                                            \
		int i, j;                                                            \
		int32_t q[N]; /* a local copy: stores to s cannot touch it */       \
		memcpy(q, qp, sizeof(q));                                            \
		for (i = N; i < n; i++) {                                            \
			uint32_t sum = 0;                                            \
			_Pragma("GCC unroll 32") for (j = 0; j < N; j++)             \
				sum += (uint32_t)q[j] * (uint32_t)s[i - 1 - j];      \
			s[i] = (int32_t)((uint32_t)s[i] + (uint32_t)((int32_t)sum >> shift)); \
		}                                                                    \
	}
LPC_ORDER(1) LPC_ORDER(2) LPC_ORDER(3) LPC_ORDER(4) LPC_ORDER(5) LPC_ORDER(6) LPC_ORDER(7)
LPC_ORDER(8) LPC_ORDER(9) LPC_ORDER(10) LPC_ORDER(11) LPC_ORDER(12) LPC_ORDER(13)
LPC_ORDER(14) LPC_ORDER(15) LPC_ORDER(16) LPC_ORDER(17) LPC_ORDER(18) LPC_ORDER(19)
LPC_ORDER(20) LPC_ORDER(21) LPC_ORDER(22) LPC_ORDER(23) LPC_ORDER(24) LPC_ORDER(25)
LPC_ORDER(26) LPC_ORDER(27) LPC_ORDER(28) LPC_ORDER(29) LPC_ORDER(30) LPC_ORDER(31)
LPC_ORDER(32)

typedef void lpc32_fn(int32_t *s, int n, const int32_t *q, int shift);
static lpc32_fn *const lpc32[33] = {
	NULL,      lpc32_1,  lpc32_2,  lpc32_3,  lpc32_4,  lpc32_5,  lpc32_6,  lpc32_7,  lpc32_8,
	lpc32_9,   lpc32_10, lpc32_11, lpc32_12, lpc32_13, lpc32_14, lpc32_15, lpc32_16, lpc32_17,
	lpc32_18,  lpc32_19, lpc32_20, lpc32_21, lpc32_22, lpc32_23, lpc32_24, lpc32_25, lpc32_26,
	lpc32_27,  lpc32_28, lpc32_29, lpc32_30, lpc32_31, lpc32_32,
};

static void lpc64(int32_t *s, int n, const int32_t *q, int order, int shift)
{
	int i, j;

	for (i = order; i < n; i++) {
		uint64_t sum = 0;

		for (j = 0; j < order; j++)
			sum += (uint64_t)((int64_t)q[j] * s[i - 1 - j]);
		s[i] = (int32_t)((uint32_t)s[i] + (uint32_t)((int64_t)sum >> shift));
	}
}

/*
 * Whether the prediction sum fits 32 bits for any samples of bits bits:
 * |sum| <= 2^(bits-1) * sum |q|. (A corrupt file with samples beyond its
 * bit depth wraps, without undefined behaviour, and fails its CRC or MD5.)
 */
static int fits32(const int32_t *q, int order, int bits)
{
	uint64_t abs = 0;

	for (int i = 0; i < order; i++)
		abs += (uint64_t)(q[i] < 0 ? -(int64_t)q[i] : q[i]);
	return (abs << (bits - 1)) < (1ull << 31);
}

static int64_t sget64(struct bits *b, int k) /* 1..33 bits */
{
	uint64_t v;

	if (k <= 32)
		return sget(b, k);
	v = (uint64_t)get(b, k - 32) << 32;
	v |= get(b, 32);
	return (int64_t)(v << (64 - k)) >> (64 - k);
}

/*
 * The side channel of 32-bit stereo has 33 bits: decoded into w (64-bit),
 * with s (32-bit) holding the residual, which fits 32 bits.
 */
static int subframe_wide(struct decoder *d, struct bits *b, int64_t *w, int32_t *s, int n,
			 int bits, int type, int wasted)
{
	int i, j, order, err;
	int32_t q[32];
	int shift = 0;

	if (type == 0 || type == 1) {
		int64_t v = type == 0 ? sget64(b, bits) : 0;

		for (i = 0; i < n; i++)
			w[i] = type == 0 ? v : sget64(b, bits);
	} else if ((type >= 8 && type <= 12) || type >= 32) {
		order = type >= 32 ? type - 31 : type - 8;
		if (order > n)
			return decode_fail(d, "predictor order %d over a block of %d", order, n);
		for (i = 0; i < order; i++)
			w[i] = sget64(b, bits);
		if (type >= 32) {
			int prec = (int)get(b, 4) + 1;

			if (prec == 16)
				return decode_fail(d, "invalid LPC precision");
			shift = sget(b, 5);
			if (shift < 0)
				return decode_fail(d, "negative LPC shift");
			for (i = 0; i < order; i++)
				q[i] = sget(b, prec);
		}
		err = residual(b, s, n, order);
		if (err)
			return err == -2 ? -EAGAIN : decode_fail(d, "bad residual partitioning");
		for (i = order; i < n; i++) {
			uint64_t p = 0;

			if (type >= 32) {
				for (j = 0; j < order; j++)
					p += (uint64_t)q[j] * (uint64_t)w[i - 1 - j];
				p = (uint64_t)((int64_t)p >> shift);
			} else {
				static const int fc[5][4] = {{0}, {1}, {2, -1}, {3, -3, 1}, {4, -6, 4, -1}};

				for (j = 0; j < order; j++)
					p += (uint64_t)(int64_t)fc[order][j] * (uint64_t)w[i - 1 - j];
			}
			w[i] = (int64_t)(p + (uint64_t)(int64_t)s[i]);
		}
	} else {
		return decode_fail(d, "reserved subframe type %d", type);
	}
	if (b->over)
		return -EAGAIN;
	for (i = 0; i < n; i++)
		w[i] = (int64_t)((uint64_t)w[i] << wasted);
	return 0;
}

static int subframe(struct decoder *d, struct bits *b, int32_t *s, int64_t *wide, int n, int bits)
{
	int type, wasted = 0, i, err;

	if (get(b, 1))
		return decode_fail(d, "subframe padding bit set");
	type = (int)get(b, 6);
	if (get(b, 1)) {
		wasted = (int)unary(b) + 1;
		if (wasted >= bits)
			return decode_fail(d, "%d wasted bits of %d", wasted, bits);
		bits -= wasted;
	}
	if (wide)
		return subframe_wide(d, b, wide, s, n, bits, type, wasted);
	if (type == 0) {
		int32_t v = sget(b, bits);

		for (i = 0; i < n; i++)
			s[i] = v;
	} else if (type == 1) {
		for (i = 0; i < n; i++)
			s[i] = sget(b, bits);
	} else if (type >= 8 && type <= 12) {
		int order = type - 8;

		if (order > n)
			return decode_fail(d, "fixed order %d over a block of %d", order, n);
		for (i = 0; i < order; i++)
			s[i] = sget(b, bits);
		err = residual(b, s, n, order);
		if (err)
			return err == -2 ? -EAGAIN : decode_fail(d, "bad residual partitioning");
		fixed(s, n, order);
	} else if (type >= 32) {
		int order = type - 31, prec, shift;
		int32_t q[32];

		if (order > n)
			return decode_fail(d, "LPC order %d over a block of %d", order, n);
		for (i = 0; i < order; i++)
			s[i] = sget(b, bits);
		prec = (int)get(b, 4) + 1;
		if (prec == 16)
			return decode_fail(d, "invalid LPC precision");
		shift = sget(b, 5);
		if (shift < 0)
			return decode_fail(d, "negative LPC shift");
		for (i = 0; i < order; i++)
			q[i] = sget(b, prec);
		err = residual(b, s, n, order);
		if (err)
			return err == -2 ? -EAGAIN : decode_fail(d, "bad residual partitioning");
		if (fits32(q, order, bits)) {
			lpc32[order](s, n, q, shift);
		} else {
			lpc64(s, n, q, order, shift);
		}
	} else {
		return decode_fail(d, "reserved subframe type %d", type);
	}
	if (b->over)
		return -EAGAIN;
	if (wasted)
		for (i = 0; i < n; i++)
			s[i] = (int32_t)((uint32_t)s[i] << wasted);
	return 0;
}

/* --- the stream --- */

int flac_sniff(const unsigned char *p, long n)
{
	struct flac_dec none = {0};
	struct frame h;

	crc_tables();
	return (n >= 4 && !memcmp(p, "fLaC", 4)) || parse_header(p, n, &none, &h) == 0;
}

int flac_probe(const unsigned char *p, long n)
{
	struct flac_dec none = {0};
	struct frame h;
	unsigned c = 0;
	long j;

	crc_tables();
	if (parse_header(p, n, &none, &h) < 0)
		return 0;
	/* A frame ends where the next begins, and its CRC-16 then leaves 0. */
	for (j = 0; j + 2 < n; j++) {
		c = ((c << 8) ^ crc16_table[0][(c >> 8) ^ p[j]]) & 0xffff;
		if (c == 0 && j + 1 > (long)h.header_len && p[j + 1] == 0xff && (p[j + 2] & 0xfe) == 0xf8)
			return 1;
	}
	return 0;
}

static int find_frame(struct decoder *d)
{
	struct flac_dec *f = &d->u.flac;
	long avail = decode_fill(&d->in, FLAC_SCAN);
	long i;
	struct frame h;

	for (i = 0; i + 16 < avail; i++) {
		const unsigned char *p = d->in.buf + d->in.pos + i;

		if (p[0] == 0xff && parse_header(p, avail - i, f, &h) == 0) {
			d->in.pos += (size_t)i;
			if (!f->rate) {
				f->rate = h.rate;
				f->channels = h.chans;
				f->bits = h.bits;
			}
			return 0;
		}
	}
	return decode_fail(d, "no FLAC frame in its first %u KiB", FLAC_SCAN >> 10);
}

int flac_open(struct decoder *d)
{
	struct flac_dec *f = &d->u.flac;
	struct decode_in *in = &d->in;
	int last = 0, have_info = 0;

	crc_tables();
	memset(f, 0, sizeof(*f));
	decode_md5_init(&f->sum);
	if (decode_fill(in, 4) >= 4 && !memcmp(in->buf + in->pos, "fLaC", 4)) {
		in->pos += 4;
		while (!last) {
			const unsigned char *p;
			uint32_t len;
			int type;

			if (decode_fill(in, 4) < 4)
				return decode_fail(d, "the file ends inside its metadata");
			p = in->buf + in->pos;
			last = p[0] >> 7;
			type = p[0] & 0x7f;
			len = decode_be32(p) & 0xffffff;
			in->pos += 4;
			if (type == 127)
				return decode_fail(d, "invalid metadata block type 127");
			if (type == 0) {
				if (len != 34 || decode_fill(in, 34) < 34)
					return decode_fail(d, "STREAMINFO of %u bytes", len);
				p = in->buf + in->pos;
				f->max_block = (int)decode_be16(p + 2);
				f->rate = (int)(decode_be32(p + 10) >> 12);
				f->channels = ((p[12] >> 1) & 7) + 1;
				f->bits = (int)((decode_be16(p + 12) >> 4) & 31) + 1;
				d->info.frames = (long long)((uint64_t)(p[13] & 15) << 32 | decode_be32(p + 14));
				memcpy(f->md5, p + 18, 16);
				f->has_md5 = memcmp(f->md5, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) != 0;
				have_info = 1;
			}
			if (decode_skip(in, len) < 0)
				return decode_fail(d, "the file ends inside its metadata");
		}
		if (!have_info)
			f->rate = f->channels = f->bits = 0;
	}
	if (find_frame(d) < 0)
		return -EINVAL;
	if (!have_info || d->info.frames == 0)
		d->info.frames = -1;
	if (f->rate <= 0 || f->bits < 4 || f->bits > 32)
		return decode_fail(d, "%d-bit audio at %d Hz", f->bits, f->rate);
	d->info.rate = f->rate;
	d->info.channels = f->channels;
	d->info.bits = f->bits;
	return 0;
}

/* Feed a frame's samples to MD5 as little-endian integers, interleaved. */
static void md5_frame(struct flac_dec *f, int32_t *const *ch, int nch, int n, int bits)
{
	unsigned char buf[6144]; /* a whole number of frames for 1..8 channels of 1..4 bytes */
	int bytes = (bits + 7) / 8, per = nch * bytes, step = (int)sizeof(buf) / per, i0, i, c, k;

	for (i0 = 0; i0 < n; i0 += step) {
		int end = i0 + step < n ? i0 + step : n;
		unsigned char *o = buf;

		if (bytes == 2 && nch == 2) { /* CD audio: the common case, plainly */
			for (i = i0; i < end; i++, o += 4) {
				uint32_t l = (uint32_t)ch[0][i], r = (uint32_t)ch[1][i];

				o[0] = (unsigned char)l;
				o[1] = (unsigned char)(l >> 8);
				o[2] = (unsigned char)r;
				o[3] = (unsigned char)(r >> 8);
			}
		} else {
			for (c = 0; c < nch; c++) {
				unsigned char *q = buf + c * bytes;

				for (i = i0; i < end; i++, q += per) {
					uint32_t v = (uint32_t)ch[c][i];

					for (k = 0; k < bytes; k++)
						q[k] = (unsigned char)(v >> (8 * k));
				}
			}
			o = buf + (end - i0) * per;
		}
		decode_md5_update(&f->sum, buf, (unsigned long)(o - buf));
	}
}

static int frame(struct decoder *d, const unsigned char *p, long avail, float *out)
{
	struct flac_dec *f = &d->u.flac;
	struct frame h;
	struct bits b;
	int c, i, err, n;
	int32_t **ch = d->chan;
	int64_t *wide = (int64_t *)(void *)d->scratch; /* DECODE_BLOCK fit in it */

	if (parse_header(p, avail, f, &h) < 0)
		return decode_fail(d, "bad frame header at byte %lld", decode_tell(&d->in));
	if (h.rate != f->rate)
		return decode_fail(d, "the sample rate changes from %d to %d Hz at sample %llu; the "
				      "track ends there",
				   f->rate, h.rate, f->samples);
	n = h.block;
	b.start = p;
	b.p = p + h.header_len;
	b.lim = p + avail;
	b.c = 0;
	b.n = 0;
	b.over = 0;
	for (c = 0; c < h.chans; c++) {
		int side = (h.assign == 8 && c == 1) || (h.assign == 9 && c == 0) ||
			   (h.assign == 10 && c == 1);

		err = subframe(d, &b, ch[c], side && h.bits == 32 ? wide : NULL, n, h.bits + side);
		if (err)
			return err;
	}
	align_byte(&b);
	get(&b, 16);
	if (b.over || consumed(&b) > (uint64_t)avail * 8)
		return -EAGAIN;
	if (crc16(p, consumed(&b) / 8) != 0) /* the CRC over itself leaves 0 */
		return decode_fail(d, "frame CRC mismatch at byte %lld", decode_tell(&d->in));
	if (h.bits == 32 && h.assign >= 8) { /* a 33-bit side channel in wide */
		int sc = h.assign == 9 ? 0 : 1;

		for (i = 0; i < n; i++) {
			int64_t side = wide[i], other = ch[1 - sc][i], mid;

			switch (h.assign) {
			case 8:
				ch[1][i] = (int32_t)(uint32_t)((uint64_t)other - (uint64_t)side);
				break;
			case 9:
				ch[0][i] = (int32_t)(uint32_t)((uint64_t)side + (uint64_t)other);
				break;
			default:
				mid = (int64_t)((uint64_t)other << 1) | (side & 1);
				ch[0][i] = (int32_t)(uint32_t)((uint64_t)(mid + side) >> 1);
				ch[1][i] = (int32_t)(uint32_t)((uint64_t)(mid - side) >> 1);
			}
		}
	} else switch (h.assign) {
	case 8:
		for (i = 0; i < n; i++)
			ch[1][i] = (int32_t)((uint32_t)ch[0][i] - (uint32_t)ch[1][i]);
		break;
	case 9:
		for (i = 0; i < n; i++)
			ch[0][i] = (int32_t)((uint32_t)ch[0][i] + (uint32_t)ch[1][i]);
		break;
	case 10:
		for (i = 0; i < n; i++) {
			int64_t mid = (int64_t)ch[0][i] * 2 | (ch[1][i] & 1), side = ch[1][i];

			ch[0][i] = (int32_t)((mid + side) >> 1);
			ch[1][i] = (int32_t)((mid - side) >> 1);
		}
		break;
	}
	if (h.chans != f->channels || h.bits != f->bits)
		f->md5_broken = 1;
	if (f->has_md5 && !f->md5_broken)
		md5_frame(f, ch, h.chans, n, h.bits);
	decode_mix_int(ch, h.chans, h.bits, n, out);
	d->in.pos += consumed(&b) / 8;
	f->frame_no++;
	f->samples += (unsigned long long)n;
	return n;
}

int flac_read(struct decoder *d, float *out, int max)
{
	struct flac_dec *f = &d->u.flac;
	size_t need = FLAC_NEED;
	long avail;
	int n;

	if (f->done || max < DECODE_BLOCK)
		return 0;
	for (;;) {
		avail = decode_fill(&d->in, need);
		if (avail < 0)
			return decode_fail(d, "read failed: %s", strerror((int)-avail)), (int)avail;
		if (avail == 0 || (avail < 16 && d->in.eof && d->in.buf[d->in.pos] != 0xff)) {
			f->done = 1;
			return 0;
		}
		n = frame(d, d->in.buf + d->in.pos, avail, out);
		if (n != -EAGAIN)
			break;
		if (d->in.eof || need >= d->in.cap) {
			f->done = 1;
			return decode_fail(d, "the file ends inside frame %llu (sample %llu)", f->frame_no,
					   f->samples);
		}
		need *= 2;
	}
	if (n < 0) {
		/* Trailing bytes that are no frame (a tag, padding) end the track quietly. */
		if (f->frame_no > 0 && d->in.eof && d->in.buf[d->in.pos] != 0xff) {
			f->done = 1;
			return 0;
		}
		f->done = 1;
		return n;
	}
	return n;
}

int flac_md5_ok(struct decoder *d)
{
	struct flac_dec *f = &d->u.flac;
	unsigned char sum[16];
	struct decode_md5 m = f->sum;

	if (!f->has_md5 || f->md5_broken)
		return -1;
	decode_md5_final(&m, sum);
	return memcmp(sum, f->md5, 16) == 0;
}
