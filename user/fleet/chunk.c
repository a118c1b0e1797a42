// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One chunk of one file, inside the day's transaction (load.h):
 *
 *   SAVEPOINT; lock the file (its row of telescope.file_lock: sensor, day
 *   and series) and read its position, the last to_offset in
 *   telescope.loaded;
 *   check the file still holds what was loaded (not shorter; the bytes
 *   before the position unchanged); COPY its complete rows after the
 *   position, to the journal's size at most, into the minute table;
 *   INSERT the new position; RELEASE. COPY FROM refuses a table whose
 *   row-level security applies to the role (a sensor's): then the rows go
 *   into pg_temp.stage_SERIES first and from there by INSERT, which the
 *   policy checks.
 *
 * The lock makes a second ship on the same files wait and then find the
 * new position; the key of telescope.loaded on from_offset would refuse
 * it even without the lock. Rows are sent only up to a safe point (the
 * end of a line, or of a gzip member that ends one): what lies beyond
 * is left for the next time. A chunk stops, once it passes l->chunk
 * bytes, where the row time changes, so one interval is never split
 * between two transactions.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "common/calendar.h"
#include "fleet/chunk.h"
#include "fleet/failure.h"
#include "fleet/fault.h"

#define SEND_AT (1 << 20)	/* COPY data goes out in pieces of this */
#define TAIL 64			/* bytes before a position its CRC covers */

static bool tail_crc(int fd, off_t at, long long *crc)
{
	unsigned char b[TAIL];
	size_t n = at < TAIL ? (size_t)at : TAIL;

	if (pread(fd, b, n, at - (off_t)n) != (ssize_t)n)
		return false;
	*crc = (long long)crc32(0, b, (uInt)n);
	return true;
}

/* Undo the file's part of the transaction: false when that fails too
 * (the connection is gone). */
static bool undo(struct loader *l)
{
	if (pg_exec(l->c, "ROLLBACK TO SAVEPOINT f; RELEASE SAVEPOINT f", &l->err))
		return true;
	l->err.lost = true;
	return false;
}

static enum chunk_result failed(struct loader *l)
{
	return undo(l) ? CHUNK_FAILED : CHUNK_LOST;
}

/* The server refused a statement of the chunk (l->err): the connection
 * is gone, or the refusal may pass (the day's transaction is rolled back
 * and tried again later), or this file failed. */
static enum chunk_result refused_as(struct loader *l, struct work *w, const char *doing)
{
	if (l->err.lost)
		return CHUNK_LOST;
	if (loader_passing(&l->err))
		return CHUNK_REFUSED;
	loader_file_error(l, w, 0, "%s: %s", doing, l->err.msg);
	return failed(l);
}

static enum chunk_result refused(struct loader *l, struct work *w, const PGresult *r,
				 const char *doing)
{
	pg_fail(l->c, r, &l->err);
	return refused_as(l, w, doing);
}

/* The file's position: bytes and lines loaded and the CRC before them.
 * The lock is one row per (sensor, day, series) that only the roles
 * that may write the sensor can lock (sql/v3.sql): it covers both forms
 * of a file (.csv and .csv.gz), so no other transaction adds to the
 * hours of its aggregate meanwhile (sql/v1.sql, add_*()). */
static enum chunk_result position(struct loader *l, struct work *w, long long *pos,
				  long long *line, long long *tail)
{
	char day[11], sql[512];
	PGresult *r;

	format_day(w->day, day);
	snprintf(sql, sizeof(sql),
		 "SAVEPOINT f; INSERT INTO telescope.file_lock (sensor, day, series) "
		 "VALUES (%s, '%s', '%s') ON CONFLICT (sensor, day, series) DO UPDATE SET "
		 "taken_at = now(), taken_by = current_user; "
		 "SELECT to_offset, to_line, tail FROM telescope.loaded WHERE sensor = %s "
		 "AND day = '%s' AND series = '%s' AND gz = %s "
		 "ORDER BY from_offset DESC LIMIT 1",
		 w->check.sensor_id, day, series_name[w->f->series], w->check.sensor_id, day,
		 series_name[w->f->series], w->f->gz ? "true" : "false");
	r = PQexec(l->c, sql);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum chunk_result res = refused(l, w, r, "cannot read its position");

		PQclear(r);
		return res;
	}
	*pos = *line = 0;
	*tail = -1;
	if (PQntuples(r) == 1) {
		*pos = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		*line = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
		*tail = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	}
	PQclear(r);
	w->st->loaded = *pos;
	return CHUNK_DONE;
}

static bool send_copy(struct loader *l)
{
	bool ok = !l->send.len ||
		  PQputCopyData(l->c, l->send.buf, (int)l->send.len) == 1;

	sb_reset(&l->send);
	return ok;
}

