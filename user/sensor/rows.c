// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * From one generation's maps to CSV rows. The flows map holds one entry
 * per (source, protocol, port); every per-source series is derived here:
 * distinct sources per port, per country, per (port, country), and the
 * per-source sums. Each distinct source is geolocated once.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "common/calendar.h"
#include "common/columns.h"
#include "sensor/rows.h"
#include "lib/hmap.h"
#include "sensor/sources.h"
#include "sensor/sourcescsv.h"

struct agg_val {
	__u64 packets, bytes, sources, mirai;
};

/* Keys of the small tables, packed into integers for easy sorting. */
static __u64 port_key(__u8 proto, __u16 port)
{
	return (__u64)proto << 16 | port;
}

static __u64 port_cc_key(__u8 proto, __u16 port, const char *cc)
{
	return port_key(proto, port) << 16 | (__u64)(__u8)cc[0] << 8 | (__u8)cc[1];
}

static int cmp_u64_key(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}


/* A tag row's key, and (with the source) the key that counts sources. */
struct tag_row_key {
	__u8 bit, proto;
	__u16 port;
	char country[3];
	__u8 pad;
};

struct tag_src_key {
	__u8 bit, proto, family, pad;
	__u16 port;
	__u8 addr[16];
};

static int cmp_tag_row(const void *a, const void *b)
{
	const struct tag_row_key *x = a, *y = b;

	if (x->bit != y->bit)
		return x->bit - y->bit;
	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->port != y->port)
		return x->port - y->port;
	return strcmp(x->country, y->country);
}

struct ctx {
	struct source_table src;
	struct hmap ports;    /* u64 -> agg_val */
	struct hmap ccs;      /* u64 (cc) -> agg_val */
	struct hmap port_ccs;
	__u32 *flow_src;      /* record in `src` of each flow entry */
};

/*
 * What the writers offer each series' columns (common/columns.c says
 * which of them a series has, in which order and form). The small tables
 * share one aggregate and one offer: ports has no country, countries no
 * protocol, port, bytes or mirai (what a series lacks is not written).
 */
#define OFFER_NAME(n) #n,
#define AGG_OFFER(X) X(time) X(sensor) X(proto) X(port) X(country) X(packets) X(bytes) \
	X(sources) X(mirai)
#define AO_ENUM(n) AO_##n,
enum agg_offer { AGG_OFFER(AO_ENUM) AO_COUNT };
static const char *const agg_names[AO_COUNT] = { AGG_OFFER(OFFER_NAME) };

/* One row of an aggregate; a key part the series lacks is NULL or 0. */
static void agg_row(struct strbuf *sb, const struct series_layout *l, const char *time,
		    const char *sensor, __u64 proto, __u64 port, const char *cc,
		    const struct agg_val *a)
{
	struct col_value v[AO_COUNT] = {
		[AO_time] = { .s = time }, [AO_sensor] = { .s = sensor },
		[AO_proto] = { .u = proto }, [AO_port] = { .u = port },
		[AO_country] = { .s = cc }, [AO_packets] = { .u = a->packets },
		[AO_bytes] = { .u = a->bytes }, [AO_sources] = { .u = a->sources },
		[AO_mirai] = { .u = a->mirai },
	};
	struct csv_row r;

	series_write_row(&r, sb, l, v);
}

static void agg_rows(struct hmap *m, enum series s, const char *time, const char *sensor,
		     struct strbuf *sb)
{
	struct series_layout l;

	series_layout(&l, s, agg_names, AO_COUNT);
	hmap_sort(m, cmp_u64_key);
	for (size_t i = 0; i < m->len; i++) {
		__u64 k = *(__u64 *)hmap_key(m, i);
		const struct agg_val *a = hmap_val(m, i);
		char cc[3] = { (char)(k >> 8), (char)k, 0 };

		/* the keys as port_key() and port_cc_key() pack them */
		if (s == S_PORTS)
			agg_row(sb, &l, time, sensor, k >> 16, k & 0xffff, NULL, a);
		else if (s == S_COUNTRIES)
			agg_row(sb, &l, time, sensor, 0, 0, cc, a);
		else
			agg_row(sb, &l, time, sensor, (k >> 32) & 0xff, (k >> 16) & 0xffff, cc, a);
	}
}

