/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One file's chunk of new rows in the day's transaction (load.h): its
 * lock and position checked, its rows sent by COPY, the new position.
 */
#ifndef TS_FLEET_CHUNK_H
#define TS_FLEET_CHUNK_H

#include "fleet/journal.h"
#include "fleet/loadstate.h"

enum chunk_result { CHUNK_NONE, CHUNK_DONE, CHUNK_FAILED, CHUNK_CUT, CHUNK_REFUSED, CHUNK_LOST };

/* In the day's transaction: the next chunk of w. */
enum chunk_result chunk_load(struct loader *l, struct work *w, const struct journals *j);

#endif
