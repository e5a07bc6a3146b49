/*
 * test_uevent: the kernel's device messages as the box will meet them
 * (a touchscreen, a sound card, a USB stick coming and going), broken
 * ones, udev's, and a forged one sent to the socket by a process.
 *
 * Messages are built here the way the kernel lays them out
 * (lib/kobject_uevent.c): "action@devpath", then KEY=VALUE fields, each
 * ending in a NUL. Buffers are allocated at exactly the message's length
 * so that a sanitizer build catches any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../fw/arena.h"
#include "../fw/loop.h"
#include "../hal/uevent.h"

#define MSG_MAX 2048

static const char *const input_add[] = {
    "add@/devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2:1.0/0003:0627:0001.0001/input/input5/"
    "event5",
    "ACTION=add",
    "DEVPATH=/devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2:1.0/0003:0627:0001.0001/input/"
    "input5/event5",
    "SUBSYSTEM=input",
    "MAJOR=13",
    "MINOR=69",
    "DEVNAME=input/event5",
    "SEQNUM=2231",
    NULL,
};

static const char *const input_remove[] = {
    "remove@/devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2:1.0/0003:0627:0001.0001/input/"
    "input5/event5",
    "ACTION=remove",
    "DEVPATH=/devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2:1.0/0003:0627:0001.0001/input/"
    "input5/event5",
    "SUBSYSTEM=input",
    "MAJOR=13",
    "MINOR=69",
    "DEVNAME=input/event5",
    "SEQNUM=2270",
    NULL,
};

/* The input device itself, parent of the event node: no DEVNAME. */
static const char *const input_parent_add[] = {
    "add@/devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2:1.0/0003:0627:0001.0001/input/input5",
    "ACTION=add",
    "DEVPATH=/devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2:1.0/0003:0627:0001.0001/input/"
    "input5",
    "SUBSYSTEM=input",
    "PRODUCT=3/627/1/0",
    "NAME=\"QEMU QEMU USB Tablet\"",
    "PHYS=\"usb-0000:00:04.0-2/input0\"",
    "PROP=0",
    "EV=1f",
    "SEQNUM=2229",
    NULL,
};

static const char *const sound_add[] = {
    "add@/devices/pci0000:00/0000:00:04.0/usb1/1-1/1-1:1.0/sound/card1/pcmC1D0p",
    "ACTION=add",
    "DEVPATH=/devices/pci0000:00/0000:00:04.0/usb1/1-1/1-1:1.0/sound/card1/pcmC1D0p",
    "SUBSYSTEM=sound",
    "MAJOR=116",
    "MINOR=3",
    "DEVNAME=snd/pcmC1D0p",
    "SEQNUM=2102",
    NULL,
};

static const char *const block_add[] = {
    "add@/devices/pci0000:00/0000:00:04.0/usb1/1-3/1-3:1.0/host0/target0:0:0/0:0:0:0/block/"
    "sda/sda1",
    "ACTION=add",
    "DEVPATH=/devices/pci0000:00/0000:00:04.0/usb1/1-3/1-3:1.0/host0/target0:0:0/0:0:0:0/"
    "block/sda/sda1",
    "SUBSYSTEM=block",
    "MAJOR=8",
    "MINOR=1",
    "DEVNAME=sda1",
    "DEVTYPE=partition",
    "DISKSEQ=3",
    "PARTN=1",
    "SEQNUM=2390",
    NULL,
};

static const char *const block_remove[] = {
    "remove@/devices/pci0000:00/0000:00:04.0/usb1/1-3/1-3:1.0/host0/target0:0:0/0:0:0:0/"
    "block/sda",
    "ACTION=remove",
    "DEVPATH=/devices/pci0000:00/0000:00:04.0/usb1/1-3/1-3:1.0/host0/target0:0:0/0:0:0:0/"
    "block/sda",
    "SUBSYSTEM=block",
    "MAJOR=8",
    "MINOR=0",
    "DEVNAME=sda",
    "DEVTYPE=disk",
    "DISKSEQ=3",
    "SEQNUM=2412",
    NULL,
};

