/*
 * app.c: start reading at app_init(). The loop's handlers are below it
 * in the order the init registers them.
 */
#include "app.h"
#include "analyze.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "audiodev.h"
#include "dsp/convert.h"
#include "deck.h"
#include "engine.h"
#include "guard.h"
#include "library.h"
#include "load.h"
#include "log.h"
#include "offer.h"
#include "pid1.h"
#include "scan.h"
#include "store.h"
#include "screens.h"
#include "tags.h"
#include "supervise.h"
#include "testcard.h"
#include "touchlat.h"
#include "hal/thermal.h"
#include "../hal/storage.h"

/*
 * The sound engine and the decks' track storage (from the arena). One box,
 * one of each: file scope rather than in struct app, which the status and
 * drawing code reach through engine_state() only.
 */
static struct engine engine;
static struct track tracks[ENGINE_DECKS];
static int have_engine, have_test_tracks;
static struct engine_state engine_now;
static int have_engine_now;
static struct touchlat touchlat; /* touch to sound, from the states */
/* The audio interface coming and going (fw/audiodev.h). */
static struct audiodev audiodev;
static struct thermal thermal;
static struct ui_status status_bar;

/*
 * The library (fw/library.h): its index, the scanner that fills it in
 * slices of the tick, and the USB sticks that come and go (hal/storage.h).
 */
static struct library library;
static struct scan scan;
static struct storage storage;
static int have_library, have_storage;
static uint32_t *browser_rows; /* the library browser's list: a slot per track */
/* Firmware releases on the sticks (fw/offer.h), checked and installed per tick within: */
static struct offer offer;
#define APP_OFFER_BUDGET_NS 2000000L
/* Scanning per tick: an eighth of a 30 Hz frame. */
#define APP_SCAN_BUDGET_NS 4000000L
/* Tracks a `library` command lists. */
#define APP_LIBRARY_LINES 20

/* Arena left for what init takes after the decks (period buffers, control). */
#define APP_ARENA_RESERVE (4u << 20)

static void on_signal(void *ctx, int fd, uint32_t events);
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/*
 * The status bar's readings, once a second: the clock (UTC: the box
 * keeps no time zone), the audio thread's load and xruns, the SoC's
 * temperature, the library, and the one error a DJ must see.
 */
/*
 * A passing message a DJ must see, in the status bar's banner for
 * NOTICE_MS: a file that would not load, a stick pulled out.
 */
#define NOTICE_MS 8000
static char notice[160];
static long notice_until;

__attribute__((format(printf, 1, 2))) static void notify(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(notice, sizeof notice, fmt, ap);
	va_end(ap);
	notice_until = now_ms() + NOTICE_MS;
}

static void read_status(struct app *a)
{
	struct ui_status *s = &status_bar;
	struct audio_report ar;
	struct timespec ts;

	/* by hand: gmtime_r() may load time zone data, allocating, on its first call */
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(s->clock, sizeof s->clock, "%02d:%02d", (int)(ts.tv_sec / 3600 % 24),
		 (int)(ts.tv_sec / 60 % 60));
	s->temp_c = thermal_read(&thermal);
	s->banner[0] = 0;
	if (a->have_audio) {
		audio_report(&a->audio, &ar);
		s->load_pct = (float)ar.load_avg;
		s->xruns = ar.xruns;
		if (audiodev.state == AUDIODEV_ABSENT)
			snprintf(s->banner, sizeof s->banner,
				 "Audio device %s is away: decks keep their place, sound returns "
				 "when it is back",
				 a->board.audio.device);
	}
	if (!s->banner[0] && notice[0] && now_ms() < notice_until)
		snprintf(s->banner, sizeof s->banner, "%s", notice);
	if (!s->banner[0] && a->board_errs.count > 0)
		snprintf(s->banner, sizeof s->banner, "Board profile: %d error%s, running on safe "
			 "defaults: %.90s", a->board_errs.count, a->board_errs.count == 1 ? "" : "s",
			 a->board_errs.msg[0]);
	if (!s->banner[0] && a->displays.error[0])
		snprintf(s->banner, sizeof s->banner, "Display: %.140s", a->displays.error);
	if (!s->banner[0])
		offer_banner(&offer, s->banner, sizeof s->banner);
	if (have_library)
		snprintf(s->storage, sizeof s->storage, "library: %d tracks", library.count);
	else
		snprintf(s->storage, sizeof s->storage, "no library");
}

static void on_tick(void *ctx, int fd, uint32_t events);
static void on_flip(void *ctx, int index);
static void on_touch(void *ctx, const struct touch_point *p);
static void on_uevent(void *ctx, const struct uevent *ev);
static int on_command(void *ctx, const char *cmd, struct ctl_reply *r);
static void on_stick(void *ctx, struct storage_dev *d);
static void on_stick_gone(void *ctx, struct storage_dev *d);

static int open_signals(struct app *a)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	/* Blocked in every thread created after this, the audio thread too. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -EINVAL;
	signal(SIGPIPE, SIG_IGN);
	a->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->signal_fd < 0) {
		log_error("signalfd: %s", strerror(errno));
		return -errno;
	}
	return loop_add(&a->loop, a->signal_fd, EPOLLIN, on_signal, a);
}

static int open_tick(struct app *a)
{
	struct itimerspec it = { .it_interval = { 0, 1000000000L / APP_FPS },
				 .it_value = { 0, 1000000000L / APP_FPS } };

	a->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (a->timer_fd < 0 || timerfd_settime(a->timer_fd, 0, &it, NULL) < 0) {
		log_error("timerfd: %s", strerror(errno));
		return -errno;
	}
	return loop_add(&a->loop, a->timer_fd, EPOLLIN, on_tick, a);
}

static void open_displays(struct app *a)
{
	int err;

	a->displays.ops = a->board.backend == BOARD_BACKEND_SIM ? &display_sim_ops
								: &display_drm_ops;
	a->displays.on_flip = on_flip;
	a->displays.ctx = a;
	guard_window_begin("display setup");
	err = a->displays.ops->open(&a->displays, &a->board, &a->arena, &a->loop);
	guard_window_end();
	if (err) {
		log_error("no display: %s", a->displays.error[0] ? a->displays.error : strerror(-err));
		return;
	}
	a->have_displays = 1;
	if (a->displays.error[0])
		log_warn("display: %s", a->displays.error);
	for (int i = 0; i < a->displays.count; i++) {
		const struct display *d = &a->displays.d[i];
		log_info("display %d: %s %dx%d@%d rotation %d", d->index, d->name, d->mode_w,
			 d->mode_h, d->refresh, d->rotation);
	}
}

static void open_touch(struct app *a)
{
	struct touch_geometry geo[BOARD_MAX_DISPLAYS];
	int n = a->displays.count, err;

	for (int i = 0; i < n; i++) {
		geo[i].native_w = a->displays.d[i].mode_w;
		geo[i].native_h = a->displays.d[i].mode_h;
		geo[i].rotation = a->displays.d[i].rotation;
	}
	a->touch.ops = a->board.backend == BOARD_BACKEND_SIM ? &touch_sim_ops : &touch_evdev_ops;
	err = a->touch.ops->open(&a->touch, &a->board, geo, n, &a->loop, on_touch, a);
	if (err) {
		log_error("touch: %s", strerror(-err));
		return;
	}
	a->have_touch = 1;
}

/*
 * Track storage for each deck: the profile's deck_minutes at the engine's
 * rate, or, when the arena is too small for that, what fits (logged).
 */
static int take_tracks(struct app *a)
{
	size_t frame = 2 * sizeof(float), want, have, room;
	long frames;
	int i;

	want = (size_t)a->board.memory.deck_minutes * 60 * (size_t)engine.rate;
	room = a->arena.size - a->arena.used;
	have = room > APP_ARENA_RESERVE ? (room - APP_ARENA_RESERVE) / (ENGINE_DECKS * frame) : 0;
	if (have < want) {
		log_warn("decks: %d min a deck do not fit the %d MiB arena: %.1f min each",
			 a->board.memory.deck_minutes, a->board.memory.arena_mb,
			 have / 60.0 / engine.rate);
		want = have;
	}
	frames = (long)want & ~15L;
	for (i = 0; i < ENGINE_DECKS; i++) {
		float *buf = frames > 0 ? ARENA_NEW(&a->arena, float, 2 * (size_t)frames,
						    "deck track storage")
					: NULL;

		if (!buf)
			return -ENOMEM;
		track_init(&tracks[i], buf, frames);
	}
	return 0;
}

/*
 * The library, before the decks take the rest of the arena: the
 * profile's library paths, then every USB stick already plugged in
 * (later ones come through uevents). Scanning happens in the tick.
 */
