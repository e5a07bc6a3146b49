/*
 * test_playhead: the decks' positions between the engine's reports, as a
 * DJ watching the waveform would see them at 60 frames a second.
 *
 * The simulated box: 256-frame periods at 48 kHz (5.3 ms) behind a
 * 1024-frame buffer and the limiter's 72 frames; each period's report
 * reaches the loop when the audio thread, waking up to 1.5 ms late, has
 * rendered it, and says when its position is heard, off by up to 0.5 ms
 * (the device's delay comes in whole USB packets). The loop wakes for a
 * frame up to 4 ms late and draws it for the next vblank, exactly 1/60 s
 * apart. Drawn at the newest report's position the deck moves 768 frames
 * one frame and 1024 or 1280 the next; drawn at the playhead it moves
 * within PLAYHEAD_STEP_PCT of 800 every frame, never backwards, and
 * where the sound is at that vblank within a millisecond.
 *
 * PLAYHEAD_STEP_PCT = 2: at the closest zoom (CONTROLS_ZOOM_MIN_S, one
 * second across the waveform) a 1280-pixel panel moves the track 21
 * pixels a frame, so 2 % is under half a pixel: no step a frame shows.
 *
 * Jumps (a hot cue, a loop's wrap) are drawn at the frame after the loop
 * sees them; a start and a pause move without a jump; when reports stop
 * the deck stops one report interval on; without an audio clock the
 * reports are drawn as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fw/playhead.h"
#include "tests/signals.h"

#define RATE 48000
#define PERIOD 256
#define BUFFER 1024
#define LOOKAHEAD 72
#define FRAMES 600 /* ten seconds at 60 Hz */
#define PLAYHEAD_STEP_PCT 2.0

static const long long period_ns = 1000000000LL * PERIOD / RATE;
static const long long frame_ns = 1000000000LL / 60;
/* from a period's wake-up to when its last frame + 1 is heard */
static const long long ahead_ns = 1000000000LL * (BUFFER + PERIOD + LOOKAHEAD) / RATE;

/* uniform in [0, 1) */
static double uniform(void)
{
	return (signal_noise() + 1.0) / 2.0;
}

/* One report of the engine's: where a deck is, when that is heard, when the loop can see it. */
struct report {
	double pos, step;
	long long heard, arrives;
};

/*
 * The true deck: plays at step from frame 0 at time 0 (the report of
 * period k is k + 1 periods on, heard at k periods + ahead_ns), jumping
 * back by `jump` frames at period jump_at (-1: never). Reports' clocks
 * carry clock_ms of noise, their arrival wake_ms of lateness.
 */
static void make_reports(struct report *r, int n, double step, int jump_at, double jump,
                         double clock_ms, double wake_ms)
{
	double pos = 0;

	for (int k = 0; k < n; k++) {
		pos += step * PERIOD;
		if (k == jump_at)
			pos -= jump;
		r[k].pos = pos;
		r[k].step = step;
		r[k].heard =
		    k * period_ns + ahead_ns + (long long)((uniform() - 0.5) * 2e6 * clock_ms / 2);
		r[k].arrives = k * period_ns + (long long)(uniform() * wake_ms * 1e6) + 200000;
	}
}

/* Where the sound is at t: the position heard then, on the true clock. */
static double heard_at(double step, long long t)
{
	return step * RATE * (double)(t - ahead_ns) / 1e9 + step * PERIOD;
}

/*
 * Play the frames: frame i is drawn by a loop waking at i frames + up to
 * 4 ms, shown at the vblank i + 1 frames on. raw[i]: the newest report's
 * position; drawn[i]: the playhead's. seen[i]: the newest report's index.
 */