/* Lay fields out as the kernel does. Return: the length, every NUL counted. */
static size_t build(char *buf, const char *const *fields)
{
	size_t len = 0;

	for (; *fields; fields++) {
		size_t n = strlen(*fields) + 1;

		assert_true(len + n <= MSG_MAX);
		memcpy(buf + len, *fields, n);
		len += n;
	}
	return len;
}

/* A heap copy of exactly len bytes: nothing beyond it to read by accident. */
static char *exact(const char *src, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, src, len);
	return p;
}

/* Parse fields; the value of key in them, or NULL. */
static const char *field(const char *const *fields, const char *key)
{
	size_t k = strlen(key);

	for (fields++; *fields; fields++)
		if (strncmp(*fields, key, k) == 0 && (*fields)[k] == '=')
			return *fields + k + 1;
	return NULL;
}

/* The parse agrees with the message, key by key; absent keys read "". */
static void check_parsed(const char *const *fields)
{
	char src[MSG_MAX], *buf;
	size_t len = build(src, fields);
	struct uevent ev;
	const char *want;

	buf = exact(src, len);
	assert_int_equal(uevent_parse(buf, len, &ev), 0);
	assert_string_equal(ev.action, field(fields, "ACTION"));
	assert_string_equal(ev.devpath, field(fields, "DEVPATH"));
	assert_string_equal(ev.subsystem, field(fields, "SUBSYSTEM"));
	want = field(fields, "DEVNAME");
	assert_string_equal(ev.devname, want ? want : "");
	want = field(fields, "DEVTYPE");
	assert_string_equal(ev.devtype, want ? want : "");
	assert_string_equal(ev.seqnum, field(fields, "SEQNUM"));
	/* In place: the strings are the message's own bytes. */
	assert_true(ev.devpath > buf && ev.devpath < buf + len);
	free(buf);
}

static void test_input_add_remove(void **state)
{
	char src[MSG_MAX];
	struct uevent ev;

	(void)state;
	check_parsed(input_add);
	check_parsed(input_remove);
	check_parsed(input_parent_add);

	/* What the touch backend is given: the devnode under /dev. */
	assert_int_equal(uevent_parse(src, build(src, input_add), &ev), 0);
	assert_string_equal(ev.action, "add");
	assert_string_equal(ev.subsystem, "input");
	assert_string_equal(ev.devname, "input/event5");
	assert_int_equal(uevent_parse(src, build(src, input_parent_add), &ev), 0);
	assert_string_equal(ev.devname, "");
}

static void test_sound_and_block(void **state)
{
	char src[MSG_MAX];
	struct uevent ev;

	(void)state;
	check_parsed(sound_add);
	check_parsed(block_add);
	check_parsed(block_remove);
	assert_int_equal(uevent_parse(src, build(src, block_add), &ev), 0);
	assert_string_equal(ev.devtype, "partition");
	assert_string_equal(ev.devname, "sda1");
	assert_int_equal(uevent_parse(src, build(src, block_remove), &ev), 0);
	assert_string_equal(ev.action, "remove");
	assert_string_equal(ev.devtype, "disk");
}

/*
 * Every prefix of a message, as if it had been cut short: either rejected,
 * or (when the cut falls between fields after the required ones) a
 * message whose strings all lie inside the prefix. Never a read past it.
 */
