/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The CSV series the sensor writes, and the rows of one drain. */
#ifndef TS_SERIES_H
#define TS_SERIES_H

#include "lib/csv.h"
#include "sensor/maps.h"
#include "sensor/geo.h"
#include "sensor/rules.h"

enum series {
	S_TOTALS,
	S_PORTS,
	S_COUNTRIES,
	S_PORT_COUNTRIES,
	S_SOURCES,
	S_BACKSCATTER,
	S_TAGS,
	S_COUNT,
};

extern const char *const series_name[S_COUNT];   /* file name without .csv */
extern const char *const series_header[S_COUNT]; /* header row, no newline */

/* "tcp", "udp", "icmp", "icmpv6" or the protocol number. */
const char *proto_name(__u8 proto, char buf[4]);
/* The CSV `kind` of a backscatter kind. */
const char *bs_kind_name(__u8 kind);
/* "YYYY-MM-DDTHH:MM:SSZ" */
void format_time(__u64 t, char buf[21]);

/*
 * Turn one generation's snapshot into rows, one buffer per series (the
 * rows only, no header). The totals row is always written, even for an
 * empty interval: it marks the interval as covered.
 */
void rows_build(const struct snapshot *snap, struct geo *geo,
		const struct tag_names *names, const char *sensor,
		struct strbuf out[S_COUNT]);

#endif
