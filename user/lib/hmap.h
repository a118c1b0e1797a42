/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The hash map every part of the program aggregates with: open
 * addressing over fixed-size keys (or C strings), records in one array
 * in insertion order (0 … len-1), so callers can iterate and sort them;
 * the index holds record numbers and the high half of each hash, so most
 * mismatches cost no key comparison. Nothing is ever removed.
 */
#ifndef TS_HMAP_H
#define TS_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap {
	size_t ksz, vsz, rec; /* key, value and record sizes */
	size_t len;           /* records in use */
	size_t cap;           /* records allocated */
	uint64_t *index;      /* hash << 32 | record number + 1; 0 = free */
	size_t slots;         /* power of two, > 2 * len */
	unsigned char *recs;
	bool strings;         /* keys are C strings, copied into the map */
};

/* Keys of ksz bytes (compared as bytes: zero any padding). */
void hmap_init(struct hmap *h, size_t ksz, size_t vsz);
/* Keys are C strings: the map keeps a copy; the key of record i is
 * hmap_string(h, i). Everywhere below, `key` is then the string itself. */
void hmap_init_strings(struct hmap *h, size_t vsz);
void hmap_free(struct hmap *h);

/* Make room for n records without growing (an optimisation only). */
void hmap_reserve(struct hmap *h, size_t n);

/* Value of key, inserted zero-filled if new; aborts on out-of-memory.
 * A value pointer is good until the next insertion. */
void *hmap_upsert(struct hmap *h, const void *key);
/* The same, saying whether it was new. */
void *hmap_insert(struct hmap *h, const void *key, int *created);
/* Start fetching key's slot into the cache (for a lookup soon after). */
void hmap_prefetch(const struct hmap *h, const void *key);

/* Value of key or NULL. */
void *hmap_find(const struct hmap *h, const void *key);

static inline void *hmap_key(const struct hmap *h, size_t i)
{
	return h->recs + i * h->rec;
}

static inline void *hmap_val(const struct hmap *h, size_t i)
{
	return h->recs + i * h->rec + h->ksz;
}

static inline const char *hmap_string(const struct hmap *h, size_t i)
{
	return *(char *const *)hmap_key(h, i);
}

/* Record number of a value pointer returned by upsert/find. */
static inline size_t hmap_pos(const struct hmap *h, const void *val)
{
	return ((const unsigned char *)val - h->recs - h->ksz) / h->rec;
}

/* Sort records in place (cmp sees whole records); the index is rebuilt. */
void hmap_sort(struct hmap *h, int (*cmp)(const void *, const void *));

#endif
