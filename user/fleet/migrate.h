/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The schema's version. user/fleet/sql/vN.sql brings a database from
 * version N-1 to N (v1 from nothing); the Makefile makes them strings.
 * A binary works only with a database at its own version (common/schema.h
 * checks it): `db init` migrates an older one, and an older binary
 * refuses a newer one.
 */
#ifndef TS_FLEET_MIGRATE_H
#define TS_FLEET_MIGRATE_H

#include <stdbool.h>
#include "lib/pg.h"

/* The version this binary speaks. */
int fleet_schema_version(void);

/* Create or migrate to this binary's version, saying what it did;
 * false with the reason on stderr. */
bool fleet_schema_migrate(PGconn *c);

#endif
