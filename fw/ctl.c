#include "ctl.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "log.h"
#include "loop.h"

void ctl_printf(struct ctl_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->len >= r->cap) {
		r->truncated = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= r->cap - r->len) {
		r->truncated = 1;
		r->len = r->cap - 1;
	} else {
		r->len += (size_t)n;
	}
}

static void drop(struct ctl *c, struct ctl_client *cl)
{
	loop_del(c->loop, cl->fd);
	close(cl->fd);
	cl->fd = -1;
	cl->inlen = cl->outlen = cl->outpos = 0;
}

/* Write what is pending; wait for EPOLLOUT if the socket is full. */
static void flush(struct ctl *c, struct ctl_client *cl)
{
	while (cl->outpos < cl->outlen) {
		ssize_t n = send(cl->fd, cl->out + cl->outpos, cl->outlen - cl->outpos,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			loop_mod(c->loop, cl->fd, EPOLLIN | EPOLLOUT);
			return;
		}
		if (n <= 0) {
			drop(c, cl);
			return;
		}
		cl->outpos += (size_t)n;
	}
	cl->outpos = cl->outlen = 0;
	loop_mod(c->loop, cl->fd, EPOLLIN);
}

static void answer(struct ctl *c, struct ctl_client *cl, const char *cmd)
{
	/* Leave room for the closing line after the handler's text. */
	struct ctl_reply r = { .buf = cl->out + cl->outlen, .cap = CTL_OUT_MAX - cl->outlen - 200 };
	int err;

	if (cl->outlen + 400 > CTL_OUT_MAX) {
		drop(c, cl); /* a client that sends faster than it reads */
		return;
	}
	c->commands++;
	if (cmd[0] == '\0') {
		err = -1;
		ctl_printf(&r, "empty command (try help)");
	} else {
		err = c->fn(c->ctx, cmd, &r);
	}
	if (err) {
		/* The handler's last text is the reason: move it onto the error line. */
		size_t start = r.len;
		while (start > 0 && r.buf[start - 1] != '\n')
			start--;
		char why[200];
		snprintf(why, sizeof why, "%.*s", (int)(r.len - start), r.buf + start);
		r.len = start;
		r.cap += 200;
		ctl_printf(&r, "error: %s\n", why);
	} else {
		r.cap += 200;
		if (r.truncated)
			ctl_printf(&r, "(answer truncated)\n");
		ctl_printf(&r, "ok\n");
	}
	cl->outlen += r.len;
}

static void on_client(void *ctx, int fd, uint32_t events)
{
	struct ctl *c = ctx;
	struct ctl_client *cl = NULL;
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->client[i].fd == fd)
			cl = &c->client[i];
	if (!cl)
		return;
	if (events & EPOLLOUT)
		flush(c, cl);
	if (cl->fd < 0 || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;

	for (;;) {
		char *nl;
		ssize_t n = recv(fd, cl->in + cl->inlen, sizeof cl->in - cl->inlen, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			drop(c, cl);
			return;
		}
		cl->inlen += (size_t)n;
		while ((nl = memchr(cl->in, '\n', cl->inlen)) != NULL) {
			size_t linelen = (size_t)(nl - cl->in);
			*nl = '\0';
			if (linelen > 0 && cl->in[linelen - 1] == '\r')
				cl->in[linelen - 1] = '\0';
			answer(c, cl, cl->in);
			if (cl->fd < 0)
				return;
			memmove(cl->in, nl + 1, cl->inlen - linelen - 1);
			cl->inlen -= linelen + 1;
		}
		if (cl->inlen == sizeof cl->in) {
			struct ctl_reply r = { .buf = cl->out + cl->outlen,
					       .cap = CTL_OUT_MAX - cl->outlen };
			ctl_printf(&r, "error: line longer than %d bytes\n", CTL_LINE_MAX - 1);
			cl->outlen += r.len;
			flush(c, cl);
			if (cl->fd >= 0)
				drop(c, cl);
			return;
		}
	}
	flush(c, cl);
}

static void on_listen(void *ctx, int fd, uint32_t events)
{
	struct ctl *c = ctx;
	int i, cfd;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (c->client[i].fd < 0) {
			c->client[i].fd = cfd;
			if (loop_add(c->loop, cfd, EPOLLIN, on_client, c) == 0)
				return;
			c->client[i].fd = -1;
			break;
		}
	}
	/* No free slot: say so rather than leave the client hanging. */
	static const char busy[] = "error: too many control clients\n";
	if (send(cfd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_warn("control: refusing a client: %s", strerror(errno));
	close(cfd);
}

int ctl_open(struct ctl *c, const char *path, struct arena *a, struct loop *l, ctl_fn *fn,
	     void *ctx)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i, err;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->loop = l;
	c->fn = fn;
	c->ctx = ctx;
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		c->client[i].fd = -1;
		c->client[i].out = arena_alloc(a, CTL_OUT_MAX, 16, "control client buffer");
		if (!c->client[i].out)
			return -ENOMEM;
	}
	if (strlen(path) >= sizeof sa.sun_path) {
		log_error("control: socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	snprintf(c->path, sizeof c->path, "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	unlink(path); /* a stale socket from an earlier run */
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(c->fd, 4) < 0)
		goto fail;
	err = loop_add(l, c->fd, EPOLLIN, on_listen, c);
	if (err) {
		ctl_close(c);
		return err;
	}
	return 0;
fail:
	err = errno;
	log_error("control: socket %s: %s", path, strerror(err));
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return -err;
}

void ctl_close(struct ctl *c)
{
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->client[i].fd >= 0)
			drop(c, &c->client[i]);
	if (c->fd >= 0) {
		loop_del(c->loop, c->fd);
		close(c->fd);
		unlink(c->path);
	}
	c->fd = -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int ctl_request(const char *path, const char *cmd, int out_fd, int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[CTL_OUT_MAX], line[CTL_LINE_MAX];
	size_t len = 0, start = 0;
	long deadline = now_ms() + timeout_ms;
	int fd, err;

	if (strlen(path) >= sizeof sa.sun_path || strlen(cmd) + 2 > sizeof line) {
		dprintf(2, "slipmat: socket path or command too long\n");
		return -EINVAL;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err = errno;
		dprintf(2, "slipmat: cannot reach the box at %s: %s (is slipmat running?)\n", path,
			strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	snprintf(line, sizeof line, "%s\n", cmd);
	if (write_all(fd, line, strlen(line)) < 0)
		goto lost;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;
		char *nl;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			dprintf(2, "slipmat: no answer from %s within %d ms\n", path, timeout_ms);
			close(fd);
			return -ETIMEDOUT;
		}
		n = read(fd, buf + len, sizeof buf - len);
		if (n <= 0)
			goto lost;
		len += (size_t)n;
		/* Print complete lines; the closing line ends the answer. */
		while ((nl = memchr(buf + start, '\n', len - start)) != NULL) {
			size_t l = (size_t)(nl - (buf + start)) + 1;
			const char *s = buf + start;

			if (l == 3 && !strncmp(s, "ok\n", 3)) {
				close(fd);
				return 0;
			}
			if (!strncmp(s, "error: ", 7)) {
				dprintf(2, "slipmat: %.*s", (int)l, s);
				close(fd);
				return 1;
			}
			if (write_all(out_fd, s, l) < 0)
				goto lost;
			start += l;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
		start = 0;
		if (len == sizeof buf)
			goto lost;
	}
lost:
	dprintf(2, "slipmat: the connection to %s broke before the answer ended\n", path);
	close(fd);
	return -EPIPE;
}
