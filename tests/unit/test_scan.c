// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What ship finds under a DIR (user/fleet/scan.c): an output directory's
 * day directories in day order, or a directory of sensors' output
 * directories; in each day the series files, plain and gzip, in series
 * order; nothing else (a stray file, a directory that only looks like a
 * day, a dot directory); and a clear reason when a DIR holds no day.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "fleet/scan.h"
#include "filecase.h"

/* DIR/REL, an empty file; its directories made. */
static void touch(struct dir *d, const char *rel)
{
	char path[256], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d->path, rel);
	for (slash = strchr(path + strlen(d->path) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static void test_one_output(void **state)
{
	struct dir *d = *state;
	struct ship_scan sc = { 0 };
	char why[400];

	touch(d, "2026-01-02/ports.csv");
	touch(d, "2026-01-02/totals.csv.gz");
	touch(d, "2026-01-02/totals.csv");
	touch(d, "2026-01-02/notes.txt");		/* not a series */
	touch(d, "2026-01-01/tags.csv");
	touch(d, "2026-13-01/totals.csv");		/* not a day */
	touch(d, "2026-01-03x/totals.csv");
	touch(d, "2026-01-04");			/* a file, not a directory */
	assert_true(scan_add(&sc, d->path, why, sizeof(why)));
	assert_int_equal(sc.n, 2);
	assert_int_equal(sc.days[0].day + 1, sc.days[1].day);
	assert_string_equal(sc.days[0].out, d->path);
	assert_int_equal(sc.days[0].nfiles, 1);
	assert_string_equal(sc.days[0].files[0].rel, "2026-01-01/tags.csv");
	assert_int_equal(sc.days[1].nfiles, 3);
	assert_int_equal(sc.days[1].files[0].series, S_TOTALS);
	assert_false(sc.days[1].files[0].gz);
	assert_true(sc.days[1].files[1].gz);
	assert_string_equal(sc.days[1].files[1].rel, "2026-01-02/totals.csv.gz");
	assert_int_equal(sc.days[1].files[2].series, S_PORTS);
	scan_free(&sc);
}

static void test_sensors(void **state)
{
	struct dir *d = *state;
	struct ship_scan sc = { 0 };
	char why[400], want[128];

	touch(d, "tokyo-1/2026-01-01/totals.csv");
	touch(d, "osaka-1/2026-01-01/totals.csv");
	touch(d, "osaka-1/2026-01-02/totals.csv");
	touch(d, ".hidden/2026-01-01/totals.csv");
	touch(d, "empty/README");
	assert_true(scan_add(&sc, d->path, why, sizeof(why)));
	assert_int_equal(sc.n, 3);
	snprintf(want, sizeof(want), "%s/osaka-1", d->path);	/* sensors in name order */
	assert_string_equal(sc.days[0].out, want);
	assert_string_equal(sc.days[1].out, want);
	snprintf(want, sizeof(want), "%s/tokyo-1/2026-01-01", d->path);
	assert_string_equal(sc.days[2].dir, want);
	scan_free(&sc);
}

static void test_nothing(void **state)
{
	struct dir *d = *state;
	struct ship_scan sc = { 0 };
	char why[400], missing[128];

	touch(d, "empty/README");
	assert_false(scan_add(&sc, d->path, why, sizeof(why)));
	assert_non_null(strstr(why, "holds no YYYY-MM-DD directory"));
	snprintf(missing, sizeof(missing), "%s/nowhere", d->path);
	assert_false(scan_add(&sc, missing, why, sizeof(why)));
	assert_non_null(strstr(why, "cannot read"));
	assert_non_null(strstr(why, "No such file or directory"));
	assert_int_equal(sc.n, 0);
	scan_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_output, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_sensors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_nothing, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
