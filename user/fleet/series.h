/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Each series as the database holds it: its minute table's columns in
 * table order (user/fleet/sql/v1.sql), each with the CSV column it comes
 * from (the same name), what a field must look like, and whether a file
 * may lack it (an older file: the column is NULL). `sensor` is the id of
 * the sensor's name in telescope.sensor, `proto` the protocol number.
 */
#ifndef TS_FLEET_SERIES_H
#define TS_FLEET_SERIES_H

#include <stdbool.h>
#include "common/contract.h"

enum fcol_type {
	FT_TIME,	/* YYYY-MM-DDTHH:MM:SSZ, in the file's day */
	FT_SENSOR,	/* the file's one sensor name -> its id */
	FT_COUNT,	/* a whole number from 0 to 2^64 - 1 (sql/v4.sql: numeric) */
	FT_SECONDS,	/* a whole number from 1 to 2^32 - 1 (a bigint) */
	FT_PORT,	/* 0 to 65535 */
	FT_PROTO,	/* tcp, udp, icmp, icmpv6 or 0-255 -> the number */
	FT_COUNTRY,	/* two capital letters */
	FT_IP,		/* an IPv4 or IPv6 address */
	FT_WORD,	/* a name of letters, digits and '_' (backscatter kind) */
	FT_TEXT,	/* free text (CSV quoting and the formula guard undone) */
};

struct fleet_col {
	const char *name;
	enum fcol_type type;
	bool optional;		/* older files may lack it */
};

#define FLEET_MAX_COLS 20

struct fleet_series {
	const struct fleet_col *cols;
	int ncols;
};

extern const struct fleet_series fleet_series[S_COUNT];

/* The column's SQL type. */
const char *fleet_sql_type(enum fcol_type t);

#endif
