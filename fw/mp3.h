/*
 * mp3: MPEG-1, 2 and 2.5 layer III through libmpg123 (it has NEON and SSE
 * synthesis, and years of fuzzing behind it), CBR and VBR, with gapless
 * trimming from the LAME/Xing header (MPG123_GAPLESS), or else from an
 * iTunSMPB comment (iTunes' encoder delay, padding and length).
 *
 * Memory: the handle is made once at init. libmpg123 sizes its frame
 * buffers when a track is opened and frees them when it is closed, so
 * mp3_open() and mp3_close() run inside guard windows (counted, like a
 * device reconfiguration); decoding allocates nothing:
 * the frame index is off and ID3v2 tags are skipped unparsed (tags.c
 * reads them).
 */
#ifndef SLIPMAT_MP3_H
#define SLIPMAT_MP3_H

struct decoder;

struct mp3_dec {
	void *mh; /* mpg123_handle */
	int open;
	int channels;
	const float *pending; /* a decoded frame inside libmpg123, not yet returned */
	int pending_frames;
	long long skip; /* iTunSMPB: frames still to drop at the start */
	long long left; /* iTunSMPB: frames still to give; -1: no note */
};

int mp3_init(struct decoder *d);
void mp3_clear(struct decoder *d);
/* Return: 1 when p starts with an ID3v2 tag or an MPEG audio frame header. */
int mp3_sniff(const unsigned char *p, long n);
int mp3_open(struct decoder *d);
int mp3_read(struct decoder *d, float *out, int max);
void mp3_close(struct decoder *d);

#endif
