/*
 * meter.c: peak with hold and fall, RMS over sliding 10 ms slices.
 */
#include "meter.h"

#include <float.h>
#include <math.h>
#include <string.h>

#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

/* A peak below this (-200 dBFS) is silence: stop multiplying it down. */
#define PEAK_FLOOR 1e-10f

void meter_init(struct meter *m, int rate)
{
	memset(m, 0, sizeof *m);
	if (rate <= 0)
		rate = 48000;
	m->slice_frames = rate * METER_SLICE_MS / 1000;
	m->hold_frames = rate * METER_HOLD_MS / 1000;
	m->fall_log2 = -METER_FALL_DB_S / 20.0 * log2(10.0) / rate;
}

/*
 * The eight partial sums and peaks (lanes: L R L R of two frames, twice)
 * plus the tail's, folded in the one order both paths use.
 */
static void fold(const float acc[8], const float pk[8], float tl, float tr, float pl, float pr,
                 float sumsq[2], float peak[2])
{
	float l = (acc[0] + acc[2]) + (acc[4] + acc[6]);
	float r = (acc[1] + acc[3]) + (acc[5] + acc[7]);
	int j;

	sumsq[0] = l + tl;
	sumsq[1] = r + tr;
	for (j = 0; j < 8; j += 2) {
		pl = pk[j] > pl ? pk[j] : pl;
		pr = pk[j + 1] > pr ? pk[j + 1] : pr;
	}
	peak[0] = pl;
	peak[1] = pr;
}

/* The frames after the last whole group of four. */
static void tail(const float *in, int from, int frames, float *tl, float *tr, float *pl, float *pr)
{
	int i;

	for (i = from; i < frames; i++) {
		float l = in[2 * i], r = in[2 * i + 1];
		float sl = l * l, sr = r * r, al = fabsf(l), ar = fabsf(r);

		*tl = *tl + sl;
		*tr = *tr + sr;
		*pl = al > *pl ? al : *pl;
		*pr = ar > *pr ? ar : *pr;
	}
}

void meter_scan_scalar(const float *in, int frames, float sumsq[2], float peak[2])
{
	float acc[8] = {0}, pk[8] = {0}, tl = 0, tr = 0, pl = 0, pr = 0;
	int i = 0, j;

	for (; i + 4 <= frames; i += 4) {
		for (j = 0; j < 8; j++) {
			float x = in[2 * i + j], s = x * x, a = fabsf(x);

			acc[j] = acc[j] + s;
			pk[j] = a > pk[j] ? a : pk[j];
		}
	}
	tail(in, i, frames, &tl, &tr, &pl, &pr);
	fold(acc, pk, tl, tr, pl, pr, sumsq, peak);
}

#if defined(__ARM_NEON)

/* vmaxnmq ignores a NaN like the scalar's compare does. */
void meter_scan(const float *in, int frames, float sumsq[2], float peak[2])
{
	float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, p0 = a0, p1 = a0;
	float acc[8], pk[8], tl = 0, tr = 0, pl = 0, pr = 0;
	int i = 0;

	for (; i + 4 <= frames; i += 4) {
		float32x4_t x0 = vld1q_f32(in + 2 * i), x1 = vld1q_f32(in + 2 * i + 4);

		a0 = vaddq_f32(a0, vmulq_f32(x0, x0));
		a1 = vaddq_f32(a1, vmulq_f32(x1, x1));
		p0 = vmaxnmq_f32(p0, vabsq_f32(x0));
		p1 = vmaxnmq_f32(p1, vabsq_f32(x1));
	}
	vst1q_f32(acc, a0);
	vst1q_f32(acc + 4, a1);
	vst1q_f32(pk, p0);
	vst1q_f32(pk + 4, p1);
	tail(in, i, frames, &tl, &tr, &pl, &pr);
	fold(acc, pk, tl, tr, pl, pr, sumsq, peak);
}

int meter_has_neon(void)
{
	return 1;
}

#else

void meter_scan(const float *in, int frames, float sumsq[2], float peak[2])
{
	meter_scan_scalar(in, frames, sumsq, peak);
}

int meter_has_neon(void)
{
	return 0;
}

#endif

/* Hold, then fall; a new peak restarts the hold. */
static void peak_update(struct meter *m, int ch, float p, int frames)
{
	if (!(p <= FLT_MAX))
		p = 1.0f; /* inf: a broken signal reads full scale */
	if (p >= m->peak[ch]) {
		m->peak[ch] = p;
		m->hold[ch] = m->hold_frames;
		return;
	}
	if (m->hold[ch] >= frames) {
		m->hold[ch] -= frames;
		return;
	}
	frames -= m->hold[ch];
	m->hold[ch] = 0;
	m->peak[ch] *= (float)exp2(m->fall_log2 * frames);
	if (m->peak[ch] < p)
		m->peak[ch] = p;
	if (m->peak[ch] < PEAK_FLOOR)
		m->peak[ch] = 0.0f;
}

static void process(struct meter *m, const float *in, int frames, int neon)
{
	float block_peak[2] = {0.0f, 0.0f};
	int total = frames, ch;

	while (frames > 0) {
		int n = m->slice_frames - m->fill;
		float sq[2], pk[2];

		if (n > frames)
			n = frames;
		if (neon)
			meter_scan(in, n, sq, pk);
		else
			meter_scan_scalar(in, n, sq, pk);
		for (ch = 0; ch < 2; ch++) {
			if (!(sq[ch] <= FLT_MAX))
				sq[ch] = (float)n; /* NaN or inf: full scale */
			m->sum[ch] += sq[ch];
			if (pk[ch] > block_peak[ch])
				block_peak[ch] = pk[ch];
		}
		m->fill += n;
		if (m->fill == m->slice_frames) {
			m->slices[m->next][0] = m->sum[0];
			m->slices[m->next][1] = m->sum[1];
			m->next = (m->next + 1) % METER_SLICES;
			m->sum[0] = m->sum[1] = 0.0f;
			m->fill = 0;
		}
		in += 2 * n;
		frames -= n;
	}
	for (ch = 0; ch < 2; ch++)
		peak_update(m, ch, block_peak[ch], total);
}

void meter_process(struct meter *m, const float *in, int frames)
{
	process(m, in, frames, 1);
}

void meter_process_scalar(struct meter *m, const float *in, int frames)
{
	process(m, in, frames, 0);
}

void meter_read(const struct meter *m, float peak[2], float rms[2])
{
	int ch, s;

	for (ch = 0; ch < 2; ch++) {
		double sum = 0;

		for (s = 0; s < METER_SLICES; s++)
			sum += m->slices[s][ch];
		peak[ch] = m->peak[ch];
		rms[ch] = (float)sqrt(sum / ((double)METER_SLICES * m->slice_frames));
	}
}
