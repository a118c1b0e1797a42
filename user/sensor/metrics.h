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
#include "sensor/drain.h"
#include "sensor/rules.h"

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