static void open_library(struct app *a)
{
	int err = library_init(&library, &a->arena, a->board.memory.library_tracks);

	offer_init(&offer, supervise_player_updater());
	if (err == 0)
		err = scan_init(&scan, &library, &a->arena);
	if (err) {
		log_error("library: %s; no tracks", strerror(-err));
		return;
	}
	have_library = 1;
	browser_rows = ARENA_NEW(&a->arena, uint32_t, library.capacity, "library browser rows");
	for (int i = 0; i < a->board.storage.nlibrary; i++) {
		int src = library_add_source(&library, LIBRARY_INTERNAL, "internal",
					     a->board.storage.library[i]);
		if (src < 0)
			log_warn("library: %s: not added (%s)", a->board.storage.library[i],
				 strerror(-src));
		else
			scan_start(&scan, src);
	}
	/* The sim backend runs on a developer's machine: its sticks are not ours. */
	if (!a->board.storage.usb || a->board.backend == BOARD_BACKEND_SIM)
		return;
	storage_init(&storage, &storage_linux_ops, STORAGE_BASE, on_stick, on_stick_gone, a);
	have_storage = 1;
	storage_forget_stale(&storage);
	storage_rescan(&storage);
}

/*
 * Loading a track file into a deck: `load A|B PATH` on the control socket
 * (fw/load.h). The deck is told to let go of its track; once the engine's
 * state says it has, the file is opened, the deck gets the track back
 * (stopped at its start) and each tick decodes one LOAD_BUDGET_MS slice
 * into it. One load at a time; a new one replaces a running one.
 */
static struct load loader;
static int have_loader, load_timer = -1;
static int load_deck = -1; /* waiting for this deck to let go of its track */
static int load_into = -1; /* a load running into this deck */
/* a command's path or a library track's */
#define LOAD_PATH_MAX (CTL_LINE_MAX + LIBRARY_ROOT + LIBRARY_PATH)
static char load_path[LOAD_PATH_MAX];

/* While a load runs: a slice every LOAD_PERIOD_MS, so at most 40 % of the loop's time. */
#define LOAD_PERIOD_MS 5

static void load_arm(int on)
{
	struct itimerspec it = {{0, on ? LOAD_PERIOD_MS * 1000000L : 0}, {0, on ? LOAD_PERIOD_MS * 1000000L : 0}};

	timerfd_settime(load_timer, 0, &it, NULL);
}

static void on_load_timer(void *ctx, int fd, uint32_t events)
{
	uint64_t expirations;

	(void)ctx;
	(void)events;
	if (read(fd, &expirations, sizeof expirations) < 0)
		return;
	if (load_into >= 0) {
		int done = load_step(&loader, LOAD_BUDGET_MS);

		if (done < 0)
			notify("Deck %c: %.140s", 'A' + load_into, loader.msg);
		if (done != 1) {
			load_into = -1;
			load_arm(0);
		}
	}
}

static void open_loader(struct app *a)
{
	void *mem = arena_alloc(&a->arena, load_storage(), 64, "track loader");

	load_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (mem && load_timer >= 0 && load_init(&loader, mem, engine.rate, engine.bank) == 0 &&
	    loop_add(&a->loop, load_timer, EPOLLIN, on_load_timer, NULL) == 0)
		have_loader = 1;
	else
		log_error("load: no track loader; tracks cannot be loaded");
}

static void deck_op(int deck, enum deck_op op, struct track *t)
{
	struct engine_cmd c = {.op = ENGINE_DECK, .deck = deck};

	c.d.op = op;
	c.d.track = t;
	if (engine_command(&engine, &c) < 0)
		log_warn("load: deck %c: the engine's command ring is full", 'A' + deck);
}

static char deck_path[ENGINE_DECKS][LOAD_PATH_MAX]; /* each deck's file, "" none */

/* Load path into deck: it lets go of its track, then load_tick() starts. */
static void load_begin(int deck, const char *path)
{
	load_cancel(&loader);
	load_into = -1;
	load_arm(0);
	snprintf(load_path, sizeof(load_path), "%s", path);
	load_deck = deck;
	if (have_test_tracks)
		screens_neutral(); /* the test tones' mixer goes with them */
	have_test_tracks = 0;
	deck_path[deck][0] = '\0';
	deck_op(deck, DECK_UNLOAD, NULL);
}

static int load_command(const char *arg, struct ctl_reply *r)
{
	int deck = arg[0] == 'A' || arg[0] == 'a' ? 0 : arg[0] == 'B' || arg[0] == 'b' ? 1 : -1;

	if (deck < 0 || arg[1] != ' ' || !arg[2]) {
		ctl_printf(r, "usage: load A|B PATH");
		return -1;
	}
	if (!have_loader || !have_engine) {
		ctl_printf(r, "no track loader (see the log)");
		return -1;
	}
	/* a file that cannot be opened costs the deck nothing: it keeps its track */
	{
		int fd = open(arg + 2, O_RDONLY | O_CLOEXEC);
		const char *name = strrchr(arg + 2, '/');

		if (fd < 0) {
			int err = errno;

			ctl_printf(r, "cannot load %s: %s\n", arg + 2, strerror(err));
			log_warn("load: deck %c: %s: %s; the deck keeps its track", 'A' + deck, arg + 2,
				 strerror(err));
			notify("Deck %c cannot load %.80s: %s", 'A' + deck, name ? name + 1 : arg + 2,
			       strerror(err));
			return -1;
		}
		close(fd);
	}
	load_begin(deck, arg + 2);
	ctl_printf(r, "loading %s into deck %c\n", load_path, 'A' + deck);
	return 0;
}

/* A track chosen in the library browser (fw/browser.h): the same load as `slipmat load`. */
static void browser_load(void *ctx, int deck, const char *path)
{
	static char arg[sizeof load_path + 4], said[CTL_LINE_MAX];
	struct ctl_reply r = {said, 0, sizeof said, 0};

	(void)ctx;
	snprintf(arg, sizeof arg, "%c %s", 'A' + deck, path);
	if (load_command(arg, &r) == 0)
		log_info("library: %s into deck %c", path, 'A' + deck);
	else
		log_warn("library: %s not loaded: %s", path, said);
}

/*
 * Track analysis (fw/analyze.h), one job per deck, in the loop: a slice
 * each tick while a deck's track is new, the deck being loaded first.
 * The waveform fills in on the screen as it goes; once done the beat grid
 * goes to the deck (sync, quantise, beat loops), the loudness to the
 * channel's auto-gain, and the tempo, key and loudness to the track's
 * store record.
 */
#define ANALYZE_BUDGET_NS 2000000L

static struct analyze analyzers[ENGINE_DECKS];
static struct ui_track shown[ENGINE_DECKS]; /* what each deck's info bar says */
static int have_analyzers, analyzing[ENGINE_DECKS];

static void open_analyzers(struct app *a)
{
	long frames = (long)a->board.memory.deck_minutes * 60 * engine.rate;

	for (int d = 0; d < ENGINE_DECKS; d++)
		if (analyze_init(&analyzers[d], &a->arena, engine.rate, frames,
				 a->board.analysis.min_bpm, a->board.analysis.max_bpm,
				 a->board.analysis.target_lufs) != 0) {
			log_error("analysis: no room in the arena; tracks are not analysed");
			return;
		}
	have_analyzers = 1;
}

static void analysis_begin(int deck)
{
	struct ui_wave w = {{NULL, NULL, NULL}, 0, 0, 0, &analyzers[deck].wave};

	analyzing[deck] = have_analyzers && analyze_start(&analyzers[deck], &tracks[deck]) == 0;
	if (analyzing[deck])
		screens_wave(deck, &w);
}

static void prep_found(int deck, const struct analysis *an);

/* The analysis an of deck's track to the deck, its channel and its info bar; said as how. */
static void analysis_apply(int deck, const struct analysis *an, const char *how)
{
	struct engine_cmd c = {.op = ENGINE_DECK, .deck = deck};

	if (an->grid.valid) {
		c.d.op = DECK_GRID;
		c.d.grid = an->grid;
		engine_command(&engine, &c);
	}
	c = (struct engine_cmd){.op = ENGINE_AUTOGAIN, .deck = deck, .v = {(float)an->gain_db}};
	engine_command(&engine, &c);
	c = (struct engine_cmd){.op = ENGINE_AUTOGAIN_ON, .deck = deck, .flags = 1};
	engine_command(&engine, &c);
	log_info("deck %c: %s: %.2f bpm (confidence %.2f), key %s, %.1f LUFS, auto-gain %+.1f dB",
		 'A' + deck, how, an->grid.valid ? an->grid.bpm : 0.0, an->bpm_confidence,
		 key_name(an->key), an->lufs, an->gain_db);
	if (an->key != KEY_NOT_FOUND) {
		snprintf(shown[deck].key, sizeof shown[deck].key, "%s", key_name(an->key));
		snprintf(shown[deck].camelot, sizeof shown[deck].camelot, "%s", key_camelot(an->key));
		screens_track(deck, &shown[deck]);
	}
}

