/*
 * test_storage: a stick plugged in is mounted read-only, as the file
 * system it holds, where the library will look; pulled out, the library
 * lets go of it before the mount is detached; the NVMe and a partitioned
 * stick's bare disk are left alone; a save turns the mount writable and
 * back. The mount calls are fakes that record what they were asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "../hal/storage.h"
#include "../hal/uevent.h"

static char calls[4096];
static const char *fs_on_device = "exfat"; /* what the fake stick holds */
static int partitioned = 1;		    /* its bare disk holds a partition table */

static void say(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(calls);
	va_start(ap, fmt);
	vsnprintf(calls + n, sizeof calls - n, fmt, ap);
	va_end(ap);
}

static int fake_mount(const char *src, const char *target, const char *fstype,
		      unsigned long flags, const void *data)
{
	(void)data;
	if (flags & MS_REMOUNT) {
		say("remount %s %s; ", target, flags & MS_RDONLY ? "ro" : "rw");
		return 0;
	}
	if (strcmp(fstype, fs_on_device) || (partitioned && !strcmp(src, "/dev/sda"))) {
		errno = EINVAL;
		return -1;
	}
	say("mount %s %s %s %s; ", src, target, fstype,
	    (flags & MS_RDONLY) && (flags & MS_NOEXEC) ? "ro" : "RW?");
	return 0;
}

static int fake_umount(const char *target, int flags)
{
	say("umount %s%s; ", target, flags & MNT_DETACH ? " detach" : "");
	return 0;
}

static int fake_mkdir(const char *path, unsigned mode)
{
	(void)path;
	(void)mode;
	errno = EEXIST;
	return -1;
}

static int fake_link(const char *name, char *buf, size_t size)
{
	(void)name;
	(void)buf;
	(void)size;
	return -ENOENT;
}

static const struct storage_ops fake_ops = {
	.mount = fake_mount, .umount = fake_umount, .mkdir = fake_mkdir, .sysfs_link = fake_link,
};

static void on_mounted(void *ctx, struct storage_dev *d)
{
	(void)ctx;
	say("library adds %s; ", d->mnt);
	d->source = 3;
}

static void on_gone(void *ctx, struct storage_dev *d)
{
	(void)ctx;
	say("library drops %s (source %d); ", d->mnt, d->source);
}

static struct uevent ev(const char *action, const char *devpath, const char *name,
			const char *type)
{
	struct uevent e = { .action = action, .devpath = devpath, .subsystem = "block",
			    .devname = name, .devtype = type, .seqnum = "1" };
	return e;
}

#define USB "/devices/pci0000:00/0000:00:03.0/usb2/2-4/2-4:1.0/host0/target0:0:0/0:0:0:0/block/sda"

static void test_plug_and_pull(void **state)
{
	struct storage s;
	struct uevent e;
	(void)state;
	calls[0] = '\0';
	storage_init(&s, &fake_ops, "/run/slipmat/usb", on_mounted, on_gone, NULL);
	/* The bare disk of a partitioned stick: nothing on it, no complaint. */
	e = ev("add", USB, "sda", "disk");
	storage_uevent(&s, &e);
	assert_string_equal(calls, "");
	assert_int_equal(s.refused, 0);
	e = ev("add", USB "/sda1", "sda1", "partition");
	storage_uevent(&s, &e);
	assert_string_equal(calls, "mount /dev/sda1 /run/slipmat/usb/sda1 exfat ro; "
				   "library adds /run/slipmat/usb/sda1; ");
	assert_non_null(storage_find(&s, "/run/slipmat/usb/sda1"));
	/* A repeated add is not mounted twice. */
	calls[0] = '\0';
	storage_uevent(&s, &e);
	assert_string_equal(calls, "");

	/* A save: read-write for its length only. */
	struct storage_dev *d = storage_find(&s, "/run/slipmat/usb/sda1");
	assert_int_equal(storage_writable(&s, d, 1), 0);
	assert_int_equal(storage_writable(&s, d, 1), 0);
	assert_int_equal(storage_writable(&s, d, 0), 0);
	assert_string_equal(calls, "remount /run/slipmat/usb/sda1 rw; "
				   "remount /run/slipmat/usb/sda1 ro; ");

	/* Pulled: the library first, then the detached unmount. */
	calls[0] = '\0';
	e = ev("remove", USB "/sda1", "sda1", "partition");
	storage_uevent(&s, &e);
	assert_string_equal(calls, "library drops /run/slipmat/usb/sda1 (source 3); "
				   "umount /run/slipmat/usb/sda1 detach; ");
	assert_null(storage_find(&s, "/run/slipmat/usb/sda1"));
	e = ev("remove", USB, "sda", "disk");
	calls[0] = '\0';
	storage_uevent(&s, &e);
	assert_string_equal(calls, "");

	/* Back in, now a vfat stick without partitions. */
	fs_on_device = "vfat";
	partitioned = 0;
	e = ev("add", USB, "sda", "disk");
	storage_uevent(&s, &e);
	assert_string_equal(calls, "mount /dev/sda /run/slipmat/usb/sda vfat ro; "
				   "library adds /run/slipmat/usb/sda; ");
	calls[0] = '\0';
	storage_clear(&s);
	assert_string_equal(calls, "library drops /run/slipmat/usb/sda (source 3); "
				   "umount /run/slipmat/usb/sda; ");
}

static void test_left_alone(void **state)
{
	struct storage s;
	struct uevent e;
	(void)state;
	calls[0] = '\0';
	fs_on_device = "ext4";
	storage_init(&s, &fake_ops, "/run/slipmat/usb", on_mounted, on_gone, NULL);
	e = ev("add", "/devices/platform/fe150000.pcie/nvme/nvme0/nvme0n1/nvme0n1p1", "nvme0n1p1",
	       "partition");
	storage_uevent(&s, &e);
	e = ev("add", "/devices/virtual/block/loop0", "loop0", "disk");
	storage_uevent(&s, &e);
	e = ev("add", USB "/sda1", "../etc", "partition"); /* never a path */
	storage_uevent(&s, &e);
	e = ev("change", USB "/sda1", "sda1", "partition");
	storage_uevent(&s, &e);
	e = ev("add", "/devices/pci0000:00/0000:00:03.0/usb2/2-4", "", "usb_device");
	e.subsystem = "usb";
	storage_uevent(&s, &e);
	assert_string_equal(calls, "");
	/* A partition with a file system we do not read: said, and not used. */
	fs_on_device = "ntfs";
	e = ev("add", USB "/sda2", "sda2", "partition");
	storage_uevent(&s, &e);
	assert_string_equal(calls, "");
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.mounts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plug_and_pull),
		cmocka_unit_test(test_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
