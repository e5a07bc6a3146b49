/*
 * emuctl - drive the slipmat appliance emulator from tests and shells.
 *
 *   emuctl wait [-n COUNT] [-o OFFSET] LOGFILE SUBSTRING TIMEOUT_S
 *   emuctl qmp QMPSOCK JSON
 *   emuctl tap QMPSOCK DEVICE_ID X Y [HOLD_MS]
 *   emuctl drag QMPSOCK DEVICE_ID X0 Y0 X1 Y1 STEPS [STEP_MS]
 *   emuctl screendump QMPSOCK HEAD OUT.ppm
 *   emuctl serial SERIALSOCK TEXT
 *   emuctl quit QMPSOCK
 *   emuctl display-size VNCSOCK W H
 *
 * Exit status: 0 done, 1 failed or timed out (a message on stderr says
 * what and where), 2 bad usage. Only libc; Linux (unix sockets, SIOCOUTQ).
 * Build: cc -O2 -o build/emu/emuctl tools/emu/emuctl.c
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Seconds to wait for a socket to accept and for a QMP reply. */
#define CONNECT_TIMEOUT_S 10.0
#define REPLY_TIMEOUT_S 30.0
/* Longest log line or QMP message handled; longer ones are truncated. */
#define LINE_MAX_LEN (1 << 20)

static char line_buf[LINE_MAX_LEN];

/* Print "emuctl: <message>" on stderr; returns EXIT_FAIL for `return fail()`. */
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("emuctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_FAIL;
}

/* Monotonic time in seconds. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep for ms milliseconds (restarting after signals). */
static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Parse a whole decimal number within [lo, hi] into *out; 0 on success. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/*
 * Connect a stream socket to the unix socket at path. QEMU may still be
 * creating it, so a missing or refusing socket is retried for up to
 * CONNECT_TIMEOUT_S. Returns the fd, or -1 after printing why.
 */
static int unix_connect(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path) {
        fail("socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    double deadline = now_s() + CONNECT_TIMEOUT_S;
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fail("socket: %s", strerror(errno));
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
            return fd;
        int err = errno;
        close(fd);
        if ((err != ENOENT && err != ECONNREFUSED) || now_s() > deadline) {
            fail("cannot connect to %s: %s", path, strerror(err));
            return -1;
        }
        sleep_ms(50);
    }
}

/* Write all len bytes of buf to fd; 0 on success, -1 after printing why. */
static int write_all(int fd, const char *buf, size_t len, const char *what)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail("write to %s: %s", what, strerror(errno));
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- wait ------------------------------------------------------------ */

/* State of an incremental line reader over a growing log file. */
struct log_reader {
    const char *path;
    off_t offset;   /* next byte of the file to read */
    size_t len;     /* bytes of the current (unfinished) line in line_buf */
    long matches;   /* complete lines matched so far */
};

/* Print the current line without the serial port's carriage returns. */
static void print_line(size_t len)
{
    while (len > 0 && (line_buf[len - 1] == '\r' || line_buf[len - 1] == '\n'))
        len--;
    fwrite(line_buf, 1, len, stdout);
    fputc('\n', stdout);
}

/* True when the current line contains needle. */
static int line_matches(size_t len, const char *needle)
{
    line_buf[len] = '\0';
    return strstr(line_buf, needle) != NULL;
}

/*
 * Read what was appended to the log since the last call. Returns 1 when
 * the count-th matching line was seen (it is printed), else 0. A trailing
 * line without its newline yet (a shell prompt) counts as the final match
 * too. A file that shrank was recreated: it is read from its start again.
 */
