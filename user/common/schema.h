/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The fleet store's schema version, as every command that opens the
 * database checks it: `db` and `ship` (user/fleet/) write at this
 * version, `report --db` reads at it. A binary works only with a
 * database at its own version.
 */
#ifndef TS_COMMON_SCHEMA_H
#define TS_COMMON_SCHEMA_H

#include <stdbool.h>
#include "lib/pg.h"

/* The version this binary speaks: the last user/fleet/sql/vN.sql
 * (fleet/migrate.c checks the two agree when it is built). */
#define TS_SCHEMA_VERSION 4

/* The database's version: 0 with no schema, -1 on error (e). */
int schema_found_version(PGconn *c, struct pg_err *e);

/*
 * True when the database is at this binary's version; else false, with
 * the reason (no schema yet, older: migrate, newer: upgrade) in e.
 */
bool schema_ready(PGconn *c, struct pg_err *e);

#endif
