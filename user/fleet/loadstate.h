/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The state of a ship loading rows (docs/fleet.md): what it knows of
 * each file between passes, its connection and counts (struct loader),
 * and one file of the day being loaded (struct work). Types only, shared
 * by load.c (a day's transaction), chunk.c (one file's COPY in it) and
 * failure.c (a file's error said once), each of which declares its
 * functions in a header of its own.
 */
#ifndef TS_FLEET_LOADSTATE_H
#define TS_FLEET_LOADSTATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "lib/hmap.h"
#include "lib/pg.h"
#include "lib/strbuf.h"
#include "fleet/ledger.h"
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

#endif
