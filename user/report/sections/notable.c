// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* "Notable events": each event as a sentence and a row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/detect.h"
#include "report/sections/section.h"

static const char *type_label(struct build *b, enum event_type t)
{
	switch (t) {
	case EV_LEVEL_SHIFT: return TR(b, "New level", "水準の変化");
	case EV_COUNTRY_DROP: return TR(b, "Source drop", "送信元の減少");
	case EV_COUNTRY_SPIKE: return TR(b, "Regional spike", "地域の一時的な増加");
	case EV_LOCAL_SPIKE: return TR(b, "Local spike (one sensor)", "局所的な増加（単一センサー）");
	case EV_WIDE_SPIKE: return TR(b, "Wide-area spike", "広域的な増加");
	case EV_BACKSCATTER_BURST: return TR(b, "Backscatter burst", "跳ね返りパケットの急増");
	case EV_GAP: return TR(b, "Data gap", "データ欠落");
	default: return "?";
	}
}

static void subject(struct build *b, const struct event *e, char *page, size_t plen,
		    char *csv, size_t clen)
{
	char code[3];

	if (e->has_port) {
		port_label(e->proto, e->port, b->d->lang, page, plen);
		port_csv(e->proto, e->port, csv, clen);
	} else if (e->country >= 0) {
		cc_code(e->country, code);
		snprintf(page, plen, "%s (%s)", country_name(e->country, b->d->lang), code);
		snprintf(csv, clen, "%s", code);
	} else {
		snprintf(page, plen, "%s", sensor_display(b->st->sensors[e->sensor]));
		snprintf(csv, clen, "%s", b->st->sensors[e->sensor]->name);
	}
}

/* What follows an event's sentence: that it began before the period, or
 * is still going on at its end. */
static void event_tail(struct build *b, const struct event *e, char *buf, size_t len)
{
	char began[32];

	buf[0] = '\0';
	if (e->began) {
		fmt_date(b, e->began, began, sizeof(began));
		snprintf(buf, len, TR(b, " It began on %s, before the period.",
				      "期間の開始前の%sから続いています。"), began);
	} else if (e->open) {
		snprintf(buf, len, "%s", TR(b, " It was still going on at the end of the period.",
					    "期間末の時点でも続いていました。"));
	}
}

static void sentence(struct build *b, const struct event *e)
{
	char from[32], to[32], what[96], csv[64], before[40], after[40];
	char tail[160];
	const char *sensor = e->sensor >= 0 ? sensor_display(b->st->sensors[e->sensor]) : "";
	bool ja = b->d->lang == LANG_JA;
	int days = e->last_day - e->first_day + 1;

	fmt_date(b, e->first_day, from, sizeof(from));
	fmt_date(b, e->last_day, to, sizeof(to));
	subject(b, e, what, sizeof(what), csv, sizeof(csv));
	fmt_count((unsigned long long)llround(e->before), before, sizeof(before));
	fmt_count((unsigned long long)llround(e->after), after, sizeof(after));
	event_tail(b, e, tail, sizeof(tail));
	switch (e->type) {
	case EV_LEVEL_SHIFT:
		if (ja)
			doc_para(b->d, "%s宛のパケットが%sから増加し、1日あたり約%sから約%s"
				 "（%.1f倍）となって、その水準が期間末まで続きました。%s",
				 what, from, before, after, e->extreme, tail);
		else
			doc_para(b->d, "Packets to %s rose from %s, from about %s to about %s a day "
				 "(×%.1f), and stayed at that level to the end of the period.%s",
				 what, from, before, after, e->extreme, tail);
		break;
	case EV_COUNTRY_DROP:
		if (ja)
			doc_para(b->d, "%sから%sにかけて、送信元地域が%sの送信元IPアドレス数が、"
				 "直前7日間の中央値の%.0f%%まで減少しました（%s）。"
				 "経路の遮断やインターネットの遮断が考えられます。%s",
				 from, to, what, 100 * e->extreme,
				 e->critical ? "重大：10%未満" : "警告：25%未満", tail);
		else
			doc_para(b->d, "From %s to %s, the distinct source addresses in %s fell to "
				 "%.0f%% of their trailing 7-day median (%s), as an Internet "
				 "shutdown or a routing outage would cause.%s", from, to, what,
				 100 * e->extreme, e->critical ? "critical: below 10%" : "warning: below 25%",
				 tail);
		break;
	case EV_COUNTRY_SPIKE:
		if (ja)
			doc_para(b->d, "%sから%d日間、%sからのパケット数が通常の約%.1f倍"
				 "（1日あたり約%sから最大約%s）に増加し%s%s",
				 from, days, what, e->extreme, before, after,
				 e->open ? "ました。" : "、その後元の水準に戻りました。", tail);
		else
			doc_para(b->d, "For %d day%s from %s, packets from %s rose to about %.1f times "
				 "the usual level (from about %s to up to %s a day)%s%s",
				 days, days > 1 ? "s" : "", from, what, e->extreme, before, after,
				 e->open ? "." : ", then fell back.", tail);
		break;
	case EV_LOCAL_SPIKE:
		if (ja)
			doc_para(b->d, "%sから%sにかけて、センサー「%s」のみで%s宛のパケットが一時的に"
				 "増加しました（約%.1f倍）。%s%s", from, to, sensor, what, e->extreme,
				 e->others ? "他のセンサーでは顕著な変化が見られなかったことから、"
					     "広域的な脅威を示すものではなく、このセンサーに局所的な現象と判断しています。"
					   : "比較できる他のセンサーはありません。", tail);
		else
			doc_para(b->d, "From %s to %s, sensor %s alone received a spike of packets to %s "
				 "(about ×%.1f). %s%s", from, to, sensor, what, e->extreme,
				 e->others ? "The other sensors saw no such change, so this is local to "
					     "that sensor, not a sign of a wide-area threat."
					   : "No other sensor was there to compare with.", tail);
		break;
	case EV_WIDE_SPIKE:
		if (ja)
			doc_para(b->d, "%sから%sにかけて、%d台のセンサーで%s宛のパケットが一時的に"
				 "増加しました（約%.1f倍）。複数のセンサーで観測されていることから、"
				 "広域的な活動と考えられます。%s", from, to, e->others, what, e->extreme, tail);
		else
			doc_para(b->d, "From %s to %s, packets to %s spiked at %d sensors (about ×%.1f): "
				 "seen across the fleet, this is wide-area activity.%s", from, to, what,
				 e->others, e->extreme, tail);
		break;
	case EV_BACKSCATTER_BURST:
		if (ja)
			doc_para(b->d, "%sから%sにかけて、%sの跳ね返りパケットの送信元IPアドレス数が"
				 "1日最大%s件に増えました（通常は1日約%s件）。送信元を詐称したパケットへの"
				 "応答であり、これらのアドレスがDoS攻撃を受けていたと考えられます。"
				 "受けた組織と日付は跳ね返りパケットの節に示します。%s",
				 from, to, what, after, before, tail);
		else
			doc_para(b->d, "From %s to %s, the addresses in %s sending backscatter rose to "
				 "%s a day (usually about %s): replies to packets with spoofed "
				 "sources, so these addresses were under a DoS attack. The backscatter "
				 "section shows which organisations, on which days.%s",
				 from, to, what, after, before, tail);
		break;
	default:
		break;
	}
}

