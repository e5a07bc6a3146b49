/*
 * offer.c: releases on sticks, from the folder read to the restart. See
 * offer.h; start reading at offer_step().
 */
#include "offer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"

/* Entries of a stick's root looked at, at most: a huge root folder is not a reason to stall. */
#define OFFER_MAX_ENTRIES 2048

void offer_init(struct offer *o, struct updater *u)
{
	memset(o, 0, sizeof *o);
	o->u = u;
	o->job.in = o->job.out = -1;
}

/* "slipmat", or "slipmat*.release", in any case. */
static int release_name(const char *name)
{
	size_t n = strlen(name);

	if (strncasecmp(name, "slipmat", 7))
		return 0;
	return n == 7 || (n >= 15 && !strcasecmp(name + n - 8, ".release"));
}

void offer_stick(struct offer *o, const char *mnt, const char *name)
{
	static char buf[8192];
	int fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC), seen = 0;
	ssize_t len;

	if (fd < 0) {
		log_warn("update: %s: cannot look for releases in %s: %s", name, mnt,
		         strerror(errno));
		return;
	}
	while (seen < OFFER_MAX_ENTRIES && (len = getdents64(fd, buf, sizeof buf)) > 0) {
		for (ssize_t pos = 0; pos < len; seen++) {
			struct dirent64 *e = (struct dirent64 *)(buf + pos);
			struct offer_file *f;

			pos += e->d_reclen;
			if ((e->d_type != DT_REG && e->d_type != DT_UNKNOWN) ||
			    !release_name(e->d_name))
				continue;
			if (o->queued == OFFER_MAX_FILES) {
				log_warn("update: %s: more than %d releases at its root; %s not "
				         "looked at",
				         name, OFFER_MAX_FILES, e->d_name);
				continue;
			}
			f = &o->queue[o->queued++];
			snprintf(f->path, sizeof f->path, "%.90s/%.160s", mnt, e->d_name);
			snprintf(f->stick, sizeof f->stick, "%s", name);
			snprintf(f->mnt, sizeof f->mnt, "%s", mnt);
			log_info("update: %s: checking %s", name, e->d_name);
		}
	}
	if (seen >= OFFER_MAX_ENTRIES)
		log_warn("update: %s: looked at the first %d entries of its root only", name,
		         OFFER_MAX_ENTRIES);
	close(fd);
}

/* Drop queue[i]. */
static void unqueue(struct offer *o, int i)
{
	memmove(&o->queue[i], &o->queue[i + 1], (size_t)(o->queued - i - 1) * sizeof o->queue[0]);
	o->queued--;
}

void offer_stick_gone(struct offer *o, const char *mnt)
{
	for (int i = o->queued - 1; i >= 0; i--) {
		if (strcmp(o->queue[i].mnt, mnt))
			continue;
		if (i == 0 && o->checking) {
			update_job_cancel(o->u, &o->job);
			o->checking = 0;
		}
		unqueue(o, i);
	}
	if (!strcmp(o->dismissed, mnt))
		o->dismissed[0] = '\0';
	if (!strcmp(o->refused_mnt, mnt))
		o->refused[0] = o->refused_mnt[0] = '\0';
	if (!o->have_best || strcmp(o->best_at.mnt, mnt))
		return;
	if (o->state == OFFER_INSTALLING) {
		update_job_cancel(o->u, &o->job);
		snprintf(o->why, sizeof o->why,
		         "%s was pulled out during the install: nothing was changed",
		         o->best_at.stick);
		log_error("update: %s", o->why);
		o->state = OFFER_FAILED;
	} else if (o->state == OFFER_READY) {
		log_info("update: %s pulled out: its offer of slipmat %u.%u.%u is withdrawn",
		         o->best_at.stick, o->best.t.version.major, o->best.t.version.minor,
		         o->best.t.version.patch);
		o->state = OFFER_NONE;
	}
	if (o->state != OFFER_INSTALLED)
		o->have_best = 0;
}

