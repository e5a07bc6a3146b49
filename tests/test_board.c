/*
 * board: every shipped profile parses clean; every broken profile in
 * tests/data/boards gives exactly the message on its "# expect:" line and
 * leaves the built-in defaults in place. Run from the repository root.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw/board.h"

static struct board b;
static struct board_errors errs;

static void test_shipped_profiles_parse_clean(void **state)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("boards");
	(void)state;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[300];
		size_t len = strlen(e->d_name);

		if (len < 7 || strcmp(e->d_name + len - 6, ".board"))
			continue;
		snprintf(path, sizeof path, "boards/%s", e->d_name);
		int r = board_load(&b, path, &errs);
		if (r)
			print_error("%s: %s\n", path, errs.msg[0]);
		assert_int_equal(r, 0);
		/* The profile's name is its file name: what a technician picks. */
		assert_int_equal(strncmp(b.name, e->d_name, len - 6), 0);
		assert_int_equal(strlen(b.name), len - 6);
		n++;
	}
	closedir(d);
	/* emu-x86_64, emu-aarch64, sim and the four real boards. */
	assert_true(n >= 7);
}

static void test_profile_values(void **state)
{
	(void)state;
	assert_int_equal(board_load(&b, "boards/orangepi5plus.board", &errs), 0);
	assert_int_equal(b.ndisplays, 2);
	assert_string_equal(b.display[0].connector, "HDMI-A-1");
	assert_string_equal(b.display[1].connector, "HDMI-A-2");
	assert_int_equal(b.display[0].width, 1280);
	assert_int_equal(b.rt.cpus, 0xf0); /* the A76 cores 4-7 */
	assert_int_equal(b.audio.channels, 4);
	assert_int_equal(b.audio.outputs, OUTPUTS_MASTER_CUE);
	assert_int_equal(b.audio.period, 128);
	assert_int_equal(b.audio.periods, 2);
	assert_int_equal(b.audio.format, FMT_S24_3LE);

	assert_int_equal(board_load(&b, "boards/emu-x86_64.board", &errs), 0);
	assert_int_equal(b.backend, BOARD_BACKEND_HW);
	assert_int_equal(b.ntouch, 2);
	assert_int_equal(b.touch[1].match, TOUCH_MATCH_PHYS);
	assert_int_equal(b.touch[1].display, 1);

	const char text[] = "[board]\nname = x\n[display 0]\nconnector = DSI-1\nmode = 1024x600@60\n"
			    "rotation = 270\n[touch 0]\nmatch = name:Goodix Capacitive TouchScreen\n"
			    "swap_xy = yes\ncalibration = 10 4000 20 3900\n[realtime]\ncpus = 0-1,6\n"
			    "[audio]\nchannels = 2\noutputs = split-cue\n[storage]\nlibrary = /a\n"
			    "library = /b\n";
	assert_int_equal(board_parse(&b, "inline", text, sizeof text - 1, &errs), 0);
	assert_int_equal(b.display[0].height, 600);
	assert_int_equal(b.display[0].refresh, 60);
	assert_int_equal(b.display[0].rotation, 270);
	assert_int_equal(b.touch[0].match, TOUCH_MATCH_NAME);
	assert_string_equal(b.touch[0].pattern, "Goodix Capacitive TouchScreen");
	assert_int_equal(b.touch[0].swap_xy, 1);
	assert_int_equal(b.touch[0].calibrated, 1);
	assert_int_equal(b.touch[0].cal[3], 3900);
	assert_int_equal(b.rt.cpus, 0x43);
	assert_int_equal(b.storage.nlibrary, 2);
	assert_string_equal(b.storage.library[1], "/b");
}

static void test_broken_profiles_say_where(void **state)
{
	const char *dir = "tests/data/boards";
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);
	(void)state;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[300], first[400], *expect, *nl;
		FILE *f;

		if (strncmp(e->d_name, "bad-", 4))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(first, sizeof first, f));
		fclose(f);
		expect = strstr(first, "# expect: ");
		assert_non_null(expect);
		expect += 10;
		if ((nl = strchr(expect, '\n')))
			*nl = '\0';

		int r = board_load(&b, path, &errs);
		assert_true(r >= 1);
		if (strcmp(errs.msg[0], expect))
			print_error("%s\n got: %s\nwant: %s\n", path, errs.msg[0], expect);
		assert_string_equal(errs.msg[0], expect);
		/* Nothing half-applied: the box runs on the safe defaults. */
		assert_string_equal(b.name, "safe-defaults");
		n++;
	}
	closedir(d);
	assert_true(n >= 15);
}

static void test_missing_and_garbage(void **state)
{
	char junk[4096];
	(void)state;

	assert_int_equal(board_load(&b, "tests/data/boards/no-such.board", &errs), 1);
	assert_string_equal(errs.msg[0],
			    "tests/data/boards/no-such.board: cannot open: No such file or directory");
	assert_string_equal(b.name, "safe-defaults");

	/* Forty broken lines: all counted, the first ones kept. */
	char many[2000] = "[board]\nname = x\n[audio]\n";
	for (int i = 0; i < 40; i++)
		strcat(many, "rate = fast\n");
	assert_int_equal(board_parse(&b, "many", many, strlen(many), &errs), 40);
	assert_string_equal(errs.msg[0],
			    "many:4: rate: expected a whole number from 8000 to 384000, got 'fast'");
	assert_string_equal(errs.msg[BOARD_MAX_ERRORS - 1],
			    "many:19: rate: expected a whole number from 8000 to 384000, got 'fast'");

	/* Random bytes: never a crash, always a verdict. */
	srand(7);
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(rand() % (int)sizeof junk);
		for (size_t i = 0; i < len; i++)
			junk[i] = (char)(rand() % 4 ? "[]=#\n abcdisplay0touch"[rand() % 22]
						    : rand());
		board_parse(&b, "junk", junk, len, &errs);
		assert_true(errs.count >= 0);
	}
	const char nul[] = "[board]\nname = a\0b\n";
	/* The NUL line is dropped whole, so the board also has no name. */
	assert_int_equal(board_parse(&b, "nul", nul, sizeof nul - 1, &errs), 2);
	assert_string_equal(errs.msg[0], "nul:2: NUL byte in the line (is this a text file?)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_profiles_parse_clean),
		cmocka_unit_test(test_profile_values),
		cmocka_unit_test(test_broken_profiles_say_where),
		cmocka_unit_test(test_missing_and_garbage),
	};
	return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
