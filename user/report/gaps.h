/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Data gaps from the spacing of each sensor's totals rows (docs/report.md,
 * "Gaps"), added to the list of events.
 */
#ifndef TS_REPORT_GAPS_H
#define TS_REPORT_GAPS_H

#include "report/eventlist.h"
#include "report/stats.h"

/* The data gaps of the period's sensors. */
void find_gaps(const struct report_stats *st, struct event_list *out);

#endif
