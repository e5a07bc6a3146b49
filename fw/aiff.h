/*
 * aiff: AIFF and AIFF-C files: big-endian PCM of 8 to 32 bits, and AIFF-C's
 * 'NONE', 'twos', 'sowt' (little-endian), 'fl32'/'FL32' and
 * 'fl64'/'FL64' (float). The rate is an 80-bit extended float, converted
 * with range checks (a NaN or a huge exponent is a broken file).
 */
#ifndef SLIPMAT_AIFF_H
#define SLIPMAT_AIFF_H

#include "wav.h"

struct aiff_dec {
	struct decode_pcm pcm;
};

int aiff_sniff(const unsigned char *p, long n);
int aiff_open(struct decoder *d);
int aiff_read(struct decoder *d, float *out, int max);

/* Return: the rate in an 80-bit extended (rounded), or 0 when it is out of 1..2^31. */
long aiff_extended(const unsigned char *p);

#endif
