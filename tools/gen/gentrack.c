/*
 * gentrack.c: drums, bass and pads rendered additively into a buffer.
 */
#include "gentrack.h"

#include <math.h>
#include <string.h>

struct rng {
	unsigned s;
};

static unsigned next(struct rng *r)
{
	unsigned x = r->s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return r->s = x;
}

/* Uniform in [0, 1). */
static double uni(struct rng *r)
{
	return (next(r) >> 8) * (1.0 / 16777216.0);
}

static double range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * uni(r);
}

/* White noise sample in [-1, 1). */
static float noise(struct rng *r)
{
	return (float)(uni(r) * 2.0 - 1.0);
}

struct render {
	float *out;
	long frames;
	int rate;
	struct rng rng;
};

/* Kick: a sine falling from 150 to 50 Hz, starting at zero phase on frame at. */
static void kick(struct render *R, double at, double gain)
{
	long i0 = (long)ceil(at), n = (long)(0.3 * R->rate), i;
	double phase = 0;

	for (i = i0; i < i0 + n && i < R->frames; i++) {
		double t = (i - at) / R->rate;
		double f = 50 + 100 * exp(-t / 0.03);
		float v;

		if (i < 0)
			continue;
		phase += 2 * M_PI * f / R->rate;
		v = (float)(gain * exp(-t / 0.12) * sin(phase));
		R->out[2 * i] += v;
		R->out[2 * i + 1] += v;
	}
}

/* Snare: a 190 Hz body and a bright noise burst. */
static void snare(struct render *R, double at, double gain)
{
	long i0 = (long)ceil(at), n = (long)(0.25 * R->rate), i;
	float prev = 0;

	for (i = i0; i < i0 + n && i < R->frames; i++) {
		double t = (i - at) / R->rate;
		float w = noise(&R->rng), hp = w - prev;
		float v;

		prev = w;
		if (i < 0)
			continue;
		v = (float)(gain * (0.6 * hp * exp(-t / 0.07) + 0.5 * sin(2 * M_PI * 190 * t) * exp(-t / 0.04)));
		R->out[2 * i] += v;
		R->out[2 * i + 1] += v * 0.9f;
	}
}

/* Hi-hat: differenced noise (bright), closed or open. */
static void hat(struct render *R, double at, double gain, double decay)
{
	long i0 = (long)ceil(at), n = (long)(decay * 5 * R->rate), i;
	float p1 = 0, p2 = 0;

	for (i = i0; i < i0 + n && i < R->frames; i++) {
		double t = (i - at) / R->rate;
		float w = noise(&R->rng), v = (w - 2 * p1 + p2) * 0.5f;

		p2 = p1;
		p1 = w;
		if (i < 0)
			continue;
		v = (float)(gain * v * exp(-t / decay));
		R->out[2 * i] += v * 0.8f;
		R->out[2 * i + 1] += v;
	}
}

static double midi_hz(double note)
{
	return 440.0 * pow(2.0, (note - 69) / 12.0);
}

/* A bass note: sine plus some second and third harmonic, plucked. */
static void bass(struct render *R, double at, double len, int note, double gain)
{
	long i0 = (long)ceil(at), n = (long)(len * R->rate), i;
	double f = midi_hz(note);

	for (i = i0; i < i0 + n && i < R->frames; i++) {
		double t = (i - at) / R->rate, ph = 2 * M_PI * f * t;
		double env = (1 - exp(-t / 0.004)) * exp(-t / 0.35) * (t > len - 0.01 ? (len - t) / 0.01 : 1);
		float v;

		if (i < 0)
			continue;
		v = (float)(gain * env * (sin(ph) + 0.35 * sin(2 * ph) + 0.15 * sin(3 * ph)));
		R->out[2 * i] += v;
		R->out[2 * i + 1] += v;
	}
}

/* A pad chord: detuned sines with a slow attack and release. */
static void pad(struct render *R, double at, double len, const int *notes, int count, double gain)
{
	long i0 = (long)ceil(at), n = (long)(len * R->rate), i;
	int k;

	for (i = i0; i < i0 + n && i < R->frames; i++) {
		double t = (i - at) / R->rate;
		double env = (1 - exp(-t / 0.08)) * (t > len - 0.05 ? (len - t) / 0.05 : 1);
		double l = 0, r = 0;

		if (i < 0)
			continue;
		for (k = 0; k < count; k++) {
			double f = midi_hz(notes[k]);
			l += sin(2 * M_PI * f * 1.002 * t + k) + 0.3 * sin(4 * M_PI * f * t);
			r += sin(2 * M_PI * f * 0.998 * t + 2 * k) + 0.3 * sin(4 * M_PI * f * t);
		}
		R->out[2 * i] += (float)(gain * env * l);
		R->out[2 * i + 1] += (float)(gain * env * r);
	}
}