static int log_poll(struct log_reader *r, const char *needle, long count)
{
    FILE *f = fopen(r->path, "rb");
    if (f == NULL)
        return 0;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size < r->offset) {
        r->offset = 0;
        r->len = 0;
        r->matches = 0;
    }
    int found = 0;
    if (fseeko(f, r->offset, SEEK_SET) == 0) {
        int c;
        while (!found && (c = getc(f)) != EOF) {
            r->offset++;
            if (r->len < LINE_MAX_LEN - 1)
                line_buf[r->len++] = (char)c;
            if (c != '\n')
                continue;
            if (line_matches(r->len, needle) && ++r->matches >= count) {
                print_line(r->len);
                found = 1;
            }
            r->len = 0;
        }
    }
    fclose(f);
    if (!found && r->matches + 1 >= count && line_matches(r->len, needle)) {
        print_line(r->len);
        found = 1;
    }
    return found;
}

/* emuctl wait: poll LOGFILE until a line contains SUBSTRING. */
static int cmd_wait(int argc, char **argv)
{
    long count = 1, offset = 0, timeout;
    int i = 0;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        long *dst = strcmp(argv[i], "-n") == 0 ? &count
                  : strcmp(argv[i], "-o") == 0 ? &offset : NULL;
        if (dst == NULL || parse_long(argv[i + 1], 0, LONG_MAX, dst) != 0)
            return EXIT_USAGE;
    }
    if (argc - i != 3 || parse_long(argv[i + 2], 0, 86400, &timeout) != 0)
        return EXIT_USAGE;
    struct log_reader r = { .path = argv[i], .offset = (off_t)offset };
    double deadline = now_s() + (double)timeout;
    for (;;) {
        if (log_poll(&r, argv[i + 1], count))
            return 0;
        if (now_s() > deadline)
            return fail("timeout after %ld s waiting for '%s' in %s",
                        timeout, argv[i + 1], r.path);
        sleep_ms(50);
    }
}

/* ---- QMP ------------------------------------------------------------- */

/* A QMP connection with its receive buffer. */
struct qmp {
    int fd;
    const char *path;
    char buf[65536];
    size_t len;
};

/*
 * Read one '\n'-terminated message into line_buf (NUL-terminated, long
 * ones truncated). Returns 0, or -1 after printing why (timeout, EOF).
 */
static int qmp_read_line(struct qmp *q)
{
    size_t out = 0;
    double deadline = now_s() + REPLY_TIMEOUT_S;
    for (;;) {
        for (size_t i = 0; i < q->len; i++) {
            char c = q->buf[i];
            if (out < LINE_MAX_LEN - 1)
                line_buf[out++] = c;
            if (c == '\n') {
                memmove(q->buf, q->buf + i + 1, q->len - i - 1);
                q->len -= i + 1;
                line_buf[out] = '\0';
                return 0;
            }
        }
        q->len = 0;
        double left = deadline - now_s();
        struct pollfd p = { .fd = q->fd, .events = POLLIN };
        if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) == 0) {
            fail("no reply from %s within %.0f s", q->path, REPLY_TIMEOUT_S);
            return -1;
        }
        ssize_t n = read(q->fd, q->buf, sizeof q->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fail("%s closed the connection%s%s", q->path, n < 0 ? ": " : "",
                 n < 0 ? strerror(errno) : "");
            return -1;
        }
        q->len = (size_t)n;
    }
}

/*
 * True when the JSON object text s has key at its top level (QMP's reply
 * key order is not fixed, so "starts with" tests are not enough).
 */
static int json_has_top_key(const char *s, const char *key)
{
    size_t klen = strlen(key);
    int depth = 0;
    for (; *s != '\0'; s++) {
        if (*s == '{' || *s == '[') {
            depth++;
        } else if (*s == '}' || *s == ']') {
            depth--;
        } else if (*s == '"') {
            const char *start = ++s;
            while (*s != '\0' && *s != '"')
                s += (*s == '\\' && s[1] != '\0') ? 2 : 1;
            if (*s == '\0')
                return 0;
            const char *after = s + 1;
            while (*after == ' ')
                after++;
            if (depth == 1 && *after == ':' && (size_t)(s - start) == klen &&
                memcmp(start, key, klen) == 0)
                return 1;
        }
    }
    return 0;
}

