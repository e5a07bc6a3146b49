/*
 * audio: the one real-time thread, and what the loop sees of it.
 *
 * The thread renders a period of the engine (fw/engine.h: two decks and
 * the mixer, routed to the interface's outputs) in float, converts it to
 * the device's format, and writes it; the blocking write is its only
 * clock. Without an engine attached it plays silence.
 *
 * The loop thread owns start, stop and report; the audio thread shares
 * only C11 atomics with it (counters, load, state, a stop flag) and the
 * engine's lock-free rings, so neither ever waits for the other. The
 * audio thread never allocates, logs, locks or makes a syscall besides the
 * PCM's (fw/rtguard.h has the kernel enforce that in debug builds); it
 * counts xruns and recovers from them itself; any other write error
 * (-ENODEV: the interface was unplugged) ends it, with the state set to
 * AUDIO_ERROR for the loop to notice in its next report, audio_stop(), and
 * a later audio_start() once the device is back. The engine belongs to the
 * caller, so its decks and mixer carry on from where they were.
 *
 * Use, in the loop thread:
 *
 *     static struct audio au;              // or audio_init(&au)
 *     audio_attach(&au, &engine);          // what the thread renders
 *     audio_start(&au, &board, &arena, pcm_ops_for(board.audio.device));
 *     ...  audio_report(&au, &r) from the status timer ...
 *     audio_stop(&au);
 */
#ifndef SLIPMAT_AUDIO_H
#define SLIPMAT_AUDIO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "../dsp/convert.h"
#include "../hal/pcm.h"

struct arena;
struct board;
struct engine;

/* The test tracks the box boots with until it has tracks of its own
 * (fw/app.c loads them): deck A on the master, deck B on the cue, over an
 * octave apart and in no simple ratio, so no one mistakes master for cue,
 * by ear or on a meter. Peak level. */
#define AUDIO_TONE_A_HZ 440
#define AUDIO_TONE_B_HZ 1000
#define AUDIO_TONE_DBFS (-12)

/* What the thread's stack gets touched with before it plays, in bytes. */
#define AUDIO_PREFAULT (256 * 1024)
#define AUDIO_STACK (2 * 1024 * 1024) /* room for a sanitizer's TLS too */

enum audio_state {
	AUDIO_STOPPED, /* never started, or stopped by audio_stop() */
	AUDIO_RUNNING, /* the thread is playing */
	AUDIO_ERROR,   /* failed to start, or the thread ended on an error */
};

/* Where an error happened, for the report. */
enum audio_fault {
	AUDIO_FAULT_NONE,
	AUDIO_FAULT_OPEN,
	AUDIO_FAULT_THREAD,
	AUDIO_FAULT_WRITE,
	AUDIO_FAULT_RECOVER
};

struct audio {
	struct pcm pcm;
	int pcm_open;
	int have_thread;
	pthread_t thread;

	/* Period buffers from the arena, kept for the next start. */
	float *mix;              /* period x channels, interleaved */
	void *out;               /* the same in the device's format */
	size_t mix_cap, out_cap; /* bytes */

	/* Owned by the audio thread while it runs. */
	struct engine *engine; /* what it renders; NULL: silence */
	struct dither dither;

	/* What start got, for status. */
	int fifo;     /* SCHED_FIFO granted */
	int priority; /* its priority; 0 for a normal thread */
	int mlocked;  /* mlockall() succeeded */
	int any_cpu;  /* the CPU mask was refused or empty */
	unsigned long cpus;
	int fault_logged; /* audio_check() said why the thread ended */

	/* Shared between the threads. */
	atomic_int stop;
	atomic_int state;         /* enum audio_state; written last (release) */
	atomic_int fault;         /* enum audio_fault */
	atomic_int fault_err;     /* the -errno */
	atomic_int tid;           /* the thread's id, for /proc */
	atomic_int ready;         /* the thread is set up and about to play */
	atomic_long minflt_start; /* its minor faults at steady state's start */
	atomic_int rtguard;       /* rtguard_install()'s result in the thread */
	atomic_ulong xruns;
	atomic_ulong periods_done;
	atomic_uint load_avg;  /* tenths of a percent of the period: ~1 s average */
	atomic_uint load_peak; /* the worst period since the device started */
};

struct audio_report {
	char device[64];
	char card[80];
	const char *format; /* "S16_LE", ... */
	int rate, channels, period, periods;
	double latency_ms; /* of the whole buffer */
	enum audio_state state_id;
	char state[64]; /* "running", "stopped", "error: write failed: No such device" */
	unsigned long xruns;
	unsigned long periods_done;
	double load_avg, load_peak; /* percent, one decimal */
	int fifo, priority, mlocked;
	long minor_faults; /* the thread's, since it started playing; -1: not running */
	int rtguard;       /* 0, or the -errno the kernel refused the syscall filter with */
	char routing[40];  /* "master 1-2, cue 3-4", "master 1, cue 2" */
};

/* Post: au is stopped and empty (what static storage starts as). */
void audio_init(struct audio *au);

/*
 * Render e from the next audio_start() on (NULL: silence). e must have
 * been set up for the same profile (rate, channels) and outlive the thread.
 * Pre: loop thread; au stopped.
 */
void audio_attach(struct audio *au, struct engine *e);

/*
 * Open the PCM b->audio names with ops (in a guard window), take the
 * period buffers from a (once: later starts reuse them), lock memory
 * (mlockall; failure is logged and reported, not fatal) and start the
 * audio thread: SCHED_FIFO at b->rt.priority on the CPUs of b->rt.cpus,
 * or a normal thread when SCHED_FIFO is refused (logged, reported).
 * Return: 0, or -errno (logged; the report says why).
 * Pre: loop thread; au from audio_init() or audio_stop(); b is read
 * only during the call; a has room for two periods; an attached engine
 * runs at b's rate and channels (else -EINVAL, logged).
 */
int audio_start(struct audio *au, const struct board *b, struct arena *a,
                const struct pcm_ops *ops);

/*
 * Ask the thread to stop, join it, close the PCM (both in guard windows).
 * Safe on a stopped or failed au. The state stays AUDIO_ERROR if it was.
 * Pre: loop thread.
 */
void audio_stop(struct audio *au);

/* Return: the state. Any thread. */
enum audio_state audio_state(const struct audio *au);

/*
 * The loop's health check, from its status timer: the thread cannot log,
 * so the first call after it ended on an error logs why, naming the
 * device. The caller then audio_stop()s and later audio_start()s again.
 * Return: 0 while running or stopped; the thread's -errno after an error.
 */
int audio_check(struct audio *au);

/* Fill r for status. Pre: loop thread (it reads /proc). */
void audio_report(const struct audio *au, struct audio_report *r);

/*
 * One line for the console and the status command.
 * Return: what snprintf returns.
 */
int audio_report_format(const struct audio_report *r, char *buf, size_t size);

/* "stopped", "running", "error". */
const char *audio_state_name(enum audio_state s);

#endif
