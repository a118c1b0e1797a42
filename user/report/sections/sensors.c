// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Per-sensor comparisons: several vantage points tell a wide-area scan
 * from something one network sees. Each sensor's top ten ports side by
 * side, and the average packets a sensor receives a day, by month and group.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/sections/section.h"

#define SENSOR_TOP 10

struct sensor_ref {
	int id;
	const struct sensor_stats *s;
};

/* Sensors named in --sensors first, in file order (they were registered
 * first), then the others by name. */
static int cmp_sensor_ref(const void *a, const void *b)
{
	const struct sensor_ref *x = a, *y = b;

	if (x->s->listed != y->s->listed)
		return x->s->listed ? -1 : 1;
	if (x->s->listed)
		return x->id - y->id;
	return strcmp(x->s->name, y->s->name);
}

static int *sensor_order(const struct report_stats *st)
{
	struct sensor_ref *v = xcalloc((size_t)st->nsensors + 1, sizeof(*v));
	int *ids = xcalloc((size_t)st->nsensors + 1, sizeof(int));

	for (int i = 0; i < st->nsensors; i++)
		v[i] = (struct sensor_ref){ i, st->sensors[i] };
	qsort(v, (size_t)st->nsensors, sizeof(*v), cmp_sensor_ref);
	for (int i = 0; i < st->nsensors; i++)
		ids[i] = v[i].id;
	free(v);
	return ids;
}

static const char *group_of(struct build *b, const struct sensor_stats *s)
{
	return s->group ? s->group : TR(b, "All sensors", "全センサー");
}

/* The seconds the sensor's rows cover over those from its first row to
 * the end of its last: a row without seconds covers one interval. */
static double coverage_pct(const struct sensor_stats *s)
{
	int64_t end = s->last_t + (s->last_secs ? s->last_secs : s->interval);

	if (s->interval <= 0)
		return 100.0;
	if (s->end_t > end)
		end = s->end_t;
	return 100.0 * ((double)s->plain_rows * (double)s->interval + (double)s->cover_secs) /
	       (double)(end - s->first_t);
}

