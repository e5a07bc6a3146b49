/*
 * storage.c: USB block devices mounted and let go. See storage.h.
 */
#include "storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fw/log.h"
#include "uevent.h"

#define SYS_BLOCK "/sys/class/block"
#define MOUNT_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Tried in this order; each needs its module (vfat also nls_cp437, nls_utf8). */
static const struct {
	const char *type, *data;
} filesystems[] = {
	{ "vfat", "utf8,shortname=mixed" },
	{ "exfat", "iocharset=utf8" },
	{ "ext4", NULL },
};

static const char *fs_data(const char *type)
{
	for (size_t i = 0; i < sizeof filesystems / sizeof filesystems[0]; i++)
		if (!strcmp(type, filesystems[i].type))
			return filesystems[i].data;
	return NULL;
}

static int linux_mount(const char *src, const char *target, const char *fstype,
		       unsigned long flags, const void *data)
{
	return mount(src, target, fstype, flags, data);
}

static int linux_umount(const char *target, int flags)
{
	return umount2(target, flags);
}

static int linux_mkdir(const char *path, unsigned mode)
{
	return mkdir(path, (mode_t)mode);
}

static int linux_sysfs_link(const char *name, char *buf, size_t size)
{
	char p[96];
	ssize_t n;

	snprintf(p, sizeof p, "%s/%s", SYS_BLOCK, name);
	n = readlink(p, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

const struct storage_ops storage_linux_ops = {
	.mount = linux_mount,
	.umount = linux_umount,
	.mkdir = linux_mkdir,
	.sysfs_link = linux_sysfs_link,
};

void storage_init(struct storage *s, const struct storage_ops *ops, const char *base,
		  storage_fn *mounted, storage_fn *gone, void *ctx)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	snprintf(s->base, sizeof s->base, "%s", base);
	s->mounted = mounted;
	s->gone = gone;
	s->ctx = ctx;
}

/* mkdir -p of the base and then name under it. */
static int make_mount_point(struct storage *s, const char *mnt)
{
	char p[sizeof s->dev[0].mnt];

	snprintf(p, sizeof p, "%s", mnt);
	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (s->ops->mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*q = '/';
	}
	if (s->ops->mkdir(p, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static struct storage_dev *by_name(struct storage *s, const char *name)
{
	for (int i = 0; i < STORAGE_MAX; i++)
		if (s->dev[i].used && !strcmp(s->dev[i].name, name))
			return &s->dev[i];
	return NULL;
}

struct storage_dev *storage_find(struct storage *s, const char *mnt)
{
	for (int i = 0; i < STORAGE_MAX; i++)
		if (s->dev[i].used && !strcmp(s->dev[i].mnt, mnt))
			return &s->dev[i];
	return NULL;
}

/* A kernel name that is safe as a path component: "sda1", "sdb". */
static int plain_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof((struct storage_dev *)0)->name || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-' || name[i] == '_'))
			return 0;
	return 1;
}

/* Mount /dev/name read-only, trying each file system. */
static void attach(struct storage *s, const char *name, int whole_disk)
{
	struct storage_dev *d = NULL;
	char node[64], mnt[sizeof d->mnt];
	int err = 0;

	if (!plain_name(name) || by_name(s, name))
		return;
	for (int i = 0; i < STORAGE_MAX; i++)
		if (!s->dev[i].used) {
			d = &s->dev[i];
			break;
		}
	if (!d) {
		s->refused++;
		log_warn("storage: %s: already %d sticks mounted, not mounting more", name,
			 STORAGE_MAX);
		return;
	}
	snprintf(node, sizeof node, "/dev/%s", name);
	snprintf(mnt, sizeof mnt, "%s/%s", s->base, name);
	err = make_mount_point(s, mnt);
	if (err) {
		s->refused++;
		log_error("storage: %s: cannot make the mount point %s: %s", name, mnt,
			  strerror(-err));
		return;
	}
	for (size_t i = 0; i < sizeof filesystems / sizeof filesystems[0]; i++) {
		if (s->ops->mount(node, mnt, filesystems[i].type, MOUNT_FLAGS | MS_RDONLY,
				  filesystems[i].data) == 0) {
			memset(d, 0, sizeof *d);
			d->used = 1;
			d->source = -1;
			snprintf(d->name, sizeof d->name, "%s", name);
			snprintf(d->mnt, sizeof d->mnt, "%s", mnt);
			snprintf(d->fstype, sizeof d->fstype, "%s", filesystems[i].type);
			s->mounts++;
			log_info("storage: %s mounted read-only at %s (%s)", node, mnt, d->fstype);
			if (s->mounted)
				s->mounted(s->ctx, d);
			return;
		}
		err = errno;
	}
	if (whole_disk)
		log_info("storage: %s: no file system on the whole disk (its partitions are "
			 "mounted on their own)", node);
	else {
		s->refused++;
		log_warn("storage: %s: no vfat, exfat or ext4 file system here (%s); not used",
			 node, strerror(err));
	}
}

/* The device went: the library lets go first, then the mount is detached. */
static void detach(struct storage *s, struct storage_dev *d)
{
	s->removals++;
	if (s->gone)
		s->gone(s->ctx, d);
	if (s->ops->umount(d->mnt, MNT_DETACH) < 0)
		log_warn("storage: unmounting %s: %s", d->mnt, strerror(errno));
	else
		log_info("storage: /dev/%s went away; %s unmounted", d->name, d->mnt);
	d->used = 0;
}

static int on_usb(const char *devpath)
{
	return strstr(devpath, "/usb") != NULL;
}

void storage_uevent(struct storage *s, const struct uevent *ev)
{
	struct storage_dev *d;

	if (strcmp(ev->subsystem, "block") || !ev->devname[0])
		return;
	if (!strcmp(ev->action, "add")) {
		if (on_usb(ev->devpath))
			attach(s, ev->devname, !strcmp(ev->devtype, "disk"));
	} else if (!strcmp(ev->action, "remove")) {
		d = by_name(s, ev->devname);
		if (d)
			detach(s, d);
	}
}

/*
 * The kernel names under /sys/class/block, read with getdents64 (no
 * opendir: this runs after init too). Return: how many, or -errno.
 */
static int list_block(char names[][32], int max)
{
	char buf[4096];
	int fd, n = 0;
	ssize_t len;

	fd = open(SYS_BLOCK, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((len = getdents64(fd, buf, sizeof buf)) > 0) {
		for (ssize_t pos = 0; pos < len;) {
			struct dirent64 *e = (struct dirent64 *)(buf + pos);
			pos += e->d_reclen;
			if (e->d_name[0] == '.' || strlen(e->d_name) >= 32 || n == max)
				continue;
			memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
		}
	}
	close(fd);
	return n;
}

void storage_rescan(struct storage *s)
{
	static char names[256][32];
	char link[256];
	int n = list_block(names, 256);

	if (n < 0) {
		log_warn("storage: cannot list %s: %s", SYS_BLOCK, strerror(-n));
		return;
	}
	/* Gone while nobody listened. */
	for (int i = 0; i < STORAGE_MAX; i++) {
		int there = 0;
		if (!s->dev[i].used)
			continue;
		for (int k = 0; k < n && !there; k++)
			there = !strcmp(names[k], s->dev[i].name);
		if (!there)
			detach(s, &s->dev[i]);
	}
	for (int k = 0; k < n; k++) {
		if (s->ops->sysfs_link(names[k], link, sizeof link) || !on_usb(link))
			continue;
		/* .../block/sda is a disk, .../block/sda/sda1 a partition of it. */
		const char *slash = strrchr(link, '/');
		int disk = slash && slash - link >= 6 && !strncmp(slash - 6, "/block", 6);
		attach(s, names[k], disk);
	}
}

int storage_forget_stale(struct storage *s)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char line[512], dev[128], mnt[256];
	size_t blen = strlen(s->base);
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%127s %255s", dev, mnt) == 2 && !strncmp(mnt, s->base, blen) &&
		    mnt[blen] == '/' && !storage_find(s, mnt)) {
			if (s->ops->umount(mnt, MNT_DETACH) == 0) {
				log_info("storage: %s on %s was left by an earlier player: let go",
					 dev, mnt);
				n++;
			} else {
				log_warn("storage: %s on %s: cannot let go: %s", dev, mnt,
					 strerror(errno));
			}
		}
	fclose(f);
	return n;
}

int storage_writable(struct storage *s, struct storage_dev *d, int on)
{
	char node[64];
	unsigned long flags = MS_REMOUNT | MOUNT_FLAGS | (on ? 0 : MS_RDONLY);

	if (d->writable == on)
		return 0;
	snprintf(node, sizeof node, "/dev/%s", d->name);
	if (s->ops->mount(node, d->mnt, d->fstype, flags, fs_data(d->fstype)) < 0) {
		int err = errno;
		log_error("storage: remounting %s %s: %s", d->mnt, on ? "read-write" : "read-only",
			  strerror(err));
		return -err;
	}
	d->writable = on;
	return 0;
}

void storage_clear(struct storage *s)
{
	for (int i = 0; i < STORAGE_MAX; i++)
		if (s->dev[i].used) {
			if (s->gone)
				s->gone(s->ctx, &s->dev[i]);
			s->ops->umount(s->dev[i].mnt, 0);
			s->dev[i].used = 0;
		}
}
