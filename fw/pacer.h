/*
 * pacer: how often the screens are drawn, and how long drawing takes.
 *
 * The screens are drawn at PACER_FPS while anything moves, and not at all
 * while nothing does (the caller asks only when a widget is dirty). The
 * audio thread comes first: when its load or the SoC's temperature passes
 * the board profile's thresholds, drawing steps down to 30 and then 15
 * frames a second, before the audio thread can run short of CPU or the
 * SoC throttles its clocks; the reason is shown in the status bar. It
 * steps back up only after PACER_CALM_MS below the thresholds (less a
 * margin), so a load hovering at a threshold does not make the waveform
 * stutter between rates.
 *
 * Frame times (the time to draw and hand a frame to the display) are kept
 * in a histogram for `slipmat status`: count, mean, 99th percentile and
 * worst. Nothing allocates.
 */
#ifndef SLIPMAT_PACER_H
#define SLIPMAT_PACER_H

#include <stddef.h>

#define PACER_FPS 60
#define PACER_CALM_MS 2000
#define PACER_LOAD_MARGIN 10.0f /* percentage points below the threshold to step up */
#define PACER_TEMP_MARGIN 5.0f  /* degrees below it */
#define PACER_BUCKET_US 100     /* histogram resolution */
#define PACER_BUCKETS 500       /* up to 50 ms; longer frames land in the last */

struct pacer {
	float load_limit; /* audio thread load, percent of the period */
	float temp_limit; /* SoC temperature, degrees C */
	int level;        /* 0: PACER_FPS, 1: half, 2: a quarter */
	long calm_since;  /* when the readings last went below the limits less margins */
	long last_frame;  /* ms of the last frame drawn; -1 none yet */
	float load, temp; /* the newest readings */
	char why[96];     /* why the rate is lowered; "" at full rate */

	unsigned long frames;
	double sum_us;
	unsigned max_us;
	unsigned hist[PACER_BUCKETS];
};

/* Post: full rate, no frames counted. load_pct, temp_c: the profile's limits. */
void pacer_init(struct pacer *p, float load_pct, float temp_c);

/*
 * New readings: the audio thread's load (percent of its period, the
 * average status shows) and the SoC temperature in degrees C (NaN when
 * the box cannot read it).
 */
void pacer_update(struct pacer *p, float load_pct, float temp_c, long now_ms);

/* Return: frames a second now (PACER_FPS, 30 or 15). */
int pacer_fps(const struct pacer *p);

/*
 * Return: 1 when a frame may be drawn at now_ms (a frame interval has
 * passed since the last one), else 0; then *wait_ms says how long until
 * one may. The caller draws only when something is dirty.
 */
int pacer_due(const struct pacer *p, long now_ms, long *wait_ms);

/* A frame was drawn at now_ms and took draw_us. */
void pacer_frame(struct pacer *p, long now_ms, unsigned draw_us);

/* "frames 1234, mean 1.2 ms, p99 2.1 ms, worst 3.4 ms; 60 fps" (and why when lowered). */
int pacer_format(const struct pacer *p, char *buf, size_t size);

#endif
