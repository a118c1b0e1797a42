/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The operator's small CSV files (--sensors, --categories): read whole,
 * as RFC 4180 records (a quoted field may hold a line end), empty lines
 * and lines starting with '#' skipped, each record handed to a callback
 * with its first line number for the FILE:LINE of an error.
 */
#ifndef TS_REPORT_CSVFILE_H
#define TS_REPORT_CSVFILE_H

#include <stdbool.h>

/* n is the number of fields, or max + 1 when there were more. False
 * stops the reading (the callback said why, on stderr). */
typedef bool (*csvfile_fn)(void *ctx, char **fields, int n, const char *path,
			   unsigned long line);

/* False when the file cannot be read, a record is broken (one line on
 * stderr naming `what` or FILE:LINE) or fn returned false. */
bool csvfile_each(const char *path, const char *what, int max, csvfile_fn fn, void *ctx);

#endif
