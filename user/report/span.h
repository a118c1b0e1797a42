/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A row that covers [t, t + seconds) over the days it touches (UTC, or
 * local days split at local midnights with --tz): each
 * day gets a share of each count in proportion to the seconds it holds.
 * Shares are floor(v * end / seconds) - floor(v * start / seconds), start
 * and end counted from t, so they are whole numbers that add up to v
 * exactly, whatever the days.
 */
#ifndef TS_REPORT_SPAN_H
#define TS_REPORT_SPAN_H

#include <stdbool.h>
#include <stdint.h>
#include "report/zone.h"

struct span {
	const struct tz_zone *z;
	int64_t t;		/* the row's time */
	uint64_t seconds;	/* what it covers */
	int day, last;		/* the next day to give, the last one */
};

/* Only the days lo .. hi are given (days outside count nowhere). */
static inline void span_init(struct span *s, const struct tz_zone *z, int64_t t,
			     uint32_t seconds, int lo, int hi)
{
	int first = tz_day(z, t), last = tz_day(z, t + seconds - 1);

	s->z = z;
	s->t = t;
	s->seconds = seconds;
	s->day = first > lo ? first : lo;
	s->last = last < hi ? last : hi;
}

/* The next day: false when there is none; else its seconds before (from
 * t) and in it. */
static inline bool span_next(struct span *s, int *day, uint64_t *before, uint64_t *in)
{
	int64_t start, end;

	if (s->day > s->last)
		return false;
	*day = s->day++;
	start = tz_day_start(s->z, *day);
	end = tz_day_start(s->z, *day + 1);
	if (start < s->t)
		start = s->t;
	if (end > s->t + (int64_t)s->seconds)
		end = s->t + (int64_t)s->seconds;
	*before = (uint64_t)(start - s->t);
	*in = (uint64_t)(end - start);
	return true;
}

/* v's share of the day that has `in` seconds after `before` of s. */
static inline uint64_t span_share(const struct span *s, uint64_t v, uint64_t before,
				  uint64_t in)
{
	unsigned __int128 a = (unsigned __int128)v * before / s->seconds;
	unsigned __int128 b = (unsigned __int128)v * (before + in) / s->seconds;

	return (uint64_t)(b - a);
}

#endif
