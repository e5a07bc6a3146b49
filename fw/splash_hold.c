/*
 * splash_hold.c: the splash helper, a child of PID 1 (see splash.h). It
 * runs the displays' own backend (hal/display.h) so that what it shows is
 * set up as the player sets it up.
 */
#include "splash.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "../hal/display.h"
#include "arena.h"
#include "board.h"
#include "log.h"
#include "loop.h"

/* A display of the profile without a mode is taken to be at most this large. */
#define SPLASH_ANY_PIXELS (1920L * 1200L)

void splash_hold(const char *board, const char *line, int ready_fd)
{
	static struct board b;
	static struct board_errors errs;
	static struct arena a;
	static struct loop l;
	static struct displays ds;
	size_t bytes = 1u << 20;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* A broken profile gives the safe defaults: a splash is still worth showing. */
	board_load(&b, board ? board : BOARD_DEFAULT_PATH, &errs);
	if (b.backend != BOARD_BACKEND_HW)
		_exit(1);
	for (int i = 0; i < b.ndisplays && i < BOARD_MAX_DISPLAYS; i++) {
		long px = b.display[i].width > 0 && b.display[i].height > 0
		              ? (long)b.display[i].width * b.display[i].height
		              : SPLASH_ANY_PIXELS;
		/* the logical surface, its rows padded to 16 pixels */
		bytes += (size_t)(px + 16L * 2048) * 4;
	}
	if (arena_init(&a, bytes) < 0 || loop_init(&l, &a, 64) < 0)
		_exit(1);
	ds.ops = &display_drm_ops;
	if (ds.ops->open(&ds, &b, &a, &l) < 0)
		_exit(1);
	for (int i = 0; i < ds.count; i++) {
		splash_draw(&ds.d[i].fb, SPLASH_TITLE, line);
		ds.ops->present(&ds, i);
	}
	if (display_drm_drop_master(&ds) < 0)
		_exit(1);
	log_info("splash: \"%s\" on %d display%s", line, ds.count, ds.count == 1 ? "" : "s");
	if (write(ready_fd, "1", 1) != 1)
		_exit(1);
	for (;;)
		pause(); /* the picture stays while the file is open: until PID 1 ends us */
}