static void play(const struct report *r, int nr, double *raw, double *drawn, int *seen, int n)
{
	struct playhead p;
	int newest = -1;

	playhead_init(&p, RATE);
	for (int i = 0; i < n; i++) {
		long long wake = i * frame_ns + (long long)(uniform() * 4e6);
		int k = newest;

		while (k + 1 < nr && r[k + 1].arrives <= wake)
			k++;
		if (k != newest && k >= 0) {
			newest = k;
			playhead_report(&p, r[k].pos, r[k].step, r[k].heard, 0);
		}
		raw[i] = newest >= 0 ? r[newest].pos : 0;
		drawn[i] = playhead_at(&p, (i + 1) * frame_ns);
		seen[i] = newest;
	}
}

/* The largest and the RMS difference of a frame's step from the mean, percent. */
static void variation(const double *x, int from, int to, double *worst, double *rms)
{
	double mean = (x[to - 1] - x[from - 1]) / (to - from), sum = 0;

	*worst = 0;
	for (int i = from; i < to; i++) {
		double d = fabs(x[i] - x[i - 1] - mean) / mean * 100;

		*worst = fmax(*worst, d);
		sum += d * d;
	}
	*rms = sqrt(sum / (to - from));
}

static struct report reports[FRAMES * 4];
static double raw[FRAMES], drawn[FRAMES];
static int seen[FRAMES];

/* Playing at +6 %: smooth, monotonic, and what is heard at each vblank. */
static void test_smooth_with_the_audio_clock(void **state)
{
	const double step = 1.06;
	const int nr = (int)(FRAMES * frame_ns / period_ns) + 8;
	double raw_worst, raw_rms, worst, rms, off = 0;

	(void)state;
	make_reports(reports, nr, step, -1, 0, 1.0, 1.5);
	play(reports, nr, raw, drawn, seen, FRAMES);
	/* from the third frame on: the first report has come by then */
	variation(raw, 3, FRAMES, &raw_worst, &raw_rms);
	variation(drawn, 3, FRAMES, &worst, &rms);
	for (int i = 3; i < FRAMES; i++) {
		assert_true(drawn[i] > drawn[i - 1]);
		off = fmax(off, fabs(drawn[i] - heard_at(step, (i + 1) * frame_ns)));
	}
	print_message("step per frame, off the mean: newest report %.1f %% worst, %.1f %% rms; "
	              "playhead %.2f %% worst, %.2f %% rms; drawn vs heard at the vblank: %.2f ms "
	              "at worst\n",
	              raw_worst, raw_rms, worst, rms, off / (step * RATE) * 1e3);
	assert_true(raw_worst > 20.0); /* what the raw reports look like */
	assert_true(worst < PLAYHEAD_STEP_PCT);
	assert_true(off < step * RATE * 1e-3);
}

/* A hot cue 3 s back: the frame after the loop sees it shows the cue point. */
static void test_jump_followed_at_once(void **state)
{
	const int nr = (int)(FRAMES * frame_ns / period_ns) + 8, at = 600;
	const double back = 3.0 * RATE;
	int i, first = -1;

	(void)state;
	make_reports(reports, nr, 1.0, at, back, 1.0, 1.5);
	play(reports, nr, raw, drawn, seen, FRAMES);
	for (i = 0; i < FRAMES && first < 0; i++)
		if (seen[i] >= at)
			first = i;
	assert_true(first > 0);
	print_message("jump seen at frame %d: drawn at %.0f, then %.0f (the cue point %.0f)\n",
	              first, drawn[first - 1], drawn[first], reports[at].pos - PERIOD);
	/* at once: the frame before still showed the old place, this one the cue
	 * point, at most what was rendered since (a frame's worth of periods) on */
	assert_true(drawn[first - 1] > reports[at].pos + back / 2);
	assert_true(drawn[first] >= reports[at].pos - PERIOD);
	assert_true(drawn[first] <= reports[at].pos + 4 * PERIOD);
	/* and smooth again right after */
	for (i = first + 1; i < FRAMES; i++)
		assert_true(drawn[i] >= drawn[i - 1]);
	{
		double worst, rms;

		variation(drawn, first + 4, FRAMES, &worst, &rms);
		assert_true(worst < PLAYHEAD_STEP_PCT);
	}
}

