/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The classifier: its maps and ts_handle(), which parses one frame
 * (include/parse.h), counts it in the maps of the current generation and
 * returns the verdict. Every counting map exists twice (generation 0 and
 * 1) behind an ARRAY_OF_MAPS. The program reads the generation from
 * `ctl` once per packet, so one packet lands entirely in one generation;
 * the loader flips the generation, waits for a grace period and then
 * drains the other one while nothing writes it (user/sensor/drain.c).
 *
 * A header and not a .c file because two BPF objects are built from it:
 * the sensor's (telescope.bpf.c) and the benchmark's (bench/bench.bpf.c),
 * which must run this very code on these very maps. Each object is one
 * translation unit, so the map definitions here are made once per object.
 */
#ifndef TS_CLASSIFIER_BPF_H
#define TS_CLASSIFIER_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "telescope.h"
#include "parse.h"
#include "fingerprint.h"
#include "tagging.bpf.h"

/* Set by the loader before load. */
const volatile __u8 pass_packets = 0; /* XDP_PASS instead of XDP_DROP */

struct totals_inner {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ts_totals);
} totals_0 SEC(".maps"), totals_1 SEC(".maps");

/*
 * The flows of each family. IPv4's are an open-addressing table of
 * one-cache-line slots (include/telescope.h: struct ts_flow4_slot),
 * TS_FLOW4_SLOTS_PER_SOURCE per --max-sources entry, preallocated (the
 * hot path of a telescope); IPv6's a hash map allocated as flows come,
 * so that the room the two share (`room`, --max-sources in all) costs
 * memory only once. flows4's size is set by the loader
 * (sensor/maps.c), so its inner maps may differ in size from this
 * definition (BPF_F_INNER_MAP); the program finds it in `room`.
 */
#define TS_FLOW4_SLOTS_DEFAULT (TS_FLOW4_SLOTS_PER_SOURCE * 524288)

struct flows4_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TS_FLOW4_SLOTS_DEFAULT);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	__type(key, __u32);
	__type(value, struct ts_flow4_slot);
} flows4_0 SEC(".maps"), flows4_1 SEC(".maps");

struct flows6_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 524288); /* --max-sources */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ts_flow6_key);
	__type(value, struct ts_flow_val);
} flows6_0 SEC(".maps"), flows6_1 SEC(".maps");

/*
 * Flow entries each generation may still create, over both families:
 * the loader sets it to --max-sources whenever the generation is empty
 * (sensor/maps.c), the program takes one for every entry it creates.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ts_room);
} room SEC(".maps");

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

/* Tagged packets, and those whose tag key did not fit (by port only). */
struct tagged_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 131072); /* --max-tagged */
	__type(key, struct ts_tag_key);
	__type(value, __u64);
} tagged_0 SEC(".maps"), tagged_1 SEC(".maps");

struct tagov_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ts_tagov_key);
	__type(value, __u64);
} tagov_0 SEC(".maps"), tagov_1 SEC(".maps");

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
GENERATIONS(flows4_inner, flows4);
GENERATIONS(flows6_inner, flows6);
GENERATIONS(ovports_inner, ovports);
GENERATIONS(bscat_inner, bscat);
GENERATIONS(tagged_inner, tagged);
GENERATIONS(tagov_inner, tagov);

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

static __always_inline void count_tags(const struct ts_pkt *pkt, __u64 tags,
				       __u32 gen, struct ts_totals *t)
{
	static const __u64 zero_u64;
	struct ts_tag_key k = {};
	__u64 *n = NULL;
	void *inner;

	__builtin_memcpy(k.addr, pkt->src, 16);
	k.family = pkt->family;
	k.proto = pkt->proto;
	k.port = pkt->port;
	k.tags = tags;
	inner = bpf_map_lookup_elem(&tagged, &gen);
	if (inner)
		n = lookup_or_insert(inner, &k, &zero_u64);
	if (!n) {
		struct ts_tagov_key ok = { .tags = tags, .proto = pkt->proto,
					   .port = pkt->port };

		t->tag_overflow++;
		inner = bpf_map_lookup_elem(&tagov, &gen);
		if (inner)
			n = lookup_or_insert(inner, &ok, &zero_u64);
	}
	if (n)
		__sync_fetch_and_add(n, 1);
}

/*
 * Create a flow entry if the generation has room for one more. Another
 * CPU may create the same key meanwhile: the insert fails with -EEXIST,
 * the room goes back and the lookup finds that CPU's entry; so does a
 * packet that finds no room, should the key have been created since.
 * NULL when the flows of the generation are full.
 */
static __always_inline struct ts_flow_val *flow_create(void *map, const void *key,
						       __u32 gen)
{
	static const struct ts_flow_val zero_val;
	struct ts_room *r = bpf_map_lookup_elem(&room, &gen);

	if (!r)
		return NULL;
	if (__sync_fetch_and_add(&r->free, -1) > 0) {
		if (bpf_map_update_elem(map, key, &zero_val, BPF_NOEXIST))
			__sync_fetch_and_add(&r->free, 1);
	} else {
		__sync_fetch_and_add(&r->free, 1);
	}
	return bpf_map_lookup_elem(map, key);
}

