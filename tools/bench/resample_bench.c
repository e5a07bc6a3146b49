/*
 * resample_bench: the deck's resampler against libsamplerate, side by side
 * in one run, on the same input.
 *
 *   resample_bench [SECONDS]      (default 60)
 *
 * Input: SECONDS of a 1 kHz sine (left sin, right cos, -6 dBFS) and of
 * full-scale white noise, stereo float at 48 kHz. Each converter reads it
 * 6 % fast (slipmat: step 1.06, in 64-frame calls as the engine makes
 * them; libsamplerate: src_process() over the whole buffer at the fixed
 * ratio 1 / 1.06, its best case). Speed: output frames per second, the
 * best of 5 runs taken in turns, and slipmat's speed over each
 * converter's ("slipmat is" column: above 1x, slipmat is faster).
 * Quality: THD+N of the 1 kHz sine (and of a 15 kHz one, where
 * interpolators differ more) between 20 Hz and 20 kHz, measured as
 * tests/test_resample.c does: a least-squares sine fit at the measured
 * frequency is subtracted and the residual's in-band power compared with
 * the sine's.
 *
 * Output: a markdown table and one line per goal of issue 3.
 */
#include <math.h>
#include <samplerate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/resample.h"
#include "tests/signals.h"

#define FS 48000.0
#define STEP 1.06
#define PERIOD 64
#define RUNS 5
#define MN 65536 /* samples a THD+N measurement looks at */

enum conv { OURS, OURS_SCALAR, SRC_FAST, SRC_MEDIUM, NCONV };

static const char *const conv_name[NCONV] = {
    "slipmat resample_stereo()",
    "slipmat resample_stereo_scalar()",
    "libsamplerate SRC_SINC_FASTEST",
    "libsamplerate SRC_SINC_MEDIUM_QUALITY",
};

