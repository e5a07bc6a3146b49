/*
 * analysis_bench: the track analysis (fw/analyze.c) on generated tracks
 * with known truth, on the EBU Tech 3341 signals and on decoded files.
 *
 *   analysis_bench tracks N SECONDS [WAVDIR]   tempo, grid, downbeat, speed
 *   analysis_bench chords N SECONDS            key
 *   analysis_bench tech3341                    loudness
 *   analysis_bench raw FILE RATE               one file of raw stereo f32 (ffmpeg's f32le)
 *
 * tracks: one line per track ("track ID truth est acc1 acc2 grid downbeat
 * maxerr_ms conf"), then "summary ..." lines. With WAVDIR each track is
 * also written as WAVDIR/tNNN.wav (16-bit) and its truth to
 * WAVDIR/truth.txt, for the reference analysers. CPU time is the
 * process's, around the analysis job only (not the generator).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fw/analyze.h"
#include "fw/arena.h"
#include "tools/gen/gentrack.h"
#include "tools/gen/tech3341.h"

#define RATE 44100

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static struct arena arena;
static struct analyze job;
static struct track track;

/* Run the job over samples (frames) in 2 ms slices; CPU seconds spent. */
static double run(float *samples, long frames)
{
	double t0;

	track_init(&track, samples, frames);
	track.frames = frames;
	track_set_ready(&track, frames);
	t0 = cpu_s();
	analyze_start(&job, &track);
	while (!analyze_step(&job, 2000000))
		;
	return cpu_s() - t0;
}

static void put16(FILE *f, unsigned v)
{
	fputc((int)(v & 255), f);
	fputc((int)(v >> 8), f);
}

static void put32(FILE *f, unsigned v)
{
	put16(f, v & 65535);
	put16(f, v >> 16);
}

static int write_wav(const char *path, const float *s, long frames, int rate)
{
	FILE *f = fopen(path, "wb");
	long i;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	fwrite("RIFF", 1, 4, f);
	put32(f, (unsigned)(36 + frames * 4));
	fwrite("WAVEfmt ", 1, 8, f);
	put32(f, 16);
	put16(f, 1);
	put16(f, 2);
	put32(f, (unsigned)rate);
	put32(f, (unsigned)rate * 4);
	put16(f, 4);
	put16(f, 16);
	fwrite("data", 1, 4, f);
	put32(f, (unsigned)(frames * 4));
	for (i = 0; i < 2 * frames; i++) {
		float v = s[i] * 32767.0f;
		put16(f, (unsigned)(short)lrintf(v > 32767 ? 32767 : v < -32768 ? -32768 : v));
	}
	return fclose(f);
}

/* Worst distance (ms) from a true beat to the nearest grid beat. */
static double grid_error_ms(const struct beat_grid *g, const struct gentrack *t)
{
	double beat = 60.0 * t->rate / t->bpm, worst = 0, x;

	for (x = t->first_downbeat; x < t->drums_end; x += beat) {
		double d = fabs(grid_nearest_beat(g, t->rate, x) - x) * 1000.0 / t->rate;
		worst = d > worst ? d : worst;
	}
	return worst;
}

static int tracks(int n, double secs, const char *dir)
{
	long frames = (long)(secs * RATE);
	float *buf = malloc(sizeof(float) * 2 * (size_t)frames);
	int i, acc1 = 0, acc2 = 0, grid = 0, down = 0;
	double cpu = 0;
	FILE *truth = NULL;

	if (!buf)
		return 1;
	if (dir) {
		char path[512];

		snprintf(path, sizeof path, "%s/truth.txt", dir);
		truth = fopen(path, "w");
		if (!truth) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		struct gentrack t;
		const struct analysis *r = &job.result;
		double est, ratio, err = 1e9;
		int a1, a2, gok = 0, dok = 0;

		gentrack_make(&t, (unsigned)i, RATE, buf, frames);
		cpu += run(buf, frames);
		est = r->grid.valid ? r->grid.bpm : 0;
		ratio = est / t.bpm;
		a1 = fabs(ratio - 1) <= 0.04;
		a2 = a1 || fabs(ratio - 2) <= 0.08 || fabs(ratio - 0.5) <= 0.02 ||
		     fabs(ratio - 3) <= 0.12 || fabs(ratio - 1.0 / 3) <= 0.0133;
		if (a1) {
			double b;

			err = grid_error_ms(&r->grid, &t);
			gok = err <= 10.0;
			b = grid_beat_at(&r->grid, RATE, t.first_downbeat);
			dok = gok && ((long)floor(b + 0.5) % 4 + 4) % 4 == 0;
		}
		acc1 += a1;
		acc2 += a2;
		grid += gok;
		down += dok;
		printf("track %3d truth %7.2f est %7.2f acc1 %d acc2 %d grid %d downbeat %d maxerr_ms %8.2f conf %.2f style %d intro %d silence %.1f halftime %d swing %.2f\n",
		       i, t.bpm, est, a1, a2, gok, dok, err, r->bpm_confidence, t.style, t.intro_bars,
		       t.silence_s, t.halftime, t.swing);
		if (dir) {
			char path[512];

			snprintf(path, sizeof path, "%s/t%03d.wav", dir, i);
			if (write_wav(path, buf, frames, RATE))
				return 1;
			fprintf(truth, "t%03d.wav %.4f %.6f\n", i, t.bpm, t.first_downbeat / RATE);
		}
	}
	if (truth)
		fclose(truth);
	printf("summary tracks %d seconds %.0f acc1 %.1f acc2 %.1f grid10ms %.1f downbeat %.1f cpu_s_per_min %.4f\n",
	       n, secs, 100.0 * acc1 / n, 100.0 * acc2 / n, 100.0 * grid / n, 100.0 * down / n,
	       cpu / (n * secs / 60.0));
	free(buf);
	return 0;
}

