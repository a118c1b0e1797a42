// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The ports the analyst asked about (--port): daily packets by source
 * region, the top regions, and the port over all the data holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

#define STACK_COUNTRIES 5

/* The port as seen from --country fi: its rank among the country's ports
 * and the country's own daily chart (seed 004: 1433/TCP, 13th from Japan). */
static void focus_port_country(struct build *b, int j, int fi, const char *label)
{
	const struct report_stats *st = b->st;
	const struct port_id *pid = &b->o->ports[j];
	int cc = st->focus[fi], rank = 0;
	size_t n;
	struct port_total *p = rank_ports(&st->cross, K_PORT_FOCUS, fi, &n);
	char text[256], code[3], nports[32];
	struct chart *c;

	fmt_count(n, nports, sizeof(nports));
	for (size_t i = 0; i < n && !rank; i++)
		if (p[i].proto == pid->proto && p[i].port == pid->port)
			rank = (int)i + 1;
	free(p);
	cc_code(cc, code);
	if (rank)
		doc_para(b->d, TR(b, "From %s, %s ranked %d among %s destination ports.",
				  "%sからのパケットでは、%s宛は%d位でした（宛先ポート%s件中）。"),
			 country_name(cc, b->d->lang), label, rank, nports);
	else
		doc_para(b->d, TR(b, "No packet from %s went to %s.", "%sから%s宛のパケットはありませんでした。"),
			 country_name(cc, b->d->lang), label);
	snprintf(text, sizeof(text), TR(b, "Daily packets to %s from %s", "%2$sから%1$s宛のパケット観測数の推移"),
		 label, country_name(cc, b->d->lang));
	c = doc_chart(b->d, "chart_port_cc", figure_caption(b, text), CHART_LINE, st->ndays, 1);
	free(c->id);
	c->id = xasprintf("chart_port_%u_%u_%s", pid->port, pid->proto, code);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	c->names[0] = xstrdup(country_name(cc, b->d->lang));
	for (int d = 0; d < st->ndays; d++) {
		const uint64_t *v = counters_find(&st->cross, rkey(K_PORT_COUNTRY_DAY, (unsigned)j, 0,
								 (unsigned)cc, (unsigned)d));

		c->days[d] = b->o->from + d;
		if (day_has_data(st, d))
			chart_set(c, 0, d, v ? v[0] : 0);
	}
}

