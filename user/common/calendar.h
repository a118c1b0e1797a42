/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * UTC calendar arithmetic: days counted from 1970-01-01 so a period is a
 * pair of integers, and the time stamps of the CSV contract.
 */
#ifndef TS_CALENDAR_H
#define TS_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

int day_from_ymd(int y, int m, int d);
void ymd_from_day(int day, int *y, int *m, int *d);
/* "YYYY-MM-DD" -> day number, or -1. */
int parse_day(const char *s);
/* "YYYY-MM-DDTHH:MM:SSZ" -> seconds since the epoch, or -1. */
int64_t parse_time(const char *s);
void format_day(int day, char buf[11]);
/* "YYYY-MM-DD HH:MM" (UTC). */
void format_minute(int64_t t, char buf[17]);
/* "YYYY-MM-DDTHH:MM:SSZ" (UTC): the CSV's `time`. */
void format_time(int64_t t, char buf[21]);

#endif
