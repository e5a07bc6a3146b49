/*
 * wavesum.c: band split, column reduction and the zoom pyramid.
 */
#include "wavesum.h"

#include <math.h>
#include <string.h>

#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

int wavesum_hop(int rate)
{
	return rate <= 64000 ? 128 : 256;
}

long wavesum_columns(long max_frames, int rate)
{
	long total = 0, per = wavesum_hop(rate);
	int l;

	for (l = 0; l < WAVESUM_LEVELS; l++, per *= 2)
		total += max_frames / per + 1;
	return total;
}

/* Butterworth (q = 1/sqrt 2) low- or high-pass, bilinear, prewarped. */
static void butter2(float c[5], double fs, double f0, int high)
{
	double k = tan(M_PI * f0 / fs), q = M_SQRT1_2, n = 1 / (1 + k / q + k * k);

	if (high) {
		c[0] = (float)n;
		c[1] = (float)(-2 * n);
		c[2] = (float)n;
	} else {
		c[0] = (float)(k * k * n);
		c[1] = (float)(2 * k * k * n);
		c[2] = (float)(k * k * n);
	}
	c[3] = (float)(2 * (k * k - 1) * n);
	c[4] = (float)((1 - k / q + k * k) * n);
}

void wavesum_init(struct wavesum *w, int rate, struct wave_col *cols, long max_frames)
{
	long per, used = 0;
	int l;

	memset(w, 0, sizeof *w);
	w->rate = rate;
	w->hop = wavesum_hop(rate);
	butter2(w->lp, rate / 2.0, WAVESUM_LOW_HZ, 0);
	butter2(w->hp, rate / 2.0, WAVESUM_HIGH_HZ, 1);
	butter2(w->bp[0], rate / 2.0, WAVESUM_LOW_HZ, 1);
	butter2(w->bp[1], rate / 2.0, WAVESUM_HIGH_HZ, 0);
	per = w->hop;
	for (l = 0; l < WAVESUM_LEVELS; l++, per *= 2) {
		w->level[l] = cols + used;
		w->cap[l] = max_frames / per + 1;
		used += w->cap[l];
	}
}

/* Samples from i on, after the groups of four, in both paths alike. */
static void reduce_tail(const float *x, const float *lo, const float *mid, const float *hi, int i, int n,
			float out[4])
{
	for (; i < n; i++) {
		float l = lo[i], h = hi[i], m = mid[i], a = fabsf(x[i]);

		out[0] += l * l;
		out[1] += m * m;
		out[2] += h * h;
		out[3] = a > out[3] ? a : out[3];
	}
}

void wavesum_reduce_scalar(const float *x, const float *lo, const float *mid, const float *hi, int n,
			   float out[4])
{
	float s[4][4] = {{0}}, pk[4] = {0};
	int i = 0, j;

	for (; i + 4 <= n; i += 4) {
		for (j = 0; j < 4; j++) {
			float l = lo[i + j], h = hi[i + j], m = mid[i + j], a = fabsf(x[i + j]);

			s[0][j] = s[0][j] + l * l;
			s[1][j] = s[1][j] + m * m;
			s[2][j] = s[2][j] + h * h;
			pk[j] = a > pk[j] ? a : pk[j];
		}
	}
	for (j = 0; j < 3; j++)
		out[j] = (s[j][0] + s[j][2]) + (s[j][1] + s[j][3]);
	out[3] = fmaxf(fmaxf(pk[0], pk[1]), fmaxf(pk[2], pk[3]));
	reduce_tail(x, lo, mid, hi, i, n, out);
}

#if defined(__ARM_NEON)
void wavesum_reduce(const float *x, const float *lo, const float *mid, const float *hi, int n,
			   float out[4])
{
	float32x4_t sl = vdupq_n_f32(0), sm = sl, sh = sl, pk = sl;
	float s[3][4], p[4];
	int i = 0, j;

	for (; i + 4 <= n; i += 4) {
		float32x4_t vx = vld1q_f32(x + i), vl = vld1q_f32(lo + i), vh = vld1q_f32(hi + i);
		float32x4_t vm = vld1q_f32(mid + i);

		sl = vaddq_f32(sl, vmulq_f32(vl, vl));
		sm = vaddq_f32(sm, vmulq_f32(vm, vm));
		sh = vaddq_f32(sh, vmulq_f32(vh, vh));
		pk = vmaxnmq_f32(pk, vabsq_f32(vx));
	}
	vst1q_f32(s[0], sl);
	vst1q_f32(s[1], sm);
	vst1q_f32(s[2], sh);
	vst1q_f32(p, pk);
	for (j = 0; j < 3; j++)
		out[j] = (s[j][0] + s[j][2]) + (s[j][1] + s[j][3]);
	out[3] = fmaxf(fmaxf(p[0], p[1]), fmaxf(p[2], p[3]));
	reduce_tail(x, lo, mid, hi, i, n, out);
}

int wavesum_has_neon(void)
{
	return 1;
}
#else
void wavesum_reduce(const float *x, const float *lo, const float *mid, const float *hi, int n,
			   float out[4])
{
	wavesum_reduce_scalar(x, lo, mid, hi, n, out);
}

