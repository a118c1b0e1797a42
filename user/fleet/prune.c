// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "common/calendar.h"
#include "lib/pg.h"
#include "fleet/prune.h"

/* Every day table of a minute table, attached or left detached by a
 * prune that was stopped between its two steps; but totals: its one row
 * an interval (1440 a sensor-day, about 0.3 MB) is what tells a report
 * each gap to the interval (an outage from 14:50), which no hourly
 * aggregate can, so it stays as long as the aggregates. */
static const char list_sql[] =
	"SELECT c.relname, p.relname, coalesce(i.inhdetachpending, false) "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
	"LEFT JOIN pg_class p ON p.oid = i.inhparent "
	"WHERE n.nspname = 'telescope' AND c.relkind = 'r' AND c.relname ~ "
	"'^(ports|countries|port_countries|sources|backscatter|tags)_d[0-9]{8}$' "
	"ORDER BY substring(c.relname from '[0-9]{8}$'), c.relname";

/* The ledger rows of each file of the old days, merged into one. In
 * REPEATABLE READ, so a position a ship adds meanwhile is neither
 * deleted nor merged: it follows the merged one. */
static const char merge_sql[] =
	"BEGIN ISOLATION LEVEL REPEATABLE READ; "
	"CREATE TEMP TABLE merged ON COMMIT DROP AS "
	"SELECT sensor, day, series, gz, min(from_offset) AS from_offset, "
	"max(to_offset) AS to_offset, max(to_line) AS to_line, "
	"(array_agg(tail ORDER BY to_offset DESC))[1] AS tail, sum(rows)::bigint AS rows, "
	"max(loaded_at) AS loaded_at, (array_agg(loaded_by ORDER BY to_offset DESC))[1] AS loaded_by, "
	"(array_agg(host ORDER BY to_offset DESC))[1] AS host, "
	"(array_agg(path ORDER BY to_offset DESC))[1] AS path, count(*) AS n "
	"FROM telescope.loaded WHERE day < '%s' GROUP BY sensor, day, series, gz "
	"HAVING count(*) > 1; "
	"DELETE FROM telescope.loaded l USING merged m WHERE l.sensor = m.sensor AND "
	"l.day = m.day AND l.series = m.series AND l.gz = m.gz; "
	"INSERT INTO telescope.loaded (sensor, day, series, gz, from_offset, to_offset, "
	"to_line, tail, rows, loaded_at, loaded_by, host, path) SELECT sensor, day, series, gz, "
	"from_offset, to_offset, to_line, tail, rows, loaded_at, loaded_by, host, path "
	"FROM merged; "
	"SELECT count(*), coalesce(sum(n), 0) FROM merged";

/* Detach (concurrently: not in a transaction) and drop one day table. */
static bool drop_day_table(PGconn *c, const char *table, const char *parent, bool pending,
			   struct pg_err *e)
{
	char *sql;
	bool ok = true;

	if (parent) {
		sql = xasprintf("ALTER TABLE telescope.%s DETACH PARTITION telescope.%s %s",
				parent, table, pending ? "FINALIZE" : "CONCURRENTLY");
		ok = pg_exec(c, sql, e);
		free(sql);
	}
	if (ok) {
		sql = xasprintf("DROP TABLE telescope.%s", table);
		ok = pg_exec(c, sql, e);
		free(sql);
	}
	return ok;
}

static bool merge_ledger(PGconn *c, const char *cutoff, struct pg_err *e)
{
	char *sql = xasprintf(merge_sql, cutoff);
	PGresult *r = PQexec(c, sql);
	bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;

	free(sql);
	if (ok && strcmp(PQgetvalue(r, 0, 1), "0"))
		pr_info("db prune: merged %s ledger rows of those days into %s",
			PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0));
	if (!ok)
		pg_fail(c, r, e);
	PQclear(r);
	if (ok)
		ok = pg_exec(c, "COMMIT", e);
	if (!ok)
		pg_exec(c, "ROLLBACK", &(struct pg_err){ 0 });
	return ok;
}

bool fleet_prune(PGconn *c, unsigned keep_days)
{
	int cutoff = (int)(time(NULL) / 86400) - (int)keep_days, first = -1, last = -1;
	unsigned tables = 0;
	char cut[11], a[11], b[11];
	struct pg_err e;
	PGresult *r = pg_query(c, list_sql, 0, NULL, &e);

	if (!r) {
		pr_err("db prune: %s", e.msg);
		return false;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		const char *table = PQgetvalue(r, i, 0);
		const char *digits = table + strlen(table) - 8;
		char ymd[11];
		int day;

		snprintf(ymd, sizeof(ymd), "%.4s-%.2s-%.2s", digits, digits + 4, digits + 6);
		day = parse_day(ymd);
		if (day < 0 || day >= cutoff)
			continue;
		if (!drop_day_table(c, table, PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1),
				    PQgetvalue(r, i, 2)[0] == 't', &e)) {
			pr_err("db prune: %s: %s", table, e.msg);
			PQclear(r);
			return false;
		}
		first = first < 0 ? day : first;
		last = day;
		tables++;
	}
	PQclear(r);
	format_day(cutoff, cut);
	if (tables) {
		format_day(first, a);
		format_day(last, b);
		pr_info("db prune: dropped %u day tables of minute rows, %s to %s; the hourly "
			"aggregates and the totals of every interval stay", tables, a, b);
	} else {
		pr_info("db prune: no minute rows before %s", cut);
	}
	if (!merge_ledger(c, cut, &e)) {
		pr_err("db prune: the ledger: %s", e.msg);
		return false;
	}
	return true;
}
