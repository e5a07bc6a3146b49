/*
 * load.c: decode, fold to stereo, convert the rate, fill the track.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deck.h"
#include "dsp/resample.h"
#include "log.h"

#define LOAD_CHUNK 4096 /* engine frames converted between clock checks */
#define WIN_FRAMES (DECODE_BLOCK + 4 * RESAMPLE_REACH + 64)

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

size_t load_storage(void)
{
	return align64(decode_storage()) + align64(sizeof(float) * 2 * WIN_FRAMES);
}

int load_init(struct load *l, void *storage, int rate, const struct resample_bank *bank)
{
	unsigned char *p = storage;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->rate = rate;
	l->bank = bank;
	l->win = (float *)(void *)(p + align64(decode_storage()));
	l->win_cap = WIN_FRAMES;
	if (rate <= 0 || !bank)
		return -EINVAL;
	return decode_init(&l->dec, p);
}

void load_clear(struct load *l)
{
	load_cancel(l);
	decode_clear(&l->dec);
}

static double ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void minsec(char *buf, size_t size, double s)
{
	snprintf(buf, size, "%d:%02d", (int)(s / 60), (int)s % 60);
}

static int fail(struct load *l, int err)
{
	snprintf(l->msg, sizeof(l->msg), "%s: %s", l->name, l->dec.err[0] ? l->dec.err : strerror(-err));
	log_warn("load: %s", l->msg);
	return err;
}

int load_start(struct load *l, struct track *t, const char *path)
{
	const char *base = strrchr(path, '/');
	int err;

	load_cancel(l);
	snprintf(l->name, sizeof(l->name), "%s", base ? base + 1 : path);
	l->msg[0] = 0;
	l->dec.err[0] = 0;
	l->track = t;
	l->out = 0;
	l->base = 0;
	l->n = 0;
	l->src_total = 0;
	l->src_end = 0;
	l->truncated = 0;
	l->slice_max_ms = 0;
	t->frames = 0;
	track_set_ready(t, 0);
	l->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (l->fd < 0) {
		err = -errno;
		l->state = LOAD_FAILED;
		return fail(l, err);
	}
	err = decode_open(&l->dec, l->fd);
	if (err < 0) {
		load_cancel(l);
		l->state = LOAD_FAILED;
		return fail(l, err);
	}
	l->step = (double)l->dec.info.rate / l->rate;
	if (l->dec.info.frames > 0) {
		double frames = (double)l->dec.info.frames / l->step;

		if (frames > (double)t->capacity) {
			char has[16], fits[16];

			minsec(has, sizeof(has), frames / l->rate);
			minsec(fits, sizeof(fits), (double)t->capacity / l->rate);
			snprintf(l->msg, sizeof(l->msg),
				 "%s: the track is %s long and a deck holds %s: it plays the first %s",
				 l->name, has, fits, fits);
			log_warn("load: %s", l->msg);
			l->truncated = 1;
			frames = (double)t->capacity;
		}
		t->frames = (long)frames;
	} else {
		t->frames = t->capacity; /* unknown until the end: corrected there */
	}
	log_info("load: %s: %d Hz, %d channels, %d bits, %.1f s", l->name, l->dec.info.rate,
		 l->dec.info.channels, l->dec.info.bits,
		 l->dec.info.frames > 0 ? (double)l->dec.info.frames / l->dec.info.rate : -1.0);
	l->state = LOAD_RUNNING;
	return 0;
}

/* The load is over: fix the track's length, publish it, close the file. */
static int finish(struct load *l)
{
	struct track *t = l->track;

	t->frames = l->out;
	track_set_ready(t, l->out);
	decode_close(&l->dec);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->state = LOAD_DONE;
	if (l->out == 0 && !l->msg[0]) {
		snprintf(l->msg, sizeof(l->msg), "%s: no audio in it", l->name);
		log_warn("load: %s", l->msg);
	}
	log_info("load: %s: %.1f s in", l->name, (double)l->out / l->rate);
	return 0;
}

