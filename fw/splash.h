/*
 * splash: PID 1's own picture on the screens while no player shows one.
 *
 * A player that dies (a crash, a hang PID 1 stopped, a restart into a new
 * firmware) takes its DRM framebuffers with it, and the kernel turns the
 * panels dark until the next player's first frame: 1-3 s on the box, in
 * the middle of a set. So before PID 1 starts the next player it forks a
 * helper (splash_hold()) that opens the displays as the board profile
 * asks, exactly as the player will (same connectors, modes, rotation and
 * pixel format: the player's first frame is then no modeset), draws the
 * splash, shows it, and gives DRM master up while keeping its file open,
 * which keeps the picture on the screens. The next player opens the
 * device, is master (nobody else is), and replaces the picture with its
 * own frame; once it has shown frames it tells PID 1 ("shown" on its
 * pipe) and PID 1 ends the helper. A helper that crashes or hangs costs
 * only the splash: PID 1 waits for it SUPERVISE_SPLASH_MS at most and
 * stays out of DRM itself.
 *
 * The picture: the screens' dark ground, SPLASH_TITLE centred in the
 * largest bold face, one line under it saying why (centred, regular
 * face). Pixel tests draw the same with splash_draw().
 */
#ifndef SLIPMAT_SPLASH_H
#define SLIPMAT_SPLASH_H

#include "../gfx/gfx.h"

#define SPLASH_TITLE "slipmat restarting\xe2\x80\xa6"
#define SPLASH_GROUND GFX_RGB(0x0c, 0x0d, 0x0f)
#define SPLASH_INK 0xdce1e6u
#define SPLASH_DIM 0x9aa1a9u

/* The splash for a w x h logical surface: title and line centred. */
void splash_draw(struct surface *s, const char *title, const char *line);

/*
 * The helper's whole life, in a child of PID 1 (supervise_splash_fn):
 * open the displays of the profile at board (NULL: the default), put the
 * splash with line up, drop DRM master, write one byte to ready_fd, then
 * wait to be ended. Exits at once (without the byte) when there is no
 * display to show it on.
 */
__attribute__((noreturn)) void splash_hold(const char *board, const char *line, int ready_fd);

#endif
