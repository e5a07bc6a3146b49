/*
 * fw/offer: what a technician's stick meets. The stick is a temporary
 * folder holding releases signed with the test key (tests/releases.h)
 * and other files; the firmware partition another one. Checked: which
 * files are looked at, which becomes the offer, the refusals and their
 * banner, the check and the install a slice at a time, "Not now", the
 * restart, and a stick pulled out in the middle.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fw/log.h"
#include "fw/offer.h"
#include "tests/releases.h"

static char dir[128], boot[160], stick[160];
static struct updater u;
static struct offer o;
static long ms;

static void in(char *out, size_t n, const char *d, const char *name)
{
	snprintf(out, n, "%.140s/%.100s", d, name);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	(void)state;
	snprintf(dir, sizeof dir, "%s/slipmat-offer-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	in(boot, sizeof boot, dir, "boot");
	in(stick, sizeof stick, dir, "stick");
	mkdir(boot, 0755);
	mkdir(stick, 0755);
	update_init(&u, boot, release_pk, NULL, "0.1.0");
	offer_init(&o, &u);
	ms = 1000;
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *name, const char *version, size_t size)
{
	char p[256];

	in(p, sizeof p, stick, name);
	release_put(p, &(struct release){.version = version, .size = size, .fill = 3});
}

/* Steps of the loop, 16 ms apart, each with a budget of budget_ns, until the state or max steps. */
static int steps_until(enum offer_state want, long budget_ns, int max)
{
	int n = 0;

	while (o.state != want && n < max) {
		offer_step(&o, budget_ns, ms);
		ms += 16;
		n++;
	}
	return n;
}

static void named_releases_only(void **state)
{
	char p[256], banner[200];
	(void)state;
	put("slipmat-0.2.0.release", "0.2.0", 0);
	put("SLIPMAT-0.3.0.RELEASE", "0.3.0", 0); /* FAT keeps the case it was given */
	put("slipmat", "0.2.5", 0);
	put("firmware.release", "0.9.0", 0);  /* not named slipmat*: never read */
	put("slipmat-0.8.0.bin", "0.8.0", 0); /* not .release */
	put("slipmat.releases", "0.8.1", 0);
	in(p, sizeof p, stick, "slipmat-0.7.0.release");
	mkdir(p, 0755); /* a folder */
	in(p, sizeof p, stick, "Track.wav");
	release_write(p, "RIFF", 4);
	offer_stick(&o, stick, "usb sdb");
	assert_int_equal(o.queued, 3);
	assert_int_equal(o.state, OFFER_NONE);
	steps_until(OFFER_READY, 0, 10);
	assert_int_equal(o.state, OFFER_READY);
	/* the newest of the three, with where it is */
	assert_string_equal(o.best.summary, "slipmat 0.3.0 for " UPDATE_ARCH "/" UPDATE_BOARD_FAMILY
	                                    " (installed: 0.1.0)");
	assert_string_equal(o.best_at.stick, "usb sdb");
	assert_non_null(strstr(o.best_at.path, "/SLIPMAT-0.3.0.RELEASE"));
	assert_int_equal(offer_banner(&o, banner, sizeof banner), 0);
	/* Pulled out: the offer goes with it. */
	offer_stick_gone(&o, stick);
	assert_int_equal(o.state, OFFER_NONE);
	steps_until(OFFER_READY, 0, 5);
	assert_int_equal(o.state, OFFER_NONE);
}

