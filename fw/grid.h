/*
 * grid: a track's beat grid, as the analysis finds it: a constant tempo
 * and the frame of one downbeat. Beats are counted from that downbeat
 * (beat 0), fractionally and in both directions, so every frame of the
 * track has a beat position and the grid extends before the first beat.
 *
 * Frames are the track's, at the engine's rate (decks hold tracks at the
 * rate they play at), and may be fractional: 128 bpm at 44.1 kHz is
 * 20671.875 frames a beat, and rounding each beat to a frame would let a
 * loop of 32 beats drift. Everything here is plain arithmetic: safe in
 * the audio thread.
 */
#ifndef SLIPMAT_GRID_H
#define SLIPMAT_GRID_H

struct beat_grid {
	double bpm;        /* beats per minute at the track's own speed */
	double first_beat; /* frame of the first downbeat */
	int beats_per_bar;
	int valid; /* 0: no grid yet (nothing quantises, sync has no tempo) */
};

/*
 * Fill g with a grid. Return: 0; -EINVAL unless 0 < bpm < 1000 and
 * beats_per_bar >= 1 (g then stays invalid).
 */
int grid_set(struct beat_grid *g, double bpm, double first_beat, int beats_per_bar);

/* Return: 1 when g can be used at rate (valid, a positive tempo). */
int grid_usable(const struct beat_grid *g, int rate);

/* Return: frames per beat at rate. Pre: grid_usable(g, rate). */
double grid_beat_length(const struct beat_grid *g, int rate);

/* Return: the beat position of frame: 0 at first_beat, 1.5 halfway into the second. */
double grid_beat_at(const struct beat_grid *g, int rate, double frame);

/* Return: the frame where beat (fractional allowed) falls. */
double grid_frame_of(const struct beat_grid *g, int rate, double beat);

/* Return: the frame of the beat nearest to frame (ties go to the later beat). */
double grid_nearest_beat(const struct beat_grid *g, int rate, double frame);

/*
 * Return: the frame of the beat at or before frame (frame itself when it
 * is on a beat, within a millionth of a frame).
 */
double grid_beat_floor(const struct beat_grid *g, int rate, double frame);

/*
 * Return: how far frame is past its nearest beat, in beats, in
 * [-0.5, 0.5): what sync compares between two decks.
 */
double grid_phase(const struct beat_grid *g, int rate, double frame);

#endif
