/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the report keeps of the rows it streams: sums per day of the
 * period (fleet, sensor, port, country), sums of the previous period for
 * ranks, backscatter sources, and each sensor's row spacing for gaps.
 */
#ifndef TS_REPORT_STATS_H
#define TS_REPORT_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include "report/report.h"
#include "report/input.h"
#include "lib/hmap.h"
#include "report/marks.h"
#include "report/names.h"

/* Packed keys of the counter maps: kind | sensor/slot | proto | port | day. */
enum key_kind {
	K_PORT_DAY = 1,		/* fleet: v0 packets, v1 mirai, v2 bytes */
	K_SENSOR_PORT_DAY,	/* per sensor: v0 packets */
	K_PORT_PREV,		/* previous period: v0 packets */
	K_PORT_FOCUS,		/* focus country index in sensor bits: v0 packets, v1 mirai */
	K_PORT_FOCUS_DAY,	/* the same per day */
	K_PORT_COUNTRY_DAY,	/* --port index, country in port bits: v0 packets */
	K_TAG_PORT,		/* tag id in sensor bits: v0 packets, v1 Σ sources */
	K_TAG_COUNTRY,		/* tag id, country in port bits: v0 packets, v1 Σ sources */
};

#define ALL_SENSORS 0xFFFu
#define MAX_SENSORS 4000
#define MAX_TAGS 4000

static inline uint64_t rkey(enum key_kind kind, unsigned sensor, unsigned proto,
			    unsigned port, unsigned day)
{
	return (uint64_t)kind << 60 | (uint64_t)(sensor & 0xFFF) << 48 |
	       (uint64_t)(proto & 0xFF) << 40 | (uint64_t)(port & 0xFFFF) << 24 |
	       (day & 0xFFFFFF);
}

/* The counters of the report: a packed key -> three counts (v0, v1, v2
 * as each key kind says), one record of a struct hmap. */
struct counter {
	uint64_t key;
	uint64_t v[3];
};

static inline void counters_init(struct hmap *m)
{
	hmap_init(m, sizeof(uint64_t), 3 * sizeof(uint64_t));
}

/* The counts of key, created zeroed when missing. */
static inline uint64_t *counters_get(struct hmap *m, uint64_t key)
{
	return hmap_upsert(m, &key);
}

/* The counts of key, or NULL. */
static inline const uint64_t *counters_find(const struct hmap *m, uint64_t key)
{
	return hmap_find(m, &key);
}

/* Record i (0 … m->len - 1). */
static inline const struct counter *counter_at(const struct hmap *m, size_t i)
{
	return hmap_key(m, i);
}

static inline enum key_kind key_kind(uint64_t k) { return (enum key_kind)(k >> 60); }
static inline unsigned key_sensor(uint64_t k) { return (k >> 48) & 0xFFF; }
static inline unsigned key_proto(uint64_t k) { return (k >> 40) & 0xFF; }
static inline unsigned key_port(uint64_t k) { return (k >> 24) & 0xFFFF; }
static inline unsigned key_day(uint64_t k) { return k & 0xFFFFFF; }

/* A stretch of rows equally spaced in time; a gap is a run whose spacing
 * exceeds what the row before it covers by an interval or more. */
struct spacing_run {
	int64_t start;		/* time of the row before the first spacing */
	int64_t spacing;
	uint64_t count;
	uint32_t cover;		/* totals.seconds of the row before, 0: without the column */
};

struct sensor_stats {
	char *name;
	char *group;		/* from --sensors, else NULL */
	char *label;		/* from --sensors, else NULL */
	int country;		/* slot from --sensors, else -1 */
	int64_t first_t, last_t;
	uint32_t last_secs;	/* totals.seconds of the row at last_t, 0: none */
	int64_t end_t;		/* the end of the last covered second (rows with seconds) */
	struct spacing_run *runs;
	size_t nruns, cap_runs;
	uint64_t rows, packets, bytes;
	uint64_t plain_rows;	/* rows without a seconds column: one interval each */
	uint64_t cover_secs;	/* Σ seconds of the rows with one */
	uint32_t *rows_day;	/* [ndays] totals rows that cover part of the day */
	uint32_t *plain_day;	/* [ndays] of them without seconds */
	uint32_t *cover_day;	/* [ndays] seconds of the day the rows with seconds cover */
	uint64_t *packets_day;	/* [ndays] */
	int64_t interval;	/* the usual spacing, known after the read */
	bool listed;		/* named in --sensors */
};

/* A totals row covering more than its sensor's interval: written late,
 * after an outage, as one interval (docs/report.md, "Data quality"). */
struct late_row {
	int sensor;
	int64_t t;
	uint32_t seconds;
};

/* The share of its sensor's day d that the sensor's rows cover, in
 * rows of the usual interval (coverage: these / day length * interval). */
static inline double sensor_day_rows(const struct sensor_stats *s, int d)
{
	return s->plain_day[d] + (s->interval > 0 ? (double)s->cover_day[d] / (double)s->interval : 0);
}

struct day_totals {
	uint64_t packets, bytes, rows, malformed, overflow, non_ip;
	uint64_t tagged;	/* packets with at least one tag (totals.tagged) */
};

/* A tag seen in tags.csv in the period, under the name the sensor wrote. */
struct tag_stats {
	char *name;
	uint64_t packets;
	uint64_t sources;	/* Σ of the rows' sources (per interval, sensor, key) */
	uint64_t *packets_day;	/* [ndays] */
};

