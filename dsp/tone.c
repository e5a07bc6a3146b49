#include "tone.h"

#include <errno.h>
#include <math.h>

int tone_init(struct tone *t, double hz, int rate, double dbfs)
{
	if (!(hz > 0) || rate <= 0 || !(hz < rate / 2.0))
		return -EINVAL;
	t->phase = 0;
	t->step = hz / rate;
	t->amp = (float)pow(10.0, dbfs / 20.0);
	return 0;
}

float tone_next(struct tone *t)
{
	float s = (float)(t->amp * sin(2 * M_PI * t->phase));

	t->phase += t->step;
	if (t->phase >= 1.0)
		t->phase -= 1.0;
	return s;
}

void tone_render(struct tone *t, float *out, size_t frames, int stride)
{
	size_t i;

	for (i = 0; i < frames; i++)
		out[i * (size_t)stride] = tone_next(t);
}
