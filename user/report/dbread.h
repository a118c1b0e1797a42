/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `report --db`: the series of a day out of the fleet database instead of
 * a day directory. Each series comes as the CSV of its day: a COPY whose
 * columns carry the CSV's header names (the sensor's name, the protocol's
 * name, the time as `run` writes it), read by the same record code and
 * fed to the same row handlers as a file, so every rule of the report is
 * the same code either way. totals come from the minute table; the other
 * series from their hourly aggregates, the hour standing for the interval
 * (docs/fleet.md "What a report reads" says why that is exact). A
 * series comes a run of days at a time, one query a run.
 */
#ifndef TS_REPORT_DBREAD_H
#define TS_REPORT_DBREAD_H

#include <stdbool.h>
#include "report/input.h"
#include "report/report.h"

#define DB_READERS 3	/* one connection per reading thread (read.c) */

/*
 * Opens the database (a libpq conninfo; "" the PG* environment), checks
 * its schema version, and adds one entry per day it holds rows of to
 * list. NULL, with one line on stderr, when it cannot.
 */
struct db_fleet *db_fleet_open(const char *conninfo, struct day_list *list);
/* False when a read failed (it said so on stderr): the report is not whole. */
bool db_fleet_ok(const struct db_fleet *db);
void db_fleet_close(struct db_fleet *db);

struct tz_zone;
/*
 * Whether --tz's zone can go into the queries (false: its line on
 * stderr); warns once when the zone is not a whole number of hours from
 * UTC, whose local days cut the hourly aggregates' hours.
 */
bool db_zone_ok(const struct tz_zone *z);

/* What of a day's series a reader needs. */
struct db_want {
	bool minute;			/* its minute rows (the day has a late interval) */
	bool whole_run;			/* one row a key for all the days (the previous period) */
	const char *zone;		/* --tz: hours added up by local day; NULL: UTC */
	bool by_sensor;			/* --group: each sensor's rows apart */
	const struct port_id *ports;	/* ports: only these (the long-range chart); NULL: all */
	int nports;
	const int *countries;		/* port x country: only these countries' rows (slots) */
	int ncountries;			/* and those of these ports: */
	const struct port_id *focus_ports;
	int nfocus_ports;
};

/*
 * The database's rows of series kind on the days first .. last, through
 * fn, as rpt_read_csv() gives a file's, day by day: next_day(day_ctx,
 * day) before the rows of each day after first. reader is the reading
 * thread (0 .. DB_READERS - 1).
 */
void db_read_days(struct db_fleet *db, int reader, int first, int last, enum series kind,
		  const struct db_want *w, const char *const *want, int nwant,
		  rpt_row_fn fn, void *ctx, struct csv_read_stats *st,
		  void (*next_day)(void *day_ctx, int day), void *day_ctx);

#endif
