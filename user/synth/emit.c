// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include "common/calendar.h"
#include "common/contract.h"
#include "lib/csv.h"
#include "lib/hmap.h"
#include "synth/emit.h"
#include "synth/world.h"

/*
 * An interval's rows, summed by key in hash maps (lib/hmap.h: records in
 * the order first seen, no cap), and its distinct sources: an address
 * counts once per row it has packets in. A source has one country, the
 * one of its first flow in the interval (the sensor looks it up by the
 * address), so each per-source file adds up to the same packets and
 * sources (docs/csv.md, "The sums that always hold").
 */
enum row_kind { ROW_PORT, ROW_COUNTRY, ROW_PLACE, ROW_TAG, ROW_KINDS };

struct row_key {
	uint8_t kind, proto;	/* enum row_kind */
	uint16_t port;
	int32_t country, tag;
};

struct row_sums {
	uint64_t packets, bytes, mirai, sources;
};

/* (source, row): the set that counts a row's distinct sources. */
struct seen_key {
	uint32_t ip;
	struct row_key row;
};

/* A sources.csv row: the address's packets and its first flow. */
struct source {
	int flow;
	uint64_t packets, bytes;
};

struct interval_sums {
	struct hmap rows[ROW_KINDS];	/* row_key -> row_sums */
	struct hmap seen;		/* seen_key, no value */
	struct hmap sources;		/* address -> source */
	struct hmap victims;		/* victim index -> backscatter packets */
};

static void sums_init(struct interval_sums *m)
{
	for (int k = 0; k < ROW_KINDS; k++)
		hmap_init(&m->rows[k], sizeof(struct row_key), sizeof(struct row_sums));
	hmap_init(&m->seen, sizeof(struct seen_key), 0);
	hmap_init(&m->sources, sizeof(uint32_t), sizeof(struct source));
	hmap_init(&m->victims, sizeof(int), sizeof(uint64_t));
}

static void sums_free(struct interval_sums *m)
{
	for (int k = 0; k < ROW_KINDS; k++)
		hmap_free(&m->rows[k]);
	hmap_free(&m->seen);
	hmap_free(&m->sources);
	hmap_free(&m->victims);
}

static void add(struct interval_sums *m, struct row_key k, const struct flow *f)
{
	struct row_sums *a = hmap_upsert(&m->rows[k.kind], &k);
	struct seen_key s = { .ip = f->ip, .row = k };
	int created;

	a->packets += f->packets;
	a->bytes += f->bytes;
	a->mirai += f->mirai;
	hmap_insert(&m->seen, &s, &created);
	a->sources += (uint64_t)created;
}

static void sum_flows(struct interval_sums *m, const struct flow *flows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct flow *f = &flows[i];
		struct source *src = hmap_find(&m->sources, &f->ip);
		int country;

		if (!src) {
			src = hmap_upsert(&m->sources, &f->ip);
			src->flow = i;
		}
		src->packets += f->packets;
		src->bytes += f->bytes;
		if (f->victim >= 0)
			*(uint64_t *)hmap_upsert(&m->victims, &f->victim) += f->packets;
		country = flows[src->flow].country;
		add(m, (struct row_key){ ROW_PORT, f->proto, f->port, -1, -1 }, f);
		add(m, (struct row_key){ ROW_COUNTRY, 0, 0, country, -1 }, f);
		add(m, (struct row_key){ ROW_PLACE, f->proto, f->port, country, -1 }, f);
		for (int b = 0; b < NTAGS; b++)
			if (f->tags & TAG(b))
				add(m, (struct row_key){ ROW_TAG, f->proto, f->port, country, b }, f);
	}
}

static const struct row_key *row_key(const struct interval_sums *m, int kind, size_t i)
{
	return hmap_key(&m->rows[kind], i);
}

static const struct row_sums *row_sums(const struct interval_sums *m, int kind, size_t i)
{
	return hmap_val(&m->rows[kind], i);
}

