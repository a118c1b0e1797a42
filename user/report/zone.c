// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The --tz zone. glibc reads the zoneinfo file (every TZif version, and
 * the rule for the years after its last transition), but its local time
 * depends on the process's TZ and is slow per call; so the offsets are
 * asked once for the report's days (hourly, each change then found to
 * the second) and kept as a list of shifts, and the start of every local
 * day is computed from them into a table. A row's local day is then a
 * look-up in that table, and the days spans are split at are exactly the
 * days rows are counted on.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/calendar.h"
#include "lib/alloc.h"
#include "lib/log.h"
#include "report/zone.h"

#define HOUR 3600
#define DAY 86400

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* The zoneinfo file of name: never a path of the caller's choosing. */
static bool zone_path(const char *name, char *buf, size_t size)
{
	const char *dir = getenv("TZDIR");

	if (!*name || *name == '/' || strstr(name, "..") || strlen(name) >= 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'A' && *p <= 'Z') && !(*p >= 'a' && *p <= 'z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("/_+-", *p))
			return false;
	snprintf(buf, size, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	return true;
}

bool tz_known(const char *name)
{
	char path[512], magic[4];
	FILE *f;
	bool ok;

	if (!zone_path(name, path, sizeof(path)))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	fclose(f);
	return ok;
}

/* A big-endian count of a TZif header. */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The TZif header (RFC 8536): "TZif", the version, 15 bytes reserved,
 * then the counts isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
 * A file of version 2 or later has a second header after the first data
 * block, whose size the first counts give (32-bit times), and the second
 * is the one that counts: the first may be empty.
 */
bool tz_leap_seconds(const char *name)
{
	unsigned char h[44];
	char path[512];
	bool leaps = false;
	FILE *f;

	if (!zone_path(name, path, sizeof(path)) || !(f = fopen(path, "rb")))
		return false;
	if (fread(h, 1, sizeof(h), f) == sizeof(h) && !memcmp(h, "TZif", 4)) {
		uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28),
			 times = be32(h + 32), types = be32(h + 36), chars = be32(h + 40);
		long block = (long)times * 5 + (long)types * 6 + (long)chars + (long)leap * 8 +
			     (long)isstd + (long)isut;

		leaps = leap > 0;
		if (h[4] >= '2' && !fseek(f, block, SEEK_CUR) &&
		    fread(h, 1, sizeof(h), f) == sizeof(h) && !memcmp(h, "TZif", 4))
			leaps = leaps || be32(h + 28) > 0;
	}
	fclose(f);
	return leaps;
}

static struct tz_shift shift_of(int64_t t)
{
	struct tz_shift s = { .t = t };
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm)) {
		s.off = (int32_t)tm.tm_gmtoff;
		snprintf(s.abbr, sizeof(s.abbr), "%s", tm.tm_zone ? tm.tm_zone : "");
	}
	return s;
}

static bool same_shift(const struct tz_shift *a, const struct tz_shift *b)
{
	return a->off == b->off && !strcmp(a->abbr, b->abbr);
}

/* The shifts from lo's start to hi's end (with TZ already set): hourly
 * samples, and each change bisected to its second. Two changes within
 * an hour that undo each other are not seen; no zone has them. */
static void sample_shifts(struct tz_zone *z, int64_t t0, int64_t t1)
{
	size_t cap = 0;
	struct tz_shift cur = shift_of(t0);

	XGROW(z->v, cap, 1, 16);
	z->v[z->n++] = cur;
	for (int64_t t = t0 + HOUR; t <= t1; t += HOUR) {
		struct tz_shift next = shift_of(t);
		int64_t a = t - HOUR, b = t;

		if (same_shift(&next, &cur))
			continue;
		while (b - a > 1) {	/* a has cur's offset, b next's */
			int64_t mid = a + (b - a) / 2;
			struct tz_shift m = shift_of(mid);

			if (same_shift(&m, &next))
				b = mid;
			else
				a = mid;
		}
		next.t = b;
		XGROW(z->v, cap, z->n + 1, 16);
		z->v[z->n++] = next;
		cur = next;
	}
}