/* End the COPY; its result: the rows it took, or -1 (l->err). */
static long long end_copy(struct loader *l, const char *abort_why)
{
	long long rows = -1;
	PGresult *r;

	if (PQputCopyEnd(l->c, abort_why) != 1) {
		pg_fail(l->c, NULL, &l->err);
		return -1;
	}
	while ((r = PQgetResult(l->c))) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			rows = strtoll(PQcmdTuples(r), NULL, 10);
		else
			pg_fail(l->c, r, &l->err);
		PQclear(r);
	}
	if (PQstatus(l->c) != CONNECTION_OK)
		l->err.lost = true;
	return rows;
}

struct progress {
	long long safe_off, safe_line, safe_rows;
	bool ended;		/* the source reached its limit */
};

/* Stream the complete rows after pos into the COPY. */
static enum chunk_result stream(struct loader *l, struct work *w, long long pos, long long line,
				off_t limit, struct progress *pg)
{
	char why[300], last_time[32] = "", *p;
	long long rows = 0, lineno = line, first;
	bool safe, prev_safe = true;
	size_t n;
	off_t soff;
	int rc;

	*pg = (struct progress){ pos, line, 0, false };
	source_start(&w->src, pos, limit);
	sb_reset(&l->send);
	sb_reset(&l->pending);
	while ((rc = source_next(&w->src, &p, &n, &safe, &soff, why, sizeof(why))) > 0) {
		first = lineno + 1;	/* a record may span lines (a quoted line end) */
		lineno += w->src.lines;
		if (n && !(first == 1 && pos == 0)) {	/* the header was read before */
			size_t tl = row_time_prefix(p, n);

			if (prev_safe && pg->safe_off - pos >= (long long)l->chunk &&
			    (tl != strlen(last_time) || memcmp(p, last_time, tl))) {
				w->more = true;
				break;
			}
			snprintf(last_time, sizeof(last_time), "%.*s", (int)tl, p);
			if (!row_convert(&w->map, &w->check, p, &l->pending, why, sizeof(why))) {
				end_copy(l, "a row did not parse");
				loader_file_error(l, w, (uint64_t)first, "%s", why);
				return failed(l);
			}
			rows++;
		}
		prev_safe = safe;
		if (!safe)
			continue;
		sb_append(&l->send, l->pending.buf ? l->pending.buf : "", l->pending.len);
		sb_reset(&l->pending);
		*pg = (struct progress){ soff, lineno, rows, false };
		if (l->send.len >= SEND_AT && !send_copy(l))
			break;
	}
	if (rc < 0) {
		end_copy(l, "the file could not be read");
		loader_file_error(l, w, 0, "%s", why);
		return failed(l);
	}
	pg->ended = rc == 0;
	if (!send_copy(l)) {
		end_copy(l, "the rows could not be sent");
		return refused_as(l, w, "the rows could not be sent");
	}
	if (pg->safe_rows)
		ship_fault("copy");
	if (end_copy(l, NULL) != pg->safe_rows)
		return refused_as(l, w, "the database refused its rows");
	return CHUNK_DONE;
}

/* Into the minute table (from the staging table, unless the COPY went
 * there directly), the new position; the staging table emptied. */
static enum chunk_result commit_rows(struct loader *l, struct work *w, long long pos,
				     const struct progress *pg, long long tail)
{
	const char *s = series_name[w->f->series];
	char day[11], *path = pg_literal(l->c, w->f->path, &l->err);
	char *host = pg_literal(l->c, l->host, &l->err), *q;
	enum chunk_result res = CHUNK_DONE;
	struct strbuf cols;
	PGresult *r;
	int step = 0, sent;

	format_day(w->day, day);
	sb_init(&cols);
	row_copy_columns(&w->map, &cols);
	sb_reset(&l->sql);
	if (!l->direct) {
		q = xasprintf("INSERT INTO telescope.%s (%s) SELECT %s FROM pg_temp.stage_%s; ",
			      s, cols.buf, cols.buf, s);
		sb_append(&l->sql, q, strlen(q));
		free(q);
	}
	q = xasprintf("INSERT INTO telescope.loaded (sensor, day, series, gz, from_offset, "
		      "to_offset, to_line, tail, rows, host, path) VALUES (%s, '%s', '%s', %s, "
		      "%lld, %lld, %lld, %lld, %lld, %s, %s); ", w->check.sensor_id, day, s,
		      w->f->gz ? "true" : "false", pos, pg->safe_off, pg->safe_line, tail,
		      pg->safe_rows, host ? host : "''", path ? path : "''");
	sb_append(&l->sql, q, strlen(q));
	free(q);
	if (!l->direct) {
		q = xasprintf("TRUNCATE pg_temp.stage_%s; ", s);
		sb_append(&l->sql, q, strlen(q));
		free(q);
	}
	sb_append(&l->sql, "RELEASE SAVEPOINT f", 19);
	free(path);
	free(host);
	sb_free(&cols);
	sent = PQsendQuery(l->c, l->sql.buf);
	if (!sent) {
		pg_fail(l->c, NULL, &l->err);
		l->err.lost = true;
		return CHUNK_LOST;
	}
	while ((r = PQgetResult(l->c))) {
		if (res == CHUNK_DONE && PQresultStatus(r) != PGRES_COMMAND_OK) {
			res = CHUNK_FAILED;
			pg_fail(l->c, r, &l->err);
		} else if (res == CHUNK_DONE && step == 0 && !l->direct &&
			   strtoll(PQcmdTuples(r), NULL, 10) != pg->safe_rows) {
			res = CHUNK_FAILED;
			snprintf(l->err.msg, sizeof(l->err.msg), "%s rows inserted of %lld",
				 PQcmdTuples(r), pg->safe_rows);
			l->err.state[0] = '\0';
		}
		step++;
		PQclear(r);
	}
	if (PQstatus(l->c) != CONNECTION_OK) {
		l->err.lost = true;
		return CHUNK_LOST;
	}
	if (res != CHUNK_DONE)
		return refused_as(l, w, "the database refused its rows");
	return CHUNK_DONE;
}

