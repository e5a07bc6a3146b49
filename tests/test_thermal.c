/*
 * The SoC temperature from thermal zones laid out as the kernel's sysfs
 * has them, in a directory of the test's own.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/thermal.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[160];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void test_hottest_zone(void **state)
{
	struct thermal t;

	(void)state;
	snprintf(root, sizeof root, "/tmp/slipmat-thermal-XXXXXX");
	assert_non_null(mkdtemp(root));
	dir("thermal_zone0");
	put("thermal_zone0/type", "soc-thermal\n");
	put("thermal_zone0/temp", "45000\n");
	dir("thermal_zone1");
	put("thermal_zone1/type", "bigcore0-thermal\n");
	put("thermal_zone1/temp", "52300\n");
	dir("thermal_zone2"); /* a zone without a temperature */
	put("thermal_zone2/type", "broken\n");
	dir("cooling_device0");
	put("cooling_device0/temp", "99000\n");

	assert_int_equal(thermal_open(&t, root), 2);
	assert_true(fabsf(thermal_read(&t) - 52.3f) < 1e-3f);
	/* a new reading each time */
	put("thermal_zone0/temp", "81250\n");
	assert_true(fabsf(thermal_read(&t) - 81.25f) < 1e-3f);
	/* nonsense in a zone is skipped */
	put("thermal_zone0/temp", "n/a\n");
	assert_true(fabsf(thermal_read(&t) - 52.3f) < 1e-3f);
	put("thermal_zone1/temp", "");
	assert_true(isnan(thermal_read(&t)));
	thermal_close(&t);
	assert_int_equal(system("rm -rf /tmp/slipmat-thermal-*"), 0);
}

static void test_no_zones(void **state)
{
	struct thermal t;

	(void)state;
	assert_int_equal(thermal_open(&t, "/nonexistent/thermal"), 0);
	assert_true(isnan(thermal_read(&t)));
	thermal_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hottest_zone),
	    cmocka_unit_test(test_no_zones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
