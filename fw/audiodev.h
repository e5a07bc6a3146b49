/*
 * audiodev: the audio interface coming and going.
 *
 * A DJ pulls the USB cable, or the interface resets: the audio thread's
 * next write fails (-ENODEV) and the thread ends (fw/audio.h). The loop
 * notices at its next once-a-second tick, stops what is left of it and
 * reopens the profile's device with audio_start() as soon as it can: at
 * once when the kernel announces a sound card (a uevent), otherwise on a
 * backoff of 1, 2, 4 ... AUDIODEV_BACKOFF_MAX seconds, for interfaces
 * whose return no uevent tells (and missed messages). Nothing else is
 * touched: the decks and the mixer belong to the app, not to the audio
 * thread, so they keep their state and carry on from where they stood.
 * The same goes for a box that boots before its interface is plugged in.
 *
 * Loop thread only; nothing here allocates (the reopen's library calls
 * are inside audio_start()'s guard window).
 *
 * Use:
 *
 *     audiodev_init(&w, &au, &board, &arena, ops);
 *     audiodev_start(&w);                 // at init; a failure is retried
 *     ... audiodev_uevent(&w, ev) for every kernel device event ...
 *     ... audiodev_tick(&w) once a second ...
 *     audiodev_format(&w, buf, size)      // status
 *     audiodev_stop(&w);                  // teardown
 */
#ifndef SLIPMAT_AUDIODEV_H
#define SLIPMAT_AUDIODEV_H

#include <stddef.h>

struct arena;
struct audio;
struct board;
struct pcm_ops;
struct uevent;

/* The longest wait between two tries while no uevent says anything, in ticks (seconds). */
#define AUDIODEV_BACKOFF_MAX 16

enum audiodev_state {
	AUDIODEV_STOPPED, /* not started, or stopped by audiodev_stop() */
	AUDIODEV_PLAYING, /* the audio thread runs on the device */
	AUDIODEV_ABSENT,  /* the device failed or is gone; trying to reopen it */
};

struct audiodev {
	struct audio *au;
	const struct board *board;
	struct arena *arena;
	const struct pcm_ops *ops;

	enum audiodev_state state;
	unsigned long ticks;    /* audiodev_tick() calls: seconds */
	unsigned long since;    /* tick the device went absent */
	unsigned long next_try; /* tick of the next try while absent */
	int backoff;            /* ticks until the try after that */
	int announced;          /* a sound device appeared since the last try */
	int last_err;           /* -errno of the failure, or of the last try */
	unsigned long losses;   /* times a running device failed or went away */
	unsigned long reopens;  /* times it played again after that */
	unsigned long tries;    /* failed tries since it went absent */
	unsigned long uevents;  /* sound devices the kernel announced (add or remove) */
};

/*
 * Post: w watches the device b->audio names, played by ops through au,
 * with period buffers from a; stopped. au, b and a must outlive w.
 */
void audiodev_init(struct audiodev *w, struct audio *au, const struct board *b, struct arena *a,
                   const struct pcm_ops *ops);

/*
 * Start the audio thread. A device that is not there (yet) is not an
 * error for the box: it is logged, and tried again until it comes.
 * Return: 0 when playing; the -errno of audio_start() otherwise (w then
 * absent, trying again).
 */
int audiodev_start(struct audiodev *w);

/*
 * A kernel device event (hal/uevent.h). A sound card's control or
 * playback device being added makes the next tick try at once; an
 * "overflow" (messages lost) is taken as one too.
 */
void audiodev_uevent(struct audiodev *w, const struct uevent *ev);

/*
 * Once a second: a thread that ended on an error is stopped (audio_check()
 * logs why) and the device marked absent; an absent device is tried when
 * a uevent announced one or its backoff is over.
 */
void audiodev_tick(struct audiodev *w);

/* Stop the audio thread for good (teardown). Post: state STOPPED. */
void audiodev_stop(struct audiodev *w);

/* "stopped", "playing", "absent". */
const char *audiodev_state_name(enum audiodev_state s);

/*
 * One line for status: the state (for how long, the next try), how often
 * the device was lost and reopened.
 * Return: what snprintf returns.
 */
int audiodev_format(const struct audiodev *w, char *buf, size_t size);

#endif
