/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Finding and streaming the CSV that `run` writes: DIR/YYYY-MM-DD/NAME.csv
 * or NAME.csv.gz, one row at a time, columns found by their header names.
 */
#ifndef TS_REPORT_INPUT_H
#define TS_REPORT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/contract.h"

struct day_dir {
	int day;
	char *path;
};

struct day_list {
	struct day_dir *v;
	size_t n, cap;
};

/*
 * Adds the YYYY-MM-DD directories of dir, or when it has none, those of
 * each of its sub-directories (one per sensor). False, with the reason on
 * stderr, when dir cannot be read or holds no day directory at all.
 */
bool rpt_scan_data_dir(const char *dir, struct day_list *list);
/* Sorts by day (stable for equal days: the order given). */
void day_list_sort(struct day_list *list);
void day_list_free(struct day_list *list);

struct csv_read_stats {
	uint64_t rows;
	uint64_t malformed;
	uint64_t unreadable;	/* files that could not be opened or read */
	char first_bad[512];	/* "PATH:LINE" of the first malformed line */
};

/*
 * Called for each data row; col[i] is the field index of want[i], or -1
 * for an optional column ("?name" in want) the header lacks. Returns false
 * when the row is malformed (it is then counted and skipped).
 */
typedef bool (*rpt_row_fn)(void *ctx, char **fields, const int *col);

/* Streams DAYDIR/KIND.csv[.gz] if present; a missing file is no error. */
void rpt_read_csv(const char *daydir, enum series kind,
		  const char *const *want, int nwant, rpt_row_fn fn, void *ctx,
		  struct csv_read_stats *st);

/* Fast unsigned parse of a whole field; false when not all digits. */
static inline bool field_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

#endif
