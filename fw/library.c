/*
 * library.c: the index, its sorted views and search. See library.h.
 */
#include "library.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "log.h"

/* The folded key: "title" SEP "artist"; a query never holds SEP. */
#define FOLD_SEP '\1'

static const char *const view_names[LIBRARY_VIEWS] = { "title", "artist", "bpm", "added", "key" };

const char *library_view_name(enum library_view v)
{
	return (unsigned)v < LIBRARY_VIEWS ? view_names[v] : NULL;
}

int library_view_by_name(const char *name)
{
	for (int i = 0; i < LIBRARY_VIEWS; i++)
		if (!strcmp(name, view_names[i]))
			return i;
	return -1;
}

/*
 * Keys. A major key's Camelot number steps by one per fifth (C = 8B,
 * G = 9B, D = 10B ...); a minor key shares the number of its relative
 * major (A minor = C major's 8, as 8A).
 */
static const char *const key_names[LIBRARY_KEYS] = {
	"G#m", "B",  "Ebm", "F#", "Bbm", "Db", "Fm",  "Ab", "Cm",  "Eb", "Gm",  "Bb",
	"Dm",  "F",  "Am",  "C",  "Em",  "G",  "Bm",  "D",  "F#m", "A",  "C#m", "E",
};

const char *library_key_text(int k, int camelot)
{
	static const char *const numbers[LIBRARY_KEYS] = {
		"1A", "1B", "2A", "2B", "3A",  "3B",  "4A",  "4B",  "5A",  "5B",  "6A",  "6B",
		"7A", "7B", "8A", "8B", "9A",  "9B",  "10A", "10B", "11A", "11B", "12A", "12B",
	};

	if (k < 0 || k >= LIBRARY_KEYS)
		return "";
	return camelot ? numbers[k] : key_names[k];
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does s start with word (case-insensitive) and end there? */
static int word_is(const char *s, const char *word)
{
	while (*word && lower((unsigned char)*s) == *word) {
		s++;
		word++;
	}
	return !*word && !(lower((unsigned char)*s) >= 'a' && lower((unsigned char)*s) <= 'z');
}

int library_camelot(const char *key)
{
	static const int letter_pc[7] = { 9, 11, 0, 2, 4, 5, 7 }; /* A..G */
	const char *p = key;
	int n = 0, pc, minor;

	if (!key)
		return -1;
	while (*p == ' ')
		p++;
	if (*p >= '0' && *p <= '9') {
		/* Camelot "8A" or Open Key "1m": a number, then one letter */
		while (*p >= '0' && *p <= '9' && n < 100)
			n = n * 10 + (*p++ - '0');
		if (n < 1 || n > 12 || p[0] == '\0' || (p[1] && p[1] != ' '))
			return -1;
		switch (lower((unsigned char)*p)) {
		case 'a':
			return (n - 1) * 2;
		case 'b':
			return (n - 1) * 2 + 1;
		case 'm': /* Open Key: 1m is A minor, Camelot 8A */
			return ((n + 6) % 12) * 2;
		case 'd':
			return ((n + 6) % 12) * 2 + 1;
		default:
			return -1;
		}
	}
	if (lower((unsigned char)*p) < 'a' || lower((unsigned char)*p) > 'g')
		return -1;
	pc = letter_pc[lower((unsigned char)*p++) - 'a'];
	if (*p == '#') { /* "F#", "C#m" */
		pc++;
		p++;
	} else if (*p == 'b') { /* "Bb", "Ebm" */
		pc += 11;
		p++;
	}
	while (*p == ' ')
		p++;
	if (!*p || word_is(p, "maj") || word_is(p, "major"))
		minor = 0;
	else if (word_is(p, "m") || word_is(p, "min") || word_is(p, "minor"))
		minor = 1;
	else
		return -1;
	pc %= 12;
	if (minor)
		pc = (pc + 3) % 12; /* the relative major */
	n = (7 * pc + 7) % 12; /* Camelot number - 1 */
	return n * 2 + !minor;
}

/* Base letters of U+00C0..U+017F; NULL: keep the character as it is. */
static const char *fold_latin(unsigned cp)
{
	static const struct {
		unsigned short lo, hi;
		const char *to;
	} map[] = {
		{ 0xc0, 0xc5, "a" },   { 0xc6, 0xc6, "ae" },  { 0xc7, 0xc7, "c" },
		{ 0xc8, 0xcb, "e" },   { 0xcc, 0xcf, "i" },   { 0xd0, 0xd0, "d" },
		{ 0xd1, 0xd1, "n" },   { 0xd2, 0xd6, "o" },   { 0xd8, 0xd8, "o" },
		{ 0xd9, 0xdc, "u" },   { 0xdd, 0xdd, "y" },   { 0xde, 0xde, "th" },
		{ 0xdf, 0xdf, "ss" },  { 0xe0, 0xe5, "a" },   { 0xe6, 0xe6, "ae" },
		{ 0xe7, 0xe7, "c" },   { 0xe8, 0xeb, "e" },   { 0xec, 0xef, "i" },
		{ 0xf0, 0xf0, "d" },   { 0xf1, 0xf1, "n" },   { 0xf2, 0xf6, "o" },
		{ 0xf8, 0xf8, "o" },   { 0xf9, 0xfc, "u" },   { 0xfd, 0xfd, "y" },
		{ 0xfe, 0xfe, "th" },  { 0xff, 0xff, "y" },   { 0x100, 0x105, "a" },
		{ 0x106, 0x10d, "c" }, { 0x10e, 0x111, "d" }, { 0x112, 0x11b, "e" },
		{ 0x11c, 0x123, "g" }, { 0x124, 0x127, "h" }, { 0x128, 0x131, "i" },
		{ 0x132, 0x133, "ij" }, { 0x134, 0x135, "j" }, { 0x136, 0x138, "k" },
		{ 0x139, 0x142, "l" }, { 0x143, 0x14b, "n" }, { 0x14c, 0x151, "o" },
		{ 0x152, 0x153, "oe" }, { 0x154, 0x159, "r" }, { 0x15a, 0x161, "s" },
		{ 0x162, 0x167, "t" }, { 0x168, 0x173, "u" }, { 0x174, 0x175, "w" },
		{ 0x176, 0x178, "y" }, { 0x179, 0x17e, "z" }, { 0x17f, 0x17f, "s" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (cp >= map[i].lo && cp <= map[i].hi)
			return map[i].to;
	return NULL;
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

size_t library_fold(const char *in, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0;

	if (size == 0)
		return 0;
	while (*s) {
		char one[2] = { 0, 0 };
		const char *to = NULL;
		size_t len = utf8_len(*s), tolen;

		for (size_t k = 1; k < len; k++)
			if ((s[k] & 0xc0) != 0x80)
				len = 1; /* broken sequence: bytes as they are */
		if (*s < 0x80) {
			one[0] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
			to = one;
		} else if (len == 2 && (*s == 0xc3 || *s == 0xc4 || *s == 0xc5)) {
			to = fold_latin(((unsigned)(*s & 0x1f) << 6) | (s[1] & 0x3f));
		}
		if (!to) {
			if (n + len > size - 1)
				break;
			memcpy(out + n, s, len);
			n += len;
		} else {
			tolen = strlen(to);
			if (n + tolen > size - 1)
				break;
			memcpy(out + n, to, tolen);
			n += tolen;
		}
		s += len;
	}
	out[n] = '\0';
	return n;
}

/* Copy text into a field of size bytes, cut at a character boundary. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (src) {
		while (src[n]) {
			size_t len = utf8_len((unsigned char)src[n]);
			/* A broken sequence counts byte by byte (and stops at the NUL). */
			for (size_t k = 1; k < len; k++)
				if (((unsigned char)src[n + k] & 0xc0) != 0x80)
					len = 1;
			if (n + len > size - 1)
				break;
			n += len;
		}
		memcpy(dst, src, n);
	}
	dst[n] = '\0';
}

int library_init(struct library *l, struct arena *a, int capacity)
{
	memset(l, 0, sizeof *l);
	if (capacity <= 0)
		capacity = LIBRARY_DEFAULT_TRACKS;
	l->track = ARENA_NEW(a, struct library_track, capacity, "library index");
	l->free_slots = ARENA_NEW(a, uint32_t, capacity, "library free slots");
	for (int v = 0; v < LIBRARY_VIEWS; v++)
		l->view[v] = ARENA_NEW(a, uint32_t, capacity, "library view");
	if (!l->track || !l->free_slots || !l->view[LIBRARY_VIEWS - 1]) {
		log_error("library: no room for %d tracks (%zu KiB) in the arena", capacity,
			  (size_t)capacity * (sizeof(struct library_track) + (LIBRARY_VIEWS + 1) * 4) >> 10);
		return -ENOMEM;
	}
	l->capacity = capacity;
	return 0;
}

int library_find_source(const struct library *l, const char *root)
{
	for (int i = 0; i < LIBRARY_MAX_SOURCES; i++)
		if (l->source[i].state != LIBRARY_FREE && !strcmp(l->source[i].root, root))
			return i;
	return -1;
}

int library_add_source(struct library *l, enum library_source_kind kind, const char *name,
		       const char *root)
{
	int i;

	if (strlen(root) >= LIBRARY_ROOT)
		return -ENAMETOOLONG;
	if (library_find_source(l, root) >= 0)
		return -EEXIST;
	for (i = 0; i < LIBRARY_MAX_SOURCES; i++)
		if (l->source[i].state == LIBRARY_FREE)
			break;
	if (i == LIBRARY_MAX_SOURCES)
		return -ENOSPC;
	struct library_source *s = &l->source[i];
	unsigned gen = s->generation + 1;
	memset(s, 0, sizeof *s);
	s->generation = gen;
	s->state = LIBRARY_SCANNING;
	s->kind = kind;
	copy_text(s->name, sizeof s->name, name);
	memcpy(s->root, root, strlen(root) + 1);
	return i;
}

void library_source_ready(struct library *l, int source)
{
	if (source >= 0 && source < LIBRARY_MAX_SOURCES &&
	    l->source[source].state == LIBRARY_SCANNING)
		l->source[source].state = LIBRARY_READY;
}

/* The artist part of a folded key. */
static const char *fold_artist(const struct library_track *t)
{
	const char *sep = strchr(t->fold, FOLD_SEP);
	return sep ? sep + 1 : "";
}

/* Compare the title parts (up to FOLD_SEP) of two folded keys. */
static int cmp_title(const struct library_track *a, const struct library_track *b)
{
	const unsigned char *p = (const unsigned char *)a->fold;
	const unsigned char *q = (const unsigned char *)b->fold;

	while (*p == *q && *p && *p != FOLD_SEP) {
		p++;
		q++;
	}
	int x = *p == FOLD_SEP ? 0 : *p, y = *q == FOLD_SEP ? 0 : *q;
	return x - y;
}

static int cmp_tail(const struct library *l, uint32_t a, uint32_t b)
{
	int c = strcmp(l->track[a].path, l->track[b].path);
	if (c)
		return c;
	return a < b ? -1 : a > b;
}

/* The total order of view v: <0, 0 (only a == b), >0. */
static int cmp(const struct library *l, enum library_view v, uint32_t a, uint32_t b)
{
	const struct library_track *x = &l->track[a], *y = &l->track[b];
	int c;

	switch (v) {
	case LIBRARY_BY_ARTIST:
		c = strcmp(fold_artist(x), fold_artist(y));
		if (c)
			return c;
		break;
	case LIBRARY_BY_BPM:
		if ((x->bpm > 0) != (y->bpm > 0))
			return x->bpm > 0 ? -1 : 1;
		if (x->bpm != y->bpm)
			return x->bpm < y->bpm ? -1 : 1;
		break;
	case LIBRARY_BY_ADDED:
		if (x->mtime != y->mtime)
			return x->mtime > y->mtime ? -1 : 1;
		break;
	case LIBRARY_BY_KEY: /* camelot 0 (unknown) last */
		if (x->camelot != y->camelot)
			return !y->camelot || (x->camelot && x->camelot < y->camelot) ? -1 : 1;
		break;
	default:
		break;
	}
	c = cmp_title(x, y);
	if (c)
		return c;
	if (v != LIBRARY_BY_ARTIST) {
		c = strcmp(fold_artist(x), fold_artist(y));
		if (c)
			return c;
	}
	return cmp_tail(l, a, b);
}

/* Insert slot into view v, keeping it sorted. Pre: l->count excludes slot. */
static void view_insert(struct library *l, enum library_view v, uint32_t slot)
{
	uint32_t *o = l->view[v];
	int lo = 0, hi = l->count;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cmp(l, v, o[mid], slot) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(o + lo + 1, o + lo, (size_t)(l->count - lo) * sizeof *o);
	o[lo] = slot;
}

int library_add(struct library *l, int source, const struct library_entry *e)
{
	struct library_track *t;
	char name[LIBRARY_TITLE];
	uint32_t slot;
	size_t n;

	if (source < 0 || source >= LIBRARY_MAX_SOURCES || l->source[source].state == LIBRARY_FREE ||
	    !e->path || !e->path[0])
		return -EINVAL;
	if (strlen(e->path) >= LIBRARY_PATH) {
		l->source[source].skipped++;
		return -ENAMETOOLONG;
	}
	if (l->free_top > 0) {
		slot = l->free_slots[--l->free_top];
	} else if (l->high < l->capacity) {
		slot = (uint32_t)l->high++;
	} else {
		l->source[source].skipped++;
		return -ENOSPC;
	}
	t = &l->track[slot];
	memset(t, 0, sizeof *t);
	if (e->title && e->title[0]) {
		copy_text(t->title, sizeof t->title, e->title);
	} else {
		/* The file name without its folder and extension. */
		const char *base = strrchr(e->path, '/'), *dot;
		base = base ? base + 1 : e->path;
		dot = strrchr(base, '.');
		n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, base, n);
		name[n] = '\0';
		copy_text(t->title, sizeof t->title, name);
	}
	copy_text(t->artist, sizeof t->artist, e->artist);
	copy_text(t->key, sizeof t->key, e->key);
	t->camelot = (uint8_t)(library_camelot(t->key) + 1);
	memcpy(t->path, e->path, strlen(e->path) + 1);
	n = library_fold(t->title, t->fold, sizeof t->fold - 2);
	t->fold[n++] = FOLD_SEP;
	library_fold(t->artist, t->fold + n, sizeof t->fold - n);
	t->bpm = e->bpm > 0 && e->bpm < 1000 ? e->bpm : 0;
	t->seconds = e->seconds > 0 ? e->seconds : 0;
	t->mtime = e->mtime;
	t->source = (uint16_t)source;
	t->live = 1;
	for (int v = 0; v < LIBRARY_VIEWS; v++)
		view_insert(l, (enum library_view)v, slot);
	l->count++;
	l->source[source].tracks++;
	l->changes++;
	return 0;
}

