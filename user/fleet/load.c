// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The day's transaction (load.h) and what it needs first: each file's
 * head (header and sensor), the sensor's id, the day's partitions.
 *
 * Journals and the files must be read in this order: note the output
 * directory's time of change, read the journals, read the files, and
 * note the time again. If it is unchanged, no drain began (its journal
 * would have appeared) while the files were read, so every byte read is
 * below a journaled size or belongs to no drain in progress: no recovery
 * can cut it. If it changed, the transaction is rolled back and done
 * again, with smaller chunks so that it fits between two drains. So is
 * a transaction that finds a file's position past its journaled size
 * while the journals it read are no longer current: another ship loaded
 * the file after that drain ended (chunk.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "common/calendar.h"
#include "common/columns.h"
#include "fleet/chunk.h"
#include "fleet/failure.h"
#include "fleet/fault.h"
#include "fleet/journal.h"
#include "fleet/load.h"

#define DEFAULT_CHUNK (8u << 20)
#define MIN_CHUNK (64u << 10)
#define RETRIES 12
#define LOCK_TIMEOUT "10s"	/* the longest wait for a lock (see loader_connected) */

void loader_init(struct loader *l, const char *host)
{
	memset(l, 0, sizeof(*l));
	l->host = host;
	l->chunk = DEFAULT_CHUNK;
	hmap_init_strings(&l->files, sizeof(struct file_state));
	hmap_init_strings(&l->sensors, sizeof(int));
	sb_init(&l->sql);
	sb_init(&l->send);
	sb_init(&l->pending);
	ledgers_init(&l->ledgers);
}

void loader_free(struct loader *l)
{
	hmap_free(&l->files);
	hmap_free(&l->sensors);
	sb_free(&l->sql);
	sb_free(&l->send);
	sb_free(&l->pending);
	ledgers_free(&l->ledgers);
}

bool loader_connected(struct loader *l, PGconn *c)
{
	struct strbuf ddl;
	PGresult *r;
	bool ok;

	l->c = c;
	/* what the database knew may have changed while we were away: its
	 * sensors, and even the positions (a failover to a replica that had
	 * not yet received our last commits, a restore): each file's is read
	 * again before anything is skipped */
	for (size_t i = 0; i < l->files.len; i++)
		((struct file_state *)hmap_val(&l->files, i))->loaded = -1;
	hmap_free(&l->sensors);
	hmap_init_strings(&l->sensors, sizeof(int));
	/* a lock held elsewhere (another ship's file, a partition being
	 * made) is waited for LOCK_TIMEOUT at most, then said and tried
	 * again later, unless the connection sets a lock_timeout of its own
	 * (options=-c lock_timeout=…) */
	r = pg_query(c, "SELECT NOT row_security_active('telescope.totals'), "
		     "set_config('lock_timeout', CASE current_setting('lock_timeout') WHEN '0' "
		     "THEN '" LOCK_TIMEOUT "' ELSE current_setting('lock_timeout') END, false)",
		     0, NULL, &l->err);
	if (!r)
		return false;
	l->direct = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (l->direct)
		return true;
	sb_init(&ddl);
	for (int s = 0; s < S_COUNT; s++) {
		const struct series_columns *sp = &series_columns[s];
		int order[SERIES_MAX_COLS];

		series_table_order((enum series)s, order);
		sb_append(&ddl, "CREATE TEMP TABLE stage_", 24);
		sb_append(&ddl, series_name[s], strlen(series_name[s]));
		sb_append(&ddl, " (", 2);
		for (int i = 0; i < sp->ncols; i++) {
			const struct column *col = &sp->cols[order[i]];
			const char *type = col_types[col->type].stage_sql;

			if (i)
				sb_append(&ddl, ", ", 2);
			sb_append(&ddl, col->name, strlen(col->name));
			sb_append(&ddl, " ", 1);
			sb_append(&ddl, type, strlen(type));
		}
		sb_append(&ddl, "); ", 3);
	}
	ok = pg_exec(c, ddl.buf, &l->err);
	sb_free(&ddl);
	return ok;
}

/* The id of a sensor name, registered when this role may; -1 when it
 * may not write it (said), -2 when the connection is lost or the server
 * refused for a reason that may pass (l->err). */
static int sensor_id(struct loader *l, struct work *w)
{
	const char *const params[] = { w->sensor };
	int *cached = hmap_find(&l->sensors, w->sensor), id = -1;
	struct pg_err e;
	PGresult *r;

	if (cached)
		return *cached;
	r = pg_query(l->c, "SELECT id FROM telescope.sensor WHERE name = $1", 1, params, &e);
	if (r && !PQntuples(r)) {
		PQclear(r);
		r = pg_query(l->c, "INSERT INTO telescope.sensor (name) VALUES ($1) "
			     "ON CONFLICT (name) DO NOTHING RETURNING id", 1, params, &e);
	}
	/* A conflict: another ship registered it meanwhile (the INSERT waited
	 * for its commit, so it is there to see now), or it is registered
	 * for another role, whose row this role may not see. */
	if (r && !PQntuples(r)) {
		PQclear(r);
		r = pg_query(l->c, "SELECT id FROM telescope.sensor WHERE name = $1", 1, params,
			     &e);
		if (r && !PQntuples(r))
			snprintf(e.msg, sizeof(e.msg), "registered, but not for this role");
	}
	if (r && PQntuples(r))
		id = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (id < 0 && (e.lost || loader_passing(&e))) {
		l->err = e;
		return -2;
	}
	if (id < 0)
		loader_file_error(l, w, 0, "sensor '%s' is not one the role '%s' may write (%s; "
				  "'xdp-telescope db init --sensor-role %s --sensor %s' allows it)",
				  w->sensor, PQuser(l->c), e.msg, PQuser(l->c), w->sensor);
	*(int *)hmap_upsert(&l->sensors, w->sensor) = id;
	return id;
}

/* The file's header and first row: 1 when there is something to load,
 * 0 when not (yet, or it failed: said), -1 when the connection is lost
 * or the server refused for a reason that may pass (l->err). */
static int prepare(struct loader *l, struct work *w, int day)
{
	char why[300], *p;
	size_t n;
	bool safe;
	off_t off;
	int rc, id, lineno;

	w->day = day;
	w->src.fd = -1;
	w->active = false;
	if (!source_open(&w->src, w->f->path, w->f->gz, why, sizeof(why))) {
		loader_file_error(l, w, 0, "%s", why);
		return 0;
	}
	source_start(&w->src, 0, w->f->size);
	rc = source_next(&w->src, &p, &n, &safe, &off, why, sizeof(why));
	lineno = 1;
	if (rc > 0 && !row_map_header(&w->map, w->f->series, p, why, sizeof(why)))
		rc = -1;
	while (rc > 0) {
		lineno += (int)w->src.lines;	/* the first line of the next record */
		rc = source_next(&w->src, &p, &n, &safe, &off, why, sizeof(why));
		if (rc > 0 && n) {
			if (!row_sensor_name(&w->map, p, w->sensor, sizeof(w->sensor), why,
					     sizeof(why)))
				rc = -1;
			break;
		}
	}
	if (rc < 0) {
		loader_file_error(l, w, (uint64_t)lineno, "%s", why);
		return 0;
	}
	if (rc == 0)
		return 0;	/* no complete row yet */
	id = sensor_id(l, w);
	if (id < 0)
		return id == -2 ? -1 : 0;
	w->check.day = day;
	w->check.sensor = w->sensor;
	snprintf(w->check.sensor_id, sizeof(w->check.sensor_id), "%d", id);
	w->st->sensor = id;
	w->active = true;
	return 1;
}

/* The partitions of the day: true when made (or there already). Asked
 * before every transaction of a day, not remembered: a prune may have
 * dropped them since (ensure_day answers at once when they are there). */
static bool day_ready(struct loader *l, int day, struct pg_err *e)
{
	char ymd[11], sql[80];

	format_day(day, ymd);
	snprintf(sql, sizeof(sql), "SELECT telescope.ensure_day('%s')", ymd);
	return pg_exec(l->c, sql, e);
}

enum tx_result { TX_OK, TX_RETRY, TX_REFUSED, TX_LOST };

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static void fail_all(struct loader *l, struct work *w, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].active)
			loader_file_error(l, &w[i], 0, "%s", why);
}

