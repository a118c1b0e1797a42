/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the classifier tags a packet with besides the built-in
 * fingerprints (include/fingerprint.h): the SIP User-Agent search, the
 * payload rules and the labelled address lists, with the configuration
 * maps the loader fills for them (user/sensor/tagcfg.c). Part of
 * classifier.bpf.h, which counts what these return.
 */
#ifndef TS_TAGGING_BPF_H
#define TS_TAGGING_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "telescope.h"
#include "parse.h"
#include "fingerprint.h"

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
	return tags; /* the lists' labels come with the flow: flow_labels() */
}

#endif /* TS_TAGGING_BPF_H */
