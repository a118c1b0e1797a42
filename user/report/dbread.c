// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The database side of the report's input. Every reading thread has a
 * connection of its own; all of them read one snapshot (exported by the
 * first connection, imported by the others), so a `ship` loading
 * meanwhile cannot make one series of the report newer than another.
 * Read-only: the reader role (`db init --reader-role`) is enough.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/csv.h"
#include "lib/log.h"
#include "lib/pg.h"
#include "lib/strbuf.h"
#include "common/schema.h"
#include "report/dbread.h"
#include "report/names.h"
#include "report/zone.h"

#define MAX_FIELDS 40

struct db_fleet {
	char *conninfo;
	PGconn *main;			/* holds the snapshot the readers share */
	char snapshot[64];
	PGconn *conn[DB_READERS];	/* opened when first needed */
	char **names;			/* [id]: telescope.sensor's names */
	size_t nnames;
	atomic_bool failed;
	pthread_mutex_t say;		/* the first failure alone is said */
};

static void sqlf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sqlf(struct strbuf *sb, const char *fmt, ...)
{
	char buf[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {	/* a long piece: again, into its own room */
		big = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sb_append(sb, big ? big : buf, (size_t)n);
	free(big);
}

/* The day as the literal of its first instant, in UTC. */
static void day_start(int day, char out[32])
{
	char d[11];

	format_day(day, d);
	snprintf(out, 32, "'%s 00:00:00+00'", d);
}

static void fail(struct db_fleet *db, const char *what, const char *why)
{
	pthread_mutex_lock(&db->say);
	if (!atomic_exchange(&db->failed, true))
		pr_err("report: --db: %s: %s", what, why);
	pthread_mutex_unlock(&db->say);
}

/* One repeatable-read, read-only transaction; its snapshot is the shared
 * one when snapshot is given. */
static bool begin_reading(PGconn *c, const char *snapshot, struct pg_err *e)
{
	char sql[160];

	if (!pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e))
		return false;
	/* a month's hours are added up by day in memory, not on disk */
	if (!pg_exec(c, "SET work_mem = '64MB'", e))
		return false;
	if (!snapshot)
		return true;
	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT '%s'", snapshot);
	return pg_exec(c, sql, e);
}

/* The days of the database: those `ship` loaded a file of (the ledger
 * keeps every day, even once `db prune` dropped its minute rows). */
static bool add_days(PGconn *c, struct day_list *list, struct pg_err *e)
{
	PGresult *r = pg_query(c, "SELECT DISTINCT to_char(day, 'YYYY-MM-DD') FROM telescope.loaded "
			       "ORDER BY 1", 0, NULL, e);

	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++) {
		int day = parse_day(PQgetvalue(r, i, 0));

		if (day >= 0)
			day_list_add(list, day, PQgetvalue(r, i, 0), 0, 0, (unsigned long long)day);
	}
	PQclear(r);
	return true;
}

/* The sensors' names by id. */
static bool load_names(struct db_fleet *db, struct pg_err *e)
{
	PGresult *r = pg_query(db->main, "SELECT id, name FROM telescope.sensor", 0, NULL, e);

	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++) {
		size_t id = (size_t)atoi(PQgetvalue(r, i, 0));

		if (id >= db->nnames) {
			db->names = xrealloc(db->names, (id + 1) * sizeof(*db->names));
			memset(db->names + db->nnames, 0, (id + 1 - db->nnames) * sizeof(*db->names));
			db->nnames = id + 1;
		}
		db->names[id] = xstrdup(PQgetvalue(r, i, 1));
	}
	PQclear(r);
	return true;
}

struct db_fleet *db_fleet_open(const char *conninfo, struct day_list *list)
{
	struct db_fleet *db = xcalloc(1, sizeof(*db));
	struct pg_err e;
	PGresult *r;

