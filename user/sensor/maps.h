/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Lossless drain of the counting maps.
 *
 * The XDP program writes only the maps of generation ctl.gen. To drain:
 * flip ctl.gen, then update an ARRAY_OF_MAPS element from user space: the
 * kernel returns from that update only after an RCU grace period
 * (maybe_wait_bpf_programs()), so every program run that read the old
 * generation has finished. The old generation is then quiescent: read it
 * whole, write the rows, and clear it, racing nothing.
 */
#ifndef TS_DRAIN_H
#define TS_DRAIN_H

#include <stddef.h>
#include "telescope.h"
#include "sensor/attach.h"

struct flow_entry {
	struct ts_flow_key key;
	struct ts_counts val;
};

struct port_entry {
	struct ts_port_key key;
	struct ts_counts val;
};

struct bs_entry {
	struct ts_bs_key key;
	__u64 packets;
};

struct tag_entry {
	struct ts_tag_key key;
	__u64 packets;
};

struct tagov_entry {
	struct ts_tagov_key key;
	__u64 packets;
};

/* Everything one generation counted. */
struct snapshot {
	__u64 since; /* row time: start of the interval it covers */
	struct ts_totals totals;
	struct flow_entry *flows;
	size_t nflows;
	struct port_entry *ovports;
	size_t novports;
	struct bs_entry *bs;
	size_t nbs;
	struct tag_entry *tags;
	size_t ntags;
	struct tagov_entry *tagov;
	size_t ntagov;
};

/*
 * Make `next_since` the start time of the generation that begins now,
 * switch the program to it and wait until the old one is quiescent.
 * Returns the old generation (0/1), or -1.
 */
int gen_flip(struct sensor *s, __u64 next_since);

/* Read generation g whole. since is taken from ctl. */
int gen_read(struct sensor *s, int g, struct snapshot *snap);

/* Empty generation g (nothing may be writing it). */
int gen_clear(struct sensor *s, int g);

/* The same, knowing its contents: snap was read by gen_read() since. */
int gen_clear_read(struct sensor *s, int g, const struct snapshot *snap);

/* Sum a per-CPU totals map into *t. */
int totals_read(int fd, struct ts_totals *t);

/* Number of entries in a hash map (for fill levels). */
long map_count(int fd);

int snapshot_empty(const struct snapshot *snap);
void snapshot_free(struct snapshot *snap);

/* Packets per tag bit in a snapshot (tagged and tag overflow). */
void snapshot_tag_packets(const struct snapshot *snap, __u64 per_bit[TS_TAG_MAX]);

/* a += b, field by field */
void totals_add(struct ts_totals *a, const struct ts_totals *b);

#endif
