/*
 * simscreen.c: the headless display backend for host tests.
 *
 * Each "screen" is a scanout buffer in the arena of the profile's mode
 * (1280x800@60 when the profile leaves it to the connector). present()
 * rotates the logical surface into it the way drm.c does into a dumb
 * buffer, then counts the frame and reports the flip at once: there is no
 * vblank to wait for. The loop is not used.
 */
#include "display.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../fw/arena.h"
#include "../fw/log.h"
#include "png.h"

#define SIM_DEFAULT_W 1280
#define SIM_DEFAULT_H 800
#define SIM_DEFAULT_REFRESH 60

/*
 * What each panel shows, as XRGB8888 for tests and PNGs. An RGB565 panel
 * also has its 16-bit scanout (raw), which present() writes and then
 * expands into scanout, so the picture carries the panel's quantisation.
 */
struct sim_local {
	struct surface scanout[BOARD_MAX_DISPLAYS];
	uint16_t *raw[BOARD_MAX_DISPLAYS];
};

static int sim_open(struct displays *ds, const struct board *b, struct arena *a, struct loop *l)
{
	struct sim_local *sim;
	int n = b->ndisplays;

	(void)l;
	ds->count = 0;
	ds->local = NULL;
	ds->error[0] = '\0';
	if (n < 1 || n > BOARD_MAX_DISPLAYS) {
		display_note(ds, "profile %s asks for %d displays (1..%d)", b->path, n,
			 BOARD_MAX_DISPLAYS);
		return -EINVAL;
	}
	sim = ARENA_NEW(a, struct sim_local, 1, "sim display state");
	if (!sim) {
		display_note(ds, "no arena memory for the screens");
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		const struct board_display *bd = &b->display[i];
		struct display *d = &ds->d[i];
		struct surface *so = &sim->scanout[i];
		int w = bd->width > 0 && bd->height > 0 ? bd->width : SIM_DEFAULT_W;
		int h = bd->width > 0 && bd->height > 0 ? bd->height : SIM_DEFAULT_H;
		int swap;

		memset(d, 0, sizeof *d);
		d->index = i;
		if (bd->connector[0])
			snprintf(d->name, sizeof d->name, "%s", bd->connector);
		else
			snprintf(d->name, sizeof d->name, "SIM-%d", i + 1);
		d->mode_w = w;
		d->mode_h = h;
		d->refresh = bd->refresh > 0 ? bd->refresh : SIM_DEFAULT_REFRESH;
		d->rotation = bd->rotation;
		d->format = bd->pixels == GFX_RGB565 ? GFX_RGB565 : GFX_XRGB8888;
		if (d->rotation != 0 && d->rotation != 90 && d->rotation != 180 &&
		    d->rotation != 270) {
			display_note(ds, "display %d: rotation %d is not 0/90/180/270, using 0", i,
				 d->rotation);
			d->rotation = 0;
		}
		swap = d->rotation == 90 || d->rotation == 270;
		d->fb.w = swap ? h : w;
		d->fb.h = swap ? w : h;
		d->fb.stride = d->fb.w;
		d->fb.px = ARENA_NEW(a, uint32_t, (size_t)w * (size_t)h, "sim logical screen");
		so->w = w;
		so->h = h;
		so->stride = w;
		so->px = ARENA_NEW(a, uint32_t, (size_t)w * (size_t)h, "sim scanout");
		sim->raw[i] = d->format == GFX_RGB565
				      ? ARENA_NEW(a, uint16_t, (size_t)w * (size_t)h, "sim RGB565 scanout")
				      : NULL;
		if (!d->fb.px || !so->px || (d->format == GFX_RGB565 && !sim->raw[i])) {
			display_note(ds, "display %d: no arena memory for %dx%d", i, w, h);
			memset(ds->d, 0, sizeof ds->d);
			return -ENOMEM;
		}
		/* Arena memory comes zeroed: both surfaces start black. */
		d->active = 1;
	}
	ds->local = sim;
	ds->count = n;
	return 0;
}

static int sim_present(struct displays *ds, int index)
{
	struct sim_local *sim = ds->local;
	struct display *d;
	int err;

	if (!sim || index < 0 || index >= ds->count || !ds->d[index].active)
		return -EINVAL;
	d = &ds->d[index];
	if (d->format == GFX_RGB565) {
		struct surface *x = &sim->scanout[index];
		struct scanout so = {sim->raw[index], x->w, x->h, x->w * 2, GFX_RGB565};

		err = gfx_present_rect(&so, &d->fb, d->rotation, 0, 0, d->fb.w, d->fb.h);
		if (d->partial && damage_bufs_take(&d->damage, 0))
			damage_bufs_done(&d->damage, 0); /* the whole frame went out */
		/* what the panel shows: each 5- or 6-bit channel widened again */
		for (long i = 0; !err && i < (long)x->w * x->h; i++) {
			unsigned p = sim->raw[index][i], r = p >> 11, g = p >> 5 & 63, b = p & 31;

			x->px[i] = GFX_RGB(r << 3 | r >> 2, g << 2 | g >> 4, b << 3 | b >> 2);
		}
	} else if (d->partial) {
		/* One synchronous buffer per display: damage buffer 0 is it. */
		struct scanout so = {sim->scanout[index].px, sim->scanout[index].w,
				     sim->scanout[index].h, sim->scanout[index].stride * 4,
				     GFX_XRGB8888};

		err = damage_present(&so, &d->fb, d->rotation, damage_bufs_take(&d->damage, 0));
		if (!err)
			damage_bufs_done(&d->damage, 0);
	} else {
		err = gfx_blit_rotated(&sim->scanout[index], &d->fb, d->rotation);
	}
	if (err)
		return err;
	d->frames++;
	if (ds->on_flip)
		ds->on_flip(ds->ctx, index);
	return 0;
}

static void sim_close(struct displays *ds, struct loop *l)
{
	(void)l;
	/* The arena keeps the buffers; they are simply no longer ours. */
	memset(ds->d, 0, sizeof ds->d);
	ds->count = 0;
	ds->local = NULL;
}

const struct display_ops display_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.present = sim_present,
	.close = sim_close,
};

const uint16_t *display_sim_scanout565(const struct displays *ds, int index)
{
	const struct sim_local *sim;

	if (!ds || ds->ops != &display_sim_ops || !ds->local || index < 0 || index >= ds->count)
		return NULL;
	sim = ds->local;
	return sim->raw[index];
}

const struct surface *display_sim_scanout(const struct displays *ds, int index)
{
	const struct sim_local *sim;

	if (!ds || ds->ops != &display_sim_ops || !ds->local || index < 0 || index >= ds->count)
		return NULL;
	sim = ds->local;
	return &sim->scanout[index];
}

int display_sim_write_png(const struct displays *ds, int index, const char *path)
{
	const struct surface *so = display_sim_scanout(ds, index);

	if (!so) {
		log_error("display sim: no screen %d to write to %s", index, path);
		return -EINVAL;
	}
	return png_write_xrgb(path, so->px, so->w, so->h, so->stride);
}