static struct resample_bank *bank;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *xalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p) {
		fprintf(stderr, "resample_bench: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return p;
}

/*
 * Convert n_in frames of in to out (room for n_out frames) with converter
 * c. Return: frames written, or -1 (with the reason printed).
 */
static long convert(enum conv c, const float *in, long n_in, float *out, long n_out)
{
	if (c == OURS || c == OURS_SCALAR) {
		long m = (long)((double)(n_in - RESAMPLE_REACH) / STEP), j;
		double pos = 0;

		if (m > n_out)
			m = n_out;
		m -= m % PERIOD;
		for (j = 0; j < m; j += PERIOD) {
			if (c == OURS)
				resample_stereo(bank, in, n_in, &pos, STEP, STEP, out + 2 * j,
				                PERIOD);
			else
				resample_stereo_scalar(bank, in, n_in, &pos, STEP, STEP,
				                       out + 2 * j, PERIOD);
		}
		return m;
	} else {
		int type = c == SRC_FAST ? SRC_SINC_FASTEST : SRC_SINC_MEDIUM_QUALITY, err = 0;
		SRC_STATE *st = src_new(type, 2, &err);
		SRC_DATA d;

		if (!st) {
			fprintf(stderr, "resample_bench: src_new: %s\n", src_strerror(err));
			return -1;
		}
		memset(&d, 0, sizeof d);
		d.data_in = in;
		d.input_frames = n_in;
		d.data_out = out;
		d.output_frames = n_out;
		d.src_ratio = 1.0 / STEP;
		d.end_of_input = 1;
		err = src_process(st, &d);
		src_delete(st);
		if (err) {
			fprintf(stderr, "resample_bench: src_process: %s\n", src_strerror(err));
			return -1;
		}
		return d.output_frames_gen;
	}
}

/* Output frames per second of one conversion. */
static double speed(enum conv c, const float *in, long n_in, float *out, long n_out)
{
	double t = now();
	long m = convert(c, in, n_in, out, n_out);

	t = now() - t;
	return m < 0 ? -1 : (double)m / t;
}

/* THD+N in dB of MN samples of the left channel of y; the frequency found in *hz. */
static double thdn(const float *y, double hz_guess, double *hz)
{
	struct tone_meas m;

	tone_measure(y, MN, FS, hz_guess, &m);
	*hz = m.hz;
	return m.thdn;
}

static void sine(float *x, long n, double hz)
{
	long i;

	for (i = 0; i < n; i++) {
		double ph = 2 * M_PI * hz * (double)i / FS;

		x[2 * i] = (float)(0.5 * sin(ph));
		x[2 * i + 1] = (float)(0.5 * cos(ph));
	}
}

/* THD+N of a hz sine converted by c; the output's frequency in *out_hz. */
static double tone_thdn(enum conv c, double hz, double *out_hz)
{
	long n_in = (long)(3 * MN * STEP), n_out = 3 * MN, m;
	float *in = xalloc((size_t)n_in * 2 * sizeof *in),
	      *out = xalloc((size_t)n_out * 2 * sizeof *out);
	double r = NAN;

	sine(in, n_in, hz);
	m = convert(c, in, n_in, out, n_out);
	*out_hz = NAN;
	/* Skip the first second: libsamplerate's start-up and ours' are not the subject. */
	if (m >= MN + 48000)
		r = thdn(out + 2 * 48000, hz * STEP, out_hz);
	free(in);
	free(out);
	return r;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 60;
	long n_in = (long)(secs * FS), n_out = (long)(n_in / STEP) + 4096, i;
	float *tone_in, *noise_in, *out;
	double fps_sine[NCONV], fps_noise[NCONV], q1k[NCONV], q15k[NCONV], hz1k[NCONV], hz15k;
	uint32_t x = 2463534242u;
	int c, r;

	if (secs < 2 || secs > 3600) {
		fprintf(stderr, "usage: resample_bench [SECONDS, 2..3600]\n");
		return 2;
	}
	bank = aligned_alloc(RESAMPLE_BANK_ALIGN, resample_bank_size());
	if (!bank || resample_bank_init(bank) != 0) {
		fprintf(stderr, "resample_bench: no resampler bank\n");
		return 1;
	}
	tone_in = xalloc((size_t)n_in * 2 * sizeof *tone_in);
	noise_in = xalloc((size_t)n_in * 2 * sizeof *noise_in);
	out = xalloc((size_t)n_out * 2 * sizeof *out);
	sine(tone_in, n_in, 1000);
	for (i = 0; i < 2 * n_in; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise_in[i] = (float)((double)x / 4294967296.0 * 2 - 1);
	}
	/*
	 * Round robin, so that a load that comes and goes on the machine
	 * falls on every converter alike; each keeps its best run.
	 */
	memset(fps_sine, 0, sizeof fps_sine);
	memset(fps_noise, 0, sizeof fps_noise);
	for (r = 0; r < RUNS; r++) {
		for (c = 0; c < NCONV; c++) {
			double fs = speed((enum conv)c, tone_in, n_in, out, n_out);
			double fn = speed((enum conv)c, noise_in, n_in, out, n_out);

			if (fs < 0 || fn < 0)
				return 1;
			fps_sine[c] = fs > fps_sine[c] ? fs : fps_sine[c];
			fps_noise[c] = fn > fps_noise[c] ? fn : fps_noise[c];
		}
	}
	for (c = 0; c < NCONV; c++) {
		q1k[c] = tone_thdn((enum conv)c, 1000, &hz1k[c]);
		q15k[c] = tone_thdn((enum conv)c, 15000, &hz15k);
	}

	printf("Resampler: %.0f s of stereo float at 48 kHz read at step %.2f (+6 %%), "
	       "best of %d runs; THD+N over 20 Hz..20 kHz.\n\n",
	       secs, STEP, RUNS);
	printf("| converter | Mframes/s sine | Mframes/s noise | x realtime | slipmat is "
	       "| 1 kHz out | THD+N 1 kHz | THD+N 15 kHz |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (c = 0; c < NCONV; c++)
		printf("| %s | %.2f | %.2f | %.0f | %.2fx | %.4f Hz | %.1f dB | %.1f dB |\n",
		       conv_name[c], fps_sine[c] / 1e6, fps_noise[c] / 1e6, fps_noise[c] / FS,
		       fps_noise[OURS] / fps_noise[c], hz1k[c], q1k[c], q15k[c]);
	printf("\n");
	printf("Goal, faster than SRC_SINC_FASTEST: %s (%.2fx on noise, %.2fx on the sine)\n",
	       fps_noise[OURS] > fps_noise[SRC_FAST] && fps_sine[OURS] > fps_sine[SRC_FAST]
	           ? "met"
	           : "MISSED",
	       fps_noise[OURS] / fps_noise[SRC_FAST], fps_sine[OURS] / fps_sine[SRC_FAST]);
	printf("Goal, better than SRC_SINC_MEDIUM_QUALITY: %s at 1 kHz (%.1f vs %.1f dB), "
	       "%s at 15 kHz (%.1f vs %.1f dB)\n",
	       q1k[OURS] < q1k[SRC_MEDIUM] ? "met" : "MISSED", q1k[OURS], q1k[SRC_MEDIUM],
	       q15k[OURS] < q15k[SRC_MEDIUM] ? "met" : "missed", q15k[OURS], q15k[SRC_MEDIUM]);
	printf("One deck at 48 kHz costs %.3f %% of this core (%.1f ns per frame).\n",
	       100 * FS / fps_noise[OURS], 1e9 / fps_noise[OURS]);
	free(tone_in);
	free(noise_in);
	free(out);
	free(bank);
	return 0;
}