int library_drop_source(struct library *l, int source)
{
	int dropped = 0;

	if (source < 0 || source >= LIBRARY_MAX_SOURCES || l->source[source].state == LIBRARY_FREE)
		return 0;
	for (int i = 0; i < l->high; i++) {
		struct library_track *t = &l->track[i];
		if (t->live && t->source == source) {
			t->live = 0;
			l->free_slots[l->free_top++] = (uint32_t)i;
			dropped++;
		}
	}
	for (int v = 0; v < LIBRARY_VIEWS; v++) {
		uint32_t *o = l->view[v];
		int k = 0;
		for (int i = 0; i < l->count; i++)
			if (l->track[o[i]].live)
				o[k++] = o[i];
	}
	l->count -= dropped;
	l->source[source].state = LIBRARY_FREE;
	l->source[source].tracks = 0;
	l->changes++;
	return dropped;
}

int library_list(const struct library *l, enum library_view v, int first, uint32_t *out, int max)
{
	int n = 0;

	if ((unsigned)v >= LIBRARY_VIEWS || first < 0)
		return 0;
	for (int i = first; i < l->count && n < max; i++)
		out[n++] = l->view[v][i];
	return n;
}

/* query folded for a search into q. */
static void fold_query(const char *query, char *q, size_t size)
{
	library_fold(query ? query : "", q, size);
	/* A separator typed into the query would match across title and artist. */
	for (char *p = q; *p; p++)
		if (*p == FOLD_SEP)
			*p = ' ';
}

