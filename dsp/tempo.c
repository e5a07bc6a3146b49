/*
 * tempo.c: onset envelopes, running autocorrelation, candidate beats
 * weighed by the drums' structure, and the line fit.
 */
#include "tempo.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* Band weights of the grid's onset strength: low, mid, high. */
static const float band_weight[3] = {1.0f, 0.8f, 0.6f};
/* Mean-square floor of the log energies: -90 dBFS. */
#define ENERGY_FLOOR 1e-9f
/*
 * Where a beat's attack lies relative to the onset peak the fit finds, in
 * columns: the rise of energy spreads over the attack's column and the
 * next. Measured on the generated set (tools/gen), whose drums start on
 * exact frames.
 */
#define ONSET_LAG_COLS 0.0
/* How far outside the DJ range its penalty reaches 1 (W_RANGE): log2 units. */
#define RANGE_SOFTNESS 0.25
/* Beats per segment of the phase refinement; segments at most (then longer segments). */
#define SEG_BEATS 8
#define SEG_MAX 512
/* Autocorrelation peaks whose relatives become candidates; candidates at most (one spare). */
#define FAMILIES TEMPO_FAMILIES
#define MAX_CANDS (FAMILIES * 9 + 1)
/*
 * Weights of level_score(), tuned on the generated set (tools/gen, tracks
 * 0..399; 400..599 held out) and checked on pulses the set lacks (a kick
 * alone, a metronome, a kick with off-beat hats) and on the bench's real
 * tracks. KICK_SHARE: the kick's part of the backbeat against the snare's;
 * BACKBEAT_CRED: how far the kick's beats must stand out from the
 * off-beats (a share of them) for the backbeat to count in full;
 * BACKBEAT_MAX: a backbeat counts this much at most (a kick and a hat
 * taking turns look like one beyond any real snare).
 */
#define W_STEADY 1.0
#define W_BACKBEAT 1.5
#define BACKBEAT_MAX 1.0
#define KICK_SHARE 0.25
#define BACKBEAT_CRED 0.3
#define W_THIRD 1.0
#define W_QUARTER 1.5
#define W_HALF 0.25
#define W_PAIRS 1.0
#define W_BAR 0.5
#define W_RANGE 0.75
/* A level that wins by this much (in level_score()) has confidence 82 % (a tie: 50 %). */
#define CLEAR_MARGIN 0.5
/* The downbeat's beat needs this much more harmony change than the next best. */
#define BAR_CLEAR 1.1
/* Each band's onsets count over the band's mean, or this share of all bands' mean if more. */
#define BAND_FLOOR 0.25

/* The longest lag of the autocorrelation: the slowest candidate's beat, decimated columns. */
/* What a candidate beat period looks like in the drums. */
struct cand {
	double lag;        /* rough period, decimated columns */
	double a, p;       /* refined: first beat and period, decimated columns */
	double coh;        /* share of the segments on the line */
	double beat[3][4]; /* each band's onset on the bar's four beats */
	double sub[3][5];  /* and between beats, at sub_at[] */
	double sal;        /* all bands on the beats */
	double value;      /* level_score() */
};

static int lag_max_for(double env_rate)
{
	return (int)ceil(env_rate / TEMPO_DECIM * 60 / TEMPO_SEARCH_MIN) + 3;
}

static double env_rate_for(int rate, int hop)
{
	/* wavesum columns: hop frames each */
	return (double)rate / hop;
}

size_t tempo_bytes(long max_frames, int rate, int hop)
{
	long cap = max_frames / hop + 2, dcap = cap / TEMPO_DECIM + 1;
	int lags = lag_max_for(env_rate_for(rate, hop));

	/* candidates; acf; ring; env; three bands; at finish, three onsets and their sum */
	return sizeof(struct cand) * MAX_CANDS + sizeof(double) * (size_t)(lags + 1) +
	       sizeof(float) * (size_t)(lags + 1 + cap + 7 * dcap);
}

void tempo_init(struct tempo *t, int rate, int hop, void *mem, long max_frames)
{
	int b;

	memset(t, 0, sizeof *t);
	t->rate = rate;
	t->hop = hop;
	t->env_rate = env_rate_for(rate, hop);
	t->cap = max_frames / hop + 2;
	t->lag_max = lag_max_for(t->env_rate);
	t->cands = mem;
	t->acf = (double *)((struct cand *)t->cands + MAX_CANDS);
	memset(t->acf, 0, sizeof(double) * (size_t)(t->lag_max + 1));
	t->ring = (float *)(t->acf + t->lag_max + 1);
	t->env = t->ring + t->lag_max + 1;
	t->dcap = t->cap / TEMPO_DECIM + 1;
	for (b = 0; b < 3; b++)
		t->band[b] = t->env + t->cap + b * t->dcap;
	t->work = t->band[2] + t->dcap;
}

