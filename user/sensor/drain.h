/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The drain: how the counts of an interval leave the kernel for the CSV
 * files exactly once, across interval boundaries, loader exits, `kill -9`
 * and restarts. The whole protocol is in drain.c; its comment at the top
 * is the account of why nothing is lost or counted twice.
 */
#ifndef TS_DRAIN_H
#define TS_DRAIN_H

#include <stdbool.h>
#include <linux/types.h>
#include "sensor/geo.h"
#include "sensor/maps.h"
#include "sensor/output.h"
#include "sensor/rules.h"

/* What a drain reads from and writes to. */
struct drain {
	const struct sensor_maps *maps;
	struct output *out;
	struct geo *geo;               /* NULL: every source is ZZ */
	const struct tag_names *names; /* of the tag bits, for tags.csv */
	const char *sensor;            /* the `sensor` column */
};

/*
 * After attaching or adopting: finish whatever a previous loader left
 * half done, drain what it left counted, and label the generation being
 * counted now with an interval (of `interval` seconds, aligned to the UTC
 * clock) that has no rows yet. 0, or -1 (error printed).
 */
int drain_start(const struct drain *d, unsigned interval);

/* Row time of the generation being counted now. */
__u64 drain_counting_since(const struct drain *d);

/*
 * End the interval being counted: switch the program to the other
 * generation, labelled `next_since`, and write the rows of the old one.
 * 0, or -1 (error printed): the counts then stay in the maps and are
 * written with a later interval.
 */
int drain_interval(const struct drain *d, __u64 next_since);

/* The two steps of drain_interval(), for tests. */
int drain_flip(const struct drain *d, __u64 next_since); /* the old generation, or -1 */
int drain_generation(const struct drain *d, int gen, bool skip_if_empty);

#endif
