/*
 * djfilter.c: knob to cutoff, glides and fades, per-frame SVF coefficients.
 */
#include "djfilter.h"

#include <math.h>
#include <string.h>

#define Q_MIN 0.70710678f

void djfilter_init(struct djfilter *f, int rate)
{
	memset(f, 0, sizeof *f);
	if (rate <= 0)
		rate = 48000;
	f->rate = (float)rate;
	f->max_hz = 0.45f * f->rate;
	f->mode = f->target = DJF_OFF;
	f->k = f->target_k = 1.0f / Q_MIN;
	f->fade = 1000.0f / (DJFILTER_FADE_MS * f->rate);
	f->glide = (float)(1.0 - exp(-1000.0 / (DJFILTER_GLIDE_MS * f->rate)));
}

static float clampf(float x, float lo, float hi)
{
	if (!(x >= lo))
		return lo; /* NaN too */
	return x > hi ? hi : x;
}

void djfilter_set(struct djfilter *f, float knob, float resonance)
{
	float a, u, from, to;

	if (knob != knob)
		knob = 0.0f;
	knob = clampf(knob, -1.0f, 1.0f);
	a = fabsf(knob);
	f->target_k = (float)(1.0 / (Q_MIN * pow(DJFILTER_Q_MAX / Q_MIN, clampf(resonance, 0, 1))));
	if (a < DJFILTER_DEAD) {
		f->target = DJF_OFF;
		return;
	}
	u = (a - DJFILTER_DEAD) / (1.0f - DJFILTER_DEAD);
	if (knob < 0) {
		f->target = DJF_LOWPASS;
		from = fminf(DJFILTER_LP_OPEN_HZ, f->max_hz);
		to = DJFILTER_LP_MIN_HZ;
	} else {
		f->target = DJF_HIGHPASS;
		from = DJFILTER_HP_OPEN_HZ;
		to = fminf(DJFILTER_HP_MAX_HZ, f->max_hz);
	}
	f->target_lf = log2f(from) + u * (log2f(to) - log2f(from));
}

static float prewarp(const struct djfilter *f, float lf)
{
	return tanf((float)M_PI * exp2f(lf) / f->rate);
}

/*
 * The coefficients for n frames: g, k and wet move linearly from where
 * they are to where they will be at the sub-block's end; each frame's set
 * is computed whole, so every one is a stable filter.
 */
static void coefficients(struct djfilter *f, int n, float wet_to)
{
	float step = fminf(1.0f, f->glide * (float)n);
	float lf = f->lf + (f->target_lf - f->lf) * step;
	float k = f->k + (f->target_k - f->k) * step;
	float g = prewarp(f, lf);
	int i;

	for (i = 0; i < n; i++) {
		float t = (float)(i + 1) / (float)n;
		float gi = f->g + (g - f->g) * t, ki = f->k + (k - f->k) * t;
		float wi = f->wet + (wet_to - f->wet) * t;
		float a1 = 1.0f / (1.0f + gi * (gi + ki));
		struct svf_coef *c = &f->c[i];

		c->a1 = a1;
		c->a2 = gi * a1;
		c->a3 = gi * c->a2;
		if (f->mode == DJF_LOWPASS) {
			c->m0 = 1.0f - wi;
			c->m1 = 0.0f;
			c->m2 = wi;
		} else {
			c->m0 = 1.0f;
			c->m1 = -wi * ki;
			c->m2 = -wi;
		}
	}
	f->lf = lf;
	f->k = k;
	f->g = g;
	f->wet = wet_to;
}

/*
 * A low-pass starting from zero would first have to charge up to the
 * music and ring at its cutoff doing so (a tick at 20 kHz, even faded
 * in). Starting with the low-pass state at the current sample, as it
 * would be for anything well below the cutoff, leaves almost nothing to
 * ring. (A high-pass from zero is already what it would be.)
 */
static void settle_lowpass(struct svf_state *s, const float *io)
{
	int ch;

	for (ch = 0; ch < 2; ch++)
		s->ic2[ch] = fabsf(io[ch]) <= 1e30f ? io[ch] : 0.0f;
}

static void process(struct djfilter *f, float *io, int frames, int neon)
{
	while (frames > 0) {
		int n = frames < DJFILTER_SUB ? frames : DJFILTER_SUB;
		float wet_to;

		if (f->mode == DJF_OFF) {
			if (f->target == DJF_OFF)
				return; /* bypass: io untouched */
			/* start where the knob is, silent, and fade in */
			f->mode = f->target;
			f->lf = f->target_lf;
			f->k = f->target_k;
			f->g = prewarp(f, f->lf);
			f->wet = 0.0f;
			svf_reset(&f->s, 1);
			if (f->mode == DJF_LOWPASS)
				settle_lowpass(&f->s, io);
		}
		if (f->target == f->mode)
			wet_to = fminf(1.0f, f->wet + f->fade * (float)n);
		else
			wet_to = fmaxf(0.0f, f->wet - f->fade * (float)n);
		coefficients(f, n, wet_to);
		if (neon)
			svf_run_varying(f->c, &f->s, io, n);
		else
			svf_run_varying_scalar(f->c, &f->s, io, n);
		if (f->wet == 0.0f) {
			/* faded out: stop, or switch on the next sub-block */
			f->mode = DJF_OFF;
			svf_reset(&f->s, 1);
		}
		io += 2 * n;
		frames -= n;
	}
}

void djfilter_process(struct djfilter *f, float *io, int frames)
{
	process(f, io, frames, 1);
}

void djfilter_process_scalar(struct djfilter *f, float *io, int frames)
{
	process(f, io, frames, 0);
}

int djfilter_active(const struct djfilter *f)
{
	return f->mode != DJF_OFF;
}
