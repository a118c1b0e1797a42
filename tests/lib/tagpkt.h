/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the tag tests share, the built-in fingerprints in user space
 * (tests/unit/test_fingerprint_*.c) and tags in the kernel
 * (tests/bpf/test_tags_*.c): the masks of the built-in tags and the two
 * packets they start from, a SYN that matches no fingerprint and a UDP
 * datagram from port 5060, each to be changed into what a scanner sends.
 */
#ifndef TS_TAGPKT_H
#define TS_TAGPKT_H

#include <stddef.h>
#include "telescope.h"
#include "pktbuild.h"

#define US4 "198.51.100.1"
#define US6 "2001:db8::1"

#define TAG(bit) (1ULL << (bit))
#define MIRAI TAG(TS_TAG_MIRAI)
#define ZMAP TAG(TS_TAG_ZMAP)
#define MASSCAN TAG(TS_TAG_MASSCAN)
#define NMAP TAG(TS_TAG_NMAP_SYN)
#define KNOCK TAG(TS_TAG_SYNFUL_KNOCK)
#define SIP TAG(TS_TAG_SIP_OPTIONS)
#define FRIENDLY TAG(TS_TAG_SIP_FRIENDLY)

/*
 * A SYN from src to dst:dport that matches no rule: window 29200 (Linux),
 * DF set, an IP ID and sequence number that satisfy neither ZMap's nor
 * Masscan's formula.
 */
void syn(struct pb_packet *p, const char *src, const char *dst, int dport);

/* A UDP datagram from port 5060 to dst:dport carrying `payload`. */
void udp(struct pb_packet *p, const char *src, const char *dst, int dport,
	 const void *payload, size_t len);

#endif
