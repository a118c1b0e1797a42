// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/hmap.h"

static void init(struct hmap *h, size_t ksz, size_t vsz, bool strings)
{
	memset(h, 0, sizeof(*h));
	h->ksz = ksz;
	h->vsz = vsz;
	h->rec = (ksz + vsz + 7) & ~(size_t)7;
	h->strings = strings;
}

void hmap_init(struct hmap *h, size_t ksz, size_t vsz)
{
	init(h, ksz, vsz, false);
}

void hmap_init_strings(struct hmap *h, size_t vsz)
{
	init(h, sizeof(char *), vsz, true);
}

void hmap_free(struct hmap *h)
{
	if (h->strings)
		for (size_t i = 0; i < h->len; i++)
			free(*(char **)hmap_key(h, i));
	free(h->index);
	free(h->recs);
	init(h, h->ksz, h->vsz, h->strings);
}

/* 8 bytes at a time, each word mixed in with a multiply (keys are small). */
static uint64_t hash_bytes(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	if (n) {
		w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * 0x94d049bb133111ebULL;
	}
	return h ^ (h >> 29);
}

static uint64_t hash_key(const struct hmap *h, const void *key)
{
	return h->strings ? hash_bytes(key, strlen(key)) : hash_bytes(key, h->ksz);
}

/* Does record i hold key? */
static bool holds(const struct hmap *h, size_t i, const void *key)
{
	return h->strings ? !strcmp(hmap_string(h, i), key)
			  : !memcmp(hmap_key(h, i), key, h->ksz);
}

#define REC(slot) ((size_t)((slot) & 0xffffffffu) - 1)
#define TAG(hash) ((hash) & ~0xffffffffULL)

static void reindex(struct hmap *h, size_t slots)
{
	free(h->index);
	h->index = xcalloc(slots, sizeof(*h->index));
	h->slots = slots;
	for (size_t i = 0; i < h->len; i++) {
		uint64_t hash = h->strings ? hash_key(h, hmap_string(h, i))
					   : hash_key(h, hmap_key(h, i));
		size_t s = hash & (slots - 1);

		while (h->index[s])
			s = (s + 1) & (slots - 1);
		h->index[s] = TAG(hash) | (i + 1);
	}
}

/* The slot of key, or the free slot where it would go. */
static size_t probe(const struct hmap *h, const void *key, uint64_t hash, int *found)
{
	size_t s = hash & (h->slots - 1);

	while (h->index[s]) {
		if (TAG(h->index[s]) == TAG(hash) && holds(h, REC(h->index[s]), key)) {
			*found = 1;
			return s;
		}
		s = (s + 1) & (h->slots - 1);
	}
	*found = 0;
	return s;
}

void hmap_prefetch(const struct hmap *h, const void *key)
{
	if (h->slots)
		__builtin_prefetch(&h->index[hash_key(h, key) & (h->slots - 1)]);
}

void hmap_reserve(struct hmap *h, size_t n)
{
	size_t slots = h->slots ? h->slots : 64;

	while (slots < 2 * n)
		slots *= 2;
	if (slots != h->slots)
		reindex(h, slots);
	if (n > h->cap) {
		h->cap = n;
		h->recs = xrealloc(h->recs, h->cap * h->rec);
	}
}

void *hmap_find(const struct hmap *h, const void *key)
{
	int found;
	size_t s;

	if (!h->slots)
		return NULL;
	s = probe(h, key, hash_key(h, key), &found);
	return found ? hmap_val(h, REC(h->index[s])) : NULL;
}

void *hmap_upsert(struct hmap *h, const void *key)
{
	int created;

	return hmap_insert(h, key, &created);
}

void *hmap_insert(struct hmap *h, const void *key, int *created)
{
	uint64_t hash = hash_key(h, key);
	unsigned char *rec;
	int found;
	size_t s;

	if (2 * (h->len + 1) > h->slots)
		reindex(h, h->slots ? h->slots * 2 : 64);
	s = probe(h, key, hash, &found);
	*created = !found;
	if (found)
		return hmap_val(h, REC(h->index[s]));
	h->recs = xgrow(h->recs, &h->cap, h->len + 1, h->rec, 64);
	rec = hmap_key(h, h->len);
	memset(rec, 0, h->rec);
	if (h->strings)
		*(char **)rec = xstrdup(key);
	else
		memcpy(rec, key, h->ksz);
	h->index[s] = TAG(hash) | ++h->len;
	return hmap_val(h, h->len - 1);
}

void hmap_sort(struct hmap *h, int (*cmp)(const void *, const void *))
{
	qsort(h->recs, h->len, h->rec, cmp);
	if (h->slots)
		reindex(h, h->slots);
}
