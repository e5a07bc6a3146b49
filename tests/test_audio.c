/*
 * test_audio: the audio thread as the box runs it, rendering the engine
 * (two decks playing the test tracks, through the mixer) into the WAV
 * sink.
 *
 * Each profile plays for about half a second with the allocation guard
 * armed (any allocation in the thread, or anywhere in the process, aborts
 * the test) and the thread's syscall filter on (any system call but the
 * PCM's kills it), then the WAV file is checked the way someone listening
 * with a meter would: the header says what was played, master carries
 * deck A's tone and cue deck B's (or left/right in split cue) at -12
 * dBFS, the pitch is right, nothing clicks (after the 5 ms fade in, every
 * sample within a few LSB of one continuous sine, the loop's wraps
 * included), and the file grew in real time, not as fast as the disk
 * allows. With the decks scratching, looping and jumping and the EQ,
 * filter and limiter all working, the thread takes no page fault in steady
 * state. A fake PCM then drives the thread through an xrun and an unplug,
 * after which the decks play on from where they were; and, telling a
 * made-up clock, shows the touch to sound the thread measures is exact.
 * The WAV sink's delay is what its modelled device holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dsp/convert.h"
#include "fw/arena.h"
#include "fw/audio.h"
#include "fw/board.h"
#include "fw/engine.h"
#include "fw/grid.h"
#include "fw/guard.h"
#include "fw/log.h"
#include "hal/pcm.h"

static struct arena arena;
static char dir[256];
static struct engine engine;
static struct track tracks[ENGINE_DECKS];

/* What the first frames hold: the decks' fade in, through the EQ. */
#define FADE_IN_FRAMES 960

/*
 * An engine for b with the box's test setup (deck A's tone on the master,
 * B's on the cue), attached to au; storage from the arena.
 */
static void engine_for(struct audio *au, const struct board *b)
{
	long frames = (long)ENGINE_TEST_SECONDS * b->audio.rate;

	assert_int_equal(engine_init(&engine, b, &arena), 0);
	for (int i = 0; i < ENGINE_DECKS; i++) {
		float *mem = ARENA_NEW(&arena, float, 2 * frames, "test track");

		assert_non_null(mem);
		track_init(&tracks[i], mem, frames);
	}
	assert_int_equal(
	    engine_test_tracks(&engine, tracks, AUDIO_TONE_A_HZ, AUDIO_TONE_B_HZ, AUDIO_TONE_DBFS),
	    0);
	audio_init(au);
	audio_attach(au, &engine);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void profile(struct board *b, const char *device, enum sample_format f, int channels,
                    enum audio_outputs outputs)
{
	memset(b, 0, sizeof *b);
	snprintf(b->audio.device, sizeof b->audio.device, "%s", device);
	b->audio.format = f;
	b->audio.rate = 48000;
	b->audio.channels = channels;
	b->audio.period = 128;
	b->audio.periods = 2;
	b->audio.outputs = outputs;
	b->rt.priority = 20;
	b->rt.cpus = 0;
}

/* The file as a listener's tools would read it. */
struct wav {
	int channels, rate, bits, frames;
	double *x; /* frames x channels, in [-1, 1) */
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Parse path strictly: RIFF and data sizes must match the file. */
static void wav_read(const char *path, struct wav *w)
{
	static const uint8_t pcm_guid[16] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	                                     0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71};
	struct stat st;
	uint8_t *buf, *fmt, *data;
	uint32_t fmt_len, data_len;
	unsigned tag, align;
	FILE *f;
	long i, n;

	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 44);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	unlink(path);

	assert_memory_equal(buf, "RIFF", 4);
	assert_int_equal(le32(buf + 4), st.st_size - 8);
	assert_memory_equal(buf + 8, "WAVEfmt ", 8);
	fmt_len = le32(buf + 16);
	fmt = buf + 20;
	tag = le16(fmt);
	w->channels = (int)le16(fmt + 2);
	w->rate = (int)le32(fmt + 4);
	align = le16(fmt + 12);
	w->bits = (int)le16(fmt + 14);
	assert_int_equal(le32(fmt + 8), (uint32_t)w->rate * align);
	assert_int_equal(align, (unsigned)(w->channels * w->bits / 8));
	if (w->channels > 2 || w->bits > 16) {
		/* WAVE_FORMAT_EXTENSIBLE, integer PCM, all bits valid */
		assert_int_equal(tag, 0xfffe);
		assert_int_equal(fmt_len, 40);
		assert_int_equal(le16(fmt + 16), 22);
		assert_int_equal(le16(fmt + 18), (unsigned)w->bits);
		assert_memory_equal(fmt + 24, pcm_guid, 16);
	} else {
		assert_int_equal(tag, 1);
		assert_int_equal(fmt_len, 16);
	}
	data = fmt + fmt_len;
	assert_memory_equal(data, "data", 4);
	data_len = le32(data + 4);
	data += 8;
	assert_int_equal(data_len, (uint32_t)(st.st_size - (data - buf)));
	assert_int_equal(data_len % align, 0);
	w->frames = (int)(data_len / align);

	n = (long)w->frames * w->channels;
	w->x = malloc(sizeof(double) * (size_t)n);
	assert_non_null(w->x);
	for (i = 0; i < n; i++) {
		const uint8_t *s = data + i * (w->bits / 8);

		if (w->bits == 16)
			w->x[i] = (int16_t)le16(s) / 32768.0;
		else if (w->bits == 24)
			w->x[i] = (int32_t)((uint32_t)s[0] << 8 | (uint32_t)s[1] << 16 |
			                    (uint32_t)s[2] << 24) /
			          2147483648.0;
		else
			w->x[i] = (int32_t)le32(s) / 2147483648.0;
	}
	free(buf);
}

