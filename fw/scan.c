/*
 * scan.c: the sliced folder walk. See scan.h.
 */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "log.h"
#include "tags.h"

/* The formats the decoders read; anything else is not opened at all. */
static const char *const track_ext[] = { "wav", "wave", "aif", "aiff", "aifc", "flac", "mp3" };

static int is_track_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!dot || dot == name)
		return 0;
	for (size_t i = 0; i < sizeof track_ext / sizeof track_ext[0]; i++)
		if (!strcasecmp(dot + 1, track_ext[i]))
			return 1;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int scan_init(struct scan *s, struct library *l, struct arena *a)
{
	memset(s, 0, sizeof *s);
	s->lib = l;
	s->source = -1;
	s->buf = arena_alloc(a, (size_t)SCAN_DEPTH * SCAN_DIRBUF, 16, "scan folder buffers");
	return s->buf ? 0 : -ENOMEM;
}

static void close_levels(struct scan *s)
{
	while (s->depth > 0)
		close(s->level[--s->depth].fd);
}

void scan_start(struct scan *s, int source)
{
	if (source == s->source)
		return;
	for (int i = 0; i < s->queued; i++)
		if (s->queue[i] == source)
			return;
	if (s->queued < LIBRARY_MAX_SOURCES)
		s->queue[s->queued++] = source;
}

void scan_cancel(struct scan *s, int source)
{
	int k = 0;

	for (int i = 0; i < s->queued; i++)
		if (s->queue[i] != source)
			s->queue[k++] = s->queue[i];
	s->queued = k;
	if (s->source == source) {
		close_levels(s);
		s->source = -1;
	}
}

void scan_clear(struct scan *s)
{
	close_levels(s);
	s->source = -1;
	s->queued = 0;
}

