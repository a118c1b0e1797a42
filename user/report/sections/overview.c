// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The overview, after the TSUBAME quarterly reports: a summary, then the
 * top destination ports and source regions with the previous period's
 * rank, each with its daily chart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

static const char *period_word(struct build *b)
{
	switch (b->o->period_kind) {
	case 'q': return TR(b, "quarter", "四半期");
	case 'm': return TR(b, "month", "月");
	case 'w': return TR(b, "week", "週");
	default: return TR(b, "period", "期間");
	}
}

/* "1", "outside the top 10", "new", or "-" without previous data. */
static void prev_rank_cell(struct build *b, struct table *t, int row, int col,
			   int rank, bool seen)
{
	int limit = b->o->top > 10 ? b->o->top : 10;
	char page[64], csv[32];

	if (!b->st->prev_seen) {
		table_set(t, row, col, "-", "");
		return;
	}
	if (rank > 0 && rank <= limit) {
		snprintf(csv, sizeof(csv), "%d", rank);
		table_set(t, row, col, csv, csv);
	} else if (seen) {
		snprintf(page, sizeof(page), TR(b, "outside the top %d", "TOP%d外"), limit);
		table_set(t, row, col, page, "outside");
	} else {
		table_set(t, row, col, TR(b, "new", "新規"), "new");
	}
}

/* --group: what the tables count, and what the per-sensor section does. */
static void scope_sentence(struct build *b)
{
	const struct report_stats *st = b->st;
	int in = 0, all = 0;

	if (!b->o->group)
		return;
	for (int s = 0; s < st->nsensors; s++) {
		all += st->sensors[s]->rows > 0;
		in += st->sensors[s]->rows > 0 && sensor_in_scope(st, st->sensors[s]);
	}
	if (b->d->lang == LANG_JA)
		doc_para(b->d, "本レポートの表とグラフは、グループ「%s」のセンサー（データのある%d台中%d台）"
			 "で観測されたパケットのみを集計しています。センサーごとの比較には、すべてのセンサーを示します。",
			 b->o->group, all, in);
	else
		doc_para(b->d, "Its tables and charts count the packets of the sensors of the group "
			 "“%s” alone (%d of the %d sensors with data); the comparison of "
			 "sensors shows every sensor.", b->o->group, in, all);
}

static void summary(struct build *b)
{
	const struct report_stats *st = b->st;
	uint64_t packets = 0, bytes = 0, malformed = 0, overflow = 0;
	int days = 0, countries = 0, active = 0;
	char from[32], to[32], total[40], avg[40];
	struct table *t;
	int r;

	for (int d = 0; d < st->ndays; d++) {
		packets += st->day[d].packets;
		bytes += st->day[d].bytes;
		malformed += st->day[d].malformed;
		overflow += st->day[d].overflow;
		days += day_has_data(st, d);
	}
	for (int c = 0; c < CC_SLOTS; c++) {
		uint64_t sum = 0;

		for (int d = 0; d < st->ndays; d++)
			sum += st->country_packets[(size_t)d * CC_SLOTS + c];
		countries += sum > 0 && c != CC_UNKNOWN;
	}
	for (int s = 0; s < st->nsensors; s++)
		active += st->sensors[s]->rows > 0 && sensor_in_scope(st, st->sensors[s]);
	fmt_date(b, b->o->from, from, sizeof(from));
	fmt_date(b, b->o->to, to, sizeof(to));
	fmt_count(packets, total, sizeof(total));
	fmt_count(days ? packets / (uint64_t)days : 0, avg, sizeof(avg));
	if (b->d->lang == LANG_JA)
		doc_para(b->d, "本レポートでは、%sから%sまでの期間に%d台のセンサーで観測された"
			 "パケットを、宛先ポート番号や送信元地域ごとに分類して分析した結果について述べます。"
			 "期間中に観測されたパケットは合計%s（データのある%d日間の1日平均%s）で、"
			 "送信元地域は%dでした。", from, to, active, total, days, avg, countries);
	else
		doc_para(b->d, "This report analyses the packets that %d sensor%s received "
			 "between %s and %s, classified by destination port and by source "
			 "region. %s received %s packets in total (%s a day on average "
			 "over the %d day%s with data) from %d %s (not counting sources "
			 "of unknown location).",
			 active, active == 1 ? "" : "s", from, to,
			 active == 1 ? "It" : "They", total, avg, days,
			 days == 1 ? "" : "s", countries,
			 countries == 1 ? "country or region" : "countries and regions");

	zone_sentence(b);
	scope_sentence(b);
	t = doc_table(b->d, "summary", TR(b, "Summary", "概要"), 2);
	table_col(t, 0, TR(b, "Item", "項目"), "item", COL_BOTH);
	table_col(t, 1, TR(b, "Value", "値"), "value", COL_BOTH | COL_NUM);
	r = table_row(t);
	table_set(t, r, 0, TR(b, "Sensors with data", "データのあるセンサー数"), "sensors");
	table_set_u64(t, r, 1, (unsigned long long)active);
	r = table_row(t);
	table_set(t, r, 0, TR(b, "Days with data", "データのある日数"), "days");
	table_set_u64(t, r, 1, (unsigned long long)days);
	r = table_row(t);
	table_set(t, r, 0, TR(b, "Packets", "パケット数"), "packets");
	table_set_u64(t, r, 1, packets);
	r = table_row(t);
	table_set(t, r, 0, TR(b, "Bytes", "バイト数"), "bytes");
	table_set_u64(t, r, 1, bytes);
	r = table_row(t);
	table_set(t, r, 0, TR(b, "Packets from sources that did not fit the source map",
			      "送信元テーブルの上限を超えた送信元からのパケット数"), "overflow");
	table_set_u64(t, r, 1, overflow);
	r = table_row(t);
	table_set(t, r, 0, TR(b, "Malformed packets", "不正な形式のパケット数"), "malformed");
	table_set_u64(t, r, 1, malformed);
	if (st->tagged_seen) {
		uint64_t tagged = 0;

		for (int d = 0; d < st->ndays; d++)
			tagged += st->day[d].tagged;
		r = table_row(t);
		table_set(t, r, 0, TR(b, "Packets with at least one tag", "タグの付いたパケット数"),
			  "tagged");
		table_set_u64(t, r, 1, tagged);
	}
	r = table_row(t);
	table_set(t, r, 0, TR(b, "Previous period packets", "前期間のパケット数"), "previous_packets");
	if (st->prev_seen)
		table_set_u64(t, r, 1, st->prev.packets);
	else
		table_set(t, r, 1, "-", "");
	quality_notes(b);
}