static __always_inline struct ts_flow_val *flow_find(void *outer, const void *key,
						     __u32 gen)
{
	void *inner = bpf_map_lookup_elem(outer, &gen);
	struct ts_flow_val *v;

	if (!inner)
		return NULL;
	v = bpf_map_lookup_elem(inner, key);
	return v ? v : flow_create(inner, key, gen);
}

/* An IPv4 flow without a slot of its own: in flows6, marked IPv4. */
static __always_inline struct ts_flow_val *flow4_spill(const struct ts_flow4_key *k,
						       __u32 gen)
{
	struct ts_flow6_key k6 = { .proto = k->proto, .pad = TS_FAMILY_IPV4,
				   .port = k->port };

	__builtin_memcpy(k6.addr, k->addr, 4);
	return flow_find(&flows6, &k6, gen);
}

/* What flow4_claim() made of a free slot. */
enum claim { CLAIM_OURS, CLAIM_TAKEN, CLAIM_NO_ROOM };

/*
 * Claim the free slot whose key is *sk for key, if the generation has
 * room for one more flow. Another CPU may claim it first: for the same
 * key (then it is ours all the same) or for another (the room goes back
 * and the probe goes on). Without room the key can still have been
 * claimed here meanwhile; it cannot be further on, as a key takes the
 * first free slot of its probe sequence and slots are never freed.
 */
static __always_inline enum claim flow4_claim(struct ts_room *r, __u64 *sk, __u64 key)
{
	__u64 have;

	if (__sync_fetch_and_add(&r->free, -1) <= 0) {
		__sync_fetch_and_add(&r->free, 1);
		return *(volatile __u64 *)sk == key ? CLAIM_OURS : CLAIM_NO_ROOM;
	}
	have = __sync_val_compare_and_swap(sk, 0, key);
	if (!have)
		return CLAIM_OURS;
	__sync_fetch_and_add(&r->free, 1);
	return have == key ? CLAIM_OURS : CLAIM_TAKEN;
}

/*
 * The flow's counters in flows4: the slot holding its key, or the first
 * free one of its TS_FLOW4_PROBES (include/telescope.h), which it claims.
 * NULL when the generation has no room left.
 */
static __always_inline struct ts_flow_val *flow4_find(const struct ts_flow4_key *k,
						      __u32 gen)
{
	void *slots = bpf_map_lookup_elem(&flows4, &gen);
	struct ts_room *r = bpf_map_lookup_elem(&room, &gen);
	__u32 n, i;
	__u64 key;

	if (!slots || !r)
		return NULL; /* cannot happen: both generations always exist */
	n = r->slots;
	if (!n)
		return flow4_spill(k, gen);
	__builtin_memcpy(&key, k, sizeof(key));
	i = ts_flow4_home(key, n);
	for (int p = 0; p < TS_FLOW4_PROBES; p++) {
		struct ts_flow4_slot *s = bpf_map_lookup_elem(slots, &i);
		__u64 have;

		if (!s)
			break;
		have = *(volatile __u64 *)&s->key;
		if (have == key)
			return &s->val;
		if (!have) {
			enum claim c = flow4_claim(r, (__u64 *)&s->key, key);

			if (c == CLAIM_OURS)
				return &s->val;
			if (c == CLAIM_NO_ROOM)
				return NULL;
		}
		if (++i >= n)
			i = 0;
	}
	return flow4_spill(k, gen);
}

/*
 * Add inc to a packed counter (include/telescope.h): if the add set the
 * carry flag of a field, move that flag's weight into the field's carry
 * word. Only the one add that sets a flag sees it go from 0 to 1.
 */
static __always_inline void packed_add(__u64 *word, __u64 inc, __u64 flag_lo,
				       __u32 *carry_lo, __u64 flag_hi,
				       __u32 *carry_hi)
{
	__u64 old = __sync_fetch_and_add(word, inc);
	__u64 set = (old + inc) & ~old;

	if (set & flag_lo) {
		__sync_fetch_and_sub(word, flag_lo);
		__sync_fetch_and_add(carry_lo, 1);
	}
	if (set & flag_hi) {
		__sync_fetch_and_sub(word, flag_hi);
		__sync_fetch_and_add(carry_hi, 1);
	}
}

/*
 * May the flow entry count this tagged packet? Yes if the flow's tag
 * mask is this packet's, or unset (the first tagged packet sets it).
 * No when the flow already carries another mask: the tagged map counts
 * this one.
 */
static __always_inline int tags_in_flow(struct ts_flow_val *v, __u64 tags)
{
	__u64 have = v->tags;

	if (!have)
		have = __sync_val_compare_and_swap(&v->tags, 0, tags) ?: tags;
	return have == tags;
}

