/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The packet parser and classifier, shared by the XDP program and the
 * user-side unit tests: the same code decides in the kernel and under
 * cmocka. It reads bytes through pointers checked against `end` right
 * before each access, the form the BPF verifier accepts; it allocates
 * nothing and calls no helpers.
 */
#ifndef TS_PARSE_H
#define TS_PARSE_H

#include "telescope.h"

#ifndef __bpf__
#include <string.h>
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define TS_ETH_HLEN 14
#define TS_ETH_P_IP 0x0800
#define TS_ETH_P_IPV6 0x86DD
#define TS_ETH_P_8021Q 0x8100
#define TS_ETH_P_8021AD 0x88A8

#define TS_IPPROTO_ICMP 1
#define TS_IPPROTO_TCP 6
#define TS_IPPROTO_UDP 17
#define TS_IPPROTO_ICMPV6 58
#define TS_IPV6_HOPOPTS 0
#define TS_IPV6_ROUTING 43
#define TS_IPV6_FRAGMENT 44
#define TS_IPV6_AH 51
#define TS_IPV6_DSTOPTS 60

#define TS_TCP_FIN 0x01
#define TS_TCP_SYN 0x02
#define TS_TCP_RST 0x04
#define TS_TCP_ACK 0x10

/*
 * Loops over headers must be unrolled for the verifier. clang (BPF) and
 * gcc (the user-side tests) spell the request differently, and gcc
 * rejects clang's spelling under -Werror.
 */
#ifdef __clang__
#define TS_UNROLL _Pragma("unroll")
#else
#define TS_UNROLL _Pragma("GCC unroll 8")
#endif

#define TS_MAX_VLAN 2
#define TS_MAX_IPV6_EXT 6

/*
 * True when n bytes at p are not all inside both the frame (`end`, the
 * bound the verifier tracks) and the IP packet (`lim`, the IP length).
 */
#define TS_SHORT(p, n)                                        \
	((const void *)((p) + (n)) > end ||                    \
	 (const void *)((p) + (n)) > lim)

/* Everything the classifier derives from one frame. */
struct ts_pkt {
	__u8 verdict;        /* enum ts_verdict */
	__u8 family;         /* TS_FAMILY_* */
	__u8 proto;          /* IP protocol (after IPv6 extension headers) */
	__u8 tcp_flags;      /* TCP flags byte, 0 otherwise */
	__u16 port;          /* destination port or ICMP type; 0 if none */
	__u16 bs_port;       /* backscatter: the victim's service port */
	__u8 bs_kind;        /* enum ts_bs_kind */
	__u8 fragment;       /* non-first fragment: no L4 header */
	__u8 mirai;          /* SYN-only with seq == IPv4 destination */
	__u8 quote_mismatch; /* ICMP error quoting a source that is not us */
	__u32 ip_len;        /* IP length (header + payload) */
	__u8 src[16];        /* source address, IPv4 in the first 4 bytes */
	__u8 dst[16];        /* destination address, same layout */
	__u16 l4_off;        /* offset of the L4 header in the frame */
	__u16 payload_off;   /* offset of the L4 payload (TCP/UDP) */
	__u32 tcp_seq;       /* raw (network order) sequence number */
	__u32 tcp_ack;       /* raw acknowledgement number */
	/* header fields the scanner fingerprints (fingerprint.h) look at */
	__u16 ip_id;         /* IPv4 identification, host order */
	__u8 ip_df;          /* IPv4 don't-fragment bit */
	__u8 ip_ttl;         /* IPv4 TTL / IPv6 hop limit */
	__u16 tcp_window;    /* host order */
	__u8 tcp_hlen;       /* TCP header length in bytes */
	__u8 pad;
	__u16 payload_len;   /* TCP/UDP payload bytes (within the IP length) */
	__u8 tcp_opt[12];    /* the options, when there are exactly 4 or 12 bytes */
	__u8 udp_head[12];   /* the first 12 UDP payload bytes, when there are */
};

static __always_inline __u16 ts_be16(const __u8 *p)
{
	return (__u16)((p[0] << 8) | p[1]);
}

