// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Backscatter: who was attacked and when. Distinct victim addresses per
 * day and by region, and a presence table (address × day) of the focus
 * country's victims, with AS organisation and service port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

static bool bs_day(const struct bs_source *s, int di)
{
	return s->days[di / 8] & (1u << (di % 8));
}

static const struct bs_port *dominant_port(const struct bs_source *s)
{
	const struct bs_port *best = NULL;

	for (size_t i = 0; i < s->nports; i++) {
		const struct bs_port *p = &s->ports[i];

		if (!best || p->packets > best->packets ||
		    (p->packets == best->packets &&
		     (p->proto < best->proto || (p->proto == best->proto && p->port < best->port))))
			best = p;
	}
	return best;
}

static int cmp_cc_count(const void *a, const void *b)
{
	const struct cc_count *x = a, *y = b;

	if (x->sources != y->sources)
		return x->sources > y->sources ? -1 : 1;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return x->cc - y->cc;
}

static int cmp_bs_packets(const void *a, const void *b)
{
	const struct bs_source *x = *(struct bs_source *const *)a;
	const struct bs_source *y = *(struct bs_source *const *)b;

	return cmp_count_name(x->packets, x->ip, y->packets, y->ip);
}

#define PRESENCE_ROWS 20
#define PRESENCE_DAYS 14

/* The days with a mark; when there are more than fit, those with the most
 * marks (the earlier on ties), shown in date order. */
static void pick_presence_days(const struct report_stats *st, struct bs_source **rows,
			       int nrows, int *days, int *ndays)
{
	int *marks = xcalloc((size_t)st->ndays + 1, sizeof(int));

	*ndays = 0;
	for (int d = 0; d < st->ndays; d++)
		for (int r = 0; r < nrows; r++)
			marks[d] += bs_day(rows[r], d);
	while (*ndays < PRESENCE_DAYS) {
		int best = -1;

		for (int d = 0; d < st->ndays; d++)
			if (marks[d] > 0 && (best < 0 || marks[d] > marks[best]))
				best = d;
		if (best < 0)
			break;
		days[(*ndays)++] = best;
		marks[best] = 0;
	}
	free(marks);
	for (int i = 1; i < *ndays; i++)	/* date order */
		for (int j = i; j > 0 && days[j - 1] > days[j]; j--) {
			int t = days[j];

			days[j] = days[j - 1];
			days[j - 1] = t;
		}
}

