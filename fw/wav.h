/*
 * wav: RIFF WAVE and RF64 files: PCM of 8, 16, 24 and 32 bits, float of 32
 * and 64 bits, plain or WAVE_FORMAT_EXTENSIBLE. Chunks are walked with
 * 64-bit sizes, so a size near 4 GiB cannot wrap; RF64's ds64 chunk gives
 * the data size of files over 4 GiB; a data size past the end of the
 * file (a recording cut short) is taken as "to the end".
 */
#ifndef SLIPMAT_WAV_H
#define SLIPMAT_WAV_H

struct decoder;

/* Uncompressed frames, shared with aiff.c. */
struct decode_pcm {
	int bytes;               /* per sample: 1..8 */
	int big;                 /* big-endian samples */
	int fl;                  /* IEEE float (bytes 4 or 8) */
	int uns;                 /* unsigned (8-bit WAV) */
	unsigned long long left; /* bytes of sample data still to read */
};

struct wav_dec {
	struct decode_pcm pcm;
};

/* Return: 1 when the first 12 bytes look like a WAVE file. */
int wav_sniff(const unsigned char *p, long n);
/* Pre: d->in at the start of the file. Return: 0, or -EINVAL with d->err. */
int wav_open(struct decoder *d);
/* Return: as decode_read(). */
int wav_read(struct decoder *d, float *out, int max);

/* The uncompressed reader behind WAV and AIFF. */
int decode_pcm_read(struct decoder *d, struct decode_pcm *p, float *out, int max);

#endif
