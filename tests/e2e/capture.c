/*
 * capture: record what slipmat plays into the kernel's ALSA loopback card
 * (snd-aloop), inside the emulated box, as a WAV file.
 *
 *   capture DEVICE CHANNELS SECONDS OUT.wav
 *
 * QEMU's usb-audio offers no four-channel mode (2, 6 or 8 channels) and
 * resamples its 6- and 8-channel streams as if they were mono, so the
 * end-to-end test checks the four-output routing (master 1-2, cue 3-4)
 * through snd-aloop, a real ALSA driver: slipmat plays hw:Loopback,0 and
 * this test helper captures hw:Loopback,1 in the guest. S16_LE, 48 kHz.
 */
#include <alsa/asoundlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(FILE *f, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: capture DEVICE CHANNELS SECONDS OUT.wav\n");
		return 2;
	}
	unsigned chans = (unsigned)atoi(argv[2]), rate = 48000;
	long frames = atol(argv[3]) * (long)rate, got = 0;
	int16_t *buf = malloc(sizeof *buf * chans * (size_t)frames);
	int err = 0;

	/*
	 * Under software emulation the loopback's capture side can fall
	 * over (-EIO after a burst of xruns); start again, a few times,
	 * rather than fail the measurement of what slipmat played.
	 */
	for (int attempt = 0; attempt < 5 && got < frames; attempt++) {
		snd_pcm_t *pcm;

		got = 0;
		if ((err = snd_pcm_open(&pcm, argv[1], SND_PCM_STREAM_CAPTURE, 0)) < 0 ||
		    (err = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE,
					      SND_PCM_ACCESS_RW_INTERLEAVED, chans, rate, 0,
					      100000)) < 0) {
			fprintf(stderr, "capture: %s: %s\n", argv[1], snd_strerror(err));
			return 1;
		}
		while (got < frames) {
			snd_pcm_sframes_t n = snd_pcm_readi(pcm, buf + got * chans,
							    (snd_pcm_uframes_t)(frames - got));
			if (n < 0 && snd_pcm_recover(pcm, (int)n, 1) == 0)
				continue;
			if (n < 0) {
				err = (int)n;
				fprintf(stderr, "capture: %s: %s; starting again\n", argv[1],
					snd_strerror(err));
				break;
			}
			got += n;
		}
		snd_pcm_close(pcm);
	}
	if (got < frames) {
		fprintf(stderr, "capture: %s: gave up: %s\n", argv[1], snd_strerror(err));
		return 1;
	}

	FILE *f = fopen(argv[4], "wb");
	if (!f) {
		perror(argv[4]);
		return 1;
	}
	uint32_t data = (uint32_t)(got * chans * 2);
	fwrite("RIFF", 1, 4, f);
	put(f, data + 36, 4);
	fwrite("WAVEfmt ", 1, 8, f);
	put(f, 16, 4);
	put(f, 1, 2);
	put(f, chans, 2);
	put(f, rate, 4);
	put(f, rate * chans * 2, 4);
	put(f, chans * 2, 2);
	put(f, 16, 2);
	fwrite("data", 1, 4, f);
	put(f, data, 4);
	fwrite(buf, 2, (size_t)got * chans, f);
	fclose(f);
	printf("captured %ld frames of %u channels from %s\n", got, chans, argv[1]);
	return 0;
}
