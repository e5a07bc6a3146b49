/*
 * scan: walks a source's folders for tracks and adds them to the
 * library, in slices of the loop's time (scan_step() with a budget), so
 * a stick of 20,000 files never stalls a frame or a touch.
 *
 * The walk keeps its own stack of open folders (openat + getdents64
 * into buffers from the arena: opendir would allocate). It does not
 * follow symbolic links, skips hidden entries (".slipmat", macOS's
 * "._" files) and goes SCAN_DEPTH folders deep at most. Sources wait in
 * a queue and are scanned one after the other.
 *
 * A track whose tags have no tempo or key gets them from its record in
 * the source's .slipmat folder (fw/store.h) when there is one: what a
 * DJ prepared on another box shows in this box's library.
 */
#ifndef SLIPMAT_SCAN_H
#define SLIPMAT_SCAN_H

#include <stddef.h>

#include "library.h"
#include "store.h"

struct arena;

#define SCAN_DEPTH 16
#define SCAN_DIRBUF 8192

struct scan_level {
	int fd;
	int pos, len;  /* unread directory entries in this level's buffer */
	size_t pathlen; /* length of path up to this folder */
};

struct scan {
	struct library *lib;
	int source; /* being scanned, or -1 */
	unsigned generation;
	int depth; /* open levels */
	struct scan_level level[SCAN_DEPTH];
	char *buf; /* SCAN_DEPTH x SCAN_DIRBUF, from the arena */
	char path[LIBRARY_ROOT + LIBRARY_PATH + 256];
	size_t rootlen;
	int queue[LIBRARY_MAX_SOURCES];
	int queued;
	double started; /* seconds, monotonic, of the current source */
	int has_store;	/* the source has a .slipmat folder */
	struct store_record rec;
	/* Totals for the current source (logged when it is done). */
	unsigned long files, tracks, folders, refused;
};

/* Return: 0, or -ENOMEM. */
int scan_init(struct scan *s, struct library *l, struct arena *a);

/* Queue source (already added to the library) for a scan. */
void scan_start(struct scan *s, int source);

/* The source is going away: stop scanning it now, close its folders. */
void scan_cancel(struct scan *s, int source);

/*
 * Walk for about budget_ns (one file more at most).
 * Return: 1 while work remains, 0 when every queued source is done.
 */
int scan_step(struct scan *s, long budget_ns);

/* Close everything. */
void scan_clear(struct scan *s);

#endif
