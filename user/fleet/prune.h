/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `db prune`: the minute rows of days before the last DAYS go, a day
 * partition at a time (detached concurrently, so loads and reports
 * never wait on it, then dropped), never row by row; the hourly
 * aggregates stay. The ledger's rows of those days are merged into one
 * per file, which keeps every position.
 */
#ifndef TS_FLEET_PRUNE_H
#define TS_FLEET_PRUNE_H

#include <stdbool.h>
#include <libpq-fe.h>

/* Prune what is older than keep_days before today (UTC); false with the
 * reason on stderr. */
bool fleet_prune(PGconn *c, unsigned keep_days);

#endif