/*
 * Power of channel ch at hz relative to the tone's (Goertzel over a Hann
 * window, whose sidelobes are below -100 dB a few dozen bins away).
 */
static double power_at(const struct wav *w, int ch, double hz)
{
	double c = 2 * cos(2 * M_PI * hz / w->rate), s1 = 0, s2 = 0, gain = 0;
	int n;

	for (n = 0; n < w->frames; n++) {
		double win = 0.5 - 0.5 * cos(2 * M_PI * n / (w->frames - 1));
		double s0 = win * w->x[(size_t)n * w->channels + ch] + c * s1 - s2;

		gain += win;
		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - c * s1 * s2) / (gain * gain / 4);
}

/*
 * Channel ch must be one unbroken sine of hz at AUDIO_TONE_DBFS: least
 * squares fit of a sin + b cos at hz, then every sample within a few LSB
 * of the fit (a dropped, repeated or garbled period would be off by
 * thousands), the level within 0.2 dB, the pitch by zero crossings, and
 * no sample-to-sample step larger than the sine's own slope allows.
 * Return: the fitted phase, to compare channels.
 */
static double check_tone(const struct wav *w, int ch, double hz)
{
	double om = 2 * M_PI * hz / w->rate, amp_want = pow(10, AUDIO_TONE_DBFS / 20.0);
	double ss = 0, cc = 0, sc = 0, xs = 0, xc = 0, a, b, det, amp, db, worst = 0, step = 0;
	double sq = 0, first = -1, last = -1, measured;
	long crossings = 0;
	int n, from = FADE_IN_FRAMES;

	for (n = from; n < w->frames; n++) {
		double x = w->x[(size_t)n * w->channels + ch], s = sin(om * n), c = cos(om * n);

		ss += s * s;
		cc += c * c;
		sc += s * c;
		xs += x * s;
		xc += x * c;
		sq += x * x;
	}
	det = ss * cc - sc * sc;
	a = (xs * cc - xc * sc) / det;
	b = (xc * ss - xs * sc) / det;
	amp = sqrt(a * a + b * b);
	for (n = 1; n < w->frames; n++) {
		double x = w->x[(size_t)n * w->channels + ch];
		double e = fabs(x - (a * sin(om * n) + b * cos(om * n)));
		double prev = w->x[(size_t)(n - 1) * w->channels + ch];

		if (n >= from && e > worst)
			worst = e;
		/* every step, the fade in's included */
		if (fabs(x - prev) > step)
			step = fabs(x - prev);
		if (n >= from && prev < 0 && x >= 0) {
			double at = n - 1 + prev / (prev - x);

			if (first < 0)
				first = at;
			last = at;
			crossings++;
		}
	}
	db = 10 * log10(2 * sq / (w->frames - from));
	measured = (crossings - 1) / ((last - first) / w->rate);
	print_message(
	    "  output %d: %.2f Hz, %.3f dBFS (fit %.3f dBFS), worst deviation %.1f LSB16, "
	    "largest step %.5f\n",
	    ch + 1, measured, db, 20 * log10(amp), worst * 32768, step);
	assert_true(fabs(db - AUDIO_TONE_DBFS) < 0.2);
	assert_true(fabs(20 * log10(amp / amp_want)) < 0.2);
	assert_true(fabs(measured - hz) < 0.5);
	assert_true(worst < 4.0 / 32768);
	/* a sine's steepest step is amp * om; allow the fade in through the
	 * EQ's allpass, rounding and dither */
	assert_true(step <= amp_want * om * 1.03 + 3.0 / 32768);
	/* and the other tone, and the neighbourhood, are 60 dB down */
	assert_true(power_at(w, ch, hz) > 0.5 * amp_want * amp_want);
	assert_true(power_at(w, ch, hz == AUDIO_TONE_A_HZ ? AUDIO_TONE_B_HZ : AUDIO_TONE_A_HZ) <
	            1e-6 * amp_want * amp_want);
	assert_true(power_at(w, ch, hz * 1.25) < 1e-6 * amp_want * amp_want);
	return atan2(b, a);
}

