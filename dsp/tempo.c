/*
 * tempo.c: onset envelope, running autocorrelation, comb and line fit.
 */
#include "tempo.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* Band weights of the onset strength: low, mid, high. */
static const float band_weight[3] = {1.0f, 0.8f, 0.6f};
/* A relative of the pick needs this share of its autocorrelation score. */
#define BB_EVIDENCE 0.5
static double range_weight(double bpm, double lo, double hi);
static double score(const struct tempo *t, double mean2, double l);
/* Mean-square floor of the log energies: -90 dBFS. */
#define ENERGY_FLOOR 1e-9f
/*
 * Where a beat's attack lies relative to the onset peak the fit finds, in
 * columns: the rise of energy spreads over the attack's column and the
 * next. Measured on the generated set (tools/gen), whose drums start on
 * exact frames.
 */
#define ONSET_LAG_COLS 0.0
/* How far outside the DJ range the weight falls to 1/e: log2 units. */
#define RANGE_SOFTNESS 0.25

static int lag_max_for(double env_rate)
{
	return (int)ceil(2 * env_rate / TEMPO_DECIM * 60 / TEMPO_SEARCH_MIN) + 3;
}

static double env_rate_for(int rate, int hop)
{
	/* wavesum columns: hop frames each */
	return (double)rate / hop;
}

size_t tempo_bytes(long max_frames, int rate, int hop)
{
	long cap = max_frames / hop + 2;
	int lags = lag_max_for(env_rate_for(rate, hop));

	return sizeof(double) * (size_t)(2 * lags + 2) + sizeof(float) * (size_t)(2 * cap + 2 * (cap / TEMPO_DECIM + 1));
}

void tempo_init(struct tempo *t, int rate, int hop, void *mem, long max_frames)
{
	memset(t, 0, sizeof *t);
	t->rate = rate;
	t->hop = hop;
	t->env_rate = env_rate_for(rate, hop);
	t->cap = max_frames / hop + 2;
	t->lag_max = lag_max_for(t->env_rate);
	t->acf = mem;
	t->macf = t->acf + t->lag_max + 1;
	memset(t->acf, 0, sizeof(double) * (size_t)(2 * t->lag_max + 2));
	t->env = (float *)(t->macf + t->lag_max + 1);
	t->scratch = t->env + t->cap;
	t->dcap = t->cap / TEMPO_DECIM + 1;
	t->denv = t->scratch + t->cap;
	t->menv = t->denv + t->dcap;
}

static void push_decimated(struct tempo *t, float v, float m)
{
	long j = t->dn, l, top;

	if (j >= t->dcap)
		return;
	t->denv[j] = v;
	t->menv[j] = m;
	top = j < t->lag_max ? j : t->lag_max;
	for (l = 0; l <= top; l++) {
		t->acf[l] += (double)(v * t->denv[j - l]);
		t->macf[l] += (double)(m * t->menv[j - l]);
	}
	t->dsum += v;
	t->msum += m;
	t->dn = j + 1;
}

void tempo_feed(struct tempo *t, const float (*bands)[4], int n)
{
	int i, b;

	for (i = 0; i < n; i++) {
		float o = 0, l[3], e = bands[i][1] + bands[i][2], lm;

		/* mid and high together: where snares and claps are */
		lm = logf((isfinite(e) ? e : 0) + ENERGY_FLOOR);
		if (t->primed && lm > t->prevm)
			t->macc += lm - t->prevm;
		t->prevm = lm;
		for (b = 0; b < 3; b++) {
			e = bands[i][b];
			l[b] = logf((isfinite(e) ? e : 0) + ENERGY_FLOOR);
			if (t->primed && l[b] > t->prev[b])
				o += band_weight[b] * (l[b] - t->prev[b]);
			t->prev[b] = l[b];
		}
		t->primed = 1;
		if (t->n < t->cap)
			t->env[t->n++] = o;
		t->dacc += o;
		if (++t->dfill == TEMPO_DECIM) {
			push_decimated(t, t->dacc, t->macc);
			t->dacc = 0;
			t->macc = 0;
			t->dfill = 0;
		}
	}
}

static double acf_of(const double *acf, const struct tempo *t, double mean2, double lag)
{
	int l = (int)lag;
	double f = lag - l, a, b;

	if (l < 0 || l + 1 > t->lag_max)
		return 0;
	a = acf[l] / (double)(t->dn - l) - mean2;
	b = acf[l + 1] / (double)(t->dn - l - 1) - mean2;
	return a + f * (b - a);
}

