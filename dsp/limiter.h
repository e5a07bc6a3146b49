/*
 * limiter: the master's look-ahead peak limiter. Its output never exceeds
 * the ceiling, not by one sample, whatever comes in: +20 dB square waves,
 * full-scale noise, single-sample spikes, NaN and infinities (read as
 * silence).
 *
 * How: the audio is delayed by L frames (the lookahead, and the latency).
 * For each frame entering, the gain that would bring its louder channel
 * (the two are linked, so the stereo image does not shift) to the ceiling
 * is known L frames before that frame leaves. The gain computer takes the
 * smallest such gain over the last L + 1 frames (a sliding minimum, via a
 * sliding maximum of the peaks), lets it rise back with an exponential
 * release, and smooths it with two moving averages whose combined span is
 * L + 1 frames. Every gain averaged into the one a frame leaves with
 * already covers that frame, so the average does too: the frame comes out
 * at or below the ceiling by construction, and the attack is an S-shaped
 * fade over the lookahead, never a step. A final clamp at the ceiling
 * guards against float rounding; limiter_clamped() counts the samples it
 * touched, and the tests require none.
 *
 * The NEON kernels are the two passes over the samples (peaks in, gains
 * out); the gain computer between them is sequential and shared, so the
 * paths agree to the bit. Audio thread: no allocation, no calls out; the
 * state (about 27 KB) lives in the struct.
 */
#ifndef SLIPMAT_LIMITER_H
#define SLIPMAT_LIMITER_H

#define LIMITER_MAX_LOOKAHEAD 1024 /* frames: 10.6 ms at 96 kHz */
#define LIMITER_BLOCK 128          /* frames per pass */

/* Defaults for the master. */
#define LIMITER_CEILING_DB (-0.3f)
#define LIMITER_LOOKAHEAD_MS 1.5f
#define LIMITER_RELEASE_MS 80.0f

struct limiter {
	int look;      /* L, frames */
	float ceiling; /* linear */
	float thr;     /* what the gain computer aims at: a hair below the ceiling */
	float rel;     /* release: share of the way back to 1 per frame */
	float env;     /* the released gain */
	unsigned now;  /* frames seen (wraps; only differences are used) */

	/* Sliding maximum of the frames' peaks: a deque of falling values. */
	float dq_val[LIMITER_MAX_LOOKAHEAD + 1];
	unsigned dq_at[LIMITER_MAX_LOOKAHEAD + 1];
	int dq_head, dq_len;

	/* The two moving averages. */
	float box1[LIMITER_MAX_LOOKAHEAD + 2], box2[LIMITER_MAX_LOOKAHEAD + 2];
	int len1, len2, pos1, pos2;
	double sum1, sum2;

	float reduction_db;    /* the deepest reduction in the last call */
	unsigned long clamped; /* samples the final clamp touched */

	/* The delay line: the last L frames, then the block coming in. */
	float delay[2 * (LIMITER_MAX_LOOKAHEAD + LIMITER_BLOCK)];
	float peak[LIMITER_BLOCK], gain[LIMITER_BLOCK];
};

/*
 * Post: l is silent and not limiting, for rate frames a second, with a
 * lookahead of lookahead_ms (at least 1 frame, at most
 * LIMITER_MAX_LOOKAHEAD), the ceiling at ceiling_db dBFS and a release
 * time constant of release_ms.
 */
void limiter_init(struct limiter *l, int rate, float lookahead_ms, float ceiling_db,
                  float release_ms);

/* Limit io (stereo interleaved) in place; it comes out limiter_latency() frames late. */
void limiter_process(struct limiter *l, float *io, int frames);
void limiter_process_scalar(struct limiter *l, float *io, int frames);

/* Return: the deepest gain reduction during the last call, in dB, >= 0. */
float limiter_reduction_db(const struct limiter *l);

/* Return: the latency (the lookahead), frames. */
int limiter_latency(const struct limiter *l);

/* Return: samples the final safety clamp had to touch since init (0 in practice). */
unsigned long limiter_clamped(const struct limiter *l);

/* Return: 1 when this build limits with NEON, else 0. */
int limiter_has_neon(void);

#endif