/*
 * Play from still and pause again: no jump, never backwards; still until
 * the sound starts, moving at speed once it has; after the pause, standing
 * where the sound stopped.
 */
static void test_start_and_pause(void **state)
{
	struct playhead p;
	const long long t0 = 50 * period_ns;
	double x, last = 0;
	int k;

	(void)state;
	playhead_init(&p, RATE);
	for (k = 0; k < 50; k++) /* paused at 1000 */
		playhead_report(&p, 1000, 0, k * period_ns + ahead_ns, 0);
	/* plays from the start of period 50: each report one period on */
	for (k = 50; k < 100; k++) {
		playhead_report(&p, 1000 + (k - 49) * PERIOD, 1.0, k * period_ns + ahead_ns, 0);
		x = playhead_at(&p, k * period_ns + ahead_ns / 2);
		assert_true(x >= last);
		last = x;
	}
	assert_int_equal(p.jumps, 0);
	/* before the first sound: still */
	playhead_init(&p, RATE);
	playhead_report(&p, 1000, 0, 49 * period_ns + ahead_ns, 0);
	playhead_report(&p, 1000 + PERIOD, 1.0, 50 * period_ns + ahead_ns, 0);
	assert_true(playhead_at(&p, t0 + ahead_ns - 2 * period_ns) == 1000);
	/* and moving once it is heard (the first frame was heard a period before the report's) */
	x = playhead_at(&p, t0 + ahead_ns - period_ns / 2);
	assert_true(fabs(x - (1000 + PERIOD / 2)) < 2);
	/* a pause: the rest of what was queued plays out, then it stands */
	playhead_report(&p, 1000 + 2 * PERIOD, 0, 51 * period_ns + ahead_ns, 0);
	x = playhead_at(&p, 51 * period_ns + ahead_ns - period_ns / 2);
	assert_true(fabs(x - (1000 + 1.5 * PERIOD)) < 2);
	assert_true(playhead_at(&p, 60 * period_ns + ahead_ns) == 1000 + 2 * PERIOD);
	assert_int_equal(p.jumps, 0);
}

/* Reports stop (the device went away): the deck stops one interval past the last. */
static void test_stops_when_reports_stop(void **state)
{
	struct playhead p;
	double x;
	int k;

	(void)state;
	playhead_init(&p, RATE);
	for (k = 0; k < 20; k++)
		playhead_report(&p, (k + 1) * PERIOD, 1.0, k * period_ns + ahead_ns, 0);
	x = playhead_at(&p, 19 * period_ns + ahead_ns + 10 * frame_ns);
	assert_true(fabs(x - 21 * PERIOD) < 1);
	assert_true(playhead_at(&p, 40 * period_ns + 60 * frame_ns) == x);
}

/* No audio clock, or the caller's jump: the reports as they are. */
static void test_raw_without_a_clock(void **state)
{
	struct playhead p;

	(void)state;
	playhead_init(&p, RATE);
	assert_true(playhead_at(&p, 12345) == 0);
	playhead_report(&p, 4800, 1.0, 0, 0);
	assert_true(playhead_at(&p, 1000000000) == 4800);
	playhead_report(&p, 5056, 1.0, 0, 0);
	assert_true(playhead_at(&p, 2000000000) == 5056);
	/* a clock again, then a scrub the caller marks */
	playhead_report(&p, 6000, 1.0, 3000000000LL, 0);
	playhead_report(&p, 200, 0.5, 3005000000LL, 1);
	assert_true(playhead_at(&p, 3001000000LL) == 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smooth_with_the_audio_clock),
	    cmocka_unit_test(test_jump_followed_at_once),
	    cmocka_unit_test(test_start_and_pause),
	    cmocka_unit_test(test_stops_when_reports_stop),
	    cmocka_unit_test(test_raw_without_a_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