static enum tx_result transaction(struct loader *l, const struct ship_day *d, struct work *w,
				  size_t n)
{
	struct journals j = { 0 };
	enum chunk_result res;
	bool again = false;
	char why[400];

	if (!journals_read(d->out, &j, why, sizeof(why))) {
		fail_all(l, w, n, why);
		journals_free(&j);
		return TX_OK;
	}
	if (!pg_exec(l->c, "BEGIN", &l->err)) {
		journals_free(&j);
		return TX_LOST;
	}
	for (size_t i = 0; i < n; i++) {
		if (!w[i].active)
			continue;
		switch ((res = chunk_load(l, &w[i], &j))) {
		case CHUNK_LOST:
		case CHUNK_REFUSED:
			journals_free(&j);
			for (size_t k = 0; k < n; k++)
				w[k].new_pos = -1;	/* none of it committed */
			if (res == CHUNK_LOST)
				return TX_LOST;
			return pg_exec(l->c, "ROLLBACK", &(struct pg_err){ 0 }) ? TX_REFUSED : TX_LOST;
		case CHUNK_CUT:
			again = true;
			break;
		case CHUNK_NONE:
			w[i].active = false;
			break;
		case CHUNK_FAILED:
		case CHUNK_DONE:
			break;
		}
	}
	again = again || !journals_current(&j);
	journals_free(&j);
	if (again) {
		pr_debug("%s: a drain began while it was read: again", d->dir);
		return pg_exec(l->c, "ROLLBACK", &l->err) ? TX_RETRY : TX_LOST;
	}
	if (!pg_exec(l->c, "COMMIT", &l->err)) {
		if (l->err.lost || PQstatus(l->c) != CONNECTION_OK)
			return TX_LOST;
		if (pg_retryable(&l->err))
			return TX_RETRY;
		if (loader_passing(&l->err))
			return TX_REFUSED;
		fail_all(l, w, n, l->err.msg);
		return TX_OK;
	}
	for (size_t i = 0; i < n; i++) {
		if (w[i].new_pos < 0)
			continue;
		ship_fault("commit");
		w[i].st->loaded = w[i].new_pos;
		l->rows += (uint64_t)w[i].new_rows;
		l->files_loaded++;
		pr_debug("%s: %lld rows, up to byte %" PRId64, w[i].f->path, w[i].new_rows,
			 w[i].new_pos);
		w[i].new_pos = -1;
		w[i].active = w[i].more;
	}
	return TX_OK;
}

