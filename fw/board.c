/*
 * board.c: the board profile parser.
 *
 * Line-oriented INI: "[section]" or "[section N]" headers, "key = value"
 * lines, '#' comments. Every key is described once in a table (its
 * section, its type, where it lands in struct board), so parsing, the
 * "expected ..." lists in messages and the duplicate check all come from
 * the same data. The text is parsed into a scratch copy of struct board;
 * only a clean parse replaces the caller's board, so a broken profile
 * never leaves a half-applied one behind.
 */
#include "board.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum section { SEC_NONE, SEC_BOARD, SEC_DISPLAY, SEC_TOUCH, SEC_AUDIO, SEC_REALTIME,
	       SEC_MEMORY, SEC_STORAGE, SEC_THERMAL, SEC_CONTROL, SEC_ANALYSIS, SEC_COUNT };

static const char *const section_name[SEC_COUNT] = {
	[SEC_BOARD] = "board",	     [SEC_DISPLAY] = "display", [SEC_TOUCH] = "touch",
	[SEC_AUDIO] = "audio",	     [SEC_REALTIME] = "realtime", [SEC_MEMORY] = "memory",
	[SEC_STORAGE] = "storage",   [SEC_THERMAL] = "thermal", [SEC_CONTROL] = "control",
	[SEC_ANALYSIS] = "analysis",
};

enum kind { K_STR, K_INT, K_BOOL, K_ENUM, K_MODE, K_ROTATION, K_CPUS, K_MATCH, K_CAL, K_LIBRARY };

struct key {
	enum section sec;
	const char *name;
	enum kind kind;
	size_t off;		   /* offset in struct board, or in the indexed element */
	size_t size;		   /* K_STR: capacity */
	long min, max;		   /* K_INT */
	const char *const *names;  /* K_ENUM: value names, index = value */
};

static const char *const format_names[] = { [FMT_S16_LE] = "S16_LE", [FMT_S24_3LE] = "S24_3LE",
					    [FMT_S32_LE] = "S32_LE", NULL };
static const char *const outputs_names[] = { [OUTPUTS_MASTER_CUE] = "master-cue",
					     [OUTPUTS_SPLIT_CUE] = "split-cue", NULL };
static const char *const pixel_names[] = { "XRGB8888", "RGB565", NULL };
static const char *const backend_names[] = { [BOARD_BACKEND_HW] = "hardware",
					     [BOARD_BACKEND_SIM] = "sim", NULL };

#define B(field) .off = offsetof(struct board, field), .size = sizeof(((struct board *)0)->field)
#define D(field) .off = offsetof(struct board_display, field), \
		 .size = sizeof(((struct board_display *)0)->field)
#define T(field) .off = offsetof(struct board_touch, field), \
		 .size = sizeof(((struct board_touch *)0)->field)