#define TOTALS_OFFER(X) X(time) X(sensor) X(packets) X(bytes) X(sources) X(malformed) \
	X(non_ip) X(overflow) X(fragments) X(mirai) X(backscatter) X(bs_overflow) \
	X(quote_mismatch) X(tagged) X(tag_overflow) X(seconds)
#define TO_ENUM(n) TO_##n,
enum totals_offer { TOTALS_OFFER(TO_ENUM) TO_COUNT };
static const char *const totals_names[TO_COUNT] = { TOTALS_OFFER(OFFER_NAME) };

static void totals_row(const struct snapshot *snap, __u64 nsrc, const char *time,
		       const char *sensor, struct strbuf *sb)
{
	const struct ts_totals *t = &snap->totals;
	struct col_value v[TO_COUNT] = {
		[TO_time] = { .s = time }, [TO_sensor] = { .s = sensor },
		[TO_packets] = { .u = t->packets }, [TO_bytes] = { .u = t->bytes },
		[TO_sources] = { .u = nsrc }, [TO_malformed] = { .u = t->malformed },
		[TO_non_ip] = { .u = t->non_ip }, [TO_overflow] = { .u = t->overflow },
		[TO_fragments] = { .u = t->fragments }, [TO_mirai] = { .u = t->mirai },
		[TO_backscatter] = { .u = t->backscatter }, [TO_bs_overflow] = { .u = t->bs_overflow },
		[TO_quote_mismatch] = { .u = t->quote_mismatch }, [TO_tagged] = { .u = t->tagged },
		[TO_tag_overflow] = { .u = t->tag_overflow }, [TO_seconds] = { .u = snap->seconds },
	};
	struct series_layout l;
	struct csv_row r;

	series_layout(&l, S_TOTALS, totals_names, TO_COUNT);
	series_write_row(&r, sb, &l, v);
}

#define BS_OFFER(X) X(time) X(sensor) X(src_ip) X(country) X(asn) X(proto) X(src_port) \
	X(kind) X(packets) X(as_org)
#define BO_ENUM(n) BO_##n,
enum bs_offer { BS_OFFER(BO_ENUM) BO_COUNT };
static const char *const bs_names[BO_COUNT] = { BS_OFFER(OFFER_NAME) };

/* Backscatter: its sources are in the table, located. */
static void bs_rows(struct ctx *c, const struct snapshot *snap, const char *time,
		    const char *sensor, struct strbuf *sb)
{
	struct series_layout l;
	char addr[INET6_ADDRSTRLEN];

	series_layout(&l, S_BACKSCATTER, bs_names, BO_COUNT);
	for (size_t i = 0; i < snap->nbs; i++) {
		const struct bs_entry *b = &snap->bs[i];
		const struct src_val *s = source_find(&c->src, b->key.addr, b->key.family);
		struct col_value v[BO_COUNT] = {
			[BO_time] = { .s = time }, [BO_sensor] = { .s = sensor },
			[BO_src_ip] = { .s = addr }, [BO_country] = { .s = s->country },
			[BO_asn] = { .u = s->asn }, [BO_proto] = { .u = b->key.proto },
			[BO_src_port] = { .u = b->key.src_port },
			[BO_kind] = { .s = bs_kind_name(b->key.kind) },
			[BO_packets] = { .u = b->packets },
			[BO_as_org] = { .s = source_org(&c->src, s) },
		};
		struct csv_row r;

		addr_text(b->key.addr, b->key.family, addr);
		series_write_row(&r, sb, &l, v);
	}
}

/* Add `packets` of one source to the rows of every tag in `tags`. */
static void tag_row_add(const struct src_val *s, struct hmap *rows,
			struct hmap *seen, const __u8 *addr, __u8 family,
			__u8 proto, __u16 port, __u64 tags, __u64 packets)
{
	for (__u64 left = tags; left; left &= left - 1) {
		int b = __builtin_ctzll(left);
		struct tag_row_key rk = { (__u8)b, proto, port, { 0 }, 0 };
		struct tag_src_key sk = { (__u8)b, proto, family, 0, port, { 0 } };
		struct agg_val *a;
		int created = 1;

		memcpy(rk.country, s->country, 3);
		a = hmap_upsert(rows, &rk);
		a->packets += packets;
		if (seen) {
			memcpy(sk.addr, addr, 16);
			hmap_insert(seen, &sk, &created);
		}
		a->sources += created;
	}
}