static void top_ports(struct build *b)
{
	const struct report_stats *st = b->st;
	size_t n, nprev;
	struct port_total *cur = rank_ports(&st->ports, K_PORT_DAY, 0, &n);
	struct port_total *prev = rank_ports(&st->ports, K_PORT_PREV, 0, &nprev);
	int top = (int)n < b->o->top ? (int)n : b->o->top, limit = b->o->top > 10 ? b->o->top : 10;
	uint64_t total = 0;
	char text[160], label[64], first[64] = "", outside[64];
	struct table *t;
	struct chart *c;

	snprintf(outside, sizeof(outside), TR(b, "outside the top %d", "TOP%d外"), limit);
	for (size_t i = 0; i < n; i++)
		total += cur[i].packets;
	snprintf(text, sizeof(text), TR(b, "Top %d destination ports", "宛先ポート番号トップ%d"), top);
	t = doc_table(b->d, "top_ports", table_caption(b, text), 8);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	port_cols(b, t, 1);
	table_col(t, 4, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	table_col(t, 5, TR(b, "Share", "割合"), "share_pct", COL_BOTH | COL_NUM);
	snprintf(text, sizeof(text), TR(b, "Previous %s's rank", "前%sの順位"), period_word(b));
	table_col(t, 6, text, "prev_rank", COL_BOTH);
	table_col(t, 7, "", "service", COL_CSV);
	for (int i = 0; i < top; i++) {
		int r = table_row(t), prank = 0;
		const char *svc = service_name(cur[i].proto, cur[i].port);

		for (size_t j = 0; j < nprev; j++)
			if (prev[j].proto == cur[i].proto && prev[j].port == cur[i].port) {
				prank = (int)j + 1;
				break;
			}
		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		port_cells(b, t, r, 1, cur[i].proto, cur[i].port);
		port_label(cur[i].proto, cur[i].port, b->d->lang, label, sizeof(label));
		table_set_u64(t, r, 4, cur[i].packets);
		table_set_pct(t, r, 5, total ? 100.0 * (double)cur[i].packets / (double)total : 0);
		prev_rank_cell(b, t, r, 6, prank, prank > 0);
		table_set(t, r, 7, svc ? svc : "", svc ? svc : "");
		if (!i)
			snprintf(first, sizeof(first), "%s", label);
		if (st->prev_seen && (prank == 0 || prank > limit)) {
			/* the same words as the table's column, for the same limit */
			if (b->d->lang == LANG_JA)
				doc_note(b->d, "%sが新たにトップ%dに入りました（前%s：%s）。", label,
					 top, period_word(b), prank ? outside : "観測なし");
			else
				doc_note(b->d, "%s entered the top %d (previous %s: %s).", label, top,
					 period_word(b), prank ? outside : "not seen");
		}
	}
	doc_note(b->d, TR(b, "Service names follow the IANA registry (%d); packets need not "
			  "follow the protocol named.",
			  "※サービス名はIANAの情報（%d）をもとに記載していますが、必ずしも各サービス"
			  "プロトコルに則った形式のパケットが受信されているとは限りません。"), REF_IANA + 1);
	if (top)
		doc_para(b->d, TR(b, "The most packets went to %s, %.1f%% of all packets.",
				  "最も多く観測されたパケットは%s宛で、全体の%.1f%%を占めました。"),
			 first, total ? 100.0 * (double)cur[0].packets / (double)total : 0);
	snprintf(text, sizeof(text), TR(b, "Daily packets to the top %d destination ports",
					"宛先ポート番号別パケット観測数トップ%dの推移"), top);
	c = doc_chart(b->d, "chart_top_ports", figure_caption(b, text), CHART_LINE,
		      st->ndays, top);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	for (int d = 0; d < st->ndays; d++)
		c->days[d] = b->o->from + d;
	for (int i = 0; i < top; i++) {
		port_label(cur[i].proto, cur[i].port, b->d->lang, label, sizeof(label));
		c->names[i] = xstrdup(label);
		for (int d = 0; d < st->ndays; d++) {
			const uint64_t *v = counters_find(&st->ports, rkey(K_PORT_DAY, ALL_SENSORS,
								      cur[i].proto, cur[i].port, d));

			if (day_has_data(st, d))
				chart_set(c, i, d, v ? v[0] : 0);
		}
	}
	free(cur);
	free(prev);
}

struct cc_total {
	int cc;
	uint64_t packets;
};

static int cmp_cc_total(const void *a, const void *b)
{
	const struct cc_total *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return x->cc - y->cc;
}

static void top_countries(struct build *b)
{
	const struct report_stats *st = b->st;
	struct cc_total cur[CC_SLOTS], prev[CC_SLOTS];
	int ncur = 0, nprev = 0, top;
	uint64_t total = 0;
	char text[160];
	struct table *t;
	struct chart *c;

	for (int cc = 0; cc < CC_SLOTS; cc++) {
		uint64_t sum = 0;

		for (int d = 0; d < st->ndays; d++)
			sum += st->country_packets[(size_t)d * CC_SLOTS + cc];
		total += sum;
		if (sum)
			cur[ncur++] = (struct cc_total){ cc, sum };
		if (st->country_prev[cc])
			prev[nprev++] = (struct cc_total){ cc, st->country_prev[cc] };
	}
	qsort(cur, (size_t)ncur, sizeof(*cur), cmp_cc_total);
	qsort(prev, (size_t)nprev, sizeof(*prev), cmp_cc_total);
	top = ncur < b->o->top ? ncur : b->o->top;
	snprintf(text, sizeof(text), TR(b, "Top %d source regions", "送信元地域トップ%d"), top);
	t = doc_table(b->d, "top_countries", table_caption(b, text), 6);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	region_cols(b, t, 1);
	table_col(t, 3, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	table_col(t, 4, TR(b, "Share", "割合"), "share_pct", COL_BOTH | COL_NUM);
	snprintf(text, sizeof(text), TR(b, "Previous %s's rank", "前%sの順位"), period_word(b));
	table_col(t, 5, text, "prev_rank", COL_BOTH);
	for (int i = 0; i < top; i++) {
		int r = table_row(t), prank = 0;

		for (int j = 0; j < nprev; j++)
			if (prev[j].cc == cur[i].cc) {
				prank = j + 1;
				break;
			}
		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		region_cells(b, t, r, 1, cur[i].cc);
		table_set_u64(t, r, 3, cur[i].packets);
		table_set_pct(t, r, 4, total ? 100.0 * (double)cur[i].packets / (double)total : 0);
		prev_rank_cell(b, t, r, 5, prank, prank > 0);
	}
	if (top)
		doc_para(b->d, TR(b, "Most packets came from %s, %.1f%% of all packets.",
				  "送信元地域として最も多かったのは%sで、全体の%.1f%%を占めました。"),
			 country_name(cur[0].cc, b->d->lang),
			 total ? 100.0 * (double)cur[0].packets / (double)total : 0);
	snprintf(text, sizeof(text), TR(b, "Daily packets from the top %d source regions",
					"送信元地域別トップ%dごとのパケット観測数の推移"), top);
	c = doc_chart(b->d, "chart_top_countries", figure_caption(b, text), CHART_LINE,
		      st->ndays, top);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	for (int d = 0; d < st->ndays; d++)
		c->days[d] = b->o->from + d;
	for (int i = 0; i < top; i++) {
		c->names[i] = xstrdup(country_name(cur[i].cc, b->d->lang));
		for (int d = 0; d < st->ndays; d++)
			if (day_has_data(st, d))
				chart_set(c, i, d, st->country_packets[(size_t)d * CC_SLOTS + cur[i].cc]);
	}
}

void build_overview(struct build *b)
{
	doc_heading(b->d, 2, "%d. %s", ++b->section, TR(b, "Overview", "概況"));
	summary(b);
	top_ports(b);
	top_countries(b);
}