static void analysis_done(int deck)
{
	const struct analyze *a = &analyzers[deck];

	analyzing[deck] = 0;
	if (a->known)
		return; /* applied at the load; only the waveform was read */
	analysis_apply(deck, &a->result, "analysed");
	prep_found(deck, &a->result);
}

/* Each tick: a slice for the deck that is loading, else the other. */
static void analysis_tick(void)
{
	for (int k = 0; k < ENGINE_DECKS; k++) {
		int d = load_into >= 0 ? (load_into + k) % ENGINE_DECKS : k;

		if (!analyzing[d])
			continue;
		if (analyze_step(&analyzers[d], ANALYZE_BUDGET_NS) == 1)
			analysis_done(d);
		screens_wave_grew(d);
		return;
	}
}

/*
 * A DJ's preparation kept with the track: a deck's track from a library
 * source gets its saved cue point and hot cues back when it loads, and
 * what the DJ changes is saved on the track's own device
 * (fw/store.h), PREP_SAVE_MS after the last change, so a burst of hot
 * cues is one save. Saving mounts a stick read-write for the save only.
 */
#define PREP_SAVE_MS 2000

static struct prep {
	int src;			/* library source of the deck's track; -1: none */
	char rel[STORE_PATH_MAX];	/* its path under the source's root */
	double cue, hotcue[DECK_HOTCUES]; /* frames, as last saved or restored */
	unsigned hotcues;
	long changed;			/* ms of a change not saved yet; 0: none */
} prep[ENGINE_DECKS] = {{.src = -1}, {.src = -1}};

/* The library source whose root holds path, and path under it; -1 for none. */
static int source_of(const char *path, const char **rel)
{
	return have_library ? library_source_of(&library, path, rel) : -1;
}

static void prep_cmd(int deck, enum deck_op op, int index, double a, double b)
{
	struct engine_cmd c = {.op = ENGINE_DECK, .deck = deck};

	c.d.op = op;
	c.d.index = index;
	c.d.a = a;
	c.d.b = b;
	if (engine_command(&engine, &c) < 0)
		log_warn("deck %c: the engine's command ring is full", 'A' + deck);
}

/*
 * The analysis rec keeps, when it has all of it (grid, key, loudness), by
 * this slipmat's analysis (an older one's is done again), for a track of
 * this length (a file replaced under the same name differs).
 * Return: 1 and an filled, or 0.
 */
static int stored_analysis(const struct store_record *rec, long frames, struct analysis *an)
{
	memset(an, 0, sizeof *an);
	if (rec->analysis != ANALYSIS_VERSION || !rec->grid.valid || !rec->key[0] ||
	    rec->loudness == 0 || frames <= 0 ||
	    fabs(rec->duration - (double)frames / engine.rate) > 0.05 ||
	    grid_set(&an->grid, rec->grid.bpm, rec->grid.first_beat * engine.rate,
		     (int)rec->grid.beats_per_bar) != 0)
		return 0;
	an->key = KEY_NOT_FOUND;
	for (int k = 0; k < 24; k++)
		if (!strcmp(key_camelot(k), rec->key))
			an->key = k;
	an->lufs = rec->loudness;
	return an->key != KEY_NOT_FOUND;
}

/*
 * After DECK_LOAD: the saved cue point and hot cues of path, when it has
 * some. Return: 1 when its record also holds the track's whole analysis
 * (in known), 0 otherwise.
 */
static int prep_restore(int deck, const char *path, struct analysis *known)
{
	static struct store_record rec;
	struct prep *p = &prep[deck];
	const char *rel = NULL;
	char why[STORE_WHY_MAX];

	memset(p, 0, sizeof *p);
	p->src = source_of(path, &rel);
	if (p->src < 0)
		return 0;
	snprintf(p->rel, sizeof p->rel, "%s", rel);
	if (store_load(library.source[p->src].root, p->rel, &rec, why, sizeof why) != 0)
		return 0;
	p->cue = rec.cue * engine.rate;
	prep_cmd(deck, DECK_CUE_POINT, 0, p->cue, 0);
	for (int i = 0; i < DECK_HOTCUES && i < STORE_HOTCUES; i++)
		if (rec.hotcues >> i & 1) {
			p->hotcue[i] = rec.hotcue[i] * engine.rate;
			p->hotcues |= 1u << i;
			prep_cmd(deck, DECK_HOTCUE_SET, i, p->hotcue[i], 1);
		}
	log_info("deck %c: %s: cue point and %d hot cue%s from %s", 'A' + deck, p->rel,
		 __builtin_popcount(p->hotcues), __builtin_popcount(p->hotcues) == 1 ? "" : "s",
		 library.source[p->src].name);
	return stored_analysis(&rec, atomic_load(&tracks[deck].frames), known);
}

static int prep_differs(const struct prep *p, const struct deck_state *d)
{
	if (p->hotcues != d->hotcues || p->cue != d->cue)
		return 1;
	for (int i = 0; i < DECK_HOTCUES; i++)
		if ((p->hotcues >> i & 1) && p->hotcue[i] != d->hotcue[i])
			return 1;
	return 0;
}

/*
 * Save rec under src's root: a stick is mounted read-write for the save
 * only. Return: 0, or -errno.
 */
static int save_record(const struct library_source *src, const struct store_record *rec)
{
	struct storage_dev *dev = NULL;
	int err;

	if (src->kind == LIBRARY_USB && have_storage)
		dev = storage_find(&storage, src->root);
	err = dev ? storage_writable(&storage, dev, 1) : 0;
	if (err == 0)
		err = store_save(src->root, rec);
	if (dev && storage_writable(&storage, dev, 0) && err == 0)
		err = -EROFS;
	return err;
}

static void prep_save(int deck)
{
	static struct store_record rec;
	struct prep *p = &prep[deck];
	const struct library_source *src = &library.source[p->src];
	int err;

	if (store_load(src->root, p->rel, &rec, NULL, 0) != 0) {
		memset(&rec, 0, sizeof rec);
		snprintf(rec.path, sizeof rec.path, "%s", p->rel);
	}
	rec.cue = p->cue / engine.rate;
	rec.hotcues = p->hotcues;
	for (int i = 0; i < STORE_HOTCUES && i < DECK_HOTCUES; i++)
		rec.hotcue[i] = p->hotcues >> i & 1 ? p->hotcue[i] / engine.rate : 0;
	err = save_record(src, &rec);
	if (err)
		log_error("deck %c: %s: hot cues not saved on %s: %s", 'A' + deck, p->rel, src->name,
			  strerror(-err));
	else
		log_info("deck %c: %s: cue point and %d hot cue%s saved on %s", 'A' + deck, p->rel,
			 __builtin_popcount(p->hotcues), __builtin_popcount(p->hotcues) == 1 ? "" : "s",
			 src->name);
}

/* The analysis of the deck's track, into its record on its device. */
static void prep_found(int deck, const struct analysis *an)
{
	static struct store_record rec;
	struct prep *p = &prep[deck];
	const struct library_source *src;
	int err;

	if (p->src < 0 || library.source[p->src].state == LIBRARY_FREE)
		return;
	src = &library.source[p->src];
	if (store_load(src->root, p->rel, &rec, NULL, 0) != 0) {
		memset(&rec, 0, sizeof rec);
		snprintf(rec.path, sizeof rec.path, "%s", p->rel);
	}
	if (an->grid.valid) {
		rec.grid.bpm = an->grid.bpm;
		rec.grid.first_beat = an->grid.first_beat / an->rate;
		rec.grid.beats_per_bar = (uint32_t)an->grid.beats_per_bar;
		rec.grid.valid = 1;
		rec.bpm = (float)an->grid.bpm;
	}
	snprintf(rec.key, sizeof rec.key, "%s", key_camelot(an->key));
	rec.loudness = (float)an->lufs;
	rec.duration = (double)an->frames / an->rate;
	rec.analysis = ANALYSIS_VERSION;
	err = save_record(src, &rec);
	if (err)
		log_error("deck %c: %s: analysis not saved on %s: %s", 'A' + deck, p->rel, src->name,
			  strerror(-err));
	/* the library browser's row shows the tempo, key and length found tonight */
	err = library_find_path(&library, p->src, p->rel);
	if (err >= 0) {
		const struct library_track *t = library_track(&library, (uint32_t)err);
		char key[sizeof t->key];

		snprintf(key, sizeof key, "%s", an->key != KEY_NOT_FOUND ? rec.key : t->key);
		library_set_tempo(&library, (uint32_t)err, rec.bpm > 0 ? rec.bpm : t->bpm, key);
		library_set_length(&library, (uint32_t)err, (float)rec.duration);
	}
}

