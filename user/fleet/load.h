/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Loading the new rows of a day directory into the database, exactly
 * once (docs/fleet.md). One transaction per day directory; in it, per
 * file, a savepoint, the file's lock and position (telescope.loaded), its
 * new complete rows by COPY into the minute table (whose trigger adds
 * them to the hourly aggregates; for a role under row-level security,
 * into a temporary table first and from there by INSERT, chunk.c), and
 * the new position. Rows and position commit together or not at all,
 * so a ship killed at any instant, or a connection lost, leaves the
 * database as it was before the transaction or after it: never between.
 * A file that fails is rolled back to its savepoint; the others commit.
 */
#ifndef TS_FLEET_LOAD_H
#define TS_FLEET_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/hmap.h"
#include "lib/strbuf.h"
#include "fleet/journal.h"
#include "fleet/ledger.h"
#include "lib/pg.h"
#include "fleet/row.h"
#include "fleet/scan.h"
#include "fleet/source.h"

/* What this process knows of a file (by path) between passes. */
struct file_state {
	int64_t loaded;		/* bytes of it in the database, -1: not known */
	int sensor;		/* its sensor's id, 0: not known yet */
	bool failed;		/* it failed as it was then: */
	off_t failed_size;	/* not again until it changes */
	struct timespec failed_mtime;
	int64_t tail_said;	/* the position after which an incomplete
				 * line or member was said, -1: none */
};

struct loader {
	PGconn *c;
	const char *host;
	size_t chunk;		/* bytes of a file per transaction, about */
	bool direct;		/* no row-level security for this role: COPY
				 * into the minute tables, not a staging table */
	struct hmap files;	/* path -> struct file_state */
	struct hmap sensors;	/* name -> int id, or -1: refused */
	struct strbuf sql, send, pending;
	struct ledgers ledgers;	/* what each output directory is told */
	uint64_t rows;		/* rows loaded (this pass) */
	unsigned files_loaded, errors, warnings;
	struct pg_err err;	/* why the connection was lost, or why the
				 * server refused for a reason that may pass */
};

/* One file of the day being loaded, with what its head said. */
struct work {
	const struct ship_file *f;
	struct file_state *st;
	struct source src;
	struct row_map map;
	struct row_check check;
	char sensor[256];
	int day;
	int64_t new_pos;	/* after the chunk, -1: nothing new */
	long long new_rows;	/* rows of the chunk */
	bool more;		/* the chunk stopped before the end */
	bool active;		/* still to load in this day's transactions */
};

enum chunk_result { CHUNK_NONE, CHUNK_DONE, CHUNK_FAILED, CHUNK_CUT, CHUNK_REFUSED, CHUNK_LOST };

/* What loading a day came to. */
enum day_result {
	DAY_DONE,	/* loaded, or its files failed (each said) */
	DAY_REFUSED,	/* the server refused it for a reason that may pass
			 * (l->err): nothing of it committed, to try again */
	DAY_LOST,	/* the connection is gone (l->err) */
};

void loader_init(struct loader *l, const char *host);
void loader_free(struct loader *l);

/* A new connection: make the temporary tables; false when that fails. */
bool loader_connected(struct loader *l, PGconn *c);

/* Load what is new in day d. */
enum day_result loader_day(struct loader *l, const struct ship_day *d);

/* Whether the server's refusal may pass (lib/pg.h), so that the rows are
 * sent again later rather than the file failed: besides pg_passing(), a
 * row with no partition (23514), as every row is checked to be in its
 * day before it is sent (row.h): the day's tables were dropped by a
 * prune meanwhile, and ensure_day makes them anew. */
bool loader_passing(const struct pg_err *e);

/* A file error: "PATH: why" (or "PATH:LINE: why"), remembered. */
void loader_file_error(struct loader *l, struct work *w, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* In the day's transaction: the next chunk of w (chunk.c). */
enum chunk_result chunk_load(struct loader *l, struct work *w, const struct journals *j);

#endif
