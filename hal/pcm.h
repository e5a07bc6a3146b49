/*
 * pcm: the audio output, as a small ops interface with two backends:
 *
 *   pcm_alsa_ops  the interface, an ALSA playback PCM (hal/alsa.c)
 *   pcm_wav_ops   the sim sink: a WAV file written in real time, so the
 *                 audio thread runs as it would against a device
 *                 (hal/wavsink.c)
 *
 * open and close run in the loop thread inside a guard window (libasound
 * allocates while it parses its configuration and sets up a handle);
 * write and recover run in the audio thread and allocate nothing.
 * Storage: struct pcm is the caller's; local points at the backend's own
 * state (libasound's handle, or one of the WAV sink's static slots).
 */
#ifndef SLIPMAT_PCM_H
#define SLIPMAT_PCM_H

#include <stdlib.h>
#include <string.h>

#include "../dsp/convert.h"

struct board_audio;

struct pcm {
	const struct pcm_ops *ops;
	void *local;
	char device[64]; /* what was opened */
	char card[80];   /* the card's name, for status */
	/* What the device granted; format, rate and channels are always what
	 * the profile asked, period and periods only near it. */
	enum sample_format format;
	int rate, channels, period, periods;
};

struct pcm_ops {
	const char *name;
	/*
	 * Open cfg->device for playback and set it up as cfg asks.
	 * Return: 0 with p filled in, or -errno with the reason logged,
	 * naming the device (and, for a refused setting, what it offers).
	 * Pre: loop thread, inside a guard window.
	 */
	int (*open)(struct pcm *p, const struct board_audio *cfg);
	/*
	 * Queue frames of interleaved samples in p->format; blocks while the
	 * device's buffer is full, as a device does.
	 * Return: frames taken (maybe fewer than asked), or -errno: -EPIPE
	 * is an underrun (xrun), -ESTRPIPE a suspend, -ENODEV a device gone.
	 * Pre: audio thread.
	 */
	int (*write)(struct pcm *p, const void *buf, int frames);
	/*
	 * After write failed with err (-EPIPE, -ESTRPIPE): make the PCM
	 * writable again. Playback restarts once the buffer is full again.
	 * Return: 0, or -errno when it cannot run again (give up, reopen).
	 * Pre: audio thread.
	 */
	int (*recover)(struct pcm *p, int err);
	/*
	 * How far the sound is behind the writes: *frames queued in the
	 * device and not yet heard at *at_ns (CLOCK_MONOTONIC), so the next
	 * frame written is heard *frames / rate seconds after *at_ns.
	 * Return: 0, or -errno (an xrun): unknown this time.
	 * Pre: audio thread. NULL in a backend that cannot tell.
	 */
	int (*delay)(struct pcm *p, long *frames, long long *at_ns);
	/* Stop at once (no drain) and release. Pre: loop thread, in a window. */
	void (*close)(struct pcm *p);
};

extern const struct pcm_ops pcm_alsa_ops, pcm_wav_ops;

/* The environment variable naming the WAV file when the profile names a card. */
#define PCM_WAV_ENV "SLIPMAT_WAV"

/*
 * Which backend plays device: "wav:PATH" is the WAV sink; with
 * SLIPMAT_WAV set, every device is (a host without a card runs the real
 * firmware that way); anything else is an ALSA PCM name.
 */
static inline const struct pcm_ops *pcm_ops_for(const char *device)
{
	const char *env = getenv(PCM_WAV_ENV);

	if (strncmp(device, "wav:", 4) == 0 || (env && env[0]))
		return &pcm_wav_ops;
	return &pcm_alsa_ops;
}

#endif
