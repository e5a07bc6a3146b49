/*
 * loudness.c: K-weighting, 100 ms mean squares, two-stage gating.
 */
#include "loudness.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "meter.h"

/*
 * The K-weighting curve's analogue parameters (BS.1770-4's two stages
 * re-derived for any rate: they reproduce its 48 kHz coefficients).
 */
#define SHELF_F0 1681.974450955533
#define SHELF_GAIN_DB 3.999843853973347
#define SHELF_Q 0.7071752369554196
#define SHELF_VB_EXP 0.4996667741545416
#define HPF_F0 38.13547087602444
#define HPF_Q 0.5003270373238773

static void k_weighting(struct biquad_coef c[2], double rate)
{
	double k = tan(M_PI * SHELF_F0 / rate), vh = pow(10, SHELF_GAIN_DB / 20);
	double vb = pow(vh, SHELF_VB_EXP), a0 = 1 + k / SHELF_Q + k * k;

	c[0].b0 = (float)((vh + vb * k / SHELF_Q + k * k) / a0);
	c[0].b1 = (float)(2 * (k * k - vh) / a0);
	c[0].b2 = (float)((vh - vb * k / SHELF_Q + k * k) / a0);
	c[0].a1 = (float)(2 * (k * k - 1) / a0);
	c[0].a2 = (float)((1 - k / SHELF_Q + k * k) / a0);

	k = tan(M_PI * HPF_F0 / rate);
	a0 = 1 + k / HPF_Q + k * k;
	c[1].b0 = 1;
	c[1].b1 = -2;
	c[1].b2 = 1;
	c[1].a1 = (float)(2 * (k * k - 1) / a0);
	c[1].a2 = (float)((1 - k / HPF_Q + k * k) / a0);
}

static long sub_frames_for(int rate)
{
	return (rate + 5) / 10;
}

size_t loudness_bytes(long max_frames, int rate)
{
	return sizeof(float) * (size_t)(max_frames / sub_frames_for(rate) + 2);
}

void loudness_init(struct loudness *l, int rate, void *mem, long max_frames)
{
	int p;

	memset(l, 0, sizeof *l);
	l->rate = rate;
	l->channels = 2;
	l->weight[0] = l->weight[1] = 1.0;
	l->sub_frames = sub_frames_for(rate);
	k_weighting(l->k, rate);
	for (p = 0; p < LOUDNESS_MAX_CHANNELS / 2; p++)
		biquad_reset(l->st[p], 2);
	l->sub = mem;
	l->cap = max_frames / l->sub_frames + 2;
}

int loudness_channels(struct loudness *l, int channels, const double *weight)
{
	int c;

	if (channels < 1 || channels > LOUDNESS_MAX_CHANNELS || !weight)
		return -EINVAL;
	for (c = 0; c < channels; c++)
		if (!(weight[c] >= 0 && weight[c] <= 16))
			return -EINVAL;
	memset(l->weight, 0, sizeof l->weight);
	for (c = 0; c < channels; c++)
		l->weight[c] = weight[c];
	l->channels = channels;
	return 0;
}

/* Pair p's channels (the second silent past the last) of take frames, into buf. */
static void gather_pair(struct loudness *l, const float *in, long take, int p)
{
	int a = 2 * p, b = 2 * p + 1, n = l->channels;
	long i;

	for (i = 0; i < take; i++) {
		l->buf[2 * i] = in[i * n + a];
		l->buf[2 * i + 1] = b < n ? in[i * n + b] : 0.0f;
	}
}

void loudness_feed(struct loudness *l, const float *in, long frames)
{
	int pairs = (l->channels + 1) / 2;

	while (frames > 0) {
		long take = frames < LOUDNESS_CHUNK ? frames : LOUDNESS_CHUNK;
		float sumsq[2], peak[2];
		int p;

		if (take > l->sub_frames - l->fill)
			take = l->sub_frames - l->fill;
		for (p = 0; p < pairs; p++) {
			if (l->weight[2 * p] == 0 && l->weight[2 * p + 1] == 0)
				continue;
			if (l->channels == 2)
				memcpy(l->buf, in, sizeof(float) * 2 * (size_t)take);
			else
				gather_pair(l, in, take, p);
			biquad_cascade(l->k, l->st[p], 2, l->buf, (int)take);
			meter_scan(l->buf, (int)take, sumsq, peak);
			l->acc += l->weight[2 * p] * sumsq[0] + l->weight[2 * p + 1] * sumsq[1];
		}
		l->fill += take;
		if (l->fill == l->sub_frames) {
			if (l->n < l->cap)
				l->sub[l->n++] = (float)(l->acc / l->sub_frames);
			l->fill = 0;
			l->acc = 0;
		}
		in += (long)l->channels * take;
		frames -= take;
	}
}

static double lufs(double z)
{
	return -0.691 + 10 * log10(z);
}

/* Mean energy of the 400 ms blocks whose loudness is above gate. */
static double gated_mean(const struct loudness *l, double gate, long *count)
{
	double sum = 0;
	long j, c = 0;

	for (j = 0; j + 4 <= l->n; j++) {
		double z = 0.25 * (((double)l->sub[j] + l->sub[j + 1]) + ((double)l->sub[j + 2] + l->sub[j + 3]));

		if (z > 0 && lufs(z) > gate) {
			sum += z;
			c++;
		}
	}
	*count = c;
	return c ? sum / c : 0;
}

double loudness_integrated(const struct loudness *l)
{
	long c;
	double z = gated_mean(l, -70.0, &c);

	if (!c)
		return LOUDNESS_SILENT;
	z = gated_mean(l, lufs(z) - 10.0, &c);
	return c ? lufs(z) : LOUDNESS_SILENT;
}