/*
 * Send one command and read its reply, skipping asynchronous events. The
 * reply is printed when print is set. Returns 0 on a "return" reply, 1 on
 * an "error" reply (printed to stderr) or a broken connection.
 */
static int qmp_exec(struct qmp *q, const char *json, int print)
{
    if (write_all(q->fd, json, strlen(json), q->path) != 0 ||
        write_all(q->fd, "\n", 1, q->path) != 0)
        return EXIT_FAIL;
    for (;;) {
        if (qmp_read_line(q) != 0)
            return EXIT_FAIL;
        line_buf[strcspn(line_buf, "\r\n")] = '\0';
        if (json_has_top_key(line_buf, "error"))
            return fail("%s answered %s to %s", q->path, line_buf, json);
        if (!json_has_top_key(line_buf, "return"))
            continue; /* an asynchronous event */
        if (print)
            puts(line_buf);
        return 0;
    }
}

/* Connect to a QMP socket, read the greeting and leave capabilities
 * negotiation mode. Returns 0, or 1 after printing why. */
static int qmp_open(struct qmp *q, const char *path)
{
    q->path = path;
    q->len = 0;
    q->fd = unix_connect(path);
    if (q->fd < 0)
        return EXIT_FAIL;
    if (qmp_read_line(q) != 0)
        return EXIT_FAIL;
    if (!json_has_top_key(line_buf, "QMP"))
        return fail("%s is not a QMP socket (greeting: %s)", path, line_buf);
    return qmp_exec(q, "{\"execute\":\"qmp_capabilities\"}", 0);
}

/* Open QMP at path, run one command, close. */
static int qmp_one(const char *path, const char *json, int print)
{
    struct qmp q;
    int rc = qmp_open(&q, path);
    if (rc == 0)
        rc = qmp_exec(&q, json, print);
    if (q.fd >= 0)
        close(q.fd);
    return rc;
}

/* emuctl qmp: run a raw QMP command and print its reply. */
static int cmd_qmp(int argc, char **argv)
{
    if (argc != 2)
        return EXIT_USAGE;
    return qmp_one(argv[0], argv[1], 1);
}

/* Read and drop input on fd until the peer closes it (REPLY_TIMEOUT_S at
 * most). Returns 0 on end of file, 1 after printing why not. */
static int wait_eof(int fd, const char *path)
{
    char buf[4096];
    double deadline = now_s() + REPLY_TIMEOUT_S;
    for (;;) {
        double left = deadline - now_s();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) == 0)
            return fail("%s still open %.0f s after quit", path, REPLY_TIMEOUT_S);
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return 0;
        if (n < 0 && errno != EINTR)
            return fail("read from %s: %s", path, strerror(errno));
    }
}

/* emuctl quit: ask QEMU to exit; returns once it closed the socket, so
 * the run directory can be reused right away. */
static int cmd_quit(int argc, char **argv)
{
    if (argc != 1)
        return EXIT_USAGE;
    struct qmp q;
    int rc = qmp_open(&q, argv[0]);
    if (rc == 0)
        rc = qmp_exec(&q, "{\"execute\":\"quit\"}", 0);
    if (rc == 0)
        rc = wait_eof(q.fd, argv[0]);
    if (q.fd >= 0)
        close(q.fd);
    return rc;
}

/* True when id is safe to paste into JSON as a device id. */
static int valid_id(const char *id)
{
    if (*id == '\0')
        return 0;
    for (; *id != '\0'; id++)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
                   *id) == NULL)
            return 0;
    return 1;
}

/* Where input-send-event must aim to reach one input device: QEMU routes
 * events by display console (device id + head), and an input device bound
 * to a console (its display/head properties) receives that console's. */
struct input_target {
    char display[64];
    long head;
};

