/*
 * signals: see signals.h.
 */
#include "signals.h"

#include <math.h>

static uint32_t rng = 2463534242u;

uint32_t signal_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

float signal_noise(void)
{
	return (float)((double)signal_random() / 4294967296.0 * 2.0 - 1.0);
}

void tone_fft(double *re, double *im, int n)
{
	int i, j, len;

	for (i = 1, j = 0; i < n; i++) {
		int bit = n >> 1;

		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			double t = re[i];
			re[i] = re[j];
			re[j] = t;
			t = im[i];
			im[i] = im[j];
			im[j] = t;
		}
	}
	for (len = 2; len <= n; len <<= 1) {
		double a = -2 * M_PI / len;

		for (i = 0; i < n; i += len) {
			for (j = 0; j < len / 2; j++) {
				double wr = cos(a * j), wi = sin(a * j);
				double xr = re[i + j + len / 2] * wr - im[i + j + len / 2] * wi;
				double xi = re[i + j + len / 2] * wi + im[i + j + len / 2] * wr;

				re[i + j + len / 2] = re[i + j] - xr;
				im[i + j + len / 2] = im[i + j] - xi;
				re[i + j] += xr;
				im[i + j] += xi;
			}
		}
	}
}

/* Least squares: y[2 i] ~ a cos(w i) + b sin(w i) + c over i in [i0, i1). */
static void fit(const float *y, int i0, int i1, double w, double *a, double *b, double *c)
{
	double m[3][4] = {{0}}, x[3];
	int i, r, k, q;

	for (i = i0; i < i1; i++) {
		double v[3] = {cos(w * i), sin(w * i), 1}, s = y[2 * i];

		for (r = 0; r < 3; r++) {
			for (k = 0; k < 3; k++)
				m[r][k] += v[r] * v[k];
			m[r][3] += v[r] * s;
		}
	}
	for (r = 0; r < 3; r++) {
		for (q = r + 1; q < 3; q++) {
			double f = m[q][r] / m[r][r];

			for (k = r; k < 4; k++)
				m[q][k] -= f * m[r][k];
		}
	}
	for (r = 2; r >= 0; r--) {
		double s = m[r][3];

		for (k = r + 1; k < 3; k++)
			s -= m[r][k] * x[k];
		x[r] = s / m[r][r];
	}
	*a = x[0];
	*b = x[1];
	*c = x[2];
}

void tone_measure(const float *y, int n, double rate, double hz_guess, struct tone_meas *m)
{
	static double re[TONE_MEASURE_MAX], im[TONE_MEASURE_MAX];
	double w = 2 * M_PI * hz_guess / rate, a, b, c, a2, b2, c2;
	double rp = 0, band = 0, all = 0, sig;
	int it, i;

	if (n > TONE_MEASURE_MAX)
		n = TONE_MEASURE_MAX;
	for (it = 0; it < 4; it++) {
		fit(y, 0, n / 2, w, &a, &b, &c);
		fit(y, n / 2, n, w, &a2, &b2, &c2);
		w += remainder(atan2(-b2, a2) - atan2(-b, a), 2 * M_PI) / (n / 2);
	}
	fit(y, 0, n, w, &a, &b, &c);
	for (i = 0; i < n; i++) {
		double r = y[2 * i] - (a * cos(w * i) + b * sin(w * i) + c);
		double x = 2 * M_PI * i / n;

		rp += r * r;
		re[i] =
		    r * (0.35875 - 0.48829 * cos(x) + 0.14128 * cos(2 * x) - 0.01168 * cos(3 * x));
		im[i] = 0;
	}
	tone_fft(re, im, n);
	for (i = 1; i < n / 2; i++) {
		double p = re[i] * re[i] + im[i] * im[i], f = i * rate / n;

		all += p;
		if (f >= 20 && f <= 20000)
			band += p;
	}
	sig = (a * a + b * b) / 2;
	m->hz = w * rate / (2 * M_PI);
	m->amp = sqrt(a * a + b * b);
	m->thdn = 10 * log10((all > 0 ? rp / n * band / all : 0) / sig + 1e-30);
}