static const int major_scale[7] = {0, 2, 4, 5, 7, 9, 11};
static const int minor_scale[7] = {0, 2, 3, 5, 7, 8, 10};
/* Progressions as scale degrees (0 = the tonic), one chord a bar. */
static const int major_prog[3][4] = {{0, 4, 5, 3}, {0, 3, 4, 0}, {0, 5, 3, 4}};
static const int minor_prog[3][4] = {{0, 5, 2, 6}, {0, 3, 4, 0}, {0, 6, 5, 6}};

/* The triad on degree d of the key (tonic pitch class tonic), notes from base. */
static void triad(int key, int d, int base, int notes[4])
{
	const int *scale = key < 12 ? major_scale : minor_scale;
	int tonic = key % 12, k;

	for (k = 0; k < 3; k++) {
		int deg = d + 2 * k;
		notes[k] = base + tonic + scale[deg % 7] + 12 * (deg / 7);
	}
	notes[3] = notes[0] - 12;
}

/* Chord of bar b of the progression. */
static int bar_degree(int key, int prog, long b)
{
	return key < 12 ? major_prog[prog][b % 4] : minor_prog[prog][b % 4];
}

/* Pads and bass over bars [from_bar, bars) starting at frame origin. */
static void harmony(struct render *R, int key, int prog, double origin, double bar, long from_bar,
		    long bars, double pad_gain, double bass_gain, int bass_on)
{
	long b;
	int e;

	for (b = from_bar; b < bars; b++) {
		int notes[4];
		double at = origin + b * bar;

		triad(key, bar_degree(key, prog, b), 60, notes);
		pad(R, at, bar / R->rate, notes, 4, pad_gain);
		if (!bass_on)
			continue;
		for (e = 0; e < 8; e++) {
			/* roots on the eighths, octave jumps on some off-beats */
			int note = notes[3] - 12 + ((e & 1) && (e & 2) ? 12 : 0);
			bass(R, at + e * bar / 8, bar / 8 / R->rate * 0.9, note, bass_gain);
		}
	}
}

/* Soft clip and overall level. */
static void master(float *out, long frames, double gain)
{
	long i;

	for (i = 0; i < 2 * frames; i++)
		out[i] = (float)tanh(gain * out[i]);
}

