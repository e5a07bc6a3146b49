/*
 * demo: the demo library `make run` plays, written as WAV files with their
 * title and artist in RIFF INFO tags (what the box's tag reader shows):
 * a few generated dance tracks (tools/gen/gentrack.h) in the DJ's tempo
 * range, four on the floor, so that two decks can be mixed.
 *
 *   demo DIR [SECONDS] [--pilot]
 *                          writes DIR/NN Title.wav, 48 kHz 16-bit stereo
 *
 * With --pilot each track also carries a quiet rising sine, the end-to-end
 * test's way of telling from a recording which track plays and where in
 * it: track n (from 0) glides from PILOT_HZ + n * PILOT_APART Hz upwards
 * at PILOT_RISE Hz per second of the track, at PILOT_DBFS. A jump back
 * (a hot cue, a loop) shows as the tone falling back; a deck played
 * faster or slower moves it by the same ratio.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gentrack.h"

#define RATE 48000
#define TRACKS 3
#define PILOT_HZ 2000.0
#define PILOT_APART 1200.0
#define PILOT_RISE 8.0
#define PILOT_DBFS (-24.0)

static const char *const titles[TRACKS] = {"Night Drive", "Glass Floor", "Last Train"};

static void le16(FILE *f, unsigned v)
{
	fputc((int)(v & 0xff), f);
	fputc((int)(v >> 8 & 0xff), f);
}

static void le32(FILE *f, uint32_t v)
{
	le16(f, v & 0xffff);
	le16(f, v >> 16);
}

/* A RIFF INFO sub-chunk: id, size, text with its NUL, padded to even. */
static uint32_t info_len(const char *text)
{
	uint32_t n = (uint32_t)strlen(text) + 1;

	return 8 + n + (n & 1);
}

static void info(FILE *f, const char *id, const char *text)
{
	uint32_t n = (uint32_t)strlen(text) + 1;

	fwrite(id, 1, 4, f);
	le32(f, n);
	fwrite(text, 1, n, f);
	if (n & 1)
		fputc(0, f);
}

static int write_track(const char *path, const char *title, const char *artist,
		       const float *s, long frames)
{
	FILE *f = fopen(path, "wb");
	uint32_t data = (uint32_t)frames * 4;
	uint32_t list = 4 + info_len(title) + info_len(artist);

	if (!f) {
		fprintf(stderr, "demo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fwrite("RIFF", 1, 4, f);
	le32(f, 4 + 8 + 16 + 8 + list + 8 + data);
	fwrite("WAVEfmt ", 1, 8, f);
	le32(f, 16);
	le16(f, 1);
	le16(f, 2);
	le32(f, RATE);
	le32(f, RATE * 4);
	le16(f, 4);
	le16(f, 16);
	fwrite("LIST", 1, 4, f);
	le32(f, list);
	fwrite("INFO", 1, 4, f);
	info(f, "INAM", title);
	info(f, "IART", artist);
	fwrite("data", 1, 4, f);
	le32(f, data);
	for (long i = 0; i < 2 * frames; i++) {
		float x = s[i] > 1 ? 1 : s[i] < -1 ? -1 : s[i];

		le16(f, (unsigned)(uint16_t)(int16_t)lrintf(x * 32767.0f));
	}
	if (fclose(f)) {
		fprintf(stderr, "demo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Track n's pilot tone (see the top), added to both channels. */
static void add_pilot(float *s, long frames, int n)
{
	double amp = pow(10, PILOT_DBFS / 20), phase = 0;

	for (long i = 0; i < frames; i++) {
		double hz = PILOT_HZ + n * PILOT_APART + PILOT_RISE * (double)i / RATE;
		float v = (float)(amp * sin(phase));

		s[2 * i] += v;
		s[2 * i + 1] += v;
		phase = fmod(phase + 2 * M_PI * hz / RATE, 2 * M_PI);
	}
}

int main(int argc, char **argv)
{
	int pilot = argc > 2 && !strcmp(argv[argc - 1], "--pilot");
	double seconds = argc - pilot > 2 ? atof(argv[2]) : 90;
	long frames = (long)(seconds * RATE);
	float *s;
	unsigned seed = 0;

	if (argc - pilot < 2 || argc - pilot > 3 || frames < RATE) {
		fprintf(stderr, "usage: demo DIR [SECONDS] [--pilot]\n");
		return 2;
	}
	s = malloc(sizeof(float) * 2 * (size_t)frames);
	if (!s)
		return 1;
	for (int n = 0; n < TRACKS; seed++) {
		struct gentrack t;
		char path[512], title[96];

		/* a short probe first: the track's tempo and style come from its number */
		gentrack_make(&t, seed, RATE, s, RATE);
		if (t.style != 0 || t.bpm < 118 || t.bpm > 132 || t.silence_s > 0 || t.halftime)
			continue;
		gentrack_make(&t, seed, RATE, s, frames);
		if (pilot)
			add_pilot(s, frames, n);
		snprintf(title, sizeof title, "%s (%.0f BPM)", titles[n], t.bpm);
		snprintf(path, sizeof path, "%s/%02d %s.wav", argv[1], n + 1, titles[n]);
		if (write_track(path, title, "slipmat demo", s, frames))
			return 1;
		printf("%s: %.1f BPM, %.0f s\n", path, t.bpm, seconds);
		n++;
	}
	free(s);
	return 0;
}