/*
 * Day d begins at the first second whose local date is d or later: in
 * each shift's stretch that is its local midnight, or the stretch's first
 * second when the clock jumped past midnight (a day without its 00:00, or
 * one skipped altogether: then it lasts 0 seconds).
 */
static int64_t day_begins(const struct tz_zone *z, int d)
{
	int64_t best = INT64_MAX;

	for (size_t j = 0; j < z->n; j++) {
		int64_t from = j ? z->v[j].t : INT64_MIN;
		int64_t until = j + 1 < z->n ? z->v[j + 1].t : INT64_MAX;
		int64_t c = (int64_t)d * DAY - z->v[j].off;

		if (c < from)
			c = from;
		if (c < until && c < best)
			best = c;
	}
	return best;
}

bool tz_build(struct tz_zone *z, const char *name, int lo, int hi)
{
	char path[512], spec[520];
	const char *was = getenv("TZ");
	char *old = was ? xstrdup(was) : NULL;

	memset(z, 0, sizeof(*z));
	if (!tz_known(name) || !zone_path(name, path, sizeof(path))) {
		pr_err("report: unknown time zone '%s' (no such zoneinfo file)", name);
		free(old);
		return false;
	}
	snprintf(z->name, sizeof(z->name), "%s", name);
	snprintf(spec, sizeof(spec), ":%s", path);
	setenv("TZ", spec, 1);
	tzset();
	z->lo = lo;
	z->hi = hi;
	sample_shifts(z, (int64_t)(lo - 2) * DAY, (int64_t)(hi + 3) * DAY);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	z->start = xcalloc((size_t)(hi - lo + 2), sizeof(*z->start));
	for (int d = lo; d <= hi + 1; d++)
		z->start[d - lo] = day_begins(z, d);
	return true;
}

void tz_free(struct tz_zone *z)
{
	free(z->start);
	free(z->v);
	memset(z, 0, sizeof(*z));
}

const struct tz_shift *tz_shift_at(const struct tz_zone *z, int64_t t)
{
	size_t lo = 0, hi = z->n;	/* the last shift at or before t */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->v[mid].t <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &z->v[lo];
}

int tz_day_slow(const struct tz_zone *z, int64_t t)
{
	size_t last = (size_t)(z->hi - z->lo);	/* start[last + 1] ends the table */
	int64_t i;

	if (t < z->start[0] || t >= z->start[last + 1])
		return (int)floor_div(t + tz_shift_at(z, t)->off, DAY);
	/* days are 86400 s but for a few hours twice a year: the guess is
	 * off by a day at most */
	i = (t - z->start[0]) / DAY;
	if (i > (int64_t)last)
		i = (int64_t)last;
	while (i > 0 && z->start[i] > t)
		i--;
	while (i < (int64_t)last && z->start[i + 1] <= t)
		i++;
	return z->lo + (int)i;
}

int64_t tz_day_start(const struct tz_zone *z, int day)
{
	if (!z)
		return (int64_t)day * DAY;
	if (day >= z->lo && day <= z->hi + 1)
		return z->start[day - z->lo];
	return (int64_t)day * DAY - (day < z->lo ? z->v[0].off : z->v[z->n - 1].off);
}

void tz_format_minute(const struct tz_zone *z, int64_t t, char buf[17])
{
	format_minute(z ? t + tz_shift_at(z, t)->off : t, buf);
}

void tz_format_time(const struct tz_zone *z, int64_t t, char buf[26])
{
	int32_t off;

	if (!z) {
		format_time(t, buf);
		return;
	}
	off = tz_shift_at(z, t)->off;
	format_time(t + off, buf);
	snprintf(buf + 19, 7, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600 % 100,
		 abs(off) % 3600 / 60);
}

void tz_format_offset(int32_t off, char *buf, size_t size)
{
	int a = abs(off);

	if (a % 3600)
		snprintf(buf, size, "UTC%c%d:%02d", off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
	else
		snprintf(buf, size, "UTC%c%d", off < 0 ? '-' : '+', a / 3600);
}