/* Each tick: note what changed on the decks' tracks; save once they are still. */
static void prep_tick(long ms)
{
	for (int d = 0; d < ENGINE_DECKS && have_engine_now; d++) {
		struct prep *p = &prep[d];
		const struct deck_state *s = &engine_now.deck[d];

		if (p->src < 0 || !s->loaded || s->track != &tracks[d] ||
		    library.source[p->src].state == LIBRARY_FREE)
			continue;
		if (prep_differs(p, s)) {
			p->cue = s->cue;
			p->hotcues = s->hotcues;
			memcpy(p->hotcue, s->hotcue, sizeof p->hotcue);
			p->changed = ms;
		} else if (p->changed && ms - p->changed >= PREP_SAVE_MS) {
			p->changed = 0;
			prep_save(d);
		}
	}
}

/* The deck's info bar: the file's tags (its name when it has none) and the loader's note. */
static void show_track(int deck, const char *path, const char *note)
{
	struct ui_track t = {0};
	struct tags tg;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && tags_read(fd, path, &tg) == 0) {
		snprintf(t.title, sizeof t.title, "%s", tg.title);
		snprintf(t.artist, sizeof t.artist, "%s", tg.artist);
		snprintf(t.key, sizeof t.key, "%s", tg.key);
		t.bpm = tg.bpm;
	}
	if (fd >= 0)
		close(fd);
	snprintf(t.note, sizeof t.note, "%.120s", note);
	shown[deck] = t;
	screens_track(deck, &t);
}

/* Each tick: start a load once its deck has let go of its track. */
static void load_tick(void)
{
	if (load_deck >= 0 && have_engine_now && engine_now.deck[load_deck].track != &tracks[load_deck]) {
		int deck = load_deck;

		load_deck = -1;
		if (load_start(&loader, &tracks[deck], load_path) == 0) {
			load_into = deck;
			snprintf(deck_path[deck], sizeof deck_path[deck], "%s", load_path);
			struct analysis known;
			int have_known;

			deck_op(deck, DECK_LOAD, &tracks[deck]);
			have_known = prep_restore(deck, load_path, &known);
			analysis_begin(deck);
			if (have_known && analyzing[deck]) {
				analyze_known(&analyzers[deck], &known);
				analysis_apply(deck, &analyzers[deck].result, "analysis from its record");
			}
			load_arm(1);
			show_track(deck, load_path, loader.msg);
			screens_played(load_path);
		} else {
			notify("Deck %c cannot load it: %.130s", 'A' + deck, loader.msg);
		}
	}
}
/* --- end of track loading --- */

/*
 * The engine, its track storage, and the test tracks it plays until the
 * box has tracks of its own: deck A's tone on the master, deck B's on
 * the cue (fw/audio.h's AUDIO_TONE_*).
 */
static void open_engine(struct app *a)
{
	int err = engine_init(&engine, &a->board, &a->arena);

	if (err) {
		log_error("engine: %s; no sound", strerror(-err));
		return;
	}
	have_engine = 1;
	audio_attach(&a->audio, &engine);
	open_loader(a); /* before the decks take what the arena has left */
	open_analyzers(a);
	err = take_tracks(a);
	if (err == 0)
		err = engine_test_tracks(&engine, tracks, AUDIO_TONE_A_HZ, AUDIO_TONE_B_HZ,
					 AUDIO_TONE_DBFS);
	if (err) {
		log_error("engine: no test tracks: %s", strerror(-err));
		return;
	}
	have_test_tracks = 1;
	log_info("decks: %.1f min of track storage each; deck A: %d Hz test track on master, "
		 "deck B: %d Hz on cue (%s)",
		 tracks[0].capacity / 60.0 / engine.rate, AUDIO_TONE_A_HZ, AUDIO_TONE_B_HZ,
		 engine_routing(&engine));
}

/* What plays, in a few words, for the test card. */
static void describe_sound(char *buf, size_t size)
{
	if (have_test_tracks)
		snprintf(buf, size, "deck A %d Hz test track on master, deck B %d Hz on cue (%s)",
			 AUDIO_TONE_A_HZ, AUDIO_TONE_B_HZ, engine_routing(&engine));
	else if (have_engine)
		snprintf(buf, size, "decks empty (%s)", engine_routing(&engine));
	else
		snprintf(buf, size, "no engine: silence");
}

/*
 * The audio thread on the profile's device; a device that is not there,
 * or goes away later, is reopened when it comes (back), and the engine
 * plays on from where it was.
 */
static void open_audio(struct app *a)
{
	const struct pcm_ops *ops =
		a->board.backend == BOARD_BACKEND_SIM ? &pcm_wav_ops : &pcm_alsa_ops;

	audiodev_init(&audiodev, &a->audio, &a->board, &a->arena, ops);
	audiodev_start(&audiodev); /* a failure is logged and retried */
	a->have_audio = 1;
}

/*
 * The DJ's screens on the displays, once there is an engine to play;
 * without a layout that fits (or without an engine) the test card stays.
 */
static void open_screens(struct app *a)
{
	char msg[200];

	thermal_open(&thermal, "/sys/class/thermal");
	status_bar.temp_c = NAN;
	if (!a->have_displays || !have_engine)
		return;
	if (screens_open(&a->displays, &a->board, &engine, msg, sizeof msg) != 0) {
		log_warn("screens: %s; showing the test card", msg);
		return;
	}
	screens_library(have_library ? &library : NULL, browser_rows,
			 browser_rows ? library.capacity : 0, browser_load);
	screens_offer(&offer);
	/* A broken profile is the technician's to fix: the card lists every error. */
	if (a->board_errs.count > 0)
		screens_show_card(1);
	if (have_test_tracks) {
		struct ui_track t = {0};

		/* where engine_test_tracks() left the mixer */
		screens_control(W_FADER, 1, 0.0f);
		screens_control(W_PHONES_CUE, 1, 1.0f);
		screens_control(W_XFADER, -1, -1.0f);
		screens_control(W_PHONES_BLEND, -1, 0.0f);
		for (int d = 0; d < ENGINE_DECKS; d++) {
			snprintf(t.title, sizeof t.title, "Test tone %d Hz",
				 d == 0 ? AUDIO_TONE_A_HZ : AUDIO_TONE_B_HZ);
			snprintf(t.artist, sizeof t.artist, "slipmat, %s",
				 d == 0 ? "on the master" : "on the cue");
			screens_track(d, &t);
		}
	}
}

/*
 * After a crash PID 1 hands back the decks' last reported state
 * (fw/supervise.h), per deck "A|B POS PLAYING PITCH RANGE[ sync][ LEN PATH];"
 * with " sync" when it followed the other deck and the file's path (LEN
 * bytes) when it had one. The test tracks take the position, pitch and
 * play at once; a deck with a file loads it again (one after the other),
 * and once the decoder has passed the position by a second the deck goes
 * back there, at its pitch, plays if it played and syncs if it synced.
 */
struct resume {
	char path[LOAD_PATH_MAX];
	double pos, pitch, range;
	int playing, sync;
	enum { RESUME_NONE, RESUME_LOAD, RESUME_SEEK } step;
};
static struct resume resumes[ENGINE_DECKS];
static long resume_ms; /* when PID 1's state was read */
#define RESUME_WAIT_MS 5000

static void resume_apply(int i, double pos, int playing, double pitch, double range, int sync)
{
	struct engine_cmd c = {.op = ENGINE_DECK, .deck = i};

	c.d.op = DECK_PITCH_RANGE, c.d.a = range;
	engine_command(&engine, &c);
	c.d.op = DECK_PITCH, c.d.a = pitch / range;
	engine_command(&engine, &c);
	c.d.op = DECK_SEEK, c.d.a = pos;
	engine_command(&engine, &c);
	c.d.op = DECK_PLAY, c.d.a = playing;
	engine_command(&engine, &c);
	if (sync) {
		c.d.op = DECK_SYNC, c.d.a = 1;
		engine_command(&engine, &c);
	}
	log_info("deck %c resumed at %.3f s, %s%s", 'A' + i, pos / engine.rate,
		 playing ? "playing" : "paused", sync ? ", synced" : "");
}

