// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The distinct sources of one drain, and where they are. Geolocating a
 * million sources is most of building the rows, so it is done in address
 * order, where consecutive sources mostly share a network of the database
 * and cost one lookup for all of them (geo_lookup_near()), and by two
 * threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "sensor/sources.h"
#include "telescope.h"

static struct src_key key_of(const __u8 addr[16], __u8 family)
{
	struct src_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.addr, addr, 16);
	k.family = family;
	return k;
}

void source_table_init(struct source_table *t, size_t n)
{
	hmap_init(&t->sources, sizeof(struct src_key), sizeof(struct src_val));
	hmap_reserve(&t->sources, n);
	hmap_init(&t->orgs, sizeof(struct org_key), 0);
	hmap_upsert(&t->orgs, &(struct org_key){ "" }); /* record 0: no org */
}

void source_table_free(struct source_table *t)
{
	hmap_free(&t->sources);
	hmap_free(&t->orgs);
}

size_t source_add(struct source_table *t, const __u8 addr[16], __u8 family)
{
	struct src_key k = key_of(addr, family);
	int created;

	return hmap_pos(&t->sources, hmap_insert(&t->sources, &k, &created));
}

void source_prefetch(const struct source_table *t, const __u8 addr[16], __u8 family)
{
	struct src_key k = key_of(addr, family);

	hmap_prefetch(&t->sources, &k);
}

struct src_val *source_find(const struct source_table *t, const __u8 addr[16],
			    __u8 family)
{
	struct src_key k = key_of(addr, family);

	return hmap_find(&t->sources, &k);
}

/*
 * The sources in address order, IPv4 first: each IPv4 one as its
 * address << 32 | its record (so that locating reads no record of the
 * table but the one it writes), then the others with their keys.
 */
struct by_address {
	__u64 *v4;
	size_t n4;
	struct v6_source {
		struct src_key k;
		__u32 rec;
	} *v6;
	size_t n6;
};

/* LSD radix sort of a[0, n) by the top 32 bits (tmp: room for n). */
static void sort_high32(__u64 *a, __u64 *tmp, size_t n)
{
	for (int shift = 32; shift < 64; shift += 8) {
		size_t count[257] = { 0 };
		__u64 *t;

		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift & 0xff) + 1]++;
		for (int d = 0; d < 256; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
			tmp[count[a[i] >> shift & 0xff]++] = a[i];
		t = a, a = tmp, tmp = t;
	}
	/* an even number of passes: the sorted keys are back in the caller's a */
}

static int cmp_v6_source(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct src_key));
}

static void order_by_address(const struct hmap *sources, struct by_address *o)
{
	size_t n = sources->len ? sources->len : 1, cap6 = 0;
	__u64 *tmp = xmalloc(n * sizeof(*tmp));

	memset(o, 0, sizeof(*o));
	o->v4 = xmalloc(n * sizeof(*o->v4));
	for (size_t i = 0; i < sources->len; i++) {
		const struct src_key *k = hmap_key(sources, i);

		if (k->family == TS_FAMILY_IPV4) {
			__u32 a = (__u32)k->addr[0] << 24 | (__u32)k->addr[1] << 16 |
				  (__u32)k->addr[2] << 8 | k->addr[3];

			o->v4[o->n4++] = (__u64)a << 32 | i;
		} else {
			o->v6 = xgrow(o->v6, &cap6, o->n6 + 1, sizeof(*o->v6), 64);
			o->v6[o->n6++] = (struct v6_source){ *k, (__u32)i };
		}
	}
	sort_high32(o->v4, tmp, o->n4);
	qsort(o->v6, o->n6, sizeof(*o->v6), cmp_v6_source);
	free(tmp);
}

/* The key and record of the i-th source in address order. */
static size_t nth(const struct by_address *o, size_t i, struct src_key *k)
{
	__u32 a;

	if (i >= o->n4) {
		*k = o->v6[i - o->n4].k;
		return o->v6[i - o->n4].rec;
	}
	a = (__u32)(o->v4[i] >> 32);
	memset(k, 0, sizeof(*k));
	k->family = TS_FAMILY_IPV4;
	k->addr[0] = (__u8)(a >> 24);
	k->addr[1] = (__u8)(a >> 16);
	k->addr[2] = (__u8)(a >> 8);
	k->addr[3] = (__u8)a;
	return (__u32)o->v4[i];
}

/* Sources [from, to) in address order, their orgs numbered in `orgs`. */
struct geo_share {
	struct source_table *t;
	struct geo *geo;
	const struct by_address *order;
	struct hmap *orgs;
	size_t from, to;
};

static void *locate_share(void *arg)
{
	struct geo_share *g = arg;
	struct geo_near near;

	geo_near_init(&near);
	for (size_t i = g->from; i < g->to; i++) {
		struct src_key k;
		struct src_val *v = source_val(g->t, nth(g->order, i, &k));
		struct geo_info gi;
		struct org_key ok;

		geo_lookup_near(g->geo, &near, k.family, k.addr, &gi);
		memcpy(v->country, gi.country, 3);
		v->asn = gi.asn;
		v->org = 0;
		if (!gi.as_org[0])
			continue;
		memset(&ok, 0, sizeof(ok));
		snprintf(ok.name, sizeof(ok.name), "%s", gi.as_org);
		v->org = (__u32)hmap_pos(g->orgs, hmap_upsert(g->orgs, &ok));
	}
	return NULL;
}

/*
 * The second thread has an org table of its own (tables are not
 * shared), whose numbers are then turned into the main table's.
 */
void source_table_locate(struct source_table *t, struct geo *geo)
{
	struct by_address order;
	size_t n = t->sources.len, mid = n / 2;
	struct geo_share mine = { t, geo, &order, &t->orgs, 0, mid }, other;
	struct hmap orgs;
	pthread_t tid;

	order_by_address(&t->sources, &order);
	hmap_init(&orgs, sizeof(struct org_key), 0);
	hmap_upsert(&orgs, &(struct org_key){ "" }); /* record 0: no org */
	other = (struct geo_share){ t, geo, &order, &orgs, mid, n };
	if (n < 65536 || pthread_create(&tid, NULL, locate_share, &other)) {
		mine.to = n; /* few, or no thread: all here */
		other.to = other.from;
	}
	locate_share(&mine);
	if (other.to > other.from)
		pthread_join(tid, NULL);
	if (orgs.len > 1) {
		__u32 *to_main;

		to_main = xcalloc(orgs.len, sizeof(*to_main));
		for (size_t i = 1; i < orgs.len; i++)
			to_main[i] = (__u32)hmap_pos(&t->orgs,
						     hmap_upsert(&t->orgs, hmap_key(&orgs, i)));
		for (size_t i = mid; i < n; i++) {
			struct src_key k;
			struct src_val *v = source_val(t, nth(&order, i, &k));

			v->org = to_main[v->org];
		}
		free(to_main);
	}
	hmap_free(&orgs);
	free(order.v4);
	free(order.v6);
}
