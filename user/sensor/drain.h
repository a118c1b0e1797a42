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
#include "sensor/rowtimes.h"
#include "common/contract.h"
#include "sensor/rules.h"

/* Upper bounds of the drain-duration histogram, seconds. */
#define DRAIN_BUCKETS 10

/* What this loader's drains did (the kernel's counts are read anew). */
struct drain_record {
	uint64_t drains;                    /* completed */
	uint64_t failed;                    /* that could not write */
	double seconds_sum;                 /* time the completed ones took */
	uint64_t le[DRAIN_BUCKETS]; /* completed within each bound */
	int64_t last_drain;                 /* UTC seconds of the last completed one, 0: none */
	uint64_t rows[S_COUNT];             /* rows written, per series */
	uint64_t entries[3];                /* flows, bscat, tagged of the last drained generation */
};

extern const double drain_bounds[DRAIN_BUCKETS];

/* A completed drain: how long it took, and what it wrote and read. */
void drain_record_add(struct drain_record *r, double seconds, int64_t when,
		      const size_t rows[S_COUNT], const uint64_t entries[3]);

/* What a drain reads from and writes to, and what it must remember. */
struct drain {
	const struct sensor_maps *maps;
	struct output *out;
	struct geo *geo;               /* NULL: every source is ZZ */
	const struct tag_names *names; /* of the tag bits, for tags.csv */
	const char *sensor;            /* the `sensor` column */
	unsigned interval;             /* seconds; drain_start() sets it */
	struct drain_record *record;   /* what the drains did (NULL: not kept) */

	/* state, zero at first */
	bool unwritten;     /* the idle generation's rows could not be written */
	__u64 outage_since; /* when (UTC seconds) they first could not */
	__u64 unwritten_seconds; /* their totals.seconds */
	bool stopped;       /* drain_stop(): nothing counts until drain_resume() */
	uint64_t flips;     /* generations ended, so a caller sees one begin */
	struct rowtimes written; /* row times ahead of the clock that have rows */
	bool folding;       /* said that a tick's interval has rows already */
};

/*
 * After attaching or adopting: finish whatever a previous loader left
 * half done, drain what it left counted, and label the generation being
 * counted now with an interval (of `interval` seconds, aligned to the UTC
 * clock) that has no rows yet. 0, or -1 (error printed). Rows that cannot
 * be written are not an error: they wait in the idle generation, as in
 * drain_interval().
 */
int drain_start(struct drain *d, unsigned interval);

/*
 * Whether a tick may end the generation being counted and label the
 * next one t: not if t is its own label (a restart inside the interval
 * before), nor a time that has rows or will have (after the wall clock
 * stepped back: then said once, as the generation counts on).
 */
bool drain_label_free(struct drain *d, __u64 t);

/*
 * End the interval being counted: switch the program to the other
 * generation, labelled `next_since`, and write the rows of the old one,
 * `seconds` long (0: up to next_since, at least one interval; the
 * loader gives the time it measured when the wall clock stepped).
 * While the rows of an earlier drain could not be written, write those
 * first, and flip only once they are: the generation being counted goes
 * on counting, and becomes one row as long as the outage. 0, or -1
 * (error printed once per outage): the counts then stay in the maps.
 */
int drain_interval(struct drain *d, __u64 next_since, __u64 seconds);

/*
 * Only the first step of drain_interval(): write rows that could not be
 * written before, if there are any. 0 when nothing is left unwritten.
 */
int drain_retry(struct drain *d);

/*
 * The kernel stopped counting (the interface is gone): end the interval
 * being counted now, as on exit. Until drain_resume() the loader writes
 * no rows, not even empty ones: the intervals without a totals row are the
 * gap. Called again every interval meanwhile, it only retries rows that
 * could not be written (and then ends the interval, if it could not yet).
 * `seconds` as for drain_interval().
 */
int drain_stop(struct drain *d, __u64 seconds);

/*
 * The kernel counts again (attached anew, called just before attaching):
 * label the counting generation with an interval that has no rows yet.
 */
int drain_resume(struct drain *d);

/*
 * Keep the memory drains use mapped between drains (the process's
 * allocator settings: call once, before the first drain).
 */
void drain_keep_memory(void);

/* The two steps of drain_interval(), for tests. */
int drain_flip(const struct drain *d, __u64 next_since); /* the old generation, or -1 */
int drain_generation(struct drain *d, int gen, bool skip_if_empty);

#endif
