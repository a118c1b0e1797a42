// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sensor/retention.c: old day directories go, others and strangers stay. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "common/calendar.h"
#include "sensor/retention.h"

static char root[64];

static void touch(const char *rel)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("time,sensor\n", f);
	fclose(f);
}

static void day_dir(const char *day)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, day);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/totals.csv", day);
	touch(path);
	snprintf(path, sizeof(path), "%s/ports.csv.gz", day);
	touch(path);
}

static bool exists(const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return !stat(path, &st);
}

static void test_prune(void **state)
{
	int64_t now = (int64_t)day_from_ymd(2026, 12, 1) * 86400 + 3600;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_retention.XXXXXX");
	assert_non_null(mkdtemp(root));
	day_dir("2026-11-28");
	day_dir("2026-11-29");
	day_dir("2026-11-30");
	day_dir("2026-12-01");
	day_dir("2026-11-20");
	touch("2026-11-20/notes.txt"); /* not the sensor's: the day stays */
	day_dir("2026-11-2x");         /* not a day: left alone */

	assert_int_equal(retention_prune(root, 0, now), 0); /* 0: keep everything */
	assert_true(exists("2026-11-28"));
	/* keep 2 days: today and yesterday */
	assert_int_equal(retention_prune(root, 2, now), 2);
	assert_false(exists("2026-11-28"));
	assert_false(exists("2026-11-29"));
	assert_true(exists("2026-11-30/totals.csv"));
	assert_true(exists("2026-12-01/totals.csv"));
	assert_true(exists("2026-11-20/notes.txt"));
	assert_false(exists("2026-11-20/totals.csv")); /* its sensor files went */
	assert_true(exists("2026-11-2x/totals.csv"));
	/* keep 1: only the day being written */
	assert_int_equal(retention_prune(root, 1, now), 1);
	assert_false(exists("2026-11-30"));
	assert_true(exists("2026-12-01/ports.csv.gz"));

	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

static void test_space(void **state)
{
	double pct = -1;

	(void)state;
	/* / of a test machine is not full; the figure is a share */
	retention_space_low("/", &pct);
	assert_true(pct >= 0 && pct <= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
