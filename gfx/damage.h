/*
 * damage: which parts of a screen changed, so a frame redraws and copies
 * only those.
 *
 * Widgets mark dirty rectangles (damage_add); the frame redraws what
 * intersects them into the logical surface and then brings the scanout
 * buffer it is about to show up to date. With double buffering the back
 * buffer missed the previous frame's changes too, so each buffer keeps
 * its own damage (struct damage_bufs): everything marked since that
 * buffer was last shown. An idle screen has no damage and costs nothing;
 * a scrolling waveform costs its own rectangle.
 *
 * A damage list holds up to DAMAGE_MAX rectangles; overlapping or
 * touching ones merge, and when the list is full the two whose union
 * wastes least are merged, so the list always covers what was marked.
 */
#ifndef SLIPMAT_DAMAGE_H
#define SLIPMAT_DAMAGE_H

#define DAMAGE_MAX 16
#define DAMAGE_BUFS 3

struct rect {
	int x, y, w, h;
};

struct damage {
	int w, h; /* the screen: rectangles are clipped to it */
	int n;
	struct rect r[DAMAGE_MAX];
};

/* An empty list for a w x h screen. */
void damage_init(struct damage *d, int w, int h);

/* Mark x, y, w, h (clipped; empty or off-screen marks nothing). */
void damage_add(struct damage *d, int x, int y, int w, int h);

/* Mark the whole screen. */
void damage_all(struct damage *d);

void damage_clear(struct damage *d);

/* Return: the number of pixels the list covers (overlaps counted once per rectangle). */
long long damage_area(const struct damage *d);

/* Return: 1 if x, y, w, h intersects the damage (a widget must redraw). */
int damage_hits(const struct damage *d, int x, int y, int w, int h);

/* Per-scanout-buffer damage for nbuf buffers (1..DAMAGE_BUFS). */
struct damage_bufs {
	int nbuf;
	struct damage frame;            /* marked for the frame being drawn */
	struct damage buf[DAMAGE_BUFS]; /* what each buffer still lacks */
};

/* All buffers start wholly damaged: nothing has been shown yet. */
void damage_bufs_init(struct damage_bufs *b, int nbuf, int w, int h);

/* Mark for this frame (and so for every buffer). */
void damage_bufs_add(struct damage_bufs *b, int x, int y, int w, int h);

/*
 * The frame is drawn and buffer index is about to be shown: fold the
 * frame's damage into every buffer and return what index must copy.
 * Post: the caller copies those rectangles, then calls damage_bufs_done.
 * Return: index's list (empty when the screen is idle); NULL for a bad index.
 */
const struct damage *damage_bufs_take(struct damage_bufs *b, int index);

/* Buffer index is up to date. */
void damage_bufs_done(struct damage_bufs *b, int index);

struct scanout;
struct surface;

/*
 * Bring a scanout buffer up to date from the logical surface: copy (and
 * rotate, and convert) only the rectangles of d. An empty list copies
 * nothing. Return: 0, or -EINVAL as gfx_present_rect.
 */
int damage_present(struct scanout *dst, const struct surface *src, int rotation,
                   const struct damage *d);

#endif
