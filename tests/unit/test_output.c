// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Appending drains to the per-day files, and rolling back a drain that
 * was interrupted: the files must end up exactly as before it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cmocka.h>
#include "sensor/output.h"

#define DAY1 1664582400ULL /* 2022-10-01T00:00:00Z */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ts-output-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Whole content of a (possibly gzipped, multi-member) file. */
static char *slurp(const char *path)
{
	static char buf[65536];
	gzFile gz = gzopen(path, "rb");
	int n;

	if (!gz)
		return NULL;
	n = gzread(gz, buf, sizeof(buf) - 1);
	gzclose(gz);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static void one_drain(struct strbuf rows[S_COUNT], const char *totals,
		      const char *ports)
{
	for (int i = 0; i < S_COUNT; i++)
		sb_init(&rows[i]);
	sb_append(&rows[S_TOTALS], totals, strlen(totals));
	if (ports)
		sb_append(&rows[S_PORTS], ports, strlen(ports));
}

static void free_rows(struct strbuf rows[S_COUNT])
{
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&rows[i]);
}

static void run_append_and_rollback(int gzip)
{
	struct strbuf rows[S_COUNT];
	struct output o;
	char path[256], ports[256], *text;
	struct stat st;

	assert_int_equal(output_init(&o, dir, "veth0", gzip), 0);
	one_drain(rows, "A\n", "P1\n");
	assert_int_equal(output_append(&o, DAY1, 0, rows), 0);
	output_done(&o);
	free_rows(rows);

	snprintf(path, sizeof(path), "%s/2022-10-01/totals.csv%s", dir,
		 gzip ? ".gz" : "");
	snprintf(ports, sizeof(ports), "%s/2022-10-01/ports.csv%s", dir,
		 gzip ? ".gz" : "");
	text = slurp(path);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "time,sensor,packets,", 20), 0);
	assert_non_null(strstr(text, "\nA\n"));

	/* second drain: no second header */
	one_drain(rows, "B\n", NULL);
	assert_int_equal(output_append(&o, DAY1 + 60, 1, rows), 0);
	output_done(&o);
	free_rows(rows);
	text = slurp(path);
	assert_null(strstr(text + 1, "time,sensor"));
	assert_non_null(strstr(text, "\nA\nB\n"));

	/* third drain interrupted after writing: the journal stays */
	assert_int_equal(stat(path, &st), 0);
	off_t before = st.st_size;
	one_drain(rows, "C\n", "P3\n");
	assert_int_equal(output_append(&o, DAY1 + 120, 0, rows), 0);
	free_rows(rows);
	assert_int_equal(access(o.journal, F_OK), 0);

	/* a rollback for another drain does nothing */
	assert_int_equal(output_rollback(&o, DAY1 + 60, 0), 0);
	assert_non_null(strstr(slurp(path), "C\n"));

	/* the real rollback cuts every file back */
	struct output o2;
	assert_int_equal(output_init(&o2, dir, "veth0", gzip), 0);
	assert_int_equal(output_rollback(&o2, DAY1 + 120, 0), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, before);
	text = slurp(ports);
	assert_non_null(strstr(text, "P1\n"));
	assert_null(strstr(text, "P3"));
	assert_int_not_equal(access(o.journal, F_OK), 0);
}

static void test_plain(void **state)
{
	(void)state;
	run_append_and_rollback(0);
}

static void test_gzip(void **state)
{
	(void)state;
	run_append_and_rollback(1);
}

static void test_day_directories(void **state)
{
	struct strbuf rows[S_COUNT];
	struct output o;
	char path[256];

	(void)state;
	assert_int_equal(output_init(&o, dir, "veth1", 0), 0);
	one_drain(rows, "D\n", NULL);
	assert_int_equal(output_append(&o, DAY1 + 86400 - 60, 0, rows), 0);
	assert_int_equal(output_append(&o, DAY1 + 86400, 1, rows), 0);
	output_done(&o);
	free_rows(rows);
	snprintf(path, sizeof(path), "%s/2022-10-01/totals.csv", dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/2022-10-02/totals.csv", dir);
	assert_int_equal(access(path, F_OK), 0);
	/* files without rows are not created */
	snprintf(path, sizeof(path), "%s/2022-10-02/sources.csv", dir);
	assert_int_not_equal(access(path, F_OK), 0);
}

/*
 * An append that fails half-way (ports.csv cannot be created: it is a
 * link into a directory that does not exist) leaves nothing of itself: totals.csv is cut back, the
 * journal is gone, and the reason is in o.error for the caller to tell.
 */
static void test_failed_append_leaves_nothing(void **state)
{
	struct strbuf rows[S_COUNT];
	struct output o;
	char path[256], ports[256], nowhere[256];
	struct stat st;
	off_t before;

	(void)state;
	assert_int_equal(output_init(&o, dir, "veth0", 0), 0);
	one_drain(rows, "A\n", NULL);
	assert_int_equal(output_append(&o, DAY1, 0, rows), 0);
	output_done(&o);
	free_rows(rows);
	snprintf(path, sizeof(path), "%s/2022-10-01/totals.csv", dir);
	assert_int_equal(stat(path, &st), 0);
	before = st.st_size;
	snprintf(ports, sizeof(ports), "%s/2022-10-01/ports.csv", dir);
	snprintf(nowhere, sizeof(nowhere), "%s/nowhere/ports.csv", dir);
	assert_int_equal(symlink(nowhere, ports), 0);

	one_drain(rows, "B\n", "P\n");
	assert_int_equal(output_append(&o, DAY1 + 60, 1, rows), -1);
	free_rows(rows);
	assert_non_null(strstr(o.error, "cannot write"));
	assert_non_null(strstr(o.error, "ports.csv"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, before);
	assert_int_not_equal(access(o.journal, F_OK), 0);
	/* nothing left to roll back */
	assert_int_equal(output_rollback(&o, DAY1 + 60, 1), 0);
}

static void test_bad_out(void **state)
{
	struct output o;
	char file[128];
	FILE *f;

	(void)state;
	snprintf(file, sizeof(file), "%s/plainfile", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(output_init(&o, file, "veth0", 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gzip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_day_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_append_leaves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_out, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
