/*
 * dsp_bench: what each mixer kernel costs per period, fastest path and
 * scalar reference side by side, at 64 frames and 48 kHz.
 *
 *   dsp_bench                    time every kernel natively: ns per
 *                                period, share of the period's deadline
 *   dsp_bench KERNEL PERIODS     run one kernel (name as printed, e.g.
 *                                eq3 or eq3_scalar) PERIODS times and
 *                                nothing else: two runs with different
 *                                PERIODS under an instruction counter
 *                                (callgrind, or qemu-aarch64's exec
 *                                trace), differenced, give instructions
 *                                per period
 *
 * Each kernel works on what it sees in the engine: noise-like music at
 * about -10 dBFS, the EQ with a kill and a boost, the filter half way to
 * the left with some resonance, the limiter pulling several dB, two sources
 * summed into a bus with a moving fader.
 *
 * Build (from the repository root, with a build's objects):
 *   cc -std=c11 -D_GNU_SOURCE -O2 -I. -o dsp_bench tools/bench/dsp_bench.c \
 *      OUT/obj/dsp/{biquad,eq,djfilter,limiter,meter,mix}.o -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/djfilter.h"
#include "dsp/eq.h"
#include "dsp/limiter.h"
#include "dsp/meter.h"
#include "dsp/mix.h"

#define RATE 48000
#define FRAMES 64
#define SOURCE 4096 /* frames of music, cycled */

static float music[2 * SOURCE], loud[2 * SOURCE];
static float buf[2 * FRAMES], bus[2 * FRAMES];
static struct eq3 eq;
static struct djfilter flt;
static struct limiter lim;
static struct meter met;
static int at;

/* Noise through a gentle tilt: a stand-in for a mastered track. */
static void make_music(void)
{
	uint32_t x = 2463534242u;
	float lp = 0;
	int i;

	for (i = 0; i < 2 * SOURCE; i++) {
		float w;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		w = (float)((double)x / 4294967296.0 * 2.0 - 1.0);
		lp += 0.2f * (w - lp);
		music[i] = 0.5f * lp + 0.15f * w;
		loud[i] = 3.0f * music[i];
	}
}

static void next(const float *src)
{
	memcpy(buf, src + 2 * at, sizeof buf);
	at = (at + FRAMES) % SOURCE;
}

static void run_eq(void)
{
	next(music);
	eq3_process(&eq, buf, FRAMES);
}

static void run_eq_scalar(void)
{
	next(music);
	eq3_process_scalar(&eq, buf, FRAMES);
}

static void run_djfilter(void)
{
	next(music);
	djfilter_process(&flt, buf, FRAMES);
}

static void run_djfilter_scalar(void)
{
	next(music);
	djfilter_process_scalar(&flt, buf, FRAMES);
}

static void run_limiter(void)
{
	next(loud);
	limiter_process(&lim, buf, FRAMES);
}

static void run_limiter_scalar(void)
{
	next(loud);
	limiter_process_scalar(&lim, buf, FRAMES);
}

static void run_meter(void)
{
	next(music);
	meter_process(&met, buf, FRAMES);
}

static void run_meter_scalar(void)
{
	next(music);
	meter_process_scalar(&met, buf, FRAMES);
}

static void run_mix(void)
{
	next(music);
	mix_gain_set(bus, buf, FRAMES, 0.5f, 0.6f);
	mix_gain_add(bus, buf + 2, FRAMES - 1, 0.7f, 0.6f);
	mix_gain(bus, FRAMES, 0.9f, 0.9f);
}

static void run_mix_scalar(void)
{
	next(music);
	mix_gain_set_scalar(bus, buf, FRAMES, 0.5f, 0.6f);
	mix_gain_add_scalar(bus, buf + 2, FRAMES - 1, 0.7f, 0.6f);
	mix_gain_scalar(bus, FRAMES, 0.9f, 0.9f);
}

struct kernel {
	const char *name;
	void (*run)(void);
};

static const struct kernel kernels[] = {
    {"eq3", run_eq},
    {"eq3_scalar", run_eq_scalar},
    {"djfilter", run_djfilter},
    {"djfilter_scalar", run_djfilter_scalar},
    {"limiter", run_limiter},
    {"limiter_scalar", run_limiter_scalar},
    {"meter", run_meter},
    {"meter_scalar", run_meter_scalar},
    {"mix", run_mix},
    {"mix_scalar", run_mix_scalar},
};

#define NKERNELS (sizeof kernels / sizeof kernels[0])

static void setup(void)
{
	make_music();
	eq3_init(&eq, RATE);
	eq3_set(&eq, 3.0f, 0.0f, -INFINITY, 0, 0, 1);
	djfilter_init(&flt, RATE);
	djfilter_set(&flt, -0.5f, 0.4f);
	limiter_init(&lim, RATE, LIMITER_LOOKAHEAD_MS, LIMITER_CEILING_DB, LIMITER_RELEASE_MS);
	meter_init(&met, RATE);
	at = 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Kept out of line, so a profiler can collect exactly the measured work. */
__attribute__((noinline)) void measure_periods(void (*run)(void), long periods);

__attribute__((noinline)) void measure_periods(void (*run)(void), long periods)
{
	long i;

	for (i = 0; i < periods; i++)
		run();
}

int main(int argc, char **argv)
{
	const double deadline = (double)FRAMES / RATE;
	size_t k;

	setup();
	if (argc == 3) {
		for (k = 0; k < NKERNELS; k++) {
			if (strcmp(argv[1], kernels[k].name) == 0) {
				measure_periods(kernels[k].run, atol(argv[2]));
				return 0;
			}
		}
		fprintf(stderr, "dsp_bench: no kernel named %s\n", argv[1]);
		return 2;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: dsp_bench [KERNEL PERIODS]\n");
		return 2;
	}
	printf("kernel            ns/period  share of a %d-frame period at %d Hz\n", FRAMES, RATE);
	for (k = 0; k < NKERNELS; k++) {
		long periods = 2000;
		double t;

		setup();
		measure_periods(kernels[k].run, 200); /* warm up */
		for (;;) {
			double t0 = now_s();

			measure_periods(kernels[k].run, periods);
			t = now_s() - t0;
			if (t > 0.2)
				break;
			periods *= 4;
		}
		printf("%-16s %10.0f  %6.3f %%\n", kernels[k].name, t / periods * 1e9,
		       100.0 * t / periods / deadline);
	}
	return 0;
}
