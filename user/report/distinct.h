/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The distinct source addresses of sources.csv, read on a third thread
 * (read.c): its handler, in a list of one like the other threads' lists
 * (tally.h).
 */
#ifndef TS_REPORT_DISTINCT_H
#define TS_REPORT_DISTINCT_H

#include "report/tally.h"

extern const struct series_handler distinct_sources[];
extern const int distinct_sources_n;

#endif