static void overview(struct build *b, const int *order)
{
	const struct report_stats *st = b->st;
	struct table *t = doc_table(b->d, "sensors",
				    table_caption(b, TR(b, "Sensors", "センサー一覧")), 8);
	char head[96];

	table_col(t, 0, TR(b, "Sensor", "センサー"), "sensor", COL_BOTH);
	table_col(t, 1, TR(b, "Group", "グループ"), "group", COL_BOTH);
	table_col(t, 2, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	table_col(t, 3, TR(b, "Days with data", "データのある日数"), "days", COL_BOTH | COL_NUM);
	table_col(t, 4, TR(b, "Interval (s)", "集計間隔（秒）"), "interval", COL_BOTH | COL_NUM);
	table_col(t, 5, TR(b, "Coverage", "データ充足率"), "coverage_pct", COL_BOTH | COL_NUM);
	snprintf(head, sizeof(head), TR(b, "First data (%s)", "最初のデータ（%s）"), b->zone);
	table_col(t, 6, head, "first", COL_BOTH);
	snprintf(head, sizeof(head), TR(b, "Last data (%s)", "最後のデータ（%s）"), b->zone);
	table_col(t, 7, head, "last", COL_BOTH);
	for (int i = 0; i < st->nsensors; i++) {
		const struct sensor_stats *s = st->sensors[order[i]];
		char buf[32];
		int r, days = 0;

		if (!s->rows)
			continue;
		for (int d = 0; d < st->ndays; d++)
			days += s->rows_day[d] > 0;
		r = table_row(t);
		table_set(t, r, 0, sensor_display(s), s->name);
		table_set(t, r, 1, s->group ? s->group : "", NULL);
		table_set_u64(t, r, 2, s->packets);
		table_set_u64(t, r, 3, (unsigned long long)days);
		table_set_u64(t, r, 4, (unsigned long long)s->interval);
		table_set_pct(t, r, 5, coverage_pct(s));
		fmt_clock(b, s->first_t, buf);
		table_set(t, r, 6, buf, NULL);
		fmt_clock(b, s->last_t, buf);
		table_set(t, r, 7, buf, NULL);
	}
}

static void top_ten(struct build *b, const int *order)
{
	const struct report_stats *st = b->st;
	char text[160];
	struct table *t;

	snprintf(text, sizeof(text), TR(b, "Each sensor's top %d destination ports",
					"センサーごとのパケット TOP%dの比較"), SENSOR_TOP);
	t = doc_table(b->d, "sensor_top_ports", table_caption(b, text), 1 + SENSOR_TOP);
	table_col(t, 0, TR(b, "Sensor", "センサー"), "sensor", COL_BOTH);
	for (int k = 0; k < SENSOR_TOP; k++) {
		char page[32], csv[16];

		if (b->d->lang == LANG_JA)
			snprintf(page, sizeof(page), "%d番目", k + 1);
		else
			snprintf(page, sizeof(page), "%d", k + 1);
		snprintf(csv, sizeof(csv), "rank%d", k + 1);
		table_col(t, 1 + k, page, csv, COL_BOTH);
	}
	for (int i = 0; i < st->nsensors; i++) {
		const struct sensor_stats *s = st->sensors[order[i]];
		struct port_total *p;
		size_t n;
		int r;

		if (!s->rows)
			continue;
		p = rank_ports(&st->ports, K_SENSOR_PORT_DAY, order[i], &n);
		r = table_row(t);
		table_set(t, r, 0, sensor_display(s), s->name);
		for (int k = 0; k < SENSOR_TOP && k < (int)n; k++) {
			char page[64], csv[32];

			snprintf(page, sizeof(page), "%u/", p[k].port);
			proto_label(p[k].proto, page + strlen(page), sizeof(page) - strlen(page));
			port_csv(p[k].proto, p[k].port, csv, sizeof(csv));
			table_set(t, r, 1 + k, page, csv);
		}
		free(p);
	}
	doc_para(b->d, "%s", TR(b, "Ports that lead at every sensor are being scanned across wide "
				"ranges of addresses; a port high at one sensor only is worth a look "
				"at that network.",
				"多くのセンサーで上位に入るポートは、広範囲のネットワークでスキャンが行われている"
				"ことを示唆します。特定のセンサーのみで上位のポートは、そのネットワーク固有の事情が"
				"考えられます。"));
}

/* Average packets a sensor of group g received a day in month (y * 12 +
 * m - 1), over the days of st; false without a sensor-day of data. */
static bool month_average(struct build *b, const struct report_stats *st, const char *g,
			  int month, double *avg)
{
	uint64_t packets = 0, sensor_days = 0;

	for (int i = 0; i < st->nsensors; i++) {
		const struct sensor_stats *s = st->sensors[i];

		if (!s->rows || strcmp(group_of(b, s), g))
			continue;
		for (int d = 0; d < st->ndays; d++) {
			int y, m, dd;

			ymd_from_day(st->opts->from + d, &y, &m, &dd);
			if (y * 12 + m - 1 != month || !s->rows_day[d])
				continue;
			packets += s->packets_day[d];
			sensor_days++;
		}
	}
	*avg = sensor_days ? (double)packets / (double)sensor_days : 0;
	return sensor_days > 0;
}

static void average_cell(struct table *t, int r, int col, bool have, double avg)
{
	char page[40], csv[32];

	if (!have) {
		table_set(t, r, col, "-", "");
		return;
	}
	snprintf(csv, sizeof(csv), "%.0f", avg);
	fmt_count(strtoull(csv, NULL, 10), page, sizeof(page));
	table_set(t, r, col, page, csv);
}

/*
 * The monthly averages by group, as seed 002 has them: a table and a
 * chart, each group beside the same months a year earlier when the data
 * hold them (its "-" columns and dashed lines).
 */
static void monthly(struct build *b, const int *order)
{
	const struct report_stats *st = b->st, *yb = b->year_before;
	const char *groups[32];
	int ngroups = 0, months[64], nmonths = 0, cols;
	bool earlier[32] = { false };
	char text[200];
	struct table *t;
	struct chart *c;

	for (int i = 0; i < st->nsensors; i++) {
		const char *g = group_of(b, st->sensors[order[i]]);
		int k;

		if (!st->sensors[order[i]]->rows)
			continue;
		for (k = 0; k < ngroups && strcmp(groups[k], g); k++)
			;
		if (k == ngroups && ngroups < 32)
			groups[ngroups++] = g;
	}
	for (int d = 0; d < st->ndays; d++) {
		int y, m, dd;

		ymd_from_day(b->o->from + d, &y, &m, &dd);
		if ((!nmonths || months[nmonths - 1] != y * 12 + m - 1) && nmonths < 64)
			months[nmonths++] = y * 12 + m - 1;
	}
	for (int g = 0; g < ngroups; g++)
		for (int mi = 0; mi < nmonths && yb; mi++) {
			double avg;

			earlier[g] |= month_average(b, yb, groups[g], months[mi] - 12, &avg);
		}
	cols = ngroups;
	for (int g = 0; g < ngroups; g++)
		cols += earlier[g];
	t = doc_table(b->d, "sensor_monthly",
		      table_caption(b, TR(b, "Average packets a sensor received per day, by month",
					  "センサー1台が1日あたりに受信したパケット数の平均（月別）")),
		      1 + cols);
	table_col(t, 0, TR(b, "Month", "月"), "month", COL_BOTH);
	for (int g = 0, col = 1; g < ngroups; g++) {
		table_col(t, col++, groups[g], groups[g], COL_BOTH | COL_NUM);
		if (earlier[g]) {
			snprintf(text, sizeof(text), TR(b, "%s, a year earlier", "%s（前年同月）"), groups[g]);
			table_col(t, col++, text, text, COL_BOTH | COL_NUM);
		}
	}
	snprintf(text, sizeof(text), "%s", TR(b, "Average packets a sensor received per day, by month",
					      "センサー1台あたりの1日平均パケット数の推移（月別）"));
	c = doc_chart(b->d, "chart_sensor_monthly", figure_caption(b, text), CHART_LINE, nmonths, cols);
	c->y_label = xstrdup(TR(b, "packets per sensor-day", "パケット数/センサー・日"));
	for (int s = 0; s < cols; s++)	/* the series are the table's columns */
		c->names[s] = xstrdup(t->head_page[1 + s]);
	for (int mi = 0; mi < nmonths; mi++) {
		char month[16];
		int r = table_row(t);

		c->days[mi] = day_from_ymd(months[mi] / 12, months[mi] % 12 + 1, 1);
		snprintf(month, sizeof(month), "%04d-%02d", months[mi] / 12, months[mi] % 12 + 1);
		table_set(t, r, 0, month, month);
		for (int g = 0, col = 1; g < ngroups; g++) {
			double avg;
			bool have = month_average(b, st, groups[g], months[mi], &avg);

			average_cell(t, r, col, have, avg);
			if (have)
				chart_set(c, col - 1, mi, (uint64_t)llround(avg));
			col++;
			if (!earlier[g])
				continue;
			have = month_average(b, yb, groups[g], months[mi] - 12, &avg);
			average_cell(t, r, col, have, avg);
			if (have)
				chart_set(c, col - 1, mi, (uint64_t)llround(avg));
			col++;
		}
	}
	doc_note(b->d, "%s", TR(b, "Average = packets of the group's sensors in the month / "
				"sensor-days with data in the month.",
				"平均 = 当月のグループのセンサーのパケット数 ÷ データのあるセンサー日数。"));
}

void build_sensors(struct build *b)
{
	int *order = sensor_order(b->st);

	doc_heading(b->d, 2, "%d. %s", ++b->section,
		    TR(b, "Sensors compared", "センサーごとの観測動向の比較"));
	overview(b, order);
	top_ten(b, order);
	monthly(b, order);
	free(order);
}