static const struct key keys[] = {
	{ .sec = SEC_BOARD, .name = "name", .kind = K_STR, B(name) },
	{ .sec = SEC_BOARD, .name = "description", .kind = K_STR, B(description) },
	{ .sec = SEC_BOARD, .name = "backend", .kind = K_ENUM, B(backend), .names = backend_names },
	{ .sec = SEC_DISPLAY, .name = "connector", .kind = K_STR, D(connector) },
	{ .sec = SEC_DISPLAY, .name = "mode", .kind = K_MODE },
	{ .sec = SEC_DISPLAY, .name = "rotation", .kind = K_ROTATION, D(rotation) },
	{ .sec = SEC_DISPLAY, .name = "width_mm", .kind = K_INT, D(width_mm), .min = 20, .max = 2000 },
	{ .sec = SEC_DISPLAY, .name = "format", .kind = K_ENUM, D(pixels), .names = pixel_names },
	{ .sec = SEC_TOUCH, .name = "match", .kind = K_MATCH },
	{ .sec = SEC_TOUCH, .name = "display", .kind = K_INT, T(display), .min = 0, .max = BOARD_MAX_DISPLAYS - 1 },
	{ .sec = SEC_TOUCH, .name = "swap_xy", .kind = K_BOOL, T(swap_xy) },
	{ .sec = SEC_TOUCH, .name = "invert_x", .kind = K_BOOL, T(invert_x) },
	{ .sec = SEC_TOUCH, .name = "invert_y", .kind = K_BOOL, T(invert_y) },
	{ .sec = SEC_TOUCH, .name = "calibration", .kind = K_CAL },
	{ .sec = SEC_AUDIO, .name = "device", .kind = K_STR, B(audio.device) },
	{ .sec = SEC_AUDIO, .name = "format", .kind = K_ENUM, B(audio.format), .names = format_names },
	{ .sec = SEC_AUDIO, .name = "rate", .kind = K_INT, B(audio.rate), .min = 8000, .max = 384000 },
	{ .sec = SEC_AUDIO, .name = "channels", .kind = K_INT, B(audio.channels), .min = 2, .max = 8 },
	{ .sec = SEC_AUDIO, .name = "period", .kind = K_INT, B(audio.period), .min = 32, .max = 1024 },
	{ .sec = SEC_AUDIO, .name = "periods", .kind = K_INT, B(audio.periods), .min = 2, .max = 8 },
	{ .sec = SEC_AUDIO, .name = "outputs", .kind = K_ENUM, B(audio.outputs), .names = outputs_names },
	{ .sec = SEC_REALTIME, .name = "priority", .kind = K_INT, B(rt.priority), .min = 1, .max = 99 },
	{ .sec = SEC_REALTIME, .name = "cpus", .kind = K_CPUS, B(rt.cpus) },
	{ .sec = SEC_REALTIME, .name = "load_limit", .kind = K_INT, B(rt.load_limit), .min = 5, .max = 95 },
	{ .sec = SEC_MEMORY, .name = "arena_mb", .kind = K_INT, B(memory.arena_mb), .min = 4, .max = 16384 },
	{ .sec = SEC_MEMORY, .name = "deck_minutes", .kind = K_INT, B(memory.deck_minutes), .min = 1, .max = 120 },
	{ .sec = SEC_MEMORY, .name = "library_tracks", .kind = K_INT, B(memory.library_tracks), .min = 100, .max = 1000000 },
	{ .sec = SEC_MEMORY, .name = "max_fds", .kind = K_INT, B(memory.max_fds), .min = 32, .max = 65536 },
	{ .sec = SEC_STORAGE, .name = "library", .kind = K_LIBRARY },
	{ .sec = SEC_STORAGE, .name = "usb", .kind = K_BOOL, B(storage.usb) },
	{ .sec = SEC_THERMAL, .name = "zone", .kind = K_STR, B(thermal.zone) },
	{ .sec = SEC_THERMAL, .name = "warn_c", .kind = K_INT, B(thermal.warn_c), .min = 40, .max = 125 },
	{ .sec = SEC_THERMAL, .name = "crit_c", .kind = K_INT, B(thermal.crit_c), .min = 40, .max = 125 },
	{ .sec = SEC_CONTROL, .name = "socket", .kind = K_STR, B(control) },
	{ .sec = SEC_ANALYSIS, .name = "min_bpm", .kind = K_INT, B(analysis.min_bpm), .min = 30, .max = 300 },
	{ .sec = SEC_ANALYSIS, .name = "max_bpm", .kind = K_INT, B(analysis.max_bpm), .min = 30, .max = 300 },
	{ .sec = SEC_ANALYSIS, .name = "target_lufs", .kind = K_INT, B(analysis.target_lufs), .min = -40, .max = 0 },
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* Parser state: the scratch board and, per key and section index, the
 * line that set it (0 = not yet), for the duplicate-key message. */
struct parser {
	struct board b;
	const char *path;
	struct board_errors *errs;
	int line;
	enum section sec;
	int index; /* display or touch number; -1 for the plain sections */
	unsigned short seen[NKEYS][BOARD_MAX_TOUCH];
	int display_line[BOARD_MAX_DISPLAYS];
	int touch_line[BOARD_MAX_TOUCH];
	int outputs_line, channels_line, name_line;
};

const char *board_format_name(enum sample_format f)
{
	if ((unsigned)f > FMT_S32_LE)
		return NULL;
	return format_names[f];
}

void board_defaults(struct board *b)
{
	memset(b, 0, sizeof *b);
	snprintf(b->path, sizeof b->path, "built-in defaults");
	snprintf(b->name, sizeof b->name, "safe-defaults");
	snprintf(b->description, sizeof b->description, "built-in safe defaults");
	b->backend = BOARD_BACKEND_HW;
	b->ndisplays = 1;
	b->ntouch = 1;
	b->touch[0].match = TOUCH_MATCH_ANY;
	snprintf(b->audio.device, sizeof b->audio.device, "hw:0,0");
	b->audio.format = FMT_S16_LE;
	b->audio.rate = 48000;
	b->audio.channels = 2;
	b->audio.period = 256;
	b->audio.periods = 2;
	b->audio.outputs = OUTPUTS_SPLIT_CUE;
	b->rt.priority = 70;
	b->rt.load_limit = 50;
	b->memory.arena_mb = 64;
	b->memory.deck_minutes = 20;
	b->memory.library_tracks = 20000;
	b->memory.max_fds = 256;
	b->storage.usb = 1;
	b->thermal.warn_c = 85;
	b->thermal.crit_c = 95;
	snprintf(b->control, sizeof b->control, "/run/slipmat.sock");
	b->analysis.min_bpm = 70;
	b->analysis.max_bpm = 180;
	b->analysis.target_lufs = -14;
}

__attribute__((format(printf, 3, 4))) static void error_at(struct parser *p, int line,
							   const char *fmt, ...)
{
	struct board_errors *e = p->errs;
	char msg[BOARD_ERROR_MAX - 80];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (e && e->count < BOARD_MAX_ERRORS) {
		if (line > 0)
			snprintf(e->msg[e->count], BOARD_ERROR_MAX, "%.60s:%d: %s", p->path, line, msg);
		else
			snprintf(e->msg[e->count], BOARD_ERROR_MAX, "%.60s: %s", p->path, msg);
	}
	if (e)
		e->count++;
}

#define error(p, ...) error_at((p), (p)->line, __VA_ARGS__)

/* Trim ASCII white space at both ends, in place. */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Strict decimal integer: digits with an optional sign, nothing else. */
static int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, int *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Join names as "a, b or c" into buf, for the "expected" part of messages. */
static const char *join_names(char *buf, size_t n, const char *const *names)
{
	size_t used = 0;
	int count = 0, i;

	while (names[count])
		count++;
	buf[0] = '\0';
	for (i = 0; i < count && used < n; i++) {
		const char *sep = i == 0 ? "" : i == count - 1 ? " or " : ", ";
		used += (size_t)snprintf(buf + used, n - used, "%s%s", sep, names[i]);
	}
	return buf;
}

static void expected_keys(enum section sec, char *buf, size_t n)
{
	size_t used = 0, k;

	buf[0] = '\0';
	for (k = 0; k < NKEYS && used < n; k++)
		if (keys[k].sec == sec)
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
						 keys[k].name);
}