static void focus_port(struct build *b, int j)
{
	const struct report_stats *st = b->st;
	const struct port_id *pid = &b->o->ports[j];
	struct cc_count counts[CC_SLOTS];
	int ncc = 0, series, top, nlong = st->long_to - st->long_from + 1;
	uint64_t total = 0;
	char label[64], text[256], from[32], to[32], pk[40];
	struct table *t;
	struct chart *c;

	port_label(pid->proto, pid->port, b->d->lang, label, sizeof(label));
	doc_heading(b->d, 3, "%d.%d %s", b->section, j + 1, label);
	memset(counts, 0, sizeof(counts));
	for (int cc = 0; cc < CC_SLOTS; cc++)
		counts[cc].cc = cc;
	for (size_t i = 0; i < st->cross.len; i++) {
		const struct counter *e = counter_at(&st->cross, i);

		if (key_kind(e->key) == K_PORT_COUNTRY_DAY && (int)key_sensor(e->key) == j)
			counts[key_port(e->key)].packets += e->v[0];
	}
	qsort(counts, CC_SLOTS, sizeof(*counts), cmp_cc_packets);
	while (ncc < CC_SLOTS && counts[ncc].packets)
		total += counts[ncc++].packets;
	fmt_count(total, pk, sizeof(pk));
	doc_para(b->d, TR(b, "%s received %s packets in the period (by source region, from port × country rows).",
			  "期間中の%s宛のパケットは%sでした（送信元地域別の集計による）。"), label, pk);
	series = ncc < STACK_COUNTRIES ? ncc : STACK_COUNTRIES;
	snprintf(text, sizeof(text), TR(b, "Daily packets to %s by source region",
					"%s宛パケット観測数の主な送信元地域ごとの推移"), label);
	/* a port never seen still gets its chart: zeros, under its own name */
	c = doc_chart(b->d, "chart_port", figure_caption(b, text), CHART_STACKED,
		      st->ndays, ncc ? series + (ncc > series) : 1);
	free(c->id);
	c->id = xasprintf("chart_port_%u_%u", pid->port, pid->proto);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	for (int i = 0; i < series; i++)
		c->names[i] = xstrdup(country_name(counts[i].cc, b->d->lang));
	if (ncc > series)
		c->names[series] = xstrdup(TR(b, "Other", "その他"));
	if (!ncc)
		c->names[0] = xstrdup(label);
	for (int d = 0; d < st->ndays; d++) {
		c->days[d] = b->o->from + d;
		if (day_has_data(st, d))
			for (int s = 0; s < c->nseries; s++)
				chart_set(c, s, d, 0);
	}
	for (size_t i = 0; i < st->cross.len; i++) {
		const struct counter *e = counter_at(&st->cross, i);
		uint64_t key = e->key;
		int s, d;

		if (key_kind(key) != K_PORT_COUNTRY_DAY || (int)key_sensor(key) != j)
			continue;
		d = (int)key_day(key);
		if (!day_has_data(st, d))
			continue;
		for (s = 0; s < series && counts[s].cc != (int)key_port(key); s++)
			;
		if (s < c->nseries)
			chart_add(c, s, d, e->v[0]);
	}
	top = ncc < b->o->top ? ncc : b->o->top;
	snprintf(text, sizeof(text), TR(b, "Source regions of %s", "%s宛パケットの送信元地域"), label);
	t = doc_table(b->d, "port_countries", table_caption(b, text), 6);
	free(t->id);
	t->id = xasprintf("port_%u_%u_countries", pid->port, pid->proto);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	region_cols(b, t, 1);
	table_col(t, 3, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	table_col(t, 4, TR(b, "Share", "割合"), "share_pct", COL_BOTH | COL_NUM);
	table_col(t, 5, "", "port", COL_CSV);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);
		char port[32];

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		region_cells(b, t, r, 1, counts[i].cc);
		table_set_u64(t, r, 3, counts[i].packets);
		table_set_pct(t, r, 4, total ? 100.0 * (double)counts[i].packets / (double)total : 0);
		port_csv(pid->proto, pid->port, port, sizeof(port));
		table_set(t, r, 5, port, port);
	}
	fmt_date(b, st->long_from, from, sizeof(from));
	fmt_date(b, st->long_to, to, sizeof(to));
	snprintf(text, sizeof(text), TR(b, "Daily packets to %s, %s – %s (all the data holds)",
					"%2$s～%3$sの%1$s宛のパケット観測数（保有する全データ）"),
		 label, from, to);
	c = doc_chart(b->d, "chart_port_long", figure_caption(b, text), CHART_LINE, nlong, 1);
	free(c->id);
	c->id = xasprintf("chart_port_%u_%u_long", pid->port, pid->proto);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	c->names[0] = xstrdup(label);
	for (int d = 0; d < nlong; d++) {
		c->days[d] = st->long_from + d;
		if (st->long_seen[d])
			chart_set(c, 0, d, st->long_port[j][d]);
	}
	for (int fi = 0; fi < st->nfocus; fi++)
		focus_port_country(b, j, fi, label);
}

void build_focus_ports(struct build *b)
{
	if (!b->o->n_ports)
		return;
	doc_heading(b->d, 2, "%d. %s", ++b->section, TR(b, "Ports in focus", "注目したポート"));
	for (int j = 0; j < b->o->n_ports; j++)
		focus_port(b, j);
}
