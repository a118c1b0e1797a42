/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Everything one generation of the counting maps held, read whole into
 * user memory (sensor/maps.c reads it, sensor/rows.c turns it into rows).
 */
#ifndef TS_SNAPSHOT_H
#define TS_SNAPSHOT_H

#include <stddef.h>
#include "telescope.h"

/*
 * A flow of either family as user space handles it: the kernel's two
 * keys (ts_flow4_key, ts_flow6_key) in one form, and its counters
 * unpacked (ts_flow_counts()).
 */
struct ts_flow_key {
	__u8 addr[16]; /* IPv4 in the first 4 bytes, rest zero */
	__u8 family;   /* TS_FAMILY_IPV4 / TS_FAMILY_IPV6 */
	__u8 proto;    /* IP protocol number */
	__u16 port;    /* TCP/UDP destination port, ICMP type; host order */
};

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

struct snapshot {
	__u64 since;   /* row time: start of the interval it covers */
	__u64 seconds; /* its length (totals.seconds): longer after an outage */
	struct ts_totals totals;
	struct flow_entry *flows;
	size_t nflows;
	size_t nflows4; /* the first of them, from flows4's slots (the rest from flows6) */
	struct port_entry *ovports;
	size_t novports;
	struct bs_entry *bs;
	size_t nbs;
	struct tag_entry *tags;
	size_t ntags;
	struct tagov_entry *tagov;
	size_t ntagov;
};

/* Nothing counted at all (no packet, no frame, no entry)? */
int snapshot_empty(const struct snapshot *snap);
void snapshot_free(struct snapshot *snap);

/* Add the packets of each tag bit (flows, tagged and tag overflow). */
void snapshot_tag_packets(const struct snapshot *snap, __u64 per_bit[TS_TAG_MAX]);

/* The counters of a kernel flow value, carries added back. */
void ts_flow_counts(const struct ts_flow_val *v, struct ts_counts *c);

/* a += b, field by field */
void totals_add(struct ts_totals *a, const struct ts_totals *b);

#endif
