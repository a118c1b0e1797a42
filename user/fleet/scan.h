/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What ship finds under the directories it is given, as report --data
 * finds them: an output directory (DIR/YYYY-MM-DD/) or a directory of
 * them, one per sensor (DIR/SENSOR/YYYY-MM-DD/), and in each day
 * directory the files of the series, plain and gzip. Each file with its
 * size and time of change, so a file that did not change since it was
 * loaded costs nothing more.
 */
#ifndef TS_FLEET_SCAN_H
#define TS_FLEET_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "common/contract.h"

struct ship_file {
	char *path;
	char rel[48];		/* "YYYY-MM-DD/NAME.csv[.gz]", as journals name it */
	enum series series;
	bool gz;
	off_t size;
	struct timespec mtime;
};

struct ship_day {
	const char *out;	/* its output directory (journals are there) */
	char *dir;
	int day;
	struct ship_file *files;
	size_t nfiles;
};

struct ship_scan {
	struct ship_day *days;	/* by output directory, then day */
	size_t n, cap;
	char **outs;
	size_t nouts, cap_outs;
};

/* Add what dir holds; false with why when it cannot be read or holds no
 * day directory at all. */
bool scan_add(struct ship_scan *sc, const char *dir, char *why, size_t len);

void scan_free(struct ship_scan *sc);

#endif
