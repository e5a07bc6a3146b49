/*
 * test_audiodev: the interface is pulled while the box plays, and plugged
 * back in. What someone at the box would notice: the log says the device
 * went away (naming it) and, once it is back, that it was reopened;
 * status says which of the two holds and how often it happened; sound
 * comes out again (periods are written to the device again); in between
 * the box does not hammer a missing device, and nothing allocates.
 *
 * The device is a fake PCM whose plug can be pulled: writes then fail
 * with -ENODEV, as snd-usb-audio's do, and opens with -ENOENT, as
 * snd_pcm_open() does for a card that is not there. The loop's ticks are
 * called by the test: one call is one second to audiodev. With the
 * engine attached, a playing deck picks up where it stood when the
 * device went: the engine is the app's, not the audio thread's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fw/arena.h"
#include "fw/audio.h"
#include "fw/audiodev.h"
#include "fw/board.h"
#include "fw/deck.h"
#include "fw/engine.h"
#include "fw/guard.h"
#include "fw/log.h"
#include "hal/pcm.h"
#include "hal/uevent.h"

static struct arena arena;

struct plug {
	atomic_int in;     /* the device is plugged in */
	atomic_int opens;  /* open attempts */
	atomic_int writes; /* periods taken */
	atomic_int closes;
};

static struct plug plug;

static int fake_open(struct pcm *p, const struct board_audio *cfg)
{
	atomic_fetch_add(&plug.opens, 1);
	if (!atomic_load(&plug.in)) {
		log_error("%s: cannot open for playback: No such file or directory", cfg->device);
		return -ENOENT;
	}
	memset(p, 0, sizeof *p);
	snprintf(p->device, sizeof p->device, "%s", cfg->device);
	snprintf(p->card, sizeof p->card, "Fake");
	p->format = cfg->format;
	p->rate = cfg->rate;
	p->channels = cfg->channels;
	p->period = cfg->period;
	p->periods = cfg->periods;
	return 0;
}

/* Paced like a device, on its clock (what the audio thread may call). */
static int fake_write(struct pcm *p, const void *buf, int frames)
{
	struct timespec ts;

	(void)buf;
	if (!atomic_load(&plug.in))
		return -ENODEV;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 1000000000L * p->period / p->rate;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_nsec -= 1000000000L;
		ts.tv_sec++;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	atomic_fetch_add(&plug.writes, 1);
	return frames;
}

static int fake_recover(struct pcm *p, int err)
{
	(void)p;
	return err;
}

static void fake_close(struct pcm *p)
{
	(void)p;
	atomic_fetch_add(&plug.closes, 1);
}

static const struct pcm_ops fake_ops = {
    .name = "fake",
    .open = fake_open,
    .write = fake_write,
    .recover = fake_recover,
    .close = fake_close,
};

