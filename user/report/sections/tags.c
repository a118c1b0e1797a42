// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Tags: who sent the packets, as far as single packets tell. For every tag
 * of tags.csv in the period: its share of all packets, its top ports and
 * source regions, and a daily chart. Without tags.csv (data from before
 * the sensors tagged) there is no section at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "report/sections/section.h"

static int cmp_tag(const void *a, const void *b)
{
	const struct tag_stats *x = *(struct tag_stats *const *)a;
	const struct tag_stats *y = *(struct tag_stats *const *)b;

	return cmp_count_name(x->packets, x->name, y->packets, y->name);
}

static uint64_t period_packets(const struct report_stats *st)
{
	uint64_t packets = 0;

	for (int d = 0; d < st->ndays; d++)
		packets += st->day[d].packets;
	return packets;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static int tag_index(const struct report_stats *st, const struct tag_stats *tg)
{
	for (int i = 0; i < st->ntags; i++)
		if (st->tags[i] == tg)
			return i;
	return -1;
}

static const char *sources_heading(struct build *b)
{
	return TR(b, "Sources (Σ per interval)", "送信元数（集計間隔ごとの合計）");
}

static const char *kind_words(struct build *b, const char *kind)
{
	if (!strcmp(kind, "fingerprint"))
		return TR(b, "a scanner fingerprint", "スキャナーのフィンガープリント");
	if (!strcmp(kind, "list"))
		return TR(b, "a labelled address list", "ラベル付きアドレスリスト");
	return TR(b, "a payload rule", "ペイロードのルール");
}

static void intro(struct build *b, uint64_t all)
{
	const struct report_stats *st = b->st;
	uint64_t tagged = 0;
	char a[40], t[40];

	doc_para(b->d, "%s", TR(b,
		"The sensors tag each packet with the scanner fingerprints, payload rules and "
		"labelled address lists it matches. A fingerprint is a pattern a tool's packets "
		"show, but packets from other senders can show it too: fingerprint tags are named "
		"as a type (\"Mirai-type\"), not as proof of the tool. \"listed:\" tags mark sources "
		"in an address list the operator loaded, such as announced research scanners; the "
		"others are payload rules. A packet with several tags counts under each of them.",
		"センサーは、各パケットに、一致したスキャナーのフィンガープリント、ペイロードのルール、"
		"ラベル付きアドレスリストのタグを付けます。フィンガープリントは特定のツールのパケットに"
		"見られる特徴ですが、他の送信元のパケットが一致することもあるため、「Mirai型」のように"
		"「～型」と表記しており、そのツールによるものと断定するものではありません。"
		"「リスト掲載:」は運用者が読み込んだアドレスリスト（公表されている調査目的のスキャナーなど）"
		"に含まれる送信元を、その他はペイロードのルールを示します。複数のタグが付いたパケットは、"
		"それぞれのタグで数えています。"));
	if (!st->tagged_seen)
		return;
	for (int d = 0; d < st->ndays; d++)
		tagged += st->day[d].tagged;
	fmt_count(all, a, sizeof(a));
	fmt_count(tagged, t, sizeof(t));
	doc_para(b->d, TR(b, "Of the %s packets in the period, %s (%.2f%%) carried at least one tag.",
			  "期間中のパケット%sのうち、タグが付いたパケットは%s（%.2f%%）でした。"),
		 a, t, pct(tagged, all));
}

static void overview_table(struct build *b, struct tag_stats **order, uint64_t all)
{
	const struct report_stats *st = b->st;
	struct table *t = doc_table(b->d, "tags",
				    table_caption(b, TR(b, "Tags by packets", "タグ別のパケット数")), 7);

	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	table_col(t, 1, TR(b, "Tag", "タグ"), "name", COL_BOTH);
	table_col(t, 2, "", "tag", COL_CSV);
	table_col(t, 3, "", "kind", COL_CSV);
	table_col(t, 4, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	table_col(t, 5, TR(b, "Share of all packets", "全パケットに占める割合"), "share_pct",
		  COL_BOTH | COL_NUM);
	table_col(t, 6, sources_heading(b), "sources", COL_BOTH | COL_NUM);
	for (int i = 0; i < st->ntags; i++) {
		int r = table_row(t);
		char label[128];

		tag_label(order[i]->name, b->d->lang, label, sizeof(label));
		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		table_set(t, r, 1, label, NULL);
		table_set(t, r, 2, order[i]->name, NULL);
		table_set(t, r, 3, tag_kind(order[i]->name), NULL);
		table_set_u64(t, r, 4, order[i]->packets);
		table_set_pct(t, r, 5, pct(order[i]->packets, all));
		table_set_u64(t, r, 6, order[i]->sources);
	}
	doc_note(b->d, "%s", TR(b,
		"Share: the tag's packets / all packets of the period (totals). Sources: the distinct "
		"sources of each interval and sensor, summed; a source seen in ten intervals counts ten "
		"times.",
		"割合：タグの付いたパケット数 ÷ 期間中の全パケット数。送信元数：集計間隔・センサーごとの"
		"送信元 IPアドレス数の合計（10の集計間隔で観測された送信元は10と数えます）。"));
}

/* A table of one tag: a caption naming the tag, an id from its rank, the
 * rank as its first column. */
static struct table *tag_table(struct build *b, const char *what_en, const char *what_ja,
			       const char *label, int top, const char *what_id, int rank, int ncols)
{
	char text[256], id[48];
	struct table *t;

	if (b->d->lang == LANG_JA)
		snprintf(text, sizeof(text), "%s：%sトップ%d", label, what_ja, top);
	else
		snprintf(text, sizeof(text), "%s: top %d %s", label, top, what_en);
	snprintf(id, sizeof(id), "tag_%d_%s", rank, what_id);
	t = doc_table(b->d, id, table_caption(b, text), ncols);
	table_col(t, 0, TR(b, "Rank", "順位"), "rank", COL_BOTH | COL_NUM);
	return t;
}

/* The columns both tables of a tag end with, from col on: packets, share
 * of the tag's packets, Σ sources, and (CSV only) the tag. */
static void tail_cols(struct build *b, struct table *t, int col)
{
	table_col(t, col, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
	table_col(t, col + 1, TR(b, "Share of the tag", "タグ内の割合"), "share_pct",
		  COL_BOTH | COL_NUM);
	table_col(t, col + 2, sources_heading(b), "sources", COL_BOTH | COL_NUM);
	table_col(t, col + 3, "", "tag", COL_CSV);
}

static void tail_cells(struct table *t, int r, int col, const struct tag_stats *tg,
		       uint64_t packets, uint64_t sources)
{
	table_set_u64(t, r, col, packets);
	table_set_pct(t, r, col + 1, pct(packets, tg->packets));
	table_set_u64(t, r, col + 2, sources);
	table_set(t, r, col + 3, tg->name, NULL);
}

static void ports_table(struct build *b, const struct tag_stats *tg, int rank, const char *label,
			const struct port_total *p, int n)
{
	int top = n < b->o->top ? n : b->o->top;
	struct table *t = tag_table(b, "destination ports", "宛先ポート番号", label, top,
				    "ports", rank, 8);

	port_cols(b, t, 1);
	tail_cols(b, t, 4);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		port_cells(b, t, r, 1, p[i].proto, p[i].port);
		tail_cells(t, r, 4, tg, p[i].packets, p[i].sources);
	}
}

/* The tag's source regions, ranked by packets, into counts; how many. */
static int rank_countries(const struct report_stats *st, const struct tag_stats *tg,
			  struct cc_count counts[CC_SLOTS])
{
	const struct hmap *m = &st->tag_cross;
	int id = tag_index(st, tg), ncc = 0;

	memset(counts, 0, CC_SLOTS * sizeof(*counts));
	for (int cc = 0; cc < CC_SLOTS; cc++)
		counts[cc].cc = cc;
	for (size_t i = 0; i < m->len; i++) {
		const struct counter *c = counter_at(m, i);

		if (key_kind(c->key) == K_TAG_COUNTRY && (int)key_sensor(c->key) == id) {
			counts[key_port(c->key)].packets += c->v[0];
			counts[key_port(c->key)].sources += c->v[1];
		}
	}
	qsort(counts, CC_SLOTS, sizeof(*counts), cmp_cc_packets);
	while (ncc < CC_SLOTS && counts[ncc].packets)
		ncc++;
	return ncc;
}

static void countries_table(struct build *b, const struct tag_stats *tg, int rank,
			    const char *label, const struct cc_count *counts, int ncc)
{
	int top = ncc < b->o->top ? ncc : b->o->top;
	struct table *t = tag_table(b, "source regions", "送信元地域", label, top,
				    "countries", rank, 7);

	region_cols(b, t, 1);
	tail_cols(b, t, 3);
	for (int i = 0; i < top; i++) {
		int r = table_row(t);

		table_set_u64(t, r, 0, (unsigned long long)(i + 1));
		region_cells(b, t, r, 1, counts[i].cc);
		tail_cells(t, r, 3, tg, counts[i].packets, counts[i].sources);
	}
}

/* Days without any totals row stay NaN: a gap, not zero. */
static void daily_chart(struct build *b, const struct tag_stats *tg, int rank, const char *label)
{
	const struct report_stats *st = b->st;
	char text[256], id[48];
	struct chart *c;

	snprintf(text, sizeof(text), TR(b, "Daily %s packets", "%sパケット観測数の推移"), label);
	snprintf(id, sizeof(id), "chart_tag_%d", rank);
	c = doc_chart(b->d, id, figure_caption(b, text), CHART_LINE, st->ndays, 1);
	c->y_label = xstrdup(TR(b, "packets per day", "パケット数/日"));
	c->names[0] = xstrdup(label);
	for (int d = 0; d < st->ndays; d++) {
		c->days[d] = b->o->from + d;
		if (day_has_data(st, d))
			chart_set(c, 0, d, tg->packets_day[d]);
	}
}

static void tag_section(struct build *b, const struct tag_stats *tg, int rank, uint64_t all)
{
	size_t nports;
	struct port_total *p = rank_ports(&b->st->tag_cross, K_TAG_PORT, tag_index(b->st, tg),
					  &nports);
	struct cc_count counts[CC_SLOTS];
	int ncc = rank_countries(b->st, tg, counts);
	char label[128], count[40], port[64];
	const char *kind = kind_words(b, tag_kind(tg->name));

	tag_label(tg->name, b->d->lang, label, sizeof(label));
	doc_heading(b->d, 3, "%d.%d %s", b->section, rank, label);
	fmt_count(tg->packets, count, sizeof(count));
	if (nports)
		port_label(p[0].proto, p[0].port, b->d->lang, port, sizeof(port));
	else
		snprintf(port, sizeof(port), "-");
	if (b->d->lang == LANG_JA)
		doc_para(b->d, "%s（タグ%s、%s）：%sパケット（期間中の全パケットの%.2f%%）。"
			 "最も多い宛先は%s、送信元地域は%sでした。", label, tg->name, kind, count,
			 pct(tg->packets, all), port, ncc ? country_name(counts[0].cc, LANG_JA) : "-");
	else
		doc_para(b->d, "%s (tag %s, %s): %s packets, %.2f%% of all packets in the period. "
			 "Most went to %s and came from %s.", label, tg->name, kind, count,
			 pct(tg->packets, all), port, ncc ? country_name(counts[0].cc, LANG_EN) : "-");
	ports_table(b, tg, rank, label, p, (int)nports);
	countries_table(b, tg, rank, label, counts, ncc);
	daily_chart(b, tg, rank, label);
	free(p);
}

void build_tags(struct build *b)
{
	const struct report_stats *st = b->st;
	struct tag_stats **order;
	uint64_t all;

	if (!st->ntags)
		return;
	order = xcalloc((size_t)st->ntags, sizeof(*order));
	memcpy(order, st->tags, (size_t)st->ntags * sizeof(*order));
	qsort(order, (size_t)st->ntags, sizeof(*order), cmp_tag);
	all = period_packets(st);
	doc_heading(b->d, 2, "%d. %s", ++b->section, TR(b, "Tags", "タグ"));
	intro(b, all);
	overview_table(b, order, all);
	for (int i = 0; i < st->ntags; i++)
		tag_section(b, order[i], i + 1, all);
	free(order);
}
