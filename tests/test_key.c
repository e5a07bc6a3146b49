/*
 * test_key: the key shown to a DJ. The names and Camelot codes of all 24
 * keys (relative keys share a number, a fifth up is one step round the
 * wheel); a chord progression in each of a fixed set of generated tracks
 * (tools/gen, chords 0..11, 12 s at 44.1 kHz); and silence has no key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dsp/key.h"
#include "tools/gen/gentrack.h"

#define RATE 44100
#define FRAMES (12L * RATE)

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

static void test_progressions(void **state)
{
	int i, ok = 0;

	(void)state;
	for (i = 0; i < 12; i++) {
		struct gentrack t;
		int got;

		gentrack_chords(&t, (unsigned)i, RATE, audio, FRAMES);
		key_init(&k, RATE);
		key_feed(&k, audio, FRAMES);
		got = key_estimate(&k, NULL);
		if (got == t.key)
			ok++;
		else
			print_message("chords %d: %s, found %s\n", i, key_name(t.key), key_name(got));
	}
	print_message("key subset: %d/12\n", ok);
	assert_true(ok >= 8);
}

static void test_silence(void **state)
{
	double conf = 1;

	(void)state;
	memset(audio, 0, sizeof audio);
	key_init(&k, RATE);
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
