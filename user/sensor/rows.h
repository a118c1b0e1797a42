/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The rows of one drain, a buffer per series of the CSV contract. */
#ifndef TS_ROWS_H
#define TS_ROWS_H

#include "common/contract.h"
#include "lib/csv.h"
#include "sensor/snapshot.h"
#include "sensor/geo.h"
#include "sensor/rules.h"

/*
 * Turn one generation's snapshot into rows, one buffer per series (the
 * rows only, no header). The totals row is always written, even for an
 * empty interval: it marks the interval as covered.
 */
void rows_build(const struct snapshot *snap, struct geo *geo,
		const struct tag_names *names, const char *sensor,
		struct strbuf out[S_COUNT]);

#endif
