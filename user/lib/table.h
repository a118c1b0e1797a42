/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A hash table of fixed-size keys and values, open addressing. Records
 * live in one array in insertion order (index 0 … len-1), so callers can
 * iterate and sort them; the index holds record numbers.
 */
#ifndef TS_TABLE_H
#define TS_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct table {
	size_t ksz, vsz, rec; /* key, value and record sizes */
	size_t len;           /* records in use */
	size_t cap;           /* records allocated */
	uint64_t *index;      /* hash << 32 | record number + 1; 0 = free */
	size_t slots;         /* power of two, > 2 * len */
	unsigned char *recs;
};

void table_init(struct table *t, size_t ksz, size_t vsz);
void table_free(struct table *t);

/* Make room for n records without growing (an optimisation only). */
void table_reserve(struct table *t, size_t n);

/* Value of key, inserted zero-filled if new; aborts on out-of-memory. */
void *table_upsert(struct table *t, const void *key);
/* The same, saying whether it was new. */
void *table_insert(struct table *t, const void *key, int *created);
/* Start fetching key's slot into the cache (for a lookup soon after). */
void table_prefetch(const struct table *t, const void *key);

/* Value of key or NULL. */
void *table_find(const struct table *t, const void *key);

static inline void *table_key(const struct table *t, size_t i)
{
	return t->recs + i * t->rec;
}

static inline void *table_val(const struct table *t, size_t i)
{
	return t->recs + i * t->rec + t->ksz;
}

/* Record number of a value pointer returned by upsert/find. */
static inline size_t table_pos(const struct table *t, const void *val)
{
	return ((const unsigned char *)val - t->recs - t->ksz) / t->rec;
}

/* Sort records in place; the index is rebuilt. */
void table_sort(struct table *t, int (*cmp)(const void *, const void *));

#endif
