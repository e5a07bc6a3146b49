/*
 * uevent: the kernel's device events (a USB stick, a touchscreen, a sound
 * card coming or going), read from its netlink socket on the loop.
 *
 * Only the kernel's own messages count: anything sent by a process
 * (udevd's rebroadcasts, or a forger) is dropped, so what arrives here
 * is what the drivers did. Nothing allocates: one datagram at a time in
 * a buffer inside struct uevent_mon, parsed in place.
 *
 * A device node: "/dev/" + devname ("input/event5" -> "/dev/input/event5").
 */
#ifndef SLIPMAT_UEVENT_H
#define SLIPMAT_UEVENT_H

#include <stddef.h>

struct loop;

/* The kernel's limit for one message is 2 KiB of environment plus the header. */
#define UEVENT_BUF_MAX 8192

/*
 * One message. Every field points at a NUL-terminated string, never NULL:
 * an absent optional key (DEVNAME, DEVTYPE, SEQNUM) reads "".
 */
struct uevent {
	const char *action;    /* "add", "remove", "change", "bind", ... */
	const char *devpath;   /* under /sys: "/devices/.../input/input7/event5" */
	const char *subsystem; /* "input", "sound", "block", "usb", ... */
	const char *devname;   /* relative to /dev: "input/event5", "snd/pcmC1D0p", "sda1" */
	const char *devtype;   /* "partition", "disk", "usb_device", ... */
	const char *seqnum;
};

/*
 * Called on the loop thread per kernel message; ev and its strings are
 * valid only during the call. When the kernel had to drop messages
 * because the socket was full, it is called once with action "overflow"
 * (other fields ""): whoever tracks devices should rescan.
 */
typedef void uevent_fn(void *ctx, const struct uevent *ev);

struct uevent_mon {
	int fd;
	uevent_fn *fn;
	void *ctx;
	unsigned long delivered; /* kernel messages handed to fn */
	unsigned long foreign;   /* not from the kernel, dropped */
	unsigned long malformed; /* from the kernel but unparsable, dropped */
	unsigned long overflows; /* times the kernel dropped messages */
	char buf[UEVENT_BUF_MAX];
};

/*
 * Open the socket (group 1: the kernel's broadcasts) with a large receive
 * buffer and watch it on l.
 * Return: 0, or -errno (logged); on error u->fd is -1 and nothing is on l.
 */
int uevent_open(struct uevent_mon *u, struct loop *l, uevent_fn *fn, void *ctx);

/* Stop watching and close; l is the loop given to uevent_open(). Post: u->fd is -1. */
void uevent_close(struct uevent_mon *u, struct loop *l);

/*
 * Parse one datagram: "action@devpath\0KEY=VALUE\0...". buf need not be
 * NUL-terminated and nothing at or past buf[len] is read or written. The
 * last field must end in its NUL, as the kernel's always do.
 * Return: 0 with out pointing into buf; -ENOMSG for udev's "libudev"
 * messages; -EBADMSG for anything else that is not a whole, consistent
 * kernel message (no '@' header, a field without '=', an unterminated
 * field, no ACTION/DEVPATH/SUBSYSTEM, or ones that disagree with the
 * header).
 */
int uevent_parse(char *buf, size_t len, struct uevent *out);

#endif
