/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Two small open-addressing hash maps the report aggregates into while it
 * streams: counters keyed by a packed 64-bit key, and C strings mapped to
 * a caller's record. Both grow by doubling; nothing is ever removed.
 */
#ifndef TS_REPORT_MAP_H
#define TS_REPORT_MAP_H

#include <stddef.h>
#include <stdint.h>

/* Key 0 marks an empty slot: every key the report packs has a kind tag. */
struct counter {
	uint64_t key;
	uint64_t v[3];
};

struct counter_map {
	struct counter *slots;
	size_t cap;
	size_t used;
};

void cmap_init(struct counter_map *m);
void cmap_free(struct counter_map *m);
/* The counters of key, created zeroed when missing. */
uint64_t *cmap_get(struct counter_map *m, uint64_t key);
/* The counters of key, or NULL. */
const uint64_t *cmap_find(const struct counter_map *m, uint64_t key);

struct str_entry {
	char *key;
	void *value;
};

struct str_map {
	struct str_entry *slots;
	size_t cap;
	size_t used;
};

void smap_init(struct str_map *m);
/* Frees the key copies, not the values. */
void smap_free(struct str_map *m);
/* The value slot of key (NULL when just created); the key is copied. */
void **smap_slot(struct str_map *m, const char *key);
void *smap_get(const struct str_map *m, const char *key);

#endif