static void event_row(struct build *b, struct table *t, const struct event *e)
{
	char from[32], to[32], page[96], csv[64], num[48];
	int r = table_row(t);

	table_set(t, r, 0, type_label(b, e->type), event_type_name[e->type]);
	if (e->type == EV_GAP) {
		fmt_clock(b, e->start_t, from);
		fmt_clock(b, e->end_t, to);
	} else {
		format_day(e->first_day, from);
		format_day(e->last_day, to);
	}
	table_set(t, r, 1, from, from);
	table_set(t, r, 2, to, to);
	subject(b, e, page, sizeof(page), csv, sizeof(csv));
	table_set(t, r, 3, page, csv);
	table_set(t, r, 4, e->sensor >= 0 ? sensor_display(b->st->sensors[e->sensor]) : "",
		  e->sensor >= 0 ? b->st->sensors[e->sensor]->name : "");
	switch (e->type) {
	case EV_COUNTRY_DROP:
		snprintf(page, sizeof(page), "%.0f%% (%s)", 100 * e->extreme,
			 e->critical ? TR(b, "critical", "重大") : TR(b, "warning", "警告"));
		snprintf(num, sizeof(num), "%.3f", e->extreme);
		break;
	case EV_GAP:
		fmt_duration(b, e->end_t - e->start_t, page, sizeof(page));
		snprintf(num, sizeof(num), "%lld", (long long)(e->end_t - e->start_t));
		break;
	case EV_BACKSCATTER_BURST:
		/* the usual number may be 0: the peak says more than a ratio */
		fmt_count((unsigned long long)llround(e->after), num, sizeof(num));
		snprintf(page, sizeof(page), TR(b, "%s addresses", "%s件"), num);
		snprintf(num, sizeof(num), "%.0f", e->after);
		break;
	default:
		snprintf(page, sizeof(page), "×%.1f", e->extreme);
		snprintf(num, sizeof(num), "%.3f", e->extreme);
		break;
	}
	table_set(t, r, 5, page, num);
	table_set(t, r, 6, "", e->type == EV_COUNTRY_DROP ? (e->critical ? "critical" : "warning") : "");
}

static struct table *event_table(struct build *b, const char *id, const char *caption)
{
	struct table *t = doc_table(b->d, id, caption, 7);