static void check_silent(const struct wav *w, int ch)
{
	int n;

	for (n = 0; n < w->frames; n++)
		assert_true(fabs(w->x[(size_t)n * w->channels + ch]) <= 1.0 / 32768);
}

/*
 * Play b for ms with the guard armed; return the report taken while armed.
 * The test's own code between arm and disarm allocates nothing either.
 */
static void play(const struct board *b, const struct pcm_ops *ops, int ms, struct audio *au,
                 struct audio_report *r)
{
	char line[400];
	size_t used;

	engine_for(au, b);
	assert_int_equal(audio_start(au, b, &arena, ops), 0);
	used = arena.used;
	guard_arm();
	sleep_ms(ms);
	audio_report(au, r);
	guard_disarm();
	audio_stop(au);
	audio_report_format(r, line, sizeof line);
	print_message("%s\n", line);
	assert_int_equal(r->state_id, AUDIO_RUNNING);
	assert_string_equal(r->state, "running");
	assert_int_equal(r->rtguard, 0);
	assert_int_equal(audio_state(au), AUDIO_STOPPED);
	assert_true(r->periods_done > 0);
	assert_int_equal(r->xruns, 0);
	assert_int_equal(arena.used, used);
}

static void wav_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s", dir, name);
}

/* A profile playing into the WAV file name (its path in path). */
static void wav_profile(struct board *b, char *path, size_t size, const char *name,
                        enum sample_format f, int channels, enum audio_outputs outputs)
{
	char device[sizeof b->audio.device];

	wav_path(path, size, name);
	assert_true(snprintf(device, sizeof device, "wav:%s", path) < (int)sizeof device);
	profile(b, device, f, channels, outputs);
}

static void check_run(enum sample_format f, int channels, enum audio_outputs outputs,
                      const char *name)
{
	char path[300];
	struct audio_report r;
	struct audio au;
	struct board b;
	struct wav w;
	double pa, pb;
	int c;

	wav_profile(&b, path, sizeof path, name, f, channels, outputs);
	play(&b, &pcm_wav_ops, 500, &au, &r);
	assert_string_equal(r.format, convert_format_name(f));
	assert_int_equal(r.channels, channels);
	assert_int_equal(r.period, 128);
	assert_int_equal(r.periods, 2);

	wav_read(path, &w);
	print_message("%s: %d frames of %dch %d-bit %d Hz\n", name, w.frames, w.channels, w.bits,
	              w.rate);
	assert_int_equal(w.channels, channels);
	assert_int_equal(w.rate, 48000);
	assert_int_equal(w.bits, 8 * convert_sample_bytes(f));
	/* Paced like a device: half a second took about half a second. */
	assert_true(w.frames >= 48000 * 4 / 10 && w.frames <= 48000 * 8 / 10);
	assert_int_equal(w.frames % 128, 0);
	assert_true((unsigned long)w.frames / 128 >= r.periods_done);

	if (outputs == OUTPUTS_MASTER_CUE && channels >= 4) {
		pa = check_tone(&w, 0, AUDIO_TONE_A_HZ);
		assert_true(fabs(check_tone(&w, 1, AUDIO_TONE_A_HZ) - pa) < 1e-3);
		pb = check_tone(&w, 2, AUDIO_TONE_B_HZ);
		assert_true(fabs(check_tone(&w, 3, AUDIO_TONE_B_HZ) - pb) < 1e-3);
		for (c = 4; c < channels; c++)
			check_silent(&w, c);
		assert_string_equal(r.routing, "master 1-2, cue 3-4");
	} else {
		check_tone(&w, 0, AUDIO_TONE_A_HZ);
		check_tone(&w, 1, AUDIO_TONE_B_HZ);
		for (c = 2; c < channels; c++)
			check_silent(&w, c);
		assert_string_equal(r.routing, "master 1, cue 2");
	}
	free(w.x);
}