struct bs_port {
	uint8_t proto;
	uint16_t port;
	uint64_t packets;
};

struct bs_source {
	char *ip;
	int country;
	uint64_t asn;
	const char *as_org;	/* interned, "" when unknown */
	uint64_t packets;
	uint8_t *days;		/* bitset over the period */
	struct bs_port *ports;
	size_t nports;
};

/* sources.csv: an address, over the period (distinct.c). */
struct src_addr {
	uint32_t id;		/* its order of first sight */
	int country;		/* of its first row */
	int as;			/* index into src_as */
};

/* An AS of the sources: its addresses (each once) and their packets. */
struct src_as {
	uint64_t asn;
	char *org;		/* as_org of its first row, "" when none */
	uint64_t packets, addrs;
};

struct report_stats {
	const struct report_opts *opts;
	int ndays;
	int focus[RPT_MAX_COUNTRIES];	/* --country slots, or the default alone */
	int nfocus;

	struct sensor_stats *sensors[MAX_SENSORS];
	int nsensors;
	struct hmap sensor_ids;		/* name -> int id + 1 */
	int last_sensor;		/* cache for consecutive rows */

	struct day_totals *day;		/* [ndays] */
	struct day_totals prev;		/* previous period */
	bool prev_seen;			/* any previous-period row at all */
	uint64_t *country_packets;	/* [ndays * CC_SLOTS] */
	uint64_t *country_sources;	/* [ndays * CC_SLOTS] */
	uint64_t country_prev[CC_SLOTS];

	struct hmap ports;		/* thread A: K_PORT_DAY, K_SENSOR_PORT_DAY, K_PORT_PREV */
	struct hmap cross;		/* thread B: K_PORT_FOCUS, K_PORT_COUNTRY_DAY */

	bool tagged_seen;		/* totals.csv has the tagged column */
	struct tag_stats *tags[MAX_TAGS];	/* thread B, like tag_cross */
	int ntags;
	struct hmap tag_ids;		/* name -> int id + 1 */
	int last_tag;			/* cache for consecutive rows */
	struct hmap tag_cross;		/* K_TAG_PORT, K_TAG_COUNTRY */

	struct hmap bs_by_ip;		/* ip -> struct bs_source * */
	struct bs_source **bs;
	size_t nbs, cap_bs;
	struct hmap as_orgs;		/* interned organisation names */
	uint64_t bs_packets;

	int long_from, long_to;		/* all days the data holds */
	uint64_t *long_port[RPT_MAX_PORTS];	/* [long_to - long_from + 1] */
	bool *long_seen;		/* a totals row on that day */

	bool sources_seen;		/* thread C: any sources.csv row in the period */
	struct hmap src_addrs;		/* ip -> struct src_addr */
	struct hmap src_day_addr;	/* (day index, address id): seen that day */
	struct hmap src_as_ids;		/* asn -> index into src_as */
	struct src_as *src_as;
	size_t nsrc_as, cap_src_as;
	uint64_t *src_day;		/* [ndays] distinct addresses */
	uint64_t *src_country_day;	/* [ndays * CC_SLOTS] */

	struct csv_read_stats read[S_COUNT];
	uint64_t days_read;
	struct marks marks;		/* duplicates and late intervals, per day directory */
	uint64_t sums[S_COUNT][6];	/* Σ of each count column read: the overflow guard */
	struct late_row *late;		/* after stats_finish() */
	size_t nlate, cap_late;
};

/* Period from opts, long range from the day list of ndirs directories. */
void stats_init(struct report_stats *st, const struct report_opts *opts,
		int long_from, int long_to, size_t ndirs);
void stats_free(struct report_stats *st);

/* Loads --sensors FILE (sensor,group,label[,country]); false on error. */
bool stats_load_sensor_file(struct report_stats *st, const char *path);

/* The sensor's id (registering it), or -1 when there are too many. */
int stats_sensor_id(struct report_stats *st, const char *name);

/* The country most --sensors sensors sit in, else JP. */
int stats_default_country(const struct report_stats *st);

/* After the read: intervals of sensors, the rows written late. */
void stats_finish(struct report_stats *st);

/* Index of a current-period day, or -1. */
static inline int stats_day_index(const struct report_stats *st, int day)
{
	return day >= st->opts->from && day <= st->opts->to ? day - st->opts->from : -1;
}

const char *sensor_display(const struct sensor_stats *s);

/* Whether the fleet's tables count the sensor: of the --group, if any. */
bool sensor_in_scope(const struct report_stats *st, const struct sensor_stats *s);
/* Whether the sensor had started and not yet stopped on that day (its
 * first and last rows of the period): a day it is expected to cover. */
bool sensor_active(const struct tz_zone *z, const struct sensor_stats *s, int day);
/* The share of day index di, day_seconds long (23 or 25 hours on a
 * daylight-saving day of --tz), its rows cover, 0 … 1 (rows of its usual
 * interval, late intervals by their seconds). */
double sensor_coverage(const struct sensor_stats *s, int di, int64_t day_seconds);
/* Whether period day di has data from some sensor but not the whole day
 * from every sensor active on it (a partial day on the fleet's charts). */
bool stats_day_partial(const struct report_stats *st, int di);

#endif