/* The check of queue[0] ended with err: keep it as the best, or say why not. */
static void checked(struct offer *o, int err)
{
	struct offer_file *f = &o->queue[0];
	const struct update_offer *r = &o->job.offer;

	if (err == 0 && !o->u->dir[0]) {
		snprintf(o->u->error, sizeof o->u->error,
		         "%s is good, but this box has no firmware partition to install it on",
		         strrchr(f->path, '/') + 1);
		err = -ENODEV;
	}
	if (err == 0) {
		if (!o->have_best || update_version_cmp(&r->t.version, &o->best.t.version) > 0) {
			o->best = *r;
			o->best_at = *f;
			o->have_best = 1;
		}
	} else if (err == -EPERM && !update_version_cmp(&r->t.version, &r->installed)) {
		/* A stick left in after its update: nothing to say to anyone. */
		log_info("update: %s: %s is the firmware this box has", f->stick,
		         strrchr(f->path, '/') + 1);
	} else {
		log_warn("update: %s: not offered: %s", f->stick, o->u->error);
		snprintf(o->refused, sizeof o->refused, "Update refused (%s): %s", f->stick,
		         o->u->error);
		snprintf(o->refused_mnt, sizeof o->refused_mnt, "%s", f->mnt);
		o->refused_ms = o->now_ms;
	}
	o->checking = 0;
	unqueue(o, 0);
}

/* Once the queue is checked: the best release becomes the offer (if not put off). */
static void settle(struct offer *o)
{
	if (o->queued || !o->have_best || o->state != OFFER_NONE ||
	    !strcmp(o->dismissed, o->best_at.mnt))
		return;
	o->state = OFFER_READY;
	log_info("update: %s offers %s", o->best_at.stick, o->best.summary);
}

int offer_step(struct offer *o, long budget_ns, long ms)
{
	o->now_ms = ms;
	if (o->state == OFFER_INSTALLED)
		return ms - o->installed_ms >= OFFER_RESTART_MS;
	if (o->state == OFFER_INSTALLING) {
		int err = update_job_step(o->u, &o->job, budget_ns);

		if (err == 0) {
			o->state = OFFER_INSTALLED;
			o->installed_ms = ms;
		} else if (err < 0) {
			snprintf(o->why, sizeof o->why, "%s", o->u->error);
			log_error("update: the install from %s failed: %s", o->best_at.stick,
			          o->why);
			o->state = OFFER_FAILED;
			o->have_best = 0;
		}
		return 0;
	}
	/* Checks: the cheap ones of each file at once, the hash a slice a tick. */
	while (o->queued > 0) {
		int err;

		if (!o->checking) {
			err = update_job_start(o->u, &o->job, o->queue[0].path, 0);
			if (err < 0) {
				checked(o, err);
				continue;
			}
			o->checking = 1;
		}
		err = update_job_step(o->u, &o->job, budget_ns);
		if (err > 0)
			break;
		checked(o, err);
	}
	settle(o);
	return 0;
}

int offer_install(struct offer *o)
{
	int err;

	if (o->state != OFFER_READY)
		return -ENOENT;
	if (o->checking) {
		/* The DJ comes first: other files are checked again afterwards. */
		update_job_cancel(o->u, &o->job);
		o->checking = 0;
	}
	log_info("update: installing %s from %s (confirmed on the screen)", o->best.summary,
	         o->best_at.stick);
	err = update_job_start(o->u, &o->job, o->best_at.path, 1);
	if (err < 0) {
		snprintf(o->why, sizeof o->why, "%s", o->u->error);
		log_error("update: the install from %s failed: %s", o->best_at.stick, o->why);
		o->state = OFFER_FAILED;
		o->have_best = 0;
		return err;
	}
	o->state = OFFER_INSTALLING;
	return 0;
}

void offer_dismiss(struct offer *o)
{
	if (o->state == OFFER_READY) {
		snprintf(o->dismissed, sizeof o->dismissed, "%s", o->best_at.mnt);
		log_info("update: slipmat %u.%u.%u put off until %s is plugged in again",
		         o->best.t.version.major, o->best.t.version.minor, o->best.t.version.patch,
		         o->best_at.stick);
		o->have_best = 0;
		o->state = OFFER_NONE;
	} else if (o->state == OFFER_FAILED) {
		o->state = OFFER_NONE;
	}
}

int offer_percent(const struct offer *o)
{
	return o->state == OFFER_INSTALLING  ? update_job_percent(&o->job)
	       : o->state == OFFER_INSTALLED ? 100
	                                     : 0;
}

int offer_banner(const struct offer *o, char *buf, size_t size)
{
	if (!o->refused[0] || o->now_ms - o->refused_ms >= OFFER_BANNER_MS)
		return 0;
	snprintf(buf, size, "%s", o->refused);
	return 1;
}
