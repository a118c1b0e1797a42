// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/table.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("xdp-telescope: error: out of memory\n", stderr);
		abort();
	}
	return p;
}

void table_init(struct table *t, size_t ksz, size_t vsz)
{
	memset(t, 0, sizeof(*t));
	t->ksz = ksz;
	t->vsz = vsz;
	t->rec = (ksz + vsz + 7) & ~(size_t)7;
}

void table_free(struct table *t)
{
	free(t->index);
	free(t->recs);
	table_init(t, t->ksz, t->vsz);
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

#define REC(slot) ((size_t)((slot) & 0xffffffffu) - 1)
#define TAG(h) ((h) & ~0xffffffffULL)

static void reindex(struct table *t, size_t slots)
{
	free(t->index);
	t->index = xrealloc(NULL, slots * sizeof(*t->index));
	memset(t->index, 0, slots * sizeof(*t->index));
	t->slots = slots;
	for (size_t i = 0; i < t->len; i++) {
		uint64_t h = hash_bytes(table_key(t, i), t->ksz);
		size_t s = h & (slots - 1);

		while (t->index[s])
			s = (s + 1) & (slots - 1);
		t->index[s] = TAG(h) | (i + 1);
	}
}

/* The slot of key, or the free slot where it would go; the index keeps
 * the hash's high half so most mismatches cost no key comparison. */
static size_t probe(const struct table *t, const void *key, uint64_t h,
		    int *found)
{
	size_t s = h & (t->slots - 1);

	while (t->index[s]) {
		if (TAG(t->index[s]) == TAG(h) &&
		    !memcmp(table_key(t, REC(t->index[s])), key, t->ksz)) {
			*found = 1;
			return s;
		}
		s = (s + 1) & (t->slots - 1);
	}
	*found = 0;
	return s;
}

void table_prefetch(const struct table *t, const void *key)
{
	if (t->slots)
		__builtin_prefetch(&t->index[hash_bytes(key, t->ksz) & (t->slots - 1)]);
}

void table_reserve(struct table *t, size_t n)
{
	size_t slots = t->slots ? t->slots : 64;

	while (slots < 2 * n)
		slots *= 2;
	if (slots != t->slots)
		reindex(t, slots);
	if (n > t->cap) {
		t->cap = n;
		t->recs = xrealloc(t->recs, t->cap * t->rec);
	}
}

void *table_find(const struct table *t, const void *key)
{
	int found;
	size_t s;

	if (!t->slots)
		return NULL;
	s = probe(t, key, hash_bytes(key, t->ksz), &found);
	return found ? table_val(t, REC(t->index[s])) : NULL;
}

void *table_upsert(struct table *t, const void *key)
{
	int created;

	return table_insert(t, key, &created);
}

void *table_insert(struct table *t, const void *key, int *created)
{
	uint64_t h = hash_bytes(key, t->ksz);
	int found;
	size_t s;

	if (2 * (t->len + 1) > t->slots)
		reindex(t, t->slots ? t->slots * 2 : 64);
	s = probe(t, key, h, &found);
	*created = !found;
	if (found)
		return table_val(t, REC(t->index[s]));
	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->recs = xrealloc(t->recs, t->cap * t->rec);
	}
	memset(table_key(t, t->len), 0, t->rec);
	memcpy(table_key(t, t->len), key, t->ksz);
	t->index[s] = TAG(h) | ++t->len;
	return table_val(t, t->len - 1);
}

void table_sort(struct table *t, int (*cmp)(const void *, const void *))
{
	qsort(t->recs, t->len, t->rec, cmp);
	if (t->slots)
		reindex(t, t->slots);
}
