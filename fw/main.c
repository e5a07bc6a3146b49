/*
 * slipmat: the firmware of a two-deck DJ appliance.
 *
 * One process: one epoll loop thread (fw/loop.c) and one SCHED_FIFO audio
 * thread (fw/audio.c), all memory from one arena taken at init. main()
 * only picks the mode; fw/app.c brings the box up in a fixed order and
 * tears it down in the reverse.
 *
 *   slipmat [--board PATH]         run the box (as init on the appliance)
 *   slipmat status [--socket PATH] print the running box's state
 *   slipmat library [VIEW | search TEXT | prepare BPM KEY TEXT] [--socket PATH]
 *                                  the library's sources and tracks
 *   slipmat testcard on|off        the test card instead of the DJ's screens
 *   slipmat screens                every control and where it is
 *   slipmat load A|B PATH          a track file onto a deck; play A|B, pause A|B,
 *                                  hotcue A|B N
 *   slipmat update PATH|confirm|status [--socket PATH]
 *                                  offer, install, inspect a release
 *
 * Roles: as PID 1, slipmat supervises (fw/supervise.h) and runs the box
 * as a child, the same binary or a newer one, in the "player" role; a
 * second child holds PID 1's splash up while a player restarts
 * (fw/splash.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "board.h"
#include "ctl.h"
#include "log.h"
#include "pid1.h"
#include "splash.h"
#include "supervise.h"
#include "update.h"

#define SLIPMAT_VERSION "0.1.0"

/* The app is large and lives for the process: static, not on the stack. */
static struct app app;

static void usage(FILE *f)
{
	fprintf(f, "usage: slipmat [--board PATH]\n"
		   "       slipmat status [--socket PATH | --board PATH]\n"
		   "       slipmat library [title|artist|bpm|added | search TEXT |\n"
		   "                        prepare BPM KEY TEXT] [--socket PATH]\n"
		   "       slipmat testcard on|off [--socket PATH]\n"
		   "       slipmat screens | browser [--socket PATH]\n"
		   "       slipmat load A|B PATH, play A|B, pause A|B, hotcue A|B N [--socket PATH]\n"
		   "       slipmat update PATH | confirm | status [--socket PATH | --board PATH]\n"
		   "       slipmat --version\n"
		   "The board profile defaults to $SLIPMAT_BOARD, else %s.\n",
		BOARD_DEFAULT_PATH);
}

static const char *default_board(void)
{
	const char *env = getenv("SLIPMAT_BOARD");
	return env && *env ? env : BOARD_DEFAULT_PATH;
}

/*
 * One command to the box's control socket: --socket, else the profile's,
 * else the default. "status", "screens" and "browser" take no words; the others pass
 * theirs on ("library search blue monday", "update PATH").
 */
static int run_status(int argc, char **argv)
{
	static struct board b;
	static struct board_errors errs;
	const char *socket = NULL, *board = default_board();
	char cmd[CTL_LINE_MAX];
	int update = !strcmp(argv[1], "update"), words = 0;
	size_t len = (size_t)snprintf(cmd, sizeof cmd, "%s", argv[1]);

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			socket = argv[++i];
		} else if (!strcmp(argv[i], "--board") && i + 1 < argc) {
			board = argv[++i];
		} else if (strcmp(argv[1], "status") && strcmp(argv[1], "screens") &&
			   strcmp(argv[1], "browser") &&
			   !(update && words) && len + 1 + strlen(argv[i]) < sizeof cmd - 1) {
			len += (size_t)snprintf(cmd + len, sizeof cmd - len, " %s", argv[i]);
			words++;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (update && !words) {
		usage(stderr);
		return 2;
	}
	if (!socket) {
		board_load(&b, board, &errs); /* on errors b holds the defaults */
		socket = b.control;
	}
	/* Verifying and copying a release takes a while on a slow stick. */
	return ctl_request(socket, cmd, STDOUT_FILENO, update ? 120000 : 3000) == 0 ? 0 : 1;
}

/* The words that are commands to a running box. */
static int is_command(const char *w)
{
	static const char *const commands[] = {"status", "update", "library", "testcard", "screens",
					       "load", "play", "pause", "hotcue", "browser"};

	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(w, commands[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *board = default_board(), *board_arg = NULL;
	int pid1 = pid1_is_init(), player = 0;

	if (argc > 1 && is_command(argv[1]))
		return run_status(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "player"))
		player = 1;
	for (int i = 1 + player; i < argc; i++) {
		if (!strcmp(argv[i], "--board") && i + 1 < argc) {
			board = board_arg = argv[++i];
		} else if (!strcmp(argv[i], "--version")) {
			printf("slipmat %s\n", SLIPMAT_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!pid1) {
			/* The kernel may pass init arguments; init ignores them. */
			usage(stderr);
			return 2;
		}
	}

	if (pid1) {
		/* PID 1 runs the box as a child it can restart (fw/supervise.h). */
		pid1_setup();
		log_info("slipmat %s starting as init", SLIPMAT_VERSION);
		supervise_main("/proc/self/exe", board_arg, SLIPMAT_VERSION, splash_hold);
	}
	supervise_player_init(SLIPMAT_VERSION);
	log_info("slipmat %s starting%s", SLIPMAT_VERSION,
		 supervise_player_linked() ? " as the player" : "");
	int err = app_init(&app, board, 0);
	if (err == 0)
		app_run(&app);
	app_clear(&app);
	if (supervise_player_restart())
		return UPDATE_EXIT_RESTART;
	return err ? 1 : 0;
}
