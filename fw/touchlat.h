/*
 * touchlat: touch to sound, as `slipmat status` tells it. The audio thread
 * measures each command a touch sent (fw/engine.h: from the kernel's time
 * of the touch to the moment its first affected sample leaves the
 * outputs) and logs the newest ENGINE_TOUCH_LOG in its state; the loop
 * collects them from each state it reads, keeps the last TOUCHLAT_RECENT,
 * and tells the last, the median and the worst of those:
 *
 *     touch to sound: last 24.1 ms, median 24.6 ms, worst 29.0 ms over 12 taps
 *
 * Taps the loop missed (more than ENGINE_TOUCH_LOG between two reads) are
 * counted, not guessed. Nothing allocates; the loop thread's.
 */
#ifndef SLIPMAT_TOUCHLAT_H
#define SLIPMAT_TOUCHLAT_H

#include <stddef.h>

#include "engine.h"

#define TOUCHLAT_RECENT 64 /* the taps the median and worst are over */

struct touchlat {
	unsigned long seen;        /* the engine's touch count collected up to */
	unsigned long taps;        /* collected */
	unsigned long missed;      /* logged by the engine but gone before collected */
	float ms[TOUCHLAT_RECENT]; /* the k-th tap collected at k % TOUCHLAT_RECENT */
};

/* Post: no taps (what static storage starts as). */
void touchlat_init(struct touchlat *t);

/* Collect the taps st logged since the last call (any state, new or not). */
void touchlat_update(struct touchlat *t, const struct engine_state *st);

/*
 * "touch to sound: last 24.1 ms, median 24.6 ms, worst 29.0 ms over 12
 * taps", or "touch to sound: no taps yet".
 * Return: what snprintf returns.
 */
int touchlat_format(const struct touchlat *t, char *buf, size_t size);

#endif
