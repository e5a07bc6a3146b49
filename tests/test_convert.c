/*
 * test_convert: what leaves the box's outputs. Exact values at the edges
 * (silence, full scale, clipping, byte order), the dither's statistics
 * (unbiased, at most one step, noise that does not follow the signal,
 * white rather than tonal), and NEON giving the same bits as the scalar
 * reference on long, oddly cut random input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/convert.h"
#include "tests/signals.h"

#define LSB16 (1.0f / 32768.0f)

/* The conversion every path must agree on, for known values. */
struct known {
	float in;
	int16_t s16;
	int32_t s24;
	int32_t s32;
};

static const struct known known[] = {
    {0.0f, 0, 0, 0},
    {-0.0f, 0, 0, 0},
    {1.0f, 32767, 8388607, INT32_MAX},
    {-1.0f, -32768, -8388608, INT32_MIN},
    {0.5f, 16384, 4194304, 1073741824},
    {-0.5f, -16384, -4194304, -1073741824},
    {1.5f, 32767, 8388607, INT32_MAX},
    {-1.5f, -32768, -8388608, INT32_MIN},
    {1000.0f, 32767, 8388607, INT32_MAX},
    {0.5f * LSB16, 0, 128, 32768},      /* a tie rounds to even */
    {1.5f * LSB16, 2, 384, 98304},      /* so does this one */
    {-2.5f * LSB16, -2, -640, -163840}, /* and this */
    {0x123456 / 8388608.0f, 0x1234, 0x123456, 0x12345600},
};

static void check_known(int neon)
{
	size_t n = sizeof known / sizeof known[0], i;
	float in[32];
	int16_t s16[32];
	uint8_t s24[96];
	int32_t s32[32];

	for (i = 0; i < n; i++)
		in[i] = known[i].in;
	if (neon) {
		convert_f32_to_s16(s16, in, n, NULL);
		convert_f32_to_s24_3le(s24, in, n);
		convert_f32_to_s32(s32, in, n);
	} else {
		convert_f32_to_s16_scalar(s16, in, n, NULL);
		convert_f32_to_s24_3le_scalar(s24, in, n);
		convert_f32_to_s32_scalar(s32, in, n);
	}
	for (i = 0; i < n; i++) {
		int32_t v24 = (int32_t)((uint32_t)s24[3 * i] | (uint32_t)s24[3 * i + 1] << 8 |
		                        (uint32_t)s24[3 * i + 2] << 16);
		if (v24 & 0x800000)
			v24 -= 0x1000000;
		assert_int_equal(s16[i], known[i].s16);
		assert_int_equal(v24, known[i].s24);
		assert_int_equal(s32[i], known[i].s32);
	}
}

static void test_known_values(void **state)
{
	(void)state;
	check_known(0);
	check_known(1); /* the build's fastest path, NEON or not */
}

/* Little-endian, least significant byte first, three bytes a sample. */
static void test_s24_byte_order(void **state)
{
	const float in[2] = {0x123456 / 8388608.0f, -1.0f / 8388608.0f};
	const uint8_t want[6] = {0x56, 0x34, 0x12, 0xff, 0xff, 0xff};
	uint8_t out[6];

	(void)state;
	convert_f32_to_s24_3le(out, in, 2);
	assert_memory_equal(out, want, sizeof want);
	memset(out, 0, sizeof out);
	assert_int_equal(convert_f32(out, FMT_S24_3LE, in, 2, NULL), 6);
	assert_memory_equal(out, want, sizeof want);
}

/* A NaN from a broken filter must come out as silence, not a full-scale click. */
static void test_nan_is_silence(void **state)
{
	float in[9];
	int16_t s16[9];
	uint8_t s24[27];
	int32_t s32[9];
	struct dither d;
	int i;

	(void)state;
	for (i = 0; i < 9; i++)
		in[i] = NAN;
	in[3] = INFINITY;
	in[4] = -INFINITY;
	dither_init(&d, 1);
	convert_f32_to_s16(s16, in, 9, &d);
	convert_f32_to_s24_3le(s24, in, 9);
	convert_f32_to_s32(s32, in, 9);
	for (i = 0; i < 9; i++) {
		if (i == 3 || i == 4)
			continue;
		assert_int_equal(s16[i], 0);
		assert_int_equal(s24[3 * i] | s24[3 * i + 1] | s24[3 * i + 2], 0);
		assert_int_equal(s32[i], 0);
	}
	assert_int_equal(s16[3], 32767);
	assert_int_equal(s16[4], -32768);
	assert_int_equal(s32[3], INT32_MAX);
	assert_int_equal(s32[4], INT32_MIN);
}

