// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sensor/retention.c: old day directories go, others, strangers and days
 * the database does not hold whole yet stay; common/shipped.c's ledger. */
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
#include "common/shipped.h"
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

static void write_ledger(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.xdp-telescope-shipped", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* With ship's ledger, a day goes only once the database holds it whole. */
static void test_prune_shipped(void **state)
{
	int64_t now = (int64_t)day_from_ymd(2026, 12, 1) * 86400 + 3600;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_retention.XXXXXX");
	assert_non_null(mkdtemp(root));
	day_dir("2026-11-27");	/* shipped whole */
	day_dir("2026-11-28");	/* ports.csv.gz only half shipped */
	day_dir("2026-11-29");	/* not in the ledger at all */
	day_dir("2026-12-01");
	/* each file is "time,sensor\n": 12 bytes */
	write_ledger("2026-11-27/totals.csv 12\n2026-11-27/ports.csv.gz 12\n"
		     "2026-11-28/totals.csv 12\n2026-11-28/ports.csv.gz 6\n");
	assert_int_equal(retention_prune(root, 1, now), 1);
	assert_false(exists("2026-11-27"));
	assert_true(exists("2026-11-28/ports.csv.gz"));
	assert_true(exists("2026-11-28/totals.csv"));	/* a day goes whole or not at all */
	assert_true(exists("2026-11-29/totals.csv"));
	/* the ledger catches up */
	write_ledger("2026-11-28/totals.csv 12\n2026-11-28/ports.csv.gz 12\n"
		     "2026-11-29/totals.csv 12\n2026-11-29/ports.csv.gz 12\n");
	assert_int_equal(retention_prune(root, 1, now), 2);
	assert_false(exists("2026-11-28"));
	assert_false(exists("2026-11-29"));
	assert_true(exists("2026-12-01/totals.csv"));
	/* a damaged ledger says nothing is shipped: every day stays */
	day_dir("2026-11-26");
	write_ledger("2026-11-26/totals.csv 12\n2026-11-26/ports.csv.gz twelve\n");
	assert_int_equal(retention_prune(root, 1, now), 0);
	assert_true(exists("2026-11-26/totals.csv"));
	write_ledger("2026-11-26/totals.csv 12\n2026-11-26/ports.csv.gz 12");	/* cut */
	assert_int_equal(retention_prune(root, 1, now), 0);
	assert_true(exists("2026-11-26/totals.csv"));
	rm_root();
}

/* The ledger as ship writes it reads back the same. */
static void test_ledger_round_trip(void **state)
{
	struct shipped a, b;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_retention.XXXXXX");
	assert_non_null(mkdtemp(root));
	shipped_init(&a);
	assert_true(shipped_load(root, &a));
	assert_false(a.present);
	shipped_set(&a, "2026-11-30/totals.csv", 4096);
	shipped_set(&a, "2026-11-30/ports.csv.gz", UINT64_MAX);
	shipped_set(&a, "2026-11-30/totals.csv", 8192);
	assert_true(shipped_save(root, &a));
	shipped_init(&b);
	assert_true(shipped_load(root, &b));
	assert_true(b.present);
	assert_int_equal(shipped_bytes(&b, "2026-11-30/totals.csv"), 8192);
	assert_true(shipped_bytes(&b, "2026-11-30/ports.csv.gz") == UINT64_MAX);
	assert_int_equal(shipped_bytes(&b, "2026-11-30/sources.csv"), 0);
	shipped_free(&a);
	shipped_free(&b);
	rm_root();
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
		cmocka_unit_test(test_prune_shipped),
		cmocka_unit_test(test_ledger_round_trip),
		cmocka_unit_test(test_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
