/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the CSV contract puts a day's rows: OUT/YYYY-MM-DD/NAME.csv, or
 * NAME.csv.gz (docs/csv.md). run writes there, synth imitates it, report
 * and ship read there: all through these two.
 */
#ifndef TS_COMMON_DAYPATH_H
#define TS_COMMON_DAYPATH_H

#include <stdbool.h>
#include <stddef.h>
#include "common/contract.h"

/* OUT/YYYY-MM-DD, the UTC day's directory under the output directory out
 * (NULL: YYYY-MM-DD, the path relative to it), into buf of len bytes;
 * false when it does not fit (buf then holds as much as fits). */
bool day_dir_path(char *buf, size_t len, const char *out, int day);

/* DAYDIR/NAME.csv, or NAME.csv.gz when gz: the file of series s in a day
 * directory; false when it does not fit. */
bool series_file_path(char *buf, size_t len, const char *daydir, enum series s, bool gz);

#endif
