/*
 * tech3341.c: sine sequences at stated levels, per channel.
 */
#include "tech3341.h"

#include <math.h>

/* A stretch of the sine: its level on each channel (stereo: the first, on both). */
struct part {
	double dbfs[TECH3341_MAX_CHANNELS], seconds;
};

struct tcase {
	int channels, parts;
	struct part p[5];
	double expect;
};

static const struct tcase cases[TECH3341_CASES] = {
	{2, 1, {{{-23}, 20}}, -23.0},
	{2, 1, {{{-33}, 20}}, -33.0},
	{2, 3, {{{-36}, 10}, {{-23}, 60}, {{-36}, 10}}, -23.0},
	{2, 5, {{{-72}, 10}, {{-36}, 10}, {{-23}, 60}, {{-36}, 10}, {{-72}, 10}}, -23.0},
	{2, 3, {{{-26}, 20}, {{-20}, 20.1}, {{-26}, 20}}, -23.0},
	{5, 1, {{{-28, -28, -24, -30, -30}, 20}}, -23.0},
};

long tech3341_frames(int c, int rate)
{
	long n = 0;
	int i;

	if (c < 1 || c > TECH3341_CASES)
		return 0;
	for (i = 0; i < cases[c - 1].parts; i++)
		n += lround(cases[c - 1].p[i].seconds * rate);
	return n;
}

int tech3341_channels(int c)
{
	return c < 1 || c > TECH3341_CASES ? 0 : cases[c - 1].channels;
}

double tech3341_make(int c, int rate, float *out, long frames)
{
	long at = 0, i;
	int k, ch, n;

	if (c < 1 || c > TECH3341_CASES)
		return 0;
	n = cases[c - 1].channels;
	for (k = 0; k < cases[c - 1].parts; k++) {
		const struct part *p = &cases[c - 1].p[k];
		double amp[TECH3341_MAX_CHANNELS];
		long len = lround(p->seconds * rate);

		for (ch = 0; ch < n; ch++)
			amp[ch] = pow(10, p->dbfs[n == 2 ? 0 : ch] / 20);
		for (i = 0; i < len && at < frames; i++, at++) {
			double s = sin(2 * M_PI * fmod(1000.0 * at, rate) / rate);

			for (ch = 0; ch < n; ch++)
				out[n * at + ch] = (float)(amp[ch] * s);
		}
	}
	return cases[c - 1].expect;
}
