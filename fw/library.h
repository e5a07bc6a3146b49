/*
 * library: every track the box can play, in one fixed-capacity index.
 *
 * Tracks come from sources: the profile's library paths (internal
 * storage) and each mounted USB stick. A source that goes away (a stick
 * pulled out) takes its tracks with it; when it comes back, a new scan
 * brings them back. The index, its sorted views and its search keys
 * live in the arena, sized once at init: adding, dropping, sorting and
 * searching allocate nothing.
 *
 * Views: five orders kept sorted as tracks come and go (a binary search
 * and a move per view on each add, one filtering pass on a drop), so
 * that browsing never waits for a sort:
 *   title   folded title, then artist, then path
 *   artist  folded artist, then title, then path
 *   bpm     ascending, tracks without a tempo last, then title
 *   added   newest file first (its modification time), then title
 *   key     Camelot order (1A 1B 2A 2B ... 12A 12B), tracks whose key is
 *           unknown or unreadable last, then title; a key is read in
 *           Camelot ("8A"), Open Key ("1m") or standard notation ("Am",
 *           "F#", "Bb minor")
 *
 * Search: a case- and accent-insensitive substring of "title artist"
 * (ASCII, and Latin letters folded to their base letter: "beyonce"
 * finds "Beyoncé", "STRASSE" finds "Straße"). Each track's folded key is
 * made once when it is added; a search is a plain substring scan of
 * those keys, in the order of a view.
 */
#ifndef SLIPMAT_LIBRARY_H
#define SLIPMAT_LIBRARY_H

#include <stddef.h>
#include <stdint.h>

struct arena;

#define LIBRARY_DEFAULT_TRACKS 20000
#define LIBRARY_MAX_SOURCES 12
#define LIBRARY_TITLE 96
#define LIBRARY_ARTIST 64
#define LIBRARY_PATH 192 /* relative to the source's root */
#define LIBRARY_FOLD 168 /* folded "title\1artist", for search */
#define LIBRARY_ROOT 128
#define LIBRARY_NAME 48

enum library_view { LIBRARY_BY_TITLE, LIBRARY_BY_ARTIST, LIBRARY_BY_BPM, LIBRARY_BY_ADDED,
		    LIBRARY_BY_KEY, LIBRARY_VIEWS };

/* Camelot keys as numbers: 0 = 1A, 1 = 1B, 2 = 2A ... 23 = 12B. */
#define LIBRARY_KEYS 24

enum library_source_kind { LIBRARY_INTERNAL, LIBRARY_USB };

enum library_source_state {
	LIBRARY_FREE,	  /* slot unused */
	LIBRARY_SCANNING, /* tracks arrive */
	LIBRARY_READY,	  /* scan complete */
};

struct library_source {
	enum library_source_state state;
	enum library_source_kind kind;
	char name[LIBRARY_NAME]; /* "internal", "usb sda1" */
	char root[LIBRARY_ROOT]; /* where its files are: "/media/nvme", "/run/slipmat/usb/sda1" */
	int tracks;		 /* in the index now */
	int skipped;		 /* files refused (unreadable, no room) during its scans */
	unsigned generation;	 /* grows each time the slot is (re)used */
};

/* What the index keeps of one file. */
struct library_track {
	char title[LIBRARY_TITLE];
	char artist[LIBRARY_ARTIST];
	char key[8];
	char path[LIBRARY_PATH]; /* relative to its source's root */
	char fold[LIBRARY_FOLD];
	float bpm;		 /* 0: unknown */
	float seconds;		 /* the track's length; 0: unknown */
	int64_t mtime;		 /* seconds: "recently added" */
	uint16_t source;
	uint8_t live;
	uint8_t camelot;	 /* 1 + library_camelot(key); 0: unknown */
};

/* What a scanner hands to library_add(). */
struct library_entry {
	const char *title, *artist, *key; /* UTF-8; NULL or "" for none */
	const char *path;		  /* relative to the source's root */
	float bpm;
	float seconds; /* 0: unknown */
	int64_t mtime;
};

struct library {
	int capacity;
	int count; /* live tracks */
	int high;  /* slots below this may be live */
	struct library_track *track;	/* capacity slots */
	uint32_t *view[LIBRARY_VIEWS];	/* each: count slot numbers, sorted */
	int free_top;
	uint32_t *free_slots; /* stack of dropped slots below high */
	struct library_source source[LIBRARY_MAX_SOURCES];
	unsigned long changes; /* grows on every add or drop: views to redraw */
};

