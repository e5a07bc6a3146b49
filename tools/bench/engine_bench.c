/*
 * engine_bench: one period of the full engine (tools/bench/scene.h), what
 * the audio thread does each period: engine_process() of 64 frames to
 * four outputs, then the conversion to S16_LE with TPDF dither.
 *
 *   engine_bench count N   warm up, then N measured periods, in
 *                          measure_period(): for callgrind's
 *                          --toggle-collect=measure_period and for
 *                          counting aarch64 instructions under qemu
 *                          (the difference of two N)
 *   engine_bench time S    S seconds of audio as fast as it goes, each
 *                          period timed on CLOCK_MONOTONIC; prints the
 *                          mean, median, 99th percentile and worst, and
 *                          the mean as a share of the period's 1.33 ms
 *
 * Both print "key value" lines for tools/bench/run.sh. Single-threaded
 * (qemu-aarch64 runs it), no device, no file: the engine alone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/convert.h"
#include "fw/arena.h"
#include "fw/engine.h"
#include "fw/log.h"
#include "scene.h"

/* Enough for both tracks and the engine's tables, rings and scratch. */
#define BENCH_ARENA (32u << 20)
/* The decks' fade-in (DECK_RAMP_MS), the gains' glides and the limiter's
 * first grip happen before measuring: 21 ms. */
#define WARMUP_PERIODS 16

static struct arena arena;
static struct engine engine;
static struct scene scene;
static struct dither dither;
static float mix[SCENE_PERIOD * SCENE_CHANNELS];
static int16_t out[SCENE_PERIOD * SCENE_CHANNELS];

static void period(void)
{
	engine_process(&engine, mix, SCENE_PERIOD);
	convert_f32(out, FMT_S16_LE, mix, SCENE_PERIOD * SCENE_CHANNELS, &dither);
}

/*
 * Warm-up and measured periods are separate functions, for callgrind;
 * the counter keeps the linker from folding the two into one.
 */
static volatile long measured;

__attribute__((noinline)) static void warmup_period(void)
{
	period();
}

__attribute__((noinline)) void measure_period(void);
__attribute__((noinline)) void measure_period(void)
{
	period();
	measured++;
}

static int setup(void)
{
	struct board b;
	int err;

	scene_board(&b, "wav:/dev/null");
	err = scene_setup(&scene, &engine, &arena, BENCH_ARENA, &b);
	if (err) {
		fprintf(stderr, "engine_bench: set-up failed: %s\n", strerror(-err));
		return err;
	}
	dither_init(&dither, 1);
	for (int i = 0; i < WARMUP_PERIODS; i++)
		warmup_period();
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* What the scene sounds like at the end: both decks moving, the limiter working. */
static void report_state(void)
{
	struct engine_state st;

	if (engine_state(&engine, &st) < 0) {
		printf("state none\n");
		return;
	}
	printf("deck_a_playing %d\ndeck_b_playing %d\n", st.deck[0].playing, st.deck[1].playing);
	printf("deck_a_step %.4f\ndeck_b_step %.4f\n", st.deck[0].step, st.deck[1].step);
	printf("master_peak %.3f\nlimiter_db %.2f\n",
	       st.master_peak[0] > st.master_peak[1] ? st.master_peak[0] : st.master_peak[1],
	       st.limiter_db);
}

/*
 * The executable mappings ("map LO-HI PATH"), for tools/bench/engine.sh:
 * under qemu-aarch64 they tell where to log instructions (its -dfilter),
 * and that two runs had the same layout.
 */
static void report_maps(void)
{
	char line[512], range[64], perms[8], path[400];
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		path[0] = '\0';
		if (sscanf(line, "%63s %7s %*s %*s %*s %399s", range, perms, path) >= 2 &&
		    perms[2] == 'x')
			printf("map %s %s\n", range, path[0] ? path : "-");
	}
	fclose(f);
}

static int run_count(long n)
{
	for (long i = 0; i < n; i++)
		measure_period();
	printf("periods %ld\n", n);
	report_state();
	report_maps();
	return 0;
}

static int run_time(double seconds)
{
	long n = (long)(seconds * SCENE_RATE / SCENE_PERIOD), i;
	double *t = malloc(sizeof(double) * (size_t)n), sum = 0;
	const double deadline_ns = 1e9 * SCENE_PERIOD / SCENE_RATE;

	if (t == NULL || n < 100) {
		fprintf(stderr, "engine_bench: cannot time %ld periods\n", n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		double t0 = now_ns();

		measure_period();
		t[i] = now_ns() - t0;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof t[0], by_value);
	printf("periods %ld\n", n);
	printf("deadline_us %.1f\n", deadline_ns / 1e3);
	printf("mean_us %.2f\n", sum / n / 1e3);
	printf("median_us %.2f\n", t[n / 2] / 1e3);
	printf("p99_us %.2f\n", t[n - n / 100 - 1] / 1e3);
	printf("max_us %.2f\n", t[n - 1] / 1e3);
	printf("mean_share_pct %.2f\n", 100.0 * sum / n / deadline_ns);
	printf("p99_share_pct %.2f\n", 100.0 * t[n - n / 100 - 1] / deadline_ns);
	report_state();
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "count") && strcmp(argv[1], "time"))) {
		fprintf(stderr, "usage: engine_bench count PERIODS | time SECONDS\n");
		return 2;
	}
	log_set_level(LOG_WARN);
	if (setup())
		return 1;
	printf("neon %d\n", convert_has_neon());
	if (!strcmp(argv[1], "count"))
		return run_count(atol(argv[2]));
	return run_time(atof(argv[2]));
}
