/*
 * key.c: peak chroma with tuning, key signature by the diatonic set,
 * tonic by triad, bass and opening.
 */
#include "key.h"

#include <math.h>
#include <string.h>

#define KEY_STAGE_HZ 11025  /* the first decimation's target rate */
#define KEY_AA_HZ 2200.0    /* the anti-alias low-pass before the second */
#define KEY_LOW_HZ 60.0
#define KEY_HIGH_HZ 2000.0
#define KEY_SPLIT 48.0      /* MIDI note (C3, 131 Hz): below it is the bass */
#define KEY_PEAK_REL 0.01   /* peaks at least this share of the frame's largest */
#define KEY_PROMINENCE 2.0  /* and this many times the mean of their neighbourhood */
#define KEY_NEIGHBOURS 8    /* bins each side in that mean */
#define KEY_FLOOR_DBFS -80.0
#define KEY_WINDOW 1.3333   /* semitones: the cos^2 spread of a pitch onto its class */
#define KEY_OPEN_S 1.5      /* the opening's length */
#define KEY_OPEN_LEVEL 0.3  /* its first frame has this share of the mean energy */
#define KEY_GATE 0.1        /* frames below this share of it do not count */
#define KEY_LEVEL_DB 3.0    /* the steps frames are kept in by level */
/* weights of the tonic's three cues */
#define KEY_W_TRIAD 1.0
#define KEY_W_BASS 0.5
#define KEY_W_OPEN 1.0

static const double diatonic[12] = {1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1};
static const double major_triad[12] = {1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0};
static const double minor_triad[12] = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
static const double tonic_note[12] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

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
	double high;
	int i;

	memset(k, 0, sizeof *k);
	k->rate = rate;
	k->decim = rate / KEY_STAGE_HZ > 1 ? rate / KEY_STAGE_HZ : 1;
	k->key_rate = (double)rate / k->decim / 2;
	biquad_design(&k->aa[0], BQ_LOWPASS, (double)rate / k->decim, KEY_AA_HZ, 0.5412, 0);
	biquad_design(&k->aa[1], BQ_LOWPASS, (double)rate / k->decim, KEY_AA_HZ, 1.3066, 0);
	for (i = 0; i < KEY_FFT; i++)
		k->window[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / KEY_FFT));
	for (i = 0; i < KEY_FFT / 2; i++) {
		k->cos_t[i] = (float)cos(2 * M_PI * i / KEY_FFT);
		k->sin_t[i] = (float)-sin(2 * M_PI * i / KEY_FFT);
	}
	high = KEY_HIGH_HZ < 0.36 * k->key_rate ? KEY_HIGH_HZ : 0.36 * k->key_rate;
	k->lo_bin = (int)ceil(KEY_LOW_HZ * KEY_FFT / k->key_rate);
	k->hi_bin = (int)(high * KEY_FFT / k->key_rate);
	/* a -80 dBFS sine's peak through the Hann window */
	k->floor = (float)(pow(10, KEY_FLOOR_DBFS / 20) * KEY_FFT / 4);
	k->full_scale = (double)KEY_FFT / 4 * KEY_FFT / 4;
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

/*
 * A full frame: its prominent spectral peaks, placed to a tenth of a
 * semitone by parabolic interpolation, into the bass histogram (by
 * magnitude) and the frame's treble histogram, which is then normalised
 * so that every sounding frame weighs the same whatever its level.
 */
static void analyse_frame(struct key *k)
{
	float *mag = k->re; /* reused once the FFT is done */
	float frame_fine[KEY_FINE] = {0};
	double sum = 0, energy = 0, mx = 0, local = 0;
	int lo = k->lo_bin, hi = k->hi_bin, level, i, from = lo - KEY_NEIGHBOURS, to = lo + KEY_NEIGHBOURS;

	for (i = 0; i < KEY_FFT; i++) {
		k->re[i] = k->frame[i] * k->window[i];
		k->im[i] = 0;
	}
	fft(k);
	for (i = 0; i <= hi + KEY_NEIGHBOURS + 1; i++) {
		mag[i] = sqrtf(k->re[i] * k->re[i] + k->im[i] * k->im[i]);
		if (i >= lo && i <= hi && mag[i] > mx)
			mx = mag[i];
	}
	for (i = from; i <= to; i++)
		local += mag[i];
	for (i = lo; i <= hi; i++, from++, to++) {
		double a, b, c, d, p, m;
		int j;

		if (i > lo) /* the neighbourhood sum slides along */
			local += mag[to] - mag[from - 1];
		if (!(mag[i] > mag[i - 1] && mag[i] >= mag[i + 1]) || mag[i] < k->floor ||
		    mag[i] < KEY_PEAK_REL * mx ||
		    mag[i] * (2 * KEY_NEIGHBOURS + 1) < KEY_PROMINENCE * local)
			continue;
		a = log(mag[i - 1] + 1e-30);
		b = log(mag[i]);
		c = log(mag[i + 1] + 1e-30);
		d = a - 2 * b + c < 0 ? 0.5 * (a - c) / (a - 2 * b + c) : 0;
		m = exp(b - 0.25 * (a - c) * d);
		p = 69 + 12 * log2((i + d) * k->key_rate / KEY_FFT / 440.0);
		j = (int)lround(p * (KEY_FINE / 12)) % KEY_FINE;
		if (p < KEY_SPLIT) {
			k->bass[j] += m;
		} else {
			frame_fine[j] += (float)m;
			sum += m;
			energy += m * m;
		}
	}
	if (sum <= 0)
		return;
	level = (int)(-10 * log10(energy / k->full_scale) / KEY_LEVEL_DB);
	level = level < 0 ? 0 : level >= KEY_LEVELS ? KEY_LEVELS - 1 : level;
	for (i = 0; i < KEY_FINE; i++)
		k->treble[level][i] += frame_fine[i] / sum;
	k->level_energy[level] += energy;
	k->level_frames[level]++;
	k->energy += energy;
	k->sounding++;
	if (k->opened < KEY_OPENING) {
		for (i = 0; i < KEY_FINE; i++)
			k->open[k->opened][i] = (float)(frame_fine[i] / sum);
		k->open_energy[k->opened++] = energy;
	}
}