static void bs_presence(struct build *b)
{
	const struct report_stats *st = b->st;
	struct bs_source **rows = xcalloc(st->nbs + 1, sizeof(*rows));
	int days[PRESENCE_DAYS], ndays = 0, nrows = 0, cc = st->focus_country;
	char text[256], code[3];
	struct table *t;

	for (size_t i = 0; i < st->nbs; i++)
		if (st->bs[i]->country == cc)
			rows[nrows++] = st->bs[i];
	qsort(rows, (size_t)nrows, sizeof(*rows), cmp_bs_packets);
	if (nrows > PRESENCE_ROWS)
		nrows = PRESENCE_ROWS;
	cc_code(cc, code);
	if (!nrows) {
		doc_para(b->d, TR(b, "No backscatter came from addresses in %s (%s) in this period.",
				  "本期間、%s（%s）を送信元とする跳ね返りパケットは観測されませんでした。"),
			 country_name(cc, b->d->lang), code);
		free(rows);
		return;
	}
	pick_presence_days(st, rows, nrows, days, &ndays);
	snprintf(text, sizeof(text), TR(b, "Backscatter from %s: source address × day",
					"%sからの跳ね返りパケットの観測状況"),
		 country_name(cc, b->d->lang));
	t = doc_table(b->d, "backscatter_presence", table_caption(b, text), 5 + ndays);
	t->presence = true;
	table_col(t, 0, TR(b, "Source address", "送信元IPアドレス"), "src_ip", COL_BOTH);
	table_col(t, 1, TR(b, "AS organisation", "AS 組織"), "as_org", COL_BOTH);
	table_col(t, 2, "ASN", "asn", COL_BOTH | COL_NUM);
	table_col(t, 3, TR(b, "Source port", "送信元ポート"), "dominant_src_port", COL_BOTH);
	table_col(t, 4, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	for (int i = 0; i < ndays; i++) {
		char iso[11];
		int y, m, dd;

		format_day(b->o->from + days[i], iso);
		ymd_from_day(b->o->from + days[i], &y, &m, &dd);
		snprintf(text, sizeof(text), "%d/%d", m, dd);
		table_col(t, 5 + i, text, iso, COL_BOTH);
	}
	for (int i = 0; i < nrows; i++) {
		const struct bs_port *p = dominant_port(rows[i]);
		char port[32];
		int r = table_row(t);

		table_set(t, r, 0, rows[i]->ip, NULL);
		table_set(t, r, 1, rows[i]->as_org, NULL);
		snprintf(port, sizeof(port), "%llu", (unsigned long long)rows[i]->asn);
		table_set(t, r, 2, rows[i]->asn ? port : "", port);
		snprintf(port, sizeof(port), "%u/", p->port);
		proto_label(p->proto, port + strlen(port), sizeof(port) - strlen(port));
		port_csv(p->proto, p->port, text, sizeof(text));
		table_set(t, r, 3, port, text);
		table_set_u64(t, r, 4, rows[i]->packets);
		for (int k = 0; k < ndays; k++)
			table_set(t, r, 5 + k, bs_day(rows[i], days[k]) ? "○" : "",
				  bs_day(rows[i], days[k]) ? "1" : "");
	}
	doc_note(b->d, TR(b, "The %d addresses in %s that sent the most backscatter; a mark: "
			  "backscatter on that day (only days with a mark are shown, at most %d). "
			  "Source port: the port most of the address's backscatter came from.",
			  "%d 件：%sを送信元とする跳ね返りパケットが多かった送信元 IP アドレス。○ はその日に"
			  "観測されたことを示します（○ のある日のみ、最大 %d 日）。送信元ポートは最も多かったものです。"),
		 nrows, country_name(cc, b->d->lang), PRESENCE_DAYS);
	free(rows);
}

void build_backscatter(struct build *b)
{
	const struct report_stats *st = b->st;
	struct cc_count counts[CC_SLOTS];
	int ncc = 0, top, series;
	uint64_t *per_day = xcalloc((size_t)st->ndays + 1, sizeof(uint64_t));
	char text[200], total[40], pk[40];
	struct table *t;
	struct chart *c;

	doc_heading(b->d, 2, "%d. %s", ++b->section,
		    TR(b, "Backscatter", "跳ね返りパケットの観測状況"));
	doc_para(b->d, "%s", TR(b, "A host under a SYN flood or similar DoS attack answers packets "
				"whose spoofed source addresses happen to be sensor addresses: "
				"SYN-ACK, RST and ICMP replies reach the sensors (backscatter). "
				"Their sources are the victims of the attacks.",
				"DDoS 攻撃を受けたホストは、送信元アドレスを詐称した攻撃パケットに応答するため、"
				"その中にたまたまセンサーのアドレスが含まれていると、SYN と ACK フラグがセットされた"
				"パケットや RST フラグがセットされたパケット、ICMP の応答（以下、跳ね返りパケット）が"
				"センサーに届きます。その送信元は攻撃を受けた側です。"));
	memset(counts, 0, sizeof(counts));
	for (int cc = 0; cc < CC_SLOTS; cc++)
		counts[cc].cc = cc;
	for (size_t i = 0; i < st->nbs; i++) {
		counts[st->bs[i]->country].sources++;
		counts[st->bs[i]->country].packets += st->bs[i]->packets;
		for (int d = 0; d < st->ndays; d++)
			per_day[d] += bs_day(st->bs[i], d);
	}
	qsort(counts, CC_SLOTS, sizeof(*counts), cmp_cc_count);
	while (ncc < CC_SLOTS && counts[ncc].sources)
		ncc++;
	fmt_count(st->nbs, total, sizeof(total));
	fmt_count(st->bs_packets, pk, sizeof(pk));
	doc_para(b->d, TR(b, "%s distinct addresses in %d regions sent %s backscatter packets in the period.",
			  "期間中、%s 件の送信元 IP アドレス（%d 地域）から %s の跳ね返りパケットを観測しました。"),
		 total, ncc, pk);
	series = 1 + (ncc < 4 ? ncc : 4);
	snprintf(text, sizeof(text), "%s", TR(b, "Distinct addresses sending backscatter per day",
					      "跳ね返りパケットを送信した IP アドレス数の推移"));
	c = doc_chart(b->d, "chart_backscatter", figure_caption(b, text), CHART_LINE,
		      st->ndays, series);
	c->y_label = xstrdup(TR(b, "addresses per day", "アドレス数/日"));
	c->names[0] = xstrdup(TR(b, "All regions", "全地域"));
	for (int i = 1; i < series; i++)
		c->names[i] = xstrdup(country_name(counts[i - 1].cc, b->d->lang));
	for (int d = 0; d < st->ndays; d++) {
		c->days[d] = b->o->from + d;
		if (!day_has_data(st, d))
			continue;
		chart_set(c, 0, d, per_day[d]);
		for (int i = 1; i < series; i++)
			chart_set(c, i, d, 0);
	}
	for (size_t i = 0; i < st->nbs; i++)
		for (int s = 1; s < series; s++)
			if (st->bs[i]->country == counts[s - 1].cc)
				for (int d = 0; d < st->ndays; d++)
					if (day_has_data(st, d) && bs_day(st->bs[i], d))
						chart_add(c, s, d, 1);
	top = ncc < b->o->top ? ncc : b->o->top;
	snprintf(text, sizeof(text), TR(b, "Backscatter by source region (top %d)",
					"送信元地域別の跳ね返りパケット（トップ %d）"), top);
	t = doc_table(b->d, "backscatter_countries", table_caption(b, text), 5);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	region_cols(b, t, 1);
	table_col(t, 3, TR(b, "Addresses", "IP アドレス数"), "sources", COL_BOTH | COL_NUM);
	table_col(t, 4, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		region_cells(b, t, r, 1, counts[i].cc);
		table_set_u64(t, r, 3, counts[i].sources);
		table_set_u64(t, r, 4, counts[i].packets);
	}
	bs_presence(b);
	free(per_day);
}
