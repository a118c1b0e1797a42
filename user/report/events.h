/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Notable events found in the daily series: a port that rises to a new
 * level, a country whose sources collapse (IODA's method), a short spike
 * from one country, a spike at one sensor only (or at many), data gaps.
 * The thresholds are documented in docs/report.md.
 */
#ifndef TS_REPORT_EVENTS_H
#define TS_REPORT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "report/stats.h"

enum event_type {
	EV_LEVEL_SHIFT,
	EV_COUNTRY_DROP,
	EV_COUNTRY_SPIKE,
	EV_LOCAL_SPIKE,
	EV_WIDE_SPIKE,
	EV_GAP,
	EV_NTYPES
};

extern const char *const event_type_name[EV_NTYPES];

struct event {
	enum event_type type;
	int first_day, last_day;	/* day numbers */
	int64_t start_t, end_t;		/* gaps: first missing interval, next row */
	int sensor;			/* id, or -1 */
	int country;			/* slot, or -1 */
	bool has_port;
	uint8_t proto;
	uint16_t port;
	double before, after;		/* typical daily value before / during */
	double extreme;			/* min ratio (drops), max ratio (spikes) */
	bool critical;			/* drops below the critical level */
	int others;			/* wide spikes: sensors that saw it too */
};

struct event_list {
	struct event *v;
	size_t n, cap;
};

/* Thresholds (see docs/report.md). */
#define EV_BASE_MIN_DAYS 7	/* days of baseline before anything is judged */
#define EV_BASE_WINDOW 21	/* days in a spike / shift baseline median */
#define EV_DROP_WINDOW 7	/* IODA: trailing 7-day median */
#define EV_DROP_WARN 0.25
#define EV_DROP_CRIT 0.10
#define EV_SPIKE_RATIO 2.5	/* country spike: times the baseline */
#define EV_SPIKE_MAX_DAYS 14	/* longer is a level, not a spike */
#define EV_LOCAL_RATIO 5.0	/* sensor × port spike */
#define EV_OTHERS_RATIO 2.0	/* another sensor "saw it too" */
#define EV_SHIFT_START 2.0	/* level shift: first day, times the baseline */
#define EV_SHIFT_LEVEL 3.0	/* median after, times the baseline */
#define EV_SHIFT_KEEP 0.8	/* share of later days still above START */
#define EV_SHIFT_MIN_DAYS 14	/* days the new level must be seen */
#define EV_MIN_COVERAGE 0.5	/* days with less data are not judged */

/* A run of days (indexes into the series) flagged by a detector. */
struct day_run {
	int first, last;
	double base;		/* baseline when the run began */
	double extreme;		/* max (spike) or min (drop) value / base */
};

/* Series helpers, on compacted series (days without data left out). */
double median_of(const double *v, int n);
/*
 * Short spikes: runs where x >= max(ratio * base, base + min_excess) with
 * base the median of up to EV_BASE_WINDOW earlier days (at least
 * EV_BASE_MIN_DAYS, leaving out earlier spikes), that end within
 * EV_SPIKE_MAX_DAYS and before the series ends; base must be >= min_base.
 */
int find_spikes(const double *x, int n, double ratio, double min_excess,
		double min_base, struct day_run *out, int max);
/*
 * Drops: runs where x < EV_DROP_WARN * median of the EV_DROP_WINDOW
 * preceding days not flagged (skip[] marks days to leave out of baselines,
 * may be NULL); extreme = lowest ratio.
 */
int find_drops(const double *x, int n, double min_base, const bool *skip,
	       struct day_run *out, int max);
/*
 * Level shift: the first index where x rises to EV_SHIFT_START × base and
 * the rest of the series keeps a median of EV_SHIFT_LEVEL × base; base is
 * floored at min_base. Returns the index or -1; fills *run.
 */
int find_level_shift(const double *x, int n, double min_base,
		     struct day_run *run);

void detect_events(const struct report_stats *st, struct event_list *out);
void event_list_free(struct event_list *l);

#endif
