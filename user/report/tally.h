/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the rows of each series add to the statistics: a column list and
 * a row handler per series, in the two lists the two reading threads
 * take (read.c). Totals come first in theirs: they mark each directory's
 * duplicates and late intervals for the other series (report/marks.h).
 */
#ifndef TS_REPORT_TALLY_H
#define TS_REPORT_TALLY_H

#include "report/input.h"

/* A series, the columns its handler reads (by header name) and the
 * handler each row is given to. */
struct series_handler {
	enum series kind;
	const char *const *cols;
	int ncols;
	rpt_row_fn fn;
};

/* totals and ports (the sensor registry); countries, port x country,
 * backscatter and tags. */
extern const struct series_handler tally_thread_a[], tally_thread_b[];
extern const int tally_thread_a_n, tally_thread_b_n;

#endif