static void test_truncated(void **state)
{
	static const char *const *const all[] = {input_add, sound_add, block_add};
	size_t m;

	(void)state;
	for (m = 0; m < sizeof all / sizeof all[0]; m++) {
		char src[MSG_MAX];
		size_t len = build(src, all[m]), cut;
		size_t required = strlen(all[m][0]) + strlen(all[m][1]) + strlen(all[m][2]) +
		                  strlen(all[m][3]) + 4;
		int accepted = 0;

		for (cut = 0; cut < len; cut++) {
			char *buf = exact(src, cut);
			struct uevent ev;
			int err = uevent_parse(buf, cut, &ev);

			if (cut < required || (cut > 0 && src[cut - 1] != '\0')) {
				if (err != -EBADMSG)
					fail_msg("message %zu cut to %zu of %zu bytes: %d", m, cut,
					         len, err);
			} else {
				const char *s[] = {ev.action,  ev.devpath, ev.subsystem,
				                   ev.devname, ev.devtype, ev.seqnum};
				size_t i;

				assert_int_equal(err, 0);
				accepted++;
				for (i = 0; i < 6; i++)
					if (*s[i])
						assert_true(s[i] >= buf &&
						            s[i] + strlen(s[i]) < buf + cut);
			}
			free(buf);
		}
		/* The cuts after SUBSYSTEM and each later field still parse. */
		assert_true(accepted >= 3);
	}
}

static void expect_bad(const char *const *fields, int want)
{
	char src[MSG_MAX], *buf;
	size_t len = build(src, fields);
	struct uevent ev;

	buf = exact(src, len);
	assert_int_equal(uevent_parse(buf, len, &ev), want);
	free(buf);
}

static void test_malformed(void **state)
{
	static const char *const no_at[] = {"add/devices/x", "ACTION=add", "DEVPATH=/devices/x",
	                                    "SUBSYSTEM=input", NULL};
	static const char *const action_disagrees[] = {
	    "add@/devices/x", "ACTION=remove", "DEVPATH=/devices/x", "SUBSYSTEM=input", NULL};
	static const char *const devpath_disagrees[] = {
	    "add@/devices/x", "ACTION=add", "DEVPATH=/devices/y", "SUBSYSTEM=input", NULL};
	static const char *const no_subsystem[] = {"add@/devices/x", "ACTION=add",
	                                           "DEVPATH=/devices/x", "SEQNUM=1", NULL};
	static const char *const field_without_eq[] = {
	    "add@/devices/x",  "ACTION=add", "DEVPATH=/devices/x",
	    "SUBSYSTEM=input", "garbage",    NULL};
	static const char *const twice[] = {"add@/devices/x",     "ACTION=add",
	                                    "DEVPATH=/devices/x", "SUBSYSTEM=input",
	                                    "ACTION=remove",      NULL};
	static const char *const empty_key[] = {
	    "add@/devices/x", "ACTION=add", "DEVPATH=/devices/x", "SUBSYSTEM=input", "=x", NULL};
	static const char *const header_only[] = {"add@/devices/x", NULL};
	static const char *const empty_action[] = {"@/devices/x", "ACTION=", "DEVPATH=/devices/x",
	                                           "SUBSYSTEM=input", NULL};
	static const char unterminated[] = "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0"
	                                   "SUBSYSTEM=input";
	struct uevent ev;
	char *buf;

	(void)state;
	expect_bad(no_at, -EBADMSG);
	expect_bad(action_disagrees, -EBADMSG);
	expect_bad(devpath_disagrees, -EBADMSG);
	expect_bad(no_subsystem, -EBADMSG);
	expect_bad(field_without_eq, -EBADMSG);
	expect_bad(twice, -EBADMSG);
	expect_bad(empty_key, -EBADMSG);
	expect_bad(header_only, -EBADMSG);
	expect_bad(empty_action, -EBADMSG);

	/* The last field without its NUL: rejected, and nothing past len is touched. */
	buf = exact(unterminated, sizeof unterminated - 1);
	assert_int_equal(uevent_parse(buf, sizeof unterminated - 1, &ev), -EBADMSG);
	free(buf);

	assert_int_equal(uevent_parse(NULL, 10, &ev), -EBADMSG);
	buf = exact("", 0);
	assert_int_equal(uevent_parse(buf, 0, &ev), -EBADMSG);
	free(buf);
}

