// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Backscatter incidents, as seed 000 shows Japan's and Taiwan's in 2022 Q3
 * (表3/表4): for each burst of a country's backscatter (the events'
 * backscatter_burst), a presence table over the consecutive days around
 * it, one row per victim organisation (its AS organisation, its addresses
 * beneath), a mark on each day it sent backscatter, and the service port
 * most of it came from. Bursts a few days apart are one incident, as the
 * seed's ten days of Taiwan are. --anonymize shows organisations as the
 * seeds publish them (anonymize.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/strbuf.h"
#include "report/sections/section.h"

#define INCIDENT_MERGE_GAP 7	/* bursts this close are one incident */
#define INCIDENT_MAX_DAYS 14	/* columns of one table */
#define INCIDENT_MAX_ADDRS 4	/* addresses shown beneath an organisation */
#define VICTIMS_ROWS 20		/* without a burst: the organisations listed */

struct incident {
	int first, last;	/* period day indexes of the table's columns */
};

/* One row: the addresses of an organisation (same ASN and name), or one
 * address without either. */
struct victim_org {
	const struct bs_source **src;
	size_t nsrc;
	uint64_t packets;
	int first_mark;		/* first day index with a mark in the incident */
};

static int cmp_src_org(const void *a, const void *b)
{
	const struct bs_source *x = *(const struct bs_source *const *)a;
	const struct bs_source *y = *(const struct bs_source *const *)b;
	int c;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	if ((c = strcmp(x->as_org, y->as_org)))
		return c;
	return strcmp(x->ip, y->ip);
}

static bool same_org(const struct bs_source *x, const struct bs_source *y)
{
	return (x->asn || x->as_org[0]) && x->asn == y->asn && !strcmp(x->as_org, y->as_org);
}

static int cmp_org(const void *a, const void *b)
{
	const struct victim_org *x = a, *y = b;

	if (x->first_mark != y->first_mark)
		return x->first_mark < y->first_mark ? -1 : 1;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return cmp_src_org(&x->src[0], &y->src[0]);
}

/* The incidents of cc: its bursts inside the period, a day either side,
 * bursts merged while the table stays within INCIDENT_MAX_DAYS. */
static int find_incidents(struct build *b, int cc, struct incident *out, int max)
{
	int n = 0;

	for (size_t i = 0; i < b->events->n; i++) {
		const struct event *e = &b->events->v[i];
		int first = e->first_day - b->o->from - 1, last = e->last_day - b->o->from + 1;

		if (e->type != EV_BACKSCATTER_BURST || e->country != cc)
			continue;
		if (first < 0)
			first = 0;
		if (last > b->st->ndays - 1)
			last = b->st->ndays - 1;
		if (n && first - out[n - 1].last <= INCIDENT_MERGE_GAP &&
		    last - out[n - 1].first < INCIDENT_MAX_DAYS) {
			out[n - 1].last = last;
		} else if (n < max) {
			out[n++] = (struct incident){ first, last };
		}
	}
	return n;
}

/* The organisations of cc with a mark in the incident, in table order. */
static struct victim_org *incident_orgs(const struct report_stats *st, int cc,
					const struct incident *in, size_t *norgs,
					const struct bs_source ***all)
{
	const struct bs_source **src = *all = xcalloc(st->nbs + 1, sizeof(*src));
	struct victim_org *orgs;
	size_t n = 0, k = 0;

	for (size_t i = 0; i < st->nbs; i++) {
		bool marked = false;

		for (int d = in->first; d <= in->last && !marked; d++)
			marked = bs_day(st->bs[i], d);
		if (st->bs[i]->country == cc && marked)
			src[n++] = st->bs[i];
	}
	qsort(src, n, sizeof(*src), cmp_src_org);
	orgs = xcalloc(n + 1, sizeof(*orgs));
	for (size_t i = 0; i < n; i++) {
		struct victim_org *o;

		if (!k || !same_org(orgs[k - 1].src[0], src[i]))
			orgs[k++] = (struct victim_org){ .src = &src[i], .first_mark = in->last + 1 };
		o = &orgs[k - 1];
		o->nsrc++;
		o->packets += src[i]->packets;
		for (int d = in->first; d <= in->last; d++)
			if (bs_day(src[i], d) && d < o->first_mark)
				o->first_mark = d;
	}
	qsort(orgs, k, sizeof(*orgs), cmp_org);
	*norgs = k;
	return orgs;
}

/* The port most of an organisation's backscatter came from. */
static struct bs_port org_port(const struct victim_org *o)
{
	struct bs_port best = { 0 };

	for (size_t i = 0; i < o->nsrc; i++)
		for (size_t j = 0; j < o->src[i]->nports; j++) {
			struct bs_port p = o->src[i]->ports[j];

			for (size_t k = 0; k < o->nsrc; k++)	/* the same port elsewhere */
				for (size_t m = 0; m < o->src[k]->nports; m++)
					if ((k != i || m != j) && o->src[k]->ports[m].proto == p.proto &&
					    o->src[k]->ports[m].port == p.port)
						p.packets += o->src[k]->ports[m].packets;
			if (p.packets > best.packets ||
			    (p.packets == best.packets && best.packets &&
			     (p.proto < best.proto || (p.proto == best.proto && p.port < best.port))))
				best = p;
		}
	return best;
}

static bool org_marked(const struct victim_org *o, int di)
{
	for (size_t k = 0; k < o->nsrc; k++)
		if (bs_day(o->src[k], di))
			return true;
	return false;
}

/* Columns 0 … 5 of a table of organisations. */
static void org_cols(struct build *b, struct table *t)
{
	/* anonymised, nothing that names the victim is written anywhere */
	unsigned named = b->o->anonymize ? 0 : COL_CSV;

	table_col(t, 0, TR(b, "Organisation", "送信元組織"), "organisation", COL_BOTH);
	table_col(t, 1, TR(b, "Addresses", "送信元IPアドレス"), "addresses", named | (named ? COL_PAGE : 0));
	table_col(t, 2, "ASN", "asn", named);
	table_col(t, 3, "", "as_org", named);
	table_col(t, 4, TR(b, "Source port", "送信元ポート"), "dominant_src_port", COL_BOTH);
	table_col(t, 5, TR(b, "Packets", "パケット数"), "packets", COL_BOTH | COL_NUM);
}

static void org_cells(struct build *b, struct table *t, int r, const struct victim_org *o)
{
	const struct bs_source *s = o->src[0];
	struct strbuf csv = { 0 };
	char name[200], asn[24], addrs[INCIDENT_MAX_ADDRS * 48 + 48];
	size_t used = 0;

	snprintf(asn, sizeof(asn), "%llu", (unsigned long long)s->asn);
	if (victim_label(b, s, name, sizeof(name))) {
		table_set(t, r, 0, name, name);
		table_set(t, r, 1, "", "");
		table_set(t, r, 2, "", "");
		table_set(t, r, 3, "", "");
		return;
	}
	if (s->as_org[0])
		snprintf(name, sizeof(name), "%s", s->as_org);
	else if (s->asn)
		snprintf(name, sizeof(name), "AS%s", asn);
	else
		snprintf(name, sizeof(name), "%s", s->ip);
	addrs[0] = '\0';
	for (size_t i = 0; i < o->nsrc; i++) {
		if (i < INCIDENT_MAX_ADDRS)
			used += (size_t)snprintf(addrs + used, sizeof(addrs) - used, "%s%s",
						 i ? ", " : "", o->src[i]->ip);
		if (i)
			sb_append(&csv, " ", 1);
		sb_append(&csv, o->src[i]->ip, strlen(o->src[i]->ip));
	}
	if (o->nsrc > INCIDENT_MAX_ADDRS)
		snprintf(addrs + used, sizeof(addrs) - used, TR(b, " and %zu more", " ほか%zu件"),
			 o->nsrc - INCIDENT_MAX_ADDRS);
	table_set(t, r, 0, name, name);
	table_set(t, r, 1, addrs, csv.buf);
	table_set(t, r, 2, s->asn ? asn : "", s->asn ? asn : "");
	table_set(t, r, 3, "", s->as_org);
	sb_free(&csv);
}

static int cmp_org_packets(const void *a, const void *b)
{
	const struct victim_org *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return cmp_src_org(&x->src[0], &y->src[0]);
}

/* Without a burst: the organisations of cc that sent the most backscatter
 * over the period, with the number of days they did. */
/* Cells 0 … 5 of an organisation's row. */
static void org_row(struct build *b, struct table *t, int r, const struct victim_org *o)
{
	struct bs_port p = org_port(o);
	char port[32], csv[32];

	org_cells(b, t, r, o);
	if (p.proto == 1 || p.proto == 58)	/* ICMP has no port: its name alone */
		port[0] = '\0';
	else
		snprintf(port, sizeof(port), "%u/", p.port);
	proto_label(p.proto, port + strlen(port), sizeof(port) - strlen(port));
	port_csv(p.proto, p.port, csv, sizeof(csv));
	table_set(t, r, 4, port, csv);
	table_set_u64(t, r, 5, o->packets);
}

static void victims_table(struct build *b, int cc)
{
	const struct report_stats *st = b->st;
	struct incident all = { 0, st->ndays - 1 };
	const struct bs_source **src;
	size_t norgs;
	struct victim_org *orgs = incident_orgs(st, cc, &all, &norgs, &src);
	char text[256], code[3], id[64];
	struct table *t;

	if (norgs) {
		qsort(orgs, norgs, sizeof(*orgs), cmp_org_packets);
		if (norgs > VICTIMS_ROWS)
			norgs = VICTIMS_ROWS;
		cc_code(cc, code);
		snprintf(text, sizeof(text), TR(b, "Backscatter from %s: the victim organisations",
						"%sからの跳ね返りパケットの送信元組織"),
			 country_name(cc, b->d->lang));
		snprintf(id, sizeof(id), "backscatter_victims_%s", code);
		t = doc_table(b->d, id, table_caption(b, text), 7);
		org_cols(b, t);
		table_col(t, 6, TR(b, "Days", "日数"), "days", COL_BOTH | COL_NUM);
		for (size_t i = 0; i < norgs; i++) {
			int r = table_row(t), days = 0;

			org_row(b, t, r, &orgs[i]);
			for (int d = 0; d < st->ndays; d++)
				days += org_marked(&orgs[i], d);
			table_set_u64(t, r, 6, (unsigned long long)days);
		}
	}
	free(src);
	free(orgs);
}

static void incident_table(struct build *b, int cc, int nth, const struct incident *in)
{
	const struct report_stats *st = b->st;
	int ndays = in->last - in->first + 1;
	size_t norgs;
	const struct bs_source **src;
	struct victim_org *orgs = incident_orgs(st, cc, in, &norgs, &src);
	char text[256], code[3], from[32], to[32], id[64];
	struct table *t;

	cc_code(cc, code);
	fmt_date(b, b->o->from + in->first, from, sizeof(from));
	fmt_date(b, b->o->from + in->last, to, sizeof(to));
	snprintf(text, sizeof(text), TR(b, "Backscatter from %s, %s – %s: victim organisation × day",
					"%sからの跳ね返りパケットの観測状況（%s～%s）"),
		 country_name(cc, b->d->lang), from, to);
	snprintf(id, sizeof(id), "backscatter_incident_%s_%d", code, nth);
	t = doc_table(b->d, id, table_caption(b, text), 6 + ndays);
	t->presence = true;
	org_cols(b, t);
	for (int i = 0; i < ndays; i++) {
		char iso[11];
		int y, m, dd;

		format_day(b->o->from + in->first + i, iso);
		ymd_from_day(b->o->from + in->first + i, &y, &m, &dd);
		snprintf(text, sizeof(text), "%d/%d", m, dd);
		table_col(t, 6 + i, text, iso, COL_BOTH);
	}
	for (size_t i = 0; i < norgs; i++) {
		int r = table_row(t);

		org_row(b, t, r, &orgs[i]);
		for (int d = 0; d < ndays; d++) {
			bool mark = org_marked(&orgs[i], in->first + d);

			table_set(t, r, 6 + d, mark ? "○" : "", mark ? "1" : "");
		}
	}
	free(src);
	free(orgs);
}

void backscatter_incidents(struct build *b, int cc)
{
	struct incident in[16];
	int n = find_incidents(b, cc, in, 16);
	char code[3];

	char times[16], times_en[32];

	snprintf(times, sizeof(times), "%d", n);
	snprintf(times_en, sizeof(times_en), n == 1 ? "once" : n == 2 ? "twice" : "%d times", n);
	cc_code(cc, code);
	if (!n) {
		doc_para(b->d, TR(b, "The backscatter from addresses in %s (%s) did not burst in this period.",
				  "本期間、%s（%s）を送信元とする跳ね返りパケットに急増はありませんでした。"),
			 country_name(cc, b->d->lang), code);
		victims_table(b, cc);
		return;
	}
	doc_para(b->d, TR(b, "The backscatter from addresses in %s burst %s in this period; for "
			  "each, the organisations whose addresses sent it, on which days (○), and "
			  "the service port most of it came from (over the period). Packets: over the "
			  "period.",
			  "本期間、%sを送信元とする跳ね返りパケットが%s回急増しました。それぞれについて、"
			  "送信元となった組織、観測された日（○）、最も多かった送信元ポート（期間全体）を示します。"
			  "パケット数は期間全体のものです。"),
		 country_name(cc, b->d->lang), b->d->lang == LANG_JA ? times : times_en);
	for (int i = 0; i < n; i++)
		incident_table(b, cc, i + 1, &in[i]);
}