/* One decimated column: its bands kept, its onset into the autocorrelation. */
static void push_decimated(struct tempo *t, float v)
{
	long j = t->dn, l, top, size = t->lag_max + 1, at = j % size;
	int b;

	if (j >= t->dcap)
		return;
	t->ring[at] = v;
	for (b = 0; b < 3; b++)
		t->band[b][j] = t->eacc[b];
	top = j < t->lag_max ? j : t->lag_max;
	/* lags 0..at are ring[at..0]; the rest wrap to the ring's end */
	for (l = 0; l <= top && l <= at; l++)
		t->acf[l] += (double)(v * t->ring[at - l]);
	for (; l <= top; l++)
		t->acf[l] += (double)(v * t->ring[at - l + size]);
	t->dsum += v;
	t->dn = j + 1;
}

void tempo_feed(struct tempo *t, const float (*bands)[4], int n)
{
	int i, b;

	t->fin.stage = TEMPO_FIN_START;

	for (i = 0; i < n; i++) {
		float o = 0, l[3], e;

		for (b = 0; b < 3; b++) {
			e = bands[i][b];
			e = isfinite(e) && e > 0 ? e : 0;
			t->eacc[b] += e;
			l[b] = logf(e + ENERGY_FLOOR);
			if (t->primed && l[b] > t->prev[b])
				o += band_weight[b] * (l[b] - t->prev[b]);
			t->prev[b] = l[b];
		}
		t->primed = 1;
		if (t->n < t->cap)
			t->env[t->n++] = o;
		t->dacc += o;
		if (++t->dfill == TEMPO_DECIM) {
			push_decimated(t, t->dacc);
			t->dacc = 0;
			t->eacc[0] = t->eacc[1] = t->eacc[2] = 0;
			t->dfill = 0;
		}
	}
}

