/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The report's reading threads: every series of the listed day
 * directories, from files or from the fleet database, into the
 * statistics.
 */
#ifndef TS_REPORT_READ_H
#define TS_REPORT_READ_H

#include "report/stats.h"

/*
 * Streams every series of the listed day directories (the handlers of
 * tally.h and distinct.h) on three threads that touch disjoint parts
 * of st.
 */
void stats_read_days(struct report_stats *st, const struct day_list *days);

#endif
