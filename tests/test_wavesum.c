/*
 * test_wavesum: the colours of the waveform a DJ sees. A 60 Hz tone shows
 * in the low band, 1 kHz in the mid, 8 kHz in the high, each with the
 * other two 15 dB or more below; a 0.5 sine's peak reads 0.5 at every zoom; a
 * loud second half shows at the overview's right half only; columns not
 * analysed yet read empty, and feeding in odd-sized pieces gives the
 * same columns as one piece; the NEON kernel gives the scalar's bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/wavesum.h"

#define RATE 48000
#define FRAMES (4L * RATE)

static float audio[2 * FRAMES];
static struct wave_col cols[2][FRAMES / 128 * 2 + 64];
static struct wavesum w[2];
static float bands[FRAMES / 128 + 2][4];

static void tone(double f, double amp)
{
	long i;

	for (i = 0; i < FRAMES; i++) {
		float v = (float)(amp * sin(2 * M_PI * fmod(f * i, RATE) / RATE));
		audio[2 * i] = v;
		audio[2 * i + 1] = v;
	}
}

static double level(unsigned char q)
{
	return (q / 255.0) * (q / 255.0);
}

static void whole(struct wavesum *ws, struct wave_col *c)
{
	wavesum_init(ws, RATE, c, FRAMES);
	wavesum_feed(ws, audio, (int)FRAMES, NULL);
}

static void test_bands(void **state)
{
	static const double freq[3] = {60, 1000, 8000};
	int b;

	(void)state;
	for (b = 0; b < 3; b++) {
		struct wave_col c;
		double v[3];

		tone(freq[b], 0.5);
		whole(&w[0], cols[0]);
		/* one column of 0.1 s in the middle */
		wavesum_read(&w[0], RATE, RATE / 10.0, &c, 1);
		v[0] = level(c.low);
		v[1] = level(c.mid);
		v[2] = level(c.high);
		print_message("%5.0f Hz: low %.3f mid %.3f high %.3f peak %.3f\n", freq[b], v[0], v[1], v[2],
			      level(c.peak));
		/* the band itself near the sine's RMS (0.354), the others 15 dB below it */
		assert_true(v[b] > 0.25 && v[b] < 0.4);
		assert_true(v[(b + 1) % 3] < 0.178 * v[b] && v[(b + 2) % 3] < 0.178 * v[b]);
		if (b < 2)
			assert_true(fabs(level(c.peak) - 0.5) < 0.02);
	}
}

static void test_zoom_and_overview(void **state)
{
	struct wave_col c[64];
	int i;

	(void)state;
	tone(1000, 0.05);
	for (i = (int)FRAMES / 2; i < FRAMES; i++) {
		audio[2 * i] *= 10;
		audio[2 * i + 1] *= 10;
	}
	whole(&w[0], cols[0]);
	/* every zoom from 128 to 65536 frames a column reads the same peak */
	for (i = 128; i <= 65536; i *= 4) {
		struct wave_col one;

		wavesum_read(&w[0], 3 * RATE, i, &one, 1);
		assert_true(fabs(level(one.peak) - 0.5) < 0.02);
	}
	/* overview: 64 columns across the track, quiet then loud */
	wavesum_read(&w[0], 0, FRAMES / 64.0, c, 64);
	for (i = 1; i < 31; i++)
		assert_true(level(c[i].mid) < 0.05 && level(c[i].mid) > 0.02);
	for (i = 33; i < 63; i++)
		assert_true(level(c[i].mid) > 0.3);
}

static void test_growing(void **state)
{
	struct wave_col a[200], b[200];
	long i = 0;
	int piece = 1, k;

	(void)state;
	tone(440, 0.3);
	whole(&w[0], cols[0]);
	wavesum_init(&w[1], RATE, cols[1], FRAMES);
	/* half the track, in pieces of 2, 4, 6 ... frames */
	while (i < FRAMES / 2) {
		long n = 2L * piece++;
		if (n > FRAMES / 2 - i)
			n = FRAMES / 2 - i;
		wavesum_feed(&w[1], audio + 2 * i, (int)n, bands);
		i += n;
	}
	assert_true(wavesum_frames(&w[1]) <= FRAMES / 2 && wavesum_frames(&w[1]) > FRAMES / 2 - 128);
	wavesum_read(&w[0], 0, FRAMES / 200.0, a, 200);
	wavesum_read(&w[1], 0, FRAMES / 200.0, b, 200);
	for (k = 0; k < 99; k++)
		assert_memory_equal(&a[k], &b[k], sizeof a[k]);
	/* what is not analysed yet is empty, and so is before the start */
	for (k = 101; k < 200; k++)
		assert_int_equal(b[k].peak, 0);
	wavesum_read(&w[1], -10000, 1000, b, 5);
	assert_int_equal(b[0].peak, 0);
}

static void test_kernel_twins(void **state)
{
	static float x[257], lo[257], mid[257], hi[257];
	static const int sizes[] = {0, 1, 3, 4, 7, 64, 128, 257};
	size_t s;
	int i;

	(void)state;
	srand(7);
	for (i = 0; i < 257; i++) {
		x[i] = (float)rand() / RAND_MAX * 2 - 1;
		lo[i] = x[i] * 0.3f + (float)rand() / RAND_MAX * 0.1f;
		hi[i] = x[i] * 0.2f - (float)rand() / RAND_MAX * 0.1f;
		mid[i] = x[i] - lo[i] - hi[i];
	}
	x[5] = -1.5f;
	print_message("wavesum kernel: %s\n", wavesum_has_neon() ? "NEON" : "scalar");
	for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		float a[4], b[4];

		wavesum_reduce(x, lo, mid, hi, sizes[s], a);
		wavesum_reduce_scalar(x, lo, mid, hi, sizes[s], b);
		assert_memory_equal(a, b, sizeof a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_zoom_and_overview),
		cmocka_unit_test(test_growing),
		cmocka_unit_test(test_kernel_twins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
