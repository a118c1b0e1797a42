// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mirai-type packets from each --country, as seed 002 shows them: the
 * country's ports ranked by Mirai-type packets, all packets and the share
 * beside them, and a daily chart per port of all packets against the
 * Mirai-type ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

#define MIRAI_CHARTS 5

/* Mirai-type packets, most first; then all packets; then the port. */
static int cmp_mirai(const void *a, const void *b)
{
	const struct port_total *x = a, *y = b;

	if (x->mirai != y->mirai)
		return x->mirai > y->mirai ? -1 : 1;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return (x->port > y->port) - (x->port < y->port);
}

static void mirai_chart(struct build *b, int fi, const char *code, int rank,
			const struct port_total *p)
{
	const struct report_stats *st = b->st;
	char id[48], label[64], text[200];
	struct chart *c;

	port_label(p->proto, p->port, b->d->lang, label, sizeof(label));
	snprintf(id, sizeof(id), "chart_mirai_%s_%d", code, rank);
	snprintf(text, sizeof(text), TR(b, "Daily packets from %s to %s: all and Mirai-type",
					"%sから%s宛のパケット数の推移（全体とMirai型）"),
		 country_name(st->focus[fi], b->d->lang), label);
	c = doc_chart(b->d, id, figure_caption(b, text), CHART_LINE, st->ndays, 2);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	c->names[0] = xstrdup(TR(b, "All packets", "全パケット"));
	c->names[1] = xstrdup(TR(b, "Mirai-type", "Mirai型"));
	for (int d = 0; d < st->ndays; d++) {
		const uint64_t *v;

		c->days[d] = b->o->from + d;
		if (!day_has_data(st, d))
			continue;
		v = counters_find(&st->cross, rkey(K_PORT_FOCUS_DAY, (unsigned)fi, p->proto,
						   p->port, (unsigned)d));
		chart_set(c, 0, d, v ? v[0] : 0);
		chart_set(c, 1, d, v ? v[1] : 0);
	}
}

static void mirai_country(struct build *b, int fi)
{
	const struct report_stats *st = b->st;
	size_t n;
	struct port_total *p = rank_ports(&st->cross, K_PORT_FOCUS, fi, &n);
	int top, cc = st->focus[fi], with_mirai = 0;
	uint64_t all = 0, mirai = 0;
	char text[240], a[40], m[40], code[3], id[32];
	struct table *t;

	qsort(p, n, sizeof(*p), cmp_mirai);
	for (size_t i = 0; i < n; i++) {
		all += p[i].packets;
		mirai += p[i].mirai;
		with_mirai += p[i].mirai > 0;
	}
	top = with_mirai < b->o->top ? with_mirai : b->o->top;
	cc_code(cc, code);
	snprintf(text, sizeof(text), TR(b, "Mirai-type packets from %s", "%sを送信元とするMirai型パケット"),
		 country_name(cc, b->d->lang));
	if (st->nfocus > 1)
		doc_heading(b->d, 3, "%d.%d %s", b->section, fi + 1, text);
	fmt_count(all, a, sizeof(a));
	fmt_count(mirai, m, sizeof(m));
	doc_para(b->d, TR(b, "Of the %s packets from %s, %s (%.1f%%) were Mirai-type.",
			  "%2$sを送信元とするパケット%1$sのうち、Mirai型は%3$s（%4$.1f%%）でした。"),
		 a, country_name(cc, b->d->lang), m, all ? 100.0 * (double)mirai / (double)all : 0);
	if (!top) {
		free(p);
		return;
	}
	snprintf(text, sizeof(text), TR(b, "Top %d ports by Mirai-type packets from %s",
					"%2$sを送信元としたMirai型パケットの宛先ポート番号トップ%1$d"),
		 top, country_name(cc, b->d->lang));
	snprintf(id, sizeof(id), "mirai_%s", code);
	t = doc_table(b->d, id, table_caption(b, text), 7);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	port_cols(b, t, 1);
	table_col(t, 4, TR(b, "Mirai-type", "Mirai型"), "mirai", COL_BOTH | COL_NUM);
	table_col(t, 5, TR(b, "All packets", "全パケット"), "packets", COL_BOTH | COL_NUM);
	table_col(t, 6, TR(b, "Share", "割合"), "share_pct", COL_BOTH | COL_NUM);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		port_cells(b, t, r, 1, p[i].proto, p[i].port);
		table_set_u64(t, r, 4, p[i].mirai);
		table_set_u64(t, r, 5, p[i].packets);
		table_set_pct(t, r, 6, p[i].packets ? 100.0 * (double)p[i].mirai / (double)p[i].packets : 0);
	}
	for (int i = 0; i < top && i < MIRAI_CHARTS; i++)
		mirai_chart(b, fi, code, i + 1, &p[i]);
	free(p);
}

void build_mirai(struct build *b)
{
	const struct report_stats *st = b->st;
	char text[200];

	if (st->nfocus > 1)
		snprintf(text, sizeof(text), "%s", TR(b, "Mirai-type packets", "Mirai型パケット"));
	else
		snprintf(text, sizeof(text), TR(b, "Mirai-type packets from %s",
						"%sを送信元とするMirai型パケット"),
			 country_name(st->focus[0], b->d->lang));
	doc_heading(b->d, 2, "%d. %s", ++b->section, text);
	doc_para(b->d, TR(b, "A Mirai-type packet is a TCP SYN whose sequence number equals its "
			  "destination address, as Mirai and its descendants send (%d).",
			  "Mirai型パケットは、シーケンス番号が宛先IPアドレスと等しいTCP SYNパケットで、"
			  "Miraiとその亜種が送信します（%d）。"), REF_MIRAI + 1);
	for (int i = 0; i < st->nfocus; i++)
		mirai_country(b, i);
}
