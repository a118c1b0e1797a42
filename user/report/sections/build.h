/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Turning statistics and events into the report document. */
#ifndef TS_REPORT_BUILD_H
#define TS_REPORT_BUILD_H

#include "report/doc.h"
#include "report/events.h"
#include "report/stats.h"

void build_report(struct doc *d, const struct report_stats *st,
		  const struct event_list *events);

#endif
