// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Helpers of more than one section: captions, dates, ranks, regions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/sections/section.h"

void fmt_date(const struct build *b, int day, char *buf, size_t len)
{
	int y, m, d;

	ymd_from_day(day, &y, &m, &d);
	if (b->d->lang == LANG_JA)
		snprintf(buf, len, "%d年%d月%d日", y, m, d);
	else
		snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

const char *table_caption(struct build *b, const char *text)
{
	snprintf(b->caption, sizeof(b->caption), TR(b, "Table %d: %s", "表%d：%s"),
		 ++b->tables, text);
	return b->caption;
}

const char *figure_caption(struct build *b, const char *text)
{
	snprintf(b->caption, sizeof(b->caption), TR(b, "Figure %d: %s", "図%d：%s"),
		 ++b->figures, text);
	return b->caption;
}

bool day_has_data(const struct report_stats *st, int di)
{
	return st->day[di].rows > 0;
}

static int cmp_port_total(const void *a, const void *b)
{
	const struct port_total *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

struct port_total *rank_ports(const struct hmap *m, enum key_kind kind,
			      int sensor, size_t *n)
{
	struct hmap sums;
	struct port_total *out;
	size_t k = 0;

	counters_init(&sums);
	for (size_t i = 0; i < m->len; i++) {
		const struct counter *c = counter_at(m, i);
		uint64_t key = c->key, *v;

		if (!key || key_kind(key) != kind ||
		    ((kind == K_SENSOR_PORT_DAY || kind == K_TAG_PORT || kind == K_PORT_FOCUS) &&
		     (int)key_sensor(key) != sensor))
			continue;
		v = counters_get(&sums, rkey(kind, 0, key_proto(key), key_port(key), 0));
		v[0] += c->v[0];
		v[1] += c->v[1];
	}
	out = xcalloc(sums.len + 1, sizeof(*out));
	for (size_t i = 0; i < sums.len; i++) {
		const struct counter *c = counter_at(&sums, i);

		out[k++] = (struct port_total){ (uint8_t)key_proto(c->key),
						(uint16_t)key_port(c->key), c->v[0],
						kind == K_PORT_DAY || kind == K_PORT_FOCUS ?
							c->v[1] : 0,
						kind == K_TAG_PORT ? c->v[1] : 0 };
	}
	hmap_free(&sums);
	qsort(out, k, sizeof(*out), cmp_port_total);
	*n = k;
	return out;
}

int cmp_cc_packets(const void *a, const void *b)
{
	const struct cc_count *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return x->cc - y->cc;
}

void region_cols(struct build *b, struct table *t, int col)
{
	table_col(t, col, TR(b, "Source region", "送信元地域"), "name", COL_BOTH);
	table_col(t, col + 1, "", "country", COL_CSV);
}

void region_cells(struct build *b, struct table *t, int row, int col, int cc)
{
	char code[3];

	table_set(t, row, col, country_name(cc, b->d->lang), NULL);
	cc_code(cc, code);
	table_set(t, row, col + 1, code, NULL);
}

void port_cols(struct build *b, struct table *t, int col)
{
	table_col(t, col, TR(b, "Destination port", "宛先ポート番号"), "label", COL_PAGE);
	table_col(t, col + 1, "", "proto", COL_CSV);
	table_col(t, col + 2, "", "port", COL_CSV);
}

void port_cells(struct build *b, struct table *t, int row, int col, uint8_t proto, uint16_t port)
{
	char label[64], num[8];

	port_label(proto, port, b->d->lang, label, sizeof(label));
	table_set(t, row, col, label, NULL);
	table_set(t, row, col + 1, proto_name(proto, num), NULL);
	snprintf(num, sizeof(num), "%u", port);
	table_set(t, row, col + 2, num, NULL);
}

int cmp_count_name(uint64_t a, const char *a_name, uint64_t b, const char *b_name)
{
	if (a != b)
		return a > b ? -1 : 1;
	return strcmp(a_name, b_name);
}

void mark_partial_days(struct build *b)
{
	const struct report_stats *st = b->st;
	unsigned char *partial = xcalloc((size_t)st->ndays + 1, 1);

	for (int d = 0; d < st->ndays; d++)
		partial[d] = day_has_data(st, d) && stats_day_partial(st, d);
	for (size_t i = 0; i < b->d->nblocks; i++) {
		struct chart *c = b->d->blocks[i].chart;

		if (b->d->blocks[i].kind != BLK_CHART || c->npoints != st->ndays ||
		    !c->npoints || c->days[0] != b->o->from)
			continue;
		memcpy(c->partial, partial, (size_t)st->ndays);
	}
	free(partial);
}

void fmt_duration(struct build *b, int64_t secs, char *buf, size_t len)
{
	int64_t d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60;

	if (b->d->lang == LANG_JA)
		snprintf(buf, len, d ? "%lld日%lld時間%lld分" : "%.0lld%lld時間%lld分",
			 (long long)d, (long long)h, (long long)m);
	else
		snprintf(buf, len, d ? "%lld d %lld h %lld min" : "%.0lld%lld h %lld min",
			 (long long)d, (long long)h, (long long)m);
}
