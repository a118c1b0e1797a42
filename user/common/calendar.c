// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Calendar arithmetic for the report and synth: UTC days as integers
 * (proleptic Gregorian, days from civil after H. Hinnant), and parsers for
 * the CSV contract's time stamps that are fast enough to run on every row.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/calendar.h"

int day_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ymd_from_day(int day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

static int ymd_prefix(const char *s)
{
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);

	if (y < 1970 || s[4] != '-' || s[7] != '-' || m < 1 || m > 12 ||
	    d < 1 || d > days_in_month(y, m))
		return -1;
	return day_from_ymd(y, m, d);
}

int parse_day(const char *s)
{
	if (strlen(s) != 10)
		return -1;
	return ymd_prefix(s);
}

int64_t parse_time(const char *s)
{
	int day, h, mi, se;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z')
		return -1;
	day = ymd_prefix(s);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	se = digits(s + 17, 2);
	if (day < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
		return -1;
	return (int64_t)day * 86400 + h * 3600 + mi * 60 + se;
}

/* Writes n decimal digits of v (zero-padded). */
static void put_digits(char *out, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

void format_day(int day, char buf[11])
{
	int y, m, d;

	ymd_from_day(day, &y, &m, &d);
	put_digits(buf, (unsigned)y % 10000, 4);
	buf[4] = '-';
	put_digits(buf + 5, (unsigned)m, 2);
	buf[7] = '-';
	put_digits(buf + 8, (unsigned)d, 2);
	buf[10] = '\0';
}

/* "YYYY-MM-DD?HH:MM" with sep in the middle. */
static void day_and_minute(int64_t t, char sep, char *buf)
{
	int sec = (int)(t % 86400);

	format_day((int)(t / 86400), buf);
	buf[10] = sep;
	put_digits(buf + 11, (unsigned)sec / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, (unsigned)sec / 60 % 60, 2);
	buf[16] = '\0';
}

void format_minute(int64_t t, char buf[17])
{
	day_and_minute(t, ' ', buf);
}

void format_time(int64_t t, char buf[21])
{
	day_and_minute(t, 'T', buf);
	buf[16] = ':';
	put_digits(buf + 17, (unsigned)(t % 60), 2);
	buf[19] = 'Z';
	buf[20] = '\0';
}
