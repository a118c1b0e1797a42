// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Benchmark programs around the real classifier. bpf/classifier.bpf.h
 * gives this object the same maps and the same ts_handle() the sensor
 * runs; the programs below only add what BPF_PROG_TEST_RUN needs to
 * look like real traffic (a fresh source per packet) and the reference
 * points the classifier is measured against.
 */
#include "classifier.bpf.h"
#include "rewrite.bpf.h"

/*
 * The flow key and value of layouts 1-3 (20 bytes of address, family,
 * protocol and port; five 64-bit counters): the floor the benchmark has
 * measured since its start, kept so that runs stay comparable.
 */
struct bench_wide_key {
	__u8 addr[16];
	__u8 family;
	__u8 proto;
	__u16 port;
};

/*
 * The floor: one hash map entry per source (lookup, else insert, then
 * an atomic add) keyed and valued as the flows were until layout 3, on
 * a map the driver sizes like the classifier's flow map.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288); /* resized by the driver before load */
	__type(key, struct bench_wide_key);
	__type(value, struct ts_counts);
} bench_floor_flows SEC(".maps");

/*
 * The same floor reached through an ARRAY_OF_MAPS, as the classifier
 * reaches its generation's flow map: the difference between the two
 * floors is what the lossless generation swap costs per packet.
 */
struct bench_floor_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288); /* resized by the driver before load */
	__type(key, struct bench_wide_key);
	__type(value, struct ts_counts);
} bench_floor_inner_0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct bench_floor_inner);
} bench_floor_outer SEC(".maps") = {
	.values = { &bench_floor_inner_0 },
};

/*
 * The minimal floor: the least exact per-source counting can cost at
 * all, one plain hash update keyed by the 4-byte IPv4 source with one
 * 64-bit counter (a 64-byte element: one cache line).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288); /* resized by the driver before load */
	__type(key, __u32);
	__type(value, __u64);
} bench_min_flows SEC(".maps");

static __always_inline void bench_count_source(void *map, __u32 addr)
{
	static const struct ts_counts zero_counts;
	struct bench_wide_key key = {};
	struct ts_counts *c;

	__builtin_memcpy(key.addr, &addr, 4);
	key.family = TS_FAMILY_IPV4;
	c = lookup_or_insert(map, &key, &zero_counts);
	if (c)
		__sync_fetch_and_add(&c->packets, 1);
}

/* What XDP costs before any work: the reference for every ratio. */
SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

/* The rewrite alone: the harness's own share of the numbers below. */
SEC("xdp")
int bench_rewrite_only(struct xdp_md *ctx)
{
	bench_rewrite((void *)(long)ctx->data, (void *)(long)ctx->data_end);
	return XDP_DROP;
}

SEC("xdp")
int bench_floor(struct xdp_md *ctx)
{
	__u32 addr = bench_rewrite((void *)(long)ctx->data,
				   (void *)(long)ctx->data_end);

	bench_count_source(&bench_floor_flows, addr);
	return XDP_DROP;
}

SEC("xdp")
int bench_floor_min(struct xdp_md *ctx)
{
	static const __u64 zero;
	__u32 addr = bench_rewrite((void *)(long)ctx->data,
				   (void *)(long)ctx->data_end);
	__u64 *n = lookup_or_insert(&bench_min_flows, &addr, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_DROP;
}

SEC("xdp")
int bench_floor_mim(struct xdp_md *ctx)
{
	__u32 addr = bench_rewrite((void *)(long)ctx->data,
				   (void *)(long)ctx->data_end);
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(&bench_floor_outer, &zero);

	if (inner)
		bench_count_source(inner, addr);
	return XDP_DROP;
}

/* The sensor's per-packet path, on a fresh source each packet. */
SEC("xdp")
int bench_classifier(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	bench_rewrite(data, data_end);
	return ts_handle(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
