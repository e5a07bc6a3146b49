/*
 * decode: a track file in, stereo float frames at the file's own rate out.
 *
 * One struct decoder serves every format (WAV, AIFF/AIFF-C, FLAC, MP3);
 * decode_open() sniffs the file's first bytes and hands it to wav.c,
 * aiff.c, flac.c or mp3.c. Every buffer a decoder needs (the input
 * buffer, FLAC's per-channel sample blocks) is caller storage of
 * decode_storage() bytes taken once at init, so opening and decoding a
 * track allocates nothing (MP3 aside: see mp3.h).
 *
 * Mono is copied to both sides; more than two channels are folded to
 * stereo with the usual weights (centre and surrounds at -3 dB, LFE left
 * out), scaled so that a full-scale signal in every channel stays at
 * full scale.
 *
 * Errors: every failure leaves a sentence in d->err saying what is wrong
 * with the file (the caller prefixes the file name).
 */
#ifndef SLIPMAT_DECODE_H
#define SLIPMAT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "aiff.h"
#include "flac.h"
#include "mp3.h"
#include "wav.h"

#define DECODE_MAX_CHANNELS 8
#define DECODE_BLOCK 65536         /* most frames one decode_read() returns */
#define DECODE_IN_SIZE (4u << 20)  /* input buffer: a worst-case FLAC frame twice over */
#define DECODE_ERR 160
#define DECODE_READ (256u << 10) /* most bytes one read(2) asks for */

enum decode_format { DECODE_NONE, DECODE_WAV, DECODE_AIFF, DECODE_FLAC, DECODE_MP3 };

/* Buffered reading of the track file. */
struct decode_in {
	int fd;
	unsigned char *buf; /* DECODE_IN_SIZE bytes + 16 of zero padding */
	size_t cap, pos, len;
	int eof;
	long long off;  /* file offset of buf[0] */
	long long size; /* of the file, or -1 */
};

struct decode_info {
	enum decode_format format;
	int rate;           /* Hz */
	int channels;       /* in the file */
	int bits;           /* per sample in the file (32/64 for float) */
	long long frames;   /* length at rate, or -1 when the file does not say */
};

struct decoder {
	struct decode_in in;
	struct decode_info info;
	char err[DECODE_ERR];
	int32_t *chan[DECODE_MAX_CHANNELS]; /* DECODE_BLOCK samples each */
	float *scratch;                     /* DECODE_BLOCK * DECODE_MAX_CHANNELS */
	union {
		struct wav_dec wav;
		struct aiff_dec aiff;
		struct flac_dec flac;
	} u;
	struct mp3_dec mp3;
};

/* Return: bytes of storage decode_init() wants. */
size_t decode_storage(void);

/*
 * Set d up over storage (decode_storage() bytes, 64-byte aligned).
 * Pre: loop thread, at init (the MP3 decoder's handle is made here).
 * Return: 0, or -errno (logged).
 */
int decode_init(struct decoder *d, void *storage);
void decode_clear(struct decoder *d);

/*
 * Start decoding the track open on fd (d does not close it).
 * Return: 0 with d->info filled, or -EINVAL (not a track we read, or a
 * broken one) / -errno with the reason in d->err.
 */
int decode_open(struct decoder *d, int fd);

/*
 * Decode the next frames into out (max >= DECODE_BLOCK stereo frames).
 * Return: frames written (> 0), 0 at the end of the track, or -errno with
 * the reason in d->err (what was decoded before stays good).
 */
int decode_read(struct decoder *d, float *out, int max);

/* Forget the track (safe after a failed open). */
void decode_close(struct decoder *d);

/* --- for the format decoders --- */

/* Make at least need bytes available from in->pos (fewer at the end of
 * the file). Return: bytes available, or -errno. */
long decode_fill(struct decode_in *in, size_t need);
/* Skip n bytes forward. Return: 0, or -errno; -ENODATA past the end. */
int decode_skip(struct decode_in *in, unsigned long long n);
/* File offset of the next byte. */
long long decode_tell(const struct decode_in *in);

/* Set d->err. Return: -EINVAL. */
int decode_fail(struct decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fold nch planar int channels of bits each into n stereo floats. */
void decode_mix_int(int32_t *const *ch, int nch, int bits, int n, float *out);
/* Fold n frames of nch interleaved floats into stereo. */
void decode_mix_float(const float *in, int nch, int n, float *out);

/* Little and big endian reads. */
static inline uint32_t decode_le16(const unsigned char *p) { return p[0] | (uint32_t)p[1] << 8; }
static inline uint32_t decode_le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint32_t decode_be16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }
static inline uint32_t decode_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
