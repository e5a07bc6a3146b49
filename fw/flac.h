/*
 * flac: a hand-written FLAC decoder for every stream of the format: 4 to
 * 32 bits, 1 to 8 channels, any rate, fixed and variable block sizes up
 * to 65535, all subframe types, wasted bits, Rice and escaped partitions
 * up to order 15. Streams without a fLaC header (a capture that starts at
 * a frame) are found by their first valid frame header.
 *
 * Every frame's header CRC-8 and whole-frame CRC-16 are checked, and the
 * decoded samples go through MD5 so the end of the track can be compared
 * with STREAMINFO's signature (flac_md5_ok()).
 *
 * Guarded against (the fuzz target tests/fuzz/fuzz_flac.c exercises them):
 * block sizes larger than STREAMINFO said (buffers are sized for 65536,
 * not for what the header claims), partition orders that leave fewer
 * samples than the predictor order, Rice runs past the end of the frame
 * (the bit reader stops at the frame's bytes and reports it), predictions
 * that overflow 32 bits (64-bit sums unless the bit depth and the
 * coefficients prove 32 are enough), the 33-bit side channel of 32-bit
 * stereo (decoded in 64 bits), and bit depth or channel count changing
 * mid-stream (followed; a rate change ends the track there, with a
 * message).
 */
#ifndef SLIPMAT_FLAC_H
#define SLIPMAT_FLAC_H

#include <stdint.h>

struct decoder;

struct decode_md5 {
	uint32_t h[4];
	uint64_t bytes;
	unsigned char buf[64];
};

void decode_md5_init(struct decode_md5 *m);
void decode_md5_update(struct decode_md5 *m, const void *p, unsigned long n);
void decode_md5_final(struct decode_md5 *m, unsigned char out[16]);

struct flac_dec {
	int bits;             /* STREAMINFO's (or the first frame's) */
	int rate, channels;
	int max_block;
	unsigned char md5[16]; /* STREAMINFO's; all zero: none */
	int has_md5;
	int md5_broken;        /* the format changed: the sum no longer applies */
	struct decode_md5 sum;
	unsigned long long frame_no; /* frames decoded */
	unsigned long long samples;  /* inter-channel samples decoded */
	int done;
};

int flac_sniff(const unsigned char *p, long n);
/* Return: 1 when p starts a FLAC frame whose CRC-16 holds up to the next frame. */
int flac_probe(const unsigned char *p, long n);
int flac_open(struct decoder *d);
int flac_read(struct decoder *d, float *out, int max);

/*
 * After decode_read() returned 0: 1 when the decoded audio matches the
 * STREAMINFO MD5, 0 when it does not, -1 when there is nothing to check
 * (no MD5 in the file, or the format changed mid-stream).
 */
int flac_md5_ok(struct decoder *d);

#endif
