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
#include "fleet/loadstate.h"
#include "fleet/scan.h"

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

#endif
