/*
 * touchlat: see touchlat.h.
 */
#include "touchlat.h"

#include <stdio.h>
#include <string.h>

void touchlat_init(struct touchlat *t)
{
	memset(t, 0, sizeof *t);
}

void touchlat_update(struct touchlat *t, const struct engine_state *st)
{
	unsigned long k = t->seen;

	if (st->touches < t->seen) /* the engine started again */
		k = t->seen = 0;
	if (st->touches - k > ENGINE_TOUCH_LOG) {
		t->missed += st->touches - k - ENGINE_TOUCH_LOG;
		k = st->touches - ENGINE_TOUCH_LOG;
	}
	for (; k < st->touches; k++)
		t->ms[t->taps++ % TOUCHLAT_RECENT] = st->touch_ms[k % ENGINE_TOUCH_LOG];
	t->seen = st->touches;
}

int touchlat_format(const struct touchlat *t, char *buf, size_t size)
{
	float v[TOUCHLAT_RECENT], worst, median;
	int n = t->taps < TOUCHLAT_RECENT ? (int)t->taps : TOUCHLAT_RECENT, i, j;
	char missed[48] = "";

	if (n == 0)
		return snprintf(buf, size, "touch to sound: no taps yet");
	/* insertion sort: 64 at most, and only when status asks */
	for (i = 0; i < n; i++) {
		float x = t->ms[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	worst = v[n - 1];
	median = n % 2 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
	if (t->missed)
		snprintf(missed, sizeof missed, " (%lu more not collected)", t->missed);
	return snprintf(
	    buf, size,
	    "touch to sound: last %.1f ms, median %.1f ms, worst %.1f ms over %s%d tap%s%s",
	    t->ms[(t->taps - 1) % TOUCHLAT_RECENT], median, worst,
	    t->taps > TOUCHLAT_RECENT ? "the last " : "", n, n == 1 ? "" : "s", missed);
}