/*
 * Take room for capacity tracks (<= 0: the default) from the arena.
 * Return: 0, or -ENOMEM (logged with the size).
 */
int library_init(struct library *l, struct arena *a, int capacity);

/*
 * A new source (state LIBRARY_SCANNING, no tracks yet).
 * Return: its index, or -ENOSPC when every slot is taken, -EEXIST when
 * a source with that root is there already, -ENAMETOOLONG.
 */
int library_add_source(struct library *l, enum library_source_kind kind, const char *name,
		       const char *root);

/* Index of the source with that root, or -1. */
int library_find_source(const struct library *l, const char *root);

/* A scan of the source is complete. */
void library_source_ready(struct library *l, int source);

/*
 * Add one track of source. Text longer than its field is cut at a
 * UTF-8 character boundary. A missing title becomes the file name.
 * Return: 0; -ENOSPC when the index is full (counted in the source's
 * skipped; the caller says so once); -EINVAL for a bad source or path.
 */
int library_add(struct library *l, int source, const struct library_entry *e);

/*
 * Drop source and every track of it; its slot is free for the next.
 * Return: how many tracks went.
 */
int library_drop_source(struct library *l, int source);

/*
 * Copy up to max slot numbers of view v starting at position first.
 * Return: how many were copied.
 */
int library_list(const struct library *l, enum library_view v, int first, uint32_t *out,
		 int max);

/*
 * Tracks whose title or artist contains query (folded as above), in the
 * order of view v; the first max slot numbers go to out.
 * Return: how many tracks match (may exceed max). An empty query
 * matches every track.
 */
int library_search(const struct library *l, const char *query, enum library_view v,
		   uint32_t *out, int max);

/* The same, for the tracks of the sources whose bits are set in sources (bit i: source i). */
int library_search_in(const struct library *l, const char *query, enum library_view v,
		      uint32_t sources, uint32_t *out, int max);

/* Return: 1 when the track in slot is live and its title or artist contains query. */
int library_matches(const struct library *l, uint32_t slot, const char *query);

/*
 * A track's tempo and key changed (analysis, or a DJ's edit): its place
 * in the tempo view follows. Return: 0, or -ENOENT for a slot that went.
 */
int library_set_tempo(struct library *l, uint32_t slot, float bpm, const char *key);

/*
 * The track's length became known (its deck decoded it).
 * Return: 0, or -ENOENT for a slot that went.
 */
int library_set_length(struct library *l, uint32_t slot, float seconds);

/*
 * The live track of source whose path (relative to the source's root) is
 * path. Return: its slot, or -1. A walk over the index: for a load, not
 * for drawing.
 */
int library_find_path(const struct library *l, int source, const char *path);

/*
 * The source whose root holds path (an absolute path), the longest root
 * when roots nest. Return: its index and *rel the path under its root,
 * or -1.
 */
int library_source_of(const struct library *l, const char *path, const char **rel);

/* The track in slot (from a list or a search), or NULL when it went. */
const struct library_track *library_track(const struct library *l, uint32_t slot);

/*
 * Write "root/path" of a track into buf. Return: 0, or -ENAMETOOLONG.
 */
int library_full_path(const struct library *l, const struct library_track *t, char *buf,
		      size_t size);

/*
 * Fold UTF-8 text for comparison and search: ASCII to lower case, Latin
 * letters (U+00C0..U+017F) to their lower-case base letters, other
 * bytes as they are; at most size - 1 bytes and a NUL, never a partial
 * character. Return: the length.
 */
size_t library_fold(const char *in, char *out, size_t size);

/*
 * A key read in Camelot ("8A", "08a"), Open Key ("1m", "6d") or standard
 * notation ("Am", "Abm", "G#m", "C", "Bb", "F# minor", "Eb major").
 * Return: its Camelot number (0 = 1A, 1 = 1B ... 23 = 12B), or -1.
 */
int library_camelot(const char *key);

/*
 * Camelot number k (0..23) written as "8A" (camelot 1) or "Am" (0, the
 * names of dsp/key.h); "" for a number out of range.
 */
const char *library_key_text(int k, int camelot);

/* "title", "artist", "bpm", "added", "key"; NULL for an unknown view. */
const char *library_view_name(enum library_view v);

/* The view named name, or -1. */
int library_view_by_name(const char *name);

#endif