/* "1280x800", "1280x800@60" or "preferred". */
static int parse_mode(struct parser *p, const char *v, struct board_display *d)
{
	int w, h, hz = 0, n = 0;

	if (!strcmp(v, "preferred")) {
		d->width = d->height = d->refresh = 0;
		return 0;
	}
	if ((sscanf(v, "%dx%d%n", &w, &h, &n) == 2 && v[n] == '\0') ||
	    (sscanf(v, "%dx%d@%d%n", &w, &h, &hz, &n) == 3 && v[n] == '\0')) {
		if (w >= 320 && w <= 7680 && h >= 200 && h <= 4320 && hz >= 0 && hz <= 240) {
			d->width = w;
			d->height = h;
			d->refresh = hz;
			return 0;
		}
	}
	error(p, "mode: expected WIDTHxHEIGHT, WIDTHxHEIGHT@HZ or preferred, got '%s'", v);
	return -1;
}

/* "4-7", "4,5,6", "0-1,4" or "any"; CPUs 0..63. */
static int parse_cpus(struct parser *p, const char *v, unsigned long *mask)
{
	const char *s = v;
	unsigned long m = 0;

	if (!strcmp(v, "any")) {
		*mask = 0;
		return 0;
	}
	while (*s) {
		char *end;
		long lo, hi;

		errno = 0;
		lo = strtol(s, &end, 10);
		if (end == s || errno || lo < 0 || lo > 63)
			goto bad;
		hi = lo;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			if (end == s + 1 || errno || hi < lo || hi > 63)
				goto bad;
			s = end;
		}
		for (; lo <= hi; lo++)
			m |= 1UL << lo;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			goto bad;
	}
	if (m == 0)
		goto bad;
	*mask = m;
	return 0;
