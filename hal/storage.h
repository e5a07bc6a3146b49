/*
 * storage: USB sticks coming and going. The kernel's block-device
 * uevents (hal/uevent.h) say when a disk or partition on a USB port
 * appears or goes; each is mounted read-only under the base folder
 * ("/run/slipmat/usb/sda1") as vfat, exfat or ext4, whichever fits, and
 * unmounted (detached: the device is already gone) when it goes.
 * Writing is only ever for slipmat's own data: storage_writable() turns
 * a mount read-write for the length of a save and back.
 *
 * Block devices that are not on USB (NVMe, eMMC, loop devices) are the
 * technician's, through the profile's library paths: left alone here.
 * The syscalls go through an ops table so that the tests can watch them.
 */
#ifndef SLIPMAT_STORAGE_H
#define SLIPMAT_STORAGE_H

#include <stddef.h>

struct uevent;

#define STORAGE_MAX 8
#define STORAGE_BASE "/run/slipmat/usb"

struct storage_dev {
	int used;
	char name[32];	 /* kernel name: "sda1" */
	char mnt[96];	 /* where it is mounted */
	char fstype[8];	 /* "vfat", "exfat", "ext4" */
	int writable;
	int source; /* the library's source for it, set by the owner */
};

struct storage;
typedef void storage_fn(void *ctx, struct storage_dev *d);

struct storage_ops {
	int (*mount)(const char *src, const char *target, const char *fstype,
		     unsigned long flags, const void *data);
	int (*umount)(const char *target, int flags);
	int (*mkdir)(const char *path, unsigned mode);
	/* The /sys/class/block link target of name, for the USB test. */
	int (*sysfs_link)(const char *name, char *buf, size_t size);
};

extern const struct storage_ops storage_linux_ops;

struct storage {
	const struct storage_ops *ops;
	char base[64];
	storage_fn *mounted, *gone;
	void *ctx;
	struct storage_dev dev[STORAGE_MAX];
	unsigned long mounts, removals, refused;
};

/* Mount points go under base (created when needed). */
void storage_init(struct storage *s, const struct storage_ops *ops, const char *base,
		  storage_fn *mounted, storage_fn *gone, void *ctx);

/* One kernel message: block devices on USB are mounted or let go. */
void storage_uevent(struct storage *s, const struct uevent *ev);

/*
 * Look at every block device there is (at start, and after the kernel
 * dropped uevents): new USB ones are mounted, vanished ones let go.
 */
void storage_rescan(struct storage *s);

/*
 * Let go of every mount under base that this storage did not make: what
 * a player that died left behind (its sticks are mounted again by the
 * next storage_rescan()). Return: how many were let go.
 */
int storage_forget_stale(struct storage *s);

/* The mounted device with that mount point, or NULL. */
struct storage_dev *storage_find(struct storage *s, const char *mnt);

/*
 * Remount d read-write (on) or read-only again (off).
 * Return: 0, or -errno (logged).
 */
int storage_writable(struct storage *s, struct storage_dev *d, int on);

/* Unmount everything (at shutdown). */
void storage_clear(struct storage *s);

#endif