int library_search_in(const struct library *l, const char *query, enum library_view v,
		      uint32_t sources, uint32_t *out, int max)
{
	char q[LIBRARY_FOLD];
	const uint32_t *o;
	int found = 0;

	if ((unsigned)v >= LIBRARY_VIEWS)
		return 0;
	fold_query(query, q, sizeof q);
	o = l->view[v];
	for (int i = 0; i < l->count; i++) {
		const struct library_track *t = &l->track[o[i]];

		if (!(sources >> t->source & 1) || (q[0] && !strstr(t->fold, q)))
			continue;
		if (found < max)
			out[found] = o[i];
		found++;
	}
	return found;
}

int library_search(const struct library *l, const char *query, enum library_view v,
		   uint32_t *out, int max)
{
	return library_search_in(l, query, v, ~0u, out, max);
}

int library_matches(const struct library *l, uint32_t slot, const char *query)
{
	const struct library_track *t = library_track(l, slot);
	char q[LIBRARY_FOLD];

	if (!t)
		return 0;
	fold_query(query, q, sizeof q);
	return !q[0] || strstr(t->fold, q) != NULL;
}

/* Take slot out of view v (Pre: it is there; l->count still counts it). */
static void view_remove(struct library *l, enum library_view v, uint32_t slot)
{
	uint32_t *o = l->view[v];
	int i;

	for (i = 0; i < l->count && o[i] != slot; i++)
		;
	if (i < l->count)
		memmove(o + i, o + i + 1, (size_t)(l->count - i - 1) * sizeof *o);
}

