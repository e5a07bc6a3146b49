/*
 * app.c: start reading at app_init(). The loop's handlers are below it
 * in the order the init registers them.
 */
#include "app.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "audiodev.h"
#include "deck.h"
#include "engine.h"
#include "guard.h"
#include "log.h"
#include "pid1.h"
#include "supervise.h"
#include "testcard.h"

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
/* The audio interface coming and going (fw/audiodev.h). */
static struct audiodev audiodev;

/* Arena left for what init takes after the decks (period buffers, control). */
#define APP_ARENA_RESERVE (4u << 20)

static void on_signal(void *ctx, int fd, uint32_t events);
static void on_tick(void *ctx, int fd, uint32_t events);
static void on_flip(void *ctx, int index);
static void on_touch(void *ctx, const struct touch_point *p);
static void on_uevent(void *ctx, const struct uevent *ev);
static int on_command(void *ctx, const char *cmd, struct ctl_reply *r);

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
 * After a crash PID 1 hands back the decks' last reported state
 * (fw/supervise.h): "A|B POS PLAYING PITCH RANGE;" per deck. Put back what
 * the engine can take: position, pitch, range, play.
 */
static void resume_decks(void)
{
	const char *p = supervise_player_resume();
	char deck;
	double pos, pitch, range;
	int playing, n;

	while (have_test_tracks && p &&
	       sscanf(p, " %c %lf %d %lf %lf;%n", &deck, &pos, &playing, &pitch, &range, &n) == 5) {
		int i = deck - 'A';
		struct engine_cmd c = { .op = ENGINE_DECK, .deck = i };

		p += n;
		if (i < 0 || i >= ENGINE_DECKS || range <= 0)
			continue;
		c.d.op = DECK_PITCH_RANGE, c.d.a = range;
		engine_command(&engine, &c);
		c.d.op = DECK_PITCH, c.d.a = pitch / range;
		engine_command(&engine, &c);
		c.d.op = DECK_SEEK, c.d.a = pos;
		engine_command(&engine, &c);
		c.d.op = DECK_PLAY, c.d.a = playing;
		engine_command(&engine, &c);
		log_info("deck %c resumed at %.3f s, %s", deck, pos / engine.rate,
			 playing ? "playing" : "paused");
	}
}

/* Once a second, to PID 1: the heartbeat with the decks' state. */
static void report_to_init(struct app *a)
{
	char state[160] = "";
	unsigned long frames = 0, periods = have_engine_now ? engine_now.periods : 0;
	size_t len = 0;

	for (int i = 0; i < a->displays.count && a->have_displays; i++)
		frames += a->displays.d[i].frames;
	for (int i = 0; have_engine_now && i < ENGINE_DECKS; i++) {
		const struct deck_state *d = &engine_now.deck[i];
		int n = snprintf(state + len, sizeof state - len, "%c %.0f %d %.3f %.0f;", 'A' + i,
				 d->pos, d->playing, d->pitch, d->range);
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
	open_touch(a);
	open_engine(a);
	resume_decks();
	open_audio(a);
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
	if (have_engine) {
		engine_clear(&engine);
		have_engine = have_test_tracks = have_engine_now = 0;
	}
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
	a->displays.ops->present(&a->displays, i);
}

static void on_tick(void *ctx, int fd, uint32_t events)
{
	struct app *a = ctx;
	char lines[8][LOG_LINE_MAX];
	uint64_t expirations;
	int nlines, nerrors;

	(void)events;
	if (read(fd, &expirations, sizeof expirations) < 0)
		return;
	a->ticks++;
	/* The engine's latest state; draining its ring keeps it fresh. */
	if (have_engine && engine_state(&engine, &engine_now) == 0)
		have_engine_now = 1;
	/* Once a second: a dead audio thread is logged (and shown) once, and
	 * a missing device tried again. */
	if (a->have_audio && a->ticks % APP_FPS == 0)
		audiodev_tick(&audiodev);
	if (a->ticks % APP_FPS == 0)
		report_to_init(a);
	/* An update was installed and the answer went out: PID 1 restarts us. */
	if (supervise_player_restart())
		loop_stop(&a->loop);
	if (!a->have_displays)
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
	/* The kernel dropped messages: rescan rather than guess. */
	if (!strcmp(ev->action, "overflow")) {
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
	ctl_printf(r, "deck %c: %s, %.3f of %.3f s (%.3f decoded), speed %.4f, pitch %+.2f %% of "
		      "%.0f %%, bpm %s, loop %s, sync %s%s, slip %s, quantise %s\n",
		   'A' + i,
		   !d->loaded	    ? "empty"
		   : d->scrubbing  ? "scrubbing"
		   : d->previewing ? "previewing"
		   : d->playing    ? "playing"
				   : "paused",
		   d->pos / rate, d->frames / rate, d->ready / rate, d->step, d->pitch, d->range, bpm,
		   loop, d->sync ? "on" : "off", d->following ? " (following)" : "",
		   d->slip ? "on" : "off", d->quantise ? "on" : "off");
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

		audio_report(&a->audio, &ar);
		ctl_printf(r, "audio device: %s \"%s\"\n", ar.device, ar.card);
		ctl_printf(r, "audio format: %s, %d Hz, %d channels (%s)\n", ar.format, ar.rate,
			   ar.channels,
			   a->board.audio.outputs == OUTPUTS_MASTER_CUE
				   ? "master 1-2, cue 3-4"
				   : "split cue: master left, cue right");
		ctl_printf(r, "audio period: %d frames x %d (%.2f ms)\n", ar.period, ar.periods,
			   1000.0 * ar.period / (ar.rate ? ar.rate : 1));
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

	guard_counts(&gc);
	ctl_printf(r, "memory: arena %.1f of %.1f MiB in use\n", a->arena.used / 1048576.0,
		   a->arena.size / 1048576.0);
	ctl_printf(r, "allocations: %lu at init, %lu in %lu configuration windows, %lu after init\n",
		   gc.init, gc.window, gc.windows, gc.stray);
}

static int on_command(void *ctx, const char *cmd, struct ctl_reply *r)
{
	struct app *a = ctx;

	if (!strcmp(cmd, "status")) {
		status(a, r);
		return 0;
	}
	if (!strcmp(cmd, "ping")) {
		ctl_printf(r, "pong\n");
		return 0;
	}
	if (!strcmp(cmd, "help")) {
		ctl_printf(r, "commands: status, ping, help, update PATH|confirm|status\n");
		return 0;
	}
	if (!strncmp(cmd, "update", 6) && (cmd[6] == ' ' || cmd[6] == '\0'))
		return supervise_player_command(cmd + 6, r);
	ctl_printf(r, "unknown command '%.60s' (try help)", cmd);
	return -1;
}