static void cut_short(struct load *l)
{
	char fits[16];

	if (l->truncated)
		return;
	l->truncated = 1;
	minsec(fits, sizeof(fits), (double)l->track->capacity / l->rate);
	snprintf(l->msg, sizeof(l->msg),
		 "%s: the track is longer than the %s a deck holds: it plays the first %s", l->name,
		 fits, fits);
	log_warn("load: %s", l->msg);
}

/*
 * Write what the window allows (at most LOAD_CHUNK frames).
 * Return: frames written.
 */
static long convert(struct load *l)
{
	struct track *t = l->track;
	long room = t->capacity - l->out, k;

	if (room <= 0)
		return 0;
	if (l->step == 1.0) {
		long first = (long)(l->out - l->base);

		k = l->n - first;
		if (k > LOAD_CHUNK)
			k = LOAD_CHUNK;
		if (k > room)
			k = room;
		if (k > 0)
			memcpy(t->samples + 2 * l->out, l->win + 2 * first, sizeof(float) * 2 * (size_t)k);
	} else {
		/* Output o reads source position o * step and needs frames up to it + REACH. */
		double p = (double)l->out * l->step, rel = p - (double)l->base, last;

		if (l->src_end)
			last = (double)l->src_total / l->step; /* the end: the tail rings out into silence */
		else
			last = ((double)(l->base + l->n) - RESAMPLE_REACH - 2) / l->step;
		k = (long)last - l->out + 1;
		if (l->src_end && (double)(l->out + k) * l->step > (double)l->src_total + 0.5)
			k--;
		if (k > LOAD_CHUNK)
			k = LOAD_CHUNK;
		if (k > room)
			k = room;
		if (k > 0)
			resample_stereo(l->bank, l->win, l->n, &rel, l->step, l->step,
					t->samples + 2 * l->out, (int)k);
	}
	if (k <= 0)
		return 0;
	l->out += k;
	track_set_ready(t, l->out);
	return k;
}

/* Drop source frames no output needs any more, then decode a block. */
static int refill(struct load *l)
{
	long long keep = (long long)((double)l->out * l->step) - RESAMPLE_REACH - 2;
	long drop, n;

	if (l->step == 1.0)
		keep = l->out;
	drop = keep > l->base ? (long)(keep - l->base) : 0;
	if (drop > l->n)
		drop = l->n;
	if (drop > 0) {
		memmove(l->win, l->win + 2 * drop, sizeof(float) * 2 * (size_t)(l->n - drop));
		l->n -= drop;
		l->base += drop;
	}
	if (l->win_cap - l->n < DECODE_BLOCK)
		return 0;
	n = decode_read(&l->dec, l->win + 2 * l->n, DECODE_BLOCK);
	if (n < 0) {
		fail(l, (int)n);
		if (l->src_total == 0)
			return (int)n;
		l->src_end = 1; /* what came before plays */
		return 0;
	}
	if (n == 0)
		l->src_end = 1;
	l->n += n;
	l->src_total += n;
	return 0;
}

int load_step(struct load *l, double budget_ms)
{
	double t0 = ms_now(), used;
	int err = 0;

	if (l->state != LOAD_RUNNING)
		return l->state == LOAD_FAILED ? -EINVAL : 0;
	/* Each unit of work is well under half a millisecond: stop with room to spare. */
	while (ms_now() - t0 < budget_ms * 0.5) {
		if (convert(l) > 0)
			continue;
		if (l->out >= l->track->capacity) {
			if (!l->src_end)
				cut_short(l);
			finish(l);
			break;
		}
		if (l->src_end) {
			finish(l);
			break;
		}
		err = refill(l);
		if (err < 0) {
			load_cancel(l);
			l->state = LOAD_FAILED;
			break;
		}
	}
	used = ms_now() - t0;
	if (used > l->slice_max_ms)
		l->slice_max_ms = used;
	if (err < 0)
		return err;
	return l->state == LOAD_RUNNING;
}

void load_cancel(struct load *l)
{
	if (l->fd >= 0) {
		decode_close(&l->dec);
		close(l->fd);
	}
	l->fd = -1;
	if (l->state == LOAD_RUNNING)
		l->state = LOAD_IDLE;
}
