/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Notable events found in the daily series: a port that rises to a new
 * level, a country whose sources collapse (IODA's method), a short spike
 * from one country, a spike at one sensor only (or at many), data gaps.
 * The thresholds are documented in docs/report.md (detect.h).
 */
#ifndef TS_REPORT_EVENTS_H
#define TS_REPORT_EVENTS_H

#include "report/detect.h"
#include "report/eventlist.h"
#include "report/stats.h"

/* Events of the period st; hist, when not NULL, holds the look-back days
 * just before it (EV_LOOKBACK_DAYS, read from the same data). */
void detect_events(const struct report_stats *st, const struct report_stats *hist,
		   struct event_list *out);

#endif