/* Get QOM property prop of /machine/peripheral/id; the reply's value is
 * left in line_buf. Returns 0, or 1 after printing why. */
static int qom_get(struct qmp *q, const char *id, const char *prop)
{
    char json[256];
    snprintf(json, sizeof json,
             "{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
             "\"/machine/peripheral/%s\",\"property\":\"%s\"}}", id, prop);
    return qmp_exec(q, json, 0);
}

/* Find the console the input device id is bound to. Returns 0, or 1 after
 * printing why (no such device, or not bound to a display). */
static int resolve_input(struct qmp *q, const char *id, struct input_target *t)
{
    if (qom_get(q, id, "display") != 0)
        return EXIT_FAIL;
    const char *v = strstr(line_buf, "\"return\": \"");
    size_t len = v != NULL ? strcspn(v + 11, "\"") : 0;
    if (len == 0 || len >= sizeof t->display)
        return fail("input device %s is not bound to a display (set its "
                    "display= and head= properties)", id);
    memcpy(t->display, v + 11, len);
    t->display[len] = '\0';
    if (qom_get(q, id, "head") != 0)
        return EXIT_FAIL;
    v = strstr(line_buf, "\"return\": ");
    t->head = v != NULL ? strtol(v + 10, NULL, 10) : 0;
    return 0;
}

/*
 * Send one input-send-event to target: an absolute position when x >= 0,
 * then the left button state when button >= 0 (1 down, 0 up).
 */
static int send_input(struct qmp *q, const struct input_target *t, long x, long y,
                      int button)
{
    char json[512];
    int n = snprintf(json, sizeof json,
                     "{\"execute\":\"input-send-event\",\"arguments\":"
                     "{\"device\":\"%s\",\"head\":%ld,\"events\":[",
                     t->display, t->head);
    const char *sep = "";
    if (x >= 0) {
        n += snprintf(json + n, sizeof json - (size_t)n,
                      "{\"type\":\"abs\",\"data\":{\"axis\":\"x\",\"value\":%ld}},"
                      "{\"type\":\"abs\",\"data\":{\"axis\":\"y\",\"value\":%ld}}",
                      x, y);
        sep = ",";
    }
    if (button >= 0)
        n += snprintf(json + n, sizeof json - (size_t)n,
                      "%s{\"type\":\"btn\",\"data\":{\"down\":%s,\"button\":\"left\"}}",
                      sep, button ? "true" : "false");
    snprintf(json + n, sizeof json - (size_t)n, "]}}");
    return qmp_exec(q, json, 0);
}

/* Parse a tablet coordinate (0..32767); 0 on success. */
static int parse_coord(const char *s, long *out)
{
    return parse_long(s, 0, 32767, out);
}

/* emuctl tap: press and release the left button at X,Y on a tablet. */
static int cmd_tap(int argc, char **argv)
{
    long x, y, hold = 0;
    if ((argc != 4 && argc != 5) || !valid_id(argv[1]) ||
        parse_coord(argv[2], &x) != 0 || parse_coord(argv[3], &y) != 0 ||
        (argc == 5 && parse_long(argv[4], 0, 60000, &hold) != 0))
        return EXIT_USAGE;
    struct qmp q;
    struct input_target t;
    int rc = qmp_open(&q, argv[0]);
    if (rc == 0)
        rc = resolve_input(&q, argv[1], &t);
    if (rc == 0)
        rc = send_input(&q, &t, x, y, 1);
    if (rc == 0) {
        sleep_ms(hold);
        rc = send_input(&q, &t, -1, -1, 0);
    }
    if (q.fd >= 0)
        close(q.fd);
    return rc;
}

/* emuctl drag: press at X0,Y0, move in STEPS steps to X1,Y1, release.
 * Steps are STEP_MS apart (default 16) so the guest sees each position
 * rather than QEMU merging unread motion. */