static void resume_decks(void)
{
	const char *p = supervise_player_resume();
	char deck;
	double pos, pitch, range;
	int playing, n, sync;

	resume_ms = now_ms();

	while (p && sscanf(p, " %c %lf %d %lf %lf%n", &deck, &pos, &playing, &pitch, &range, &n) == 5) {
		int i = deck - 'A';
		char path[LOAD_PATH_MAX] = "";
		size_t len;

		p += n;
		sync = !strncmp(p, " sync", 5);
		p += sync ? 5 : 0;
		if (*p == ' ' && sscanf(p, " %zu%n", &len, &n) == 1 && p[n] == ' ' &&
		    len < sizeof path && strnlen(p + n + 1, len) == len) {
			memcpy(path, p + n + 1, len);
			path[len] = '\0';
			p += n + 1 + len;
		}
		if (*p++ != ';')
			break;
		if (i < 0 || i >= ENGINE_DECKS || range <= 0)
			continue;
		if (path[0] && have_loader) {
			struct resume *r = &resumes[i];

			snprintf(r->path, sizeof r->path, "%s", path);
			r->pos = pos < 0 ? 0 : pos, r->playing = playing;
			r->pitch = pitch, r->range = range, r->sync = sync;
			r->step = RESUME_LOAD;
		} else if (have_test_tracks && !path[0]) {
			resume_apply(i, pos, playing, pitch, range, sync);
		}
	}
}

/* Each tick: the next deck's file loads; a loaded one goes back to its place. */
static void resume_tick(void)
{
	for (int i = 0; i < ENGINE_DECKS; i++) {
		struct resume *r = &resumes[i];
		long ready = atomic_load(&tracks[i].ready), frames = atomic_load(&tracks[i].frames);

		/* a stick's track waits (a while) for the stick's library source: its record */
		if (r->step == RESUME_LOAD && source_of(r->path, &(const char *){NULL}) < 0 &&
		    now_ms() - resume_ms < RESUME_WAIT_MS)
			continue;
		if (r->step == RESUME_LOAD && load_deck < 0 && load_into < 0) {
			log_info("deck %c: loading %s again", 'A' + i, r->path);
			load_begin(i, r->path);
			r->step = RESUME_SEEK;
			return;
		}
		if (r->step != RESUME_SEEK || load_deck == i || strcmp(deck_path[i], r->path))
			continue;
		if (ready >= r->pos + engine.rate || (load_into != i && ready == frames && frames > 0)) {
			resume_apply(i, r->pos < frames ? r->pos : 0, r->playing, r->pitch, r->range,
				     r->sync);
			r->step = RESUME_NONE;
		} else if (load_into != i) {
			log_warn("deck %c: %s did not load again; the deck stays empty", 'A' + i, r->path);
			r->step = RESUME_NONE;
		}
	}
}

/* Once a second, to PID 1: the heartbeat with the decks' state. */
static void report_to_init(struct app *a)
{
	char state[SUPERVISE_RESUME_MAX] = "";
	unsigned long frames = 0, periods = have_engine_now ? engine_now.periods : 0;
	size_t len = 0;

	for (int i = 0; i < a->displays.count && a->have_displays; i++)
		frames += a->displays.d[i].frames;
	for (int i = 0; have_engine_now && i < ENGINE_DECKS; i++) {
		const struct deck_state *d = &engine_now.deck[i];
		int n = snprintf(state + len, sizeof state - len, "%c %.0f %d %.3f %.0f%s", 'A' + i,
				 d->pos, d->playing, d->pitch, d->range, d->sync ? " sync" : "");

		if (n > 0 && (size_t)n < sizeof state - len)
			len += (size_t)n;
		n = -1;
		if (deck_path[i][0] && d->loaded)
			n = snprintf(state + len, sizeof state - len, " %zu %s;", strlen(deck_path[i]),
				     deck_path[i]);
		if (n < 0 || (size_t)n >= sizeof state - len) /* no file, or no room for its path */
			n = snprintf(state + len, sizeof state - len, ";");
		if (n > 0 && (size_t)n < sizeof state - len)
			len += (size_t)n;
	}
	supervise_player_tick(periods, frames, state);
}

int app_init(struct app *a, const char *board_path, int pid1)
{
	size_t arena_bytes;
	int err;

	memset(a, 0, sizeof *a);
	a->signal_fd = a->timer_fd = -1;
	a->pid1 = pid1;
	a->board_path = board_path;
	clock_gettime(CLOCK_MONOTONIC, &a->started);

	if (board_load(&a->board, board_path, &a->board_errs)) {
		for (int i = 0; i < a->board_errs.count && i < BOARD_MAX_ERRORS; i++)
			log_error("%s", a->board_errs.msg[i]);
		log_error("profile %s has %d error%s: running on built-in safe defaults",
			  board_path, a->board_errs.count, a->board_errs.count == 1 ? "" : "s");
	}
	log_info("board %s (%s)", a->board.name, a->board.path);

	arena_bytes = (size_t)a->board.memory.arena_mb << 20;
	err = arena_init(&a->arena, arena_bytes);
	if (err)
		return err;
	err = loop_init(&a->loop, &a->arena, a->board.memory.max_fds);
	if (err)
		return err;
	err = open_signals(a);
	if (err)
		return err;

	open_displays(a);
	/* Listen before the first scan: a device that appears in between
	 * is then announced, never lost (a second "add" is ignored). */
	if (uevent_open(&a->uevent, &a->loop, on_uevent, a) == 0)
		a->have_uevent = 1;
	open_library(a);
	open_touch(a);
	open_engine(a);
	resume_decks();
	open_audio(a);
	open_screens(a);
	if (ctl_open(&a->ctl, a->board.control, &a->arena, &a->loop, on_command, a) == 0)
		a->have_ctl = 1;
	err = open_tick(a);
	if (err)
		return err;

	guard_arm();
	log_info("ready: arena %zu of %zu KiB used", a->arena.used >> 10, a->arena.size >> 10);
	return 0;
}

void app_run(struct app *a)
{
	loop_run(&a->loop);
}

void app_clear(struct app *a)
{
	guard_disarm();
	if (a->timer_fd >= 0) {
		loop_del(&a->loop, a->timer_fd);
		close(a->timer_fd);
	}
	if (a->have_ctl)
		ctl_close(&a->ctl);
	if (a->have_audio)
		audiodev_stop(&audiodev);
	if (have_loader) { /* track loading */
		load_clear(&loader);
		loop_del(&a->loop, load_timer);
		have_loader = 0;
	}
	if (load_timer >= 0)
		close(load_timer);
	load_timer = -1;
	if (have_engine) {
		engine_clear(&engine);
		have_engine = have_test_tracks = have_engine_now = 0;
	}
	if (have_storage)
		storage_clear(&storage);
	if (have_library)
		scan_clear(&scan);
	have_storage = have_library = 0;
	if (a->have_uevent)
		uevent_close(&a->uevent, &a->loop);
	if (a->have_touch)
		a->touch.ops->close(&a->touch, &a->loop);
	if (a->have_displays)
		a->displays.ops->close(&a->displays, &a->loop);
	if (a->signal_fd >= 0) {
		loop_del(&a->loop, a->signal_fd);
		close(a->signal_fd);
	}
	loop_clear(&a->loop);
	arena_clear(&a->arena);
	log_info("stopped");
}

static void on_signal(void *ctx, int fd, uint32_t events)
{
	struct app *a = ctx;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			pid1_reap();
			break;
		case SIGTERM:
		case SIGINT:
			if (a->pid1) {
				log_warn("signal %u ignored: init does not stop", si.ssi_signo);
				break;
			}
			log_info("signal %u: stopping", si.ssi_signo);
			loop_stop(&a->loop);
			break;
		default:
			break;
		}
	}
}

static void on_flip(void *ctx, int index)
{
	struct app *a = ctx;

	if (!a->first_frame_logged && a->displays.d[index].frames > 0) {
		a->first_frame_logged = 1;
		report_to_init(a); /* PID 1 knows the decks from the first frame on */
		log_info("first frame on %s", a->displays.d[index].name);
		if (a->pid1 || supervise_player_linked()) {
			char line[80];
			snprintf(line, sizeof line, "slipmat: first frame on %s\n",
				 a->displays.d[index].name);
			pid1_kmsg(line);
		}
	}
}

/* A recent log line that repeats a profile error already on the card. */
static int is_board_error(const struct app *a, const char *line)
{
	for (int i = 0; i < a->board_errs.count && i < BOARD_MAX_ERRORS; i++)
		if (!strcmp(line, a->board_errs.msg[i]))
			return 1;
	return 0;
}

/*
 * Fill the test card's text lines: what a technician checks at a glance,
 * then what went wrong: the profile's errors first (the box runs on safe
 * defaults until they are fixed), then the latest warnings and errors.
 */
