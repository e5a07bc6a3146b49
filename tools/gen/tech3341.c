/*
 * tech3341.c: sine sequences at stated levels.
 */
#include "tech3341.h"

#include <math.h>

struct part {
	double dbfs, seconds;
};

struct tcase {
	int parts;
	struct part p[5];
	double expect;
};

static const struct tcase cases[TECH3341_CASES] = {
	{1, {{-23, 20}}, -23.0},
	{1, {{-33, 20}}, -33.0},
	{3, {{-36, 10}, {-23, 60}, {-36, 10}}, -23.0},
	{5, {{-72, 10}, {-36, 10}, {-23, 60}, {-36, 10}, {-72, 10}}, -23.0},
	{3, {{-26, 20}, {-20, 20.1}, {-26, 20}}, -23.0},
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

double tech3341_make(int c, int rate, float *out, long frames)
{
	long at = 0, i;
	int k;

	if (c < 1 || c > TECH3341_CASES)
		return 0;
	for (k = 0; k < cases[c - 1].parts; k++) {
		double amp = pow(10, cases[c - 1].p[k].dbfs / 20);
		long n = lround(cases[c - 1].p[k].seconds * rate);

		for (i = 0; i < n && at < frames; i++, at++) {
			float v = (float)(amp * sin(2 * M_PI * fmod(1000.0 * at, rate) / rate));
			out[2 * at] = v;
			out[2 * at + 1] = v;
		}
	}
	return cases[c - 1].expect;
}