	db->conninfo = xstrdup(conninfo);
	pthread_mutex_init(&db->say, NULL);
	db->main = pg_connect(conninfo, &e);
	if (!db->main || !schema_ready(db->main, &e) || !begin_reading(db->main, NULL, &e))
		goto fail;
	r = pg_query(db->main, "SELECT pg_export_snapshot()", 0, NULL, &e);
	if (!r)
		goto fail;
	snprintf(db->snapshot, sizeof(db->snapshot), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (!add_days(db->main, list, &e) || !load_names(db, &e))
		goto fail;
	if (!list->n) {
		pr_err("report: --db: the database holds no rows yet ('xdp-telescope ship' loads them)");
		db_fleet_close(db);
		return NULL;
	}
	list->db = db;
	return db;
fail:
	pr_err("report: --db: %s", e.msg);
	db_fleet_close(db);
	return NULL;
}

bool db_fleet_ok(const struct db_fleet *db)
{
	return !atomic_load(&db->failed);
}

void db_fleet_close(struct db_fleet *db)
{
	if (!db)
		return;
	for (int i = 0; i < DB_READERS; i++)
		PQfinish(db->conn[i]);
	PQfinish(db->main);
	for (size_t i = 0; i < db->nnames; i++)
		free(db->names[i]);
	free(db->names);
	pthread_mutex_destroy(&db->say);
	free(db->conninfo);
	free(db);
}

static PGconn *reader_conn(struct db_fleet *db, int reader)
{
	struct pg_err e;

	if (db->conn[reader])
		return db->conn[reader];
	db->conn[reader] = pg_connect(db->conninfo, &e);
	if (db->conn[reader] && begin_reading(db->conn[reader], db->snapshot, &e))
		return db->conn[reader];
	fail(db, "a reading connection", e.msg);
	return NULL;
}

/* The columns an hourly row adds to its day's (the others are its key). */
static bool is_sum(const char *name)
{
	return !strcmp(name, "packets") || !strcmp(name, "bytes") || !strcmp(name, "mirai") ||
	       !strcmp(name, "sources");
}

/*
 * What the database has for one CSV column of a series: the column of
 * the same name, but in an hourly table the hour for the interval and
 * the sum of the per-interval sources for `sources` (the only series
 * that read it, countries and tags, add it up: docs/fleet.md). The time
 * comes as seconds and the sensor as its id, which copy_row() turns into
 * the CSV's text (cheaper than the server's to_char() and a join); the
 * protocol as its number, which the handlers read as the CSV's name.
 *
 * An hourly table is read a day at a time (by_day): its hours added up
 * into one row per day and key, stamped with the day's first instant,
 * which gives every handler the same day totals as the hours do (they
 * add per day, or count an address once a day). Only ports keeps the
 * sensor (a table by sensor), and with --group every series (its
 * handlers count only the group's sensors in the main tables); for the
 * others any sensor of the group stands for it, as none of their
 * handlers tells sensors apart. With --tz the day is the local day, and
 * the stamp its first hour in the run (a UTC day directory of a run
 * holds it). Where only the run's total counts (whole_run >= 0: the
 * previous period's ranks), one row a key for the whole run, stamped
 * with its first day.
 */
static void column(struct strbuf *sql, enum series kind, const char *name, bool hourly,
		   bool by_day, int whole_run, const struct db_want *w)
{
	const char *t = hourly ? "hour" : "time";

	if (!strcmp(name, "time") && whole_run >= 0)
		sqlf(sql, "%lld::bigint", (long long)whole_run * 86400);
	else if (!strcmp(name, "time") && by_day && w->zone)
		sqlf(sql, "extract(epoch FROM min(h.hour))::bigint");
	else if (!strcmp(name, "time") && by_day)	/* hours are whole: the UTC day by division */
		sqlf(sql, "date_part('epoch', h.hour)::bigint / 86400 * 86400");
	else if (!strcmp(name, "time"))
		sqlf(sql, "extract(epoch FROM h.%s)::bigint", t);
	else if (!strcmp(name, "sensor") && by_day && !w->by_sensor &&
		 (kind != S_PORTS || whole_run >= 0))
		sqlf(sql, "min(h.sensor)");
	else if (is_sum(name) && by_day)
		sqlf(sql, "sum(h.%s)", strcmp(name, "sources") ? name : "sources_sum");
	else if (!strcmp(name, "src_ip"))
		sqlf(sql, "host(h.src_ip)");
	else if (!strcmp(name, "sources") && hourly)
		sqlf(sql, "h.sources_sum");
	else
		sqlf(sql, "h.%s", name);
	sqlf(sql, " AS \"%s\"", name);
}

static void port_list(struct strbuf *sql, const struct port_id *p, int n)
{
	sqlf(sql, "(h.proto, h.port) IN (");
	for (int i = 0; i < n; i++)
		sqlf(sql, "%s(%d, %d)", i ? ", " : "", p[i].proto, p[i].port);
	sqlf(sql, ")");
}

static void series_sql(struct strbuf *sql, int first, int last, enum series kind, bool hourly,
		       const struct db_want *w, const char *const *want, int nwant)
{
	const char *t = hourly ? "hour" : "time";
	bool by_day = hourly;
	char from[32], to[32];
	int keys = 0;

	day_start(first, from);
	day_start(last + 1, to);
	sqlf(sql, "COPY (SELECT ");
	for (int i = 0; i < nwant; i++) {
		if (i)
			sqlf(sql, ", ");
		column(sql, kind, want[i] + (want[i][0] == '?'), hourly, by_day,
		       by_day && w->whole_run ? first : -1, w);
	}
	sqlf(sql, " FROM telescope.%s%s h WHERE h.%s >= %s AND h.%s < %s", series_name[kind],
	     hourly ? "_hour" : "", t, from, t, to);
	if (w->ports && w->nports) {
		sqlf(sql, " AND ");
		port_list(sql, w->ports, w->nports);
	}
	if (w->countries) {
		/* port × country: only the focus countries' rows and the --port
		 * ports' rows add to a table */
		char cc[3];

		sqlf(sql, " AND (h.country IN ('--'");
		for (int i = 0; i < w->ncountries; i++) {
			cc_code(w->countries[i], cc);
			sqlf(sql, ", '%.2s'", cc);
		}
		sqlf(sql, ")");
		if (w->nfocus_ports) {
			sqlf(sql, " OR ");
			port_list(sql, w->focus_ports, w->nfocus_ports);
		}
		sqlf(sql, ")");
	}
	if (by_day) {
		sqlf(sql, " GROUP BY ");
		for (int i = 0; i < nwant; i++) {
			const char *name = want[i] + (want[i][0] == '?');

			if (is_sum(name) || (!strcmp(name, "sensor") && !w->by_sensor &&
					      (kind != S_PORTS || w->whole_run)) ||
			    (!strcmp(name, "time") && w->whole_run))
				continue;
			if (!strcmp(name, "time") && w->zone) {
				/* the local day, stamped with its first hour in the
				 * run (the name is one db_zone_ok() let through) */
				sqlf(sql, "%sdate_trunc('day', h.hour, '%s')", keys++ ? ", " : "",
				     w->zone);
				continue;
			}
			sqlf(sql, "%s%d", keys++ ? ", " : "", i + 1);
		}
	}
	/* Each sensor's totals in time order (its intervals and gaps: the key's
	 * order); the other rows add up in any order. */
	if (kind == S_TOTALS)
		sqlf(sql, " ORDER BY h.sensor, h.time");
	sqlf(sql, ") TO STDOUT (FORMAT csv, HEADER)");
}

/* The rows of one COPY, header first, into fn. */
struct copy_rows {
	const struct db_fleet *db;
	char label[64];		/* "--db DAY/SERIES", for the skipped rows */
	enum series kind;
	int day;		/* of the last row */
	void (*next_day)(void *day_ctx, int day);
	void *day_ctx;
	const char *const *want;
	int nwant, col[MAX_FIELDS], header_fields;
	bool header_done, skip;
	uint64_t line;
	char *out;
	size_t cap;
	/* the CSV's text of the times met, by a hash of the seconds: rows
	 * added up by day come in no order of time, and most name one of a
	 * few days */
	struct { uint64_t secs; char text[21]; } times[64];
	rpt_row_fn fn;
	void *ctx;
	struct csv_read_stats *st;
};

/* "--db DAY/SERIES" of the last row, made only when a line must name it. */
static const char *label(struct copy_rows *cr)
{
	char d[11];

	format_day(cr->day, d);
	snprintf(cr->label, sizeof(cr->label), "--db %s/%s", d, series_name[cr->kind]);
	return cr->label;
}

/* The time and sensor fields as the CSV has them; false if they are not
 * what the query gives. */
static bool csv_fields(struct copy_rows *cr, char **fields)
{
	char **t = &fields[cr->col[0]], **s = &fields[cr->col[1]];
	uint64_t secs, id;
	size_t slot;

	if (field_u64(*t, &secs) != ROW_OK || secs > INT64_MAX / 2)
		return false;
	slot = (size_t)((secs * 0x9E3779B97F4A7C15ull) >> 58);
	if (cr->times[slot].secs != secs || !cr->times[slot].text[0]) {
		cr->times[slot].secs = secs;
		format_time((int64_t)secs, cr->times[slot].text);
	}
	if ((int)(secs / 86400) != cr->day) {
		cr->day = (int)(secs / 86400);
		cr->next_day(cr->day_ctx, cr->day);
	}
	*t = cr->times[slot].text;
	if (field_u64(*s, &id) != ROW_OK || id >= cr->db->nnames || !cr->db->names[id])
		return false;
	*s = cr->db->names[id];
	return true;
}

static void copy_row(struct copy_rows *cr, const char *buf, int len)
{
	char *fields[MAX_FIELDS];
	/* the server's CSV has the texts as they are: no guard to take off */
	struct csv_record rec = { .fields = fields, .max = MAX_FIELDS, .unguarded = true };
	int col[MAX_FIELDS];
	enum row_verdict v;

	cr->line++;
	if (cr->skip)
		return;
	XGROW(cr->out, cr->cap, (size_t)len + 1, 4096);
	if (csv_read_record(buf, buf + len, true, cr->out, &rec) != CSV_RECORD) {
		rpt_note_skip(cr->st, ROW_BAD, label(cr), cr->line);
		return;
	}
	if (!cr->header_done) {
		cr->header_done = true;
		cr->header_fields = rec.n;
		cr->skip = !rpt_map_header(fields, rec.n, cr->want, cr->nwant, cr->col, label(cr));
		return;
	}
	if (rec.n != cr->header_fields || !csv_fields(cr, fields)) {
		rpt_note_skip(cr->st, ROW_BAD, label(cr), cr->line);
		return;
	}
	/* NULL is a column the row's file did not have: as if the header
	 * lacked it, which is what an optional column's absence means. */
	for (int i = 0; i < cr->nwant; i++)
		col[i] = cr->want[i][0] == '?' && cr->col[i] >= 0 && !fields[cr->col[i]][0] ?
			 -1 : cr->col[i];
	v = cr->fn(cr->ctx, fields, col);
	if (v == ROW_OK)
		cr->st->rows++;
	else
		rpt_note_skip(cr->st, v, label(cr), cr->line);
}

/* Whether the minute partitions of kind still hold every day of
 * [first, last] (db prune drops them). */
static bool minute_rows_kept(PGconn *c, int first, int last, enum series kind,
			     struct pg_err *e, bool *kept)
{
	*kept = true;
	for (int day = first; day <= last && *kept; day++) {
		char name[80];
		const char *p[1] = { name };
		PGresult *r;
		int y, m, d;

		ymd_from_day(day, &y, &m, &d);
		snprintf(name, sizeof(name), "telescope.%s_d%04d%02d%02d", series_name[kind], y, m, d);
		r = pg_query(c, "SELECT to_regclass($1) IS NOT NULL", 1, p, e);
		if (!r)
			return false;
		*kept = PQgetvalue(r, 0, 0)[0] == 't';
		PQclear(r);
	}
	return true;
}

bool db_zone_ok(const struct tz_zone *z)
{
	bool whole = true;

	/* it is written into the queries as a literal */
	if (strspn(z->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
	    strlen(z->name)) {
		pr_err("report: --db: --tz '%s': a zone name is letters, digits and / _ + -", z->name);
		return false;
	}
	for (size_t i = 0; i < z->n; i++)
		whole = whole && z->v[i].off % 3600 == 0;
	if (!whole)
		pr_warn("report: --db: %s is not a whole number of hours from UTC: the database's "
			"hours count whole on the local day they begin in (docs/fleet.md)", z->name);
	return true;
}

void db_read_days(struct db_fleet *db, int reader, int first, int last, enum series kind,
		  const struct db_want *w, const char *const *want, int nwant,
		  rpt_row_fn fn, void *ctx, struct csv_read_stats *st,
		  void (*next_day)(void *day_ctx, int day), void *day_ctx)
{
	PGconn *c = atomic_load(&db->failed) ? NULL : reader_conn(db, reader);
	bool hourly = kind != S_TOTALS && !w->minute;
	struct strbuf sql = { 0 };
	struct copy_rows cr = { .db = db, .kind = kind, .day = first, .next_day = next_day,
				.day_ctx = day_ctx, .want = want, .nwant = nwant, .fn = fn,
				.ctx = ctx, .st = st };
	struct pg_err e;
	PGresult *r;
	char *buf;
	int len;

	if (!c)
		return;
	if (kind != S_TOTALS && w->minute) {
		bool kept;

		if (!minute_rows_kept(c, first, last, kind, &e, &kept)) {
			fail(db, label(&cr), e.msg);
			return;
		}
		if (!kept) {
			pr_warn("report: %s: a late interval of the day is counted in the day it "
				"starts: its minute rows are pruned", label(&cr));
			hourly = true;
		}
	}
	series_sql(&sql, first, last, kind, hourly, w, want, nwant);
	r = PQexec(c, sql.buf);
	sb_free(&sql);
	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		pg_fail(c, r, &e);
		PQclear(r);
		fail(db, label(&cr), e.msg);
		return;
	}
	PQclear(r);
	while ((len = PQgetCopyData(c, &buf, 0)) > 0) {
		copy_row(&cr, buf, len);
		PQfreemem(buf);
	}
	free(cr.out);
	r = PQgetResult(c);
	if (len == -2 || PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_fail(c, r, &e);
		fail(db, label(&cr), e.msg);
	}
	PQclear(r);
	while ((r = PQgetResult(c)))
		PQclear(r);
}