/* The emulator's interface: S16_LE, four outputs, master on 1-2, cue on 3-4. */
static void test_master_cue_4ch_s16(void **state)
{
	(void)state;
	check_run(FMT_S16_LE, 4, OUTPUTS_MASTER_CUE, "mc4.wav");
}

/* A two-output interface: mono master left, mono cue right. */
static void test_split_cue_2ch_s16(void **state)
{
	(void)state;
	check_run(FMT_S16_LE, 2, OUTPUTS_SPLIT_CUE, "sc2.wav");
}

/* UMC204HD-like formats; master-cue on two outputs falls back to split. */
static void test_24_and_32_bit(void **state)
{
	(void)state;
	check_run(FMT_S24_3LE, 4, OUTPUTS_MASTER_CUE, "mc4-24.wav");
	check_run(FMT_S32_LE, 2, OUTPUTS_MASTER_CUE, "mc2-32.wav");
}

/*
 * What status claims about the thread is what the kernel says: the
 * policy, priority and CPUs it runs with; no page faults once it plays
 * when memory is locked.
 */
static void test_thread_as_reported(void **state)
{
	char path[300];
	struct audio_report r;
	struct sched_param sp;
	struct audio au;
	struct board b;
	cpu_set_t set;
	int policy, i;

	(void)state;
	wav_profile(&b, path, sizeof path, "rt.wav", FMT_S16_LE, 4, OUTPUTS_MASTER_CUE);
	b.rt.cpus = 1; /* CPU 0 only */
	engine_for(&au, &b);
	assert_int_equal(audio_start(&au, &b, &arena, &pcm_wav_ops), 0);
	sleep_ms(300);
	audio_report(&au, &r);
	assert_int_equal(pthread_getschedparam(au.thread, &policy, &sp), 0);
	assert_int_equal(pthread_getaffinity_np(au.thread, sizeof set, &set), 0);
	audio_stop(&au);
	unlink(path);
	print_message("thread: %s priority %d, %d CPU(s), mlockall %s, %ld minor faults playing\n",
	              policy == SCHED_FIFO ? "SCHED_FIFO" : "normal", sp.sched_priority,
	              CPU_COUNT(&set), r.mlocked ? "ok" : "failed", r.minor_faults);
	assert_int_equal(policy == SCHED_FIFO, r.fifo);
	assert_int_equal(sp.sched_priority, r.fifo ? 20 : 0);
	assert_int_equal(r.priority, sp.sched_priority);
	assert_true(CPU_ISSET(0, &set));
	for (i = 1; i < CPU_SETSIZE; i++)
		assert_false(CPU_ISSET(i, &set));
	assert_true(r.minor_faults >= 0);
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
	/* (a sanitizer's shadow memory faults in as the thread touches things) */
	if (r.mlocked)
		assert_int_equal(r.minor_faults, 0);
#endif
}

/* No file to write: the start fails, saying which device and why. */
static void test_open_failure_is_reported(void **state)
{
	char lines[LOG_RECENT_MAX][LOG_LINE_MAX], text[400];
	struct audio_report r;
	struct audio au;
	struct board b;
	unsigned long serial = log_serial();
	int n;

	(void)state;
	unsetenv(PCM_WAV_ENV);
	profile(&b, "hw:CARD=Gone", FMT_S16_LE, 4, OUTPUTS_MASTER_CUE);
	audio_init(&au);
	assert_int_equal(audio_start(&au, &b, &arena, &pcm_wav_ops), -EINVAL);
	audio_report(&au, &r);
	assert_int_equal(r.state_id, AUDIO_ERROR);
	assert_string_equal(r.state, "error: open failed: Invalid argument");
	assert_true(log_serial() > serial);
	n = log_recent(lines, 1);
	assert_int_equal(n, 1);
	assert_non_null(strstr(lines[0], "hw:CARD=Gone"));
	assert_non_null(strstr(lines[0], PCM_WAV_ENV));
	audio_report_format(&r, text, sizeof text);
	assert_non_null(strstr(text, "audio error: open failed: Invalid argument; hw:CARD=Gone"));
	audio_stop(&au); /* harmless after a failed start */
	assert_int_equal(audio_state(&au), AUDIO_ERROR);
}

/*
 * A host without a card runs the real profile's device name into the WAV
 * file SLIPMAT_WAV names; without it, the profile's ALSA name goes to ALSA.
 */