bad:
	error(p, "cpus: expected a CPU list such as 4-7 or 2,3 (CPUs 0..63) or any, got '%s'", v);
	return -1;
}

/* "any", "name:<device name>" or "phys:<physical path>". */
static int parse_match(struct parser *p, const char *v, struct board_touch *t)
{
	const char *arg = NULL;

	if (!strcmp(v, "any")) {
		t->match = TOUCH_MATCH_ANY;
		t->pattern[0] = '\0';
		return 0;
	}
	if (!strncmp(v, "name:", 5)) {
		t->match = TOUCH_MATCH_NAME;
		arg = v + 5;
	} else if (!strncmp(v, "phys:", 5)) {
		t->match = TOUCH_MATCH_PHYS;
		arg = v + 5;
	}
	if (!arg || *arg == '\0' || strlen(arg) >= sizeof t->pattern) {
		error(p, "match: expected any, name:<device name> or phys:<physical path> "
			 "(under %zu characters), got '%s'", sizeof t->pattern, v);
		return -1;
	}
	snprintf(t->pattern, sizeof t->pattern, "%s", arg);
	return 0;
}

/* "device" or four integers: raw x min, x max, y min, y max. */
static int parse_cal(struct parser *p, const char *v, struct board_touch *t)
{
	int c[4], n = 0;

	if (!strcmp(v, "device")) {
		t->calibrated = 0;
		return 0;
	}
	if (sscanf(v, "%d %d %d %d%n", &c[0], &c[1], &c[2], &c[3], &n) == 4 && v[n] == '\0' &&
	    c[0] != c[1] && c[2] != c[3]) {
		memcpy(t->cal, c, sizeof c);
		t->calibrated = 1;
		return 0;
	}
	error(p, "calibration: expected 'XMIN XMAX YMIN YMAX' (raw units, min != max) or device, "
		 "got '%s'", v);
	return -1;
}

static int parse_value(struct parser *p, const struct key *k, const char *v)
{
	unsigned char *base = (unsigned char *)&p->b;
	char names[96];
	long n;

	if (p->sec == SEC_DISPLAY)
		base = (unsigned char *)&p->b.display[p->index];
	else if (p->sec == SEC_TOUCH)
		base = (unsigned char *)&p->b.touch[p->index];

	switch (k->kind) {
	case K_STR:
		if (*v == '\0' || strlen(v) >= k->size) {
			error(p, "%s: expected text of 1 to %zu characters", k->name, k->size - 1);
			return -1;
		}
		memcpy(base + k->off, v, strlen(v) + 1);
		return 0;
	case K_INT:
		if (parse_long(v, &n) || n < k->min || n > k->max) {
			error(p, "%s: expected a whole number from %ld to %ld, got '%s'", k->name,
			      k->min, k->max, v);
			return -1;
		}
		*(int *)(base + k->off) = (int)n;
		return 0;
	case K_BOOL:
		if (parse_bool(v, (int *)(base + k->off))) {
			error(p, "%s: expected yes or no, got '%s'", k->name, v);
			return -1;
		}
		return 0;
	case K_ENUM:
		for (n = 0; k->names[n]; n++) {
			if (!strcmp(v, k->names[n])) {
				*(int *)(base + k->off) = (int)n;
				return 0;
			}
		}
		error(p, "%s: expected %s, got '%s'", k->name,
		      join_names(names, sizeof names, k->names), v);
		return -1;
	case K_ROTATION:
		if (parse_long(v, &n) || (n != 0 && n != 90 && n != 180 && n != 270)) {
			error(p, "rotation: expected 0, 90, 180 or 270, got '%s'", v);
			return -1;
		}
		*(int *)(base + k->off) = (int)n;
		return 0;
	case K_MODE:
		return parse_mode(p, v, &p->b.display[p->index]);
	case K_CPUS:
		return parse_cpus(p, v, &p->b.rt.cpus);
	case K_MATCH:
		return parse_match(p, v, &p->b.touch[p->index]);
	case K_CAL:
		return parse_cal(p, v, &p->b.touch[p->index]);
	case K_LIBRARY:
		if (p->b.storage.nlibrary >= BOARD_MAX_LIBRARY) {
			error(p, "library: at most %d library paths", BOARD_MAX_LIBRARY);
			return -1;
		}
		if (v[0] != '/' || strlen(v) >= sizeof p->b.storage.library[0]) {
			error(p, "library: expected an absolute path under %zu characters, got '%s'",
			      sizeof p->b.storage.library[0], v);
			return -1;
		}
		snprintf(p->b.storage.library[p->b.storage.nlibrary++],
			 sizeof p->b.storage.library[0], "%s", v);
		return 0;
	}
	return -1;
}

