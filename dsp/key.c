/*
 * key.c: chroma by FFT peaks, key by profile correlation.
 */
#include "key.h"

#include <math.h>
#include <string.h>

#define KEY_LOW_HZ 55.0
#define KEY_HIGH_HZ 1760.0

/* Krumhansl and Kessler's probe-tone ratings, from the tonic upwards. */
static const double major_profile[12] = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
					 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
static const double minor_profile[12] = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
					 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

static const char *const names[24] = {
	"C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B",
	"Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm",
};
static const char *const camelot[24] = {
	"8B", "3B", "10B", "5B", "12B", "7B", "2B", "9B", "4B", "11B", "6B", "1B",
	"5A", "12A", "7A", "2A", "9A", "4A", "11A", "6A", "1A", "8A", "3A", "10A",
};

const char *key_name(int key)
{
	return key >= 0 && key < 24 ? names[key] : "?";
}

const char *key_camelot(int key)
{
	return key >= 0 && key < 24 ? camelot[key] : "?";
}

void key_init(struct key *k, int rate)
{
	int i;

	memset(k, 0, sizeof *k);
	k->rate = rate;
	k->decim = rate / 5512 > 1 ? rate / 5512 : 1;
	k->key_rate = (double)rate / k->decim;
	for (i = 0; i < KEY_FFT; i++)
		k->window[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / KEY_FFT));
	for (i = 0; i < KEY_FFT / 2; i++) {
		double f = i * k->key_rate / KEY_FFT;

		k->cos_t[i] = (float)cos(2 * M_PI * i / KEY_FFT);
		k->sin_t[i] = (float)-sin(2 * M_PI * i / KEY_FFT);
		k->pc[i] = -1;
		if (f >= KEY_LOW_HZ && f <= KEY_HIGH_HZ) {
			long p = lround(12 * log2(f / 440.0)) + 69;
			k->pc[i] = (short)(p % 12);
		}
	}
}

/* In-place radix-2 FFT of re/im (KEY_FFT points). */
static void fft(struct key *k)
{
	float *re = k->re, *im = k->im;
	int n = KEY_FFT, i, j, len;

	for (i = 1, j = 0; i < n; i++) {
		int bit = n >> 1;

		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			float t = re[i];
			re[i] = re[j];
			re[j] = t;
			t = im[i];
			im[i] = im[j];
			im[j] = t;
		}
	}
	for (len = 2; len <= n; len <<= 1) {
		int half = len / 2, step = n / len;

		for (i = 0; i < n; i += len)
			for (j = 0; j < half; j++) {
				float wr = k->cos_t[j * step], wi = k->sin_t[j * step];
				float xr = re[i + j + half] * wr - im[i + j + half] * wi;
				float xi = re[i + j + half] * wi + im[i + j + half] * wr;

				re[i + j + half] = re[i + j] - xr;
				im[i + j + half] = im[i + j] - xi;
				re[i + j] += xr;
				im[i + j] += xi;
			}
	}
}

/* A full frame: its spectral peaks into the chroma. */
static void analyse_frame(struct key *k)
{
	float mag[KEY_FFT / 2];
	int i;

	for (i = 0; i < KEY_FFT; i++) {
		k->re[i] = k->frame[i] * k->window[i];
		k->im[i] = 0;
	}
	fft(k);
	for (i = 0; i < KEY_FFT / 2; i++)
		mag[i] = sqrtf(k->re[i] * k->re[i] + k->im[i] * k->im[i]);
	for (i = 1; i + 1 < KEY_FFT / 2; i++)
		if (k->pc[i] >= 0 && mag[i] > mag[i - 1] && mag[i] >= mag[i + 1])
			k->chroma[k->pc[i]] += mag[i];
}

void key_feed(struct key *k, const float *in, long frames)
{
	long i;

	for (i = 0; i < frames; i++) {
		k->acc += in[2 * i] + in[2 * i + 1];
		if (++k->acc_n < k->decim)
			continue;
		k->frame[k->fill++] = isfinite(k->acc) ? k->acc / (2.0f * k->decim) : 0.0f;
		k->acc = 0;
		k->acc_n = 0;
		if (k->fill == KEY_FFT) {
			analyse_frame(k);
			k->fill = 0;
		}
	}
	k->frames_done += frames;
}

/* Pearson correlation of the chroma with profile p turned to tonic t. */
static double correlate(const double *c, const double *p, int t)
{
	double mc = 0, mp = 0, sxy = 0, sxx = 0, syy = 0;
	int i;

	for (i = 0; i < 12; i++) {
		mc += c[i] / 12;
		mp += p[i] / 12;
	}
	for (i = 0; i < 12; i++) {
		double x = c[(i + t) % 12] - mc, y = p[i] - mp;

		sxy += x * y;
		sxx += x * x;
		syy += y * y;
	}
	return sxx > 0 ? sxy / sqrt(sxx * syy) : 0;
}

int key_estimate(const struct key *k, double *confidence)
{
	double best = -2, second = -2;
	int key, found = KEY_NOT_FOUND;

	if (confidence)
		*confidence = 0;
	for (key = 0; key < 24; key++) {
		double r = correlate(k->chroma, key < 12 ? major_profile : minor_profile, key % 12);

		if (r > best) {
			second = best;
			best = r;
			found = key;
		} else if (r > second) {
			second = r;
		}
	}
	if (best <= 0)
		return KEY_NOT_FOUND;
	if (confidence)
		*confidence = best - second < 1 ? best - second : 1;
	return found;
}