static void test_wav_from_environment(void **state)
{
	char path[300], want[80];
	struct audio_report r;
	struct audio au;
	struct board b;
	struct wav w;

	(void)state;
	unsetenv(PCM_WAV_ENV);
	assert_ptr_equal(pcm_ops_for("hw:CARD=Audio"), &pcm_alsa_ops);
	assert_ptr_equal(pcm_ops_for("wav:/x.wav"), &pcm_wav_ops);
	wav_path(path, sizeof path, "env.wav");
	assert_int_equal(setenv(PCM_WAV_ENV, path, 1), 0);
	profile(&b, "hw:CARD=Audio", FMT_S16_LE, 2, OUTPUTS_SPLIT_CUE);
	assert_ptr_equal(pcm_ops_for(b.audio.device), &pcm_wav_ops);
	engine_for(&au, &b);
	assert_int_equal(audio_start(&au, &b, &arena, pcm_ops_for(b.audio.device)), 0);
	unsetenv(PCM_WAV_ENV);
	sleep_ms(100);
	audio_report(&au, &r);
	audio_stop(&au);
	assert_true(snprintf(want, sizeof want, "wav:%s", path) < (int)sizeof want);
	assert_string_equal(r.device, want);
	wav_read(path, &w);
	assert_int_equal(w.channels, 2);
	assert_true(w.frames > 0);
	free(w.x);
}

/*
 * A fake device: takes periods at the real pace, underruns on its 5th
 * write and is unplugged on its 20th (when told to); tells a made-up
 * clock for its delay (when told to).
 */
struct fake {
	int writes, recovers, opens, closes, fail;
	int clock;            /* tells a made-up clock: FAKE_QUEUED frames behind at FAKE_NOW_NS */
	struct timespec next; /* when the device takes the next period */
};

static struct fake fake;

static int fake_open(struct pcm *p, const struct board_audio *cfg)
{
	memset(p, 0, sizeof *p);
	p->ops = NULL;
	snprintf(p->device, sizeof p->device, "%s", cfg->device);
	snprintf(p->card, sizeof p->card, "Fake");
	p->format = cfg->format;
	p->rate = cfg->rate;
	p->channels = cfg->channels;
	p->period = cfg->period;
	p->periods = cfg->periods;
	fake.opens++;
	return 0;
}

/* Paced like a device, on an absolute clock (the only sleep the audio
 * thread's syscall filter lets through). */
static int fake_write(struct pcm *p, const void *buf, int frames)
{
	(void)buf;
	fake.writes++;
	if (fake.fail && fake.writes == 5)
		return -EPIPE;
	if (fake.fail && fake.writes >= 20)
		return -ENODEV;
	if (fake.next.tv_sec == 0)
		clock_gettime(CLOCK_MONOTONIC, &fake.next);
	fake.next.tv_nsec += 1000000000L * p->period / p->rate;
	if (fake.next.tv_nsec >= 1000000000L) {
		fake.next.tv_nsec -= 1000000000L;
		fake.next.tv_sec++;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &fake.next, NULL) == EINTR)
		;
	return frames;
}

static int fake_recover(struct pcm *p, int err)
{
	(void)p;
	fake.recovers++;
	return err == -EPIPE ? 0 : err;
}

static void fake_close(struct pcm *p)
{
	(void)p;
	fake.closes++;
}

#define FAKE_QUEUED 333
#define FAKE_NOW_NS 7000000000000LL

static int fake_delay(struct pcm *p, long *frames, long long *at_ns)
{
	(void)p;
	if (!fake.clock)
		return -ENOSYS;
	*frames = FAKE_QUEUED;
	*at_ns = FAKE_NOW_NS;
	return 0;
}

static const struct pcm_ops fake_ops = {
    .name = "fake",
    .open = fake_open,
    .write = fake_write,
    .recover = fake_recover,
    .delay = fake_delay,
    .close = fake_close,
};

/*
 * An xrun is counted and played through; an unplugged device ends the
 * thread with the reason in the report, and the loop can start it again
 * on the same buffers once the device is back.
 */
