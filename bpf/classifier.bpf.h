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
GENERATIONS(flows_inner, flows);
GENERATIONS(ovports_inner, ovports);
GENERATIONS(bscat_inner, bscat);
GENERATIONS(tagged_inner, tagged);
GENERATIONS(tagov_inner, tagov);

/*
 * Configuration the loader writes at start and on SIGHUP (not counted,
 * so not in generations): payload rules by (protocol, port), labelled
 * address lists, and the names of the tag bits (for status and rows).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ts_rule_key);
	__type(value, struct ts_rule_set);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ts_rule_set);
} rules_any SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TS_RULE_PORT_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} rule_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536); /* --max-labels */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ts_label_key);
	__type(value, __u64);
} labels SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TS_TAG_MAX);
	__type(key, __u32);
	__type(value, struct ts_tag_name);
} tagnames SEC(".maps");

/* Room to search a SIP payload for its User-Agent. */
struct sip_buf {
	__u8 b[TS_SIP_SCAN_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sip_buf);
} scratch SEC(".maps");

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

/*
 * bpf_loop step over the 8-byte word w of the scratch copy: a header line
 * starts after each '\n' in it; is it the SIP User-Agent? Only newlines
 * are looked at closely, so a request costs ~64 word tests and a check
 * per header line, not a comparison at every byte.
 */
struct sip_search {
	__u32 len;
	__u32 found;
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static long sip_ua_word(__u32 w, void *arg)
{
	struct sip_search *s = arg;
	struct sip_buf *buf;
	__u32 zero = 0, off, pos;
	__u64 v, x;

	/* the masks are for the verifier: they cannot change in-range values */
	off = (w * 8) & (TS_SIP_SCAN_LEN - 1);
	if (off + 8 > TS_SIP_SCAN_LEN || off >= s->len)
		return 1;
	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf)
		return 1;
	__builtin_memcpy(&v, &buf->b[off], 8);
	x = v ^ (ONES * '\n');
	if (!((x - ONES) & ~x & HIGHS))
		return 0; /* no '\n' in this word */
	for (int j = 0; j < 8; j++) {
		if (buf->b[off + j] != '\n')
			continue;
		pos = off + j + 1;
		/* opaque to the compiler, so the check below bounds the access */
		asm volatile("" : "+r"(pos));
		if (pos > TS_SIP_SCAN_LEN - TS_SIP_UA_LEN ||
		    pos + TS_SIP_UA_LEN > s->len)
			return 1;
		if (ts_bytes_eq(&buf->b[pos], TS_SIP_UA, TS_SIP_UA_LEN)) {
			s->found = 1;
			return 1;
		}
	}
	return 0;
}

/* sip_friendly_scanner: the User-Agent within the first 512 payload bytes */
static __always_inline __u64 sip_friendly(struct xdp_md *ctx,
					  const struct ts_pkt *pkt)
{
	struct sip_search s = { .len = pkt->payload_len };
	struct sip_buf *buf;
	__u32 zero = 0;

	if (s.len > TS_SIP_SCAN_LEN)
		s.len = TS_SIP_SCAN_LEN;
	if (s.len < TS_SIP_UA_LEN)
		return 0;
	buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!buf || bpf_xdp_load_bytes(ctx, pkt->payload_off, buf->b, s.len))
		return 0;
	bpf_loop((s.len + 7) / 8, sip_ua_word, &s, 0);
	return s.found ? 1ULL << TS_TAG_SIP_FRIENDLY : 0;
}

/* Tags of one set of payload rules on this packet. */
static __always_inline __u64 match_set(struct xdp_md *ctx,
				       const struct ts_pkt *pkt,
				       const struct ts_rule_set *set)
{
	__u64 tags = 0;

	for (int i = 0; i < TS_RULES_PER_KEY; i++) {
		__u64 got[TS_RULE_BYTES / 8] = {};
		const __u64 *want;
		const struct ts_rule *r;
		__u32 len, off;

		if (i >= (int)set->count)
			break;
		r = &set->rule[i];
		len = r->len;
		off = r->offset;
		if (len == 0 || len > TS_RULE_BYTES || off > TS_RULE_MAX_OFFSET ||
		    off + len > pkt->payload_len)
			continue;
		if (bpf_xdp_load_bytes(ctx, pkt->payload_off + off, got, len))
			continue;
		/* rule bytes are zero past len, like got */
		want = (const __u64 *)r->bytes;
		if (got[0] == want[0] && got[1] == want[1] &&
		    got[2] == want[2] && got[3] == want[3])
			tags |= 1ULL << (r->bit & 63);
	}
	return tags;
}

