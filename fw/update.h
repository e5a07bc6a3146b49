/*
 * update: signed releases, installed beside the running firmware, on trial
 * until they prove themselves.
 *
 * A release is the slipmat binary with a 256-byte trailer appended
 * (little endian):
 *
 *   0   8  magic "SLPMREL\n"
 *   8   2  trailer format (1)
 *   10  2  flags (bit 0: rollback release, may replace a newer one)
 *   12  6  firmware version major, minor, patch (u16 each)
 *   18  2  zero
 *   20 12  target architecture, NUL-padded ("x86_64", "aarch64")
 *   32 32  board family, NUL-padded ("rk3588", "pc")
 *   64  8  length of the binary before the trailer
 *   72 64  SHA-512 of those bytes
 *   136 56 zero
 *   192 64 Ed25519 signature of bytes 0..191 (so of the hash, so of the binary)
 *
 * The boot directory (the firmware partition's slipmat/ folder) holds:
 *
 *   current    the last firmware that proved itself good
 *   previous   the one before it (kept for a manual or automatic step back)
 *   trial      a new release, installed but not yet proven
 *   failed     a trial that did not come up (kept for the technician)
 *   state      boot record: which trial (by signature) and how often it started,
 *              with a CRC; replaced whole by write, fsync, rename
 *   *.tmp      half-written files: ignored and removed
 *
 * Each change is one rename after an fsync, so a power cut at any moment
 * leaves either the old or the new file in place, never a torn one (and
 * every file is verified again before it runs).
 */
#ifndef SLIPMAT_UPDATE_H
#define SLIPMAT_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "ed25519.h"
#include "sha512.h"

#define UPDATE_TRAILER_SIZE 256
#define UPDATE_SIGNED_SIZE 192
#define UPDATE_FORMAT 1
#define UPDATE_FLAG_ROLLBACK 1u
#define UPDATE_MAGIC "SLPMREL\n"
/* A trial starts this many times at most; the next boot runs current. */
#define UPDATE_TRIAL_TRIES 2
/* Exit status of a player that wants the supervisor to choose again. */
#define UPDATE_EXIT_RESTART 75
/* Releases larger than this are refused before reading them. */
#define UPDATE_MAX_BYTES (256u << 20)

#if defined(__aarch64__)
#define UPDATE_ARCH "aarch64"
#elif defined(__x86_64__)
#define UPDATE_ARCH "x86_64"
#else
#define UPDATE_ARCH "unknown"
#endif
#ifndef UPDATE_BOARD_FAMILY
#if defined(__aarch64__)
#define UPDATE_BOARD_FAMILY "rk3588"
#else
#define UPDATE_BOARD_FAMILY "pc"
#endif
#endif

struct update_version {
	unsigned major, minor, patch;
};

struct update_trailer {
	unsigned format, flags;
	struct update_version version;
	char arch[13];
	char board[33];
	uint64_t length;
	uint8_t hash[SHA512_BYTES];
	uint8_t sig[ED25519_SIG];
};

enum update_slot { UPDATE_TRIAL, UPDATE_CURRENT, UPDATE_PREVIOUS, UPDATE_SELF };

struct update_offer {
	char path[256];
	struct update_trailer t;
	struct update_version installed;
	char summary[160];
};

struct updater {
	char dir[192]; /* boot directory; "" when there is none */
	char arch[13], board[33];
	uint8_t pubkey[ED25519_PUBLIC];
	struct update_version running; /* of this binary */
	struct update_version chosen;  /* of what update_choose() chose last */
	int installing;                /* an install job holds dir/trial.tmp */
	char error[240];               /* why the last call failed */
};

/*
 * A check or an install done a slice at a time, so that the loop keeps
 * drawing and playing while a release of many megabytes is hashed and
 * copied. update_job_start() does the cheap checks at once (size,
 * trailer, signature, architecture, board family, the downgrade rule:
 * one read of 256 bytes); update_job_step() then reads the binary in
 * UPDATE_JOB_CHUNK pieces until its time budget is spent, hashing it (a
 * check) or hashing and copying it to dir/trial.tmp, then reading the
 * copy back and checking it before the rename (an install). A step never
 * blocks longer than its budget plus one chunk's read or write.
 * update_check() and update_install() are a job run to its end.
 */