static void test_xrun_then_unplug_then_restart(void **state)
{
	char text[400], lines[1][LOG_LINE_MAX];
	unsigned long serial;
	struct audio_report r;
	struct audio au;
	struct board b;
	size_t used;
	int i;

	(void)state;
	struct engine_state before, after;

	memset(&fake, 0, sizeof fake);
	fake.fail = 1;
	profile(&b, "hw:CARD=Fake", FMT_S16_LE, 4, OUTPUTS_MASTER_CUE);
	engine_for(&au, &b);
	assert_int_equal(audio_start(&au, &b, &arena, &fake_ops), 0);
	guard_arm();
	for (i = 0; i < 200 && audio_state(&au) == AUDIO_RUNNING; i++)
		sleep_ms(10);
	audio_report(&au, &r);
	guard_disarm();
	audio_report_format(&r, text, sizeof text);
	print_message("%s\n", text);
	assert_int_equal(r.state_id, AUDIO_ERROR);
	assert_int_equal(r.xruns, 1);
	assert_int_equal(fake.recovers, 1);
	assert_int_equal(fake.writes, 20);
	assert_int_equal(r.periods_done, 18);
	assert_string_equal(r.state, "error: write failed: No such device");
	assert_non_null(strstr(text, "audio error: write failed: No such device; hw:CARD=Fake"));

	/* the loop's health check says it once, naming the device */
	serial = log_serial();
	assert_int_equal(audio_check(&au), -ENODEV);
	assert_int_equal(log_serial(), serial + 1);
	assert_int_equal(log_recent(lines, 1), 1);
	assert_string_equal(lines[0],
	                    "audio: hw:CARD=Fake: write failed: No such device; audio stopped");
	assert_int_equal(audio_check(&au), -ENODEV);
	assert_int_equal(log_serial(), serial + 1);
	assert_int_equal(r.minor_faults, -1);

	audio_stop(&au);
	assert_int_equal(fake.closes, 1);
	assert_int_equal(audio_state(&au), AUDIO_ERROR);
	/* the decks played every period the thread rendered, and stand there */
	assert_int_equal(engine_state(&engine, &before), 0);
	assert_true(before.periods >= 19);
	assert_true(before.deck[0].playing && before.deck[1].playing);

	/* the device is back */
	used = arena.used;
	memset(&fake, 0, sizeof fake);
	assert_int_equal(audio_start(&au, &b, &arena, &fake_ops), 0);
	assert_int_equal(audio_start(&au, &b, &arena, &fake_ops), -EBUSY);
	sleep_ms(100);
	audio_report(&au, &r);
	audio_stop(&au);
	/* and play on from there: same decks, same loop, the clock running on */
	assert_int_equal(engine_state(&engine, &after), 0);
	print_message("engine: %lu periods before the unplug, %lu after the replug; deck A at "
	              "%.0f then %.0f\n",
	              before.periods, after.periods, before.deck[0].pos, after.deck[0].pos);
	assert_true(after.periods > before.periods + 10);
	assert_true(after.frames == after.periods * 128);
	assert_true(after.deck[0].playing && after.deck[1].playing);
	assert_true(after.deck[0].loop_active);
	assert_true(after.deck[0].track == before.deck[0].track);
	assert_int_equal(r.state_id, AUDIO_RUNNING);
	assert_int_equal(audio_check(&au), 0);
	assert_string_equal(r.state, "running");
	assert_int_equal(r.xruns, 0);
	assert_true(r.periods_done > 10);
	assert_int_equal(arena.used, used);
	assert_int_equal(fake.opens, 1);
	assert_int_equal(fake.closes, 1);
	assert_int_equal(audio_state(&au), AUDIO_STOPPED);
}

/*
 * Touch to sound through the audio thread: the device says FAKE_QUEUED
 * frames are queued at FAKE_NOW_NS; taps made 4 ms before that, on deck B's
 * play at frames 0 and 50 of a period, are heard 4 ms + (queued + frame +
 * the limiter's look-ahead) / rate after the touch, exactly; the states
 * say when their positions are heard on the same clock.
 */