/* Open folder name (relative to the top level, or the root) as a new level. */
static void push(struct scan *s, const char *name)
{
	struct scan_level *top = s->depth ? &s->level[s->depth - 1] : NULL;
	size_t len = top ? top->pathlen : s->rootlen, nlen = strlen(name);
	int fd;

	if (s->depth == SCAN_DEPTH) {
		s->refused++;
		log_warn("library: %s/%s: more than %d folders deep, not scanned", s->path, name,
			 SCAN_DEPTH);
		return;
	}
	if (top) {
		if (len + 1 + nlen >= sizeof s->path) {
			s->refused++;
			return;
		}
		s->path[len] = '/';
		memcpy(s->path + len + 1, name, nlen + 1);
		len += 1 + nlen;
		fd = openat(top->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		fd = open(s->rootlen ? s->path : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0) {
		s->refused++;
		log_warn("library: cannot open folder %s: %s", s->path, strerror(errno));
		s->path[top ? top->pathlen : s->rootlen] = '\0';
		return;
	}
	s->level[s->depth++] = (struct scan_level){ .fd = fd, .pathlen = len };
	s->folders++;
}

/* One track file in the top level's folder. */
static void add_file(struct scan *s, const char *name)
{
	struct scan_level *top = &s->level[s->depth - 1];
	struct library_entry e = { 0 };
	struct tags tags;
	struct stat st;
	size_t nlen = strlen(name);
	int fd, err;

	s->files++;
	if (top->pathlen + 1 + nlen >= sizeof s->path) {
		s->refused++;
		return;
	}
	s->path[top->pathlen] = '/';
	memcpy(s->path + top->pathlen + 1, name, nlen + 1);
	fd = openat(top->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		s->refused++;
		goto out;
	}
	err = tags_read(fd, name, &tags); /* the file name: its extension, its fallback title */
	close(fd);
	if (err) {
		s->refused++;
		log_warn("library: %s: not a track (%s)", s->path, strerror(-err));
		goto out;
	}
	e.title = tags.title;
	e.artist = tags.artist;
	e.key = tags.key;
	e.bpm = tags.bpm;
	/* Prepared on some box: the record's tempo and key fill what the tags lack. */
	if (s->has_store && (!(tags.bpm > 0) || !tags.key[0]) &&
	    store_load(s->lib->source[s->source].root, s->path + s->rootlen + 1, &s->rec, NULL,
		       0) == 0) {
		if (!(e.bpm > 0))
			e.bpm = s->rec.bpm > 0 ? s->rec.bpm : (float)s->rec.grid.bpm;
		if (!tags.key[0])
			e.key = s->rec.key;
	}
	e.mtime = st.st_mtime;
	e.path = s->path + s->rootlen + 1;
	err = library_add(s->lib, s->source, &e);
	if (err == -ENOSPC && s->lib->source[s->source].skipped == 1)
		log_warn("library: the index is full (%d tracks): %s and later files are left "
			 "out", s->lib->capacity, s->path);
	else if (err == -ENAMETOOLONG)
		log_warn("library: %s: path longer than %d bytes, left out", s->path,
			 LIBRARY_PATH - 1);
	else if (err == 0)
		s->tracks++;
out:
	s->path[top->pathlen] = '\0';
}

static void finish(struct scan *s)
{
	struct library_source *src = &s->lib->source[s->source];

	close_levels(s);
	library_source_ready(s->lib, s->source);
	log_info("library: %s (%s): %d tracks, %lu files in %lu folders, %lu left out, in "
		 "%.2f s",
		 src->name, src->root, src->tracks, s->files, s->folders, s->refused,
		 now_s() - s->started);
	s->source = -1;
}

/* Begin the next queued source. Return: 0 when there is none. */
static int next_source(struct scan *s)
{
	while (s->queued > 0) {
		int src = s->queue[0];
		struct library_source *ls = &s->lib->source[src];

		memmove(s->queue, s->queue + 1, (size_t)--s->queued * sizeof s->queue[0]);
		if (ls->state != LIBRARY_SCANNING)
			continue;
		s->source = src;
		s->generation = ls->generation;
		s->files = s->tracks = s->folders = s->refused = 0;
		s->started = now_s();
		/* Paths below the root start with one '/': "/" and "/music/" lose theirs. */
		s->rootlen = strlen(ls->root);
		while (s->rootlen > 0 && ls->root[s->rootlen - 1] == '/')
			s->rootlen--;
		memcpy(s->path, ls->root, s->rootlen);
		s->path[s->rootlen] = '\0';
		push(s, "");
		s->has_store = s->depth > 0 &&
			       faccessat(s->level[0].fd, STORE_DIR, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
		if (s->depth == 0) {
			library_source_ready(s->lib, src);
			s->source = -1;
			continue;
		}
		return 1;
	}
	return 0;
}

int scan_step(struct scan *s, long budget_ns)
{
	long until = now_ns() + budget_ns;

	do {
		struct scan_level *top;
		struct dirent64 *d;

		if (s->source >= 0 && s->lib->source[s->source].generation != s->generation) {
			close_levels(s); /* dropped under us */
			s->source = -1;
		}
		if (s->source < 0 && !next_source(s))
			return 0;
		if (s->depth == 0) {
			finish(s);
			continue;
		}
		top = &s->level[s->depth - 1];
		char *buf = s->buf + (size_t)(s->depth - 1) * SCAN_DIRBUF;
		if (top->pos >= top->len) {
			ssize_t n = getdents64(top->fd, buf, SCAN_DIRBUF);
			if (n <= 0) {
				if (n < 0) {
					s->refused++;
					log_warn("library: reading folder %s: %s", s->path,
						 strerror(errno));
				}
				close(top->fd);
				s->depth--;
				s->path[s->depth ? s->level[s->depth - 1].pathlen : s->rootlen] =
					'\0';
				continue;
			}
			top->pos = 0;
			top->len = (int)n;
		}
		d = (struct dirent64 *)(buf + top->pos);
		top->pos += d->d_reclen;
		if (d->d_name[0] == '.')
			continue; /* ".", "..", hidden files, our own .slipmat */
		unsigned char type = d->d_type;
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(top->fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		if (type == DT_DIR)
			push(s, d->d_name);
		else if (type == DT_REG && is_track_name(d->d_name))
			add_file(s, d->d_name);
	} while (now_ns() < until);
	return 1;
}
