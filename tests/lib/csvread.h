/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The CSV files a drain wrote (tests/lib/draintest.h), read back for the
 * drain tests: every day's file of a series, its header row checked, the
 * data rows split into fields and looked up by the header's names, with
 * sums over the rows that hold given values. A torn row, a row with the
 * wrong number of fields or a count that is not a number fails the test.
 */
#ifndef TS_CSVREAD_H
#define TS_CSVREAD_H

#include <stddef.h>
#include <linux/types.h>
#include "common/contract.h"
#include "lib/strbuf.h"

struct fixture;

#define MAX_COLS 16

struct csv_rec {
	char *f[MAX_COLS];
};

/* Every day's file of one series: the header's names and the data rows. */
struct csv_file {
	enum series s;
	int ncols;
	char *head_text;
	char *head[MAX_COLS];
	struct strbuf text; /* the data rows of all days, split in place */
	struct csv_rec *rec;
	size_t n, cap;
	size_t files; /* days with a file of the series */
};

/* Every day's file of series s in the fixture's directory. */
void csv_load(struct csv_file *c, const struct fixture *f, enum series s);
void csv_free(struct csv_file *c);

/* Row r's field in column `name`, as text or as a count. */
const char *csv_cell(const struct csv_file *c, size_t r, const char *name);
__u64 csv_num(const struct csv_file *c, size_t r, const char *name);

/*
 * Σ `column` over the rows that hold the (column, value) pairs after it,
 * NULL-terminated; *rows (if not NULL) gets how many rows matched.
 */
__u64 csv_sum_rows(const struct csv_file *c, const char *column,
		   size_t *rows, ...);

#define csv_sum(c, column, ...) csv_sum_rows(c, column, NULL, __VA_ARGS__)

/* The time column's text for t. */
const char *row_time(__u64 t, char buf[21]);

/* Rows of time t in c, and Σ packets over them. */
__u64 packets_at(const struct csv_file *c, __u64 t, size_t *rows);

#endif
