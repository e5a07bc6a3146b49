/*
 * wavsink.c: the sim PCM. What the audio thread plays lands in a WAV file,
 * at the pace a device would take it.
 *
 * The sink models a device with a buffer of period x periods frames and a
 * start threshold of the whole buffer (as hal/alsa.c sets up): writes are
 * taken at once until the buffer is full, then playback "starts" on the
 * monotonic clock and each write sleeps (clock_nanosleep, absolute, so
 * errors never accumulate) until the device would have room for it. A
 * file never runs dry, so a writer that falls a whole buffer behind is not
 * told -EPIPE; the sink restarts its clock and counts an underrun that a
 * device would have had, reported when it closes. The write(2) calls are
 * this backend's device I/O: it stands in for the PCM.
 *
 * The file is WAVE_FORMAT_PCM for 16-bit stereo or mono and
 * WAVE_FORMAT_EXTENSIBLE otherwise (more than two channels or more than
 * 16 bits, as the format's specification asks), channel mask 0: outputs
 * 1-4 are master and cue, not speaker positions. The RIFF and data sizes
 * are written when the sink closes.
 */
#include "pcm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../fw/board.h"
#include "../fw/log.h"

#define WAV_SLOTS 2 /* the box has one output; a second for a recorder */
#define WAV_MAX_CHANNELS 32
#define WAV_HEADER_MAX 68
#define NS 1000000000LL

struct wav_sink {
	int used;
	int fd;
	char path[160];
	int frame_bytes;
	int rate;
	int64_t buffer;  /* frames the modelled device holds */
	int header;      /* bytes before the samples */
	uint64_t frames; /* written to the file */
	/* pacing */
	int started;
	int64_t start_ns; /* when the modelled device started playing */
	int64_t queued;   /* frames given to it since then */
	unsigned long underruns;
};

static struct wav_sink sinks[WAV_SLOTS];

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* Return: the header's length; data_bytes 0 while the size is unknown. */
static int wav_header(uint8_t *h, int channels, int rate, int bytes, uint32_t data_bytes)
{
	static const uint8_t pcm_guid[16] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	                                     0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71};
	int ext = channels > 2 || bytes > 2;
	uint32_t fmt_len = ext ? 40 : 16;
	uint32_t head = 12 + 8 + fmt_len + 8;
	uint32_t riff = data_bytes > UINT32_MAX - head ? UINT32_MAX : head - 8 + data_bytes;

	memcpy(h, "RIFF", 4);
	put32(h + 4, riff);
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, fmt_len);
	put16(h + 20, ext ? 0xfffe : 1);
	put16(h + 22, (unsigned)channels);
	put32(h + 24, (uint32_t)rate);
	put32(h + 28, (uint32_t)rate * (uint32_t)(channels * bytes));
	put16(h + 32, (unsigned)(channels * bytes));
	put16(h + 34, (unsigned)(8 * bytes));
	if (ext) {
		put16(h + 36, 22);                    /* extension size */
		put16(h + 38, (unsigned)(8 * bytes)); /* valid bits */
		put32(h + 40, 0);                     /* channel mask: none */
		memcpy(h + 44, pcm_guid, 16);
	}
	memcpy(h + head - 8, "data", 4);
	put32(h + head - 4, data_bytes);
	return (int)head;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "wav:PATH", or SLIPMAT_WAV for any other device name. */
static const char *wav_path(const char *device)
{
	const char *env = getenv(PCM_WAV_ENV);

	if (strncmp(device, "wav:", 4) == 0)
		return device + 4;
	return env && env[0] ? env : NULL;
}

