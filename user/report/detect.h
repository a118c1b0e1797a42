/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The detectors' rules, on plain arrays of daily values (days without
 * enough data already left out): where a series holds a spike, a drop or
 * a new level. The thresholds are documented in docs/report.md.
 */
#ifndef TS_REPORT_DETECT_H
#define TS_REPORT_DETECT_H

#include <stdbool.h>

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
#define EV_BURST_RATIO 4.0	/* backscatter burst: distinct sources, times the baseline */
#define EV_BURST_MIN 8		/* … and at least this many more than the baseline */
/* Days read before the period: a spike that began up to EV_SPIKE_MAX_DAYS
 * before it still gets its full baseline of EV_BASE_WINDOW days. */
#define EV_LOOKBACK_DAYS (EV_BASE_WINDOW + EV_SPIKE_MAX_DAYS)

/* A run of days (indexes into the series) flagged by a detector. */
struct day_run {
	int first, last;
	double base;		/* baseline when the run began */
	double extreme;		/* max (spike) or min (drop) value / base */
	bool open;		/* still running on the series' last day */
	double peak;		/* spikes: the highest value; else 0 */
};

/* Series helpers, on compacted series (days without data left out). */
double median_of(const double *v, int n);
/*
 * Short spikes: runs where x >= max(ratio * base, base + min_excess) with
 * base the median of up to EV_BASE_WINDOW earlier days (at least
 * EV_BASE_MIN_DAYS, leaving out earlier spikes), that last at most
 * EV_SPIKE_MAX_DAYS; base must be >= min_base. A run still going on the
 * last day is kept (open) when it has not yet lasted longer than that.
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

#endif