static int cmd_drag(int argc, char **argv)
{
    long c[4], steps, step_ms = 16;
    if ((argc != 7 && argc != 8) || !valid_id(argv[1]) ||
        parse_long(argv[6], 1, 10000, &steps) != 0 ||
        (argc == 8 && parse_long(argv[7], 0, 10000, &step_ms) != 0))
        return EXIT_USAGE;
    for (int i = 0; i < 4; i++)
        if (parse_coord(argv[2 + i], &c[i]) != 0)
            return EXIT_USAGE;
    struct qmp q;
    struct input_target t;
    int rc = qmp_open(&q, argv[0]);
    if (rc == 0)
        rc = resolve_input(&q, argv[1], &t);
    if (rc == 0)
        rc = send_input(&q, &t, c[0], c[1], 1);
    for (long s = 1; rc == 0 && s <= steps; s++) {
        sleep_ms(step_ms);
        rc = send_input(&q, &t, c[0] + (c[2] - c[0]) * s / steps,
                        c[1] + (c[3] - c[1]) * s / steps, -1);
    }
    if (rc == 0) {
        sleep_ms(step_ms);
        rc = send_input(&q, &t, -1, -1, 0);
    }
    if (q.fd >= 0)
        close(q.fd);
    return rc;
}

/* True when path holds a whole binary PPM (header plus w*h*3 bytes). */
static int ppm_complete(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    int w = 0, h = 0, maxval = 0, hdr = 0;
    struct stat st;
    int ok = fscanf(f, "P6 %d %d %d%n", &w, &h, &maxval, &hdr) == 3 &&
             fstat(fileno(f), &st) == 0 && w > 0 && h > 0 &&
             st.st_size == (off_t)hdr + 1 + (off_t)w * h * 3;
    fclose(f);
    return ok;
}

/* Write in, made absolute against the working directory, to out (size
 * bytes). Returns 0, or -1 after printing why. */
static int absolute_path(const char *in, char *out, size_t size)
{
    char cwd[PATH_MAX];
    if (in[0] == '/') {
        cwd[0] = '\0';
    } else if (getcwd(cwd, sizeof cwd) == NULL) {
        fail("getcwd: %s", strerror(errno));
        return -1;
    }
    int n = snprintf(out, size, "%s%s%s", cwd, cwd[0] ? "/" : "", in);
    if (n < 0 || (size_t)n >= size) {
        fail("path too long: %s", in);
        return -1;
    }
    return 0;
}

/* emuctl screendump: capture one head of video0 as PPM, wait until the
 * file is whole. QEMU writes the file itself, relative to its own working
 * directory, so the path is made absolute first. */
static int cmd_screendump(int argc, char **argv)
{
    long head;
    if (argc != 3 || parse_long(argv[1], 0, 15, &head) != 0)
        return EXIT_USAGE;
    char path[PATH_MAX];
    if (absolute_path(argv[2], path, sizeof path) != 0)
        return EXIT_FAIL;
    if (strpbrk(path, "\"\\") != NULL)
        return fail("unsupported character in path %s", path);
    if (unlink(path) != 0 && errno != ENOENT)
        return fail("cannot replace %s: %s", path, strerror(errno));
    char json[PATH_MAX + 160];
    snprintf(json, sizeof json,
             "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"%s\","
             "\"device\":\"video0\",\"head\":%ld}}", path, head);
    int rc = qmp_one(argv[0], json, 0);
    if (rc != 0)
        return rc;
    double deadline = now_s() + REPLY_TIMEOUT_S;
    while (!ppm_complete(path)) {
        if (now_s() > deadline)
            return fail("%s still incomplete after %.0f s", path, REPLY_TIMEOUT_S);
        sleep_ms(20);
    }
    return 0;
}

/* emuctl serial: type TEXT and a newline into the serial console. Waits
 * until QEMU has read every byte before closing, because QEMU drops what
 * is still queued when it sees the hang-up. */