static void test_dispatch(void **state)
{
	const float in[4] = {1.0f, -1.0f, 0.25f, 0.0f};
	int32_t out[4];
	int16_t *s16 = (int16_t *)out;

	(void)state;
	assert_int_equal(convert_sample_bytes(FMT_S16_LE), 2);
	assert_int_equal(convert_sample_bytes(FMT_S24_3LE), 3);
	assert_int_equal(convert_sample_bytes(FMT_S32_LE), 4);
	assert_string_equal(convert_format_name(FMT_S24_3LE), "S24_3LE");
	assert_int_equal(convert_f32(out, FMT_S32_LE, in, 4, NULL), 16);
	assert_int_equal(out[0], INT32_MAX);
	assert_int_equal(out[2], 536870912);
	assert_int_equal(convert_f32(out, FMT_S16_LE, in, 4, NULL), 8);
	assert_int_equal(s16[1], -32768);
	assert_int_equal(s16[2], 8192);
	assert_int_equal(convert_f32(out, (enum sample_format)99, in, 4, NULL), 0);
}

#define DN 65536

/*
 * Dither a constant of level lsb steps, n samples: the output's mean (in
 * steps) and the variance of its error around the level.
 */
static void dither_stats(float lsb, double *mean, double *var, int *max_dev)
{
	static float in[DN];
	static int16_t out[DN];
	struct dither d;
	double sum = 0, sq = 0;
	int i, plain;

	for (i = 0; i < DN; i++)
		in[i] = lsb * LSB16;
	convert_f32_to_s16_scalar(out, in, 1, NULL);
	plain = out[0];
	dither_init(&d, 12345);
	convert_f32_to_s16(out, in, DN, &d);
	*max_dev = 0;
	for (i = 0; i < DN; i++) {
		double e = out[i] - (double)lsb;
		int dev = abs(out[i] - plain);

		sum += out[i];
		sq += e * e;
		if (dev > *max_dev)
			*max_dev = dev;
	}
	*mean = sum / DN;
	*var = sq / DN;
}

/*
 * TPDF dither: the output's mean equals the input even below one step (a
 * fade-out keeps fading instead of stopping dead), every output is within
 * one step of the undithered one, and the noise power is 1/4 step^2 at
 * any level: it does not pump with the music.
 */
static void test_dither_statistics(void **state)
{
	static const float levels[] = {0.0f, 0.25f, 0.5f, -0.7f, 1000.3f, -20000.5f};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		double mean, var;
		int max_dev;

		dither_stats(levels[i], &mean, &var, &max_dev);
		print_message("level %9.2f LSB: mean %9.4f, error power %.4f LSB^2, max step %d\n",
		              (double)levels[i], mean, var, max_dev);
		assert_true(fabs(mean - levels[i]) < 0.01);
		assert_true(var > 0.23 && var < 0.27);
		assert_true(max_dev <= 1);
	}
}

#define FN 8192

/* Strongest bin over the mean bin power, DC excluded: ~8 for white noise. */
static double peak_to_mean(const int16_t *x, int stride)
{
	static double re[FN], im[FN];
	double sum = 0, peak = 0;
	int i;

	for (i = 0; i < FN; i++) {
		re[i] = x[(size_t)i * (size_t)stride];
		im[i] = 0;
	}
	tone_fft(re, im, FN);
	for (i = 1; i < FN / 2; i++) {
		double p = re[i] * re[i] + im[i] * im[i];

		sum += p;
		if (p > peak)
			peak = p;
	}
	return peak / (sum / (FN / 2 - 1));
}

/*
 * Dithered silence must be a hiss, not a whistle: no bin of its spectrum
 * stands out, in the whole interleaved stream or in any one channel of a
 * 2- or 4-channel frame. A quiet undithered tone shows what "stands out"
 * looks like to the same measure.
 */
