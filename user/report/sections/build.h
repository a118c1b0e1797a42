/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Turning statistics and events into the report document. */
#ifndef TS_REPORT_BUILD_H
#define TS_REPORT_BUILD_H

#include "report/doc.h"
#include "report/eventlist.h"
#include "report/stats.h"

/* year_before: the totals of the period's months a year earlier, or NULL. */
void build_report(struct doc *d, const struct report_stats *st,
		  const struct event_list *events, const struct report_stats *year_before);

#endif