static int cmd_serial(int argc, char **argv)
{
    if (argc != 2)
        return EXIT_USAGE;
    int fd = unix_connect(argv[0]);
    if (fd < 0)
        return EXIT_FAIL;
    int rc = write_all(fd, argv[1], strlen(argv[1]), argv[0]) != 0 ||
             write_all(fd, "\n", 1, argv[0]) != 0;
    double deadline = now_s() + REPLY_TIMEOUT_S;
    int queued = 1;
    while (rc == 0 && queued > 0) {
        if (ioctl(fd, SIOCOUTQ, &queued) != 0)
            rc = fail("SIOCOUTQ on %s: %s", argv[0], strerror(errno));
        else if (queued > 0 && now_s() > deadline)
            rc = fail("%s did not read %d bytes within %.0f s", argv[0], queued,
                      REPLY_TIMEOUT_S);
        else if (queued > 0)
            sleep_ms(10);
    }
    close(fd);
    return rc;
}

/* ---- display-size (VNC) --------------------------------------------- */

/*
 * Read exactly len bytes from fd into buf within REPLY_TIMEOUT_S.
 * Returns 0, or -1 after printing why (timeout, end of file, error).
 */
static int read_exact(int fd, void *buf, size_t len, const char *path)
{
    char *p = buf;
    double deadline = now_s() + REPLY_TIMEOUT_S;
    while (len > 0) {
        double left = deadline - now_s();
        struct pollfd pf = { .fd = fd, .events = POLLIN };
        if (left <= 0 || poll(&pf, 1, (int)(left * 1000) + 1) == 0) {
            fail("%s sent nothing for %.0f s", path, REPLY_TIMEOUT_S);
            return -1;
        }
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fail("%s: %s", path, n == 0 ? "closed the connection" : strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Big-endian 16- and 32-bit fields of RFB messages. */
static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)be16(p) << 16 | be16(p + 2);
}
static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put32(unsigned char *p, unsigned long v) { put16(p, (unsigned)(v >> 16)); put16(p + 2, (unsigned)v); }

/* RFB 3.8 handshake without authentication, up to and including the
 * server's init message. Returns 0, or 1 after printing why. */
static int rfb_handshake(int fd, const char *path)
{
    unsigned char b[24];
    if (read_exact(fd, b, 12, path) != 0)
        return EXIT_FAIL;
    if (memcmp(b, "RFB 003.", 8) != 0)
        return fail("%s is not a VNC server", path);
    if (write_all(fd, "RFB 003.008\n", 12, path) != 0 || read_exact(fd, b, 1, path) != 0)
        return EXIT_FAIL;
    unsigned ntypes = b[0], none = 0;
    for (unsigned i = 0; i < ntypes; i++) {
        if (read_exact(fd, b, 1, path) != 0)
            return EXIT_FAIL;
        none |= b[0] == 1;
    }
    if (!none)
        return fail("%s wants a password (need a VNC server without auth)", path);
    /* security type None, then ClientInit with "shared" set */
    if (write_all(fd, "\1", 1, path) != 0 || read_exact(fd, b, 4, path) != 0)
        return EXIT_FAIL;
    if (be32(b) != 0)
        return fail("%s refused the connection", path);
    if (write_all(fd, "\1", 1, path) != 0 || read_exact(fd, b, 24, path) != 0)
        return EXIT_FAIL;
    for (unsigned long name = be32(b + 20); name > 0; name--)
        if (read_exact(fd, b, 1, path) != 0)
            return EXIT_FAIL;
    return 0;
}

/* Wait for the server's ExtendedDesktopSize answer to our request (a
 * framebuffer update whose rectangle has x = 1, y = status). Status 4 is
 * "request forwarded" to the display device. Returns 0 on that. */
static int rfb_resize_status(int fd, const char *path)
{
    unsigned char b[16];
    for (;;) {
        if (read_exact(fd, b, 4, path) != 0)
            return EXIT_FAIL;
        if (b[0] != 0)
            return fail("%s sent unexpected message type %u", path, b[0]);
        for (unsigned n = be16(b + 2); n > 0; n--) {
            if (read_exact(fd, b, 12, path) != 0)
                return EXIT_FAIL;
            if (be32(b + 8) != 0xfffffeccUL) /* -308: ExtendedDesktopSize */
                return fail("%s sent unexpected encoding %ld", path, (long)be32(b + 8));
            unsigned x = be16(b), status = be16(b + 2);
            if (read_exact(fd, b, 4, path) != 0)
                return EXIT_FAIL;
            for (unsigned screens = b[0]; screens > 0; screens--)
                if (read_exact(fd, b, 16, path) != 0)
                    return EXIT_FAIL;
            if (x == 1)
                return status == 4 ? 0
                                   : fail("%s rejected the size (status %u)", path, status);
        }
    }
}

/* emuctl display-size: act as a VNC viewer whose window shows the head
 * behind VNCSOCK at W x H. virtio-gpu then reports that output enabled
 * with W x H as its preferred mode (outputs other than the first start
 * disabled, and headless QEMU has no window to enable them). */
static int cmd_display_size(int argc, char **argv)
{
    long w, h;
    if (argc != 3 || parse_long(argv[1], 1, 16384, &w) != 0 ||
        parse_long(argv[2], 1, 16384, &h) != 0)
        return EXIT_USAGE;
    int fd = unix_connect(argv[0]);
    if (fd < 0)
        return EXIT_FAIL;
    int rc = rfb_handshake(fd, argv[0]);
    /* SetEncodings [ExtendedDesktopSize] so the server reports the result. */
    unsigned char enc[8] = { 2, 0, 0, 1 };
    put32(enc + 4, 0xfffffeccUL);
    /* SetDesktopSize: one screen at 0,0 covering W x H. */
    unsigned char msg[24] = { 251, 0 };
    put16(msg + 2, (unsigned)w);
    put16(msg + 4, (unsigned)h);
    msg[6] = 1;
    put16(msg + 16, (unsigned)w);
    put16(msg + 18, (unsigned)h);
    if (rc == 0 && (write_all(fd, (char *)enc, sizeof enc, argv[0]) != 0 ||
                    write_all(fd, (char *)msg, sizeof msg, argv[0]) != 0))
        rc = EXIT_FAIL;
    if (rc == 0)
        rc = rfb_resize_status(fd, argv[0]);
    close(fd);
    return rc;
}

/* ---- main ------------------------------------------------------------ */

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    { "wait", cmd_wait, "wait [-n COUNT] [-o OFFSET] LOGFILE SUBSTRING TIMEOUT_S" },
    { "qmp", cmd_qmp, "qmp QMPSOCK JSON" },
    { "tap", cmd_tap, "tap QMPSOCK DEVICE_ID X Y [HOLD_MS]   (X,Y 0..32767)" },
    { "drag", cmd_drag, "drag QMPSOCK DEVICE_ID X0 Y0 X1 Y1 STEPS [STEP_MS]" },
    { "screendump", cmd_screendump, "screendump QMPSOCK HEAD OUT.ppm" },
    { "serial", cmd_serial, "serial SERIALSOCK TEXT" },
    { "quit", cmd_quit, "quit QMPSOCK" },
    { "display-size", cmd_display_size, "display-size VNCSOCK W H" },
};

/* Print every command's usage line on stderr. */
static void usage(void)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, "usage: emuctl %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; argc >= 2 && i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        int rc = commands[i].run(argc - 2, argv + 2);
        if (rc == EXIT_USAGE)
            fprintf(stderr, "usage: emuctl %s\n", commands[i].usage);
        return rc;
    }
    usage();
    return EXIT_USAGE;
}
