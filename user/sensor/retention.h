/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Keeping the output directory within bounds on a sensor that runs for
 * years: day directories older than --keep-days go, and a disk that runs
 * low is said once (what happens when it is full is the drain's business:
 * the counts wait in the maps).
 */
#ifndef TS_RETENTION_H
#define TS_RETENTION_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Remove DIR/YYYY-MM-DD/ directories of days before `today - keep_days +
 * 1` (the day being written is never one of them). Only the files a
 * sensor writes go (*.csv, *.csv.gz); a directory holding anything else
 * stays, with a warning. When DIR has the ledger of `ship`
 * (common/shipped.h), a day stays until the database holds every one of
 * its files whole (warned each time); an unreadable ledger keeps every
 * day. Returns how many directories were removed.
 */
int retention_prune(const char *dir, unsigned keep_days, int64_t now);

/* Below this share of free space the loader warns (once, until it recovers). */
#define RETENTION_LOW_PERCENT 5

/* Is the file system of dir below RETENTION_LOW_PERCENT free? */
bool retention_space_low(const char *dir, double *free_percent);

#endif
