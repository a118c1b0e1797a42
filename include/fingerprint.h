/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Single-packet scanner fingerprints (docs/tags.md gives each rule and
 * where it comes from). Pure functions of the parsed
 * packet, shared by the XDP program and the unit tests. Each rule has a
 * known false-positive rate: reports call the result "X-type", not proof.
 */
#ifndef TS_FINGERPRINT_H
#define TS_FINGERPRINT_H

#include "parse.h"

/* How far into a SIP payload the User-Agent line may sit (it starts a line). */
#define TS_SIP_SCAN_LEN 512
#define TS_SIP_UA "User-Agent: friendly-scanner"
#define TS_SIP_UA_LEN 28

static __always_inline int ts_bytes_eq(const __u8 *a, const char *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i] != (__u8)b[i])
			return 0;
	return 1;
}

/* ZMap before 4.1: IP ID 54321; 4.1 and later: this exact option list. */
static const char ts_zmap_opts[12] = { 0x02, 0x04, 0x05, (char)0xb4, 0x01, 0x03,
				       0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };
/* Nmap -sS: MSS 1460 and nothing else. */
static const char ts_nmap_opts[4] = { 0x02, 0x04, 0x05, (char)0xb4 };

static __always_inline __u64 ts_fingerprint_tcp(const struct ts_pkt *p)
{
	__u32 seq = ts_ntohl(p->tcp_seq), ack = ts_ntohl(p->tcp_ack);
	__u64 tags = 0;

	/* SYNful Knock: a SYN (no ACK) whose seq and ack differ by 0xC123D */
	if ((p->tcp_flags & TS_TCP_SYN) && !(p->tcp_flags & TS_TCP_ACK) &&
	    (seq - ack == 0xC123D || ack - seq == 0xC123D))
		tags |= 1ULL << TS_TAG_SYNFUL_KNOCK;

	if (p->tcp_flags != TS_TCP_SYN)
		return tags; /* every scanner rule below wants SYN only */
	if (p->mirai)
		tags |= 1ULL << TS_TAG_MIRAI;
	if (p->family != TS_FAMILY_IPV4)
		return tags; /* the rules below read IPv4 header fields */

	if (p->tcp_window == 65535 && !p->ip_df &&
	    (p->ip_id == 54321 ||
	     (p->tcp_hlen == 32 && ts_bytes_eq(p->tcp_opt, ts_zmap_opts, 12))))
		tags |= 1ULL << TS_TAG_ZMAP;

	if ((p->tcp_window == 1024 || p->tcp_window == 0 ||
	     p->tcp_window == 1025) &&
	    p->ip_id == ((ts_ntohl(ts_raw32(p->dst)) ^ seq ^ p->port) & 0xffff))
		tags |= 1ULL << TS_TAG_MASSCAN;

	if (p->tcp_window == 1024 && !p->ip_df && p->tcp_hlen == 24 &&
	    ts_bytes_eq(p->tcp_opt, ts_nmap_opts, 4))
		tags |= 1ULL << TS_TAG_NMAP_SYN;
	return tags;
}

/* "OPTIONS sip:" at the start of a UDP payload to 5060. */
static __always_inline int ts_is_sip_options(const struct ts_pkt *p)
{
	return p->proto == TS_IPPROTO_UDP && p->port == 5060 &&
	       p->payload_len >= 12 && ts_bytes_eq(p->udp_head, "OPTIONS sip:", 12);
}

/* All built-in tags but sip_friendly_scanner, which needs a payload scan. */
static __always_inline __u64 ts_fingerprint(const struct ts_pkt *p)
{
	if (p->fragment)
		return 0;
	if (p->proto == TS_IPPROTO_TCP)
		return ts_fingerprint_tcp(p);
	if (ts_is_sip_options(p))
		return 1ULL << TS_TAG_SIP_OPTIONS;
	return 0;
}

#endif /* TS_FINGERPRINT_H */
