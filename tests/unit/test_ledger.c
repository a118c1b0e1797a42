// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The ledger ship writes for run --keep-days (user/fleet/ledger.c): what
 * it is told goes into DIR/.xdp-telescope-shipped as run reads it; a
 * value is set, not raised (a database that went back takes the ledger
 * back); nothing changed, nothing written; a damaged ledger is written
 * anew; a directory that cannot take it is tried once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "common/shipped.h"
#include "fleet/ledger.h"
#include "filecase.h"

static uint64_t recorded(const char *dir, const char *rel)
{
	struct shipped s;
	uint64_t n;

	shipped_init(&s);
	assert_true(shipped_load(dir, &s));
	assert_true(s.present);
	n = shipped_bytes(&s, rel);
	shipped_free(&s);
	return n;
}

static void ledger_path(const struct dir *d, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", d->path, SHIPPED_NAME);
}

static void test_set_not_raised(void **state)
{
	struct dir *d = *state;
	struct ledgers g;
	char path[128];
	struct stat st;

	ledgers_init(&g);
	ledgers_note(&g, d->path, "2026-01-01/totals.csv", 1000);
	ledgers_note(&g, d->path, "2026-01-01/ports.csv.gz", 77);
	ledgers_note(&g, d->path, "2026-01-01/tags.csv", -1);	/* not known: nothing */
	ledgers_save(&g);
	assert_int_equal(recorded(d->path, "2026-01-01/totals.csv"), 1000);
	assert_int_equal(recorded(d->path, "2026-01-01/ports.csv.gz"), 77);
	ledgers_note(&g, d->path, "2026-01-01/totals.csv", 400);	/* the database went back */
	ledgers_save(&g);
	assert_int_equal(recorded(d->path, "2026-01-01/totals.csv"), 400);
	/* told what it knows: not written again */
	ledger_path(d, path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	ledgers_note(&g, d->path, "2026-01-01/totals.csv", 400);
	ledgers_save(&g);
	assert_int_not_equal(stat(path, &st), 0);
	ledgers_free(&g);

	/* a new process takes up the ledger it finds */
	ledgers_init(&g);
	ledgers_note(&g, d->path, "2026-01-02/totals.csv", 5);
	ledgers_save(&g);
	assert_int_equal(recorded(d->path, "2026-01-02/totals.csv"), 5);
	ledgers_free(&g);
}

static void test_damaged(void **state)
{
	struct dir *d = *state;
	struct ledgers g;
	char path[128];
	FILE *f;

	ledger_path(d, path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("2026-01-01/totals.csv 12\nnonsense\n", f);
	fclose(f);
	ledgers_init(&g);
	ledgers_note(&g, d->path, "2026-01-01/ports.csv", 9);
	ledgers_save(&g);
	ledgers_free(&g);
	assert_int_equal(recorded(d->path, "2026-01-01/ports.csv"), 9);
	assert_int_equal(recorded(d->path, "2026-01-01/totals.csv"), 0);	/* not trusted */
}

static void test_unwritable(void **state)
{
	struct dir *d = *state;
	struct ledgers g;
	char gone[128], path[160];
	struct stat st;

	snprintf(gone, sizeof(gone), "%s/gone", d->path);
	ledgers_init(&g);
	ledgers_note(&g, gone, "2026-01-01/totals.csv", 3);
	ledgers_save(&g);			/* said once */
	assert_int_equal(mkdir(gone, 0755), 0);
	ledgers_note(&g, gone, "2026-01-01/totals.csv", 4);
	ledgers_save(&g);			/* not tried again */
	snprintf(path, sizeof(path), "%s/%s", gone, SHIPPED_NAME);
	assert_int_not_equal(stat(path, &st), 0);
	ledgers_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_not_raised, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_damaged, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_unwritable, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
