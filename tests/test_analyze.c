/*
 * test_analyze: the analysis job as the event loop runs it. On a
 * generated track that is still "decoding" (ready grows a few seconds at
 * a time), each slice returns within its budget and never reads past
 * ready; the waveform fills in behind the decoder while the result is not
 * done; once the last frame is read the finish takes three calls or more
 * (tempo, key and loudness each in a slice of its own, none in the slice
 * that read the last frame), and then the result is done with a grid at
 * the track's tempo (bars on the drums' bars), a key, and a gain that
 * brings the measured loudness to the target. A job reused for a second
 * track starts clean; a track longer than the job was sized for, and an
 * arena too small, are refused with their errors. A track whose analysis
 * its record already holds is read for its waveform only: the result is
 * the record's (not what the audio would say), done as soon as the last
 * frame is read, with the gain for this profile's target.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "fw/analyze.h"
#include "tools/gen/gentrack.h"

#define RATE 44100
#define FRAMES (40L * RATE)

static float audio[2 * FRAMES];
static struct arena arena;
static struct analyze job;
static struct track track;

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(arena_init(&arena, 16u << 20), 0);
	return analyze_init(&job, &arena, RATE, 60L * RATE, 70, 180, -14);
}

static int teardown(void **state)
{
	(void)state;
	arena_clear(&arena);
	return 0;
}

static void test_growing_track(void **state)
{
	struct gentrack t;
	struct wave_col col;
	long ready = 0, slices = 0, worst = 0, finish_calls = 0;
	int done = 0;
	double beat;

	(void)state;
	/* track 4: 129.09 BPM, breakbeat */
	gentrack_make(&t, 4, RATE, audio, FRAMES);
	track_init(&track, audio, FRAMES);
	track.frames = FRAMES;
	assert_int_equal(analyze_start(&job, &track), 0);
	assert_int_equal(job.result.done, 0);
	assert_int_equal(job.result.version, ANALYSIS_VERSION);
	while (!done) {
		long t0, took;

		if (ready < FRAMES && slices % 4 == 0) {
			ready = ready + 3 * RATE < FRAMES ? ready + 3 * RATE : FRAMES;
			track_set_ready(&track, ready);
		}
		if (job.done == FRAMES) {
			/* every frame read: the rest is the finish, a step a call */
			finish_calls++;
			assert_int_equal(job.result.done, 0);
		}
		t0 = now_ns();
		done = analyze_step(&job, 1000000);
		took = now_ns() - t0;
		worst = took > worst ? took : worst;
		slices++;
		/* never past ready, and the waveform is there up to what was read */
		assert_true(job.done <= ready);
		assert_true(wavesum_frames(&job.wave) <= ready);
		assert_true(wavesum_frames(&job.wave) > job.done - 256);
		if (!done) {
			assert_int_equal(job.result.done, 0);
			assert_true(ready == FRAMES || job.done <= ready);
		}
		if (ready < FRAMES && job.done > 2 * RATE) {
			/* what was read shows; what was not is empty */
			wavesum_read(&job.wave, job.done - RATE, 1024, &col, 1);
			assert_true(col.peak > 0);
			wavesum_read(&job.wave, ready + RATE, 1024, &col, 1);
			assert_int_equal(col.peak, 0);
		}
		assert_true(slices < 10000);
	}
	print_message("%ld slices, %ld of them the finish, the longest %.2f ms (budget 1 ms)\n", slices,
		      finish_calls, worst / 1e6);
	/* tempo and grid, key, loudness: each in a call of its own, none with the reading */
	assert_true(finish_calls >= 3);
	/* a slice overruns its budget by at most one chunk, or the finish */
	assert_true(worst < 50000000);
	assert_int_equal(job.result.done, 1);
	assert_int_equal(job.done, FRAMES);
	assert_true(job.result.grid.valid);
	assert_true(fabs(job.result.grid.bpm / t.bpm - 1) < 0.001);
	beat = grid_beat_at(&job.result.grid, RATE, t.first_downbeat);
	assert_true(fabs(beat - 4 * floor(beat / 4 + 0.5)) < 0.02);
	assert_true(job.result.key >= 0 && job.result.key < 24);
	assert_true(job.result.lufs > -40 && job.result.lufs < 0);
	assert_true(fabs(job.result.gain_db - (-14 - job.result.lufs)) < 1e-9);
	assert_int_equal(job.result.rate, RATE);
	assert_int_equal(job.result.frames, FRAMES);
}

static void test_reuse_and_silence(void **state)
{
	(void)state;
	memset(audio, 0, sizeof(float) * 2 * 20 * RATE);
	track_init(&track, audio, 20 * RATE);
	track.frames = 20 * RATE;
	track_set_ready(&track, 20 * RATE);
	assert_int_equal(analyze_start(&job, &track), 0);
	while (!analyze_step(&job, 5000000))
		;
	/* silence: no grid, no key, no gain */
	assert_int_equal(job.result.done, 1);
	assert_false(job.result.grid.valid);
	assert_int_equal(job.result.key, KEY_NOT_FOUND);
	assert_true(job.result.lufs == LOUDNESS_SILENT);
	assert_true(job.result.gain_db == 0);
	{
		struct wave_col col;
		wavesum_read(&job.wave, 0, 20.0 * RATE, &col, 1);
		assert_int_equal(col.peak, 0);
	}
}

static void test_known(void **state)
{
	struct gentrack t;
	struct analysis known = {0};
	struct wave_col col;
	int calls = 0;

	(void)state;
	gentrack_make(&t, 4, RATE, audio, 20 * RATE); /* drums at 129.09 BPM */
	track_init(&track, audio, 20 * RATE);
	track.frames = 20 * RATE;
	track_set_ready(&track, 20 * RATE);
	assert_int_equal(grid_set(&known.grid, 100.0, 0.25 * RATE, 4), 0);
	known.key = 9; /* A major */
	known.lufs = -10.0;
	assert_int_equal(analyze_start(&job, &track), 0);
	analyze_known(&job, &known);
	while (!analyze_step(&job, 1000000))
		assert_true(++calls < 10000);
	assert_int_equal(job.result.done, 1);
	assert_int_equal(job.done, 20 * RATE);
	assert_true(job.result.grid.valid);
	assert_true(job.result.grid.bpm == 100.0);
	assert_int_equal(job.result.key, 9);
	assert_true(job.result.gain_db == -4.0);
	assert_int_equal(job.result.frames, 20 * RATE);
	/* the waveform is read all the same */
	wavesum_read(&job.wave, 10.0 * RATE, 1024, &col, 1);
	assert_true(col.peak > 0);
	/* the next track is analysed in full again */
	assert_int_equal(analyze_start(&job, &track), 0);
	assert_int_equal(job.known, 0);
}

static void test_refusals(void **state)
{
	static struct analyze other;
	struct arena small;

	(void)state;
	track_init(&track, audio, FRAMES);
	track.frames = 61L * RATE;
	assert_int_equal(analyze_start(&job, &track), -EINVAL);
	assert_int_equal(analyze_step(&job, 1000000), 0);
	assert_int_equal(arena_init(&small, 4096), 0);
	assert_int_equal(analyze_init(&other, &small, RATE, 60L * RATE, 70, 180, -14), -ENOMEM);
	arena_clear(&small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growing_track),
		cmocka_unit_test(test_reuse_and_silence),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