/* The mean-removed autocorrelation at a fractional lag. */
static double acf_at(const struct tempo *t, double mean2, double lag)
{
	int l = (int)lag;
	double f = lag - l, a, b;

	if (l < 0 || l + 1 > t->lag_max)
		return 0;
	a = t->acf[l] / (double)(t->dn - l) - mean2;
	b = t->acf[l + 1] / (double)(t->dn - l - 1) - mean2;
	return a + f * (b - a);
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

/* The column nearest to x (x >= -0.5), without a call into libm. */
static long col(double x)
{
	return (long)(x + 0.5);
}

/* The largest value of s (n values) in columns [a, b] (rounded), clipped. */
static float max_in(const float *s, long n, double a, double b)
{
	long i = a < 0 ? 0 : col(a), e = col(b);
	float m = 0;

	if (e > n - 1)
		e = n - 1;
	for (; i <= e; i++)
		m = s[i] > m ? s[i] : m;
	return m;
}

/*
 * 3a. The structure envelopes, per decimated column: each band's rise in
 * amplitude (loud hits count more than soft ones, unlike the log rise of
 * the grid's envelope), over the band's mean rise; and their sum.
 */
static void structure(struct tempo *t, float *on[3], float **sum)
{
	long n = t->dn, i;
	double mean[3], all;
	int b;

	*sum = t->work + 3 * t->dcap;
	for (b = 0; b < 3; b++) {
		float a1 = 0, a2 = 0;

		on[b] = t->work + b * t->dcap;
		mean[b] = 0;
		for (i = 0; i < n; i++) {
			/* over two columns: a hit that straddles two counts whole */
			float a = sqrtf(t->band[b][i]), lo = i > 1 ? fminf(a1, a2) : a;

			on[b][i] = a > lo ? a - lo : 0;
			a2 = a1;
			a1 = a;
			mean[b] += on[b][i];
		}
	}
	/* a band that only leaks from its neighbours stays small */
	all = (mean[0] + mean[1] + mean[2]) / 3;
	for (b = 0; b < 3; b++)
		mean[b] = fmax(mean[b], BAND_FLOOR * all) / n;
	for (i = 0; i < n; i++) {
		float v = 0;

		for (b = 0; b < 3; b++) {
			on[b][i] = mean[b] > 0 ? (float)(on[b][i] / mean[b]) : 0;
			v += on[b][i];
		}
		(*sum)[i] = v;
	}
}

/* Weighted least squares of tau on k: the line tau = a + b k. */
struct lsq {
	double w, k, t, kk, kt;
};

static void lsq_add(struct lsq *q, double w, double k, double tau)
{
	q->w += w;
	q->k += w * k;
	q->t += w * tau;
	q->kk += w * k * k;
	q->kt += w * k * tau;
}

/* Return: 0 and the line, or -1 while it is undetermined. */
static int lsq_line(const struct lsq *q, double *a, double *b)
{
	double d = q->w * q->kk - q->k * q->k;

	if (q->w <= 0 || d <= 1e-9 * q->w * q->w)
		return -1;
	*b = (q->w * q->kt - q->k * q->t) / d;
	*a = (q->t - *b * q->k) / q->w;
	return 0;
}

/* The comb of x over beats base + ph + j p, j < beats. */
static double comb_at(const float *x, long n, double base, double p, int beats)
{
	double sum = 0;
	int j;

	for (j = 0; j < beats; j++) {
		double at = base + j * p;
		long i = col(at);

		if (at >= -0.5 && i < n)
			sum += x[i];
	}
	return sum;
}

/*
 * 3b. Period and phase of beats near period p (decimated columns) over the
 * whole track: the best phase of each segment of a few beats, unwrapped
 * against the line so far (from the strongest segment outwards), then a
 * weighted line through them. Long tracks need this: a comb over the whole
 * track has a peak too narrow to search for.
 * Return: the share of the segments' strength that sits on the line (0..1).
 */
static double refine(const float *x, long n, double p, double *a_out, double *p_out)
{
	double tau[SEG_MAX], w[SEG_MAX], seg, a, b, top = 0, tot = 0, on = 0;
	long nseg, s, anchor = 0;
	int beats = SEG_BEATS, phases = (int)ceil(p), dir, pass;
	struct lsq q;

	if (n / p > (double)SEG_BEATS * SEG_MAX)
		beats = (int)ceil(n / p / SEG_MAX);
	seg = beats * p;
	nseg = (long)(n / seg);
	if (nseg < 2 || phases < 3)
		return 0;
	for (s = 0; s < nseg; s++) {
		double base = s * seg, best = -1, mean = 0, c0, c1, c2, d;
		int ph, at = 0;

		for (ph = 0; ph < phases; ph++) {
			double sum = comb_at(x, n, base + ph, p, beats);

			mean += sum;
			if (sum > best) {
				best = sum;
				at = ph;
			}
		}
		w[s] = best - mean / phases;
		/* a fraction of a column from the neighbours */
		c0 = comb_at(x, n, base + at - 1, p, beats);
		c1 = best;
		c2 = comb_at(x, n, base + at + 1, p, beats);
		d = c0 - 2 * c1 + c2;
		tau[s] = base + at + (d < 0 ? 0.5 * (c0 - c2) / d : 0);
		tot += w[s];
		if (w[s] > top) {
			top = w[s];
			anchor = s;
		}
	}
	if (top <= 0)
		return 0;
	/* outwards from the strongest segment, the line so far predicting the next */
	memset(&q, 0, sizeof q);
	a = tau[anchor];
	b = p;
	lsq_add(&q, w[anchor], 0, tau[anchor]);
	for (dir = 1; dir >= -1; dir -= 2)
		for (s = anchor + dir; s >= 0 && s < nseg; s += dir) {
			double k = floor((tau[s] - a) / b + 0.5), na, nb;

			if (w[s] < 0.25 * top || fabs(tau[s] - (a + b * k)) > 0.25 * b)
				continue;
			lsq_add(&q, w[s], k, tau[s]);
			if (!lsq_line(&q, &na, &nb) && nb > 0.95 * p && nb < 1.05 * p) {
				a = na;
				b = nb;
			}
		}
	/* every segment against the final line, twice */
	for (pass = 0; pass < 2; pass++) {
		memset(&q, 0, sizeof q);
		on = 0;
		for (s = 0; s < nseg; s++) {
			double k = floor((tau[s] - a) / b + 0.5);

			if (w[s] <= 0 || fabs(tau[s] - (a + b * k)) > (pass ? 0.08 : 0.12) * b)
				continue;
			lsq_add(&q, w[s], k, tau[s]);
			on += w[s];
		}
		if (lsq_line(&q, &a, &b) || !(b > 0.95 * p && b < 1.05 * p))
			return 0;
	}
	/* the first beat of the line inside the track */
	a -= b * floor(a / b);
	*a_out = a;
	*p_out = b;
	return tot > 0 ? on / tot : 0;
}

static const double sub_at[5] = {0.25, 1.0 / 3, 0.5, 2.0 / 3, 0.75};
/* Swing delays the off-beats: how much later each position may fall, in beats. */
static const double sub_late[5] = {0.125, 0, 0.0625, 0, 0.125};

/* 3c. Fold the structure envelopes onto the candidate's beats. */
static void features(struct cand *c, float *on[3], long n)
{
	double x, per;
	long beats = 0;
	int b, q, j;

	memset(c->beat, 0, sizeof c->beat);
	memset(c->sub, 0, sizeof c->sub);
	c->sal = 0;
	for (x = c->a; x + c->p < n; x += c->p, beats++) {
		j = (int)(beats & 3);
		for (b = 0; b < 3; b++) {
			c->beat[b][j] += max_in(on[b], n, x - 1, x + 1);
			for (q = 0; q < 5; q++) {
				double y = x + sub_at[q] * c->p;
				c->sub[b][q] += max_in(on[b], n, y - 1, y + 1 + sub_late[q] * c->p);
			}
		}
	}
	if (beats < 8)
		return;
	per = beats / 4.0;
	for (b = 0; b < 3; b++) {
		for (j = 0; j < 4; j++) {
			c->beat[b][j] /= per;
			c->sal += c->beat[b][j] / 4;
		}
		for (q = 0; q < 5; q++)
			c->sub[b][q] /= beats;
	}
}

/*
 * 3d. How well a candidate reads as the beat: the onsets it puts on its
 * beats, how steadily, and what the drums say about the metrical level:
 * - the backbeat: snares (the high band) on two and four over one and
 *   three, kicks the other way round; believed only when the kick's beats
 *   stand out from the off-beats (else it is an accent every other beat
 *   of a pulse twice as fast);
 * - quarter, third and half beats quieter than the beats (else the beat is
 *   faster), the beats alike in pairs (else every other one is an off-beat
 *   and the beat is slower), and the bar: one beat of the four apart from
 *   the one two beats on (a downbeat), where a beat twice as slow would
 *   repeat every two;
 * - the DJ range, as a preference.
 * *phase: the part that tells a candidate's phase from its off-beat's
 * (the onsets on its beats and the backbeat).
 */
static double level_score(const struct cand *c, double dr, double lo, double hi, double *phase)
{
	const double *h = c->beat[2], *k = c->beat[0];
	double tot[4], hm = (h[0] + h[1] + h[2] + h[3]) / 4 + 1e-9,
	               km = (k[0] + k[1] + k[2] + k[3]) / 4 + 1e-9;
	double bb = -1e9, quarter = 0, third = 0, half = 0, alt, bar, odd, even, d = 0, bpm;
	int j, rho;

	*phase = -1e9;
	if (c->sal <= 0 || c->coh <= 0)
		return -1e9;
	for (j = 0; j < 4; j++)
		tot[j] = c->beat[0][j] + c->beat[1][j] + c->beat[2][j];
	for (j = 0; j < 3; j++) {
		quarter += (c->sub[j][0] + c->sub[j][4]) / 2;
		third += (c->sub[j][1] + c->sub[j][3]) / 2;
		half += c->sub[j][2];
	}
	for (rho = 0; rho < 2; rho++) {
		double snare = fmin(h[rho + 1], h[(rho + 3) & 3]) - fmax(h[rho], h[rho + 2]);
		double kick = fmin(k[rho], k[rho + 2]) - fmax(k[rho + 1], k[(rho + 3) & 3]);
		double one = fmax(tot[rho], tot[rho + 2]);
		double cred = fmin(1, fmax(0, (1 - half / (one + 1e-9)) / BACKBEAT_CRED));

		bb = fmax(bb, (snare / hm + KICK_SHARE * kick / km) * cred);
	}
	bb = fmin(bb, BACKBEAT_MAX);
	*phase = log(c->sal) + W_BACKBEAT * bb;
	quarter /= c->sal;
	third /= c->sal;
	half /= c->sal;
	even = tot[0] + tot[2];
	odd = tot[1] + tot[3];
	alt = fmin(even, odd) / (fmax(even, odd) + 1e-9);
	bar = fmax(fabs(tot[0] - tot[2]), fabs(tot[1] - tot[3])) / c->sal;
	bpm = 60 * dr / c->p;
	if (bpm < lo)
		d = log2(lo / bpm) / RANGE_SOFTNESS;
	else if (bpm > hi)
		d = log2(bpm / hi) / RANGE_SOFTNESS;
	return log(c->sal) + W_STEADY * log(c->coh) + W_BACKBEAT * bb - W_THIRD * third -
	       W_QUARTER * quarter - W_HALF * half - W_PAIRS * (1 - alt) + W_BAR * bar -
	       W_RANGE * d * d;
}

/*
 * The bar's downbeat: harmony changes there (chords, bass), which shows
 * as the mid band's rise in log energy, where a soft chord counts like a
 * loud hit. v[j]: beat j of the candidate's bars.
 */
static void bar_profile(const struct tempo *t, const struct cand *c, double v[4])
{
	const float *m = t->band[1];
	long n = t->dn, k = 0;
	double x;
	int j;

	for (j = 0; j < 4; j++)
		v[j] = 0;
	for (x = c->a; x + c->p < n; x += c->p, k++) {
		long i = col(x), lo = i - 1 < 1 ? 1 : i - 1, hi = i + 1 < n ? i + 1 : n - 1;
		double rise = 0;

		for (i = lo; i <= hi; i++) {
			double d = log((m[i] + 1e-9) / (m[i - 1] + 1e-9));
			rise = d > rise ? d : rise;
		}
		v[k & 3] += rise;
	}
}

/* The grid's envelope, lightly smoothed, at column i. */
static float smooth_at(const float *e, long n, long i)
{
	if (i < 1 || i > n - 2)
		return e[i];
	return 0.25f * e[i - 1] + 0.5f * e[i] + 0.25f * e[i + 1];
}

/* The onset peak near x (within w columns) of e smoothed: its fractional position; -1 if none. */
static double peak_near(const float *e, long n, double x, double w, float *value)
{
	long lo = (long)floor(x - w), hi = (long)ceil(x + w), i, m = -1;
	float best = 0;

	if (lo < 1)
		lo = 1;
	if (hi > n - 2)
		hi = n - 2;
	for (i = lo; i <= hi; i++) {
		float v = smooth_at(e, n, i);
		if (v > best) {
			best = v;
			m = i;
		}
	}
	*value = best;
	if (m < 0)
		return -1;
	{
		double y0 = smooth_at(e, n, m - 1), y1 = best, y2 = smooth_at(e, n, m + 1),
		       d = y0 - 2 * y1 + y2;
		return m + (d < 0 ? 0.5 * (y0 - y2) / d : 0);
	}
}

struct line {
	double a, b; /* beat i at a + b i columns */
	int used;
};

/* 4. Weighted least squares through the beats' onset peaks, dropping outliers twice. */
static int fit(const float *e, long n, double phase, double period, struct line *ln,
               double *mean_peak)
{
	long beats, i;
	double a = phase, b = period, tot = 0;
	int pass, count = 0;
	struct lsq q;

	a -= b * floor(a / b);
	beats = (long)((n - 1 - a) / b) + 1;
	for (i = 0; i < beats; i++) {
		float v;
		peak_near(e, n, a + b * i, 2, &v);
		tot += v;
	}
	*mean_peak = beats ? tot / beats : 0;
	for (pass = 0; pass < 3; pass++) {
		double win = pass == 0 ? 0.12 * b : 0.06 * b;
		double tol = pass == 0 ? 0.1 * b : 0.03 * b + 1;

		memset(&q, 0, sizeof q);
		count = 0;
		for (i = 0; i < beats; i++) {
			double pred = a + b * i, x;
			float v;

			x = peak_near(e, n, pred, win < 2 ? 2 : win, &v);
			if (x < 0 || v < 0.25 * *mean_peak || fabs(x - pred) > tol)
				continue;
			lsq_add(&q, v, (double)i, x);
			count++;
		}
		if (count < 8 || lsq_line(&q, &a, &b))
			return -1;
	}
	ln->a = a;
	ln->b = b;
	ln->used = count;
	return 0;
}

/* 2. The autocorrelation's strongest peaks, best first (decimated columns). Return: how many. */
static int acf_peaks(const struct tempo *t, double lo, double hi, double *peaks)
{
	double dr = t->env_rate / TEMPO_DECIM, mean = t->dsum / t->dn, mean2 = mean * mean,
	       sc[FAMILIES];
	int l, lmin = (int)floor(60 * dr / TEMPO_SEARCH_MAX),
	       lmax = (int)ceil(60 * dr / TEMPO_SEARCH_MIN), k, np = 0;

	if (lmin < 2)
		lmin = 2;
	if (lmax > t->lag_max - 1)
		lmax = t->lag_max - 1;
	for (l = lmin + 1; l < lmax; l++) {
		double y0 = acf_at(t, mean2, l), ym = acf_at(t, mean2, l - 1),
		       yp = acf_at(t, mean2, l + 1), d, at = l;

		if (y0 <= 0 || y0 < ym || y0 < yp)
			continue;
		d = ym - 2 * y0 + yp;
		if (d < 0)
			at += 0.5 * (ym - yp) / d;
		y0 *= range_weight(60 * dr / at, lo, hi);
		/* kept sorted, the best FAMILIES */
		if (np < FAMILIES)
			np++;
		else if (y0 <= sc[FAMILIES - 1])
			continue;
		for (k = np - 1; k > 0 && sc[k - 1] < y0; k--) {
			peaks[k] = peaks[k - 1];
			sc[k] = sc[k - 1];
		}
		peaks[k] = at;
		sc[k] = y0;
	}
	return np;
}

/* 5a. The first beat from which the beats carry onsets steadily (three of four). */
static long first_steady(const float *e, long n, const struct line *ln, double mean_peak)
{
	long i;

	for (i = 0; ln->a + ln->b * (i + 3) < n - 2; i++) {
		int j, on = 0;
		float v, v0 = 0;

		for (j = 0; j < 4; j++) {
			peak_near(e, n, ln->a + ln->b * (i + j), 2, &v);
			on += v >= 0.3 * mean_peak;
			if (!j)
				v0 = v;
		}
		if (on >= 3 && v0 >= 0.3 * mean_peak)
			return i;
	}
	return 0;
}

/*
 * 5b. Which beats of the line are downbeats: those i with i % 4 equal to
 * the return, or -1 when the bar is unclear.
 */
static int bar_phase(const struct tempo *t, const struct cand *c, const struct line *ln)
{
	double v[4], best = -1, second = -1;
	/* the line's beat on which the candidate's first beat lies */
	long i0 = (long)floor((TEMPO_DECIM * c->a + (TEMPO_DECIM - 1) / 2.0 - ln->a) / ln->b + 0.5);
	int j, at = 0;

	bar_profile(t, c, v);
	for (j = 0; j < 4; j++)
		if (v[j] > best) {
			second = best;
			best = v[j];
			at = j;
		} else if (v[j] > second)
			second = v[j];
	if (!(best > BAR_CLEAR * second))
		return -1;
	return (int)(((i0 + at) % 4 + 4) % 4);
}

/* 1. The autocorrelation's families and the structure envelopes. */
static int finish_start(struct tempo *t, double min_bpm, double max_bpm)
{
	struct tempo_fin *fs = &t->fin;

	if (t->dn < (long)(8 * t->env_rate / TEMPO_DECIM) || t->n < 3)
		return -ENODATA;
	if (!(min_bpm > 0) || max_bpm < min_bpm) {
		min_bpm = 70;
		max_bpm = 180;
	}
	fs->lo = min_bpm;
	fs->hi = max_bpm;
	fs->np = acf_peaks(t, min_bpm, max_bpm, fs->peaks);
	if (!fs->np)
		return -ENODATA;
	structure(t, fs->on, &fs->sum);
	fs->f = fs->nc = 0;
	return 1;
}

/* 3. One family's candidates (its peak's relatives) refined, folded and weighed. */
static void finish_family(struct tempo *t)
{
	/* the relatives of an autocorrelation peak that may be the beat */
	static const double rel[9] = {1, 0.5, 2, 2.0 / 3, 1.5, 0.75, 4.0 / 3, 1.0 / 3, 3};
	struct tempo_fin *fs = &t->fin;
	struct cand *cands = t->cands;
	double dr = t->env_rate / TEMPO_DECIM, ph[2];
	int k, nc = fs->nc;

	for (k = 0; k < 9 && nc + 2 <= MAX_CANDS; k++) {
		double lag = fs->peaks[fs->f] * rel[k], bpm = 60 * dr / lag;
		struct cand *c = &cands[nc];
		int dup = 0, j;

		if (bpm < TEMPO_SEARCH_MIN || bpm > TEMPO_SEARCH_MAX)
			continue;
		for (j = 0; j < nc; j++)
			dup |= fabs(cands[j].lag / lag - 1) < 0.02;
		if (dup)
			continue;
		memset(c, 0, sizeof *c);
		c->lag = lag;
		/* on the half beats' grid: a comb takes a beat for its off-beat */
		c->coh = refine(fs->sum, t->dn, lag / 2, &c->a, &c->p);
		if (c->coh <= 0)
			continue;
		c->p *= 2;
		features(c, fs->on, t->dn);
		c->value = level_score(c, dr, fs->lo, fs->hi, &ph[0]);
		/* the off-beat phase: kept if its beats carry more, or the backbeat */
		cands[nc + 1] = *c;
		cands[nc + 1].a += c->p / 2;
		features(&cands[nc + 1], fs->on, t->dn);
		cands[nc + 1].value = level_score(&cands[nc + 1], dr, fs->lo, fs->hi, &ph[1]);
		if (ph[1] > ph[0])
			*c = cands[nc + 1];
		nc++;
	}
	fs->nc = nc;
	fs->f++;
}

/* 4-6. The winner's grid, the first downbeat, the confidence. */
static int finish_grid(struct tempo *t, struct tempo_result *r)
{
	const struct tempo_fin *fs = &t->fin;
	const struct cand *cands = t->cands, *win = NULL;
	double runner = -1e9, mean_peak;
	const float *e = t->env;
	long n = t->n, first, beats;
	int k, bar;
	struct line ln;

	for (k = 0; k < fs->nc; k++)
		if (!win || cands[k].value > win->value)
			win = &cands[k];
	if (!win || win->value <= -1e9)
		return -ENODATA;
	for (k = 0; k < fs->nc; k++)
		if (fabs(cands[k].p / win->p - 1) > 0.02 && cands[k].value > runner)
			runner = cands[k].value;

	/* 4. the grid: the winner's beats on the full-resolution envelope */
	if (fit(e, n, TEMPO_DECIM * win->a + (TEMPO_DECIM - 1) / 2.0, TEMPO_DECIM * win->p, &ln,
	        &mean_peak))
		return -ENODATA;

	/* 5. the first downbeat: drums that start steadily, on the bar's one */
	first = first_steady(e, n, &ln, mean_peak);
	bar = bar_phase(t, win, &ln);
	if (bar >= 0)
		first += ((bar - first) % 4 + 4) % 4;
	r->bpm = 60 * t->env_rate / ln.b;
	r->first_beat = (ln.a + ln.b * first + ONSET_LAG_COLS) * t->hop;
	r->beats = ln.used;

	/*
	 * 6. How steady the beat is (the share of beats on the line, the share
	 * of the segments in phase), times how clearly its level won: half
	 * for a tie (the beats are right, every other one missing or extra).
	 */
	beats = (long)((n - 1 - ln.a) / ln.b) - first + 1;
	r->confidence = beats > 0 ? fmin(1, (double)ln.used / beats) * win->coh : 0;
	r->confidence *= 1 - 0.5 * exp(-(win->value - runner) / CLEAR_MARGIN);
	return 0;
}

int tempo_finish_step(struct tempo *t, double min_bpm, double max_bpm, struct tempo_result *r)
{
	struct tempo_fin *fs = &t->fin;
	int err;

	memset(r, 0, sizeof *r);
	switch (fs->stage) {
	case TEMPO_FIN_START:
		err = finish_start(t, min_bpm, max_bpm);
		fs->stage = err == 1 ? TEMPO_FIN_FAMILIES : TEMPO_FIN_START;
		return err;
	case TEMPO_FIN_FAMILIES:
		finish_family(t);
		if (fs->f >= fs->np)
			fs->stage = TEMPO_FIN_GRID;
		return 1;
	default:
		fs->stage = TEMPO_FIN_START; /* a next call starts over */
		return finish_grid(t, r);
	}
}

int tempo_finish(struct tempo *t, double min_bpm, double max_bpm, struct tempo_result *r)
{
	int err;

	t->fin.stage = TEMPO_FIN_START;
	while ((err = tempo_finish_step(t, min_bpm, max_bpm, r)) == 1)
		;
	return err;
}
