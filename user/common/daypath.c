// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The paths of a day's directory and of its series' files (daypath.h). */
#include <stdio.h>
#include "common/calendar.h"
#include "common/daypath.h"

bool day_dir_path(char *buf, size_t len, const char *out, int day)
{
	char ymd[11];
	int n;

	format_day(day, ymd);
	n = out ? snprintf(buf, len, "%s/%s", out, ymd) : snprintf(buf, len, "%s", ymd);
	return n >= 0 && (size_t)n < len;
}

bool series_file_path(char *buf, size_t len, const char *daydir, enum series s, bool gz)
{
	int n = snprintf(buf, len, "%s/%s.csv%s", daydir, series_name[s], gz ? ".gz" : "");

	return n >= 0 && (size_t)n < len;
}