static void test_touch_to_sound_through_the_thread(void **state)
{
	const long long touch = FAKE_NOW_NS - 4000000;
	struct engine_state st;
	struct audio au;
	struct board b;
	double want[2];
	int i, l;

	(void)state;
	memset(&fake, 0, sizeof fake);
	fake.clock = 1;
	profile(&b, "hw:CARD=Fake", FMT_S16_LE, 4, OUTPUTS_MASTER_CUE);
	engine_for(&au, &b);
	assert_int_equal(audio_start(&au, &b, &arena, &fake_ops), 0);
	guard_arm();
	sleep_ms(30);
	for (i = 0; i < 2; i++) {
		struct engine_cmd c;

		memset(&c, 0, sizeof c);
		c.op = ENGINE_DECK;
		c.deck = 1;
		c.d.op = DECK_PLAY_TOGGLE;
		c.d.offset = 50 * i;
		c.touch_ns = touch;
		assert_int_equal(engine_command(&engine, &c), 0);
	}
	memset(&st, 0, sizeof st);
	for (i = 0; i < 200 && st.touches < 2; i++) {
		sleep_ms(5);
		assert_int_equal(engine_state(&engine, &st), 0);
	}
	guard_disarm();
	audio_stop(&au);
	l = limiter_latency(&engine.limiter);
	for (i = 0; i < 2; i++)
		want[i] = 4.0 + 1000.0 * (FAKE_QUEUED + 50 * i + l) / 48000;
	print_message("touch to sound with %d frames queued: %.4f ms (frame 0), %.4f ms "
	              "(frame 50); expected %.4f, %.4f\n",
	              FAKE_QUEUED, st.touch_ms[0], st.touch_ms[1], want[0], want[1]);
	assert_int_equal(st.touches, 2);
	assert_true(fabs(st.touch_ms[0] - want[0]) < 1e-3);
	assert_true(fabs(st.touch_ms[1] - want[1]) < 1e-3);
	assert_true(st.heard_ns ==
	            FAKE_NOW_NS + (long long)((FAKE_QUEUED + 128 + l) * 1e9 / 48000));
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The WAV sink's delay is its modelled device's: once the writes fill its
 * buffer it starts playing, and the end of what is queued is heard a
 * buffer later; after one more period (the write waits for room) a buffer
 * plus a period after the start. Bracketed by the clock read around the
 * write that started it, to a frame.
 */
static void test_wav_sink_delay(void **state)
{
	static int16_t silence[2 * 128 * 4];
	const long long frame_ns = 1000000000LL / 48000 + 1;
	long long before, after, at, end;
	char path[300];
	struct board b;
	struct pcm p;
	long queued;
	int i;

	(void)state;
	wav_profile(&b, path, sizeof path, "delay.wav", FMT_S16_LE, 2, OUTPUTS_SPLIT_CUE);
	b.audio.periods = 4;
	assert_int_equal(pcm_wav_ops.open(&p, &b.audio), 0);
	assert_int_equal(pcm_wav_ops.delay(&p, &queued, &at), 0);
	assert_int_equal(queued, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(pcm_wav_ops.write(&p, silence, 128), 128);
	assert_int_equal(pcm_wav_ops.delay(&p, &queued, &at), 0);
	assert_int_equal(queued, 3 * 128); /* not started: all of it ahead */
	before = mono_ns();
	/* the buffer is full: it starts */
	assert_int_equal(pcm_wav_ops.write(&p, silence, 128), 128);
	after = mono_ns();
	assert_int_equal(pcm_wav_ops.delay(&p, &queued, &at), 0);
	end = at + queued * 1000000000LL / 48000;
	print_message("wav sink: %ld frames queued at the start, heard by %+.3f ms after the "
	              "write\n",
	              queued, (end - after) / 1e6);
	assert_true(end >= before + 512 * 1000000000LL / 48000 - frame_ns);
	assert_true(end <= after + 512 * 1000000000LL / 48000 + frame_ns);
	assert_int_equal(pcm_wav_ops.write(&p, silence, 128), 128); /* waits for room */
	assert_int_equal(pcm_wav_ops.delay(&p, &queued, &at), 0);
	end = at + queued * 1000000000LL / 48000;
	assert_true(queued <= 512);
	assert_true(end >= before + 640 * 1000000000LL / 48000 - frame_ns);
	assert_true(end <= after + 640 * 1000000000LL / 48000 + frame_ns);
	pcm_wav_ops.close(&p);
	unlink(path);
}

static void deck_now(int deck, enum deck_op op, double a, double b)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = ENGINE_DECK;
	c.deck = deck;
	c.d.op = op;
	c.d.a = a;
	c.d.b = b;
	assert_int_equal(engine_command(&engine, &c), 0);
}

static void mixer_now(enum engine_op op, int deck, float v0, float v1, int flags)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = op;
	c.deck = deck;
	c.v[0] = v0;
	c.v[1] = v1;
	c.v[2] = v0;
	c.flags = flags;
	assert_int_equal(engine_command(&engine, &c), 0);
}

/*
 * A DJ at work for a second, at 64 frames a period: deck A synced to B,
 * scratched, looped, jumped about; B's pitch riding; EQ, filter and a
 * limiter pushed 12 dB into reduction; both on the master and the cue.
 * With the guard armed and the thread's syscall filter on, the audio
 * thread takes not one page fault after its first 300 ms, and keeps up.
 */
