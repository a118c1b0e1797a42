/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A generation's flows4 table (include/telescope.h: one-cache-line
 * slots) from user space, given the file descriptor of the map
 * (sensor_maps.gen[g][GM_FLOWS4]): mapped into memory, read, cleared and
 * probed in place.
 */
#ifndef TS_FLOWS4_H
#define TS_FLOWS4_H

#include <stdbool.h>
#include <stddef.h>
#include "telescope.h"

/* A flows4 table mapped into memory: its slots, read or written in place. */
struct flows4_view {
	struct ts_flow4_slot *slot;
	size_t slots;
	size_t bytes; /* of the mapping */
	bool kept;    /* stays mapped after flows4_close() (flows4_keep_mapped()) */
};

/* From now on keep each table mapped for the next open (a loader's drains). */
void flows4_keep_mapped(void);

/* 0, or -1 (printed). */
int flows4_open(int table_fd, bool writable, struct flows4_view *v);
void flows4_close(struct flows4_view *v);
/* Zero every slot of the table (nothing may be writing it). */
int flows4_clear(int table_fd);
/*
 * The slot of key k (its pad aside), probed as the classifier probes;
 * with claim, the free slot it would take, given the key (the view must
 * be writable; the room is the caller's). NULL if it has none (it may be
 * in flows6, marked IPv4). For tests and tools: the drain reads every
 * slot in order.
 */
struct ts_flow4_slot *flows4_slot(const struct flows4_view *v, const struct ts_flow4_key *k,
				  bool claim);
/* Touch every page of a new, empty table through the kernel, from each CPU: 0 or -1. */
int flows4_warm(int table_fd);
/* Claimed slots. */
size_t flows4_count(const struct flows4_view *v);

/* Has a flow claimed this slot? (A free slot is all zero; a claimed key never is.) */
static inline bool flows4_claimed(const struct ts_flow4_slot *s)
{
	__u64 key;

	__builtin_memcpy(&key, &s->key, sizeof(key));
	return key != 0;
}

#endif /* TS_FLOWS4_H */
