/*
 * uevent.c: NETLINK_KOBJECT_UEVENT on the loop, and the parser for its
 * messages. See uevent.h.
 */
#include "uevent.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../fw/log.h"
#include "../fw/loop.h"

/* Group 1 carries the kernel's own broadcasts; udevd rebroadcasts on 2. */
#define UEVENT_GROUP_KERNEL 1u
/* A USB hub full of devices announces itself in a burst of hundreds. */
#define UEVENT_RCVBUF (4 * 1024 * 1024)
/* Datagrams per wakeup; level-triggered epoll brings us back for the rest. */
#define UEVENT_BURST 64
/* Complaints about bad messages, before going quiet (the counters go on). */
#define UEVENT_LOG_MAX 8

static int key_is(const char *field, size_t keylen, const char *key)
{
	return strlen(key) == keylen && memcmp(field, key, keylen) == 0;
}

/* Set *slot to value unless the key came before. Return: 0, or -EBADMSG for a repeat. */
static int take(const char **slot, const char *value)
{
	if (*slot)
		return -EBADMSG;
	*slot = value;
	return 0;
}

int uevent_parse(char *buf, size_t len, struct uevent *out)
{
	static const char libudev[] = "libudev"; /* with its NUL: udevd's binary header */
	const char *action = NULL, *devpath = NULL, *subsystem = NULL;
	const char *devname = NULL, *devtype = NULL, *seqnum = NULL;
	const char *at;
	size_t off, n;
	int err = 0;

	if (!buf || len == 0)
		return -EBADMSG;
	if (len >= sizeof libudev && memcmp(buf, libudev, sizeof libudev) == 0)
		return -ENOMSG;
	/*
	 * Every field, the header included, ends in a NUL. With the last
	 * byte a NUL, strlen() from any field start stops inside len.
	 */
	if (buf[len - 1] != '\0')
		return -EBADMSG;

	n = strlen(buf);
	at = memchr(buf, '@', n);
	if (!at || at == buf || at[1] != '/')
		return -EBADMSG;

	for (off = n + 1; off < len && !err; off += n + 1) {
		const char *f = buf + off, *eq;
		size_t keylen;

		n = strlen(f);
		if (n == 0)
			continue;
		eq = memchr(f, '=', n);
		if (!eq || eq == f)
			return -EBADMSG;
		keylen = (size_t)(eq - f);
		if (key_is(f, keylen, "ACTION"))
			err = take(&action, eq + 1);
		else if (key_is(f, keylen, "DEVPATH"))
			err = take(&devpath, eq + 1);
		else if (key_is(f, keylen, "SUBSYSTEM"))
			err = take(&subsystem, eq + 1);
		else if (key_is(f, keylen, "DEVNAME"))
			err = take(&devname, eq + 1);
		else if (key_is(f, keylen, "DEVTYPE"))
			err = take(&devtype, eq + 1);
		else if (key_is(f, keylen, "SEQNUM"))
			err = take(&seqnum, eq + 1);
	}
	if (err || !action || !devpath || !subsystem || !*action || !*subsystem)
		return -EBADMSG;
	/* The header repeats ACTION and DEVPATH; a message that contradicts itself is not the
	 * kernel's. */
	if (!key_is(buf, (size_t)(at - buf), action) || strcmp(at + 1, devpath) != 0)
		return -EBADMSG;

	out->action = action;
	out->devpath = devpath;
	out->subsystem = subsystem;
	out->devname = devname ? devname : "";
	out->devtype = devtype ? devtype : "";
	out->seqnum = seqnum ? seqnum : "";
	return 0;
}

/*
 * Return: 1 when the datagram came from the kernel: netlink port 0 (only
 * the kernel has it; a process binding 0 gets a port assigned) and, when
 * credentials came along, no sending process (pid 0). The uid is not
 * asked: inside a user namespace the kernel's root reads as the overflow
 * uid, and refusing that would lose every hotplug.
 */
