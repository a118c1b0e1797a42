/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The row times a sensor's totals.csv already holds ahead of the wall
 * clock, read back from the day files: after the clock stepped back,
 * the intervals it wrote while it was ahead must not get rows a second
 * time ((time, sensor, key) is unique in every file, and the fleet
 * store's keys refuse a repetition). Every drain writes a totals row, so
 * totals.csv names every row time there is.
 */
#ifndef TS_ROWTIMES_H
#define TS_ROWTIMES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "sensor/output.h"

struct rowtimes {
	__u64 *times; /* sorted */
	size_t n, cap;
	__u64 from;   /* what was read: [from, to] */
	__u64 to;
	bool loaded;
};

/*
 * Read the times of `sensor`'s totals rows in [from, to] from the day
 * files under out->dir (plain and gzip), replacing what was there. A day
 * without a file has no rows; a file that cannot be read is said once,
 * and counts as having none.
 */
void rowtimes_load(struct rowtimes *rt, const struct output *out, const char *sensor,
		   __u64 from, __u64 to);
/* Whether [from, to] was read, for t. */
bool rowtimes_cover(const struct rowtimes *rt, __u64 t);
bool rowtimes_has(const struct rowtimes *rt, __u64 t);
/* A row time written since the load. */
void rowtimes_add(struct rowtimes *rt, __u64 t);
void rowtimes_free(struct rowtimes *rt);

#endif
