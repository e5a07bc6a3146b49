/*
 * pacer: see pacer.h.
 */
#include "pacer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void pacer_init(struct pacer *p, float load_pct, float temp_c)
{
	memset(p, 0, sizeof *p);
	p->load_limit = load_pct;
	p->temp_limit = temp_c;
	p->last_frame = -1;
	p->temp = NAN;
}

int pacer_fps(const struct pacer *p)
{
	return PACER_FPS >> p->level;
}

/* How far past its limits the box is: 0 within, 1 past, 2 far past. */
static int pressure(const struct pacer *p)
{
	int hot = !isnan(p->temp) && p->temp >= p->temp_limit;
	int busy = p->load >= p->load_limit;

	if ((hot && p->temp >= p->temp_limit + PACER_TEMP_MARGIN) ||
	    (busy && p->load >= 1.5f * p->load_limit))
		return 2;
	return hot || busy;
}

static void explain(struct pacer *p)
{
	int n = 0;

	p->why[0] = 0;
	if (p->level == 0)
		return;
	n = snprintf(p->why, sizeof p->why, "screens at %d fps:", pacer_fps(p));
	if (p->load >= p->load_limit - PACER_LOAD_MARGIN)
		n += snprintf(p->why + n, sizeof p->why - (size_t)n, " audio load %.0f %% (limit %.0f)",
		              p->load, p->load_limit);
	if (!isnan(p->temp) && p->temp >= p->temp_limit - PACER_TEMP_MARGIN && n < (int)sizeof p->why)
		snprintf(p->why + n, sizeof p->why - (size_t)n, " SoC %.0f C (limit %.0f)", p->temp,
		         p->temp_limit);
}

void pacer_update(struct pacer *p, float load_pct, float temp_c, long now_ms)
{
	int want;
	int calm;

	p->load = load_pct;
	p->temp = temp_c;
	want = pressure(p);
	calm = p->load < p->load_limit - PACER_LOAD_MARGIN &&
	       (isnan(p->temp) || p->temp < p->temp_limit - PACER_TEMP_MARGIN);
	if (want > p->level) {
		/* down at once: the audio thread must not wait for the screens */
		p->level = want;
		p->calm_since = now_ms;
	} else if (want < p->level) {
		/* up one step at a time, after a calm spell */
		if (!calm)
			p->calm_since = now_ms;
		else if (now_ms - p->calm_since >= PACER_CALM_MS) {
			p->level--;
			p->calm_since = now_ms;
		}
	} else {
		p->calm_since = now_ms;
	}
	explain(p);
}

int pacer_due(const struct pacer *p, long now_ms, long *wait_ms)
{
	long interval = 1000 / pacer_fps(p);
	long next;

	/* a frame is due a whole interval after the last; the vsync paces the rest */
	if (p->last_frame < 0 || now_ms - p->last_frame >= interval - 1) {
		if (wait_ms)
			*wait_ms = 0;
		return 1;
	}
	next = p->last_frame + interval - 1;
	if (wait_ms)
		*wait_ms = next - now_ms;
	return 0;
}

void pacer_frame(struct pacer *p, long now_ms, unsigned draw_us)
{
	unsigned b = draw_us / PACER_BUCKET_US;

	p->last_frame = now_ms;
	p->frames++;
	p->sum_us += draw_us;
	if (draw_us > p->max_us)
		p->max_us = draw_us;
	p->hist[b < PACER_BUCKETS ? b : PACER_BUCKETS - 1]++;
}

/* The upper edge of the bucket holding the q-th fraction of frames. */
static double quantile_ms(const struct pacer *p, double q)
{
	unsigned long want = (unsigned long)ceil(q * (double)p->frames), seen = 0;

	for (int b = 0; b < PACER_BUCKETS; b++) {
		seen += p->hist[b];
		if (seen >= want && seen > 0)
			return b == PACER_BUCKETS - 1 ? p->max_us / 1000.0
			                              : (b + 1) * PACER_BUCKET_US / 1000.0;
	}
	return 0;
}

int pacer_format(const struct pacer *p, char *buf, size_t size)
{
	if (p->frames == 0)
		return snprintf(buf, size, "frames 0; %d fps%s%s", pacer_fps(p), p->why[0] ? "; " : "",
		                p->why);
	return snprintf(buf, size, "frames %lu, mean %.2f ms, p99 <= %.1f ms, worst %.2f ms; %d fps%s%s",
	                p->frames, p->sum_us / (double)p->frames / 1000.0, quantile_ms(p, 0.99),
	                p->max_us / 1000.0, pacer_fps(p), p->why[0] ? "; " : "", p->why);
}