static int from_kernel(const struct msghdr *msg, const struct sockaddr_nl *from)
{
	struct cmsghdr *c;

	if (msg->msg_namelen < sizeof *from || from->nl_family != AF_NETLINK || from->nl_pid != 0)
		return 0;
	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		struct ucred cred;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS ||
		    c->cmsg_len < CMSG_LEN(sizeof cred))
			continue;
		memcpy(&cred, CMSG_DATA(c), sizeof cred);
		if (cred.pid != 0)
			return 0;
	}
	return 1;
}

static void complain(struct uevent_mon *u, const char *what, ssize_t len)
{
	if (u->malformed <= UEVENT_LOG_MAX)
		log_warn("uevent: dropped a kernel message: %s (%zd bytes)%s", what, len,
		         u->malformed == UEVENT_LOG_MAX ? "; not saying so again" : "");
}

static void on_readable(void *ctx, int fd, uint32_t events)
{
	static const struct uevent overflow = {
	    .action = "overflow",
	    .devpath = "",
	    .subsystem = "",
	    .devname = "",
	    .devtype = "",
	    .seqnum = "",
	};
	struct uevent_mon *u = ctx;
	int i;

	(void)events;
	for (i = 0; i < UEVENT_BURST; i++) {
		union {
			char buf[CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} control;
		struct sockaddr_nl from;
		struct iovec iov = {.iov_base = u->buf, .iov_len = sizeof u->buf};
		struct msghdr msg = {
		    .msg_name = &from,
		    .msg_namelen = sizeof from,
		    .msg_iov = &iov,
		    .msg_iovlen = 1,
		    .msg_control = control.buf,
		    .msg_controllen = sizeof control.buf,
		};
		struct uevent ev;
		ssize_t n;
		int err;

		memset(&from, 0, sizeof from);
		n = recvmsg(fd, &msg, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				u->overflows++;
				log_warn("uevent: the kernel dropped device events (socket full); "
				         "rescanning");
				u->fn(u->ctx, &overflow);
				continue;
			}
			log_error("uevent: recvmsg: %s", strerror(errno));
			return;
		}
		if (!from_kernel(&msg, &from)) {
			u->foreign++;
			continue;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			u->malformed++;
			complain(u, "longer than the buffer", n);
			continue;
		}
		err = uevent_parse(u->buf, (size_t)n, &ev);
		if (err == -ENOMSG) {
			u->foreign++;
			continue;
		}
		if (err) {
			u->malformed++;
			complain(u, "not action@devpath with ACTION, DEVPATH, SUBSYSTEM", n);
			continue;
		}
		u->delivered++;
		u->fn(u->ctx, &ev);
	}
}

int uevent_open(struct uevent_mon *u, struct loop *l, uevent_fn *fn, void *ctx)
{
	struct sockaddr_nl sa = {
	    .nl_family = AF_NETLINK,
	    .nl_pid = 0, /* the kernel picks our port */
	    .nl_groups = UEVENT_GROUP_KERNEL,
	};
	int size = UEVENT_RCVBUF, on = 1, err;

	memset(u, 0, sizeof *u);
	u->fd = -1;
	u->fn = fn;
	u->ctx = ctx;
	u->fd =
	    socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (u->fd < 0) {
		err = -errno;
		log_error("uevent: netlink socket: %s", strerror(-err));
		return err;
	}
	/* FORCE passes the sysctl cap (PID 1 may); plain is what the rest of us get. */
	if (setsockopt(u->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0 &&
	    setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0)
		log_warn("uevent: receive buffer of %d bytes: %s", size, strerror(errno));
	if (setsockopt(u->fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0)
		log_warn("uevent: SO_PASSCRED: %s (sender checked by port alone)", strerror(errno));
	if (bind(u->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err = -errno;
		log_error("uevent: bind to the kernel's group: %s", strerror(-err));
		close(u->fd);
		u->fd = -1;
		return err;
	}
	err = loop_add(l, u->fd, EPOLLIN, on_readable, u);
	if (err) {
		close(u->fd);
		u->fd = -1;
		return err;
	}
	return 0;
}

void uevent_close(struct uevent_mon *u, struct loop *l)
{
	if (u->fd >= 0) {
		loop_del(l, u->fd);
		close(u->fd);
	}
	u->fd = -1;
}
