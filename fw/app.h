/*
 * app: the box. Owns every module by value (nothing behind malloc),
 * brings them up in a fixed order and tears them down in the reverse.
 *
 * Init order, and why:
 *   board      everything is sized and chosen from the profile
 *   arena      all memory, sized from the profile
 *   loop       the fd table lives in the arena
 *   signals    SIGTERM/SIGINT/SIGCHLD as an fd, before any child exists
 *   displays   errors from here on can be shown on screen
 *   uevent     listening before the first device scan, so a device that
 *              appears during the scan is announced, not lost
 *   library    its index from the arena before the decks take the rest;
 *              the profile's library paths and the sticks already in
 *              (mounted read-only), scanned in slices of the tick
 *   touch      needs the displays' geometry
 *   audio      the one real-time thread, last of the devices
 *   control    the status socket, once there is a state to report
 *   tick       the drawing clock
 * then guard_arm(): from here on nothing allocates.
 */
#ifndef SLIPMAT_APP_H
#define SLIPMAT_APP_H

#include <time.h>

#include "arena.h"
#include "audio.h"
#include "board.h"
#include "ctl.h"
#include "loop.h"
#include "../hal/display.h"
#include "../hal/touch.h"
#include "../hal/uevent.h"

/* The loop's tick: the screens' frame rate while anything moves (the test card draws every other). */
#define APP_FPS 60

struct app_mark {
	int valid;
	int x, y; /* logical pixels */
	unsigned long touches;
};

struct app {
	const char *board_path;
	struct board board;
	struct board_errors board_errs;
	struct arena arena;
	struct loop loop;
	struct displays displays;
	struct touch touch;
	struct uevent_mon uevent;
	struct audio audio;
	struct ctl ctl;
	int signal_fd;
	int timer_fd;
	int pid1;
	int have_displays, have_touch, have_uevent, have_audio, have_ctl;
	int first_frame_logged;
	struct app_mark mark[BOARD_MAX_DISPLAYS];
	struct timespec started;
	unsigned long ticks;
	long last_second_ms; /* the last once-a-second work, monotonic ms */
};

/*
 * Bring the box up. A missing device is logged, shown and survived;
 * only a failure that leaves nothing to run (no arena, no loop) fails.
 * Return: 0, or -errno.
 */
int app_init(struct app *a, const char *board_path, int pid1);

/* Run until SIGTERM or SIGINT (never, as PID 1). */
void app_run(struct app *a);

/* Tear down in the reverse order of app_init. */
void app_clear(struct app *a);

#endif
