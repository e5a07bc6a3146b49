/*
 * alsa.c: the interface as an ALSA playback PCM, interleaved read/write
 * access in blocking mode: the audio thread's snd_pcm_writei() sleeps in
 * the kernel until a period of the buffer is free, which is its clock.
 *
 * What allocates and what does not (checked with the guard armed; see
 * tests/test_audio_alsa.c):
 *  - snd_pcm_open() parses the configuration into libasound's global tree
 *    on first use (snd_config_update) and keeps it cached for later opens,
 *    and it allocates the handle and its plugin chain. All of that is in
 *    the caller's window. The cached tree is never freed here: a reopen
 *    after a hotplug reuses it (re-reading only files whose mtime
 *    changed). snd_config_update_free_global() belongs at process exit,
 *    after every ALSA handle (PCM and rawmidi) is closed.
 *  - snd_pcm_writei(), snd_pcm_delay(), snd_pcm_prepare() and
 *    snd_pcm_resume() on a hw device are ioctls on the mapped status
 *    page; they do not allocate.
 *    Plugins (plughw, dmix) may take a pthread mutex of their own in
 *    libasound; the profile should name a hw device.
 *  - snd_pcm_recover() is not used: it logs through snd_lib_error and
 *    sleeps a second at a time while a suspended device resumes. We
 *    prepare directly, and route libasound's messages into the log from
 *    the loop thread only (dropped in the audio thread).
 */
#include "pcm.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../fw/board.h"
#include "../fw/guard.h"
#include "../fw/log.h"

static snd_pcm_format_t alsa_format(enum sample_format f)
{
	switch (f) {
	case FMT_S16_LE:
		return SND_PCM_FORMAT_S16_LE;
	case FMT_S24_3LE:
		return SND_PCM_FORMAT_S24_3LE;
	case FMT_S32_LE:
		return SND_PCM_FORMAT_S32_LE;
	}
	return SND_PCM_FORMAT_UNKNOWN;
}

/*
 * libasound's own diagnostics ("ALSA lib pcm.c:...") at debug level: our
 * message says what failed; theirs says where inside libasound. Never
 * from the audio thread: logging there is forbidden (and would abort).
 */
__attribute__((format(printf, 5, 6))) static void
alsa_lib_message(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;

	if (guard_is_rt())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_debug("alsa lib %s:%d (%s): %s%s%s", file, line, function, msg, err ? ": " : "",
	          err ? snd_strerror(err) : "");
}

/* Append s to buf (size bytes) after a space; "..." once it is full. */
static void append_word(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	if (len + 1 + strlen(s) + 4 >= size) {
		if (len + 4 < size && (len < 3 || strcmp(buf + len - 3, "...") != 0))
			snprintf(buf + len, size - len, " ...");
		return;
	}
	snprintf(buf + len, size - len, "%s%s", len ? " " : "", s);
}

/* The formats hw (as narrowed so far) would accept, for a refusal message. */
static void offered_formats(snd_pcm_t *h, snd_pcm_hw_params_t *hw, char *buf, size_t size)
{
	int f;

	buf[0] = '\0';
	for (f = 0; f <= SND_PCM_FORMAT_LAST; f++) {
		const char *name = snd_pcm_format_name((snd_pcm_format_t)f);

		if (name && snd_pcm_hw_params_test_format(h, hw, (snd_pcm_format_t)f) == 0)
			append_word(buf, size, name);
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "none");
}

/*
 * The channel counts hw accepts. Not a min..max range: USB interfaces
 * offer a set of alternate settings (QEMU's usb-audio: 2, 6 and 8).
 */
static void offered_channels(snd_pcm_t *h, snd_pcm_hw_params_t *hw, char *buf, size_t size)
{
	unsigned min = 0, max = 0, c;

	buf[0] = '\0';
	snd_pcm_hw_params_get_channels_min(hw, &min);
	snd_pcm_hw_params_get_channels_max(hw, &max);
	for (c = min; c <= max && c <= 64; c++) {
		char word[16];

		if (snd_pcm_hw_params_test_channels(h, hw, c) == 0) {
			snprintf(word, sizeof word, "%u", c);
			append_word(buf, size, word);
		}
	}
	if (max > 64)
		append_word(buf, size, "...");
	if (buf[0] == '\0')
		snprintf(buf, size, "none");
}

/* The usual rates among those hw accepts; interfaces offer a few of them. */
static void offered_rates(snd_pcm_t *h, snd_pcm_hw_params_t *hw, char *buf, size_t size)
{
	static const unsigned rates[] = {8000,  16000, 22050, 32000,  44100,
	                                 48000, 88200, 96000, 176400, 192000};
	unsigned min = 0, max = 0;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		char word[16];

		if (snd_pcm_hw_params_test_rate(h, hw, rates[i], 0) == 0) {
			snprintf(word, sizeof word, "%u", rates[i]);
			append_word(buf, size, word);
		}
	}
	if (buf[0] == '\0') {
		snd_pcm_hw_params_get_rate_min(hw, &min, NULL);
		snd_pcm_hw_params_get_rate_max(hw, &max, NULL);
		snprintf(buf, size, "%u..%u", min, max);
	}
}