static __always_inline __u32 ts_raw32(const __u8 *p)
{
	__u32 v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

/* Network to host order for a raw 32-bit value (BPF has no ntohl()). */
static __always_inline __u32 ts_ntohl(__u32 raw)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(raw);
#else
	return raw;
#endif
}

static __always_inline void ts_copy16(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, 16);
}

/* memcmp() is not available to BPF: compare 16 bytes as two words. */
static __always_inline int ts_same16(const __u8 *a, const __u8 *b)
{
	__u64 a0, a1, b0, b1;

	__builtin_memcpy(&a0, a, 8);
	__builtin_memcpy(&a1, a + 8, 8);
	__builtin_memcpy(&b0, b, 8);
	__builtin_memcpy(&b1, b + 8, 8);
	return a0 == b0 && a1 == b1;
}

static __always_inline int ts_ip_malformed(struct ts_pkt *pkt)
{
	pkt->verdict = TS_MALFORMED;
	return TS_MALFORMED;
}

/* ICMPv4 types: which are backscatter, and which quote a header. */
static __always_inline __u8 ts_icmp4_kind(__u8 type, int *quotes)
{
	*quotes = 0;
	switch (type) {
	case 0: return TS_BS_ICMP_ECHO_REPLY;
	case 3: *quotes = 1; return TS_BS_ICMP_UNREACH;
	case 4: *quotes = 1; return TS_BS_ICMP_QUENCH;
	case 5: *quotes = 1; return TS_BS_ICMP_REDIRECT;
	case 11: *quotes = 1; return TS_BS_ICMP_TIME_EXCEEDED;
	case 12: *quotes = 1; return TS_BS_ICMP_PARAM;
	case 14: case 16: case 18: return TS_BS_ICMP_REPLY;
	default: return TS_BS_NONE;
	}
}

static __always_inline __u8 ts_icmp6_kind(__u8 type, int *quotes)
{
	*quotes = 0;
	switch (type) {
	case 1: *quotes = 1; return TS_BS_ICMP6_UNREACH;
	case 2: *quotes = 1; return TS_BS_ICMP6_TOO_BIG;
	case 3: *quotes = 1; return TS_BS_ICMP6_TIME_EXCEEDED;
	case 4: *quotes = 1; return TS_BS_ICMP6_PARAM;
	case 129: return TS_BS_ICMP6_ECHO_REPLY;
	default: return TS_BS_NONE;
	}
}

/*
 * The quoted header of an ICMP error names the victim's service (the
 * quoted destination port) and should name us as the quoted source. A
 * quote too short to read is not an error: routers may quote little.
 */
static __always_inline void ts_read_quote(struct ts_pkt *pkt, const __u8 *q,
					  const void *end, const void *lim)
{
	__u8 proto;
	const __u8 *l4;

	if (pkt->family == TS_FAMILY_IPV4) {
		if (TS_SHORT(q, 20))
			return;
		if (ts_raw32(q + 12) != ts_raw32(pkt->dst))
			pkt->quote_mismatch = 1;
		/* a broken quoted header or a non-first fragment has no port */
		if ((q[0] & 0x0f) < 5 || (ts_be16(q + 6) & 0x1fff))
			return;
		proto = q[9];
		l4 = q + ((q[0] & 0x0f) * 4);
	} else {
		if (TS_SHORT(q, 40))
			return;
		if (!ts_same16(q + 8, pkt->dst))
			pkt->quote_mismatch = 1;
		proto = q[6];
		l4 = q + 40;
	}
	if (proto != TS_IPPROTO_TCP && proto != TS_IPPROTO_UDP)
		return;
	if (TS_SHORT(l4, 4))
		return;
	pkt->bs_port = ts_be16(l4 + 2);
}