	table_col(t, 0, TR(b, "Event", "事象"), "type", COL_BOTH);
	table_col(t, 1, TR(b, "From", "開始"), "from", COL_BOTH);
	table_col(t, 2, TR(b, "To", "終了"), "to", COL_BOTH);
	table_col(t, 3, TR(b, "Subject", "対象"), "subject", COL_BOTH);
	table_col(t, 4, TR(b, "Sensor", "センサー"), "sensor", COL_BOTH);
	table_col(t, 5, TR(b, "Size", "規模"), "ratio", COL_BOTH | COL_NUM);
	table_col(t, 6, "", "severity", COL_CSV);
	return t;
}

/* Days the detectors could not judge: too little data before them. */
static void history_note(struct build *b)
{
	const struct event_list *ev = b->events;
	bool ja = b->d->lang == LANG_JA;
	char first[32], judged[32];

	if (ev->judged_from <= b->o->from)
		return;
	fmt_date(b, b->o->from, first, sizeof(first));
	if (ev->judged_from > b->o->to) {
		if (ja)
			doc_note(b->d, "判断に必要な過去のデータが足りません。検出には各日の前に%d日分の"
				 "データが必要ですが、この期間には足りないため、どの日も判断していません"
				 "（%sより前のデータは%d日分）。", EV_BASE_MIN_DAYS, first, ev->lookback_days);
		else
			doc_note(b->d, "Too little history to judge: the detectors need %d earlier days "
				 "with data before a day, which this period does not reach, so no day "
				 "of it was judged (%d days with data before %s).", EV_BASE_MIN_DAYS,
				 ev->lookback_days, first);
		return;
	}
	fmt_date(b, ev->judged_from, judged, sizeof(judged));
	if (ja)
		doc_note(b->d, "期間の初めは過去のデータが足りません。検出には%d日分の過去のデータが"
			 "必要なため、%sより前の日は判断していません。", EV_BASE_MIN_DAYS, judged);
	else
		doc_note(b->d, "Too little history for the first days: the detectors need %d earlier "
			 "days with data, so days before %s were not judged.", EV_BASE_MIN_DAYS, judged);
}

/* The daily packets of a country an event names (seed 004's Iran), once
 * a country: after its first event. */
static void country_chart(struct build *b, int cc, size_t nth)
{
	const struct report_stats *st = b->st;
	char text[160], code[3];
	struct chart *c;

	for (size_t i = 0; i < nth; i++)
		if ((b->events->v[i].type == EV_COUNTRY_DROP || b->events->v[i].type == EV_COUNTRY_SPIKE) &&
		    b->events->v[i].country == cc)
			return;
	cc_code(cc, code);
	snprintf(text, sizeof(text), TR(b, "Daily packets from %s", "送信元が%sのパケット数の推移"),
		 country_name(cc, b->d->lang));
	c = doc_chart(b->d, "chart_country", figure_caption(b, text), CHART_LINE, st->ndays, 1);
	free(c->id);
	c->id = xasprintf("chart_country_%s", code);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	c->names[0] = xstrdup(country_name(cc, b->d->lang));
	for (int d = 0; d < st->ndays; d++) {
		c->days[d] = b->o->from + d;
		if (day_has_data(st, d))
			chart_set(c, 0, d, st->country_packets[(size_t)d * CC_SLOTS + cc]);
	}
}

void build_events(struct build *b)
{
	const struct event_list *ev = b->events;
	struct table *t;
	size_t shown = 0;

	doc_heading(b->d, 2, "%d. %s", ++b->section, TR(b, "Notable events", "注目された現象"));
	for (size_t i = 0; i < ev->n; i++)
		if (ev->v[i].type != EV_GAP) {
			sentence(b, &ev->v[i]);
			if (ev->v[i].type == EV_COUNTRY_DROP || ev->v[i].type == EV_COUNTRY_SPIKE)
				country_chart(b, ev->v[i].country, i);
			shown++;
		}
	if (!shown)
		doc_para(b->d, "%s", TR(b, "No notable change was found: no port rose to a new level, "
					"no region's sources dropped or spiked, no sensor saw a spike "
					"of its own, and no region's backscatter burst.",
					"特筆すべき変化は検出されませんでした（ポートの水準の変化、送信元地域の"
					"急減・急増、単一センサーでの急増、跳ね返りパケットの急増のいずれもありません）。"));
	history_note(b);
	if (shown) {
		t = event_table(b, "events_page", table_caption(b, TR(b, "Events found",
								     "検出された事象")));
		t->where = COL_PAGE;
		for (size_t i = 0; i < ev->n; i++)
			if (ev->v[i].type != EV_GAP)
				event_row(b, t, &ev->v[i]);
	}
	/* the CSV file of every event, gaps too, with or without a page table */
	t = event_table(b, "events", TR(b, "Events found", "検出された事象"));
	t->where = COL_CSV;
	for (size_t i = 0; i < ev->n; i++)
		event_row(b, t, &ev->v[i]);
	doc_note(b->d, TR(b, "Methods and thresholds: reference (%d). Data gaps are listed in "
			  "their own section.",
			  "検出方法と閾値は参考文献（%d）を参照してください。データの欠落は別の節に示します。"),
		 REF_MANUAL + 1);
}
