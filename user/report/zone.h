/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The report's time zone (--tz): which local day a UTC second falls on,
 * when each local day begins and how long it is (23 or 25 hours on a
 * daylight-saving day), and local clock times for the text. Built once,
 * before the reading threads start, from the system's zoneinfo for the
 * days the report can touch; read-only after that, so every thread may
 * use it. A NULL zone is UTC, computed as before: t / 86400.
 */
#ifndef TS_REPORT_ZONE_H
#define TS_REPORT_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* From t on (until the next shift), local time is UTC + off seconds. */
struct tz_shift {
	int64_t t;
	int32_t off;
	char abbr[12];	/* "JST", "CEST"; "+0530" where the zone has no letters */
};

struct tz_zone {
	char name[64];		/* the IANA name, "Asia/Tokyo" */
	int lo, hi;		/* local days whose start is in the table */
	int64_t *start;		/* [hi - lo + 2]: the UTC second local day lo + i begins */
	struct tz_shift *v;	/* the offsets over the table's days, in time order */
	size_t n;
};

/* A name the system's zoneinfo holds (TZDIR or /usr/share/zoneinfo). */
bool tz_known(const char *name);
/* Whether that zone's file counts leap seconds (the right/ zones): its
 * clock is not the data's, whose UTC times are POSIX seconds. */
bool tz_leap_seconds(const char *name);

/* z for the local days lo .. hi, which must hold every day a row can
 * fall on (rows outside get the offset at the table's nearer end, which
 * is right only when no clock change lies between); false (its line on
 * stderr) on failure. */
bool tz_build(struct tz_zone *z, const char *name, int lo, int hi);
void tz_free(struct tz_zone *z);

/* Local day of t; the UTC second day begins; its length in seconds. */
int tz_day_slow(const struct tz_zone *z, int64_t t);
int64_t tz_day_start(const struct tz_zone *z, int day);
const struct tz_shift *tz_shift_at(const struct tz_zone *z, int64_t t);

static inline int tz_day(const struct tz_zone *z, int64_t t)
{
	return z ? tz_day_slow(z, t) : (int)(t / 86400);
}

static inline int64_t tz_day_seconds(const struct tz_zone *z, int day)
{
	return z ? tz_day_start(z, day + 1) - tz_day_start(z, day) : 86400;
}

/* "YYYY-MM-DD HH:MM" local (UTC without a zone). */
void tz_format_minute(const struct tz_zone *z, int64_t t, char buf[17]);
/* "YYYY-MM-DDTHH:MM:SSZ" without a zone, "…+09:00" with one. */
void tz_format_time(const struct tz_zone *z, int64_t t, char buf[26]);
/* "UTC+9", "UTC+5:30", "UTC-3": the offset off in the text's form. */
void tz_format_offset(int32_t off, char *buf, size_t size);

#endif