int library_set_tempo(struct library *l, uint32_t slot, float bpm, const char *key)
{
	struct library_track *t;

	if (!library_track(l, slot))
		return -ENOENT;
	t = &l->track[slot];
	/* Out of the tempo and key views, changed, back in at their new places. */
	view_remove(l, LIBRARY_BY_BPM, slot);
	view_remove(l, LIBRARY_BY_KEY, slot);
	l->count--;
	t->bpm = bpm > 0 && bpm < 1000 ? bpm : 0;
	copy_text(t->key, sizeof t->key, key);
	t->camelot = (uint8_t)(library_camelot(t->key) + 1);
	view_insert(l, LIBRARY_BY_BPM, slot);
	view_insert(l, LIBRARY_BY_KEY, slot);
	l->count++;
	l->changes++;
	return 0;
}

int library_set_length(struct library *l, uint32_t slot, float seconds)
{
	if (!library_track(l, slot))
		return -ENOENT;
	l->track[slot].seconds = seconds > 0 ? seconds : 0;
	l->changes++;
	return 0;
}

int library_source_of(const struct library *l, const char *path, const char **rel)
{
	int best = -1;
	size_t best_len = 0;

	for (int i = 0; i < LIBRARY_MAX_SOURCES; i++) {
		const struct library_source *s = &l->source[i];
		size_t n = strlen(s->root);

		while (n > 1 && s->root[n - 1] == '/')
			n--;
		if (s->state == LIBRARY_FREE || n == 0 || strncmp(path, s->root, n) ||
		    path[n] != '/' || (best >= 0 && n <= best_len))
			continue;
		best = i;
		best_len = n;
	}
	if (best >= 0)
		*rel = path + best_len + 1;
	return best;
}

int library_find_path(const struct library *l, int source, const char *path)
{
	for (int i = 0; i < l->high; i++)
		if (l->track[i].live && l->track[i].source == source && !strcmp(l->track[i].path, path))
			return i;
	return -1;
}

const struct library_track *library_track(const struct library *l, uint32_t slot)
{
	if (slot >= (uint32_t)l->high || !l->track[slot].live)
		return NULL;
	return &l->track[slot];
}

int library_full_path(const struct library *l, const struct library_track *t, char *buf,
		      size_t size)
{
	const struct library_source *s = &l->source[t->source];
	int len = (int)strlen(s->root), n;

	while (len > 0 && s->root[len - 1] == '/')
		len--;
	n = snprintf(buf, size, "%.*s/%s", len, s->root, t->path);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