static void test_no_page_faults_while_djing(void **state)
{
	char path[300];
	struct audio_report r1, r2;
	struct engine_state st;
	struct beat_grid g;
	struct audio au;
	struct board b;
	int i;

	(void)state;
	wav_profile(&b, path, sizeof path, "dj.wav", FMT_S16_LE, 4, OUTPUTS_MASTER_CUE);
	b.audio.period = 64;
	b.audio.periods = 4;
	engine_for(&au, &b);
	assert_int_equal(grid_set(&g, 126, 0, 4), 0);
	for (i = 0; i < 2; i++) {
		struct engine_cmd c;

		memset(&c, 0, sizeof c);
		c.op = ENGINE_DECK;
		c.deck = i;
		c.d.op = DECK_GRID;
		c.d.grid = g;
		c.d.grid.bpm = i ? 126 : 120;
		assert_int_equal(engine_command(&engine, &c), 0);
		mixer_now(ENGINE_EQ, i, 3.0f, -6.0f, 0);
		mixer_now(ENGINE_FILTER, i, i ? 0.4f : -0.4f, 0.7f, 0);
		mixer_now(ENGINE_TRIM, i, 12.0f, 0, 0);
		mixer_now(ENGINE_FADER, i, 1.0f, 0, 0);
		mixer_now(ENGINE_CUE, i, 0, 0, 1);
	}
	mixer_now(ENGINE_XFADER, 0, 0.0f, 0, 0);
	mixer_now(ENGINE_MASTER_GAIN, 0, 6.0f, 0, 0);
	mixer_now(ENGINE_HP_BLEND, 0, 0.5f, 0, 0);
	deck_now(0, DECK_SYNC, 1, 0);
	assert_int_equal(audio_start(&au, &b, &arena, &pcm_wav_ops), 0);
	guard_arm();
	sleep_ms(300);
	audio_report(&au, &r1);
	for (i = 0; i < 100; i++) {
		switch (i % 10) {
		case 0:
			deck_now(1, DECK_PITCH, (i % 20) / 20.0 - 0.5, 0);
			break;
		case 1:
			deck_now(0, DECK_SCRUB, 40000 + 100.0 * i, -0.5);
			break;
		case 3:
			deck_now(0, DECK_SCRUB_END, 0, 0);
			break;
		case 4:
			deck_now(0, DECK_HOTCUE_SET, 0, 0);
			deck_now(0, DECK_LOOP_BEATS, i % 20 ? 0.25 : 2, 0);
			break;
		case 6:
			deck_now(0, DECK_LOOP_HALVE, 0, 0);
			deck_now(1, DECK_BEND, 0.03, 0);
			break;
		case 7:
			deck_now(0, DECK_LOOP_EXIT, 0, 0);
			deck_now(0, DECK_HOTCUE_JUMP, 0, 0);
			deck_now(1, DECK_BEND, 0, 0);
			break;
		case 8:
			mixer_now(ENGINE_FILTER, 1, 0.1f * (i % 7), 0.5f, 0);
			mixer_now(ENGINE_XFADER, 0, (i % 3) - 1.0f, 0, 0);
			break;
		}
		sleep_ms(10);
	}
	audio_report(&au, &r2);
	assert_int_equal(engine_state(&engine, &st), 0);
	guard_disarm();
	audio_stop(&au);
	unlink(path);
	print_message("playing, scratching, looping, limiting: %ld minor faults after the first "
	              "300 ms (%ld before), %lu periods, load %.1f%% (peak %.1f%%), limiter "
	              "%.1f dB, xruns %lu\n",
	              r2.minor_faults - r1.minor_faults, r1.minor_faults, r2.periods_done,
	              r2.load_avg, r2.load_peak, st.limiter_db, r2.xruns);
	assert_int_equal(r1.state_id, AUDIO_RUNNING);
	assert_int_equal(r2.state_id, AUDIO_RUNNING);
	assert_int_equal(r2.rtguard, 0);
	assert_true(st.deck[0].sync && st.deck[1].playing);
	assert_true(st.limiter_db > 1.0f);
	assert_true(st.commands > 100);
	assert_true(r1.minor_faults >= 0 && r2.minor_faults >= r1.minor_faults);
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
	/* (a sanitizer's shadow memory faults in as the thread touches things) */
	assert_int_equal(r2.minor_faults - r1.minor_faults, 0);
#endif
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof dir, "%s/slipmat-audio-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	return arena_init(&arena, 64 << 20);
}

static int teardown(void **state)
{
	(void)state;
	arena_clear(&arena);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_master_cue_4ch_s16),
	    cmocka_unit_test(test_split_cue_2ch_s16),
	    cmocka_unit_test(test_24_and_32_bit),
	    cmocka_unit_test(test_thread_as_reported),
	    cmocka_unit_test(test_open_failure_is_reported),
	    cmocka_unit_test(test_wav_from_environment),
	    cmocka_unit_test(test_xrun_then_unplug_then_restart),
	    cmocka_unit_test(test_touch_to_sound_through_the_thread),
	    cmocka_unit_test(test_wav_sink_delay),
	    cmocka_unit_test(test_no_page_faults_while_djing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