/* "[name]" or "[name N]". */
static void parse_section(struct parser *p, char *s)
{
	char *close = strchr(s, ']');
	char *name, *num;
	long idx = -1;
	int sec;

	p->sec = SEC_NONE;
	if (!close || trim(close + 1)[0] != '\0') {
		error(p, "expected a section header such as [audio] or [display 0]");
		return;
	}
	*close = '\0';
	name = trim(s + 1);
	num = strchr(name, ' ');
	if (num) {
		*num++ = '\0';
		num = trim(num);
	}
	for (sec = SEC_BOARD; sec < SEC_COUNT; sec++)
		if (!strcmp(name, section_name[sec]))
			break;
	if (sec == SEC_COUNT) {
		error(p, "unknown section [%s] (expected board, display N, touch N, audio, "
			 "realtime, memory, storage, thermal, control or analysis)", name);
		return;
	}
	if (sec == SEC_DISPLAY || sec == SEC_TOUCH) {
		int max = sec == SEC_DISPLAY ? BOARD_MAX_DISPLAYS : BOARD_MAX_TOUCH;
		int *first = sec == SEC_DISPLAY ? p->display_line : p->touch_line;

		if (!num || parse_long(num, &idx) || idx < 0 || idx >= max) {
			error(p, "[%s N]: expected a number from 0 to %d", name, max - 1);
			return;
		}
		if (first[idx]) {
			error(p, "[%s %ld] appears twice (first at line %d)", name, idx,
			      first[idx]);
			return;
		}
		first[idx] = p->line;
	} else if (num) {
		error(p, "[%s] takes no number", name);
		return;
	}
	p->sec = (enum section)sec;
	p->index = (int)idx;
}

/* "[audio]" or "[display 0]": the section as the file spells it. */
static const char *section_label(const struct parser *p, char *buf, size_t n)
{
	if (p->index >= 0)
		snprintf(buf, n, "[%s %d]", section_name[p->sec], p->index);
	else
		snprintf(buf, n, "[%s]", section_name[p->sec]);
	return buf;
}

