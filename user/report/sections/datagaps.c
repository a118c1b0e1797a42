// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * "Data gaps": when sensors wrote nothing. A gap that every sensor shares
 * (a fleet-wide outage, the same first missing interval and next row) is
 * one sentence and one row of the page, not one a sensor; the CSV keeps a
 * row per sensor. What the charts show of it is said once, as they show it.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

/* Sensors with data in the period: a gap of them all is fleet-wide. */
static int sensors_with_data(const struct report_stats *st)
{
	int n = 0;

	for (int s = 0; s < st->nsensors; s++)
		n += st->sensors[s]->rows > 0 && sensor_in_scope(st, st->sensors[s]);
	return n;
}

static bool same_interval(const struct event *a, const struct event *b)
{
	return a->type == EV_GAP && b->type == EV_GAP && a->start_t == b->start_t &&
	       a->end_t == b->end_t;
}

/* How many gaps from i on share its interval (they sort together). */
static int same_gap(const struct event_list *ev, size_t i)
{
	int n = 0;

	for (size_t j = i; j < ev->n && same_interval(&ev->v[j], &ev->v[i]); j++)
		n++;
	return n;
}

static void gap_sentence(struct build *b, const struct event *e, int shared, int all)
{
	char t1[20], t2[20], dur[48], who[160];

	fmt_clock(b, e->start_t, t1);
	fmt_clock(b, e->end_t, t2);
	fmt_duration(b, e->end_t - e->start_t, dur, sizeof(dur));
	if (shared == all && all > 1)
		snprintf(who, sizeof(who), TR(b, "All %d sensors", "全%d台のセンサー"), all);
	else if (shared > 1)
		snprintf(who, sizeof(who), TR(b, "%d sensors", "%d台のセンサー"), shared);
	else
		snprintf(who, sizeof(who), TR(b, "Sensor %s", "センサー「%s」"),
			 sensor_display(b->st->sensors[e->sensor]));
	doc_para(b->d, TR(b, "%s wrote no data from %s to %s %s (%s).",
			  "%sのデータが%sから%s（%s）まで欠落しています（%s）。"), who, t1, t2, b->zone, dur);
}

static void gap_row(struct build *b, struct table *t, const struct event *e, int shared, int all,
		    bool csv)
{
	const struct sensor_stats *s = b->st->sensors[e->sensor];
	char t1[20], t2[32], page[48], num[32], who[64];
	int r = table_row(t);

	if (!csv && shared == all && all > 1)
		snprintf(who, sizeof(who), TR(b, "all %d sensors", "全%d台"), all);
	else
		snprintf(who, sizeof(who), "%s", sensor_display(s));
	table_set(t, r, 0, who, s->name);
	fmt_clock(b, e->start_t, t1);
	table_set(t, r, 1, t1, t1);
	fmt_clock(b, e->end_t, t2);
	table_set(t, r, 2, t2, t2);
	fmt_duration(b, e->end_t - e->start_t, page, sizeof(page));
	snprintf(num, sizeof(num), "%lld", (long long)(e->end_t - e->start_t));
	table_set(t, r, 3, page, num);
	snprintf(num, sizeof(num), "%lld", (long long)((e->end_t - e->start_t) / s->interval));
	table_set(t, r, 4, num, num);
}

static struct table *gap_table(struct build *b, const char *caption, unsigned where)
{
	struct table *t = doc_table(b->d, "gaps", caption, 5);
	char from[96], to[96];

	t->where = where;
	table_col(t, 0, TR(b, "Sensor", "センサー"), "sensor", COL_BOTH);
	snprintf(from, sizeof(from), TR(b, "From (%s)", "開始（%s）"), b->zone);
	snprintf(to, sizeof(to), TR(b, "To (%s)", "終了（%s）"), b->zone);
	table_col(t, 1, from, "start", COL_BOTH);
	table_col(t, 2, to, "end", COL_BOTH);
	table_col(t, 3, TR(b, "Duration", "長さ"), "seconds", COL_BOTH | COL_NUM);
	table_col(t, 4, "", "missing_intervals", COL_CSV);
	return t;
}

void build_gaps(struct build *b)
{
	const struct event_list *ev = b->events;
	int all = sensors_with_data(b->st);
	struct table *page = NULL, *csv;
	size_t n = 0;

	doc_heading(b->d, 2, "%d. %s", ++b->section, TR(b, "Data gaps", "データの欠落"));
	for (size_t i = 0; i < ev->n; i++)
		n += ev->v[i].type == EV_GAP;
	if (!n) {
		doc_para(b->d, "%s", TR(b, "Every sensor wrote a row for every interval between its "
					"first and last data of the period.",
					"すべてのセンサーで、期間中の最初から最後のデータまで欠落はありませんでした。"));
		gap_table(b, TR(b, "Intervals without data", "データが欠落した期間"), COL_CSV);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {	/* the sentences, then the table */
		if (pass)
			page = gap_table(b, table_caption(b, TR(b, "Intervals without data",
								"データが欠落した期間")), COL_PAGE);
		for (size_t i = 0; i < ev->n; i++) {
			const struct event *e = &ev->v[i];
			size_t first = i;
			bool fleet;

			if (e->type != EV_GAP)
				continue;
			while (first && same_interval(&ev->v[first - 1], e))
				first--;
			fleet = all > 1 && same_gap(ev, first) == all;
			if (fleet && first != i)
				continue;	/* told with the first sensor of the outage */
			if (pass)
				gap_row(b, page, e, fleet ? all : 1, all, false);
			else
				gap_sentence(b, e, fleet ? all : 1, all);
		}
	}
	csv = gap_table(b, TR(b, "Intervals without data", "データが欠落した期間"), COL_CSV);
	for (size_t i = 0; i < ev->n; i++)
		if (ev->v[i].type == EV_GAP)
			gap_row(b, csv, &ev->v[i], 1, all, true);
	doc_note(b->d, "%s", TR(b, "On the charts, a day without any data is left blank on a grey "
				"band; a day with data from part of the fleet is hatched.",
				"グラフでは、データのない日は灰色の帯で空白とし、一部のセンサーのみのデータの日は"
				"斜線で示しています。"));
}