static void ip_text(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

void emit_interval(const struct synth_opts *o, int s, int64_t t, const struct flow *flows,
		   int n, struct synth_sink *sink, synth_row_fn emit)
{
	struct interval_sums m;
	struct row_sums total = { 0 };
	uint64_t bs_packets = 0, tagged = 0;
	char when[21], sensor[32], proto[4], ip[20], cc[3];
	struct strbuf sb;
	struct csv_row row;

	snprintf(sensor, sizeof(sensor), "sensor-%02d", s + 1);
	format_time(t, when);
	sb_init(&sb);
	sums_init(&m);
	sum_flows(&m, flows, n);
	for (int i = 0; i < n; i++) {
		total.packets += flows[i].packets;
		total.bytes += flows[i].bytes;
		total.mirai += flows[i].mirai;
		if (flows[i].victim >= 0)
			bs_packets += flows[i].packets;
		if (flows[i].tags)
			tagged += flows[i].packets;
	}
	total.sources = m.sources.len;
	csv_begin(&row, &sb);
#define ROW_DONE(file) do { csv_end(&row); emit(sink, file, sb.buf, sb.len); sb_reset(&sb); } while (0)
	csv_raw(&row, when); csv_raw(&row, sensor);
	csv_u64(&row, total.packets); csv_u64(&row, total.bytes); csv_u64(&row, total.sources);
	for (int z = 0; z < 3; z++)
		csv_u64(&row, 0);	/* malformed, non_ip, overflow */
	csv_u64(&row, 0);		/* fragments */
	csv_u64(&row, total.mirai); csv_u64(&row, bs_packets);
	csv_u64(&row, 0); csv_u64(&row, 0);	/* bs_overflow, quote_mismatch */
	csv_u64(&row, tagged); csv_u64(&row, 0);	/* tag_overflow */
	csv_u64(&row, (uint64_t)o->interval);	/* seconds: synth has no outages */
	ROW_DONE(S_TOTALS);
	for (size_t i = 0; i < m.rows[ROW_PORT].len; i++) {
		const struct row_key *k = row_key(&m, ROW_PORT, i);
		const struct row_sums *a = row_sums(&m, ROW_PORT, i);

		csv_raw(&row, when); csv_raw(&row, sensor);
		csv_raw(&row, proto_name(k->proto, proto));
		csv_u64(&row, k->port); csv_u64(&row, a->packets); csv_u64(&row, a->bytes);
		csv_u64(&row, a->sources); csv_u64(&row, a->mirai);
		ROW_DONE(S_PORTS);
	}
	for (size_t i = 0; i < m.rows[ROW_COUNTRY].len; i++) {
		const struct row_key *k = row_key(&m, ROW_COUNTRY, i);
		const struct row_sums *a = row_sums(&m, ROW_COUNTRY, i);

		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, countries[k->country].cc);
		csv_u64(&row, a->packets); csv_u64(&row, a->sources);
		ROW_DONE(S_COUNTRIES);
	}
	for (size_t i = 0; i < m.rows[ROW_PLACE].len; i++) {
		const struct row_key *k = row_key(&m, ROW_PLACE, i);
		const struct row_sums *a = row_sums(&m, ROW_PLACE, i);

		csv_raw(&row, when); csv_raw(&row, sensor);
		csv_raw(&row, proto_name(k->proto, proto));
		csv_u64(&row, k->port); csv_raw(&row, countries[k->country].cc);
		csv_u64(&row, a->packets); csv_u64(&row, a->sources); csv_u64(&row, a->mirai);
		ROW_DONE(S_PORT_COUNTRIES);
	}
	/* One row per address in the order first seen, as the sensor writes
	 * them; a victim's AS is the victim's, a scanning source's its
	 * country's. */
	for (size_t i = 0; i < m.sources.len; i++) {
		const struct source *src = hmap_val(&m.sources, i);
		const struct flow *f = &flows[src->flow];
		struct victim v;

		ip_text(f->ip, ip, sizeof(ip));
		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, ip);
		csv_raw(&row, countries[f->country].cc);
		if (f->victim >= 0) {
			victim(o->seed, f->victim, &v);
			csv_u64(&row, v.asn);
		} else {
			csv_u64(&row, f->country == SYNTH_NCOUNTRIES - 1 ?
					      0 : 64496 + (uint64_t)f->country);
		}
		csv_u64(&row, src->packets); csv_u64(&row, src->bytes);
		csv_text(&row, f->victim >= 0 ? v.org : countries[f->country].org);
		ROW_DONE(S_SOURCES);
	}
	/* One row per victim (its address, port and kind are the victim's):
	 * a victim drawn twice in an interval is one row of both counts. */
	for (size_t i = 0; i < m.victims.len; i++) {
		const uint64_t *packets = hmap_val(&m.victims, i);
		struct victim v;

		victim(o->seed, *(const int *)hmap_key(&m.victims, i), &v);
		ip_text(v.ip, ip, sizeof(ip));
		snprintf(cc, sizeof(cc), "%s", countries[v.country].cc);
		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, ip); csv_raw(&row, cc);
		csv_u64(&row, v.asn); csv_raw(&row, proto_name(v.proto, proto));
		csv_u64(&row, v.src_port); csv_raw(&row, bs_kind_name(v.kind)); csv_u64(&row, *packets);
		csv_text(&row, v.org);
		ROW_DONE(S_BACKSCATTER);
	}
	for (size_t i = 0; i < m.rows[ROW_TAG].len; i++) {
		const struct row_key *k = row_key(&m, ROW_TAG, i);
		const struct row_sums *a = row_sums(&m, ROW_TAG, i);

		csv_raw(&row, when); csv_raw(&row, sensor); csv_text(&row, tag_name(k->tag));
		csv_raw(&row, proto_name(k->proto, proto));
		csv_u64(&row, k->port); csv_raw(&row, countries[k->country].cc);
		csv_u64(&row, a->packets); csv_u64(&row, a->sources);
		ROW_DONE(S_TAGS);
	}
#undef ROW_DONE
	sb_free(&sb);
	sums_free(&m);
}