#define UPDATE_JOB_CHUNK (64u << 10)

enum update_job_phase {
	UPDATE_JOB_IDLE,   /* nothing running (done, failed or cancelled) */
	UPDATE_JOB_HASH,   /* a check: hashing the release */
	UPDATE_JOB_COPY,   /* an install: hashing and copying it to trial.tmp */
	UPDATE_JOB_VERIFY, /* an install: reading the copy back */
};

struct update_job {
	enum update_job_phase phase;
	int in, out;        /* what is read, what is written; -1 */
	uint64_t pos, end;  /* bytes of this pass read, and its length */
	struct sha512 hash; /* of the binary, as it goes */
	struct update_offer offer;
};

/* "1.2.3" -> version. Return: 0, or -EINVAL. */
int update_parse_version(const char *s, struct update_version *v);
/* Return: <0, 0, >0 like strcmp. */
int update_version_cmp(const struct update_version *a, const struct update_version *b);

/* Encode t (signature included) into out. */
void update_trailer_pack(uint8_t out[UPDATE_TRAILER_SIZE], const struct update_trailer *t);
/* Sign: fill t->sig from the first UPDATE_SIGNED_SIZE bytes of t's encoding. */
void update_trailer_sign(struct update_trailer *t, const uint8_t sk[ED25519_SECRET]);

/*
 * Set up u for the boot directory dir ("" or NULL: none) and this box's
 * key, architecture and board family. The running version is the
 * trailer's of self (the running binary), else fallback.
 */
void update_init(struct updater *u, const char *dir, const uint8_t pubkey[ED25519_PUBLIC],
                 const char *self, const char *fallback_version);

/*
 * Authenticate the release file at path: size, magic, format, length,
 * signature, architecture, board family, hash. Nothing is written.
 * Return: 0 with *t filled, or -errno / -EBADMSG with u->error saying why.
 */
int update_verify(struct updater *u, const char *path, struct update_trailer *t);

/*
 * Everything update_verify checks, plus the downgrade rule: the release
 * must be newer than the running and the installed firmware, unless it
 * is signed as a rollback release.
 * Return: 0 with *out describing the offer, or <0 with u->error.
 */
int update_check(struct updater *u, const char *path, struct update_offer *out);

/*
 * Check path, copy it to dir/trial.tmp, fsync, verify the copy, rename it
 * to dir/trial and fsync the directory. On any failure current, previous
 * and an earlier trial are untouched. Return: 0, or <0 with u->error.
 */
int update_install(struct updater *u, const char *path, struct update_offer *out);

/*
 * Start checking (install 0) or installing (1) the release at path.
 * Return: 0 with j->offer filled from the trailer, or <0 with u->error
 * (nothing left open, nothing written).
 */
int update_job_start(struct updater *u, struct update_job *j, const char *path, int install);

/*
 * Go on for about budget_ns (<= 0: to the end).
 * Return: 1 while work remains; 0 when the release passed every check
 * (and, for an install, is dir/trial, renamed and fsynced); <0 with
 * u->error when it failed (dir/trial.tmp removed). The job is then idle.
 */
int update_job_step(struct updater *u, struct update_job *j, long budget_ns);

/* How far the job is, 0..100. */
int update_job_percent(const struct update_job *j);

/* Stop the job: its files closed, a half-written trial.tmp removed. */
void update_job_cancel(struct updater *u, struct update_job *j);

/*
 * At boot (in the supervisor): the file to run. A trial is taken while it
 * has tries left (the count is stored before it runs); a trial out of
 * tries, or one that fails verification, moves to dir/failed and current
 * runs. A slot that does not verify is passed over; from is the first
 * slot to consider (UPDATE_TRIAL at boot, later ones to step down).
 * Return: the slot chosen, path filled (UPDATE_SELF: path empty), and
 * u->chosen its version.
 */
enum update_slot update_choose(struct updater *u, enum update_slot from, char *path, size_t n);

/* The trial proved itself: previous := current, current := trial. Return: 0 or <0. */
int update_trial_good(struct updater *u);

/* How often the present trial has started (0 without one). */
int update_trial_tries(struct updater *u);

const char *update_slot_name(enum update_slot s);

#endif
