// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hash maps for the report's aggregates. A quarter of a fleet has a few
 * million distinct (sensor, port, day) keys; linear probing over a flat
 * array keeps each row's update to one or two cache misses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/map.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fputs("xdp-telescope: error: out of memory\n", stderr);
		abort();
	}
	return p;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return mix64(h);
}

void cmap_init(struct counter_map *m)
{
	m->cap = 1024;
	m->used = 0;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
}

void cmap_free(struct counter_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->used = 0;
}

static struct counter *cmap_probe(struct counter *slots, size_t cap,
				  uint64_t key)
{
	size_t i = mix64(key) & (cap - 1);

	while (slots[i].key && slots[i].key != key)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void cmap_grow(struct counter_map *m)
{
	size_t cap = m->cap * 2;
	struct counter *slots = xcalloc(cap, sizeof(*slots));

	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*cmap_probe(slots, cap, m->slots[i].key) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

uint64_t *cmap_get(struct counter_map *m, uint64_t key)
{
	struct counter *c;

	if ((m->used + 1) * 4 > m->cap * 3)
		cmap_grow(m);
	c = cmap_probe(m->slots, m->cap, key);
	if (!c->key) {
		c->key = key;
		m->used++;
	}
	return c->v;
}

const uint64_t *cmap_find(const struct counter_map *m, uint64_t key)
{
	const struct counter *c;

	if (!m->cap)
		return NULL;
	c = cmap_probe(m->slots, m->cap, key);
	return c->key ? c->v : NULL;
}

void smap_init(struct str_map *m)
{
	m->cap = 64;
	m->used = 0;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
}

void smap_free(struct str_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->used = 0;
}

static struct str_entry *smap_probe(struct str_entry *slots, size_t cap,
				    const char *key)
{
	size_t i = hash_str(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void **smap_slot(struct str_map *m, const char *key)
{
	struct str_entry *e;

	if ((m->used + 1) * 2 > m->cap) {
		size_t cap = m->cap * 2;
		struct str_entry *slots = xcalloc(cap, sizeof(*slots));

		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*smap_probe(slots, cap, m->slots[i].key) =
					m->slots[i];
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	e = smap_probe(m->slots, m->cap, key);
	if (!e->key) {
		e->key = strdup(key);
		if (!e->key) {
			fputs("xdp-telescope: error: out of memory\n", stderr);
			abort();
		}
		m->used++;
	}
	return &e->value;
}

void *smap_get(const struct str_map *m, const char *key)
{
	const struct str_entry *e;

	if (!m->cap)
		return NULL;
	e = smap_probe(m->slots, m->cap, key);
	return e->key ? e->value : NULL;
}
