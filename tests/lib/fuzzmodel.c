// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * User space's side of the differential fuzz (fuzzcheck.h): what
 * ts_handle() (bpf/classifier.bpf.h) must count for one frame, from the
 * parser and fingerprints compiled here. What the program does with
 * helpers (the SIP scan, the payload rules) is written from the rules of
 * docs/tags.md, not copied from the program.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include "lib/alloc.h"
#include "fingerprint.h"
#include "fuzzcheck.h"

/*
 * sip_friendly_scanner: a line other than the first starts with the
 * User-Agent, which ends within the payload and its first 512 bytes.
 */
static __u64 sip_friendly(const struct ts_pkt *p, const uint8_t *frame)
{
	const uint8_t *b = frame + p->payload_off;
	size_t len = p->payload_len < TS_SIP_SCAN_LEN ? p->payload_len
						      : TS_SIP_SCAN_LEN;

	for (size_t i = 0; i + 1 + TS_SIP_UA_LEN <= len; i++)
		if (b[i] == '\n' && !memcmp(b + i + 1, TS_SIP_UA, TS_SIP_UA_LEN))
			return 1ULL << TS_TAG_SIP_FRIENDLY;
	return 0;
}

/* A rule matches when its bytes are at its offset of the L4 payload. */
static __u64 rule_tags(const struct fz_rules *rules, const struct ts_pkt *p,
		       const uint8_t *frame)
{
	__u64 tags = 0;

	for (size_t i = 0; i < rules->n; i++) {
		const struct tag_rule *r = &rules->rule[i];

		if (r->proto != p->proto || (!r->any_port && r->port != p->port) ||
		    r->offset > TS_RULE_MAX_OFFSET ||
		    (size_t)r->offset + r->len > p->payload_len)
			continue;
		if (!memcmp(frame + p->payload_off + r->offset, r->bytes, r->len))
			tags |= 1ULL << rules->bit[i];
	}
	return tags;
}

static __u64 tags_of(const struct fz_rules *rules, const struct ts_pkt *p,
		     const uint8_t *frame)
{
	__u64 tags = ts_fingerprint(p);

	if (tags & (1ULL << TS_TAG_SIP_OPTIONS))
		tags |= sip_friendly(p, frame);
	if (rules->n && p->payload_len && !p->fragment &&
	    (p->proto == TS_IPPROTO_TCP || p->proto == TS_IPPROTO_UDP))
		tags |= rule_tags(rules, p, frame);
	return tags;
}

/*
 * One IP packet into empty maps: the totals, a new flow entry in its
 * family's map that also counts the packet's tags (the first mask of a
 * flow stays in the flow), and a backscatter entry if it is backscatter.
 * The flow's counters are packed as include/telescope.h says, nothing
 * carried yet: packets << 40 | bytes, mirai << 32 | tagged.
 */
static void count_ip(struct fz_verdict *v, const struct ts_pkt *p, __u64 tags)
{
	v->t.packets = 1;
	v->t.bytes = p->ip_len;
	v->t.mirai = p->mirai;
	v->t.fragments = p->fragment;
	v->t.quote_mismatch = p->quote_mismatch;
	v->t.tagged = tags != 0;

	if (p->family == TS_FAMILY_IPV4) {
		v->flows4 = 1;
		memcpy(v->f4.addr, p->src, 4);
		v->f4.proto = p->proto;
		v->f4.pad = TS_FLOW4_USED;
		v->f4.port = p->port;
	} else {
		v->flows6 = 1;
		memcpy(v->f6.addr, p->src, 16);
		v->f6.proto = p->proto;
		v->f6.port = p->port;
	}
	v->room_taken = 1;
	v->fv = (struct ts_flow_val){
		.pb = 1ULL << 40 | p->ip_len,
		.marks = (__u64)p->mirai << 32 | (tags != 0),
		.tags = tags,
	};
	if (!p->bs_kind)
		return;
	v->t.backscatter = 1;
	v->bscat = 1;
	memcpy(v->bk.addr, p->src, 16);
	v->bk.family = p->family;
	v->bk.proto = p->proto;
	v->bk.src_port = p->bs_port;
	v->bk.kind = p->bs_kind;
	v->bn = 1;
}

void fz_model(const struct fz_rules *rules, const uint8_t *frame, size_t len,
	      struct fz_verdict *v, struct ts_pkt *pkt)
{
	uint8_t *copy = xmalloc(len);

	memcpy(copy, frame, len);
	memset(v, 0, sizeof(*v));
	v->action = XDP_DROP;
	switch (ts_parse(pkt, copy, copy + len)) {
	case TS_IP:
		count_ip(v, pkt, tags_of(rules, pkt, copy));
		break;
	case TS_MALFORMED:
		v->t.malformed = 1;
		break;
	default:
		v->t.non_ip = 1;
		break;
	}
	free(copy);
}
