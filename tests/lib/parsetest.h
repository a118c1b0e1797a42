/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the parser tests (tests/unit/test_parse_*.c) share: the addresses
 * of our darknet and of a victim, the frames they build (a packet toward
 * us, an ICMP error quoting an attack packet, IPv6 extension headers) and
 * ts_parse() (include/parse.h) run on them, with the checks of what it
 * made. Each frame is parsed from a heap copy of exactly its length, so a
 * read past the end is a read past the heap block (visible under valgrind
 * or ASan).
 */
#ifndef TS_PARSETEST_H
#define TS_PARSETEST_H

#include <stddef.h>
#include <stdint.h>
#include "parse.h"
#include "pktbuild.h"

/* Our darknet address (outer destination) and a victim out on the net. */
#define US4 "198.51.100.1"
#define VICTIM4 "203.0.113.50"
#define US6 "2001:db8::1"
#define VICTIM6 "2001:db8:ffff::50"

/* ts_parse() on a copy of len bytes of frame; the verdict (also pkt's). */
int parse_bytes(struct ts_pkt *pkt, const uint8_t *frame, size_t len);

/* Build p, parse it, check the verdict; returns what the parser made. */
struct ts_pkt parse_as(const struct pb_packet *p, int verdict);

/* p parses as TS_MALFORMED. */
void expect_malformed(const struct pb_packet *p);

/* The flow fields: family, protocol and port. */
void expect_flow(const struct ts_pkt *pkt, int family, int proto, int port);

/* The backscatter fields (and no Mirai flag). */
void expect_backscatter(const struct ts_pkt *pkt, int kind, int bs_port,
			int mismatch);

/* A packet toward us: the defaults, with the given addresses. */
void packet(struct pb_packet *p, const char *src, const char *dst);

/*
 * An ICMP error from a victim, quoting the attack packet that carried our
 * address as its (spoofed) source: quoted src = quote_src, dst = victim,
 * inner protocol and destination port as given.
 */
void icmp_error(struct pb_packet *p, struct pb_packet *inner, int v6,
		uint8_t type, const char *quote_src, uint8_t inner_proto,
		uint16_t inner_dport);

/* Append an IPv6 extension header of `type` and Hdr Ext Len `len8`. */
void ipv6_add_ext(struct pb_packet *p, uint8_t type, uint8_t len8);

#endif