static int wav_open(struct pcm *p, const struct board_audio *cfg)
{
	const char *path = wav_path(cfg->device);
	int bytes = convert_sample_bytes(cfg->format);
	uint8_t head[WAV_HEADER_MAX];
	struct wav_sink *w = NULL;
	int i, len, err;

	memset(p, 0, sizeof *p);
	if (path == NULL || path[0] == '\0') {
		log_error("%s: no WAV file to write: name one as wav:PATH or in %s", cfg->device,
		          PCM_WAV_ENV);
		return -EINVAL;
	}
	if (bytes == 0 || cfg->channels <= 0 || cfg->channels > WAV_MAX_CHANNELS ||
	    cfg->rate <= 0 || cfg->period <= 0 || cfg->periods < 2) {
		log_error("wav:%s: cannot play %s %dch %d Hz, period %d x %d", path,
		          convert_format_name(cfg->format), cfg->channels, cfg->rate, cfg->period,
		          cfg->periods);
		return -EINVAL;
	}
	for (i = 0; i < WAV_SLOTS && w == NULL; i++)
		if (!sinks[i].used)
			w = &sinks[i];
	if (w == NULL) {
		log_error("wav:%s: all %d WAV sinks are open", path, WAV_SLOTS);
		return -EBUSY;
	}
	memset(w, 0, sizeof *w);
	snprintf(w->path, sizeof w->path, "%s", path);
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		err = -errno;
		log_error("wav:%s: cannot create: %s", path, strerror(-err));
		return err;
	}
	len = wav_header(head, cfg->channels, cfg->rate, bytes, 0);
	err = write_all(w->fd, head, (size_t)len);
	if (err < 0) {
		log_error("wav:%s: cannot write the header: %s", path, strerror(-err));
		close(w->fd);
		return err;
	}
	w->used = 1;
	w->header = len;
	w->frame_bytes = bytes * cfg->channels;
	w->rate = cfg->rate;
	w->buffer = (int64_t)cfg->period * cfg->periods;

	p->ops = &pcm_wav_ops;
	p->local = w;
	snprintf(p->device, sizeof p->device, "wav:%s", path);
	snprintf(p->card, sizeof p->card, "WAV file (sim)");
	p->format = cfg->format;
	p->rate = cfg->rate;
	p->channels = cfg->channels;
	p->period = cfg->period;
	p->periods = cfg->periods;
	log_info("%s: %s %dch %d Hz, period %d x %d frames, paced to real time", p->device,
	         convert_format_name(p->format), p->channels, p->rate, p->period, p->periods);
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* Block until the modelled device has room for frames more. */
static void pace(struct wav_sink *w, int frames)
{
	struct timespec ts;
	int64_t now, due;

	if (!w->started) {
		w->queued += frames;
		if (w->queued >= w->buffer) {
			w->started = 1;
			w->start_ns = now_ns();
		}
		return;
	}
	now = now_ns();
	if (now > w->start_ns + w->queued * NS / w->rate) {
		/* Played everything queued: a device would have underrun. */
		w->underruns++;
		w->started = 0;
		w->queued = 0;
		pace(w, frames);
		return;
	}
	/* Keep the products small for a box that plays for weeks: move the
	 * start on by whole seconds, which are whole frames. */
	while (w->queued >= w->buffer + w->rate) {
		w->start_ns += NS;
		w->queued -= w->rate;
	}
	due = w->start_ns + (w->queued + frames - w->buffer) * NS / w->rate;
	w->queued += frames;
	if (due <= now)
		return;
	ts.tv_sec = (time_t)(due / NS);
	ts.tv_nsec = (long)(due % NS);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int wav_write(struct pcm *p, const void *buf, int frames)
{
	struct wav_sink *w = p->local;
	int err;

	if (frames <= 0)
		return 0;
	pace(w, frames);
	err = write_all(w->fd, buf, (size_t)frames * (size_t)w->frame_bytes);
	if (err < 0)
		return err;
	w->frames += (uint64_t)frames;
	return frames;
}

/*
 * What the modelled device holds: everything given to it less what its
 * clock has played. Before it starts, all of it (it starts as soon as the
 * buffer is full, which the writes that follow do at once).
 */
static int wav_delay(struct pcm *p, long *frames, long long *at_ns)
{
	struct wav_sink *w = p->local;
	int64_t now = now_ns(), left = w->queued;

	if (w->started)
		left -= (now - w->start_ns) * w->rate / NS;
	*frames = left > 0 ? (long)left : 0;
	*at_ns = now;
	return 0;
}

/* Like a prepare: playback restarts once the buffer is full again. */
static int wav_recover(struct pcm *p, int err)
{
	struct wav_sink *w = p->local;

	(void)err;
	w->started = 0;
	w->queued = 0;
	return 0;
}

static void wav_close(struct pcm *p)
{
	struct wav_sink *w = p->local;
	uint8_t head[WAV_HEADER_MAX];
	uint64_t bytes;
	int len;

	if (w == NULL)
		return;
	bytes = w->frames * (uint64_t)w->frame_bytes;
	if (bytes > UINT32_MAX - (uint64_t)w->header) {
		log_warn("wav:%s: %llu bytes do not fit a WAV header; sizes saturated", w->path,
		         (unsigned long long)bytes);
		bytes = UINT32_MAX - (uint64_t)w->header;
	}
	len = wav_header(head, p->channels, p->rate, convert_sample_bytes(p->format),
	                 (uint32_t)bytes);
	if (pwrite(w->fd, head, (size_t)len, 0) != len)
		log_error("wav:%s: cannot write the final header: %s", w->path, strerror(errno));
	if (close(w->fd) < 0)
		log_error("wav:%s: %s", w->path, strerror(errno));
	if (w->underruns)
		log_warn("wav:%s: the writer fell a buffer behind %lu times (a device would "
		         "have underrun)",
		         w->path, w->underruns);
	log_info("wav:%s: %llu frames (%.1f s) written", w->path, (unsigned long long)w->frames,
	         (double)w->frames / w->rate);
	w->used = 0;
	p->local = NULL;
}

const struct pcm_ops pcm_wav_ops = {
    .name = "wav",
    .open = wav_open,
    .write = wav_write,
    .recover = wav_recover,
    .delay = wav_delay,
    .close = wav_close,
};
