/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sensor's metrics in the Prometheus text exposition format, made
 * once per drain and then written to a file (for node_exporter's textfile
 * collector) or served over HTTP (metrics_http.c). Labelled by interface
 * and sensor only (and by tag, map, series where a metric is per one of
 * those bounded sets): never by port, country or source.
 */
#ifndef TS_METRICS_H
#define TS_METRICS_H

#include <stdint.h>
#include "common/contract.h"
#include "lib/strbuf.h"
#include "sensor/attach.h"
#include "sensor/rules.h"

/* Upper bounds of the drain-duration histogram, seconds. */
#define METRICS_DRAIN_BUCKETS 10

/* What this loader's drains did (the kernel's counts are read anew). */
struct drain_record {
	uint64_t drains;                    /* completed */
	uint64_t failed;                    /* that could not write */
	double seconds_sum;                 /* time the completed ones took */
	uint64_t le[METRICS_DRAIN_BUCKETS]; /* completed within each bound */
	int64_t last_drain;                 /* UTC seconds of the last completed one, 0: none */
	uint64_t rows[S_COUNT];             /* rows written, per series */
	uint64_t entries[3];                /* flows, bscat, tagged of the last drained generation */
};

extern const double metrics_drain_bounds[METRICS_DRAIN_BUCKETS];

/* A completed drain: how long it took, and what it wrote and read. */
void drain_record_add(struct drain_record *r, double seconds, int64_t when,
		      const size_t rows[S_COUNT], const uint64_t entries[3]);

struct metrics_source {
	const struct sensor *s;
	const char *sensor;             /* the `sensor` column */
	const struct tag_names *names;
	const struct drain_record *drains;
	unsigned interval;              /* seconds */
};

/* The whole exposition, into out (reset first). 0, or -1 (error printed). */
int metrics_render(const struct metrics_source *src, struct strbuf *out);

/* Write text to path atomically (a temporary file beside it, then rename). */
int metrics_write_file(const char *path, const struct strbuf *text);

#endif