/* Each file of the day that may have something new, opened and its head
 * read, into w; how many in *n. */
static enum day_result prepare_all(struct loader *l, const struct ship_day *d, struct work *w,
				   size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < d->nfiles; i++) {
		int created;

		struct file_state *st = hmap_insert(&l->files, d->files[i].path, &created);

		if (created) {
			st->loaded = -1;
			st->tail_said = -1;
		}
	}
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct ship_file *f = &d->files[i];
		struct file_state *st = hmap_find(&l->files, f->path);
		int rc;

		if (st->failed && st->failed_size == f->size && same_time(&st->failed_mtime, &f->mtime))
			continue;	/* as it was when it failed: said already */
		st->failed = false;
		if (st->loaded == (int64_t)f->size)
			continue;
		w[*n] = (struct work){ .f = f, .st = st };
		rc = prepare(l, &w[*n], d->day);
		if (rc > 0 || w[*n].src.fd >= 0)
			(*n)++;
		if (rc < 0)
			return l->err.lost ? DAY_LOST : DAY_REFUSED;
	}
	return DAY_DONE;
}

enum day_result loader_day(struct loader *l, const struct ship_day *d)
{
	struct work *w = calloc(d->nfiles ? d->nfiles : 1, sizeof(*w));
	size_t n = 0, chunk = l->chunk;
	enum day_result res;
	int tries = 0;
	struct pg_err e;

	if (!w)
		return DAY_DONE;
	res = prepare_all(l, d, w, &n);
	if (res == DAY_DONE && n && !day_ready(l, d->day, &e)) {
		if (e.lost || loader_passing(&e)) {
			l->err = e;
			res = e.lost ? DAY_LOST : DAY_REFUSED;
		} else {
			char why[700];

			snprintf(why, sizeof(why), "cannot make the partitions of its day: %s", e.msg);
			fail_all(l, w, n, why);
		}
	}
	while (res == DAY_DONE) {
		bool left = false;

		for (size_t i = 0; i < n; i++)
			left |= w[i].active;
		if (!left)
			break;
		switch (transaction(l, d, w, n)) {
		case TX_LOST:
			res = DAY_LOST;
			break;
		case TX_REFUSED:
			res = DAY_REFUSED;
			break;
		case TX_RETRY:
			if (++tries == RETRIES) {
				pr_debug("%s: drains kept coming: left for the next pass", d->dir);
				for (size_t i = 0; i < n; i++)
					w[i].active = false;
			}
			if (l->chunk > MIN_CHUNK)
				l->chunk /= 2;
			break;
		case TX_OK:
			break;
		}
	}
	l->chunk = chunk;
	for (size_t i = 0; i < n; i++)
		source_close(&w[i].src);
	free(w);
	/* what the database holds of each file of the day, as far as we know
	 * it (from its position or our commit), into the directory's ledger */
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct file_state *st = hmap_find(&l->files, d->files[i].path);

		ledgers_note(&l->ledgers, d->out, d->files[i].rel, st->loaded);
	}
	ledgers_save(&l->ledgers);
	return res;
}
