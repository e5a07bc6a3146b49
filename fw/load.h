/*
 * load: a track file decoded into a deck's struct track in the loop, a
 * slice at a time.
 *
 * load_start() opens the file and says how long the track is; each
 * load_step() then decodes and converts for at most its time budget (the
 * loop calls it while a load is running, 2 ms at a time, so the screens
 * never wait more than that) and publishes the frames that are done with
 * track_set_ready(), so the deck can play the first seconds while the
 * rest is still coming.
 *
 * Rate conversion: a file at another rate than the engine's goes through
 * the deck resampler's tables (dsp/resample.h, 64-tap windowed sinc) at a
 * fixed step, reading a sliding window of the decoded source, so the
 * whole track is converted once at load with the same quality the deck
 * plays with. Converting down (96 kHz to 48 kHz) uses the table whose
 * cutoff sits below the engine's Nyquist frequency, so nothing folds.
 *
 * A track longer than the deck's storage plays as far as it fits, with a
 * message saying how long it is and how much fits. A file that is not a
 * track, or breaks partway, gets a message with its name and what is
 * wrong; what was decoded before a break stays playable.
 */
#ifndef SLIPMAT_LOAD_H
#define SLIPMAT_LOAD_H

#include <stddef.h>

#include "decode.h"

struct resample_bank;
struct track;

#define LOAD_BUDGET_MS 2.0
#define LOAD_MSG 272

enum load_state { LOAD_IDLE, LOAD_RUNNING, LOAD_DONE, LOAD_FAILED };

struct load {
	struct decoder dec;
	const struct resample_bank *bank;
	int rate; /* the engine's */

	float *win;     /* source frames [base, base + n), stereo */
	long win_cap;   /* frames win holds */
	long long base; /* source frame of win[0] */
	long n;
	long long src_total; /* source frames decoded so far */
	int src_end;         /* the decoder has nothing more */
	double step;         /* source frames per engine frame */

	struct track *track;
	long out;  /* engine frames written */
	int fd;
	enum load_state state;
	int truncated;
	double slice_max_ms; /* the longest slice so far */
	char name[96];
	char msg[LOAD_MSG]; /* the last problem, for the screen: "" if none */
};

/* Return: bytes of storage load_init() wants. */
size_t load_storage(void);

/*
 * Pre: loop thread at init; storage of load_storage() bytes, 64-byte
 * aligned; bank initialised. Return: 0 or -errno (logged).
 */
int load_init(struct load *l, void *storage, int rate, const struct resample_bank *bank);
void load_clear(struct load *l);

/*
 * Start loading path into t (its storage kept, its contents replaced).
 * Pre: no deck is reading t. Post: t->frames is the track's length at the
 * engine rate as far as it fits (the file's own claim; corrected when the
 * load ends), t->ready 0.
 * Return: 0, or -errno with l->msg (also logged) naming the file and why.
 */
int load_start(struct load *l, struct track *t, const char *path);

/*
 * Decode for up to budget_ms.
 * Return: 1 while there is more to do, 0 when the track is in (l->msg
 * says if it was cut short or broke partway), -errno when nothing of it
 * could be loaded.
 */
int load_step(struct load *l, double budget_ms);

/* Stop a load (the frames already in t stay). */
void load_cancel(struct load *l);

#endif