int wavesum_has_neon(void)
{
	return 0;
}
#endif

static unsigned char quantise(float v)
{
	float q = 255.0f * sqrtf(v < 1.0f ? v : 1.0f);

	return (unsigned char)(q > 0 ? q + 0.5f : 0);
}

static float amplitude(unsigned char q)
{
	float a = q / 255.0f;

	return a * a;
}

/* Store a column (energies as mean squares, peak linear) at level l and pool it upwards. */
static void put(struct wavesum *w, int l, const float e[4])
{
	for (;;) {
		float *p = w->pool[l];
		long i = w->n[l];

		if (i < w->cap[l]) {
			struct wave_col *c = &w->level[l][i];

			c->low = quantise(sqrtf(e[0]));
			c->mid = quantise(sqrtf(e[1]));
			c->high = quantise(sqrtf(e[2]));
			c->peak = quantise(e[3]);
			w->n[l] = i + 1;
		}
		if (l + 1 == WAVESUM_LEVELS)
			return;
		if (!(i & 1)) {
			memcpy(p, e, sizeof p[0] * 4);
			return;
		}
		/* the pair is complete: its mean energies and larger peak go up */
		p[0] = (p[0] + e[0]) * 0.5f;
		p[1] = (p[1] + e[1]) * 0.5f;
		p[2] = (p[2] + e[2]) * 0.5f;
		p[3] = p[3] > e[3] ? p[3] : e[3];
		e = p;
		l++;
	}
}

/* One second-order section over n samples (TDF-II), state z. */
static void section(const float c[5], float z[2], const float *in, float *out, int n)
{
	float z1 = z[0], z2 = z[1];
	int i;

	for (i = 0; i < n; i++) {
		float x = in[i], y = c[0] * x + z1;

		z1 = c[1] * x - c[3] * y + z2;
		z2 = c[2] * x - c[4] * y;
		out[i] = y;
	}
	/* flush denormals and recover from a NaN */
	z[0] = isfinite(z1) && fabsf(z1) > 1e-18f ? z1 : 0;
	z[1] = isfinite(z2) && fabsf(z2) > 1e-18f ? z2 : 0;
}

int wavesum_feed(struct wavesum *w, const float *in, int frames, float (*bands)[4])
{
	int half = w->hop / 2, done = 0, i = 0;

	while (i + 1 < frames) {
		int take = (frames - i) / 2, j;

		if (take > half - w->fill)
			take = half - w->fill;
		for (j = 0; j < take; j++) {
			const float *f = in + 2 * (i + 2 * j);
			w->x[w->fill + j] = 0.25f * ((f[0] + f[1]) + (f[2] + f[3]));
		}
		section(w->lp, w->lz, w->x + w->fill, w->lo + w->fill, take);
		section(w->hp, w->hz, w->x + w->fill, w->hi + w->fill, take);
		section(w->bp[0], w->bz[0], w->x + w->fill, w->mid + w->fill, take);
		section(w->bp[1], w->bz[1], w->mid + w->fill, w->mid + w->fill, take);
		w->fill += take;
		i += 2 * take;
		if (w->fill == half) {
			float e[4];

			wavesum_reduce(w->x, w->lo, w->mid, w->hi, half, e);
			e[0] /= half;
			e[1] /= half;
			e[2] /= half;
			if (bands)
				memcpy(bands[done], e, sizeof e);
			put(w, 0, e);
			w->fill = 0;
			done++;
		}
	}
	return done;
}

long wavesum_frames(const struct wavesum *w)
{
	return w->n[0] * (long)w->hop;
}

void wavesum_read(const struct wavesum *w, double from, double frames_per_col, struct wave_col *out,
		  int n)
{
	int l = 0, i;
	double per;

	while (l + 1 < WAVESUM_LEVELS && (double)(w->hop << (l + 1)) <= frames_per_col)
		l++;
	per = (double)(w->hop << l);
	for (i = 0; i < n; i++) {
		double a = (from + i * frames_per_col) / per, b = (from + (i + 1) * frames_per_col) / per;
		long c0 = (long)floor(a), c1 = (long)ceil(b), c, count = 0;
		float e[3] = {0}, pk = 0;

		if (c1 <= c0)
			c1 = c0 + 1;
		for (c = c0 < 0 ? 0 : c0; c < c1 && c < w->n[l]; c++) {
			const struct wave_col *s = &w->level[l][c];
			float v;

			v = amplitude(s->low);
			e[0] += v * v;
			v = amplitude(s->mid);
			e[1] += v * v;
			v = amplitude(s->high);
			e[2] += v * v;
			v = amplitude(s->peak);
			pk = v > pk ? v : pk;
			count++;
		}
		if (!count) {
			memset(&out[i], 0, sizeof out[i]);
			continue;
		}
		out[i].low = quantise(sqrtf(e[0] / count));
		out[i].mid = quantise(sqrtf(e[1] / count));
		out[i].high = quantise(sqrtf(e[2] / count));
		out[i].peak = quantise(pk);
	}
}
