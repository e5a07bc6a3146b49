/*
 * test_audio_alsa: hal/alsa.c against real libasound, without a card.
 *
 * A private ALSA configuration (ALSA_CONFIG_PATH) defines a null PCM,
 * which takes any setup and discards samples, and a PCM that only takes
 * float samples. Checked: the setup is granted as the profile asks; the
 * audio thread's calls (writei, prepare after an xrun) allocate nothing
 * with the guard armed; and a device that refuses the profile's format
 * says so, naming the device, the format and what it offers instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw/board.h"
#include "fw/guard.h"
#include "fw/log.h"
#include "hal/pcm.h"

static char conf[256];

static const char conf_text[] =
    "pcm.null { type null }\n"
    "pcm.floatonly { type lfloat slave { pcm \"null\" format S16_LE } }\n";

static void profile(struct board_audio *a, const char *device, enum sample_format f)
{
	memset(a, 0, sizeof *a);
	snprintf(a->device, sizeof a->device, "%s", device);
	a->format = f;
	a->rate = 48000;
	a->channels = 4;
	a->period = 128;
	a->periods = 2;
	a->outputs = OUTPUTS_MASTER_CUE;
}

/* The audio thread's side: marked real-time, so any allocation aborts. */
struct rt_run {
	struct pcm *p;
	int written, recovered, after;
};

static void *rt_writer(void *arg)
{
	static int16_t period[128 * 4];
	struct rt_run *r = arg;
	int i, n;

	guard_rt_enter();
	guard_arm(); /* here: a sanitizer's thread start-up allocates before */
	for (i = 0; i < 200; i++) {
		n = r->p->ops->write(r->p, period, 128);
		if (n > 0)
			r->written += n;
	}
	r->recovered = r->p->ops->recover(r->p, -EPIPE);
	n = r->p->ops->write(r->p, period, 128);
	r->after = n;
	return NULL;
}

static void test_null_device_plays_without_allocating(void **state)
{
	struct board_audio cfg;
	struct rt_run run = {0};
	struct pcm p;
	pthread_t t;

	(void)state;
	profile(&cfg, "null", FMT_S16_LE);
	guard_arm();
	guard_window_begin("test: open");
	assert_int_equal(pcm_alsa_ops.open(&p, &cfg), 0);
	guard_window_end();
	guard_disarm();

	assert_ptr_equal(p.ops, &pcm_alsa_ops);
	assert_string_equal(p.device, "null");
	assert_string_equal(p.card, "null");
	assert_int_equal(p.format, FMT_S16_LE);
	assert_int_equal(p.rate, 48000);
	assert_int_equal(p.channels, 4);
	assert_int_equal(p.period, 128);
	assert_int_equal(p.periods, 2);

	run.p = &p;
	assert_int_equal(pthread_create(&t, NULL, rt_writer, &run), 0);
	guard_window_begin("test: join and close"); /* joining frees the thread's TLS */
	assert_int_equal(pthread_join(t, NULL), 0);
	pcm_alsa_ops.close(&p);
	guard_window_end();
	guard_disarm();
	assert_int_equal(run.written, 200 * 128);
	assert_int_equal(run.recovered, 0);
	assert_int_equal(run.after, 128);
}

static void test_refused_format_names_what_is_offered(void **state)
{
	char lines[1][LOG_LINE_MAX];
	struct board_audio cfg;
	struct pcm p;

	(void)state;
	profile(&cfg, "floatonly", FMT_S24_3LE);
	assert_int_equal(pcm_alsa_ops.open(&p, &cfg), -EINVAL);
	assert_int_equal(log_recent(lines, 1), 1);
	print_message("%s\n", lines[0]);
	assert_string_equal(lines[0], "floatonly: format S24_3LE not supported "
	                              "(offers FLOAT_LE FLOAT_BE FLOAT64_LE FLOAT64_BE)");
}

static void test_missing_device_is_named(void **state)
{
	char lines[1][LOG_LINE_MAX];
	struct board_audio cfg;
	struct pcm p;

	(void)state;
	profile(&cfg, "hw:CARD=NoSuchCard", FMT_S16_LE);
	assert_true(pcm_alsa_ops.open(&p, &cfg) < 0);
	assert_int_equal(log_recent(lines, 1), 1);
	print_message("%s\n", lines[0]);
	assert_non_null(strstr(lines[0], "hw:CARD=NoSuchCard: cannot open for playback: "));
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd;

	(void)state;
	snprintf(conf, sizeof conf, "%s/slipmat-alsa-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	fd = mkstemp(conf);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL || fputs(conf_text, f) < 0 || fclose(f) != 0)
		return -1;
	return setenv("ALSA_CONFIG_PATH", conf, 1);
}

static int teardown(void **state)
{
	(void)state;
	return unlink(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_null_device_plays_without_allocating),
	    cmocka_unit_test(test_refused_format_names_what_is_offered),
	    cmocka_unit_test(test_missing_device_is_named),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
