/*
 * supervise.c: PID 1's player supervisor and the player's side of the
 * pipe. Start reading at supervise_run().
 */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "pid1.h"
#include "pubkey.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void supervise_init(struct supervise *s, struct updater *u, const char *self, const char *board)
{
	memset(s, 0, sizeof *s);
	s->u = u;
	s->self = self;
	s->board = board;
	s->trial_ms = 90000;
	s->silent_ms = 15000;
	s->from = UPDATE_TRIAL;
	s->pid = -1;
	s->fd = -1;
	s->splash_pid = -1;
}

/* The splash helper goes (its file closes: its picture is gone unless replaced). */
static void splash_down(struct supervise *s)
{
	if (s->splash_pid <= 0)
		return;
	kill(s->splash_pid, SIGTERM); /* reaped by the loop */
	s->splash_pid = -1;
}

/*
 * Put the splash with line up on the screens (a new helper), and end the
 * one before once the new one shows. Returns once DRM master is free for
 * the player: the helper said so, or was stopped.
 */
static void splash_up(struct supervise *s, const char *line)
{
	pid_t old = s->splash_pid, pid;
	struct pollfd p = {.events = POLLIN};
	int fds[2];
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		s->splash(s->board, line, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0) {
		log_error("supervise: no splash: fork: %s", strerror(errno));
		close(fds[0]);
		return;
	}
	p.fd = fds[0];
	if (poll(&p, 1, SUPERVISE_SPLASH_MS) != 1 || read(fds[0], &c, 1) != 1) {
		/* Gone, or stuck: it must not hold DRM master when the player opens the device. */
		log_warn("supervise: no splash: its helper was not up within %d ms",
		         SUPERVISE_SPLASH_MS);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(fds[0]);
	if (pid < 0)
		return;
	s->splash_pid = pid;
	s->splash_ms = now_ms();
	s->splashes++;
	/* The new picture is up: the old one goes unseen. */
	if (old > 0)
		kill(old, SIGTERM);
}

/* Why the screens show the splash, after choosing what runs next (was: the slot before). */
static void splash_line(const struct supervise *s, enum update_slot was, char *line, size_t n)
{
	const struct update_version *v = &s->u->chosen;

	if (s->slot == UPDATE_TRIAL)
		snprintf(line, n, "Starting the new firmware %u.%u.%u", v->major, v->minor,
		         v->patch);
	else if (was == UPDATE_TRIAL)
		snprintf(line, n, "The new firmware did not start: back to %u.%u.%u", v->major,
		         v->minor, v->patch);
	else if (s->fault)
		snprintf(line, n, "After a fault: the decks come back where they were");
	else
		snprintf(line, n, "Starting slipmat %u.%u.%u", v->major, v->minor, v->patch);
}

/* Fork and exec the chosen binary in the player role. */
static void start(struct supervise *s)
{
	int p[2];
	const char *path;
	char fdtext[8], line[96];
	enum update_slot was = s->slot;

	s->slot = update_choose(s->u, s->from, s->path, sizeof s->path);
	path = s->slot == UPDATE_SELF ? s->self : s->path;
	/* Not at boot: then the screens have not been lit yet. */
	if (s->splash && s->starts > 0) {
		splash_line(s, was, line, sizeof line);
		splash_up(s, line);
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		log_error("supervise: pipe: %s", strerror(errno));
		return;
	}
	s->starts++;
	s->good = s->killed = 0;
	s->inlen = 0;
	s->started_ms = s->heard_ms = now_ms();
	log_info("supervise: starting the %s firmware (%s)", update_slot_name(s->slot), path);
	s->pid = fork();
	if (s->pid == 0) {
		sigset_t none;
		const char *argv[5] = {path, "player", NULL, NULL, NULL};

		if (s->board) {
			argv[2] = "--board";
			argv[3] = s->board;
		}
		/* The player starts with a clean signal state and fd 3 as its pipe. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(p[1], SUPERVISE_FD);
		snprintf(fdtext, sizeof fdtext, "%d", SUPERVISE_FD);
		setenv("SLIPMAT_SUPERVISOR_FD", fdtext, 1);
		setenv("SLIPMAT_SLOT", update_slot_name(s->slot), 1);
		setenv("SLIPMAT_BOOT_DIR", s->u->dir, 1);
		if (s->resume[0])
			setenv("SLIPMAT_RESUME", s->resume, 1);
		execv(path, (char *const *)argv);
		dprintf(2, "supervise: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (s->pid < 0) {
		log_error("supervise: fork: %s", strerror(errno));
		close(p[0]);
		return;
	}
	s->fd = p[0];
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
}

static void on_line(struct supervise *s, char *line)
{
	s->heard_ms = now_ms();
	if (!strcmp(line, "shown")) {
		splash_down(s); /* the player's frames are on the screens */
	} else if (!strcmp(line, "good")) {
		splash_down(s);
		if (s->good)
			return;
		s->good = 1;
		if (s->slot == UPDATE_TRIAL) {
			if (update_trial_good(s->u) == 0)
				s->slot = UPDATE_CURRENT;
			else
				log_error("supervise: cannot make the trial current: %s",
				          s->u->error);
		}
		s->quick_deaths = 0;
	} else if (!strncmp(line, "state ", 6) && line[6]) {
		/* A player reports no decks before its engine runs: the ones it was
		 * handed stay what the next one resumes from. */
		snprintf(s->resume, sizeof s->resume, "%s", line + 6);
	}
}

static void read_player(struct supervise *s)
{
	for (;;) {
		ssize_t n = read(s->fd, s->inbuf + s->inlen, sizeof s->inbuf - 1 - s->inlen);
		char *nl;

		if (n == 0) {
			/* The player closed its end (or died): poll it no more; a
			 * live player that went quiet is caught by the silence check. */
			close(s->fd);
			s->fd = -1;
			return;
		}
		if (n < 0)
			return;
		s->inlen += (size_t)n;
		s->inbuf[s->inlen] = '\0';
		while ((nl = strchr(s->inbuf, '\n')) != NULL) {
			*nl = '\0';
			on_line(s, s->inbuf);
			s->inlen -= (size_t)(nl + 1 - s->inbuf);
			memmove(s->inbuf, nl + 1, s->inlen + 1);
		}
		if (s->inlen == sizeof s->inbuf - 1)
			s->inlen = 0; /* a line too long for anyone: drop it */
	}
}

/* The player ended with status: decide what runs next. */
static void ended(struct supervise *s, int status)
{
	long ran = now_ms() - s->started_ms;
	int restart = WIFEXITED(status) && WEXITSTATUS(status) == UPDATE_EXIT_RESTART;

	if (s->fd >= 0)
		read_player(s); /* its last words (a "good" just before dying counts) */
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->pid = -1;
	s->fault = !restart;
	if (restart) {
		log_info("supervise: the player asked for a restart (new firmware installed)");
		s->from = UPDATE_TRIAL;
		s->quick_deaths = 0;
		return;
	}
	s->deaths++;
	if (WIFSIGNALED(status))
		log_error("supervise: the %s firmware died of signal %d after %ld ms",
		          update_slot_name(s->slot), WTERMSIG(status), ran);
	else
		log_error("supervise: the %s firmware exited with status %d after %ld ms",
		          update_slot_name(s->slot), WEXITSTATUS(status), ran);
	if (s->slot == UPDATE_TRIAL && !s->good) {
		/* Counted already; update_choose() sets it aside when out of starts. */
		s->from = UPDATE_TRIAL;
		if (update_trial_tries(s->u) >= UPDATE_TRIAL_TRIES)
			s->rollbacks++;
		return;
	}
	s->from = UPDATE_TRIAL;
	if (ran < SUPERVISE_QUICK_MS && ++s->quick_deaths >= SUPERVISE_QUICK_DEATHS) {
		s->quick_deaths = 0;
		if (s->slot < UPDATE_SELF) {
			s->from = (enum update_slot)(s->slot + 1);
			log_error("supervise: the %s firmware keeps dying: stepping down",
			          update_slot_name(s->slot));
		}
	} else if (ran >= SUPERVISE_QUICK_MS) {
		s->quick_deaths = 0;
	}
	/* A firmware that dies quickly over and over must not spin the CPU. */
	if (s->slot == UPDATE_SELF && s->quick_deaths > 0)
		usleep(200000);
}

int supervise_run(struct supervise *s)
{
	for (;;) {
		struct pollfd p = {.fd = s->fd, .events = POLLIN};
		int status;
		pid_t pid;
		long now;

		if (s->pid < 0) {
			if (s->max_starts && s->starts >= (unsigned long)s->max_starts)
				return 0;
			start(s);
			if (s->pid < 0) {
				sleep(1); /* no fork, no pipe: try again shortly */
				continue;
			}
		}
		p.fd = s->fd; /* -1 once the player closed its end: poll only sleeps */
		if (poll(&p, 1, 100) > 0 && s->fd >= 0)
			read_player(s);
		/* Reap everything: as PID 1 every orphan of the box ends here. */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == s->pid)
				ended(s, status);
			else if (pid == s->splash_pid)
				s->splash_pid =
				    -1; /* the helper failed: never signal its pid again */
		}
		if (s->pid < 0 || s->killed)
			continue;
		now = now_ms();
		if (s->splash_pid > 0 && now - s->splash_ms > SUPERVISE_SPLASH_HOLD_MS)
			splash_down(s); /* a player that does not say "shown" */
		if (s->slot == UPDATE_TRIAL && !s->good && now - s->started_ms > s->trial_ms) {
			log_error("supervise: the trial firmware did not prove itself in %d s: "
			          "stopping it",
			          s->trial_ms / 1000);
			s->hangs++;
			s->killed = 1;
			kill(s->pid, SIGKILL);
		} else if (now - s->heard_ms > s->silent_ms) {
			log_error("supervise: the %s firmware has been silent for %ld ms: hung, "
			          "stopping it",
			          update_slot_name(s->slot), now - s->heard_ms);
			s->hangs++;
			s->killed = 1; /* one kill; the reap follows */
			kill(s->pid, SIGKILL);
		}
	}
}