static void profile(struct board *b)
{
	memset(b, 0, sizeof *b);
	snprintf(b->audio.device, sizeof b->audio.device, "hw:CARD=Fake,DEV=0");
	b->audio.format = FMT_S16_LE;
	b->audio.rate = 48000;
	b->audio.channels = 4;
	b->audio.period = 128;
	b->audio.periods = 2;
	b->audio.outputs = OUTPUTS_MASTER_CUE;
	b->rt.priority = 20;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wait (up to 2 s) until the device took n more periods. */
static int plays(int n)
{
	int start = atomic_load(&plug.writes), i;

	for (i = 0; i < 400; i++) {
		if (atomic_load(&plug.writes) - start >= n)
			return 1;
		sleep_ms(5);
	}
	return 0;
}

/* The most recent warning or error. */
static const char *last_line(void)
{
	static char lines[1][LOG_LINE_MAX];

	return log_recent(lines, 1) == 1 ? lines[0] : "";
}

/* Whether one of the recent warnings and errors holds text. */
static int recent_has(const char *text)
{
	static char lines[LOG_RECENT_MAX][LOG_LINE_MAX];
	int i, n = log_recent(lines, LOG_RECENT_MAX);

	for (i = 0; i < n; i++)
		if (strstr(lines[i], text))
			return 1;
	return 0;
}

static void event(struct audiodev *w, const char *action, const char *subsystem,
                  const char *devname)
{
	struct uevent ev = {
	    .action = action,
	    .devpath = "/devices/fake",
	    .subsystem = subsystem,
	    .devname = devname,
	    .devtype = "",
	    .seqnum = "1",
	};

	audiodev_uevent(w, &ev);
}

static const char *status(const struct audiodev *w)
{
	static char buf[200];

	audiodev_format(w, buf, sizeof buf);
	print_message("  status: %s\n", buf);
	return buf;
}

/*
 * Ticks while the device stays away: tries follow the documented backoff
 * (1, 2, 4 ... AUDIODEV_BACKOFF_MAX seconds), and no more than that.
 * Return: how many tries the rule allows in ticks seconds.
 */
static int tries_allowed(int ticks)
{
	int t = 0, gap = 1, n = 0;

	for (;;) {
		t += gap;
		if (t > ticks)
			return n;
		n++;
		gap = gap * 2 > AUDIODEV_BACKOFF_MAX ? AUDIODEV_BACKOFF_MAX : gap * 2;
	}
}

static void test_unplug_then_replug(void **state)
{
	struct audio au;
	struct audiodev w;
	struct board b;
	size_t used;
	int i, opens, waited;

	(void)state;
	memset(&plug, 0, sizeof plug);
	atomic_store(&plug.in, 1);
	profile(&b);
	audio_init(&au);
	audiodev_init(&w, &au, &b, &arena, &fake_ops);
	assert_int_equal(audiodev_start(&w), 0);
	assert_int_equal(w.state, AUDIODEV_PLAYING);
	assert_string_equal(status(&w), "playing; lost 0 times, reopened 0 times");
	used = arena.used;
	guard_arm();
	assert_true(plays(5));
	audiodev_tick(&w);
	assert_int_equal(w.state, AUDIODEV_PLAYING);

	/* pulled: the thread's write fails; the next tick notices */
	atomic_store(&plug.in, 0);
	for (waited = 0; audio_state(&au) == AUDIO_RUNNING && waited < 400; waited++)
		sleep_ms(5);
	assert_int_equal(audio_state(&au), AUDIO_ERROR);
	event(&w, "remove", "sound", "snd/pcmC0D0p");
	event(&w, "remove", "sound", "snd/controlC0");
	audiodev_tick(&w);
	assert_int_equal(w.state, AUDIODEV_ABSENT);
	assert_true(recent_has("audio: hw:CARD=Fake,DEV=0: write failed: No such device; "
	                       "audio stopped"));
	assert_string_equal(last_line(),
	                    "audio: hw:CARD=Fake,DEV=0 went away (No such device); "
	                    "the decks keep their state; reopening it when it is back");
	assert_string_equal(status(&w), "absent for 0 s (No such device), next try in 1 s; lost 1 "
	                                "time, reopened 0 times");
	assert_int_equal(atomic_load(&plug.closes), 1);

	/* away for 20 s: tried on the backoff, not every tick */
	opens = atomic_load(&plug.opens);
	for (i = 0; i < 20; i++)
		audiodev_tick(&w);
	print_message("  %d tries in 20 s away\n", atomic_load(&plug.opens) - opens);
	assert_int_equal(atomic_load(&plug.opens) - opens, tries_allowed(20));
	assert_int_equal(w.state, AUDIODEV_ABSENT);
	assert_non_null(strstr(status(&w), "absent for 20 s (No such file or directory)"));

	/* plugged back: the card's devices come; the next tick reopens it */
	atomic_store(&plug.in, 1);
	event(&w, "add", "sound", "snd/pcmC0D0p");
	event(&w, "add", "sound", "snd/controlC0");
	assert_non_null(strstr(status(&w), "trying again now"));
	audiodev_tick(&w);
	assert_int_equal(w.state, AUDIODEV_PLAYING);
	assert_int_equal(audio_state(&au), AUDIO_RUNNING);
	assert_string_equal(status(&w), "playing; lost 1 time, reopened 1 time");
	assert_true(plays(10)); /* sound again */
	guard_disarm();
	assert_int_equal(arena.used, used); /* the same period buffers */
	audiodev_stop(&w);
	assert_int_equal(w.state, AUDIODEV_STOPPED);
	assert_string_equal(status(&w), "stopped; lost 1 time, reopened 1 time");
}

/* A box that boots before its interface is plugged in plays once it is. */
static void test_boot_without_device(void **state)
{
	struct audio au;
	struct audiodev w;
	struct board b;

	(void)state;
	memset(&plug, 0, sizeof plug);
	profile(&b);
	audio_init(&au);
	audiodev_init(&w, &au, &b, &arena, &fake_ops);
	assert_int_equal(audiodev_start(&w), -ENOENT);
	assert_int_equal(w.state, AUDIODEV_ABSENT);
	assert_string_equal(last_line(), "audio: hw:CARD=Fake,DEV=0 not available (No such file or "
	                                 "directory): running without sound until it is");
	guard_arm();
	audiodev_tick(&w); /* a try after 1 s, in vain */
	assert_int_equal(atomic_load(&plug.opens), 2);
	atomic_store(&plug.in, 1);
	event(&w, "add", "sound", "snd/pcmC0D0p");
	audiodev_tick(&w);
	guard_disarm();
	assert_int_equal(w.state, AUDIODEV_PLAYING);
	assert_true(plays(5));
	assert_string_equal(status(&w), "playing; lost 0 times, reopened 1 time");
	audiodev_stop(&w);
}

/*
 * Only a playback or control device being added makes a try before the
 * backoff is over; other cards' capture devices, timers, input devices,
 * removals and changes do not. A lost message (overflow) does.
 */
static void test_which_uevents_count(void **state)
{
	static const char *const ignored[][3] = {
	    {"add", "sound", "snd/pcmC1D0c"},     {"add", "sound", "snd/timer"},
	    {"add", "sound", "snd/seq"},          {"add", "sound", ""},
	    {"add", "input", "input/event3"},     {"remove", "sound", "snd/pcmC0D0p"},
	    {"change", "sound", "snd/controlC0"}, {"add", "sound", "snd/pcmC0D0px"},
	};
	struct audio au;
	struct audiodev w;
	struct board b;
	size_t i;
	int opens;

	(void)state;
	memset(&plug, 0, sizeof plug);
	profile(&b);
	audio_init(&au);
	audiodev_init(&w, &au, &b, &arena, &fake_ops);
	audiodev_start(&w);
	audiodev_tick(&w); /* 1st try at 1 s; the next at 3 s */
	opens = atomic_load(&plug.opens);
	for (i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		event(&w, ignored[i][0], ignored[i][1], ignored[i][2]);
	audiodev_tick(&w);
	assert_int_equal(atomic_load(&plug.opens), opens);
	assert_non_null(strstr(status(&w), "next try in 1 s"));

	event(&w, "overflow", "", "");
	audiodev_tick(&w);
	assert_int_equal(atomic_load(&plug.opens), opens + 1);
	event(&w, "add", "sound", "snd/controlC2");
	audiodev_tick(&w);
	assert_int_equal(atomic_load(&plug.opens), opens + 2);
	assert_int_equal(w.state, AUDIODEV_ABSENT);
	audiodev_stop(&w);
}

static struct engine engine;
static struct track track;

static int deck_cmd(struct engine *e, enum deck_op op, double a, struct track *t)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = ENGINE_DECK;
	c.deck = 0;
	c.d.op = op;
	c.d.a = a;
	c.d.track = t;
	return engine_command(e, &c);
}

/* Where deck A is now, as the engine last published it. */
static double deck_pos(struct engine *e)
{
	struct engine_state st;

	assert_int_equal(engine_state(e, &st), 0);
	assert_true(st.deck[0].loaded);
	return st.deck[0].pos;
}

/*
 * Deck A plays a 4 s track; the device goes for a while and comes back:
 * the deck carries on from where it stood when the sound stopped (not
 * from the start, and not from where it would be had the gap played).
 */
static void test_deck_keeps_its_place(void **state)
{
	const long frames = 4 * 48000;
	double before, gone, after;
	struct audio au;
	struct audiodev w;
	struct board b;
	float *buf;
	long i;
	int since, waited;

	(void)state;
	memset(&plug, 0, sizeof plug);
	atomic_store(&plug.in, 1);
	profile(&b);
	buf = ARENA_NEW(&arena, float, 2 * (size_t)frames, "test track");
	assert_non_null(buf);
	for (i = 0; i < 2 * frames; i++)
		buf[i] = 0.25f * (float)((i / 2) % 109) / 109.0f - 0.125f;
	track_init(&track, buf, frames);
	track.frames = frames;
	track_set_ready(&track, frames);
	assert_int_equal(engine_init(&engine, &b, &arena), 0);
	assert_int_equal(deck_cmd(&engine, DECK_LOAD, 0, &track), 0);
	assert_int_equal(deck_cmd(&engine, DECK_PLAY, 1, NULL), 0);

	audio_init(&au);
	audio_attach(&au, &engine);
	audiodev_init(&w, &au, &b, &arena, &fake_ops);
	assert_int_equal(audiodev_start(&w), 0);
	assert_true(plays(40));
	before = deck_pos(&engine);

	atomic_store(&plug.in, 0);
	for (waited = 0; audio_state(&au) == AUDIO_RUNNING && waited < 400; waited++)
		sleep_ms(5);
	audiodev_tick(&w);
	assert_int_equal(w.state, AUDIODEV_ABSENT);
	gone = deck_pos(&engine);
	sleep_ms(100); /* away for longer than the writes below take */
	atomic_store(&plug.in, 1);
	event(&w, "add", "sound", "snd/controlC0");
	since = atomic_load(&plug.writes);
	audiodev_tick(&w);
	assert_int_equal(w.state, AUDIODEV_PLAYING);
	assert_true(plays(10));
	after = deck_pos(&engine);
	since = atomic_load(&plug.writes) - since;
	print_message("  deck A at frame %.0f playing, %.0f when the device went, %.0f after %d "
	              "periods on the new device\n",
	              before, gone, after, since);
	assert_true(gone >= before);
	assert_true(after > gone);
	/* on from where it stood: at most the periods played since, and the
	 * buffer's worth the device held when it went */
	assert_true(after - gone <= (double)(since + b.audio.periods + 1) * b.audio.period);
	audiodev_stop(&w);
	engine_clear(&engine);
}

static int setup(void **state)
{
	(void)state;
	return arena_init(&arena, 16 << 20);
}

static int teardown(void **state)
{
	(void)state;
	arena_clear(&arena);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unplug_then_replug),
	    cmocka_unit_test(test_boot_without_device),
	    cmocka_unit_test(test_which_uevents_count),
	    cmocka_unit_test(test_deck_keeps_its_place),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