/*
 * Set what the profile asks exactly: access, format, channels, rate.
 * Return: 0 or -errno, logged with what the device offers instead.
 */
static int set_exact(snd_pcm_t *h, snd_pcm_hw_params_t *hw, const struct board_audio *cfg)
{
	const char *dev = cfg->device;
	const char *fname = convert_format_name(cfg->format);
	snd_pcm_format_t fmt = alsa_format(cfg->format);
	char offers[96];
	int err;

	err = snd_pcm_hw_params_any(h, hw);
	if (err < 0) {
		log_error("%s: no playback configuration: %s", dev, snd_strerror(err));
		return err;
	}
	err = snd_pcm_hw_params_set_access(h, hw, SND_PCM_ACCESS_RW_INTERLEAVED);
	if (err < 0) {
		log_error("%s: interleaved read/write access not supported: %s", dev,
		          snd_strerror(err));
		return err;
	}
	if (fmt == SND_PCM_FORMAT_UNKNOWN || snd_pcm_hw_params_test_format(h, hw, fmt) < 0) {
		offered_formats(h, hw, offers, sizeof offers);
		log_error("%s: format %s not supported (offers %s)", dev, fname, offers);
		return -EINVAL;
	}
	snd_pcm_hw_params_set_format(h, hw, fmt);
	if (cfg->channels <= 0 ||
	    snd_pcm_hw_params_test_channels(h, hw, (unsigned)cfg->channels) < 0) {
		offered_channels(h, hw, offers, sizeof offers);
		log_error("%s: %d channels not supported with %s (offers %s)", dev, cfg->channels,
		          fname, offers);
		return -EINVAL;
	}
	snd_pcm_hw_params_set_channels(h, hw, (unsigned)cfg->channels);
	if (cfg->rate <= 0 || snd_pcm_hw_params_test_rate(h, hw, (unsigned)cfg->rate, 0) < 0) {
		offered_rates(h, hw, offers, sizeof offers);
		log_error("%s: rate %d Hz not supported with %s %dch (offers %s)", dev, cfg->rate,
		          fname, cfg->channels, offers);
		return -EINVAL;
	}
	snd_pcm_hw_params_set_rate(h, hw, (unsigned)cfg->rate, 0);
	return 0;
}

/*
 * Period size and count near the profile's; the device has the last word
 * (USB interfaces round to their packet sizes).
 */
static int set_buffer(snd_pcm_t *h, snd_pcm_hw_params_t *hw, const struct board_audio *cfg)
{
	snd_pcm_uframes_t period = cfg->period > 0 ? (snd_pcm_uframes_t)cfg->period : 256;
	snd_pcm_uframes_t buffer;
	unsigned periods = cfg->periods > 1 ? (unsigned)cfg->periods : 2;
	int dir = 0, err;

	err = snd_pcm_hw_params_set_period_size_near(h, hw, &period, &dir);
	if (err < 0) {
		log_error("%s: no period size near %d frames: %s", cfg->device, cfg->period,
		          snd_strerror(err));
		return err;
	}
	dir = 0;
	err = snd_pcm_hw_params_set_periods_near(h, hw, &periods, &dir);
	if (err < 0) {
		buffer = period * periods;
		err = snd_pcm_hw_params_set_buffer_size_near(h, hw, &buffer);
	}
	if (err < 0) {
		log_error("%s: no buffer of %d periods of %lu frames: %s", cfg->device,
		          cfg->periods, (unsigned long)period, snd_strerror(err));
		return err;
	}
	err = snd_pcm_hw_params(h, hw);
	if (err < 0)
		log_error("%s: cannot apply %s %dch %d Hz, period %lu: %s", cfg->device,
		          convert_format_name(cfg->format), cfg->channels, cfg->rate,
		          (unsigned long)period, snd_strerror(err));
	return err;
}

/*
 * Start threshold = the whole buffer: the device starts only once every
 * period is queued, so playback begins with the full safety margin. With a
 * one-period threshold it would start with one period queued while the
 * thread is still cold (first touches, caches), the likeliest moment for
 * an xrun; in steady state blocking writes keep the buffer full either
 * way, so the latency is the same. The same holds after each recovery.
 * avail_min = one period: the write wakes as soon as a period is free.
 */