static void test_dithered_silence_is_white(void **state)
{
	static float in[4 * FN];
	static int16_t out[4 * FN];
	struct dither d;
	double r;
	int i, c;

	(void)state;
	dither_init(&d, 7);
	convert_f32_to_s16(out, in, 4 * FN, &d);
	r = peak_to_mean(out, 1);
	print_message("dithered silence: peak/mean bin power %.1f (interleaved)\n", r);
	assert_true(r < 25);
	for (c = 0; c < 4; c++) {
		r = peak_to_mean(out + c, 4);
		print_message("dithered silence: peak/mean bin power %.1f (channel %d of 4)\n", r,
		              c + 1);
		assert_true(r < 25);
	}
	for (c = 0; c < 2; c++) {
		r = peak_to_mean(out + c, 2);
		assert_true(r < 25);
	}

	for (i = 0; i < FN; i++)
		in[i] = 0.7f * LSB16 * (float)sin(2 * M_PI * 1000.0 * i / 48000.0);
	convert_f32_to_s16(out, in, FN, NULL);
	r = peak_to_mean(out, 1);
	print_message("undithered 0.7 LSB tone: peak/mean bin power %.1f\n", r);
	assert_true(r > 100);
}

static uint32_t rng = 2463534242u;

static float random_sample(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	/* mostly within [-1.6, 1.6], some exact ties and edges */
	switch (rng % 64) {
	case 0:
		return 1.0f;
	case 1:
		return -1.0f;
	case 2:
		return (float)((int)(rng >> 8) % 65536 - 32768) * 0.5f * LSB16;
	case 3:
		return (float)((int)(rng >> 8) % 16777216 - 8388608) * (0.5f / 8388608.0f);
	default:
		return ((float)(rng >> 8) / 16777216.0f - 0.5f) * 3.2f;
	}
}

#define RN 70001

/*
 * NEON against the scalar reference: the same bits for every sample and
 * the same dither state afterwards, over calls of odd lengths (so every
 * tail path runs) on 70001 random samples.
 */
static void test_neon_matches_scalar(void **state)
{
	static float in[RN];
	static int16_t a16[RN], b16[RN];
	static uint8_t a24[3 * RN], b24[3 * RN];
	static int32_t a32[RN], b32[RN];
	static const size_t cuts[] = {1, 3, 5, 7, 9, 15, 17, 31, 33, 127, 1021, 4099};
	struct dither da, db;
	size_t i, k, n;

	(void)state;
	if (!convert_has_neon()) {
		print_message("no NEON in this build: the comparison runs on the aarch64 build\n");
		skip();
	}
	for (i = 0; i < RN; i++)
		in[i] = random_sample();
	dither_init(&da, 99);
	dither_init(&db, 99);
	for (i = 0, k = 0; i < RN; i += n, k++) {
		n = cuts[k % (sizeof cuts / sizeof cuts[0])];
		if (n > RN - i)
			n = RN - i;
		convert_f32_to_s16(a16 + i, in + i, n, &da);
		convert_f32_to_s16_scalar(b16 + i, in + i, n, &db);
		convert_f32_to_s24_3le(a24 + 3 * i, in + i, n);
		convert_f32_to_s24_3le_scalar(b24 + 3 * i, in + i, n);
		convert_f32_to_s32(a32 + i, in + i, n);
		convert_f32_to_s32_scalar(b32 + i, in + i, n);
	}
	for (i = 0; i < RN; i++) {
		if (a16[i] != b16[i] || a32[i] != b32[i] ||
		    memcmp(a24 + 3 * i, b24 + 3 * i, 3) != 0)
			fail_msg("sample %zu (%a): neon %d/%d, scalar %d/%d", i, (double)in[i],
			         a16[i], a32[i], b16[i], b32[i]);
	}
	assert_memory_equal(da.lane, db.lane, sizeof da.lane);

	/* And without dither, which takes a different NEON loop. */
	convert_f32_to_s16(a16, in, RN, NULL);
	convert_f32_to_s16_scalar(b16, in, RN, NULL);
	assert_memory_equal(a16, b16, sizeof a16);
	print_message("NEON == scalar on %d samples (S16 dithered and plain, S24_3LE, S32)\n", RN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_values),
	    cmocka_unit_test(test_s24_byte_order),
	    cmocka_unit_test(test_nan_is_silence),
	    cmocka_unit_test(test_dispatch),
	    cmocka_unit_test(test_dither_statistics),
	    cmocka_unit_test(test_dithered_silence_is_white),
	    cmocka_unit_test(test_neon_matches_scalar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
