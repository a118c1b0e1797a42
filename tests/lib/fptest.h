/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the tests of the built-in fingerprints (include/fingerprint.h,
 * tests/unit/test_fingerprint_*.c) share: the scanners' addresses, the
 * option lists and constants of their rules, the packets they start from,
 * and ts_fingerprint() run on a packet through ts_parse().
 */
#ifndef TS_FPTEST_H
#define TS_FPTEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "fingerprint.h"
#include "tagpkt.h"

#define SCANNER4 "203.0.113.7"
#define SCANNER6 "2001:db8:5::7"

/* SYNful Knock's distance between sequence and acknowledgement numbers. */
#define KNOCK_DELTA 0xC123Du

/* ZMap 4.1's TCP options; MSS 1460 alone, Nmap's. */
extern const uint8_t zmap41_opts[12];
extern const uint8_t nmap_opts[4];

/* A SIP OPTIONS request as friendly-scanner sends it. */
#define SIP_REQ "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n" \
		"Via: SIP/2.0/UDP 203.0.113.7:5060\r\n"   \
		"User-Agent: friendly-scanner\r\n\r\n"

/*
 * Parse p (from a heap copy of exactly the frame's length, so a read past
 * it is a read past the block) and return its built-in tags.
 */
__u64 tags_of(const struct pb_packet *p);

/* syn() to port 23 (tagpkt.h): a SYN that matches no rule. */
void plain_syn(struct pb_packet *p, const char *src, const char *dst);

/* Set the TCP options. */
void options(struct pb_packet *p, const uint8_t *opts, size_t len);

/* udp() from port 5060 (tagpkt.h), to a SIP port or not. */
void sip(struct pb_packet *p, const char *src, const char *dst,
	 int dport, const char *payload, size_t len);

#endif