void gentrack_make(struct gentrack *t, unsigned seed, int rate, float *out, long frames)
{
	struct render R = {.out = out, .frames = frames, .rate = rate, .rng = {seed * 2654435761u + 12345u}};
	double beat, bar, origin, step, kg, sg, hg, ng;
	long bars, b, i;
	int prog, s, half_from = -1, half_to = -1;

	memset(out, 0, sizeof(float) * 2 * (size_t)frames);
	next(&R.rng);
	memset(t, 0, sizeof *t);
	t->rate = rate;
	t->frames = frames;
	t->bpm = range(&R.rng, 60, 200);
	t->key = (int)(next(&R.rng) % 24);
	t->style = (int)(next(&R.rng) % 3);
	t->swing = uni(&R.rng) < 0.3 ? range(&R.rng, 0.1, 0.5) : 0;
	t->intro_bars = uni(&R.rng) < 0.4 ? (uni(&R.rng) < 0.5 ? 4 : 8) : 0;
	t->silence_s = uni(&R.rng) < 0.3 ? range(&R.rng, 0.2, 3.0) : 0;
	t->halftime = uni(&R.rng) < 0.3;
	prog = (int)(next(&R.rng) % 3);
	kg = range(&R.rng, 0.5, 0.9);
	sg = range(&R.rng, 0.3, 0.6);
	hg = range(&R.rng, 0.1, 0.3);
	ng = pow(10, range(&R.rng, -45, -28) / 20);

	beat = 60.0 * rate / t->bpm;
	bar = 4 * beat;
	step = beat / 4;
	origin = t->silence_s * rate + range(&R.rng, 0, 0.5) * beat;
	t->first_downbeat = origin + t->intro_bars * bar;
	bars = (long)((frames - t->first_downbeat) / bar);
	if (t->halftime && bars > 24) {
		half_from = (int)(bars / 2 - 4);
		half_to = half_from + 8;
	}

	/* Intro and harmony: from the origin, over the whole track. */
	harmony(&R, t->key, prog, origin, bar, 0, t->intro_bars + bars + 1, range(&R.rng, 0.03, 0.07),
		range(&R.rng, 0.15, 0.35), 1);
	/* Drums. */
	for (b = 0; b < bars; b++) {
		double at = t->first_downbeat + b * bar;
		int halftime = b >= half_from && b < half_to;

		for (s = 0; s < 16; s++) {
			double x = at + s * step;
			int beat_step = s % 4 == 0, off8 = s % 4 == 2;

			if (s % 2 == 1)
				x += t->swing * step; /* swung sixteenths */
			if (off8)
				x += t->swing * step * 0.5;
			if (halftime) {
				if (s == 0 || (s == 10 && t->style != 0))
					kick(&R, x, kg);
				if (s == 8)
					snare(&R, x, sg);
				if (s % 2 == 0)
					hat(&R, x, hg, 0.03);
				continue;
			}
			switch (t->style) {
			case 0: /* four on the floor, open hats on the off-beats */
				if (beat_step)
					kick(&R, x, kg);
				if (s == 4 || s == 12)
					snare(&R, x, sg * 0.8);
				if (off8)
					hat(&R, x, hg, 0.08);
				else if (s % 2 == 1 && (seed & 1))
					hat(&R, x, hg * 0.5, 0.02);
				break;
			case 1: /* backbeat: kick 1 and 3 (and the and of 3), snare 2 and 4 */
				if (s == 0 || s == 8 || (s == 10 && (b & 1)))
					kick(&R, x, kg);
				if (s == 4 || s == 12)
					snare(&R, x, sg);
				if (s % 2 == 0)
					hat(&R, x, hg, 0.03);
				break;
			default: /* breakbeat */
				if (s == 0 || s == 6 || s == 10)
					kick(&R, x, kg);
				if (s == 4 || s == 12 || (s == 15 && (b & 3) == 3))
					snare(&R, x, sg * (s == 15 ? 0.5 : 1));
				hat(&R, x, hg * (s % 2 ? 0.5 : 1), 0.02);
				break;
			}
		}
	}
	t->drums_end = (long)(t->first_downbeat + bars * bar);
	/* Background noise after the silence, a riser over the intro. */
	for (i = (long)(t->silence_s * rate); i < frames; i++) {
		double riser = 0;

		if (t->intro_bars && i < t->first_downbeat && i >= origin)
			riser = 0.05 * (i - origin) / (t->first_downbeat - origin);
		out[2 * i] += (float)((ng + riser) * noise(&R.rng));
		out[2 * i + 1] += (float)((ng + riser) * noise(&R.rng));
	}
	master(out, frames, range(&R.rng, 0.4, 1.0));
}

void gentrack_chords(struct gentrack *t, unsigned seed, int rate, float *out, long frames)
{
	struct render R = {.out = out, .frames = frames, .rate = rate, .rng = {seed * 2246822519u + 777u}};
	struct rng pick;
	double beat, bar, bass_gain, pad_gain;
	long bars, b;
	int prog, drums, intro;

	memset(out, 0, sizeof(float) * 2 * (size_t)frames);
	next(&R.rng);
	memset(t, 0, sizeof *t);
	t->rate = rate;
	t->frames = frames;
	t->bpm = range(&R.rng, 80, 140);
	t->key = (int)(next(&R.rng) % 24);
	prog = (int)(next(&R.rng) % 3);
	drums = (int)(next(&R.rng) & 1);
	bass_gain = range(&R.rng, 0.1, 0.3);
	pad_gain = range(&R.rng, 0.04, 0.08);
	/*
	 * Half the tracks with drums let them play a bar or two alone before
	 * the chords come in (drawn from a generator of its own, so every
	 * other sample of every track is what it was before intros).
	 */
	pick.s = seed * 40503u + 1013904223u;
	next(&pick);
	intro = drums && (next(&pick) & 2) ? 1 + (int)(next(&pick) & 1) : 0;
	beat = 60.0 * rate / t->bpm;
	bar = 4 * beat;
	bars = (long)(frames / bar) + 1;
	harmony(&R, t->key, prog, intro * bar, bar, 0, bars, pad_gain, bass_gain, 1);
	if (drums)
		for (b = 0; b * beat < frames; b++) {
			kick(&R, b * beat, 0.7);
			hat(&R, b * beat + beat / 2, 0.2, 0.05);
		}
	master(out, frames, 0.8);
}