static __always_inline int ts_parse_tcp(struct ts_pkt *pkt, const __u8 *l4,
					const void *end, const void *lim)
{
	__u8 flags, hlen;

	if (TS_SHORT(l4, 20))
		return ts_ip_malformed(pkt);
	hlen = (l4[12] >> 4) * 4;
	if (hlen < 20 || TS_SHORT(l4, hlen))
		return ts_ip_malformed(pkt);
	flags = l4[13];
	pkt->tcp_flags = flags;
	pkt->port = ts_be16(l4 + 2);
	pkt->tcp_seq = ts_raw32(l4 + 4);
	pkt->tcp_ack = ts_raw32(l4 + 8);
	pkt->tcp_window = ts_be16(l4 + 14);
	pkt->tcp_hlen = hlen;
	pkt->payload_off = pkt->l4_off + hlen;
	pkt->payload_len = (__u16)((const __u8 *)lim - (l4 + hlen));
	/* ZMap and Nmap SYNs carry exactly 12 and 4 bytes of options */
	if (hlen == 24 && !TS_SHORT(l4, 24))
		__builtin_memcpy(pkt->tcp_opt, l4 + 20, 4);
	else if (hlen == 32 && !TS_SHORT(l4, 32))
		__builtin_memcpy(pkt->tcp_opt, l4 + 20, 12);

	if ((flags & (TS_TCP_SYN | TS_TCP_ACK | TS_TCP_RST)) ==
	    (TS_TCP_SYN | TS_TCP_ACK))
		pkt->bs_kind = TS_BS_SYNACK;
	else if ((flags & (TS_TCP_RST | TS_TCP_ACK)) == (TS_TCP_RST | TS_TCP_ACK))
		pkt->bs_kind = TS_BS_RSTACK;
	else if (flags & TS_TCP_RST)
		pkt->bs_kind = TS_BS_RST;
	if (pkt->bs_kind)
		pkt->bs_port = ts_be16(l4);

	if (flags == TS_TCP_SYN && pkt->family == TS_FAMILY_IPV4 &&
	    pkt->tcp_seq == ts_raw32(pkt->dst))
		pkt->mirai = 1;
	return TS_IP;
}

static __always_inline int ts_parse_l4(struct ts_pkt *pkt, const __u8 *l4,
				       const void *end, const void *lim)
{
	int quotes = 0;

	switch (pkt->proto) {
	case TS_IPPROTO_TCP:
		return ts_parse_tcp(pkt, l4, end, lim);
	case TS_IPPROTO_UDP:
		if (TS_SHORT(l4, 8))
			return ts_ip_malformed(pkt);
		pkt->port = ts_be16(l4 + 2);
		pkt->payload_off = pkt->l4_off + 8;
		pkt->payload_len = (__u16)((const __u8 *)lim - (l4 + 8));
		if (!TS_SHORT(l4 + 8, 12))
			__builtin_memcpy(pkt->udp_head, l4 + 8, 12);
		return TS_IP;
	case TS_IPPROTO_ICMP:
	case TS_IPPROTO_ICMPV6:
		if (TS_SHORT(l4, 8))
			return ts_ip_malformed(pkt);
		pkt->port = l4[0];
		if (pkt->proto == TS_IPPROTO_ICMP && pkt->family == TS_FAMILY_IPV4)
			pkt->bs_kind = ts_icmp4_kind(l4[0], &quotes);
		else if (pkt->proto == TS_IPPROTO_ICMPV6 &&
			 pkt->family == TS_FAMILY_IPV6)
			pkt->bs_kind = ts_icmp6_kind(l4[0], &quotes);
		if (quotes)
			ts_read_quote(pkt, l4 + 8, end, lim);
		return TS_IP;
	default:
		return TS_IP;
	}
}

static __always_inline int ts_parse_ipv4(struct ts_pkt *pkt, const __u8 *data,
					 const __u8 *ip, const void *end)
{
	__u32 ihl, tot_len;
	__u16 frag;

	if ((const void *)(ip + 20) > end)
		return ts_ip_malformed(pkt);
	ihl = (ip[0] & 0x0f) * 4;
	tot_len = ts_be16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot_len < ihl)
		return ts_ip_malformed(pkt);
	if ((const void *)(ip + ihl) > end || (const void *)(ip + tot_len) > end)
		return ts_ip_malformed(pkt);

	pkt->family = TS_FAMILY_IPV4;
	pkt->proto = ip[9];
	pkt->ip_id = ts_be16(ip + 4);
	pkt->ip_df = (ip[6] & 0x40) != 0;
	pkt->ip_ttl = ip[8];
	pkt->ip_len = tot_len;
	__builtin_memcpy(pkt->src, ip + 12, 4);
	__builtin_memcpy(pkt->dst, ip + 16, 4);

	frag = ts_be16(ip + 6) & 0x1fff;
	if (frag) {
		pkt->fragment = 1;
		return TS_IP;
	}
	pkt->l4_off = (__u16)(ip + ihl - data);
	/* L4 must fit in the IP length, not merely in the frame. */
	return ts_parse_l4(pkt, ip + ihl, end, ip + tot_len);
}