/* The mean-removed autocorrelation at a fractional lag. */
static double acf_at(const struct tempo *t, double mean2, double lag)
{
	return acf_of(t->acf, t, mean2, lag);
}

/*
 * The backbeat: snares (the mid band) repeat every two beats but not
 * every beat. Among the octave and 3:2 relatives of the pick, the one
 * whose mid-band rhythm fits that best is the beat.
 */
static double backbeat_level(const struct tempo *t, double lag, double lo, double hi)
{
	static const double rel[5] = {1, 0.5, 2, 2.0 / 3, 1.5};
	double dr = t->env_rate / TEMPO_DECIM, m = t->msum / t->dn, m2 = m * m, mean = t->dsum / t->dn;
	double best = -1e30, at = lag, base = score(t, mean * mean, lag);
	int k;

	for (k = 0; k < 5; k++) {
		double c = lag * rel[k], bpm = 60 * dr / c, sc;

		if (bpm < TEMPO_SEARCH_MIN || bpm > TEMPO_SEARCH_MAX || 2 * c + 1 > t->lag_max)
			continue;
		/* the pick may lie outside the DJ range; a relative only inside it */
		if (k > 0 && (bpm < lo || bpm > hi))
			continue;
		if (score(t, mean * mean, c) < BB_EVIDENCE * base)
			continue;
		sc = acf_of(t->macf, t, m2, 2 * c) - acf_of(t->macf, t, m2, c);
		/* outside the DJ range: weaker, whatever the sign */
		sc = sc > 0 ? sc * range_weight(bpm, lo, hi) : sc / (range_weight(bpm, lo, hi) + 1e-3);
		if (sc > best) {
			best = sc;
			at = c;
		}
	}
	return at;
}


/* The beat's score: its lag and the bar half agree; a beat and a half is off-beat. */
static double score(const struct tempo *t, double mean2, double l)
{
	return acf_at(t, mean2, l) + 0.5 * acf_at(t, mean2, 2 * l);
}

static double range_weight(double bpm, double lo, double hi)
{
	double d = 0;

	if (bpm < lo)
		d = log2(lo / bpm);
	else if (bpm > hi)
		d = log2(bpm / hi);
	d /= RANGE_SOFTNESS;
	return exp(-d * d);
}

/* Comb sum of s (n values) on beats phase + k period. */
static double comb(const float *s, long n, double period, double phase)
{
	double sum = 0, x;

	for (x = phase; x < n - 0.5; x += period)
		sum += s[(long)(x + 0.5)];
	return sum;
}

/* Best phase (whole columns) for period; its comb sum in *best. */
static double best_phase(const float *s, long n, double period, double *best)
{
	double b = -1, at = 0, ph;

	for (ph = 0; ph < period; ph += 1.0) {
		double c = comb(s, n, period, ph);
		if (c > b) {
			b = c;
			at = ph;
		}
	}
	*best = b;
	return at;
}

/* Search period * (1 + k step), |k| <= steps; keeps the best in *period, *phase. */
static double search(const float *s, long n, double *period, double *phase, double step, int steps)
{
	double p0 = *period, best = -1;
	int k;

	for (k = -steps; k <= steps; k++) {
		double p = p0 * (1 + k * step), c, ph = best_phase(s, n, p, &c);
		if (c > best) {
			best = c;
			*period = p;
			*phase = ph;
		}
	}
	return best;
}

/* The onset peak near x (within w columns) of s: its fractional position; 0 if none. */
static double peak_near(const float *s, long n, double x, double w, float *value)
{
	long lo = (long)floor(x - w), hi = (long)ceil(x + w), i, m = -1;
	float best = 0;

	if (lo < 1)
		lo = 1;
	if (hi > n - 2)
		hi = n - 2;
	for (i = lo; i <= hi; i++)
		if (s[i] > best) {
			best = s[i];
			m = i;
		}
	*value = best;
	if (m < 0)
		return -1;
	{
		double y0 = s[m - 1], y1 = s[m], y2 = s[m + 1], d = y0 - 2 * y1 + y2;
		return m + (d < 0 ? 0.5 * (y0 - y2) / d : 0);
	}
}

struct line {
	double a, b; /* beat i at a + b i columns */
	int used;
};