static int chords(int n, double secs)
{
	long frames = (long)(secs * RATE);
	float *buf = malloc(sizeof(float) * 2 * (size_t)frames);
	int i, ok = 0, rel = 0;

	if (!buf)
		return 1;
	for (i = 0; i < n; i++) {
		struct gentrack t;
		int k;

		gentrack_chords(&t, (unsigned)i, RATE, buf, frames);
		run(buf, frames);
		k = job.result.key;
		ok += k == t.key;
		/* the relative major/minor: the classic confusion */
		rel += k != t.key && k >= 0 &&
		       ((t.key < 12 && k == 12 + (t.key + 9) % 12) || (t.key >= 12 && k == (t.key + 3) % 12));
		printf("chords %3d truth %-4s (%-3s) est %-4s (%-3s) %s\n", i, key_name(t.key),
		       key_camelot(t.key), key_name(k), key_camelot(k), k == t.key ? "ok" : "WRONG");
	}
	printf("summary chords %d correct %.1f relative %.1f\n", n, 100.0 * ok / n, 100.0 * rel / n);
	free(buf);
	return 0;
}

/*
 * The stereo cases through the job, as a deck's track; the 5-channel one
 * (no deck plays it) through the loudness measurement itself, with
 * BS.1770's channel weights.
 */
static int tech3341(void)
{
	static const double weights[5] = {1, 1, 1, LOUDNESS_SURROUND, LOUDNESS_SURROUND};
	int c, fails = 0;

	for (c = 1; c <= TECH3341_CASES; c++) {
		long frames = tech3341_frames(c, 48000);
		int ch = tech3341_channels(c);
		float *buf = malloc(sizeof(float) * (size_t)ch * (size_t)frames);
		double want, got;

		if (!buf)
			return 1;
		want = tech3341_make(c, 48000, buf, frames);
		if (ch == 2) {
			run(buf, frames);
			got = job.result.lufs;
		} else {
			static struct loudness l;
			void *mem = malloc(loudness_bytes(frames, 48000));

			if (!mem || ch != 5)
				return 1;
			loudness_init(&l, 48000, mem, frames);
			loudness_channels(&l, ch, weights);
			loudness_feed(&l, buf, frames);
			got = loudness_integrated(&l);
			free(mem);
		}
		printf("tech3341 case %d expected %.1f measured %.3f diff %.3f channels %d\n", c, want, got,
		       got - want, ch);
		fails += fabs(got - want) > 0.1;
		free(buf);
	}
	return fails != 0;
}

static int raw(const char *path, int rate)
{
	FILE *f = fopen(path, "rb");
	long frames;
	float *buf;
	double cpu;

	if (!f || fseek(f, 0, SEEK_END)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	frames = ftell(f) / 8;
	rewind(f);
	buf = malloc(sizeof(float) * 2 * (size_t)(frames + 1));
	if (!buf || fread(buf, 8, (size_t)frames, f) != (size_t)frames) {
		fprintf(stderr, "%s: short read\n", path);
		return 1;
	}
	fclose(f);
	if (rate != RATE) {
		fprintf(stderr, "raw: rate must be %d\n", RATE);
		return 1;
	}
	cpu = run(buf, frames);
	printf("file %s bpm %.2f confidence %.2f first_beat_s %.3f key %s %s lufs %.2f gain_db %.2f cpu_s %.4f\n",
	       path, job.result.grid.valid ? job.result.grid.bpm : 0, job.result.bpm_confidence,
	       job.result.grid.first_beat / rate, key_name(job.result.key), key_camelot(job.result.key),
	       job.result.lufs, job.result.gain_db, cpu);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int rate = !strcmp(mode, "tech3341") ? 48000 : RATE;

	if (arena_init(&arena, 96u << 20) ||
	    analyze_init(&job, &arena, rate, (long)rate * 60 * 20, 70, 180, -14)) {
		fprintf(stderr, "analysis_bench: no memory\n");
		return 1;
	}
	if (!strcmp(mode, "tracks") && argc >= 4)
		return tracks(atoi(argv[2]), atof(argv[3]), argc > 4 ? argv[4] : NULL);
	if (!strcmp(mode, "chords") && argc >= 4)
		return chords(atoi(argv[2]), atof(argv[3]));
	if (!strcmp(mode, "tech3341"))
		return tech3341();
	if (!strcmp(mode, "raw") && argc >= 4)
		return raw(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: analysis_bench tracks N SECONDS [WAVDIR] | chords N SECONDS | tech3341 | raw FILE RATE\n");
	return 2;
}
