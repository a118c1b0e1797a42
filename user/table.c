// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"

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

static uint64_t hash_bytes(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static void reindex(struct table *t, size_t slots)
{
	free(t->index);
	t->index = xrealloc(NULL, slots * sizeof(*t->index));
	memset(t->index, 0, slots * sizeof(*t->index));
	t->slots = slots;
	for (size_t i = 0; i < t->len; i++) {
		size_t s = hash_bytes(table_key(t, i), t->ksz) & (slots - 1);

		while (t->index[s])
			s = (s + 1) & (slots - 1);
		t->index[s] = (uint32_t)(i + 1);
	}
}

static size_t probe(const struct table *t, const void *key, int *found)
{
	size_t s = hash_bytes(key, t->ksz) & (t->slots - 1);

	while (t->index[s]) {
		if (!memcmp(table_key(t, t->index[s] - 1), key, t->ksz)) {
			*found = 1;
			return s;
		}
		s = (s + 1) & (t->slots - 1);
	}
	*found = 0;
	return s;
}

void *table_find(const struct table *t, const void *key)
{
	int found;
	size_t s;

	if (!t->slots)
		return NULL;
	s = probe(t, key, &found);
	return found ? table_val(t, t->index[s] - 1) : NULL;
}

void *table_upsert(struct table *t, const void *key)
{
	int found;
	size_t s;

	if (2 * (t->len + 1) > t->slots)
		reindex(t, t->slots ? t->slots * 2 : 64);
	s = probe(t, key, &found);
	if (found)
		return table_val(t, t->index[s] - 1);
	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->recs = xrealloc(t->recs, t->cap * t->rec);
	}
	memset(table_key(t, t->len), 0, t->rec);
	memcpy(table_key(t, t->len), key, t->ksz);
	t->index[s] = (uint32_t)(++t->len);
	return table_val(t, t->len - 1);
}

void table_sort(struct table *t, int (*cmp)(const void *, const void *))
{
	qsort(t->recs, t->len, t->rec, cmp);
	if (t->slots)
		reindex(t, t->slots);
}