/* Value of key=... on the kernel command line, or NULL. */
static const char *cmdline(const char *key, char *out, size_t n)
{
	static char text[2048];
	FILE *f = fopen("/proc/cmdline", "r");
	size_t len, klen = strlen(key);
	char *p;

	if (!f)
		return NULL;
	len = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[len] = '\0';
	for (p = strtok(text, " \n"); p; p = strtok(NULL, " \n")) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(out, n, "%s", p + klen + 1);
			return out;
		}
	}
	return NULL;
}

/* Mount dev on /boot (waiting up to 10 s for it to appear). Return: 0 or -errno. */
static int mount_boot(const char *dev, const char *type)
{
	int err = -ENOENT;

	mkdir("/boot", 0755);
	for (int i = 0; i < 100; i++) {
		if (access(dev, F_OK) == 0) {
			if (mount(dev, "/boot", type, MS_NOATIME | MS_NODEV | MS_NOSUID, NULL) == 0)
				return 0;
			err = -errno;
			if (err != -ENOENT && err != -ENXIO)
				break;
		}
		usleep(100000);
	}
	log_error("supervise: cannot mount the firmware partition %s (%s): %s", dev, type,
	          strerror(-err));
	return err;
}

void supervise_main(const char *self, const char *board, const char *version,
                    supervise_splash_fn *splash)
{
	static const uint8_t pubkey[ED25519_PUBLIC] = UPDATE_PUBKEY;
	static struct updater u;
	static struct supervise s;
	char dev[128], type[16] = "ext4", trial[16];
	const char *dir = "";

	ed25519_init();
	if (cmdline("slipmat.boot", dev, sizeof dev)) {
		cmdline("slipmat.bootfs", type, sizeof type);
		if (mount_boot(dev, type) == 0) {
			mkdir("/boot/slipmat", 0755);
			dir = "/boot/slipmat";
		}
	} else {
		log_warn("supervise: no slipmat.boot= on the kernel command line: no updates");
	}
	update_init(&u, dir, pubkey, self, version);
	supervise_init(&s, &u, self, board);
	s.splash = splash;
	if (cmdline("slipmat.trial_s", trial, sizeof trial))
		s.trial_ms = atoi(trial) * 1000;
	log_info("supervise: firmware partition %s, this binary %u.%u.%u", dir[0] ? dir : "none",
	         u.running.major, u.running.minor, u.running.patch);
	supervise_run(&s);
	pid1_idle();
}

