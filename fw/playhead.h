/*
 * playhead: where a deck is drawn, moving smoothly with the audio clock.
 *
 * The engine reports each deck's position once per audio period, with the
 * time that position is heard (engine_state's heard_ns). The loop sees
 * the newest report whenever it ticks, so it gets them at uneven times,
 * and a waveform drawn at the raw positions moves in uneven steps (three
 * periods one frame, four the next, five when the loop woke late). The
 * screens instead ask where the deck is at each frame's display time T
 * (the vblank it will be shown at): the newest report's position moved
 * on at the deck's speed for the time between the report's clock and T,
 *
 *     x(T) = pos + speed x (T - heard)
 *
 * so a frame's position depends only on when it is shown, not on when the
 * loop happened to look. The clock in the reports is not perfect (the
 * device's delay comes in whole USB packets, the audio thread wakes a
 * little late), so a report moves the line only PLAYHEAD_SMOOTH of the way
 * to itself; and three clamps keep the picture honest:
 *  - it never runs backwards while the deck plays forwards (nor forwards
 *    while it plays backwards): a correction that would is held off
 *    until the deck catches up with it;
 *  - it never passes the position the next report will carry (the newest
 *    one's plus one report interval at the deck's speed): when reports
 *    stop (the audio device went away) the drawn deck stops too;
 *  - a jump (a hot cue, a seek, a loop's wrap: a report farther from the
 *    line than PLAYHEAD_JUMP_MS of playing; or one the caller marks: a new
 *    track, a scrub) is followed at once: the drawn position goes straight
 *    to the report's and holds there until the sound reaches it.
 * A change of speed (play, pause, a pitch range) restarts the line at the
 * report; until the report's clock the deck is drawn on whichever of the
 * old and the new line it is on (the change happened where they cross:
 * a pause still plays out what was queued, a start leaves the deck still
 * until the sound starts).
 * A report without a clock (heard 0) is drawn as it is.
 *
 * Pure arithmetic on the caller's struct; the loop thread's.
 */
#ifndef SLIPMAT_PLAYHEAD_H
#define SLIPMAT_PLAYHEAD_H

#define PLAYHEAD_SMOOTH 0.125    /* how far a report pulls the line to itself */
#define PLAYHEAD_JUMP_MS 12.0    /* farther off than this much playing: a jump */
#define PLAYHEAD_SPEED_SNAP 0.05 /* a change of speed (x the original) that restarts the line */

struct playhead {
	int rate;
	int have; /* a report came */
	int raw;  /* the newest had no clock: draw it as it is */
	/* the line: pos (track frames) at t_ns, moving speed frames a second */
	double pos, speed;
	long long t_ns;
	/* after a change of speed, the line before it, until the report's clock */
	double prev_pos, prev_speed;
	long long prev_t_ns, prev_until_ns; /* 0: none */
	/* the newest report, and the spacing of reports' clocks (smoothed) */
	double report_pos;
	long long report_ns;
	double interval_ns;
	/* what the last frame showed */
	double drawn;
	int drawn_valid;
	unsigned long reports, jumps;
};

/* Post: no report yet; playhead_at() says 0. rate: the engine's, frames a second. */
void playhead_init(struct playhead *p, int rate);

/*
 * A report: the deck is at pos (track frames), heard at heard_ns
 * (CLOCK_MONOTONIC; 0 unknown), moving step track frames per output
 * frame; jump 1 when the caller knows the position jumped (another track,
 * a scrub: the report is drawn as it is).
 */
void playhead_report(struct playhead *p, double pos, double step, long long heard_ns, int jump);

/*
 * Return: where to draw the deck in a frame shown at t_ns. Frames are
 * asked for in order of t_ns.
 */
double playhead_at(struct playhead *p, long long t_ns);

#endif
