/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The distinct source addresses of one drain (sensor/rows.c builds every
 * per-source series from them): each in the table once, in the order
 * added, with its sums and its place (country, AS, AS name).
 */
#ifndef TS_SOURCES_H
#define TS_SOURCES_H

#include <stddef.h>
#include <linux/types.h>
#include "lib/hmap.h"
#include "sensor/geo.h"

struct src_key {
	__u8 addr[16];
	__u8 family;
};

struct src_val {
	__u64 packets, bytes;
	char country[3];
	__u32 asn;
	__u32 org; /* record number in the org table */
};

struct org_key {
	char name[GEO_ORG_MAX];
};

struct source_table {
	struct hmap sources; /* src_key -> src_val, records in the order added */
	struct hmap orgs;    /* org_key -> nothing; record 0 is "" (no org) */
};

/* Room for n sources. */
void source_table_init(struct source_table *t, size_t n);
void source_table_free(struct source_table *t);

/* Record number of a source, added if new (not located yet). */
size_t source_add(struct source_table *t, const __u8 addr[16], __u8 family);

/* Start fetching the slot of a source that source_add() will be given soon. */
void source_prefetch(const struct source_table *t, const __u8 addr[16], __u8 family);

/* A source added before, or NULL. */
struct src_val *source_find(const struct source_table *t, const __u8 addr[16],
			    __u8 family);

static inline struct src_val *source_val(const struct source_table *t, size_t rec)
{
	return hmap_val(&t->sources, rec);
}

/* The AS name of a located source ("" when unknown). */
static inline const char *source_org(const struct source_table *t, const struct src_val *v)
{
	return ((const struct org_key *)hmap_key(&t->orgs, v->org))->name;
}

/* Country, AS and AS name of every source (geo NULL: ZZ). */
void source_table_locate(struct source_table *t, struct geo *geo);

#endif