static __always_inline int ts_parse_ipv6(struct ts_pkt *pkt, const __u8 *data,
					 const __u8 *ip, const void *end)
{
	const __u8 *cur = ip + 40;
	const void *lim;
	__u32 len;
	__u8 nh;
	int i;

	if ((const void *)(ip + 40) > end)
		return ts_ip_malformed(pkt);
	if ((ip[0] >> 4) != 6)
		return ts_ip_malformed(pkt);
	len = 40 + ts_be16(ip + 4);
	if ((const void *)(ip + len) > end)
		return ts_ip_malformed(pkt);
	lim = ip + len;

	pkt->family = TS_FAMILY_IPV6;
	pkt->ip_len = len;
	pkt->ip_ttl = ip[7];
	ts_copy16(pkt->src, ip + 8);
	ts_copy16(pkt->dst, ip + 24);
	nh = ip[6];

	TS_UNROLL
	for (i = 0; i < TS_MAX_IPV6_EXT; i++) {
		if (nh == TS_IPV6_HOPOPTS || nh == TS_IPV6_ROUTING ||
		    nh == TS_IPV6_DSTOPTS) {
			if (TS_SHORT(cur, 2))
				return ts_ip_malformed(pkt);
			nh = cur[0];
			cur += (cur[1] + 1) * 8;
		} else if (nh == TS_IPV6_AH) {
			if (TS_SHORT(cur, 2))
				return ts_ip_malformed(pkt);
			nh = cur[0];
			cur += (cur[1] + 2) * 4;
		} else if (nh == TS_IPV6_FRAGMENT) {
			if (TS_SHORT(cur, 8))
				return ts_ip_malformed(pkt);
			nh = cur[0];
			if (ts_be16(cur + 2) & 0xfff8) {
				pkt->proto = nh;
				pkt->fragment = 1;
				return TS_IP;
			}
			cur += 8;
		} else {
			break;
		}
	}
	pkt->proto = nh;
	if (TS_SHORT(cur, 0))
		return ts_ip_malformed(pkt);
	if (nh == TS_IPV6_HOPOPTS || nh == TS_IPV6_ROUTING ||
	    nh == TS_IPV6_DSTOPTS || nh == TS_IPV6_FRAGMENT || nh == TS_IPV6_AH)
		return ts_ip_malformed(pkt); /* more headers than we follow */
	pkt->l4_off = (__u16)(cur - data);
	return ts_parse_l4(pkt, cur, end, lim);
}

/*
 * Parse one Ethernet frame. Returns the verdict, also left in pkt->verdict.
 * `pkt` is fully written (zeroed first), so callers may use it as a key
 * source without clearing it themselves.
 */
static __always_inline int ts_parse(struct ts_pkt *pkt, const void *data,
				    const void *end)
{
	const __u8 *p = data;
	__u16 proto;
	int i;

	__builtin_memset(pkt, 0, sizeof(*pkt));
	if ((const void *)(p + TS_ETH_HLEN) > end) {
		pkt->verdict = TS_NON_IP;
		return TS_NON_IP;
	}
	proto = ts_be16(p + 12);
	p += TS_ETH_HLEN;

	TS_UNROLL
	for (i = 0; i < TS_MAX_VLAN; i++) {
		if (proto != TS_ETH_P_8021Q && proto != TS_ETH_P_8021AD)
			break;
		if ((const void *)(p + 4) > end) {
			pkt->verdict = TS_NON_IP;
			return TS_NON_IP;
		}
		proto = ts_be16(p + 2);
		p += 4;
	}

	if (proto == TS_ETH_P_IP)
		pkt->verdict = ts_parse_ipv4(pkt, data, p, end);
	else if (proto == TS_ETH_P_IPV6)
		pkt->verdict = ts_parse_ipv6(pkt, data, p, end);
	else
		pkt->verdict = TS_NON_IP;
	return pkt->verdict;
}

#endif /* TS_PARSE_H */
