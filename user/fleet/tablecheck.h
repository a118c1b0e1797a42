/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The minute tables against the columns of common/columns.c: after
 * `db init` has migrated, every series' table must have exactly the
 * schema's columns (names, types, NOT NULL where a column may not be
 * empty; their order aside), or ship would load some other meaning, or
 * fail at the first file. A column added to the schema reaches the
 * tables only through a new sql/vN.sql (docs/architecture.md).
 */
#ifndef TS_FLEET_TABLECHECK_H
#define TS_FLEET_TABLECHECK_H

#include <stdbool.h>
#include "lib/pg.h"

/* True when they agree; else false, what differs said in one line. */
bool fleet_tables_match(PGconn *c);

#endif
