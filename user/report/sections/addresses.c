// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Source addresses, where the seeds count addresses (seed 003's growing
 * number of 5060/UDP scanners, NICTER's unique hosts): exact distinct
 * counts from sources.csv, never sums of per-interval counts. Distinct
 * addresses a day (fleet and the top regions), the regions and the ASes
 * with the most addresses over the period. Without sources.csv in the
 * period the section is left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

static int cmp_cc_sources(const void *a, const void *b)
{
	const struct cc_count *x = a, *y = b;

	if (x->sources != y->sources)
		return x->sources > y->sources ? -1 : 1;
	return x->cc - y->cc;
}

static int cmp_as(const void *a, const void *b)
{
	const struct src_as *x = *(const struct src_as *const *)a, *y = *(const struct src_as *const *)b;

	if (x->addrs != y->addrs)
		return x->addrs > y->addrs ? -1 : 1;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return (x->asn > y->asn) - (x->asn < y->asn);
}

static void by_as(struct build *b)
{
	const struct report_stats *st = b->st;
	const struct src_as **as = xcalloc(st->nsrc_as + 1, sizeof(*as));
	int top = (int)st->nsrc_as < b->o->top ? (int)st->nsrc_as : b->o->top;
	char text[160];
	struct table *t;

	for (size_t i = 0; i < st->nsrc_as; i++)
		as[i] = &st->src_as[i];
	qsort(as, st->nsrc_as, sizeof(*as), cmp_as);
	snprintf(text, sizeof(text), TR(b, "Top %d source ASes by addresses", "送信元AS（IPアドレス数）トップ%d"),
		 top);
	t = doc_table(b->d, "source_as", table_caption(b, text), 5);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	table_col(t, 1, "AS", "asn", COL_BOTH);
	table_col(t, 2, TR(b, "AS organisation", "AS組織"), "as_org", COL_BOTH);
	table_col(t, 3, TR(b, "Addresses", "IPアドレス数"), "addresses", COL_BOTH | COL_NUM);
	table_col(t, 4, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);
		char asn[32], num[24];

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		snprintf(num, sizeof(num), "%llu", (unsigned long long)as[i]->asn);
		snprintf(asn, sizeof(asn), "AS%s", num);
		table_set(t, r, 1, as[i]->asn ? asn : TR(b, "unknown", "不明"), as[i]->asn ? num : "");
		table_set(t, r, 2, as[i]->org, as[i]->org);
		table_set_u64(t, r, 3, as[i]->addrs);
		table_set_u64(t, r, 4, as[i]->packets);
	}
	free(as);
}

void build_addresses(struct build *b)
{
	const struct report_stats *st = b->st;
	struct cc_count counts[CC_SLOTS] = { 0 };
	int ncc = 0, top, series;
	char text[200], total[40];
	struct table *t;
	struct chart *c;

	if (!st->sources_seen)
		return;
	doc_heading(b->d, 2, "%d. %s", ++b->section, TR(b, "Source addresses", "送信元IPアドレス"));
	for (int cc = 0; cc < CC_SLOTS; cc++)
		counts[cc].cc = cc;
	for (size_t i = 0; i < st->src_addrs.len; i++)
		counts[((const struct src_addr *)hmap_val(&st->src_addrs, i))->country].sources++;
	qsort(counts, CC_SLOTS, sizeof(*counts), cmp_cc_sources);
	while (ncc < CC_SLOTS && counts[ncc].sources)
		ncc++;
	fmt_count(st->src_addrs.len, total, sizeof(total));
	doc_para(b->d, TR(b, "%s distinct source addresses in %d regions sent packets in the period "
			  "(from the sensors' per-source rows: each address counted once, however many intervals, "
			  "sensors and ports it was seen in).",
			  "期間中のパケットの送信元IPアドレスは%s件（%d地域）でした（送信元ごとの集計による。"
			  "同じアドレスは、観測された集計間隔、センサー、ポートの数にかかわらず1件と数えます）。"),
		 total, ncc);
	series = 1 + (ncc < 5 ? ncc : 5);
	c = doc_chart(b->d, "chart_source_addresses",
		      figure_caption(b, TR(b, "Distinct source addresses per day",
					   "送信元IPアドレス数の推移")), CHART_LINE, st->ndays, series);
	c->y_label = xstrdup(TR(b, "addresses per day", "アドレス数/日"));
	c->names[0] = xstrdup(TR(b, "All regions", "全地域"));
	for (int i = 1; i < series; i++)
		c->names[i] = xstrdup(country_name(counts[i - 1].cc, b->d->lang));
	for (int d = 0; d < st->ndays; d++) {
		c->days[d] = b->o->from + d;
		if (!day_has_data(st, d))
			continue;
		chart_set(c, 0, d, st->src_day[d]);
		for (int i = 1; i < series; i++)
			chart_set(c, i, d, st->src_country_day[(size_t)d * CC_SLOTS + counts[i - 1].cc]);
	}
	top = ncc < b->o->top ? ncc : b->o->top;
	snprintf(text, sizeof(text), TR(b, "Top %d source regions by addresses",
					"送信元地域（IPアドレス数）トップ%d"), top);
	t = doc_table(b->d, "source_address_countries", table_caption(b, text), 4);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	region_cols(b, t, 1);
	table_col(t, 3, TR(b, "Addresses", "IPアドレス数"), "addresses", COL_BOTH | COL_NUM);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		region_cells(b, t, r, 1, counts[i].cc);
		table_set_u64(t, r, 3, counts[i].sources);
	}
	by_as(b);
}
