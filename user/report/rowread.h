/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One row of the report's input being read: the row reader (one a thread),
 * what the row's fields say of it (its verdict), the overflow guard, the
 * days it covers and each day's share of its counts. The handlers of the
 * series (tally.c) are made of these.
 */
#ifndef TS_REPORT_ROWREAD_H
#define TS_REPORT_ROWREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/text.h"
#include "report/marks.h"
#include "report/stats.h"
#include "report/zone.h"

/* What a reading thread keeps between rows: the statistics it adds to,
 * the directory and its marks, caches of the last time and sensor. */
struct row_reader {
	struct report_stats *st;
	size_t dir;			/* the day directory being read (index) */
	struct mark_filter filter;	/* its duplicates and spans */
	int lo, hi;			/* the days any sum counts */
	char last_time[24];
	int64_t last_t;
	struct { char *buf; size_t cap; } text[2];	/* cleaned text fields */
	char scope_name[128];	/* the sensor last asked about for --group */
	bool scope_in;		/* and whether it is of the group */
};

void row_reader_init(struct row_reader *r, struct report_stats *st);
void row_reader_free(struct row_reader *r);

/* The time of a row, or -1; rows repeat the time of the row before. */
static inline int64_t row_time(struct row_reader *r, const char *s)
{
	if (strcmp(s, r->last_time)) {
		r->last_t = parse_time(s);
		if (r->last_t < 0) {
			r->last_time[0] = '\0';
			return -1;
		}
		snprintf(r->last_time, sizeof(r->last_time), "%s", s);
	}
	return r->last_t;
}

const char *row_text_cleaned(struct row_reader *r, int which, const char *s);

/* Whether the main tables count the sensor's rows (--group); the
 * per-sensor ones count every sensor's. Read-only: any thread. */
static inline bool row_in_scope(struct row_reader *r, const char *sensor)
{
	const struct hmap *g = r->st->opts->group_sensors;

	if (!g)
		return true;
	if (strcmp(sensor, r->scope_name)) {
		r->scope_in = hmap_find(g, sensor) != NULL;
		if (strlen(sensor) < sizeof(r->scope_name))
			strcpy(r->scope_name, sensor);
		else
			r->scope_name[0] = '\0';	/* too long to keep: asked again */
	}
	return r->scope_in;
}

/* A text field as valid UTF-8 without control characters (lib/text.h):
 * s itself, or its clean form in r's buffer `which` (0 or 1). */
static inline const char *row_text(struct row_reader *r, int which, const char *s)
{
	return text_needs_cleaning(s) ? row_text_cleaned(r, which, s) : s;
}

/* A row is malformed if any field is; else out of range if any is. */
static inline enum row_verdict worse(enum row_verdict a, enum row_verdict b)
{
	if (a == ROW_BAD || b == ROW_BAD)
		return ROW_BAD;
	return a != ROW_OK ? a : b;
}

/* An optional count: 0 when the header has no such column. */
static inline enum row_verdict opt_u64(char **f, int col, uint64_t *v)
{
	*v = 0;
	return col < 0 ? ROW_OK : field_u64(f[col], v);
}

static inline enum row_verdict port_field(const char *s, uint64_t *port)
{
	enum row_verdict v = field_u64(s, port);

	return v == ROW_OK && *port > 65535 ? ROW_RANGE : v;
}

/*
 * The overflow guard: every sum the report makes of a column is a sum
 * over some of the rows it counts, so no sum can pass 2^64 - 1 while the
 * column's total over those rows does not. False (nothing added) when
 * adding v[0 .. n) (n <= 6) would make one pass it.
 */
static inline bool sums_fit(uint64_t *sums, const uint64_t *v, int n)
{
	uint64_t next[6];

	for (int i = 0; i < n; i++)
		if (__builtin_add_overflow(sums[i], v[i], &next[i]))
			return false;
	memcpy(sums, next, (size_t)n * sizeof(*sums));
	return true;
}

static inline bool in_prev(const struct report_stats *st, int day)
{
	return day >= st->opts->prev_from && day <= st->opts->prev_to;
}

/* The days a row covers: [t, t + seconds), or the day of t alone; local
 * days of --tz (report/zone.h), whichever source the row came from. */
struct row_days {
	int first, last;
	bool period, prev, long_range;	/* it touches them */
};

static inline struct row_days row_days(const struct report_stats *st, int64_t t,
				       uint64_t seconds)
{
	struct row_days d;

	d.first = tz_day(st->opts->tz, t);
	d.last = seconds ? tz_day(st->opts->tz, t + (int64_t)seconds - 1) : d.first;
	d.period = d.first <= st->opts->to && d.last >= st->opts->from;
	d.prev = d.first <= st->opts->prev_to && d.last >= st->opts->prev_from;
	d.long_range = d.first <= st->long_to && d.last >= st->long_from;
	return d;
}

typedef void (*day_fn)(struct row_reader *r, const void *row, int day, uint64_t in,
		       const uint64_t *v);

void each_day_spread(struct row_reader *r, int64_t t, uint64_t seconds, const struct row_days *d,
		     const uint64_t *v, int nv, day_fn fn, const void *row);

/*
 * fn for each day of the row with its share of v[0 .. nv) (nv <= 6,
 * report/span.h) and the seconds of the day it covers; a row without
 * seconds, or within one day, is its day's whole.
 */
static inline void each_day(struct row_reader *r, int64_t t, uint64_t seconds,
			    const struct row_days *d, const uint64_t *v, int nv, day_fn fn,
			    const void *row)
{
	if (d->first == d->last)
		fn(r, row, d->first, seconds, v);
	else
		each_day_spread(r, t, seconds, d, v, nv, fn, row);
}

/*
 * A row of a series other than totals: ROW_DUP when the directory's
 * totals say it repeats a row read before; else the seconds it covers
 * (0: its interval, within its day) and its days.
 */
static inline enum row_verdict filter_row(struct row_reader *r, const char *sensor, int64_t t,
					  uint64_t *seconds, struct row_days *days)
{
	uint32_t s;

	if (!mark_filter_row(&r->filter, sensor, t, &s))
		return ROW_DUP;
	*seconds = s;
	*days = row_days(r->st, t, s);
	return ROW_OK;
}

#endif
