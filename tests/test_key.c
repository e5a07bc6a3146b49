/*
 * test_key: the key shown to a DJ. The names and Camelot codes of all 24
 * keys (relative keys share a number, a fifth up is one step round the
 * wheel); the key of a fixed set of generated chord progressions (tools/gen,
 * chords 0..23, 12 s, at 44.1 and 48 kHz in turn), at least 90 % of them
 * right; the 44.1 kHz ones heard 40 cents sharp and flat (a record off
 * speed, a band not at A440) at least 90 % right too; and silence has no
 * key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/key.h"
#include "tools/gen/gentrack.h"

#define FRAMES (12L * 48000)
#define TRACKS 24

static float audio[2 * FRAMES];
static struct key k;

static void test_names(void **state)
{
	int i;

	(void)state;
	assert_string_equal(key_name(0), "C");
	assert_string_equal(key_camelot(0), "8B");
	assert_string_equal(key_name(21), "Am");
	assert_string_equal(key_camelot(21), "8A");
	assert_string_equal(key_name(KEY_NOT_FOUND), "?");
	assert_string_equal(key_camelot(24), "?");
	for (i = 0; i < 12; i++) {
		int maj = atoi(key_camelot(i)), fifth = atoi(key_camelot((i + 7) % 12));
		int rel = atoi(key_camelot(12 + (i + 9) % 12));

		/* the relative minor shares the number, the letter says which */
		assert_int_equal(maj, rel);
		assert_true(strchr(key_camelot(i), 'B') && strchr(key_camelot(12 + i), 'A'));
		/* a fifth up is one step clockwise */
		assert_int_equal(fifth, maj % 12 + 1);
	}
}

/* The key of the frames of audio at rate, heard as if recorded at heard_rate. */
static int key_of(long frames, int heard_rate, double *conf)
{
	key_init(&k, heard_rate);
	key_feed(&k, audio, frames);
	return key_estimate(&k, conf);
}

static void test_progressions(void **state)
{
	/* 40 cents: 2^(0.4/12) */
	static const double cents40 = 1.023374;
	int i, ok = 0, tuned = 0, tuned_ok = 0;

	(void)state;
	for (i = 0; i < TRACKS; i++) {
		int rate = i & 1 ? 48000 : 44100, got, s;
		struct gentrack t;
		double conf;

		gentrack_chords(&t, (unsigned)i, rate, audio, 12L * rate);
		got = key_of(12L * rate, rate, &conf);
		assert_true(conf >= 0 && conf <= 1);
		if (got == t.key)
			ok++;
		else
			print_message("chords %d: %s (%s), found %s (%s)\n", i, key_name(t.key),
				      key_camelot(t.key), key_name(got), key_camelot(got));
		if (rate != 44100)
			continue;
		for (s = -1; s <= 1; s += 2) {
			got = key_of(12L * rate, (int)lround(rate * pow(cents40, s)), NULL);
			tuned++;
			if (got == t.key)
				tuned_ok++;
			else
				print_message("chords %d %+d cents: %s, found %s\n", i, 40 * s,
					      key_name(t.key), key_name(got));
		}
	}
	print_message("key: %d/%d progressions, %d/%d off-tuned\n", ok, TRACKS, tuned_ok, tuned);
	assert_true(ok * 10 >= TRACKS * 9);
	assert_true(tuned_ok * 10 >= tuned * 9);
}

static void test_silence(void **state)
{
	double conf = 1;

	(void)state;
	memset(audio, 0, sizeof audio);
	key_init(&k, 44100);
	key_feed(&k, audio, FRAMES);
	assert_int_equal(key_estimate(&k, &conf), KEY_NOT_FOUND);
	assert_true(conf == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_progressions),
		cmocka_unit_test(test_silence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