#define TAG_OFFER(X) X(time) X(sensor) X(tag) X(proto) X(port) X(country) X(packets) \
	X(sources)
#define TG_ENUM(n) TG_##n,
enum tag_offer { TAG_OFFER(TG_ENUM) TG_COUNT };
static const char *const tag_names[TG_COUNT] = { TAG_OFFER(OFFER_NAME) };

/*
 * tags.csv: one row per (tag, protocol, port, country). A key may carry
 * several tags, and one source several masks on the same port, so the
 * sources of a row are counted through a set of (tag, port, source).
 * Packets whose tag key did not fit have no source: they are counted
 * under country ZZ with no sources (totals.tag_overflow says how many).
 */
static void tag_rows(struct ctx *c, const struct snapshot *snap,
		     const struct tag_names *names, const char *time,
		     const char *sensor, struct strbuf *sb)
{
	struct hmap rows, seen;
	struct series_layout l;
	struct csv_row r;

	hmap_init(&rows, sizeof(struct tag_row_key), sizeof(struct agg_val));
	hmap_init(&seen, sizeof(struct tag_src_key), 0);
	/*
	 * Tagged packets counted in their flow entry, then in the tagged map.
	 * Flow entries are distinct (source, port) already: the set of seen
	 * sources is needed only when the tagged map may repeat them.
	 */
	for (size_t i = 0; i < snap->nflows; i++) {
		const struct flow_entry *f = &snap->flows[i];

		if (f->val.tagged)
			tag_row_add(source_val(&c->src, c->flow_src[i]), &rows,
				    snap->ntags ? &seen : NULL, f->key.addr,
				    f->key.family, f->key.proto, f->key.port,
				    f->val.tags, f->val.tagged);
	}
	for (size_t i = 0; i < snap->ntags; i++) {
		const struct tag_entry *e = &snap->tags[i];

		tag_row_add(source_find(&c->src, e->key.addr, e->key.family), &rows,
			    &seen, e->key.addr, e->key.family, e->key.proto,
			    e->key.port, e->key.tags, e->packets);
	}
	for (size_t i = 0; i < snap->ntagov; i++) {
		const struct tagov_entry *e = &snap->tagov[i];

		for (int b = 0; b < TS_TAG_MAX; b++) {
			struct tag_row_key rk = { (__u8)b, e->key.proto, e->key.port,
						  COUNTRY_UNKNOWN, 0 };

			if (e->key.tags & (1ULL << b))
				((struct agg_val *)hmap_upsert(&rows, &rk))->packets +=
					e->packets;
		}
	}
	hmap_sort(&rows, cmp_tag_row);
	series_layout(&l, S_TAGS, tag_names, TG_COUNT);
	for (size_t i = 0; i < rows.len; i++) {
		const struct tag_row_key *k = hmap_key(&rows, i);
		const struct agg_val *a = hmap_val(&rows, i);
		const char *name = names ? names->name[k->bit] : "";
		char unnamed[16];
		struct col_value v[TG_COUNT] = {
			[TG_time] = { .s = time }, [TG_sensor] = { .s = sensor },
			[TG_tag] = { .s = name }, [TG_proto] = { .u = k->proto },
			[TG_port] = { .u = k->port }, [TG_country] = { .s = k->country },
			[TG_packets] = { .u = a->packets }, [TG_sources] = { .u = a->sources },
		};

		if (!name[0]) {
			snprintf(unnamed, sizeof(unnamed), "bit%u", k->bit);
			v[TG_tag].s = unnamed;
		}
		series_write_row(&r, sb, &l, v);
	}
	hmap_free(&rows);
	hmap_free(&seen);
}

void rows_build(const struct snapshot *snap, struct geo *geo,
		const struct tag_names *names, const char *sensor,
		struct strbuf out[S_COUNT])
{
	struct ctx c;
	char time[21];
	struct source_rows_job sources;

	c.flow_src = xcalloc(snap->nflows, sizeof(*c.flow_src));
	source_table_init(&c.src, snap->nflows + snap->nbs + snap->ntags);
	hmap_init(&c.ports, sizeof(__u64), sizeof(struct agg_val));
	hmap_init(&c.ccs, sizeof(__u64), sizeof(struct agg_val));
	hmap_init(&c.port_ccs, sizeof(__u64), sizeof(struct agg_val));
	format_time(snap->since, time);

