// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * How the text names the report's time zone: "UTC" without --tz, else
 * the zone's abbreviation when the period has only one ("JST"), or its
 * IANA name when it changes (CET and CEST); and the sentence that says
 * once, at the start, which zone every day and time is in.
 */
#include <stdio.h>
#include <string.h>
#include "report/sections/section.h"
#include "report/zone.h"

/* The zone's shifts in effect during the period, at most max. */
static size_t period_shifts(const struct build *b, const struct tz_shift **v, size_t max)
{
	const struct tz_zone *z = b->o->tz;
	int64_t t0 = tz_day_start(z, b->o->from), t1 = tz_day_start(z, b->o->to + 1);
	size_t n = 0;

	v[n++] = tz_shift_at(z, t0);
	for (size_t i = 0; i < z->n && n < max; i++) {
		bool seen = false;

		if (z->v[i].t <= t0 || z->v[i].t >= t1)
			continue;
		for (size_t k = 0; k < n; k++)
			seen |= v[k]->off == z->v[i].off && !strcmp(v[k]->abbr, z->v[i].abbr);
		if (!seen)
			v[n++] = &z->v[i];
	}
	return n;
}

/* Letters, not the "+0530" tzdata writes for zones that have none. */
static bool has_letters(const char *abbr)
{
	return *abbr && *abbr != '+' && *abbr != '-';
}

void zone_label(struct build *b)
{
	const struct tz_shift *v[2];

	if (!b->o->tz) {
		snprintf(b->zone, sizeof(b->zone), "UTC");
		return;
	}
	if (period_shifts(b, v, 2) == 1 && has_letters(v[0]->abbr))
		snprintf(b->zone, sizeof(b->zone), "%s", v[0]->abbr);
	else
		snprintf(b->zone, sizeof(b->zone), "%s", b->o->tz->name);
}

void fmt_clock(const struct build *b, int64_t t, char buf[17])
{
	tz_format_minute(b->o->tz, t, buf);
}

void zone_sentence(struct build *b)
{
	const struct tz_shift *v[8];
	char list[256] = "", off[16];
	size_t n, len = 0;

	if (!b->o->tz)
		return;
	n = period_shifts(b, v, 8);
	for (size_t i = 0; i < n; i++) {
		tz_format_offset(v[i]->off, off, sizeof(off));
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s%s%s",
					i ? TR(b, "; ", "；") : "",
					has_letters(v[i]->abbr) ? v[i]->abbr : "",
					has_letters(v[i]->abbr) ? TR(b, ", ", "、") : "", off);
		if (len >= sizeof(list))
			break;
	}
	if (b->d->lang == LANG_JA)
		doc_para(b->d, "本レポートの日付と時刻は、すべて%s%s（%s）です。"
			 "日ごとの集計は%sの0時で区切っています。",
			 !strcmp(b->o->tz->name, "Asia/Tokyo") ? "日本標準時" : b->o->tz->name,
			 !strcmp(b->o->tz->name, "Asia/Tokyo") ? "" : "の現地時刻", list,
			 !strcmp(b->o->tz->name, "Asia/Tokyo") ? "日本時間" : "現地時刻");
	else
		doc_para(b->d, "All days, dates and times in this report are local time in %s "
			 "(%s): each day runs from local midnight to local midnight.",
			 b->o->tz->name, list);
}