/* Weighted least squares through the beats' peaks, dropping outliers twice. */
static int fit(const float *s, long n, double phase, double period, struct line *ln, double *mean_peak)
{
	long beats = (long)((n - 1 - phase) / period) + 1, i;
	double a = phase, b = period, tot = 0;
	int pass, count = 0;

	for (i = 0; i < beats; i++) {
		float v;
		peak_near(s, n, a + b * i, 2, &v);
		tot += v;
	}
	*mean_peak = beats ? tot / beats : 0;
	for (pass = 0; pass < 3; pass++) {
		double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
		double win = pass == 0 ? 0.12 * b : 0.06 * b;
		double tol = pass == 0 ? 0.1 * b : 0.03 * b + 1;

		count = 0;
		for (i = 0; i < beats; i++) {
			double pred = a + b * i, x;
			float v;

			x = peak_near(s, n, pred, win < 2 ? 2 : win, &v);
			if (x < 0 || v < 0.25 * *mean_peak || fabs(x - pred) > tol)
				continue;
			sw += v;
			sx += v * i;
			sy += v * x;
			sxx += v * (double)i * i;
			sxy += v * i * x;
			count++;
		}
		if (count < 8 || sw * sxx - sx * sx <= 0)
			return -1;
		b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
		a = (sy - b * sx) / sw;
	}
	ln->a = a;
	ln->b = b;
	ln->used = count;
	return 0;
}

int tempo_finish(struct tempo *t, double min_bpm, double max_bpm, struct tempo_result *r)
{
	double dr = t->env_rate / TEMPO_DECIM, mean, mean2, best = 0, lag = 0, period, phase = 0;
	double cbest, total = 0, mean_peak;
	const float *e = t->env;
	float *s = t->scratch;
	long n = t->n, i, first;
	struct line ln;
	int l, lmin, lmax;

	memset(r, 0, sizeof *r);
	if (t->dn < (long)(8 * dr) || n < 3)
		return -ENODATA;
	if (!(min_bpm > 0) || max_bpm < min_bpm) {
		min_bpm = 70;
		max_bpm = 180;
	}
	mean = t->dsum / t->dn;
	mean2 = mean * mean;

	/* 2. the tempo's octave and rough period, in decimated columns */
	lmin = (int)floor(60 * dr / TEMPO_SEARCH_MAX);
	lmax = (int)ceil(60 * dr / TEMPO_SEARCH_MIN);
	if (lmin < 2)
		lmin = 2;
	for (l = lmin; l <= lmax && 2 * l + 1 <= t->lag_max; l++) {
		double sc = score(t, mean2, l);

		sc = (sc > 0 ? sc : 0) * range_weight(60 * dr / l, min_bpm, max_bpm);
		if (sc > best) {
			best = sc;
			lag = l;
		}
	}
	if (best <= 0)
		return -ENODATA;
	{
		double ym = score(t, mean2, lag - 1), y0 = score(t, mean2, lag), yp = score(t, mean2, lag + 1);
		double d = ym - 2 * y0 + yp;

		if (d < 0)
			lag += 0.5 * (ym - yp) / d;
	}

	lag = backbeat_level(t, lag, min_bpm, max_bpm);

	/* 3. comb on the smoothed full-resolution envelope, then the line fit */
	s[0] = e[0];
	s[n - 1] = e[n - 1];
	for (i = 1; i + 1 < n; i++)
		s[i] = 0.25f * e[i - 1] + 0.5f * e[i] + 0.25f * e[i + 1];
	for (i = 0; i < n; i++)
		total += s[i];
	period = lag * TEMPO_DECIM;
	search(s, n, &period, &phase, 0.002, 15);
	cbest = search(s, n, &period, &phase, 0.0001, 10);
	if (fit(s, n, phase, period, &ln, &mean_peak))
		return -ENODATA;

	/* 4. the first beat from which the beats carry onsets steadily */
	first = 0;
	for (i = 0; ln.a + ln.b * (i + 3) < n - 2; i++) {
		int k, on = 0;
		float v;

		for (k = 0; k < 4; k++) {
			peak_near(s, n, ln.a + ln.b * (i + k), 2, &v);
			on += v >= 0.3 * mean_peak;
		}
		peak_near(s, n, ln.a + ln.b * i, 2, &v);
		if (on >= 3 && v >= 0.3 * mean_peak) {
			first = i;
			break;
		}
	}
	r->bpm = 60 * t->env_rate / ln.b;
	r->first_beat = (ln.a + ln.b * first + ONSET_LAG_COLS) * t->hop;
	r->beats = ln.used;
	{
		double cmean = total / period;
		long beats = (long)((n - 1 - ln.a) / ln.b) - first + 1;
		double contrast = cbest > 0 ? 1 - cmean / cbest : 0;
		double share = beats > 0 ? (double)ln.used / beats : 0;

		r->confidence = (contrast > 0 ? contrast : 0) * (share < 1 ? share : 1);
	}
	return 0;
}