void supervise_link_open(struct supervise_link *l)
{
	const char *fd = getenv("SLIPMAT_SUPERVISOR_FD"), *slot = getenv("SLIPMAT_SLOT");
	const char *after = getenv("SLIPMAT_GOOD_AFTER_S");

	memset(l, 0, sizeof *l);
	l->fd = fd ? atoi(fd) : -1;
	if (l->fd >= 0 && fcntl(l->fd, F_GETFD) < 0)
		l->fd = -1;
	if (l->fd >= 0) {
		fcntl(l->fd, F_SETFD, FD_CLOEXEC);
		fcntl(l->fd, F_SETFL, O_NONBLOCK);
	}
	l->trial = slot && !strcmp(slot, "trial");
	l->good_after_s = after ? atoi(after) : 10;
}

void supervise_link_tick(struct supervise_link *l, unsigned long periods, unsigned long frames,
                         const char *state)
{
	char line[SUPERVISE_RESUME_MAX + 8];
	int n;

	if (l->fd < 0)
		return;
	if (periods > l->last_periods && frames > l->last_frames)
		l->healthy_s++;
	else
		l->healthy_s = 0;
	l->last_periods = periods;
	l->last_frames = frames;
	n = snprintf(line, sizeof line, "state %s\n", state);
	if (n > 0 && (size_t)n < sizeof line && write(l->fd, line, (size_t)n) < 0 &&
	    errno != EAGAIN)
		l->fd = -1; /* PID 1 went away: nothing left to tell */
	if (l->fd >= 0 && frames > 0 && !l->shown_sent) {
		if (l->frames_seen && write(l->fd, "shown\n", 6) == 6)
			l->shown_sent = 1;
		l->frames_seen = 1;
	}
	if (!l->good_sent && l->fd >= 0 && l->healthy_s >= l->good_after_s) {
		if (write(l->fd, "good\n", 5) == 5) {
			l->good_sent = 1;
			log_info("supervise: audio ran and frames were presented for %d s: %s",
			         l->healthy_s,
			         l->trial ? "this trial firmware is good" : "healthy");
		}
	}
}