	/*
	 * Pass 1: every flow entry is one distinct source for its port.
	 * First the sources, in the order of the flows; then their places;
	 * then the sums.
	 */
	for (size_t i = 0; i < snap->nflows; i++) {
		const struct flow_entry *f = &snap->flows[i];

		/* a million random lookups: fetch ahead, they are cache misses */
		if (i + 8 < snap->nflows)
			source_prefetch(&c.src, snap->flows[i + 8].key.addr,
					snap->flows[i + 8].key.family);
		c.flow_src[i] = (__u32)source_add(&c.src, f->key.addr, f->key.family);
	}
	/*
	 * The flows' sources are the ones with packets (sources.csv, the
	 * countries); backscatter and the tagged map may add others, which
	 * are located with them.
	 */
	size_t nsrc = c.src.sources.len;
	for (size_t i = 0; i < snap->nbs; i++)
		source_add(&c.src, snap->bs[i].key.addr, snap->bs[i].key.family);
	for (size_t i = 0; i < snap->ntags; i++)
		source_add(&c.src, snap->tags[i].key.addr, snap->tags[i].key.family);
	source_table_locate(&c.src, geo);
	for (size_t i = 0; i < snap->nflows; i++) {
		const struct flow_entry *f = &snap->flows[i];
		struct src_val *s = source_val(&c.src, c.flow_src[i]);
		__u64 pk = port_key(f->key.proto, f->key.port);
		__u64 pck = port_cc_key(f->key.proto, f->key.port, s->country);
		struct agg_val *p = hmap_upsert(&c.ports, &pk);
		struct agg_val *pc;

		s->packets += f->val.packets;
		s->bytes += f->val.bytes;
		p->packets += f->val.packets;
		p->bytes += f->val.bytes;
		p->mirai += f->val.mirai;
		p->sources++;
		pc = hmap_upsert(&c.port_ccs, &pck);
		pc->packets += f->val.packets;
		pc->bytes += f->val.bytes;
		pc->mirai += f->val.mirai;
		pc->sources++;
	}
	/* Packets whose flow did not fit: by port only. */
	for (size_t i = 0; i < snap->novports; i++) {
		const struct port_entry *o = &snap->ovports[i];
		__u64 pk = port_key(o->key.proto, o->key.port);
		struct agg_val *p = hmap_upsert(&c.ports, &pk);

		p->packets += o->val.packets;
		p->bytes += o->val.bytes;
		p->mirai += o->val.mirai;
	}
	/*
	 * The sums are made: a second thread writes the first part of
	 * sources.csv, the longest series by far, while this one writes the
	 * others and then the rest of it.
	 */
	source_rows_start(&sources, &c.src, nsrc, time, sensor, &out[S_SOURCES]);

	/* Countries: each distinct source once (sources with packets only). */
	for (size_t i = 0; i < nsrc; i++) {
		struct src_val *s = source_val(&c.src, i);
		__u64 ck = (__u64)(__u8)s->country[0] << 8 | (__u8)s->country[1];
		struct agg_val *a = hmap_upsert(&c.ccs, &ck);

		a->packets += s->packets;
		a->bytes += s->bytes;
		a->sources++;
	}

	totals_row(snap, nsrc, time, sensor, &out[S_TOTALS]);
	agg_rows(&c.ports, S_PORTS, time, sensor, &out[S_PORTS]);
	agg_rows(&c.ccs, S_COUNTRIES, time, sensor, &out[S_COUNTRIES]);
	agg_rows(&c.port_ccs, S_PORT_COUNTRIES, time, sensor, &out[S_PORT_COUNTRIES]);
	bs_rows(&c, snap, time, sensor, &out[S_BACKSCATTER]);
	tag_rows(&c, snap, names, time, sensor, &out[S_TAGS]);

	/* sources in the order first seen: sorting a million rows costs more
	 * than it helps (spreadsheets sort) */
	source_rows_finish(&sources);
	source_table_free(&c.src);
	hmap_free(&c.ports);
	hmap_free(&c.ccs);
	hmap_free(&c.port_ccs);
	free(c.flow_src);
}
