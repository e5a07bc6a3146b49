/*
 * analyze.c: the sliced analysis job over a growing track.
 */
#include "analyze.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define GAIN_LIMIT_DB 24.0

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int analyze_init(struct analyze *a, struct arena *ar, int rate, long max_frames, double min_bpm,
		 double max_bpm, double target_lufs)
{
	memset(a, 0, sizeof *a);
	if (rate < 8000 || max_frames <= 0)
		return -EINVAL;
	a->rate = rate;
	a->max_frames = max_frames;
	a->min_bpm = min_bpm;
	a->max_bpm = max_bpm;
	a->target_lufs = target_lufs;
	a->cols = ARENA_NEW(ar, struct wave_col, wavesum_columns(max_frames, rate), "waveform columns");
	a->tempo_mem = arena_alloc(ar, tempo_bytes(max_frames, rate, wavesum_hop(rate)), _Alignof(double), "tempo envelope");
	a->loud_mem = arena_alloc(ar, loudness_bytes(max_frames, rate), _Alignof(float), "loudness blocks");
	if (!a->cols || !a->tempo_mem || !a->loud_mem)
		return -ENOMEM;
	return 0;
}

int analyze_start(struct analyze *a, const struct track *t)
{
	a->state = ANALYZE_IDLE;
	a->track = NULL;
	if (!t || t->frames < 0 || t->frames > a->max_frames)
		return -EINVAL;
	a->track = t;
	a->done = 0;
	wavesum_init(&a->wave, a->rate, a->cols, a->max_frames);
	tempo_init(&a->tempo, a->rate, a->wave.hop, a->tempo_mem, a->max_frames);
	loudness_init(&a->loud, a->rate, a->loud_mem, a->max_frames);
	key_init(&a->key, a->rate);
	memset(&a->result, 0, sizeof a->result);
	a->result.version = ANALYSIS_VERSION;
	a->result.rate = a->rate;
	a->result.frames = t->frames;
	a->result.key = KEY_NOT_FOUND;
	a->result.lufs = LOUDNESS_SILENT;
	a->result.target_lufs = a->target_lufs;
	a->known = 0;
	a->state = ANALYZE_READING;
	return 0;
}

void analyze_stop(struct analyze *a)
{
	a->state = ANALYZE_IDLE;
	a->track = NULL;
}

/*
 * One step of the finish (Pre: every frame read), a slice each, never
 * behind reading: the tempo's steps (tempo_finish_step), key, loudness.
 */
/* The auto-gain that takes a track of lufs to the target, within the limit. */
static double gain_for(const struct analyze *a, double lufs)
{
	double gain = lufs > LOUDNESS_SILENT ? a->target_lufs - lufs : 0;

	return gain > GAIN_LIMIT_DB ? GAIN_LIMIT_DB : gain < -GAIN_LIMIT_DB ? -GAIN_LIMIT_DB : gain;
}

void analyze_known(struct analyze *a, const struct analysis *known)
{
	if (a->state != ANALYZE_READING)
		return;
	a->result = *known;
	a->result.version = ANALYSIS_VERSION;
	a->result.rate = a->rate;
	a->result.frames = a->track->frames;
	a->result.target_lufs = a->target_lufs;
	a->result.gain_db = gain_for(a, known->lufs);
	a->result.done = 0;
	a->known = 1;
}

static void finish_step(struct analyze *a)
{
	struct analysis *r = &a->result;
	struct tempo_result tr;

	switch (a->state) {
	case ANALYZE_TEMPO: {
		int err = tempo_finish_step(&a->tempo, a->min_bpm, a->max_bpm, &tr);

		if (err == 1)
			break; /* its next step in the next slice */
		if (err == 0 && grid_set(&r->grid, tr.bpm, tr.first_beat, 4) == 0)
			r->bpm_confidence = tr.confidence;
		a->state = ANALYZE_KEY;
		break;
	}
	case ANALYZE_KEY:
		r->key = key_estimate(&a->key, &r->key_confidence);
		a->state = ANALYZE_LOUDNESS;
		break;
	case ANALYZE_LOUDNESS:
		r->lufs = loudness_integrated(&a->loud);
		r->gain_db = gain_for(a, r->lufs);
		r->done = 1;
		a->state = ANALYZE_DONE;
		break;
	default:
		break;
	}
}

int analyze_step(struct analyze *a, long budget_ns)
{
	long start = now_ns();

	if (a->state == ANALYZE_DONE)
		return 1;
	if (a->state == ANALYZE_IDLE)
		return 0;
	if (a->state != ANALYZE_READING) {
		finish_step(a);
		return a->state == ANALYZE_DONE;
	}
	for (;;) {
		const struct track *t = a->track;
		long ready = atomic_load_explicit(&((struct track *)t)->ready, memory_order_acquire);
		long n;
		int cols;

		if (ready > t->frames)
			ready = t->frames;
		n = ready - a->done;
		if (n > ANALYZE_CHUNK)
			n = ANALYZE_CHUNK;
		if (a->done + n < t->frames)
			n &= ~1L; /* wavesum takes frames in pairs; the last odd one is dropped */
		if (n <= 0) {
			if (a->done >= t->frames && a->known) {
				a->result.done = 1;
				a->state = ANALYZE_DONE;
				return 1;
			}
			if (a->done >= t->frames)
				a->state = ANALYZE_TEMPO; /* from the next slice on */
			return 0; /* or the decoder is behind: come back later */
		}
		{
			const float *in = t->samples + 2 * a->done;

			cols = wavesum_feed(&a->wave, in, (int)n, a->bands);
			if (!a->known) {
				tempo_feed(&a->tempo, (const float (*)[4])a->bands, cols);
				loudness_feed(&a->loud, in, n);
				key_feed(&a->key, in, n);
			}
		}
		a->done += n;
		if (now_ns() - start >= budget_ns)
			return 0;
	}
}
