/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sensor's classification done in user space, for the libpcap
 * baselines (pcap-baseline: from a file; pcap-live: from a live capture):
 * the sensor's parser, fingerprints and shipped payload rules, and hash
 * tables per (source, protocol, port), port, backscatter key and tagged
 * key, sized up front so no rehash is timed.
 */
#ifndef TS_BENCH_USERCOUNT_H
#define TS_BENCH_USERCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "sensor/rules.h"
#include "telescope.h"

#define DEFAULT_RULES "rules/default.rules"

enum { PORT_TCP, PORT_UDP, PORT_ICMP, PORT_ICMPV6, PORT_OTHER, PORT_PROTOS };

/*
 * Open addressing with linear probing; a slot is the key, a used flag
 * and the value. Full at half the slots, like a sensor map with headroom.
 */
struct otable {
	uint8_t *slots;
	size_t key_size, slot_size;
	uint32_t mask, used;
};

struct port_counts {
	uint64_t packets, bytes, mirai;
};

struct tables {
	struct otable flows, bs, tagged;
	struct port_counts (*ports)[65536];
	struct ts_totals totals;
	struct tag_rule *rules;
	size_t nrules;
};

/* Allocate the tables and load the shipped rules; -1 with a message. */
int tables_init(struct tables *t);
void tables_free(struct tables *t);
void clear_tables(struct tables *t);

/* Classify and count one frame of `len` bytes. */
void count_packet(struct tables *t, const uint8_t *data, uint32_t len);

#endif /* TS_BENCH_USERCOUNT_H */
