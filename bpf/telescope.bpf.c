// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The XDP classifier: parse each frame (include/parse.h), count it in the
 * maps of the current generation, drop it.
 *
 * Every counting map exists twice (generation 0 and 1) behind an
 * ARRAY_OF_MAPS. The program reads the generation from `ctl` once per
 * packet, so one packet lands entirely in one generation; the loader
 * flips the generation, waits for a grace period and then drains the
 * other one while nothing writes it (see user/drain.c).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "telescope.h"
#include "parse.h"

/* Set by the loader before load. */
const volatile __u8 pass_packets = 0; /* XDP_PASS instead of XDP_DROP */

struct totals_inner {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ts_totals);
} totals_0 SEC(".maps"), totals_1 SEC(".maps");

struct flows_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288); /* --max-sources */
	__type(key, struct ts_flow_key);
	__type(value, struct ts_counts);
} flows_0 SEC(".maps"), flows_1 SEC(".maps");

/*
 * Ports of packets whose flow did not fit. Used only on overflow, sized
 * for every possible key, allocated on use.
 */
struct ovports_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * 65536 + 3 * 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ts_port_key);
	__type(value, struct ts_counts);
} ovports_0 SEC(".maps"), ovports_1 SEC(".maps");

struct bscat_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536); /* --max-backscatter */
	__type(key, struct ts_bs_key);
	__type(value, __u64);
} bscat_0 SEC(".maps"), bscat_1 SEC(".maps");

#define GENERATIONS(inner_type, name)                          \
	struct {                                               \
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);      \
		__uint(max_entries, 2);                        \
		__type(key, __u32);                            \
		__array(values, struct inner_type);            \
	} name SEC(".maps") = {                                \
		.values = { &name##_0, &name##_1 },            \
	}

GENERATIONS(totals_inner, totals);
GENERATIONS(flows_inner, flows);
GENERATIONS(ovports_inner, ovports);
GENERATIONS(bscat_inner, bscat);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ts_ctl);
} ctl SEC(".maps");

/*
 * Find or create a counter. Another CPU may create the same key between
 * our lookup and insert: BPF_NOEXIST fails then, and the second lookup
 * finds its entry. NULL only when the map is full.
 */
static __always_inline void *lookup_or_insert(void *map, const void *key,
					      const void *zero)
{
	void *val = bpf_map_lookup_elem(map, key);

	if (val)
		return val;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

static __always_inline void count_ip(struct ts_pkt *pkt, __u32 gen,
				     struct ts_totals *t)
{
	static const struct ts_counts zero_counts;
	static const __u64 zero_u64;
	struct ts_flow_key fk = {};
	struct ts_counts *c;
	void *inner;

	t->packets++;
	t->bytes += pkt->ip_len;
	t->mirai += pkt->mirai;
	t->fragments += pkt->fragment;
	t->quote_mismatch += pkt->quote_mismatch;

	__builtin_memcpy(fk.addr, pkt->src, 16);
	fk.family = pkt->family;
	fk.proto = pkt->proto;
	fk.port = pkt->port;

	c = NULL;
	inner = bpf_map_lookup_elem(&flows, &gen);
	if (inner)
		c = lookup_or_insert(inner, &fk, &zero_counts);
	if (!c) {
		struct ts_port_key pk = { .proto = pkt->proto, .port = pkt->port };

		t->overflow++;
		inner = bpf_map_lookup_elem(&ovports, &gen);
		if (inner)
			c = lookup_or_insert(inner, &pk, &zero_counts);
	}
	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, pkt->ip_len);
		if (pkt->mirai)
			__sync_fetch_and_add(&c->mirai, 1);
	}
	/* else: the port map is sized for every key; cannot happen */

	if (pkt->bs_kind) {
		struct ts_bs_key bk = {};
		__u64 *n = NULL;

		t->backscatter++;
		__builtin_memcpy(bk.addr, pkt->src, 16);
		bk.family = pkt->family;
		bk.proto = pkt->proto;
		bk.src_port = pkt->bs_port;
		bk.kind = pkt->bs_kind;
		inner = bpf_map_lookup_elem(&bscat, &gen);
		if (inner)
			n = lookup_or_insert(inner, &bk, &zero_u64);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			t->bs_overflow++;
	}
}

/* The whole per-packet path; bench/ wraps it in a program of its own. */
static __always_inline int ts_handle(void *data, void *data_end)
{
	struct ts_totals *t;
	struct ts_ctl *c;
	struct ts_pkt pkt;
	__u32 zero = 0, gen = 0;
	void *inner;

	c = bpf_map_lookup_elem(&ctl, &zero);
	if (c)
		gen = *(volatile __u32 *)&c->gen & 1;

	inner = bpf_map_lookup_elem(&totals, &gen);
	t = inner ? bpf_map_lookup_elem(inner, &zero) : NULL;
	if (!t)
		goto out; /* cannot happen: both generations always exist */

	switch (ts_parse(&pkt, data, data_end)) {
	case TS_IP:
		count_ip(&pkt, gen, t);
		break;
	case TS_MALFORMED:
		t->malformed++;
		break;
	default:
		t->non_ip++;
		break;
	}
out:
	return pass_packets ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_telescope(struct xdp_md *ctx)
{
	return ts_handle((void *)(long)ctx->data, (void *)(long)ctx->data_end);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