static int card_lines(struct app *a, char lines[][LOG_LINE_MAX], int max, int *nerrors)
{
	struct audio_report ar;
	char recent[LOG_RECENT_MAX][LOG_LINE_MAX], sound[96];
	int n = 0, i, nrecent, first_error;

	if (a->have_audio) {
		audio_report(&a->audio, &ar);
		describe_sound(sound, sizeof sound);
		snprintf(lines[n++], LOG_LINE_MAX, "audio %s %s %d Hz %d ch, period %d x %d, %s",
			 ar.device, ar.format, ar.rate, ar.channels, ar.period, ar.periods,
			 ar.state);
		snprintf(lines[n++], LOG_LINE_MAX, "%s; xruns %lu; load %.1f%%", sound, ar.xruns,
			 ar.load_avg);
	} else {
		snprintf(lines[n++], LOG_LINE_MAX, "audio: no device");
	}
	snprintf(lines[n++], LOG_LINE_MAX, "touch devices %d", a->have_touch ? a->touch.count : 0);
	first_error = n;
	for (i = 0; i < a->board_errs.count && i < BOARD_MAX_ERRORS && n < max; i++)
		snprintf(lines[n++], LOG_LINE_MAX, "%s", a->board_errs.msg[i]);
	nrecent = log_recent(recent, LOG_RECENT_MAX);
	/* The newest other lines that fit, oldest of them first. */
	int idx[LOG_RECENT_MAX], m = 0;
	for (i = 0; i < nrecent; i++)
		if (!is_board_error(a, recent[i]))
			idx[m++] = i;
	for (i = m > max - n ? m - (max - n) : 0; i < m; i++)
		memcpy(lines[n++], recent[idx[i]], LOG_LINE_MAX);
	*nerrors = n - first_error;
	return n;
}

static void draw(struct app *a, int i, char lines[][LOG_LINE_MAX], int nlines, int nerrors)
{
	struct display *d = &a->displays.d[i];
	struct testcard tc = {
		.display_name = d->name,
		.mode_w = d->mode_w,
		.mode_h = d->mode_h,
		.refresh = d->refresh,
		.rotation = d->rotation,
		.board_name = a->board.name,
		.frame = d->frames,
		.mark_valid = a->mark[i].valid,
		.mark_x = a->mark[i].x,
		.mark_y = a->mark[i].y,
		.nlines = nlines,
		.nerrors = nerrors,
	};

	for (int k = 0; k < nlines && k < 8; k++)
		tc.lines[k] = lines[k];
	testcard_draw(&d->fb, &tc);
	display_damage(d, 0, 0, d->fb.w, d->fb.h); /* the card redraws it all */
	a->displays.ops->present(&a->displays, i);
}

static void on_tick(void *ctx, int fd, uint32_t events)
{
	struct app *a = ctx;
	char lines[8][LOG_LINE_MAX];
	uint64_t expirations;
	int nlines, nerrors, second;
	long ms;

	(void)events;
	if (read(fd, &expirations, sizeof expirations) < 0)
		return;
	a->ticks++;
	/* Once-a-second work goes by the clock: a busy loop ticks slower. */
	ms = now_ms();
	second = !a->last_second_ms || ms - a->last_second_ms >= 1000;
	if (second)
		a->last_second_ms = ms;
	/* The engine's latest state; draining its ring keeps it fresh. */
	if (have_engine && engine_state(&engine, &engine_now) == 0)
		have_engine_now = 1;
	if (have_loader) {
		resume_tick();
		load_tick();
	}
	if (have_analyzers)
		analysis_tick();
	if (have_library)
		prep_tick(ms);
	/* Once a second: a dead audio thread is logged (and shown) once, and
	 * a missing device tried again. */
	if (a->have_audio && second)
		audiodev_tick(&audiodev);
	if (have_library)
		scan_step(&scan, APP_SCAN_BUDGET_NS);
	/* touch to sound: the taps the engine timed since the last state */
	if (have_engine_now)
		touchlat_update(&touchlat, &engine_now);
	if (second)
		report_to_init(a);
	if (offer_step(&offer, APP_OFFER_BUDGET_NS, ms) && !supervise_player_restart())
		supervise_player_installed(&offer.best);
	/* An update was installed and the answer went out: PID 1 restarts us. */
	if (supervise_player_restart())
		loop_stop(&a->loop);
	if (!a->have_displays)
		return;
	if (second)
		read_status(a);
	screens_tick(&a->displays, have_engine_now ? &engine_now : NULL, &status_bar, ms);
	if (screens_active() || a->ticks % 2) /* the test card: 30 frames a second */
		return;
	nlines = card_lines(a, lines, 8, &nerrors);
	for (int i = 0; i < a->displays.count; i++)
		if (!a->displays.d[i].flip_pending)
			draw(a, i, lines, nlines, nerrors);
}

static void on_touch(void *ctx, const struct touch_point *p)
{
	struct app *a = ctx;
	struct app_mark *m;

	if (p->display < 0 || p->display >= BOARD_MAX_DISPLAYS)
		return;
	screens_touch(p, now_ms());
	m = &a->mark[p->display];
	if (p->kind == TOUCH_UP)
		return;
	m->valid = 1;
	m->x = p->x;
	m->y = p->y;
	if (p->kind == TOUCH_DOWN) {
		m->touches++;
		log_info("touch on display %d at %d,%d", p->display, p->x, p->y);
	}
}

static void on_uevent(void *ctx, const struct uevent *ev)
{
	struct app *a = ctx;
	char node[64];
	int added;

	if (a->have_audio)
		audiodev_uevent(&audiodev, ev);
	if (have_storage)
		storage_uevent(&storage, ev);
	/* The kernel dropped messages: rescan rather than guess. */
	if (!strcmp(ev->action, "overflow")) {
		if (have_storage)
			storage_rescan(&storage);
		if (a->have_touch)
			a->touch.ops->hotplug(&a->touch, &a->loop, 1, NULL);
		return;
	}
	if (strcmp(ev->subsystem, "input") || strncmp(ev->devname, "input/event", 11))
		return;
	added = !strcmp(ev->action, "add");
	if (!added && strcmp(ev->action, "remove"))
		return;
	snprintf(node, sizeof node, "/dev/%s", ev->devname);
	if (a->have_touch)
		a->touch.ops->hotplug(&a->touch, &a->loop, added, node);
}

/* A level as dBFS text: "-12.0", or "-inf" for silence. */
static const char *dbfs(float x, char *buf, size_t size)
{
	if (x > 1e-6f)
		snprintf(buf, size, "%.1f", 20.0 * log10(x));
	else
		snprintf(buf, size, "-inf");
	return buf;
}

static void status_deck(struct ctl_reply *r, int i, const struct deck_state *d, int rate)
{
	char loop[48] = "off", bpm[16] = "-";

	if (d->loop_active)
		snprintf(loop, sizeof loop, "%.3f-%.3f s", d->loop_in / rate, d->loop_out / rate);
	if (d->bpm > 0)
		snprintf(bpm, sizeof bpm, "%.2f", d->bpm);
	char cues[64] = "none";
	int n = 0;

	for (int h = 0; h < DECK_HOTCUES; h++)
		if (d->hotcues >> h & 1)
			n += snprintf(cues + n, sizeof cues - (size_t)n, "%s%d@%.3f", n ? " " : "", h + 1,
				      d->hotcue[h] / rate);
	ctl_printf(r, "deck %c: %s, %.3f of %.3f s (%.3f decoded), speed %.4f, pitch %+.2f %% of "
		      "%.0f %%, bpm %s, loop %s, sync %s%s, slip %s, quantise %s, hot cues %s\n",
		   'A' + i,
		   !d->loaded	    ? "empty"
		   : d->scrubbing  ? "scrubbing"
		   : d->previewing ? "previewing"
		   : d->playing    ? "playing"
				   : "paused",
		   d->pos / rate, d->frames / rate, d->ready / rate, d->step, d->pitch, d->range, bpm,
		   loop, d->sync ? "on" : "off", d->following ? " (following)" : "",
		   d->slip ? "on" : "off", d->quantise ? "on" : "off", cues);
}

