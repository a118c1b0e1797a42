/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the report's unit tests (tests/unit/test_tally*.c) share: a fresh
 * data directory of hand-written CSV, and its rows read into statistics
 * over a period as `report` reads them.
 */
#ifndef TS_REPORTTEST_H
#define TS_REPORTTEST_H

#include "report/report.h"
#include "report/stats.h"

struct report_case {
	char dir[64];
	struct report_opts o;
	struct day_list days;
	struct report_stats st;
	bool read;
};

/* A fresh directory (rc->dir) under /tmp. */
void report_case_init(struct report_case *rc);
/* Writes text into DIR/SUB/NAME (SUB: "2022-09-01" or "s1/2022-09-01"),
 * making the directories; len 0: strlen(text). Returns the path (static). */
const char *report_case_file(struct report_case *rc, const char *sub, const char *name,
			     const char *text, size_t len);
/* Reads every day directory into rc->st over [from, to] (YYYY-MM-DD), the
 * previous period being as long, and finishes the statistics. */
void report_case_read(struct report_case *rc, const char *from, const char *to);
/* Frees the statistics and removes the directory. */
void report_case_free(struct report_case *rc);

#endif
