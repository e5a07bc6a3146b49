#include "grid.h"

#include <errno.h>
#include <math.h>

/* A frame this close to a beat is on it: positions are sums of doubles. */
#define GRID_EPS 1e-6

int grid_set(struct beat_grid *g, double bpm, double first_beat, int beats_per_bar)
{
	g->valid = 0;
	if (!(bpm > 0 && bpm < 1000) || !isfinite(first_beat) || beats_per_bar < 1)
		return -EINVAL;
	g->bpm = bpm;
	g->first_beat = first_beat;
	g->beats_per_bar = beats_per_bar;
	g->valid = 1;
	return 0;
}

int grid_usable(const struct beat_grid *g, int rate)
{
	return g->valid && g->bpm > 0 && g->bpm < 1000 && isfinite(g->first_beat) && rate > 0;
}

double grid_beat_length(const struct beat_grid *g, int rate)
{
	return 60.0 * rate / g->bpm;
}

double grid_beat_at(const struct beat_grid *g, int rate, double frame)
{
	return (frame - g->first_beat) / grid_beat_length(g, rate);
}

double grid_frame_of(const struct beat_grid *g, int rate, double beat)
{
	return g->first_beat + beat * grid_beat_length(g, rate);
}

double grid_nearest_beat(const struct beat_grid *g, int rate, double frame)
{
	return grid_frame_of(g, rate, floor(grid_beat_at(g, rate, frame) + 0.5));
}

double grid_beat_floor(const struct beat_grid *g, int rate, double frame)
{
	double len = grid_beat_length(g, rate);

	return grid_frame_of(g, rate, floor((frame - g->first_beat + GRID_EPS) / len));
}

double grid_phase(const struct beat_grid *g, int rate, double frame)
{
	double b = grid_beat_at(g, rate, frame);

	return b - floor(b + 0.5);
}
