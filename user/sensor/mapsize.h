/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the kernel can give the maps the --max-* options size: how many
 * entries a hash map may have, and the memory the preallocated maps take
 * at load, for both generations. Checked before the load, so that a size
 * that cannot work is refused naming the option that set it; a load that
 * fails all the same is explained by the map that could not be created.
 */
#ifndef TS_MAPSIZE_H
#define TS_MAPSIZE_H

#include <stddef.h>
#include "sensor/maps.h"

/*
 * The most entries a hash map can have: the kernel keeps its buckets in
 * one array of roundup_pow_of_two(max_entries) 16-byte buckets whose size
 * must fit in 32 bits (kernel/bpf/hashtab.c), so 2^27 + 1 entries already
 * fail with E2BIG. The --max-* options stop here.
 */
#define TS_MAX_HASH_ENTRIES (1U << 27)

/* The kernel's own account of a map's memory (fdinfo memlock), 0 if unknown. */
unsigned long long map_memlock(int fd);

/*
 * Do maps of these sizes (map_sizes_default() applied) fit in the memory
 * the machine has available (MemAvailable)? 0, or -1 with the line that
 * says what they need and which option to lower in msg. What cannot be
 * measured is not held against the sizes.
 */
int map_sizes_fit(const struct map_sizes *sz, char *msg, size_t len);

/* While a BPF object loads: which map libbpf could not create, if any. */
struct load_watch {
	char map[32];
};

/* Watch libbpf's messages (still passed on) until load_watch_end(). */
void load_watch_begin(struct load_watch *w);
void load_watch_end(void);

/*
 * The line for a load that failed with errno err: the map that could not
 * be created, the option and size behind it and what to do, or else the
 * program's own failure.
 */
void load_failure_message(int err, const struct load_watch *w,
			  const struct map_sizes *sz, char *msg, size_t len);

#endif
