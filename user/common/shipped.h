/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ledger of what `ship` has loaded from an output directory:
 * DIR/.xdp-telescope-shipped, one line "YYYY-MM-DD/FILE BYTES" per file,
 * BYTES being how much of it the database holds. `ship` rewrites it
 * (temporary file, rename) after each transaction it commits; `run
 * --keep-days` reads it, so that a day the database does not yet hold
 * whole stays on the sensor's disk. The database is the truth: the
 * ledger may lag it (ship died between the commit and the rename), never
 * run ahead of it, so a stale ledger only keeps a day longer.
 */
#ifndef TS_SHIPPED_H
#define TS_SHIPPED_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/hmap.h"

#define SHIPPED_NAME ".xdp-telescope-shipped"

struct shipped {
	struct hmap files;	/* "YYYY-MM-DD/FILE" -> uint64_t bytes loaded */
	bool present;		/* the directory has a ledger: a ship loads it */
};

/*
 * Read DIR's ledger. No ledger: true, with `present` false. A ledger that
 * cannot be read or holds a bad line: a warning (FILE:LINE: why) and
 * false; the caller must then assume nothing was loaded.
 */
bool shipped_load(const char *dir, struct shipped *s);

/* Record that the database holds the first `bytes` of rel. */
void shipped_set(struct shipped *s, const char *rel, uint64_t bytes);

/* The bytes of rel the database holds (0 if none are recorded). */
uint64_t shipped_bytes(const struct shipped *s, const char *rel);

/* Write the ledger into DIR atomically; false (with a warning) if it cannot. */
bool shipped_save(const char *dir, const struct shipped *s);

void shipped_init(struct shipped *s);
void shipped_free(struct shipped *s);

#endif