static void parse_line(struct parser *p, char *s)
{
	char *eq, *key, *val, list[200], label[24];
	size_t k;
	int slot;

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return;
	if (*s == '[') {
		parse_section(p, s);
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		error(p, "expected 'key = value', a [section] or a # comment");
		return;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (p->sec == SEC_NONE) {
		/* Either before the first section or under a broken header,
		 * which already has its message. */
		if (p->line > 0 && !(p->errs && p->errs->count))
			error(p, "'%s' is outside any section", key);
		return;
	}
	for (k = 0; k < NKEYS; k++)
		if (keys[k].sec == p->sec && !strcmp(keys[k].name, key))
			break;
	if (k == NKEYS) {
		expected_keys(p->sec, list, sizeof list);
		error(p, "unknown key '%s' in %s (expected %s)", key,
		      section_label(p, label, sizeof label), list);
		return;
	}
	slot = p->index < 0 ? 0 : p->index;
	if (p->seen[k][slot] && keys[k].kind != K_LIBRARY) {
		error(p, "'%s' set twice in %s (first at line %d)", key,
		      section_label(p, label, sizeof label), p->seen[k][slot]);
		return;
	}
	if (parse_value(p, &keys[k], val) == 0)
		p->seen[k][slot] = (unsigned short)(p->line > USHRT_MAX ? USHRT_MAX : p->line);
	if (p->sec == SEC_AUDIO && !strcmp(key, "outputs"))
		p->outputs_line = p->line;
	if (p->sec == SEC_AUDIO && !strcmp(key, "channels"))
		p->channels_line = p->line;
	if (p->sec == SEC_BOARD && !strcmp(key, "name"))
		p->name_line = p->line;
}

/* Checks across keys, once the whole file is read. */
static void validate(struct parser *p)
{
	struct board *b = &p->b;
	int i;

	if (!p->name_line)
		error_at(p, 0, "[board] has no name (expected a name = line)");
	b->ndisplays = 0;
	for (i = 0; i < BOARD_MAX_DISPLAYS && p->display_line[i]; i++)
		b->ndisplays = i + 1;
	for (; i < BOARD_MAX_DISPLAYS; i++)
		if (p->display_line[i])
			error_at(p, p->display_line[i], "[display %d] without [display %d]", i,
				 i - 1);
	if (b->ndisplays == 0) {
		b->ndisplays = 1; /* the defaults' one display on whatever is connected */
	}
	for (i = 0; i < BOARD_MAX_DISPLAYS; i++)
		if (p->display_line[i] && b->display[i].connector[0] == '\0')
			error_at(p, p->display_line[i], "[display %d] has no connector", i);
	b->ntouch = 0;
	for (i = 0; i < BOARD_MAX_TOUCH; i++) {
		if (!p->touch_line[i])
			continue;
		b->ntouch = i + 1;
		if (b->touch[i].display >= b->ndisplays)
			error_at(p, p->touch_line[i], "[touch %d] is on display %d, but the profile has %d display%s",
				 i, b->touch[i].display, b->ndisplays, b->ndisplays == 1 ? "" : "s");
	}
	if (b->audio.outputs == OUTPUTS_MASTER_CUE && b->audio.channels < 4)
		error_at(p, p->outputs_line ? p->outputs_line : p->channels_line,
			 "outputs master-cue needs 4 or more channels (master 1-2, cue 3-4), have %d",
			 b->audio.channels);
	if (b->audio.outputs == OUTPUTS_SPLIT_CUE && b->audio.channels != 2)
		error_at(p, p->outputs_line ? p->outputs_line : p->channels_line,
			 "outputs split-cue needs channels = 2 (mono master left, cue right), have %d",
			 b->audio.channels);
	if (b->analysis.max_bpm <= b->analysis.min_bpm)
		error_at(p, 0, "analysis max_bpm (%d) must be above min_bpm (%d)",
			 b->analysis.max_bpm, b->analysis.min_bpm);
	if (b->thermal.crit_c < b->thermal.warn_c)
		error_at(p, 0, "thermal crit_c (%d) is below warn_c (%d)", b->thermal.crit_c,
			 b->thermal.warn_c);
}

int board_parse(struct board *b, const char *path, const char *text, size_t len,
		struct board_errors *errs)
{
	/* Static: struct parser is large and the loop's stack is not the place
	 * for it. Board parsing is loop-thread only. */
	static struct parser p;
	char line[512];
	size_t pos = 0;

	memset(&p, 0, sizeof p);
	board_defaults(&p.b);
	p.b.ntouch = 0;
	p.path = path;
	p.errs = errs;
	p.index = -1;
	if (errs)
		errs->count = 0;
	snprintf(p.b.path, sizeof p.b.path, "%s", path);

	while (pos < len) {
		size_t end = pos, n;

		while (end < len && text[end] != '\n')
			end++;
		p.line++;
		n = end - pos;
		if (memchr(text + pos, '\0', n)) {
			error(&p, "NUL byte in the line (is this a text file?)");
			n = 0;
		} else if (n >= sizeof line) {
			error(&p, "line longer than %zu characters", sizeof line - 1);
			n = 0;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		parse_line(&p, line);
		pos = end + 1;
	}
	validate(&p);

	if (errs && errs->count) {
		board_defaults(b);
		return errs->count;
	}
	*b = p.b;
	return 0;
}

int board_load(struct board *b, const char *path, struct board_errors *errs)
{
	static char buf[BOARD_FILE_MAX + 1];
	ssize_t n;
	size_t len = 0;
	int fd;

	board_defaults(b);
	if (errs)
		errs->count = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errs) {
			snprintf(errs->msg[0], BOARD_ERROR_MAX, "%s: cannot open: %s", path,
				 strerror(errno));
			errs->count = 1;
		}
		return 1;
	}
	while ((n = read(fd, buf + len, sizeof buf - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0 || len > BOARD_FILE_MAX) {
		if (errs) {
			snprintf(errs->msg[0], BOARD_ERROR_MAX, "%s: %s", path,
				 n < 0 ? strerror(errno) : "larger than 64 KiB, not a profile");
			errs->count = 1;
		}
		return 1;
	}
	return board_parse(b, path, buf, len, errs);
}