/* Tags of the payload rules on this packet's protocol and port, and on *. */
static __always_inline __u64 match_rules(struct xdp_md *ctx,
					 const struct ts_pkt *pkt)
{
	__u32 udp = pkt->proto == TS_IPPROTO_UDP;
	__u32 word = udp * 1024 + pkt->port / 64;
	struct ts_rule_set *set;
	__u64 *bits, tags = 0;

	bits = bpf_map_lookup_elem(&rule_ports, &word);
	if (bits && (*bits >> (pkt->port % 64)) & 1) {
		struct ts_rule_key key = { .proto = pkt->proto, .port = pkt->port };

		set = bpf_map_lookup_elem(&rules, &key);
		if (set)
			tags |= match_set(ctx, pkt, set);
	}
	set = bpf_map_lookup_elem(&rules_any, &udp);
	if (set && set->count)
		tags |= match_set(ctx, pkt, set);
	return tags;
}

static __always_inline __u64 label_tags(const struct ts_pkt *pkt)
{
	struct ts_label_key key = { .prefixlen = 128 };
	__u64 *mask;

	if (pkt->family == TS_FAMILY_IPV4) {
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		__builtin_memcpy(&key.addr[12], pkt->src, 4);
	} else {
		__builtin_memcpy(key.addr, pkt->src, 16);
	}
	mask = bpf_map_lookup_elem(&labels, &key);
	return mask ? *mask : 0;
}

static __always_inline __u64 packet_tags(struct xdp_md *ctx,
					 const struct ts_pkt *pkt, __u32 flags)
{
	__u64 tags = ts_fingerprint(pkt);

	if (tags & (1ULL << TS_TAG_SIP_OPTIONS))
		tags |= sip_friendly(ctx, pkt);
	if ((flags & TS_CTL_RULES) && pkt->payload_len && !pkt->fragment &&
	    (pkt->proto == TS_IPPROTO_TCP || pkt->proto == TS_IPPROTO_UDP))
		tags |= match_rules(ctx, pkt);
	if (flags & TS_CTL_LABELS)
		tags |= label_tags(pkt);
	return tags;
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
 * Count a tagged packet in its flow entry if the flow's tag mask is this
 * packet's (or unset: the first tagged packet sets it). False when the
 * flow already carries another mask: the tagged map counts this one.
 */
static __always_inline int tags_in_flow(struct ts_counts *c, __u64 tags)
{
	__u64 have = c->tags;

	if (!have)
		have = __sync_val_compare_and_swap(&c->tags, 0, tags) ?: tags;
	if (have != tags)
		return 0;
	__sync_fetch_and_add(&c->tagged, 1);
	return 1;
}

static __always_inline void count_ip(struct ts_pkt *pkt, __u64 tags,
				     __u32 gen, struct ts_totals *t)
{
	int flow = 0;
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
	flow = c != NULL;
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

	if (tags) {
		t->tagged++;
		if (flow && tags_in_flow(c, tags))
			;
		else
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
	__u32 zero = 0, gen = 0, flags = 0;
	struct ts_totals *t;
	struct ts_ctl *c;
	struct ts_pkt pkt;
	__u64 tags;
	void *inner;

	c = bpf_map_lookup_elem(&ctl, &zero);
	if (c) {
		gen = *(volatile __u32 *)&c->gen & 1;
		flags = *(volatile __u32 *)&c->flags;
	}

	inner = bpf_map_lookup_elem(&totals, &gen);
	t = inner ? bpf_map_lookup_elem(inner, &zero) : NULL;
	if (!t)
		goto out; /* cannot happen: both generations always exist */

	switch (ts_parse(&pkt, data, data_end)) {
	case TS_IP:
		tags = packet_tags(ctx, &pkt, flags);
		count_ip(&pkt, tags, gen, t);
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
