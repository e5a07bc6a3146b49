/*
 * update.c: release trailers, verification, the install and the boot
 * choice. Every file operation that changes the boot directory is a
 * rename after an fsync (see update.h for the layout).
 */
#include "update.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* One buffer for every file pass: one loop thread, nothing allocates. */
static uint8_t io_buf[64 << 10];

#define STATE_MAGIC 0x53424d53u /* "SMBS" */
#define STATE_SIZE 40

static const char *const slot_names[] = {"trial", "current", "previous", "built-in"};

const char *update_slot_name(enum update_slot s)
{
	return s <= UPDATE_SELF ? slot_names[s] : "?";
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static int fail(struct updater *u, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct updater *u, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->error, sizeof u->error, fmt, ap);
	va_end(ap);
	return err;
}

int update_parse_version(const char *s, struct update_version *v)
{
	unsigned a, b, c;
	int n = 0;

	if (sscanf(s, "%5u.%5u.%5u%n", &a, &b, &c, &n) != 3 || s[n] != '\0' || a > 65535 ||
	    b > 65535 || c > 65535)
		return -EINVAL;
	v->major = a;
	v->minor = b;
	v->patch = c;
	return 0;
}

int update_version_cmp(const struct update_version *a, const struct update_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

void update_trailer_pack(uint8_t out[UPDATE_TRAILER_SIZE], const struct update_trailer *t)
{
	memset(out, 0, UPDATE_TRAILER_SIZE);
	memcpy(out, UPDATE_MAGIC, 8);
	put16(out + 8, t->format);
	put16(out + 10, t->flags);
	put16(out + 12, t->version.major);
	put16(out + 14, t->version.minor);
	put16(out + 16, t->version.patch);
	memcpy(out + 20, t->arch, strnlen(t->arch, 12));
	memcpy(out + 32, t->board, strnlen(t->board, 32));
	put64(out + 64, t->length);
	memcpy(out + 72, t->hash, SHA512_BYTES);
	memcpy(out + UPDATE_SIGNED_SIZE, t->sig, ED25519_SIG);
}

void update_trailer_sign(struct update_trailer *t, const uint8_t sk[ED25519_SECRET])
{
	uint8_t raw[UPDATE_TRAILER_SIZE];

	update_trailer_pack(raw, t);
	ed25519_sign(t->sig, raw, UPDATE_SIGNED_SIZE, sk);
}

/* Return: nonzero when the n bytes at p are all zero. */
static int zeros(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* Copy a NUL-padded field; it must be printable and end in NULs. */
static int field(char *out, const uint8_t *p, size_t n)
{
	size_t len = strnlen((const char *)p, n);

	if (len == n || len == 0 || !zeros(p + len, n - len))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/*
 * The cheap checks on an open file, everything but the hash: size,
 * trailer, signature, architecture, board family. One read of 256 bytes.
 * name is for messages.
 */
static int trailer_check(struct updater *u, int fd, const char *name, struct update_trailer *t)
{
	uint8_t raw[UPDATE_TRAILER_SIZE];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail(u, -errno, "%s: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(u, -EINVAL, "%s: not a regular file", name);
	if (st.st_size < UPDATE_TRAILER_SIZE + 1)
		return fail(u, -EBADMSG, "%s: too short to be a release (%lld bytes)", name,
		            (long long)st.st_size);
	if ((uint64_t)st.st_size > UPDATE_MAX_BYTES)
		return fail(u, -EFBIG, "%s: %lld bytes is larger than any release", name,
		            (long long)st.st_size);
	if (pread(fd, raw, sizeof raw, st.st_size - UPDATE_TRAILER_SIZE) != (ssize_t)sizeof raw)
		return fail(u, -EIO, "%s: cannot read the trailer", name);
	if (memcmp(raw, UPDATE_MAGIC, 8))
		return fail(
		    u, -EBADMSG,
		    "%s: no release trailer at the end (truncated, or not a signed release)", name);
	memset(t, 0, sizeof *t);
	t->format = get16(raw + 8);
	if (t->format != UPDATE_FORMAT)
		return fail(u, -EBADMSG, "%s: trailer format %u, this firmware reads %d", name,
		            t->format, UPDATE_FORMAT);
	t->length = get64(raw + 64);
	if (t->length != (uint64_t)st.st_size - UPDATE_TRAILER_SIZE)
		return fail(u, -EBADMSG,
		            "%s: trailer says the binary is %llu bytes, the file holds %llu "
		            "(truncated or altered)",
		            name, (unsigned long long)t->length,
		            (unsigned long long)(st.st_size - UPDATE_TRAILER_SIZE));
	memcpy(t->sig, raw + UPDATE_SIGNED_SIZE, ED25519_SIG);
	if (ed25519_verify(t->sig, raw, UPDATE_SIGNED_SIZE, u->pubkey) < 0)
		return fail(u, -EBADMSG, "%s: bad signature (not signed by this box's release key)",
		            name);
	/* Signed from here on: the fields are the signer's word. */
	t->flags = get16(raw + 10);
	t->version.major = get16(raw + 12);
	t->version.minor = get16(raw + 14);
	t->version.patch = get16(raw + 16);
	memcpy(t->hash, raw + 72, SHA512_BYTES);
	if (field(t->arch, raw + 20, 12) || field(t->board, raw + 32, 32) || !zeros(raw + 18, 2) ||
	    !zeros(raw + 136, 56))
		return fail(u, -EBADMSG, "%s: malformed trailer fields", name);
	if (strcmp(t->arch, u->arch))
		return fail(u, -ENOEXEC, "%s: built for %s, this box is %s", name, t->arch,
		            u->arch);
	if (strcmp(t->board, u->board))
		return fail(u, -ENOEXEC, "%s: built for %s boards, this box is %s", name, t->board,
		            u->board);
	return 0;
}

/* Read n bytes at off, restarting after signals. Return: bytes read, or -1. */
static ssize_t read_at(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t got;

	do
		got = pread(fd, buf, n, (off_t)off);
	while (got < 0 && errno == EINTR);
	return got;
}

/* The checks on an open file; name is for messages. */
static int verify_fd(struct updater *u, int fd, const char *name, struct update_trailer *t)
{
	uint8_t hash[SHA512_BYTES];
	struct sha512 h;
	int err = trailer_check(u, fd, name, t);

	if (err)
		return err;
	sha512_init(&h);
	for (uint64_t pos = 0; pos < t->length;) {
		uint64_t left = t->length - pos;
		ssize_t n =
		    read_at(fd, io_buf, left < sizeof io_buf ? (size_t)left : sizeof io_buf, pos);
		if (n <= 0)
			return fail(u, -EIO, "%s: read error at byte %llu: %s", name,
			            (unsigned long long)pos,
			            n < 0 ? strerror(errno) : "end of file");
		sha512_update(&h, io_buf, (size_t)n);
		pos += (uint64_t)n;
	}
	sha512_final(&h, hash);
	if (memcmp(hash, t->hash, SHA512_BYTES))
		return fail(u, -EBADMSG, "%s: contents do not match the signed hash (corrupted)",
		            name);
	return 0;
}

int update_verify(struct updater *u, const char *path, struct update_trailer *t)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return fail(u, -errno, "%s: %s", path, strerror(errno));
	err = verify_fd(u, fd, base(path), t);
	close(fd);
	return err;
}

static void dir_path(const struct updater *u, char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", u->dir, name);
}

void update_init(struct updater *u, const char *dir, const uint8_t pubkey[ED25519_PUBLIC],
                 const char *self, const char *fallback_version)
{
	struct update_trailer t;

	memset(u, 0, sizeof *u);
	snprintf(u->dir, sizeof u->dir, "%s", dir ? dir : "");
	snprintf(u->arch, sizeof u->arch, "%s", UPDATE_ARCH);
	snprintf(u->board, sizeof u->board, "%s", UPDATE_BOARD_FAMILY);
	memcpy(u->pubkey, pubkey, ED25519_PUBLIC);
	if (self && update_verify(u, self, &t) == 0)
		u->running = t.version;
	else if (fallback_version)
		update_parse_version(fallback_version, &u->running);
	u->error[0] = '\0';
}

static void version_text(char *out, size_t n, const struct update_version *v)
{
	snprintf(out, n, "%u.%u.%u", v->major, v->minor, v->patch);
}

/*
 * The downgrade rule for out->t (checked, from path): newer than the
 * running firmware and than dir/current (whose trailer is enough: its
 * version is signed), unless signed as a rollback release. Fills the rest
 * of out. Return: 0, or -EPERM with u->error.
 */
static int newer(struct updater *u, const char *path, struct update_offer *out)
{
	struct update_trailer cur;
	char have[24], got[24], p[256];

	out->installed = u->running;
	if (u->dir[0]) {
		int fd;

		dir_path(u, p, sizeof p, "current");
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && trailer_check(u, fd, "current", &cur) == 0 &&
		    update_version_cmp(&cur.version, &out->installed) > 0)
			out->installed = cur.version;
		if (fd >= 0)
			close(fd);
		u->error[0] = '\0';
	}
	version_text(have, sizeof have, &out->installed);
	version_text(got, sizeof got, &out->t.version);
	if (update_version_cmp(&out->t.version, &out->installed) <= 0 &&
	    !(out->t.flags & UPDATE_FLAG_ROLLBACK))
		return fail(u, -EPERM,
		            "%s: version %s is not newer than the installed %s "
		            "(only a release signed for rollback may go back)",
		            base(path), got, have);
	snprintf(out->summary, sizeof out->summary, "slipmat %s%s for %s/%s (installed: %s)", got,
	         out->t.flags & UPDATE_FLAG_ROLLBACK ? " (rollback release)" : "", out->t.arch,
	         out->t.board, have);
	return 0;
}

int update_check(struct updater *u, const char *path, struct update_offer *out)
{
	struct update_job j;
	int err = update_job_start(u, &j, path, 0);

	while (err == 0 && (err = update_job_step(u, &j, 0)) > 0)
		;
	*out = j.offer;
	return err;
}

static int fsync_dir(struct updater *u)
{
	int fd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;

	if (fd < 0 || fsync(fd) < 0)
		err = fail(u, -errno, "%s: fsync: %s", u->dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return err;
}

/* Copy src to the new file dst (0755), fsync it. */
static int copy_file(struct updater *u, const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, err = 0;

	if (in < 0)
		return fail(u, -errno, "%s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		err = fail(u, -errno, "%s: %s", dst, strerror(errno));
		goto done;
	}
	for (;;) {
		ssize_t n = read(in, io_buf, sizeof io_buf), w;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = fail(u, -errno, "%s: read: %s", src, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n; off += w) {
			w = write(out, io_buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				err = fail(u, w < 0 ? -errno : -EIO, "%s: write: %s", dst,
				           w < 0 ? strerror(errno) : "no space");
				goto done;
			}
		}
	}
	if (fsync(out) < 0)
		err = fail(u, -errno, "%s: fsync: %s", dst, strerror(errno));
done:
	close(in);
	if (out >= 0 && close(out) < 0 && !err)
		err = fail(u, -errno, "%s: close: %s", dst, strerror(errno));
	return err;
}

/* ---- the job ----------------------------------------------------------- */

static long elapsed_ns(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

/* Close what the job holds; a failed install's trial.tmp goes too. */
static void job_close(struct updater *u, struct update_job *j, int keep_tmp)
{
	char tmp[256];

	if (j->in >= 0)
		close(j->in);
	if (j->out >= 0)
		close(j->out);
	if (j->phase == UPDATE_JOB_COPY || j->phase == UPDATE_JOB_VERIFY) {
		dir_path(u, tmp, sizeof tmp, "trial.tmp");
		if (!keep_tmp)
			unlink(tmp);
		u->installing = 0;
	}
	j->in = j->out = -1;
	j->phase = UPDATE_JOB_IDLE;
}

/* A failed job: closed, the error kept. Return: err. */
static int job_fail(struct updater *u, struct update_job *j, int err)
{
	job_close(u, j, 0);
	return err;
}

int update_job_start(struct updater *u, struct update_job *j, const char *path, int install)
{
	char tmp[256];
	int err;

	memset(j, 0, sizeof *j);
	j->in = j->out = -1;
	snprintf(j->offer.path, sizeof j->offer.path, "%s", path);
	if (install && !u->dir[0])
		return fail(u, -ENODEV, "no firmware partition: cannot install");
	if (install && u->installing)
		return fail(u, -EBUSY, "another release is being installed");
	j->in = open(path, O_RDONLY | O_CLOEXEC);
	if (j->in < 0)
		return fail(u, -errno, "%s: %s", path, strerror(errno));
	err = trailer_check(u, j->in, base(path), &j->offer.t);
	if (err == 0)
		err = newer(u, path, &j->offer);
	if (err)
		return job_fail(u, j, err);
	/* A stick reads ahead of the hash: the slices then wait less. */
	posix_fadvise(j->in, 0, 0, POSIX_FADV_SEQUENTIAL);
	sha512_init(&j->hash);
	j->end = j->offer.t.length;
	j->phase = UPDATE_JOB_HASH;
	if (!install)
		return 0;
	dir_path(u, tmp, sizeof tmp, "trial.tmp");
	j->out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (j->out < 0)
		return job_fail(u, j, fail(u, -errno, "%s: %s", tmp, strerror(errno)));
	j->phase = UPDATE_JOB_COPY;
	u->installing = 1;
	j->end += UPDATE_TRAILER_SIZE; /* the copy takes the trailer along */
	return 0;
}

/* Write all n bytes of buf at the end of fd. Return: 0, or <0 with u->error. */
static int write_all(struct updater *u, int fd, const uint8_t *buf, size_t n, const char *name)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fail(u, w < 0 ? -errno : -EIO, "%s: write: %s", name,
			            w < 0 ? strerror(errno) : "no space");
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One pass is read to its end: check it, and go to the next phase. */
static int job_pass_done(struct updater *u, struct update_job *j)
{
	const char *name = base(j->offer.path);
	struct update_trailer t;
	uint8_t hash[SHA512_BYTES];
	char tmp[256], trial[256];

	dir_path(u, tmp, sizeof tmp, "trial.tmp");
	dir_path(u, trial, sizeof trial, "trial");
	sha512_final(&j->hash, hash);
	if (j->phase == UPDATE_JOB_VERIFY) {
		/* What gets renamed is exactly what was verified. */
		if (memcmp(hash, j->offer.t.hash, SHA512_BYTES))
			return job_fail(
			    u, j,
			    fail(u, -EBADMSG, "%s changed while it was copied", j->offer.path));
		if (rename(tmp, trial) < 0)
			return job_fail(u, j,
			                fail(u, -errno, "%s: rename: %s", trial, strerror(errno)));
		job_close(u, j, 1);
		if (fsync_dir(u) < 0)
			return -EIO;
		log_info("update: installed %s as trial", j->offer.summary);
		return 0;
	}
	if (memcmp(hash, j->offer.t.hash, SHA512_BYTES))
		return job_fail(u, j,
		                fail(u, -EBADMSG,
		                     "%s: contents do not match the signed hash (corrupted)",
		                     name));
	if (j->phase == UPDATE_JOB_HASH) {
		job_close(u, j, 0);
		return 0;
	}
	/* The copy: on the disk, then read back through a new descriptor. */
	if (fsync(j->out) < 0)
		return job_fail(u, j, fail(u, -errno, "%s: fsync: %s", tmp, strerror(errno)));
	if (close(j->out) < 0) {
		j->out = -1;
		return job_fail(u, j, fail(u, -errno, "%s: close: %s", tmp, strerror(errno)));
	}
	j->out = -1;
	close(j->in);
	j->in = open(tmp, O_RDONLY | O_CLOEXEC);
	if (j->in < 0)
		return job_fail(u, j, fail(u, -errno, "%s: %s", tmp, strerror(errno)));
	j->phase = UPDATE_JOB_VERIFY;
	if (trailer_check(u, j->in, "trial.tmp", &t) < 0 ||
	    memcmp(t.hash, j->offer.t.hash, SHA512_BYTES) ||
	    memcmp(t.sig, j->offer.t.sig, ED25519_SIG))
		return job_fail(u, j,
		                fail(u, -EBADMSG, "%s changed while it was copied", j->offer.path));
	sha512_init(&j->hash);
	j->pos = 0;
	j->end = j->offer.t.length;
	return 1;
}

int update_job_step(struct updater *u, struct update_job *j, long budget_ns)
{
	struct timespec t0;

	if (j->phase == UPDATE_JOB_IDLE)
		return fail(u, -EINVAL, "no check or install running");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		uint64_t left = j->end - j->pos, hashed;
		size_t want = left < UPDATE_JOB_CHUNK ? (size_t)left : UPDATE_JOB_CHUNK;
		ssize_t n;
		int err;

		if (want == 0) {
			err = job_pass_done(u, j);
			if (err <= 0)
				return err;
			continue;
		}
		n = read_at(j->in, io_buf, want, j->pos);
		if (n <= 0)
			return job_fail(u, j,
			                fail(u, -EIO, "%s: read error at byte %llu: %s",
			                     base(j->offer.path), (unsigned long long)j->pos,
			                     n < 0 ? strerror(errno) : "end of file"));
		/* The trailer rides along in the copy but is not hashed. */
		hashed = j->pos >= j->offer.t.length ? 0 : j->offer.t.length - j->pos;
		sha512_update(&j->hash, io_buf, (size_t)n < hashed ? (size_t)n : (size_t)hashed);
		if (j->phase == UPDATE_JOB_COPY) {
			err = write_all(u, j->out, io_buf, (size_t)n, "trial.tmp");
			if (err)
				return job_fail(u, j, err);
			/* Start writing it out now: the fsync at the end then waits less. */
			sync_file_range(j->out, (off_t)j->pos, n, SYNC_FILE_RANGE_WRITE);
		}
		j->pos += (uint64_t)n;
		if (budget_ns > 0 && elapsed_ns(&t0) >= budget_ns)
			return 1;
	}
}

int update_job_percent(const struct update_job *j)
{
	uint64_t len = j->offer.t.length, done = j->pos, total = len;

	if (j->phase == UPDATE_JOB_IDLE || len == 0)
		return 0;
	if (j->phase == UPDATE_JOB_COPY || j->phase == UPDATE_JOB_VERIFY) {
		/* An install reads the release once and the copy once. */
		total = 2 * len + UPDATE_TRAILER_SIZE;
		if (j->phase == UPDATE_JOB_VERIFY)
			done += len + UPDATE_TRAILER_SIZE;
	}
	return (int)(done * 100 / total);
}

void update_job_cancel(struct updater *u, struct update_job *j)
{
	if (j->phase != UPDATE_JOB_IDLE)
		job_close(u, j, 0);
}

int update_install(struct updater *u, const char *path, struct update_offer *out)
{
	struct update_job j;
	int err = update_job_start(u, &j, path, 1);

	while (err == 0 && (err = update_job_step(u, &j, 0)) > 0)
		;
	*out = j.offer;
	return err;
}

/*
 * The boot record: which trial started how often. A trial is known by its
 * signature's first 16 bytes: unique per release, even when two releases
 * carry the same binary under different versions.
 */
struct boot_state {
	uint32_t tries;
	uint8_t trial_id[16];
};

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

/* Return: 0, -ENOENT (no record), or -EBADMSG (a damaged one). */
static int state_read(struct updater *u, struct boot_state *s)
{
	uint8_t raw[STATE_SIZE];
	char p[256];
	int fd;
	ssize_t n;

	memset(s, 0, sizeof *s);
	dir_path(u, p, sizeof p, "state");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EIO;
	n = read(fd, raw, sizeof raw);
	close(fd);
	if (n != STATE_SIZE || get32(raw) != STATE_MAGIC || get32(raw + 4) != 1 ||
	    get32(raw + STATE_SIZE - 4) != crc32(raw, STATE_SIZE - 4))
		return -EBADMSG;
	s->tries = get32(raw + 8);
	memcpy(s->trial_id, raw + 12, 16);
	return 0;
}

static int state_write(struct updater *u, const struct boot_state *s)
{
	uint8_t raw[STATE_SIZE] = {0};
	char p[256], tmp[256];
	int fd, err = 0;

	put32(raw, STATE_MAGIC);
	put32(raw + 4, 1);
	put32(raw + 8, s->tries);
	memcpy(raw + 12, s->trial_id, 16);
	put32(raw + STATE_SIZE - 4, crc32(raw, STATE_SIZE - 4));
	dir_path(u, p, sizeof p, "state");
	dir_path(u, tmp, sizeof tmp, "state.tmp");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(u, -errno, "%s: %s", tmp, strerror(errno));
	if (write(fd, raw, sizeof raw) != (ssize_t)sizeof raw || fsync(fd) < 0)
		err = fail(u, -EIO, "%s: write: %s", tmp, strerror(errno));
	close(fd);
	if (err == 0 && rename(tmp, p) < 0)
		err = fail(u, -errno, "%s: rename: %s", p, strerror(errno));
	if (err == 0)
		err = fsync_dir(u);
	return err;
}

static void discard_trial(struct updater *u, const char *why)
{
	char trial[256], failed[256];

	dir_path(u, trial, sizeof trial, "trial");
	dir_path(u, failed, sizeof failed, "failed");
	log_warn("update: trial firmware %s: back to the current firmware", why);
	if (rename(trial, failed) < 0)
		unlink(trial);
	fsync_dir(u);
}

int update_trial_tries(struct updater *u)
{
	struct boot_state s;
	struct update_trailer t;
	char p[256];

	dir_path(u, p, sizeof p, "trial");
	if (!u->dir[0] || access(p, F_OK) < 0 || update_verify(u, p, &t) < 0)
		return 0;
	if (state_read(u, &s) < 0 || memcmp(s.trial_id, t.sig, 16))
		return 0;
	return (int)s.tries;
}

/* The trial, if it may run once more: its start is counted first. */
static int take_trial(struct updater *u, char *path, size_t n)
{
	struct update_trailer t;
	struct boot_state s;
	char p[256];
	int err;

	dir_path(u, p, sizeof p, "trial");
	if (access(p, F_OK) < 0)
		return -ENOENT;
	if (update_verify(u, p, &t) < 0) {
		discard_trial(u, u->error);
		return -EBADMSG;
	}
	err = state_read(u, &s);
	if (err == -EBADMSG) {
		/* A damaged count could hide a crashing trial: play safe. */
		discard_trial(u, "boot record damaged");
		return -EBADMSG;
	}
	if (err == -ENOENT || memcmp(s.trial_id, t.sig, 16)) {
		s.tries = 0;
		memcpy(s.trial_id, t.sig, 16);
	}
	if (s.tries >= UPDATE_TRIAL_TRIES) {
		char why[64];
		snprintf(why, sizeof why, "did not come up in %u starts", s.tries);
		discard_trial(u, why);
		return -ETIMEDOUT;
	}
	s.tries++;
	if (state_write(u, &s) < 0) {
		/* Without a stored count a trial must not run. */
		log_error("update: %s", u->error);
		return -EIO;
	}
	log_info("update: starting trial firmware %u.%u.%u (start %u of %d)", t.version.major,
	         t.version.minor, t.version.patch, s.tries, UPDATE_TRIAL_TRIES);
	snprintf(path, n, "%s", p);
	u->chosen = t.version;
	return 0;
}

enum update_slot update_choose(struct updater *u, enum update_slot from, char *path, size_t n)
{
	static const char *const names[] = {"trial", "current", "previous"};
	struct update_trailer t;
	char p[256];

	path[0] = '\0';
	u->chosen = u->running;
	if (!u->dir[0])
		return UPDATE_SELF;
	/* Half-written files of an interrupted install or commit. */
	dir_path(u, p, sizeof p, "trial.tmp");
	if (unlink(p) == 0)
		log_warn("update: removed a half-written trial.tmp (an install was cut short)");
	dir_path(u, p, sizeof p, "previous.tmp");
	unlink(p);
	if (from == UPDATE_TRIAL && take_trial(u, path, n) == 0)
		return UPDATE_TRIAL;
	for (int s = from > UPDATE_CURRENT ? from : UPDATE_CURRENT; s <= UPDATE_PREVIOUS; s++) {
		dir_path(u, p, sizeof p, names[s]);
		if (access(p, F_OK) < 0)
			continue;
		if (update_verify(u, p, &t) < 0) {
			log_error("update: %s firmware unusable: %s", names[s], u->error);
			continue;
		}
		snprintf(path, n, "%s", p);
		u->chosen = t.version;
		return (enum update_slot)s;
	}
	return UPDATE_SELF;
}

int update_trial_good(struct updater *u)
{
	char trial[256], cur[256], prev[256], tmp[256];
	struct update_trailer t;
	int err;

	dir_path(u, trial, sizeof trial, "trial");
	dir_path(u, cur, sizeof cur, "current");
	dir_path(u, prev, sizeof prev, "previous");
	dir_path(u, tmp, sizeof tmp, "previous.tmp");
	if (update_verify(u, trial, &t) < 0)
		return -ENOENT;
	/* previous := current (a hard link where the file system has them),
	 * then one rename makes the trial current. A cut in between leaves
	 * the trial on trial, to be confirmed again. */
	if (access(cur, F_OK) == 0) {
		unlink(tmp);
		if (link(cur, tmp) < 0) {
			err = copy_file(u, cur, tmp);
			if (err) {
				unlink(tmp);
				return err;
			}
		}
		if (rename(tmp, prev) < 0)
			return fail(u, -errno, "%s: rename: %s", prev, strerror(errno));
		err = fsync_dir(u);
		if (err)
			return err;
	}
	if (rename(trial, cur) < 0)
		return fail(u, -errno, "%s: rename: %s", cur, strerror(errno));
	err = fsync_dir(u);
	if (err == 0)
		log_info("update: firmware %u.%u.%u proved itself: now current", t.version.major,
		         t.version.minor, t.version.patch);
	return err;
}