static struct {
	struct supervise_link link;
	struct updater u;
	struct update_offer offer;
	int have_offer, restart;
} player;

void supervise_player_init(const char *version)
{
	static const uint8_t pubkey[ED25519_PUBLIC] = UPDATE_PUBKEY;

	ed25519_init();
	supervise_link_open(&player.link);
	update_init(&player.u, getenv("SLIPMAT_BOOT_DIR"), pubkey, "/proc/self/exe", version);
	if (player.link.fd >= 0)
		log_info("player: firmware %u.%u.%u from the %s slot%s", player.u.running.major,
		         player.u.running.minor, player.u.running.patch, getenv("SLIPMAT_SLOT"),
		         supervise_player_resume() ? ", resuming the decks" : "");
}

int supervise_player_linked(void)
{
	return player.link.fd >= 0;
}

void supervise_player_tick(unsigned long periods, unsigned long frames, const char *state)
{
	supervise_link_tick(&player.link, periods, frames, state);
}

int supervise_player_restart(void)
{
	return player.restart;
}

struct updater *supervise_player_updater(void)
{
	return &player.u;
}

void supervise_player_installed(const struct update_offer *done)
{
	log_info("update: %s installed; restarting into it on trial", done->summary);
	player.restart = 1;
}

const char *supervise_player_resume(void)
{
	const char *s = getenv("SLIPMAT_RESUME");
	return s && *s ? s : NULL;
}

int supervise_player_command(const char *args, struct ctl_reply *r)
{
	struct updater *u = &player.u;
	const char *slot = getenv("SLIPMAT_SLOT");

	while (*args == ' ')
		args++;
	if (!strcmp(args, "status") || !*args) {
		char trial[256];
		snprintf(trial, sizeof trial, "%.200s/trial", u->dir);
		/* A trial that proved itself was renamed to current under us. */
		if (slot && !strcmp(slot, "trial") && player.link.good_sent &&
		    access(trial, F_OK) < 0)
			slot = "current";
		ctl_printf(r, "firmware: %u.%u.%u, %s, partition %s, trial starts %d of %d\n",
		           u->running.major, u->running.minor, u->running.patch,
		           slot ? slot : "not supervised", u->dir[0] ? u->dir : "none",
		           update_trial_tries(u), UPDATE_TRIAL_TRIES);
		return 0;
	}
	if (!strcmp(args, "confirm")) {
		struct update_offer done;
		if (!player.have_offer) {
			ctl_printf(r, "no update offered (send 'update PATH' first)");
			return -1;
		}
		player.have_offer = 0;
		if (update_install(u, player.offer.path, &done) < 0) {
			log_error("update: %s", u->error);
			ctl_printf(r, "%s", u->error);
			return -1;
		}
		ctl_printf(r, "installed %s; restarting into it on trial\n", done.summary);
		supervise_player_installed(&done);
		return 0;
	}
	player.have_offer = 0;
	if (update_check(u, args, &player.offer) < 0) {
		log_error("update: %s", u->error);
		ctl_printf(r, "%s", u->error);
		return -1;
	}
	if (!u->dir[0]) {
		ctl_printf(r, "%s is a good release, but this box has no firmware partition",
		           player.offer.summary);
		return -1;
	}
	player.have_offer = 1;
	log_info("update: offering %s", player.offer.summary);
	ctl_printf(r, "offer: %s\nsend 'update confirm' to install it\n", player.offer.summary);
	return 0;
}