static int set_software(snd_pcm_t *h, const char *dev, snd_pcm_uframes_t period,
                        snd_pcm_uframes_t buffer)
{
	snd_pcm_sw_params_t *sw;
	int err;

	snd_pcm_sw_params_alloca(&sw);
	err = snd_pcm_sw_params_current(h, sw);
	if (err >= 0)
		err = snd_pcm_sw_params_set_start_threshold(h, sw, buffer);
	if (err >= 0)
		err = snd_pcm_sw_params_set_avail_min(h, sw, period);
	if (err >= 0)
		err = snd_pcm_sw_params(h, sw);
	if (err < 0)
		log_error("%s: cannot set start threshold and wake-up: %s", dev, snd_strerror(err));
	return err;
}

/* The card's name for status, or the PCM's when it has no card (plugins). */
static void card_name(snd_pcm_t *h, char *buf, size_t size)
{
	snd_pcm_info_t *info;
	char *name = NULL;
	int card;

	snd_pcm_info_alloca(&info);
	if (snd_pcm_info(h, info) < 0) {
		snprintf(buf, size, "%s", snd_pcm_name(h));
		return;
	}
	card = snd_pcm_info_get_card(info);
	if (card >= 0 && snd_card_get_name(card, &name) == 0 && name) {
		snprintf(buf, size, "%s", name);
		free(name); /* strdup'ed by libasound, inside our window */
		return;
	}
	snprintf(buf, size, "%s", snd_pcm_info_get_name(info));
}

static int alsa_open(struct pcm *p, const struct board_audio *cfg)
{
	snd_pcm_hw_params_t *hw;
	snd_pcm_uframes_t period = 0, buffer = 0;
	snd_pcm_t *h;
	int err;

	snd_lib_error_set_handler(alsa_lib_message);
	memset(p, 0, sizeof *p);
	err = snd_pcm_open(&h, cfg->device, SND_PCM_STREAM_PLAYBACK, 0);
	if (err < 0) {
		log_error("%s: cannot open for playback: %s", cfg->device, snd_strerror(err));
		return err;
	}
	snd_pcm_hw_params_alloca(&hw);
	err = set_exact(h, hw, cfg);
	if (err == 0)
		err = set_buffer(h, hw, cfg);
	if (err == 0) {
		snd_pcm_hw_params_get_period_size(hw, &period, NULL);
		snd_pcm_hw_params_get_buffer_size(hw, &buffer);
		if (period == 0 || buffer < period) {
			log_error("%s: granted a buffer of %lu frames, period %lu", cfg->device,
			          (unsigned long)buffer, (unsigned long)period);
			err = -EINVAL;
		}
	}
	if (err == 0)
		err = set_software(h, cfg->device, period, buffer);
	if (err < 0) {
		snd_pcm_close(h);
		return err;
	}

	p->ops = &pcm_alsa_ops;
	p->local = h;
	snprintf(p->device, sizeof p->device, "%s", cfg->device);
	card_name(h, p->card, sizeof p->card);
	p->format = cfg->format;
	p->rate = cfg->rate;
	p->channels = cfg->channels;
	p->period = (int)period;
	p->periods = (int)(buffer / period);
	if (p->period != cfg->period || p->periods != cfg->periods)
		log_warn("%s: period %d x %d granted (asked %d x %d)", p->device, p->period,
		         p->periods, cfg->period, cfg->periods);
	log_info("%s (%s): %s %dch %d Hz, period %d x %d frames", p->device, p->card,
	         convert_format_name(p->format), p->channels, p->rate, p->period, p->periods);
	return 0;
}

static int alsa_write(struct pcm *p, const void *buf, int frames)
{
	return (int)snd_pcm_writei(p->local, buf, (snd_pcm_uframes_t)frames);
}

/*
 * The driver's delay: what the buffer holds plus what it knows to be on
 * the way (snd-usb-audio counts the packets in flight), read with a
 * hardware sync, then the clock.
 */
static int alsa_delay(struct pcm *p, long *frames, long long *at_ns)
{
	snd_pcm_sframes_t d = 0;
	struct timespec ts;
	int err = snd_pcm_delay(p->local, &d);

	if (err < 0)
		return err;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*frames = d > 0 ? (long)d : 0;
	*at_ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	return 0;
}

/*
 * An underrun needs a prepare; a suspend a resume (or a prepare when the
 * driver cannot resume). No waiting: if the device is still suspended,
 * prepare fails and the thread gives up, to be restarted by the loop.
 */
static int alsa_recover(struct pcm *p, int err)
{
	snd_pcm_t *h = p->local;

	if (err == -ESTRPIPE && snd_pcm_resume(h) == 0)
		return 0;
	return snd_pcm_prepare(h);
}

static void alsa_close(struct pcm *p)
{
	if (p->local)
		snd_pcm_close(p->local); /* drops what is queued */
	p->local = NULL;
}

const struct pcm_ops pcm_alsa_ops = {
    .name = "alsa",
    .open = alsa_open,
    .write = alsa_write,
    .recover = alsa_recover,
    .delay = alsa_delay,
    .close = alsa_close,
};