/* The engine's lines of status: decks, mixer, meters. */
static void status_engine(struct ctl_reply *r)
{
	const struct engine_state *s = &engine_now;
	char b[6][16];
	int i;

	if (!have_engine) {
		ctl_printf(r, "engine: none\n");
		return;
	}
	ctl_printf(r, "engine: %d Hz, %s; %s\n", engine.rate, engine_routing(&engine),
		   have_test_tracks ? "test tracks" : "no tracks");
	if (!have_engine_now) {
		ctl_printf(r, "engine state: none yet (the audio thread has not run)\n");
		return;
	}
	ctl_printf(r, "engine periods: %lu (%.1f s), commands %lu\n", s->periods,
		   (double)s->frames / engine.rate, s->commands);
	for (i = 0; i < ENGINE_DECKS; i++)
		status_deck(r, i, &s->deck[i], engine.rate);
	ctl_printf(r, "mixer: crossfader %+.2f (%s), master %.1f dB, headphones blend %.2f "
		      "at %.1f dB, limiter reducing %.1f dB\n",
		   s->xfader,
		   s->xfader_curve == XF_LINEAR	 ? "linear"
		   : s->xfader_curve == XF_CUT ? "cut"
					       : "constant power",
		   s->master_db, s->hp_blend, s->hp_db, s->limiter_db);
	ctl_printf(r, "meters (peak/rms dBFS): A %s/%s, B %s/%s, master %s/%s\n",
		   dbfs(fmaxf(s->ch_peak[0][0], s->ch_peak[0][1]), b[0], 16),
		   dbfs(fmaxf(s->ch_rms[0][0], s->ch_rms[0][1]), b[1], 16),
		   dbfs(fmaxf(s->ch_peak[1][0], s->ch_peak[1][1]), b[2], 16),
		   dbfs(fmaxf(s->ch_rms[1][0], s->ch_rms[1][1]), b[3], 16),
		   dbfs(fmaxf(s->master_peak[0], s->master_peak[1]), b[4], 16),
		   dbfs(fmaxf(s->master_rms[0], s->master_rms[1]), b[5], 16));
	{
		char line[160];

		touchlat_format(&touchlat, line, sizeof line);
		ctl_printf(r, "%s\n", line);
	}
}

static void status(struct app *a, struct ctl_reply *r)
{
	struct guard_counts gc;
	struct timespec now;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ctl_printf(r, "board: %s (%s)\n", a->board.name, a->board.path);
	ctl_printf(r, "profile errors: %d\n", a->board_errs.count);
	for (i = 0; i < a->board_errs.count && i < BOARD_MAX_ERRORS; i++)
		ctl_printf(r, "  %s\n", a->board_errs.msg[i]);
	ctl_printf(r, "uptime: %.1f s\n",
		   (double)(now.tv_sec - a->started.tv_sec) +
			   (now.tv_nsec - a->started.tv_nsec) / 1e9);

	ctl_printf(r, "displays: %d%s%s\n", a->have_displays ? a->displays.count : 0,
		   a->displays.error[0] ? " - " : "", a->displays.error);
	for (i = 0; a->have_displays && i < a->displays.count; i++) {
		const struct display *d = &a->displays.d[i];
		ctl_printf(r, "display %d: %s %dx%d@%d rotation %d, frames %lu, flip fallbacks %lu\n",
			   d->index, d->name, d->mode_w, d->mode_h, d->refresh, d->rotation,
			   d->frames, d->flip_failures);
	}

	{
		char sc[256];

		screens_format(sc, sizeof sc);
		ctl_printf(r, "screens: %s\n", sc);
	}
	ctl_printf(r, "touch devices: %d\n", a->have_touch ? a->touch.count : 0);
	for (i = 0; a->have_touch && i < TOUCH_MAX_DEVICES; i++) {
		const struct touch_device *t = &a->touch.dev[i];
		if (!t->active)
			continue;
		ctl_printf(r, "touch %s: \"%s\" phys %s -> display %d, %s, events %lu, "
			      "syn_dropped %lu\n",
			   t->path, t->name, t->phys[0] ? t->phys : "-", t->display,
			   t->multitouch ? "multitouch" : "single-touch", t->events, t->syn_dropped);
	}
	for (i = 0; i < a->displays.count && i < BOARD_MAX_DISPLAYS; i++)
		if (a->mark[i].valid)
			ctl_printf(r, "last touch on display %d: %d,%d (%lu touches)\n", i,
				   a->mark[i].x, a->mark[i].y, a->mark[i].touches);

	if (a->have_audio) {
		struct audio_report ar;
		char hotplug[160];

		const struct board_audio *ba = &a->board.audio;
		const char *routing = ba->outputs == OUTPUTS_MASTER_CUE
					      ? "master 1-2, cue 3-4"
					      : "split cue: master left, cue right";

		audio_report(&a->audio, &ar);
		if (ar.rate > 0 && audiodev.state != AUDIODEV_ABSENT) {
			ctl_printf(r, "audio device: %s \"%s\"\n", ar.device, ar.card);
			ctl_printf(r, "audio format: %s, %d Hz, %d channels (%s)\n", ar.format,
				   ar.rate, ar.channels, routing);
			ctl_printf(r, "audio period: %d frames x %d (%.2f ms)\n", ar.period,
				   ar.periods, 1000.0 * ar.period / ar.rate);
		} else {
			/* Away (unplugged, or refused): say what the profile asks for. */
			ctl_printf(r, "audio device: %s (not open)\n", ba->device);
			ctl_printf(r, "audio format: none while not open; the profile asks for %s, "
				      "%d Hz, %d channels (%s)\n",
				   convert_format_name(ba->format), ba->rate, ba->channels, routing);
			ctl_printf(r, "audio period: none while not open; the profile asks for %d "
				      "frames x %d\n",
				   ba->period, ba->periods);
		}
		ctl_printf(r, "audio state: %s\n", ar.state);
		ctl_printf(r, "audio xruns: %lu\n", ar.xruns);
		ctl_printf(r, "audio thread: %s priority %d, mlock %s, load %.1f%% (peak %.1f%%), "
			      "periods %lu, minor faults %ld\n",
			   ar.fifo ? "SCHED_FIFO" : "SCHED_OTHER (SCHED_FIFO refused)", ar.priority,
			   ar.mlocked ? "yes" : "no", ar.load_avg, ar.load_peak, ar.periods_done,
			   ar.minor_faults);
		if (ar.rtguard < 0)
			ctl_printf(r, "audio syscall filter: refused (%s)\n", strerror(-ar.rtguard));
		audiodev_format(&audiodev, hotplug, sizeof hotplug);
		ctl_printf(r, "audio hotplug: %s\n", hotplug);
	} else {
		ctl_printf(r, "audio device: none (%s)\n", a->board.audio.device);
	}
	status_engine(r);
	if (have_library) {
		int sources = 0, scanning = 0;
		for (i = 0; i < LIBRARY_MAX_SOURCES; i++) {
			sources += library.source[i].state != LIBRARY_FREE;
			scanning += library.source[i].state == LIBRARY_SCANNING;
		}
		ctl_printf(r, "library: %d tracks of %d from %d source%s%s (slipmat library)\n",
			   library.count, library.capacity, sources, sources == 1 ? "" : "s",
			   scanning ? ", scanning" : "");
	}

	guard_counts(&gc);
	ctl_printf(r, "memory: arena %.1f of %.1f MiB in use\n", a->arena.used / 1048576.0,
		   a->arena.size / 1048576.0);
	ctl_printf(r, "allocations: %lu at init, %lu in %lu configuration windows, %lu after init\n",
		   gc.init, gc.window, gc.windows, gc.stray);
}

/* A stick is mounted: it becomes a source and is scanned. */
static void on_stick(void *ctx, struct storage_dev *d)
{
	char name[LIBRARY_NAME];

	(void)ctx;
	snprintf(name, sizeof name, "usb %s", d->name);
	offer_stick(&offer, d->mnt, name);
	d->source = library_add_source(&library, LIBRARY_USB, name, d->mnt);
	if (d->source < 0) {
		log_warn("library: %s: not added (%s)", d->mnt, strerror(-d->source));
		return;
	}
	scan_start(&scan, d->source);
}

/* A stick is gone: its tracks leave the library (a deck plays on from memory). */
static void on_stick_gone(void *ctx, struct storage_dev *d)
{
	int n;

	(void)ctx;
	offer_stick_gone(&offer, d->mnt);
	if (d->source < 0)
		return;
	scan_cancel(&scan, d->source);
	n = library_drop_source(&library, d->source);
	d->source = -1;
	log_info("library: usb %s pulled out: its %d track%s left the library", d->name, n,
		 n == 1 ? "" : "s");
	{
		char decks[48] = "";
		size_t len = strlen(d->mnt);

		for (int i = 0; i < ENGINE_DECKS; i++)
			if (!strncmp(deck_path[i], d->mnt, len) && deck_path[i][len] == '/')
				snprintf(decks + strlen(decks), sizeof decks - strlen(decks), "%s%c",
					 decks[0] ? " and " : "; deck ", 'A' + i);
		notify("USB stick %s pulled out: its %d track%s left the library%s%s", d->name, n,
		       n == 1 ? "" : "s", decks, decks[0] ? " play on from memory" : "");
	}
}

