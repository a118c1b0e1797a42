// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Backscatter: who was attacked and when. Distinct victim addresses per
 * day and by region; then, for each --country, its incidents
 * (incidents.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

static int cmp_cc_count(const void *a, const void *b)
{
	const struct cc_count *x = a, *y = b;

	if (x->sources != y->sources)
		return x->sources > y->sources ? -1 : 1;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return x->cc - y->cc;
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
			  "期間中、%s件の送信元 IPアドレス（%d地域）から%sの跳ね返りパケットを観測しました。"),
		 total, ncc, pk);
	series = 1 + (ncc < 4 ? ncc : 4);
	snprintf(text, sizeof(text), "%s", TR(b, "Distinct addresses sending backscatter per day",
					      "跳ね返りパケットを送信した IPアドレス数の推移"));
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
					"送信元地域別の跳ね返りパケット（トップ%d）"), top);
	t = doc_table(b->d, "backscatter_countries", table_caption(b, text), 5);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	region_cols(b, t, 1);
	table_col(t, 3, TR(b, "Addresses", "IPアドレス数"), "sources", COL_BOTH | COL_NUM);
	table_col(t, 4, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		region_cells(b, t, r, 1, counts[i].cc);
		table_set_u64(t, r, 3, counts[i].sources);
		table_set_u64(t, r, 4, counts[i].packets);
	}
	free(per_day);
	for (int i = 0; i < st->nfocus; i++)
		backscatter_incidents(b, st->focus[i]);
}
