/*
 * supervise: slipmat as PID 1 keeps a player running.
 *
 * PID 1 (the firmware the kernel started, from the initramfs) mounts the
 * firmware partition, picks the binary to run (fw/update.h: a trial with
 * tries left, else current, else previous, else itself) and runs it as a
 * child in the player role: the box itself, with a pipe back to PID 1
 * on fd 3. Over that pipe the player sends, once a second, one line with
 * the decks' state (the heartbeat), and "good" once a trial has played
 * audio and presented frames for a while.
 *
 * A player that dies is reaped and started again at once (well under 2 s)
 * with the decks' last reported state; one that stops talking is hung and
 * killed. Between the two the screens show PID 1's splash (fw/splash.h),
 * held up by a helper child until the new player says "shown" (it has
 * presented frames), so they are never dark for the restart. A trial that dies, hangs or never reports good uses up a start;
 * out of starts it is set aside and the previous firmware runs. Three
 * quick deaths of a proven firmware step down to the one before it.
 */
#ifndef SLIPMAT_SUPERVISE_H
#define SLIPMAT_SUPERVISE_H

#include <sys/types.h>

#include "update.h"

#define SUPERVISE_FD 3
#define SUPERVISE_RESUME_MAX 1536
/* A player that dies sooner than this after its start died "quickly". */
#define SUPERVISE_QUICK_MS 10000
#define SUPERVISE_QUICK_DEATHS 3
/* The splash helper is up within this, or it is stopped and the player starts anyway. */
#define SUPERVISE_SPLASH_MS 1000
/* A player that never says "shown" (an older firmware): its splash goes after this. */
#define SUPERVISE_SPLASH_HOLD_MS 20000

/*
 * PID 1's splash (fw/splash.h's splash_hold()), run in a child: show line
 * on the screens, write a byte to ready_fd once it is up and DRM master
 * is free again, then wait to be ended (SIGTERM).
 */
typedef void supervise_splash_fn(const char *board, const char *line, int ready_fd);

struct supervise {
	struct updater *u;
	const char *self;  /* this binary: the last resort */
	const char *board; /* --board for the player, or NULL */
	int trial_ms;      /* a trial reports good within this, or it hung */
	int silent_ms;     /* a player silent this long has hung */
	int max_starts;    /* stop after this many starts (tests); 0: never */
	supervise_splash_fn *splash; /* NULL: no splash */

	enum update_slot slot, from;
	char path[256];
	pid_t pid;
	int fd; /* read end of the player's pipe */
	long started_ms, heard_ms;
	int good, quick_deaths, killed;
	int fault;        /* the last player crashed or hung (it did not ask to restart) */
	pid_t splash_pid; /* the helper holding the splash up, or -1 */
	long splash_ms;   /* since when */
	char inbuf[2 * SUPERVISE_RESUME_MAX];
	size_t inlen;
	char resume[SUPERVISE_RESUME_MAX];
	unsigned long starts, deaths, hangs, rollbacks, splashes;
};

void supervise_init(struct supervise *s, struct updater *u, const char *self, const char *board);

/*
 * Run players until max_starts is reached (never when it is 0), reaping
 * every child that ends. Return: 0 once max_starts players have ended.
 */
int supervise_run(struct supervise *s);

/*
 * PID 1's whole job after pid1_setup(): mount the firmware partition
 * named on the kernel command line (slipmat.boot=DEV, slipmat.bootfs=TYPE,
 * slipmat.trial_s=N), then supervise_run() forever, with splash between
 * players.
 */
__attribute__((noreturn)) void supervise_main(const char *self, const char *board,
                                              const char *version, supervise_splash_fn *splash);

/* The player's end of the pipe: how it reports. */
struct supervise_link {
	int fd;        /* -1: not supervised */
	int trial;     /* running on trial */
	int healthy_s; /* seconds of audio and frames in a row */
	int good_after_s;
	int good_sent;
	int frames_seen, shown_sent; /* "shown": frames presented over a whole second */
	unsigned long last_periods, last_frames;
};

/* From the environment PID 1 set up (SLIPMAT_SUPERVISOR_FD and friends). */
void supervise_link_open(struct supervise_link *l);

/*
 * Once a second: periods and frames are the audio periods rendered and
 * frames presented so far; state is the decks' state to resume from.
 * Sends the heartbeat; "shown" at the first call after one that saw
 * frames (every display has its picture up: PID 1's splash may go); and
 * "good" after good_after_s healthy seconds.
 */
void supervise_link_tick(struct supervise_link *l, unsigned long periods, unsigned long frames,
                         const char *state);

struct ctl_reply;

/*
 * The player's side, one per process (file scope in supervise.c): the
 * pipe to PID 1 and the updater on the partition PID 1 named.
 */
void supervise_player_init(const char *version);

/* Nonzero when PID 1 supervises this process. */
int supervise_player_linked(void);

/* Once a second from the loop: see supervise_link_tick(). */
void supervise_player_tick(unsigned long periods, unsigned long frames, const char *state);

/*
 * The control socket's "update" command (ARGS after "update "), for the
 * stick and the screen to drive, and technicians and tests today:
 *   update PATH      check a release and hold it as the offer (nothing written)
 *   update confirm   install the offer as trial; the box then restarts into it
 *   update status    running version and slot, the trial's starts
 * Return: 0, or -1 after writing the reason to r.
 */
int supervise_player_command(const char *args, struct ctl_reply *r);

/* Nonzero once an installed update wants the player to exit with
 * UPDATE_EXIT_RESTART (after the answer went out). */
int supervise_player_restart(void);

/* The player's updater (the partition PID 1 named), for releases found on sticks (fw/offer.h). */
struct updater *supervise_player_updater(void);

/*
 * done was installed as trial (`update confirm`, or Install on the
 * screen): the player is to exit with UPDATE_EXIT_RESTART, and PID 1
 * runs the trial.
 */
void supervise_player_installed(const struct update_offer *done);

/* The decks' state PID 1 handed over after a crash, or NULL. */
const char *supervise_player_resume(void);

#endif