/* Each refusal is logged and becomes the banner, with the reason a technician needs. */
static void refusals(void **state)
{
	static uint8_t buf[8192];
	char p[256], banner[200];
	size_t n;
	(void)state;
	struct {
		const char *name, *why;
	} cases[] = {
	    {"slipmat-old.release", "Update refused (usb sdb): slipmat-old.release: version 0.0.9 "
	                            "is not newer than the installed 0.1.0"},
	    {"slipmat-altered.release",
	     "Update refused (usb sdb): slipmat-altered.release: contents do not match the signed "
	     "hash (corrupted)"},
	    {"slipmat-rpi.release", "Update refused (usb sdb): slipmat-rpi.release: built for rpi5 "
	                            "boards, this box is " UPDATE_BOARD_FAMILY},
	    {"slipmat-foreign.release",
	     "Update refused (usb sdb): slipmat-foreign.release: bad signature (not signed by this "
	     "box's release key)"},
	    {"slipmat-cut.release", "Update refused (usb sdb): slipmat-cut.release: no release "
	                            "trailer at the end (truncated, or not a signed release)"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		in(p, sizeof p, stick, cases[i].name);
		switch (i) {
		case 0:
			release_put(p, &(struct release){.version = "0.0.9"});
			break;
		case 1:
			n = release_make(buf, &(struct release){.version = "0.4.0"});
			buf[100] ^= 4;
			release_write(p, buf, n);
			break;
		case 2:
			release_put(p, &(struct release){.version = "0.4.0", .board = "rpi5"});
			break;
		case 3:
			n = release_make(buf, &(struct release){.version = "0.4.0"});
			buf[n - 1] ^= 1; /* the signature */
			release_write(p, buf, n);
			break;
		default:
			n = release_make(buf, &(struct release){.version = "0.4.0"});
			release_write(p, buf, n - 10);
			break;
		}
		offer_stick(&o, stick, "usb sdb");
		assert_int_equal(o.queued, 1);
		steps_until(OFFER_READY, 0, 5);
		assert_int_equal(o.state, OFFER_NONE);
		assert_int_equal(o.queued, 0);
		assert_int_equal(offer_banner(&o, banner, sizeof banner), 1);
		assert_non_null(strstr(banner, cases[i].why));
		offer_stick_gone(&o, stick); /* the banner goes with the stick */
		assert_int_equal(offer_banner(&o, banner, sizeof banner), 0);
		unlink(p);
	}
	/* The banner times out while the stick stays. */
	put("slipmat-0.0.8.release", "0.0.8", 0);
	offer_stick(&o, stick, "usb sdb");
	steps_until(OFFER_READY, 0, 3);
	assert_int_equal(offer_banner(&o, banner, sizeof banner), 1);
	ms += OFFER_BANNER_MS;
	offer_step(&o, 0, ms);
	assert_int_equal(offer_banner(&o, banner, sizeof banner), 0);
	offer_stick_gone(&o, stick);
	/* The firmware the box has, left on the stick after its update: not a word on screen. */
	unlink(p);
	in(p, sizeof p, stick, "slipmat-0.0.8.release");
	unlink(p);
	put("slipmat.release", "0.1.0", 0);
	offer_stick(&o, stick, "usb sdb");
	steps_until(OFFER_READY, 0, 3);
	assert_int_equal(o.state, OFFER_NONE);
	assert_int_equal(offer_banner(&o, banner, sizeof banner), 0);
}

/*
 * A release of 1.5 MB is hashed a chunk a tick when the budget is spent
 * at once: no offer before the last chunk, then the dialog.
 */
static void checked_in_slices(void **state)
{
	int chunks = (int)((1500000 + UPDATE_JOB_CHUNK - 1) / UPDATE_JOB_CHUNK), n;
	(void)state;
	put("slipmat-0.2.0.release", "0.2.0", 1500000);
	offer_stick(&o, stick, "usb sdb");
	n = steps_until(OFFER_READY, 1, 100);
	assert_int_equal(o.state, OFFER_READY);
	assert_int_equal(n, chunks + 1); /* the last step finds the end and compares */
}

static void not_now_until_plugged_again(void **state)
{
	(void)state;
	put("slipmat-0.2.0.release", "0.2.0", 0);
	offer_stick(&o, stick, "usb sdb");
	steps_until(OFFER_READY, 0, 5);
	assert_int_equal(o.state, OFFER_READY);
	offer_dismiss(&o);
	assert_int_equal(o.state, OFFER_NONE);
	assert_int_equal(offer_install(&o), -ENOENT); /* nothing to install now */
	steps_until(OFFER_READY, 0, 50);
	assert_int_equal(o.state, OFFER_NONE);
	offer_stick_gone(&o, stick);
	offer_stick(&o, stick, "usb sdb");
	steps_until(OFFER_READY, 0, 5);
	assert_int_equal(o.state, OFFER_READY);
}

static void install_then_restart(void **state)
{
	static uint8_t a[1 << 20], b[1 << 20];
	char p[256], trial[256];
	int last = 0, n = 0;
	long len;
	(void)state;
	put("slipmat-0.2.0.release", "0.2.0", 600000);
	offer_stick(&o, stick, "usb sdb");
	steps_until(OFFER_READY, 0, 5);
	assert_int_equal(offer_install(&o), 0);
	assert_int_equal(o.state, OFFER_INSTALLING);
	while (o.state == OFFER_INSTALLING && n < 100) {
		assert_int_equal(offer_step(&o, 1, ms), 0);
		assert_true(offer_percent(&o) >= last);
		last = offer_percent(&o);
		ms += 16;
		n++;
	}
	assert_int_equal(o.state, OFFER_INSTALLED);
	assert_true(n >= 2 * 600000 / (int)UPDATE_JOB_CHUNK);
	assert_int_equal(offer_percent(&o), 100);
	in(p, sizeof p, stick, "slipmat-0.2.0.release");
	in(trial, sizeof trial, boot, "trial");
	len =
	    (long)release_make(a, &(struct release){.version = "0.2.0", .size = 600000, .fill = 3});
	{
		FILE *f = fopen(trial, "rb");
		assert_non_null(f);
		assert_int_equal((long)fread(b, 1, sizeof b, f), len);
		fclose(f);
	}
	assert_memory_equal(a, b, (size_t)len);
	/* The restart waits so the screen can say so, then is asked for on every step. */
	assert_int_equal(offer_step(&o, 0, ms), 0);
	ms += OFFER_RESTART_MS;
	assert_int_equal(offer_step(&o, 0, ms), 1);
	assert_int_equal(offer_step(&o, 0, ms + 16), 1);
	/* Pulling the stick now changes nothing: it is installed. */
	offer_stick_gone(&o, stick);
	assert_int_equal(o.state, OFFER_INSTALLED);
}

static void pulled_during_install(void **state)
{
	char p[256];
	(void)state;
	put("slipmat-0.2.0.release", "0.2.0", 900000);
	offer_stick(&o, stick, "usb sdb");
	steps_until(OFFER_READY, 0, 5);
	assert_int_equal(offer_install(&o), 0);
	for (int i = 0; i < 5; i++)
		offer_step(&o, 1, ms += 16);
	in(p, sizeof p, boot, "trial.tmp");
	assert_int_equal(access(p, F_OK), 0);
	offer_stick_gone(&o, stick);
	assert_int_equal(o.state, OFFER_FAILED);
	assert_string_equal(o.why,
	                    "usb sdb was pulled out during the install: nothing was changed");
	assert_int_equal(access(p, F_OK), -1);
	in(p, sizeof p, boot, "trial");
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(offer_step(&o, 0, ms), 0);
	offer_dismiss(&o); /* OK */
	assert_int_equal(o.state, OFFER_NONE);
}

/* Without a firmware partition a good release is refused, saying so. */
static void no_partition(void **state)
{
	char banner[200];
	(void)state;
	update_init(&u, "", release_pk, NULL, "0.1.0");
	put("slipmat-0.2.0.release", "0.2.0", 0);
	offer_stick(&o, stick, "usb sdb");
	steps_until(OFFER_READY, 0, 5);
	assert_int_equal(o.state, OFFER_NONE);
	assert_int_equal(offer_banner(&o, banner, sizeof banner), 1);
	assert_string_equal(banner, "Update refused (usb sdb): slipmat-0.2.0.release is good, but "
	                            "this box has no firmware partition to install it on");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(named_releases_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(checked_in_slices, setup, teardown),
	    cmocka_unit_test_setup_teardown(not_now_until_plugged_again, setup, teardown),
	    cmocka_unit_test_setup_teardown(install_then_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(pulled_during_install, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_partition, setup, teardown),
	};

	if (releases_init() < 0)
		return 1;
	log_set_level(LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