/*
 * The labels of the flow's source. A trie lookup costs as much as the
 * rest of the packet, so the flow keeps its answer, valid while the
 * lists stay those of generation `lgen` (ctl.labels_gen; 0 before the
 * loader first set the lists: then every packet looks up). The answer is
 * one 64-bit word with its generation, so CPUs that race to store it
 * leave a pair that belongs together.
 */
static __always_inline __u64 flow_labels(struct ts_flow_val *v,
					 const struct ts_pkt *pkt, __u32 lgen)
{
	__u64 have = v->labels, mask;

	if (lgen && (have & TS_LABELS_GEN_MASK) == lgen)
		return have & ~TS_LABELS_GEN_MASK;
	mask = label_tags(pkt) & ~TS_LABELS_GEN_MASK;
	if (lgen)
		v->labels = mask | lgen;
	return mask;
}

/* One packet into its flow entry: one add, a second if tagged or Mirai. */
static __always_inline int count_flow(struct ts_flow_val *v,
				      const struct ts_pkt *pkt, __u64 tags)
{
	__u64 marks = pkt->mirai ? 1ULL << TS_MARK_MIRAI_SHIFT : 0;
	int tags_counted = tags && tags_in_flow(v, tags);

	packed_add(&v->pb, (1ULL << TS_PB_PKT_SHIFT) + pkt->ip_len,
		   TS_PB_BYTES_FLAG, &v->carry[TS_CARRY_BYTES],
		   TS_PB_PKT_FLAG, &v->carry[TS_CARRY_PACKETS]);
	marks += tags_counted;
	if (marks)
		packed_add(&v->marks, marks, TS_MARK_TAGGED_FLAG,
			   &v->carry[TS_CARRY_TAGGED], TS_MARK_MIRAI_FLAG,
			   &v->carry[TS_CARRY_MIRAI]);
	return tags_counted;
}

/* Packets whose flow did not fit: by protocol and port. */
static __always_inline void count_ovport(const struct ts_pkt *pkt, __u32 gen,
					 struct ts_totals *t)
{
	static const struct ts_counts zero_counts;
	struct ts_port_key pk = { .proto = pkt->proto, .port = pkt->port };
	struct ts_counts *c = NULL;
	void *inner;

	t->overflow++;
	inner = bpf_map_lookup_elem(&ovports, &gen);
	if (inner)
		c = lookup_or_insert(inner, &pk, &zero_counts);
	if (!c)
		return; /* sized for every key: cannot happen */
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, pkt->ip_len);
	if (pkt->mirai)
		__sync_fetch_and_add(&c->mirai, 1);
}

static __always_inline void count_ip(struct ts_pkt *pkt, __u64 tags,
				     __u32 gen, __u32 flags, __u32 lgen,
				     struct ts_totals *t)
{
	static const __u64 zero_u64;
	struct ts_flow_val *v;
	int tags_counted = 0;
	void *inner;

	t->packets++;
	t->bytes += pkt->ip_len;
	t->mirai += pkt->mirai;
	t->fragments += pkt->fragment;
	t->quote_mismatch += pkt->quote_mismatch;

	if (pkt->family == TS_FAMILY_IPV4) {
		struct ts_flow4_key k = { .proto = pkt->proto, .pad = TS_FLOW4_USED,
					  .port = pkt->port };

		__builtin_memcpy(k.addr, pkt->src, 4);
		v = flow4_find(&k, gen);
	} else {
		struct ts_flow6_key k = { .proto = pkt->proto, .port = pkt->port };

		__builtin_memcpy(k.addr, pkt->src, 16);
		v = flow_find(&flows6, &k, gen);
	}
	if (flags & TS_CTL_LABELS)
		tags |= v ? flow_labels(v, pkt, lgen & TS_LABELS_GEN_MASK)
			  : label_tags(pkt) & ~TS_LABELS_GEN_MASK;
	if (v)
		tags_counted = count_flow(v, pkt, tags);
	else
		count_ovport(pkt, gen, t);

	if (tags) {
		t->tagged++;
		if (!tags_counted)
			count_tags(pkt, tags, gen, t);
	}

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
static __always_inline int ts_handle(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0, gen = 0, flags = 0, lgen = 0;
	struct ts_totals *t;
	struct ts_ctl *c;
	struct ts_pkt pkt;
	__u64 tags;
	void *inner;

	c = bpf_map_lookup_elem(&ctl, &zero);
	if (c) {
		gen = *(volatile __u32 *)&c->gen & 1;
		flags = *(volatile __u32 *)&c->flags;
		lgen = *(volatile __u32 *)&c->labels_gen;
	}

	inner = bpf_map_lookup_elem(&totals, &gen);
	t = inner ? bpf_map_lookup_elem(inner, &zero) : NULL;
	if (!t)
		goto out; /* cannot happen: both generations always exist */

	switch (ts_parse(&pkt, data, data_end)) {
	case TS_IP:
		tags = packet_tags(ctx, &pkt, flags);
		count_ip(&pkt, tags, gen, flags, lgen, t);
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

#endif /* TS_CLASSIFIER_BPF_H */
