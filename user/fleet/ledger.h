/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ledger ship keeps in each output directory it loads
 * (common/shipped.h: DIR/.xdp-telescope-shipped, "YYYY-MM-DD/FILE BYTES"),
 * for `run --keep-days`, which removes a day only once the database holds
 * all of it. Each value is a position ship read from the database or
 * committed to it, never one it hopes for, so the ledger may lag the
 * database but not run ahead of it; and it is set, not raised, so a
 * database that went back (a restore) takes the ledger back with it as
 * ship reads the positions again.
 */
#ifndef TS_FLEET_LEDGER_H
#define TS_FLEET_LEDGER_H

#include <stdint.h>
#include "lib/hmap.h"

struct ledgers {
	struct hmap dirs;	/* output directory -> struct dir_ledger */
};

void ledgers_init(struct ledgers *g);
void ledgers_free(struct ledgers *g);

/* The database holds `bytes` of out/rel. */
void ledgers_note(struct ledgers *g, const char *out, const char *rel, int64_t bytes);

/* Write every ledger that changed. One that cannot be written is said
 * once and not tried again (ship goes on loading: the database is what
 * counts; only the sensor's disk keeps its days longer). */
void ledgers_save(struct ledgers *g);

#endif
