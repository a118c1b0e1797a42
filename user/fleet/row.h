/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One CSV row of a series into one line of COPY text for its minute
 * table, checked field by field, so that a row the database would refuse
 * (or, worse, take in another meaning) stops at FILE:LINE with the reason
 * instead. Columns are found by the header's names: an older file lacks
 * some optional columns (they stay NULL), a column this binary does not
 * know stops the file (it would be lost).
 */
#ifndef TS_FLEET_ROW_H
#define TS_FLEET_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/strbuf.h"
#include "common/columns.h"

struct row_map {
	enum series series;
	int nfields;			/* fields of the header */
	int field[SERIES_MAX_COLS];	/* column i of the series: its field, or -1 */
	int order[SERIES_MAX_COLS];	/* the columns in table order */
	int time_field, sensor_field;
};

/* Map the header line (split in place) of a file of series s; false with why. */
bool row_map_header(struct row_map *m, enum series s, char *line, char *why, size_t len);

/* The COPY column list: the columns the header has, in table order. */
void row_copy_columns(const struct row_map *m, struct strbuf *out);

struct row_check {
	int day;		/* the file's UTC day: every row's time is in it */
	const char *sensor;	/* the file's sensor name: every row's */
	char sensor_id[12];	/* its id in the database, as text */
};

/* Append line (split in place) to out as COPY text; false with why. */
bool row_convert(const struct row_map *m, const struct row_check *k, char *line,
		 struct strbuf *out, char *why, size_t len);

/* The sensor name of a data line (split in place), as the row means it. */
bool row_sensor_name(const struct row_map *m, char *line, char *name, size_t len,
		     char *why, size_t wlen);

/* The `time` field of a line, without splitting it: its first field. */
size_t row_time_prefix(const char *line, size_t len);

#endif