void key_feed(struct key *k, const float *in, long frames)
{
	long i;

	for (i = 0; i < frames; i++) {
		float x;
		int s;

		k->acc += in[2 * i] + in[2 * i + 1];
		if (++k->acc_n < k->decim)
			continue;
		x = isfinite(k->acc) ? k->acc / (2.0f * k->decim) : 0.0f;
		k->acc = 0;
		k->acc_n = 0;
		/* fourth-order Butterworth low-pass (transposed direct form II), then every other sample */
		for (s = 0; s < 2; s++) {
			const struct biquad_coef *c = &k->aa[s];
			float y = c->b0 * x + k->z1[s];

			k->z1[s] = c->b1 * x - c->a1 * y + k->z2[s];
			k->z2[s] = c->b2 * x - c->a2 * y;
			x = y;
		}
		if (!isfinite(x)) {
			memset(k->z1, 0, sizeof k->z1);
			memset(k->z2, 0, sizeof k->z2);
			x = 0;
		}
		if (k->phase ^= 1)
			continue;
		k->frame[k->fill++] = x;
		if (k->fill == KEY_FFT) {
			analyse_frame(k);
			k->fill = 0;
		}
	}
	k->frames_done += frames;
}

/*
 * Fold a histogram of tenths of a semitone into 12 classes centred on
 * the tuning (semitones from A440's), each bin spread by a cos^2 window.
 */
static void fold(const double *fine, double tuning, double out[12])
{
	int i, c;

	memset(out, 0, sizeof(double) * 12);
	for (i = 0; i < KEY_FINE; i++) {
		if (fine[i] <= 0)
			continue;
		for (c = 0; c < 12; c++) {
			double d = i * (12.0 / KEY_FINE) - c - tuning;

			d -= 12 * floor(d / 12 + 0.5);
			if (fabs(d) < KEY_WINDOW / 2)
				out[c] += fine[i] * pow(cos(M_PI * d / KEY_WINDOW), 2);
		}
	}
}

/* Pearson correlation of chroma c with template p turned to tonic t. */
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
	return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
}

int key_estimate(const struct key *k, double *confidence)
{
	double re = 0, im = 0, tuning, treble[12], bass[12], open[12], fine[KEY_FINE];
	double best = -2, second = -2, mean, major, minor, margin;
	int i, t, sig = 0, first, n, level;

	if (confidence)
		*confidence = 0;
	if (!k->sounding)
		return KEY_NOT_FOUND;
	/* the frames that are not much quieter than the track's mean */
	mean = k->energy / k->sounding;
	memset(fine, 0, sizeof fine);
	for (level = 0; level < KEY_LEVELS; level++)
		if (k->level_frames[level] && k->level_energy[level] >= KEY_GATE * mean * k->level_frames[level])
			for (i = 0; i < KEY_FINE; i++)
				fine[i] += k->treble[level][i];
	/* the tuning: where the peaks sit within their semitones, on average */
	for (i = 0; i < KEY_FINE; i++) {
		re += fine[i] * cos(2 * M_PI * i * 12 / KEY_FINE);
		im += fine[i] * sin(2 * M_PI * i * 12 / KEY_FINE);
	}
	if (re == 0 && im == 0)
		return KEY_NOT_FOUND;
	tuning = atan2(im, re) / (2 * M_PI);
	fold(fine, tuning, treble);
	fold(k->bass, tuning, bass);

	/* the key signature: the diatonic set that fits the treble best */
	for (t = 0; t < 12; t++) {
		double r = correlate(treble, diatonic, t);

		if (r > best) {
			second = best;
			best = r;
			sig = t;
		} else if (r > second) {
			second = r;
		}
	}
	if (best <= 0)
		return KEY_NOT_FOUND;

	/* the opening: from the first frame that sounds like the track, KEY_OPEN_S long */
	memset(fine, 0, sizeof fine);
	for (first = 0; first < k->opened && k->open_energy[first] < KEY_OPEN_LEVEL * mean; first++)
		;
	n = (int)lround(KEY_OPEN_S * k->key_rate / KEY_FFT);
	for (t = first; t < first + n && t < k->opened; t++)
		for (i = 0; i < KEY_FINE; i++)
			fine[i] += k->open[t][i];
	fold(fine, tuning, open);

	/* its tonic: the major (sig) or the relative minor (sig + 9) */
	t = (sig + 9) % 12;
	major = KEY_W_TRIAD * correlate(treble, major_triad, sig) +
		KEY_W_BASS * correlate(bass, tonic_note, sig) + KEY_W_OPEN * correlate(open, major_triad, sig);
	minor = KEY_W_TRIAD * correlate(treble, minor_triad, t) +
		KEY_W_BASS * correlate(bass, tonic_note, t) + KEY_W_OPEN * correlate(open, minor_triad, t);
	margin = fabs(major - minor) / (KEY_W_TRIAD + KEY_W_BASS + KEY_W_OPEN);
	if (confidence)
		*confidence = fmin(1, 2 * fmin(best - second, margin));
	return major >= minor ? sig : 12 + t;
}
