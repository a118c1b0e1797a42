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
#include "lib/number.h"

struct day_dir {
	int day;
	char *path;
	int data;		/* the --data it was found under (index) */
	unsigned long long dev, ino;	/* the directory itself, however reached */
};

struct db_fleet;

/* The days to read, in date order once sorted: directories of --data, or
 * with --db one entry a day of the database (path: the day, as text). */
struct day_list {
	struct day_dir *v;
	size_t n, cap;
	struct db_fleet *db;	/* --db (report/dbread.h), else NULL */
};

/*
 * Adds the YYYY-MM-DD directories of dir, or when it has none, those of
 * each of its sub-directories (one per sensor); data is dir's index
 * among the --data options. False, with the reason on stderr, when dir
 * cannot be read or holds no day directory at all.
 */
bool rpt_scan_data_dir(const char *dir, int data, struct day_list *list);
/*
 * False, with one line on stderr, when one day directory is in the list
 * twice (the same --data given twice, one inside another, a symbolic
 * link): its rows would count twice. data_dirs names the --data options.
 */
bool day_list_check_unique(const struct day_list *list, const char *const *data_dirs);
/* Adds one day (path: where its series are, or its name). */
void day_list_add(struct day_list *list, int day, const char *path, int data,
		  unsigned long long dev, unsigned long long ino);
/* Sorts by day (stable for equal days: the order given). */
void day_list_sort(struct day_list *list);
void day_list_free(struct day_list *list);

/* What a row handler says of a row; all but ROW_OK skip it. */
enum row_verdict {
	ROW_OK,
	ROW_BAD,	/* malformed: field count, a field that does not parse */
	ROW_RANGE,	/* a number beyond what its column can hold */
	ROW_SUM,	/* would carry a sum of the report past 2^64 - 1 */
	ROW_DUP,	/* its sensor and time were read before */
	ROW_NVERDICTS
};

/* A file that ends early: a gzip stream cut short, a read error, or a
 * last line without its line end. */
struct cut_file {
	char *path;		/* as text (lib/text.h) */
	uint64_t line;		/* the first line not read whole */
	char last_time[64];	/* the time field of the last row read whole, as text, or "" */
};

struct csv_read_stats {
	uint64_t rows;
	uint64_t skipped[ROW_NVERDICTS];	/* by verdict; [ROW_OK] unused */
	char first[ROW_NVERDICTS][512];		/* "PATH:LINE" of the first of each */
	uint64_t unreadable;	/* files that could not be opened or read */
	struct cut_file *cuts;
	size_t ncuts, cap_cuts;
};

void csv_read_stats_free(struct csv_read_stats *st);

/* Counts a skipped row; the first of each verdict is remembered as PATH:LINE. */
void rpt_note_skip(struct csv_read_stats *st, enum row_verdict v, const char *path,
		   uint64_t line);

/*
 * Called for each data row; col[i] is the field index of want[i], or -1
 * for an optional column ("?name" in want) the header lacks.
 */
typedef enum row_verdict (*rpt_row_fn)(void *ctx, char **fields, const int *col);

/* Maps the wanted column names onto a header's fields (col[i], as for
 * rpt_row_fn); false, with a warning naming path, when one is missing. */
bool rpt_map_header(char **fields, int n, const char *const *want, int nwant,
		    int *col, const char *path);

/*
 * Streams DAYDIR/KIND.csv[.gz] if present (a missing file is no error):
 * RFC 4180 records, so a quoted field may hold a line end. A line longer
 * than 1 MiB, or holding a NUL byte, is malformed. want[0] is the time
 * column (remembered for cut files).
 */
void rpt_read_csv(const char *daydir, enum series kind,
		  const char *const *want, int nwant, rpt_row_fn fn, void *ctx,
		  struct csv_read_stats *st);

/*
 * A count field: ROW_OK with *out, ROW_RANGE for digits beyond 2^64 - 1,
 * ROW_BAD for anything but digits (lib/number.h: the checked fast path).
 */
static inline enum row_verdict field_u64(const char *s, uint64_t *out)
{
	switch (parse_u64_field(s, out)) {
	case NUM_OK:
		return ROW_OK;
	case NUM_TOO_BIG:
		return ROW_RANGE;
	default:
		return ROW_BAD;
	}
}

#endif