/* udevd's rebroadcasts: "libudev\0", then a binary header; not ours to take. */
static void test_libudev_rejected(void **state)
{
	static const unsigned char udev[] = {
	    'l', 'i', 'b', 'u', 'd', 'e', 'v', 0,    0xca, 0xfe, 0xed, 0xfe, 40,  0,   0,   0,   40,
	    0,   0,   0,   90,  0,   0,   0,   0x12, 0x34, 0x56, 0x78, 0,    0,   0,   0,   0,   0,
	    0,   0,   0,   0,   0,   0,   'A', 'C',  'T',  'I',  'O',  'N',  '=', 'a', 'd', 'd', 0,
	};
	struct uevent ev;
	char *buf = exact((const char *)udev, sizeof udev);

	(void)state;
	assert_int_equal(uevent_parse(buf, sizeof udev, &ev), -ENOMSG);
	free(buf);
}

/* Noise never crashes the parser, and what it accepts lies inside the buffer. */
static void test_garbage(void **state)
{
	uint32_t seed = 12345;
	int round, accepted = 0;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 97), i;
		char *buf = malloc(len ? len : 1);
		struct uevent ev;

		assert_non_null(buf);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly the bytes that matter to the format, so that some get far. */
			switch ((seed >> 16) % 8) {
			case 0:
				buf[i] = '\0';
				break;
			case 1:
				buf[i] = '=';
				break;
			case 2:
				buf[i] = '@';
				break;
			default:
				buf[i] = (char)(seed >> 24);
				break;
			}
		}
		if (uevent_parse(buf, len, &ev) == 0) {
			accepted++;
			assert_true(ev.action >= buf && ev.action < buf + len);
			assert_true(ev.subsystem >= buf && ev.subsystem < buf + len);
		}
		free(buf);
	}
	/* Random bytes are not kernel messages. */
	assert_int_equal(accepted, 0);
}

struct seen {
	int calls;
};

static void on_uevent(void *ctx, const struct uevent *ev)
{
	struct seen *s = ctx;

	(void)ev;
	s->calls++;
}

/*
 * A process sends a well-formed "add" straight to the box's uevent socket,
 * hoping to make it open a device of its choosing. It is not the kernel,
 * so the box does not listen.
 */
static void test_forged_message_ignored(void **state)
{
	struct arena a;
	struct loop l;
	struct uevent_mon u;
	struct seen seen = {0};
	struct sockaddr_nl me = {0}, to = {.nl_family = AF_NETLINK};
	socklen_t melen = sizeof me;
	char msg[MSG_MAX];
	size_t len = build(msg, input_add);
	int forger, err, i;

	(void)state;
	assert_int_equal(arena_init(&a, 1 << 20), 0);
	assert_int_equal(loop_init(&l, &a, 256), 0);
	err = uevent_open(&u, &l, on_uevent, &seen);
	if (err) {
		/* A sandbox without netlink: nothing to test here. */
		loop_clear(&l);
		arena_clear(&a);
		skip();
	}
	assert_int_equal(getsockname(u.fd, (struct sockaddr *)&me, &melen), 0);
	forger = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	assert_true(forger >= 0);
	to.nl_pid = me.nl_pid;
	if (sendto(forger, msg, len, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)len) {
		close(forger);
		uevent_close(&u, &l);
		loop_clear(&l);
		arena_clear(&a);
		skip();
	}
	/* Real kernel events may arrive meanwhile; wait for the forgery to be seen. */
	for (i = 0; i < 50 && u.foreign == 0; i++)
		assert_true(loop_run_once(&l, 100) >= 0);
	assert_int_equal(u.foreign, 1);
	assert_int_equal(seen.calls, (int)u.delivered);
	assert_int_equal(u.malformed, 0);

	close(forger);
	uevent_close(&u, &l);
	assert_int_equal(u.fd, -1);
	assert_int_equal(l.registered, 0);
	loop_clear(&l);
	arena_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_input_add_remove),
	    cmocka_unit_test(test_sound_and_block),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_libudev_rejected),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_forged_message_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