static void library_line(struct ctl_reply *r, int i, uint32_t slot)
{
	const struct library_track *t = library_track(&library, slot);
	char bpm[32] = "";

	if (!t)
		return;
	if (t->bpm > 0 || t->key[0])
		snprintf(bpm, sizeof bpm, " [%.1f bpm%s%s]", t->bpm, t->key[0] ? ", " : "", t->key);
	ctl_printf(r, "%3d. %s%s%s%s (%s: %s)\n", i + 1, t->title, t->artist[0] ? " - " : "",
		   t->artist, bpm, library.source[t->source].name, t->path);
}

/*
 * Save a tempo and key into the record of the first track matching
 * text, on the track's own device (read-write only for the save), and
 * show them in the library. What the analysis and the UI will do; here
 * for technicians and tests until they come.
 */
static int library_prepare(const char *args, struct ctl_reply *r)
{
	static struct store_record rec;
	char key[8], why[STORE_WHY_MAX];
	const struct library_track *t;
	const struct library_source *src;
	uint32_t slot;
	float bpm;
	int used = 0, err;

	if (sscanf(args, "%f %7s %n", &bpm, key, &used) < 2 || !args[used] || !(bpm > 0) ||
	    bpm >= 1000) {
		ctl_printf(r, "library prepare: expected BPM KEY TEXT, e.g. 'library prepare 128 8A "
			      "blue monday'");
		return -1;
	}
	if (library_search(&library, args + used, LIBRARY_BY_TITLE, &slot, 1) < 1) {
		ctl_printf(r, "library prepare: no track matches '%.60s'", args + used);
		return -1;
	}
	t = library_track(&library, slot);
	src = &library.source[t->source];
	err = store_load(src->root, t->path, &rec, why, sizeof why);
	if (err) {
		memset(&rec, 0, sizeof rec); /* none yet, or one not worth keeping */
		snprintf(rec.path, sizeof rec.path, "%s", t->path);
	}
	rec.bpm = bpm;
	snprintf(rec.key, sizeof rec.key, "%s", key);
	err = save_record(src, &rec);
	if (err) {
		ctl_printf(r, "library prepare: saving on %s: %s", src->name, strerror(-err));
		return -1;
	}
	library_set_tempo(&library, slot, bpm, key);
	ctl_printf(r, "saved %s: %.1f bpm, key %s, on %s (%s/%s)\n", t->title, bpm, key, src->name,
		   src->root, STORE_DIR);
	return 0;
}

/*
 * "library [VIEW]": the sources and the first tracks of a view;
 * "library search TEXT": what a search finds, in title order;
 * "library prepare BPM KEY TEXT": see library_prepare().
 */
static int library_command(const char *args, struct ctl_reply *r)
{
	uint32_t slot[APP_LIBRARY_LINES];
	int view = LIBRARY_BY_TITLE, n, i, sources = 0;

	while (*args == ' ')
		args++;
	if (!have_library) {
		ctl_printf(r, "no library (see the log)");
		return -1;
	}
	if (!strncmp(args, "search", 6) && (args[6] == ' ' || args[6] == '\0')) {
		struct timespec t0, t1;
		const char *q = args[6] ? args + 7 : "";

		clock_gettime(CLOCK_MONOTONIC, &t0);
		n = library_search(&library, q, LIBRARY_BY_TITLE, slot, APP_LIBRARY_LINES);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ctl_printf(r, "search \"%s\": %d track%s of %d (%.2f ms)\n", q, n,
			   n == 1 ? "" : "s", library.count,
			   (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
		for (i = 0; i < n && i < APP_LIBRARY_LINES; i++)
			library_line(r, i, slot[i]);
		return 0;
	}
	if (!strncmp(args, "prepare ", 8))
		return library_prepare(args + 8, r);
	if (*args) {
		view = library_view_by_name(args);
		if (view < 0) {
			ctl_printf(r, "library: unknown view '%.40s' (title, artist, bpm, added, "
				      "key, search TEXT or prepare BPM KEY TEXT)",
				   args);
			return -1;
		}
	}
	for (i = 0; i < LIBRARY_MAX_SOURCES; i++)
		sources += library.source[i].state != LIBRARY_FREE;
	ctl_printf(r, "library: %d tracks of %d, %d source%s\n", library.count, library.capacity,
		   sources, sources == 1 ? "" : "s");
	for (i = 0; i < LIBRARY_MAX_SOURCES; i++) {
		const struct library_source *s = &library.source[i];
		if (s->state == LIBRARY_FREE)
			continue;
		ctl_printf(r, "source %s (%s): %d tracks, %s%s\n", s->name, s->root, s->tracks,
			   s->state == LIBRARY_SCANNING ? "scanning" : "scanned",
			   s->skipped ? ", some left out (index full)" : "");
	}
	n = library_list(&library, view, 0, slot, APP_LIBRARY_LINES);
	ctl_printf(r, "by %s, first %d of %d:\n", library_view_name(view), n, library.count);
	for (i = 0; i < n; i++)
		library_line(r, i, slot[i]);
	return 0;
}

static int on_command(void *ctx, const char *cmd, struct ctl_reply *r)
{
	struct app *a = ctx;

	if (!strcmp(cmd, "status")) {
		status(a, r);
		return 0;
	}
	if (!strcmp(cmd, "testcard on") || !strcmp(cmd, "testcard off")) {
		/* the card shows the touches made while it is up */
		if (cmd[10] == 'n')
			memset(a->mark, 0, sizeof a->mark);
		screens_show_card(cmd[10] == 'n');
		ctl_printf(r, "%s\n", screens_active() ? "DJ screens" : "test card");
		return 0;
	}
	if (!strcmp(cmd, "screens")) {
		screens_list(r);
		return 0;
	}
	if (!strcmp(cmd, "browser")) {
		screens_browser(r);
		return 0;
	}
	if (!strcmp(cmd, "ping")) {
		ctl_printf(r, "pong\n");
		return 0;
	}
	if (!strcmp(cmd, "library") || !strncmp(cmd, "library ", 8))
		return library_command(cmd + 7, r);
	if (!strcmp(cmd, "help")) {
		ctl_printf(r, "commands: status, ping, help, update PATH|confirm|status, load A|B PATH, play A|B, pause A|B, hotcue A|B N, screens, browser, library [title|artist|bpm|added|key], "
			      "library search TEXT, library prepare BPM KEY TEXT\n");
		return 0;
	}
	if (!strncmp(cmd, "hotcue ", 7) && have_engine && have_engine_now) {
		/* a hot cue pad pressed: jump to it when set, else set it here */
		int deck = (cmd[7] == 'A' || cmd[7] == 'a') ? 0 : (cmd[7] == 'B' || cmd[7] == 'b') ? 1 : -1;
		int n = cmd[8] == ' ' ? atoi(cmd + 9) : 0;

		if (deck < 0 || n < 1 || n > DECK_HOTCUES) {
			ctl_printf(r, "usage: hotcue A|B 1..%d", DECK_HOTCUES);
			return -1;
		}
		prep_cmd(deck, engine_now.deck[deck].hotcues >> (n - 1) & 1 ? DECK_HOTCUE_JUMP
									 : DECK_HOTCUE_SET,
			 n - 1, 0, 0);
		ctl_printf(r, "deck %c: hot cue %d\n", 'A' + deck, n);
		return 0;
	}
	if ((!strncmp(cmd, "play ", 5) || !strncmp(cmd, "pause ", 6)) && have_engine) {
		const char *d = cmd + (cmd[1] == 'l' ? 5 : 6);
		int deck = (*d == 'A' || *d == 'a') ? 0 : (*d == 'B' || *d == 'b') ? 1 : -1;
		struct engine_cmd c = {.op = ENGINE_DECK, .deck = deck};

		if (deck < 0 || d[1]) {
			ctl_printf(r, "usage: play A|B, pause A|B");
			return -1;
		}
		c.d.op = DECK_PLAY;
		c.d.a = cmd[1] == 'l';
		if (engine_command(&engine, &c) < 0) {
			ctl_printf(r, "deck %c: the engine's command ring is full", 'A' + deck);
			return -1;
		}
		ctl_printf(r, "deck %c: %s\n", 'A' + deck, c.d.a ? "play" : "pause");
		return 0;
	}
	if (!strncmp(cmd, "load ", 5))
		return load_command(cmd + 5, r);
	if (!strncmp(cmd, "update", 6) && (cmd[6] == ' ' || cmd[6] == '\0'))
		return supervise_player_command(cmd + 6, r);
	ctl_printf(r, "unknown command '%.60s' (try help)", cmd);
	return -1;
}
