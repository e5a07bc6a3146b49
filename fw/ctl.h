/*
 * ctl: the control socket, a UNIX stream socket with a line protocol.
 *
 * A client sends one command per line ("status", "ping", "help"). The
 * box answers with zero or more lines of text and then one closing line:
 * "ok", or "error: <why>". Clients and their buffers are fixed slots in
 * the arena; a client that floods or stalls is dropped, never waited on.
 */
#ifndef SLIPMAT_CTL_H
#define SLIPMAT_CTL_H

#include <stddef.h>

struct arena;
struct loop;

#define CTL_MAX_CLIENTS 4
#define CTL_LINE_MAX 256
#define CTL_OUT_MAX 8192

/* Where a command handler writes its answer. */
struct ctl_reply {
	char *buf;
	size_t len, cap;
	int truncated;
};

void ctl_printf(struct ctl_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Answer one command line (without its newline). Return 0 for "ok", or
 * -1 after writing the reason with ctl_printf as the last text, which
 * becomes the "error: ..." line.
 */
typedef int ctl_fn(void *ctx, const char *cmd, struct ctl_reply *r);

struct ctl_client {
	int fd;
	size_t inlen;
	size_t outlen, outpos;
	char in[CTL_LINE_MAX];
	char *out; /* CTL_OUT_MAX bytes from the arena */
};

struct ctl {
	int fd;
	char path[108];
	struct loop *loop;
	ctl_fn *fn;
	void *ctx;
	unsigned long commands;
	struct ctl_client client[CTL_MAX_CLIENTS];
};

/*
 * Listen on path (an old socket file there is replaced).
 * Return: 0, or -errno (logged with the path).
 */
int ctl_open(struct ctl *c, const char *path, struct arena *a, struct loop *l, ctl_fn *fn,
	     void *ctx);
void ctl_close(struct ctl *c);

/*
 * Client side: send cmd to the socket at path and copy the answer's text
 * lines to out (a FILE-free fd). Return: 0 on "ok", 1 on "error: ...",
 * -errno when the box cannot be reached (message on fd 2).
 */
int ctl_request(const char *path, const char *cmd, int out_fd, int timeout_ms);

#endif
