/*
 * playhead: see playhead.h.
 */
#include "playhead.h"

#include <math.h>
#include <string.h>

/* Reports' clocks further apart than this are a gap, not the spacing. */
#define PLAYHEAD_GAP_NS 100e6

void playhead_init(struct playhead *p, int rate)
{
	memset(p, 0, sizeof *p);
	p->rate = rate > 0 ? rate : 48000;
}

/* Where the line has the deck at t_ns. */
static double line_at(const struct playhead *p, long long t_ns)
{
	return p->pos + p->speed * (double)(t_ns - p->t_ns) / 1e9;
}

/* The line starts again at the report. */
static void restart(struct playhead *p, double pos, double speed, long long t_ns)
{
	p->pos = pos;
	p->speed = speed;
	p->t_ns = t_ns;
}

void playhead_report(struct playhead *p, double pos, double step, long long heard_ns, int jump)
{
	const double speed = step * p->rate;
	double err, tol;
	int followed, snap;

	p->reports++;
	if (!heard_ns) {
		p->have = p->raw = 1;
		restart(p, pos, 0, 0);
		p->report_pos = p->drawn = pos;
		p->report_ns = 0;
		p->drawn_valid = 1;
		p->prev_until_ns = 0;
		return;
	}
	if (p->have && !p->raw && heard_ns > p->report_ns) {
		double dt = (double)(heard_ns - p->report_ns);

		if (dt < PLAYHEAD_GAP_NS)
			p->interval_ns =
			    p->interval_ns > 0 ? p->interval_ns + (dt - p->interval_ns) / 8 : dt;
	}
	tol = PLAYHEAD_JUMP_MS / 1e3 * fmax(fabs(speed), fabs(p->speed)) + 1.0;
	followed = p->have && !p->raw && !jump;
	snap = followed && fabs(speed - p->speed) > PLAYHEAD_SPEED_SNAP * p->rate;
	err = followed ? pos - line_at(p, heard_ns) : 0;
	if (snap) {
		/* the speed changed somewhere between the last report and this one */
		double alt =
		    line_at(p, p->report_ns) + speed * (double)(heard_ns - p->report_ns) / 1e9;

		followed = pos >= fmin(pos - err, alt) - tol && pos <= fmax(pos - err, alt) + tol;
	} else {
		followed = followed && fabs(err) <= tol;
	}
	if (!followed) {
		/* followed at once: drawn there, held until the sound gets there */
		if (p->have)
			p->jumps++;
		restart(p, pos, speed, heard_ns);
		p->drawn = pos;
		p->drawn_valid = 1;
		p->prev_until_ns = 0;
	} else if (snap) {
		p->prev_pos = p->pos;
		p->prev_speed = p->speed;
		p->prev_t_ns = p->t_ns;
		p->prev_until_ns = heard_ns;
		restart(p, pos, speed, heard_ns);
	} else {
		restart(p, pos - (1.0 - PLAYHEAD_SMOOTH) * err, speed, heard_ns);
	}
	p->have = 1;
	p->raw = 0;
	p->report_pos = pos;
	p->report_ns = heard_ns;
}

double playhead_at(struct playhead *p, long long t_ns)
{
	double x, next;

	if (!p->have)
		return 0;
	if (p->raw)
		return p->report_pos;
	x = line_at(p, t_ns);
	if (p->prev_until_ns && t_ns < p->prev_until_ns) {
		double before = p->prev_pos + p->prev_speed * (double)(t_ns - p->prev_t_ns) / 1e9;

		/* slowing: the old line until they cross, then the new; faster: the other way */
		x = p->speed < p->prev_speed ? fmin(x, before) : fmax(x, before);
	}
	/* not past the next report's position */
	next = p->report_pos + p->speed * p->interval_ns / 1e9;
	if (p->speed > 0) {
		x = fmin(x, next);
		if (p->drawn_valid)
			x = fmax(x, p->drawn);
	} else if (p->speed < 0) {
		x = fmax(x, next);
		if (p->drawn_valid)
			x = fmin(x, p->drawn);
	}
	p->drawn = x;
	p->drawn_valid = 1;
	return x;
}
