/*
 * eq.c: the LR8 isolator: three bands, summed with gliding gains.
 */
#include "eq.h"

#include <math.h>
#include <string.h>

#include "mix.h"

/* A 4th-order Butterworth is two sections with these Qs: 1 / (2 cos(pi/8)), 1 / (2 cos(3pi/8)) */
static const double butter4_q[2] = {0.54119610014619698, 1.3065629648763766};

/* An LR8 (a Butterworth 4 twice) of type t at f, in c[0..3]. */
static void lr8(struct svf_coef *c, enum biquad_type t, double rate, double f)
{
	int i;

	for (i = 0; i < 4; i++)
		svf_design(&c[i], t, rate, f, butter4_q[i & 1], 0);
}

void eq3_init(struct eq3 *e, int rate)
{
	int b;

	memset(e, 0, sizeof *e);
	if (rate <= 0)
		rate = 48000;
	lr8(e->low_c, BQ_LOWPASS, rate, EQ3_LOW_HZ);
	/*
	 * An LR8's low-pass plus high-pass is the allpass pair of the same
	 * Butterworth Qs: what the mid and high bands went through at 2.5 kHz.
	 */
	svf_design(&e->low_c[4], BQ_ALLPASS, rate, EQ3_HIGH_HZ, butter4_q[0], 0);
	svf_design(&e->low_c[5], BQ_ALLPASS, rate, EQ3_HIGH_HZ, butter4_q[1], 0);
	lr8(e->split_c, BQ_HIGHPASS, rate, EQ3_LOW_HZ);
	lr8(e->mid_c, BQ_LOWPASS, rate, EQ3_HIGH_HZ);
	lr8(e->high_c, BQ_HIGHPASS, rate, EQ3_HIGH_HZ);
	for (b = 0; b < EQ3_BANDS; b++)
		e->gain[b] = e->target[b] = 1.0f;
	e->slew = (float)(1000.0 / (EQ3_SLEW_MS * rate));
}

static float band_gain(float db, int kill)
{
	if (kill)
		return 0.0f;
	if (db != db)
		return 1.0f;
	if (db > EQ3_MAX_DB)
		db = EQ3_MAX_DB;
	return (float)pow(10.0, db / 20.0); /* -inf: 0 */
}

void eq3_set(struct eq3 *e, float low_db, float mid_db, float high_db, int kill_low, int kill_mid,
             int kill_high)
{
	e->target[EQ3_LOW] = band_gain(low_db, kill_low);
	e->target[EQ3_MID] = band_gain(mid_db, kill_mid);
	e->target[EQ3_HIGH] = band_gain(high_db, kill_high);
}

/* Where band b's gain is after n more frames of gliding. */
static float glide(const struct eq3 *e, int b, int n)
{
	float g = e->gain[b], t = e->target[b], d = e->slew * (float)n;

	if (t > g + d)
		return g + d;
	if (t < g - d)
		return g - d;
	return t;
}

/*
 * One block: the bands into io (mid), lo and hi, then the sum. The mid
 * band is the gain ramp's base (io *= gm), the others are added to it.
 */
static void block(struct eq3 *e, float *io, int n, int neon)
{
	void (*cascade)(const struct svf_coef *, struct svf_state *, int, float *, int) =
	    neon ? svf_cascade : svf_cascade_scalar;
	float g1[EQ3_BANDS];
	int b;

	memcpy(e->lo, io, sizeof(float) * 2 * (size_t)n);
	memcpy(e->hi, io, sizeof(float) * 2 * (size_t)n);
	cascade(e->low_c, e->low_s, 6, e->lo, n);
	cascade(e->split_c, e->split_s, 4, e->hi, n);
	memcpy(io, e->hi, sizeof(float) * 2 * (size_t)n);
	cascade(e->mid_c, e->mid_s, 4, io, n);
	cascade(e->high_c, e->high_s, 4, e->hi, n);

	for (b = 0; b < EQ3_BANDS; b++)
		g1[b] = glide(e, b, n);
	if (neon) {
		mix_gain(io, n, e->gain[EQ3_MID], g1[EQ3_MID]);
		mix_gain_add(io, e->lo, n, e->gain[EQ3_LOW], g1[EQ3_LOW]);
		mix_gain_add(io, e->hi, n, e->gain[EQ3_HIGH], g1[EQ3_HIGH]);
	} else {
		mix_gain_scalar(io, n, e->gain[EQ3_MID], g1[EQ3_MID]);
		mix_gain_add_scalar(io, e->lo, n, e->gain[EQ3_LOW], g1[EQ3_LOW]);
		mix_gain_add_scalar(io, e->hi, n, e->gain[EQ3_HIGH], g1[EQ3_HIGH]);
	}
	for (b = 0; b < EQ3_BANDS; b++)
		e->gain[b] = g1[b];
}

static void process(struct eq3 *e, float *io, int frames, int neon)
{
	while (frames > 0) {
		int n = frames < EQ3_BLOCK ? frames : EQ3_BLOCK;

		block(e, io, n, neon);
		io += 2 * n;
		frames -= n;
	}
}

void eq3_process(struct eq3 *e, float *io, int frames)
{
	process(e, io, frames, 1);
}

void eq3_process_scalar(struct eq3 *e, float *io, int frames)
{
	process(e, io, frames, 0);
}
