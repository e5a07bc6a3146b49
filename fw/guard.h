/*
 * guard: the process's promise that nothing allocates after init and that
 * the audio thread never does anything that may block.
 *
 * Phases: at start-up allocation is free (libraries set themselves up).
 * guard_arm() ends init; from then on malloc, calloc, realloc, free of a
 * pointer and the aligned variants abort the process in debug and test
 * builds (SLIPMAT_GUARD_ABORT), except inside a window that the loop opens
 * around device (re)configuration, where library calls that allocate
 * (libasound's open, libdrm's resource queries, libevdev_new) are allowed
 * and counted. The audio thread may never allocate, window or not.
 *
 * guard_rt_forbid() is xwax's rt_not_allowed(): functions that may block
 * or take locks call it first, and the audio thread aborts there.
 */
#ifndef SLIPMAT_GUARD_H
#define SLIPMAT_GUARD_H

struct guard_counts {
	unsigned long init;    /* allocations before guard_arm() */
	unsigned long window;  /* allocations inside windows */
	unsigned long windows; /* windows opened */
	unsigned long stray;   /* allocations outside any window after arm (release builds) */
	int armed;
};

void guard_arm(void);
void guard_disarm(void);

/* Pre: loop thread. Windows nest. why names the reconfiguration. */
void guard_window_begin(const char *why);
void guard_window_end(void);

/* Mark the calling thread as the audio thread. */
void guard_rt_enter(void);
int guard_is_rt(void);

/* Abort with what named if the calling thread is the audio thread. */
void guard_rt_forbid(const char *what);

void guard_counts(struct guard_counts *c);

#endif
