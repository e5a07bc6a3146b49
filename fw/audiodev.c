/*
 * audiodev.c: reopening the audio interface after it went away.
 *
 * Why a tick and not the uevent alone: the thread's failed write is the
 * one sure sign that the device is gone (a "remove" may be another card),
 * and audio_check() is how the loop learns of it. Why tries also happen
 * on a uevent's "add" of a control or playback device: that is when a
 * card is back; the control device registers last, so a try at the next
 * tick after the burst of "add"s finds the card complete. Why a backoff
 * as well: a driver that comes back without a message, or a message the
 * socket dropped, must not leave the box silent for good; and a device
 * that is not there must not be opened (and logged) ten times a second.
 */
#include "audiodev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audio.h"
#include "board.h"
#include "log.h"
#include "../hal/uevent.h"

void audiodev_init(struct audiodev *w, struct audio *au, const struct board *b, struct arena *a,
                   const struct pcm_ops *ops)
{
	memset(w, 0, sizeof *w);
	w->au = au;
	w->board = b;
	w->arena = a;
	w->ops = ops;
	w->state = AUDIODEV_STOPPED;
}

const char *audiodev_state_name(enum audiodev_state s)
{
	switch (s) {
	case AUDIODEV_STOPPED:
		return "stopped";
	case AUDIODEV_PLAYING:
		return "playing";
	case AUDIODEV_ABSENT:
		return "absent";
	}
	return "?";
}

static const char *device(const struct audiodev *w)
{
	return w->board->audio.device;
}

/* Not there: try again after the backoff, which doubles up to its maximum. */
static void absent(struct audiodev *w, int err)
{
	w->state = AUDIODEV_ABSENT;
	w->last_err = err;
	w->next_try = w->ticks + (unsigned long)w->backoff;
	w->backoff = w->backoff * 2 > AUDIODEV_BACKOFF_MAX ? AUDIODEV_BACKOFF_MAX : w->backoff * 2;
}

/* Return: 0 when the thread plays; else -errno (the au stays stopped). */
static int try_start(struct audiodev *w)
{
	int err;

	w->announced = 0;
	err = audio_start(w->au, w->board, w->arena, w->ops);
	if (err == 0) {
		w->state = AUDIODEV_PLAYING;
		w->last_err = 0;
		return 0;
	}
	/* A failed start leaves nothing open; make sure, for the next try. */
	audio_stop(w->au);
	return err;
}

int audiodev_start(struct audiodev *w)
{
	int err;

	w->backoff = 1;
	w->tries = 0;
	err = try_start(w);
	if (err == 0)
		return 0;
	w->since = w->ticks;
	absent(w, err);
	log_warn("audio: %s not available (%s): running without sound until it is", device(w),
	         strerror(-err));
	return err;
}

void audiodev_stop(struct audiodev *w)
{
	audio_stop(w->au);
	w->state = AUDIODEV_STOPPED;
}

/* "snd/controlC0", "snd/pcmC0D0p": what a playback card brings. */
static int is_playback_node(const char *devname)
{
	unsigned card, dev;
	char dir;
	int n = -1;

	if (sscanf(devname, "snd/controlC%u%n", &card, &n) == 1 && n > 0 && devname[n] == '\0')
		return 1;
	n = -1;
	return sscanf(devname, "snd/pcmC%uD%u%c%n", &card, &dev, &dir, &n) == 3 && n > 0 &&
	       devname[n] == '\0' && dir == 'p';
}

void audiodev_uevent(struct audiodev *w, const struct uevent *ev)
{
	int added;

	if (!strcmp(ev->action, "overflow")) {
		w->announced = 1;
		return;
	}
	if (strcmp(ev->subsystem, "sound") || !is_playback_node(ev->devname))
		return;
	added = !strcmp(ev->action, "add");
	if (!added && strcmp(ev->action, "remove"))
		return;
	w->uevents++;
	if (added)
		w->announced = 1;
	log_info("audio: sound device %s %s%s", ev->devname, added ? "added" : "removed",
	         added && w->state == AUDIODEV_ABSENT ? ": trying the profile's device again" : "");
}

void audiodev_tick(struct audiodev *w)
{
	int err;

	w->ticks++;
	if (w->state == AUDIODEV_PLAYING) {
		err = audio_check(w->au); /* logs, once, why the thread ended */
		if (err == 0)
			return;
		audio_stop(w->au);
		w->losses++;
		w->tries = 0;
		w->backoff = 1;
		w->since = w->ticks;
		w->announced = 0;
		absent(w, err);
		log_warn("audio: %s went away (%s); the decks keep their state; reopening it when "
		         "it is back",
		         device(w), strerror(-err));
		return;
	}
	if (w->state != AUDIODEV_ABSENT || (!w->announced && w->ticks < w->next_try))
		return;
	err = try_start(w);
	if (err < 0) {
		w->tries++;
		absent(w, err);
		return;
	}
	w->reopens++;
	log_info("audio: %s is back after %lu s: reopened (%lu reopen%s, %lu tr%s)", device(w),
	         w->ticks - w->since, w->reopens, w->reopens == 1 ? "" : "s", w->tries + 1,
	         w->tries ? "ies" : "y");
}

int audiodev_format(const struct audiodev *w, char *buf, size_t size)
{
	char now[96];

	switch (w->state) {
	case AUDIODEV_ABSENT:
		if (w->announced || w->next_try <= w->ticks)
			snprintf(now, sizeof now, "absent for %lu s (%s), trying again now",
			         w->ticks - w->since, strerror(-w->last_err));
		else
			snprintf(now, sizeof now, "absent for %lu s (%s), next try in %lu s",
			         w->ticks - w->since, strerror(-w->last_err),
			         w->next_try - w->ticks);
		break;
	default:
		snprintf(now, sizeof now, "%s", audiodev_state_name(w->state));
		break;
	}
	return snprintf(buf, size, "%s; lost %lu time%s, reopened %lu time%s", now, w->losses,
	                w->losses == 1 ? "" : "s", w->reopens, w->reopens == 1 ? "" : "s");
}
