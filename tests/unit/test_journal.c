// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drain journals ship reads: which file a drain in progress may still
 * cut back, and to what size, matched by day directory and name wherever
 * the sensor wrote the journal from (a copy rsync brought keeps the
 * sensor's paths).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "fleet/journal.h"
#include "filecase.h"

/* DIR/.xdp-telescope-NAME with text in it. */
static void journal(struct dir *d, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.xdp-telescope-%s", d->path, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_limits(void **state)
{
	struct dir *d = *state;
	struct journals j = { 0 };
	char why[256];

	assert_true(journals_read(d->path, &j, why, sizeof(why)));
	assert_int_equal(journals_limit(&j, "2026-01-01/totals.csv"), -1);
	journal(d, "eth1.journal", "gen 1\nsince 1767225600\n"
		"file 4096 /var/lib/xdp-telescope/2026-01-01/totals.csv\n"
		"file 0 /var/lib/xdp-telescope/2026-01-01/ports.csv.gz\n");
	/* a second loader on the same directory: the smaller size binds */
	journal(d, "eth2.journal", "gen 0\nsince 1767225600\nfile 1000 /elsewhere/2026-01-01/totals.csv\n");
	/* written, not yet renamed into place: not a journal yet */
	journal(d, "eth3.journal.tmp", "garbage");
	assert_true(journals_read(d->path, &j, why, sizeof(why)));
	assert_int_equal(journals_limit(&j, "2026-01-01/totals.csv"), 1000);
	assert_int_equal(journals_limit(&j, "2026-01-01/ports.csv.gz"), 0);
	assert_int_equal(journals_limit(&j, "2026-01-01/ports.csv"), -1);
	assert_int_equal(journals_limit(&j, "2026-01-02/totals.csv"), -1);
	journals_free(&j);
}

static void test_not_a_journal(void **state)
{
	struct dir *d = *state;
	struct journals j = { 0 };
	char why[256], path[128];

	journal(d, "eth1.journal", "gen 1\nsince 1\nfile -5 /x/2026-01-01/totals.csv\n");
	assert_false(journals_read(d->path, &j, why, sizeof(why)));
	snprintf(path, sizeof(path), "%s/.xdp-telescope-eth1.journal", d->path);
	expect_error_at(why, path, 3, "not a line of a drain journal");
	journals_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_limits, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_not_a_journal, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