/* Said once a file and position: under --follow, every pass finds it
 * again until the rest is written. */
static void warn_tail(struct loader *l, struct work *w, const struct progress *pg)
{
	const char *what = w->src.partial_member ? "an incomplete gzip member"
			 : w->src.partial_line ? "a partial line" : NULL;

	if (!what || w->st->tail_said == pg->safe_off)
		return;
	w->st->tail_said = pg->safe_off;
	pr_warn("%s: ends in %s from byte %lld (still being written, or cut short?): "
		"loaded up to there", w->f->path, what, pg->safe_off);
	l->warnings++;
}

enum chunk_result chunk_load(struct loader *l, struct work *w, const struct journals *j)
{
	long long pos = 0, line = 0, tail = -1, crc;
	struct progress pg;
	enum chunk_result res;
	struct stat st;
	off_t limit, jl;
	char sql[128];
	PGresult *r;

	w->more = false;
	w->new_pos = -1;
	res = position(l, w, &pos, &line, &tail);
	if (res != CHUNK_DONE)
		return res;
	if (fstat(w->src.fd, &st)) {
		loader_file_error(l, w, 0, "cannot stat it");
		return failed(l);
	}
	if (st.st_size < pos) {
		loader_file_error(l, w, 0, "%lld bytes, but %lld bytes of it are in the database "
				  "already (cut back, or replaced?): nothing more is loaded from it",
				  (long long)st.st_size, pos);
		return failed(l);
	}
	limit = st.st_size;
	jl = journals_limit(j, w->f->rel);
	if (jl >= 0 && jl < pos) {
		/*
		 * Read before another ship loaded past a drain that has ended
		 * since: read the journals again. Only a journal still there
		 * says the database holds bytes the sensor may cut back.
		 */
		if (!journals_current(j))
			return undo(l) ? CHUNK_CUT : CHUNK_LOST;
		loader_file_error(l, w, 0, "a drain journal would cut it back to %lld bytes, "
				  "below the %lld in the database", (long long)jl, pos);
		return failed(l);
	}
	if (jl >= 0 && jl < limit)
		limit = jl;
	if (pos > 0 && (!tail_crc(w->src.fd, pos, &crc) || crc != tail)) {
		loader_file_error(l, w, 0, "the bytes before byte %lld are not those loaded "
				  "(replaced by another file?): nothing more is loaded from it", pos);
		return failed(l);
	}
	if (limit <= pos)
		return undo(l) ? CHUNK_NONE : CHUNK_LOST;

	snprintf(sql, sizeof(sql), "COPY %s%s (", l->direct ? "telescope." : "pg_temp.stage_",
		 series_name[w->f->series]);
	sb_reset(&l->sql);
	sb_append(&l->sql, sql, strlen(sql));
	row_copy_columns(&w->map, &l->sql);
	sb_append(&l->sql, ") FROM STDIN", 12);
	r = PQexec(l->c, l->sql.buf);
	if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
		res = refused(l, w, r, "cannot COPY");
		PQclear(r);
		return res;
	}
	PQclear(r);
	res = stream(l, w, pos, line, limit, &pg);
	if (res != CHUNK_DONE)
		return res;
	if (pg.ended && jl < 0)		/* the end of the file, not of a drain */
		warn_tail(l, w, &pg);
	if (pg.safe_off == pos)
		return undo(l) ? CHUNK_NONE : CHUNK_LOST;
	/* cut back while we read (a recovery): read it again */
	if (fstat(w->src.fd, &st) || st.st_size < pg.safe_off)
		return undo(l) ? CHUNK_CUT : CHUNK_LOST;
	if (!tail_crc(w->src.fd, (off_t)pg.safe_off, &crc)) {
		loader_file_error(l, w, 0, "cannot read it again");
		return failed(l);
	}
	res = commit_rows(l, w, pos, &pg, crc);
	if (res == CHUNK_DONE) {
		w->new_pos = pg.safe_off;
		w->new_rows = pg.safe_rows;
		ship_fault("insert");
	}
	return res;
}
