/*
 * display: the box's one or two screens, behind an ops table.
 *
 * Each display has a logical surface (fb) in the arena, sized as the
 * viewer sees the panel (mode w x h, swapped for rotation 90 and 270).
 * The UI draws there; present() copies it, rotated, into the back scanout
 * buffer and queues it for the screen. Scanout memory is never read.
 *
 * Backends:
 *   display_drm_ops  DRM/KMS dumb buffers, double buffered, page flips with
 *                    a SetCrtc fallback; its fd lives on the loop.
 *   display_sim_ops  headless: "scanout" buffers in the arena, present is
 *                    synchronous; display_sim_write_png() saves a screen.
 *
 * Pre: everything here runs in the loop thread.
 */
#ifndef SLIPMAT_DISPLAY_H
#define SLIPMAT_DISPLAY_H

#include "../fw/board.h"
#include "../gfx/damage.h"
#include "../gfx/gfx.h"

struct arena;
struct loop;

struct display {
	int index;		     /* profile display index */
	char name[32];		     /* DRM connector name, e.g. HDMI-A-1, Virtual-1 */
	int mode_w, mode_h, refresh; /* scanout mode */
	int rotation;		     /* from the profile */
	enum gfx_format format;	     /* the scanout's pixels, from the profile */
	/* logical surface (w,h swapped for 90/270), in the arena; draw here */
	struct surface fb;
	int flip_pending;	     /* a flip is queued; don't present until it completes */
	unsigned long frames;	     /* frames presented (flips completed or SetCrtc'd) */
	unsigned long flip_failures; /* flips that failed and fell back to SetCrtc */
	long long vblank_ns;	     /* the last flip's vblank, CLOCK_MONOTONIC ns; 0: unknown */
	int active;
	/* per-scanout-buffer damage, once display_damage() has been called */
	int partial;
	struct damage_bufs damage;
};

struct displays {
	const struct display_ops *ops;
	void *local;
	int count;
	struct display d[BOARD_MAX_DISPLAYS];
	void (*on_flip)(void *ctx, int index); /* optional: a queued frame reached the screen */
	void *ctx;
	char error[160]; /* why open failed / a display is missing, for the screen and status */
};

struct display_ops {
	const char *name;
	/*
	 * Bring up b->ndisplays displays (b->display[i] is d[i]'s profile).
	 * Pre: ds zeroed except ops, on_flip and ctx; a has room for the
	 * logical surfaces (w * h * 4 bytes each, twice more for sim).
	 * Post: count displays are active, each fb cleared to black and on
	 * the screen once present() is called. A profile display that cannot
	 * be shown as asked (connector missing, mode not offered) is noted
	 * in error and substituted; error is "" when all went as asked.
	 * Return: 0 with count >= 1; or -errno with count 0, the reason in
	 * error and the log, and nothing left open.
	 */
	int (*open)(struct displays *ds, const struct board *b, struct arena *a, struct loop *l);
	/*
	 * Copy fb (rotated) into the back buffer and flip.
	 * Return: 0; -EBUSY while d[index].flip_pending (nothing done, try
	 * after on_flip); -EINVAL for a bad index; -errno when the frame
	 * could not be shown at all (logged).
	 * Post: on_flip(ctx, index) runs when the frame reaches the screen;
	 * for the sim and the SetCrtc fallback that is before present
	 * returns, so on_flip should mark work for the loop rather than call
	 * present() itself.
	 */
	int (*present)(struct displays *ds, int index);
	/* Release everything; restore the console's CRTC setup where saved. */
	void (*close)(struct displays *ds, struct loop *l);
};

/*
 * Log a display problem ("display <backend>: ...") and keep it, after the
 * earlier ones, in ds->error for the screen and status.
 */
void display_note(struct displays *ds, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Mark the rectangle x, y, w, h of d's logical surface (fb) as redrawn.
 * Once a display has been marked, present() copies into the back buffer
 * only what that buffer lacks (gfx/damage.h), so an idle screen costs
 * nothing; until then every present() copies the whole frame.
 */
void display_damage(struct display *d, int x, int y, int w, int h);

extern const struct display_ops display_drm_ops;
extern const struct display_ops display_sim_ops;

/*
 * Give DRM master up but keep the device open, and with it what the
 * screens show (PID 1's splash, fw/splash.h), for the next program that
 * opens the device to take over: it becomes master. close() then leaves
 * the CRTCs as they are. Return: 0, or -errno (-EINVAL: not DRM).
 */
int display_drm_drop_master(struct displays *ds);

/*
 * Write what display index of a sim backend shows (its scanout buffer,
 * after rotation) as an RGB PNG at path. Allocates nothing.
 * Return: 0, or -errno (logged with path): -EINVAL when ds is not sim.
 */
int display_sim_write_png(const struct displays *ds, int index, const char *path);

/*
 * The sim's scanout (what the panel shows) for tests.
 * Return: the surface, or NULL when ds is not sim or index is bad.
 */
const struct surface *display_sim_scanout(const struct displays *ds, int index);

/* An RGB565 panel's 16-bit scanout (NULL for an XRGB8888 one), for tests. */
const uint16_t *display_sim_scanout565(const struct displays *ds, int index);

#endif
