// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Mirai-type packets from the focus country: its top ports, all packets
 * beside the Mirai-type ones, and the share. */
#include <stdio.h>
#include <stdlib.h>
#include "report/sections/section.h"

void build_mirai(struct build *b)
{
	const struct report_stats *st = b->st;
	size_t n;
	struct port_total *p = rank_ports(&st->cross, K_PORT_FOCUS, 0, &n);
	int top = (int)n < b->o->top ? (int)n : b->o->top, cc = st->focus_country;
	uint64_t all = 0, mirai = 0;
	char text[200], a[40], m[40], code[3];
	struct table *t;

	cc_code(cc, code);
	snprintf(text, sizeof(text), TR(b, "Mirai-type packets from %s", "%sを送信元とする Mirai 型パケット"),
		 country_name(cc, b->d->lang));
	doc_heading(b->d, 2, "%d. %s", ++b->section, text);
	for (size_t i = 0; i < n; i++) {
		all += p[i].packets;
		mirai += p[i].mirai;
	}
	fmt_count(all, a, sizeof(a));
	fmt_count(mirai, m, sizeof(m));
	doc_para(b->d, TR(b, "A Mirai-type packet is a TCP SYN whose sequence number equals its "
			  "destination address, as Mirai and its descendants send. Of the %s packets "
			  "from %s, %s (%.1f%%) were Mirai-type.",
			  "Mirai 型パケットは、シーケンス番号が宛先 IP アドレスと等しい TCP SYN パケットで、"
			  "Mirai とその亜種が送信します。%2$sを送信元とするパケット %1$s のうち、"
			  "Mirai 型は %3$s（%4$.1f%%）でした。"),
		 a, country_name(cc, b->d->lang), m, all ? 100.0 * (double)mirai / (double)all : 0);
	snprintf(text, sizeof(text), TR(b, "Top %d ports from %s: all packets and Mirai-type",
					"%2$sを送信元としたポート別トップ %1$d：全パケットと Mirai 型"),
		 top, country_name(cc, b->d->lang));
	t = doc_table(b->d, "mirai", table_caption(b, text), 7);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	port_cols(b, t, 1);
	table_col(t, 4, TR(b, "All packets", "全パケット"), "packets", COL_BOTH | COL_NUM);
	table_col(t, 5, TR(b, "Mirai-type", "Mirai 型"), "mirai", COL_BOTH | COL_NUM);
	table_col(t, 6, TR(b, "Share", "割合"), "share_pct", COL_BOTH | COL_NUM);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		port_cells(t, r, 1, p[i].proto, p[i].port);
		table_set_u64(t, r, 4, p[i].packets);
		table_set_u64(t, r, 5, p[i].mirai);
		table_set_pct(t, r, 6, p[i].packets ? 100.0 * (double)p[i].mirai / (double)p[i].packets : 0);
	}
	free(p);
}
