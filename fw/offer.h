/*
 * offer: firmware releases found on USB sticks, checked a slice at a
 * time and offered to the DJ, who installs one with a tap (fw/prompt.h).
 *
 * The rule: when a stick is mounted, the regular files at its root named
 * "slipmat" or "slipmat*.release" (in any case: FAT) are releases to look
 * at, OFFER_MAX_FILES of them at most; nothing else on the stick is read,
 * so a DJ's music stick costs one read of its root folder. Each is
 * checked as `slipmat update PATH` checks it (fw/update.h): trailer,
 * signature, architecture, board family and the downgrade rule at once
 * (one read of 256 bytes), then the hash of the binary in slices of the
 * loop's tick (update_job_step() with the caller's budget), so a release
 * of many megabytes never holds a frame up for more than the budget and
 * one 64 KiB read. The newest release that passes becomes the offer. One
 * that fails is logged with the reason and shown in the status bar's
 * banner for OFFER_BANNER_MS (a technician must see why); the firmware
 * the box already runs, on a stick left in after its update, is only
 * logged.
 *
 * Nothing installs by itself: offer_install() is the DJ's tap. It is
 * update_install() a slice at a time (the install `slipmat update
 * confirm` runs), then OFFER_RESTART_MS later offer_step() asks for the
 * restart into the new trial, which the caller hands to the supervisor
 * link as `update confirm` does (supervise_player_installed()).
 *
 * "Not now" (offer_dismiss()) puts the offer off until its stick is
 * plugged in again; a stick pulled out takes its offer with it, and
 * stops an install from it with nothing changed.
 *
 * One loop thread; nothing allocates (the folder is read with getdents64
 * into a static buffer).
 */
#ifndef SLIPMAT_OFFER_H
#define SLIPMAT_OFFER_H

#include "update.h"

#define OFFER_MAX_FILES 8
#define OFFER_BANNER_MS 30000
#define OFFER_RESTART_MS 1500

enum offer_state {
	OFFER_NONE,       /* nothing for the DJ (maybe checking in the background) */
	OFFER_READY,      /* a newer release waits for the DJ's answer */
	OFFER_INSTALLING, /* being copied into the firmware partition */
	OFFER_INSTALLED,  /* on the partition as trial: the box restarts into it */
	OFFER_FAILED,     /* the install did not complete: why, until dismissed */
};

/* A release file on a stick. */
struct offer_file {
	char path[256];
	char stick[32]; /* "usb sda", for people */
	char mnt[96];   /* the stick's mount point */
};

struct offer {
	struct updater *u;
	enum offer_state state;
	struct offer_file queue[OFFER_MAX_FILES]; /* found, not checked yet */
	int queued;
	struct update_job job;     /* checking queue[0], or installing best */
	int checking;              /* the job checks queue[0] */
	struct update_offer best;  /* the newest release that passed (READY: the offer) */
	struct offer_file best_at; /* where it is */
	int have_best;
	char dismissed[96]; /* mount point whose offer the DJ put off */
	char why[240];      /* FAILED: why the install failed */
	char refused[300];  /* the latest refusal, for the banner */
	char refused_mnt[96];
	long refused_ms;
	long installed_ms;
	long now_ms; /* the last step's clock */
};

/* Releases are checked against (and installed by) u. */
void offer_init(struct offer *o, struct updater *u);

/* A stick mounted at mnt ("usb sda" for people): look at its root for releases. */
void offer_stick(struct offer *o, const char *mnt, const char *name);

/* The stick at mnt is gone: its releases, its offer, an install from it. */
void offer_stick_gone(struct offer *o, const char *mnt);

/*
 * Each tick, at ms on the monotonic clock: checks and the install go on
 * for about budget_ns.
 * Return: 1 once an install is done and its restart is due (from then
 * on, every call), else 0.
 */
int offer_step(struct offer *o, long budget_ns, long ms);

/*
 * The DJ tapped Install: the offer is installed a slice at a time.
 * Return: 0, or <0 (no offer, or the install could not start: FAILED, why in o->why).
 */
int offer_install(struct offer *o);

/* "Not now" on an offer (put off until its stick comes again), or OK on a failure. */
void offer_dismiss(struct offer *o);

/* Percent done while installing. */
int offer_percent(const struct offer *o);

/*
 * The status bar's banner: the latest refused release, while its stick
 * is in and for OFFER_BANNER_MS at most.
 * Return: 1 with the text in buf, 0 when there is none.
 */
int offer_banner(const struct offer *o, char *buf, size_t size);

#endif
