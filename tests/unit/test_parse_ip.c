// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_parse() (include/parse.h), the parser the XDP program runs, on the
 * layers below the transport header: Ethernet with VLAN tags and frames
 * that are not IP, IPv4 options and fragments, IPv6 extension headers and
 * fragments, and padding after the IP packet. Frames from pktbuild
 * (tests/lib/parsetest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parsetest.h"

/* ---- link layer ---- */

static void vlan_tags(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	p.dport = 8080;
	p.vlans = 1;
	p.vlan_tci[0] = 100;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_TCP, 8080);
	assert_int_equal(pkt.l4_off, 18 + 20);
	assert_int_equal(pkt.ip_len, 40);

	/* QinQ: 802.1ad outer, 802.1Q inner */
	p.vlans = 2;
	p.vlan_tpid[0] = PB_TPID_8021AD;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_TCP, 8080);
	assert_int_equal(pkt.l4_off, 22 + 20);

	/* two 802.1Q tags, IPv6 inside */
	pb_addrs(&p, "2001:db8::7", US6);
	p.vlan_tpid[0] = PB_TPID_8021Q;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_TCP, 8080);
	assert_int_equal(pkt.l4_off, 22 + 40);

	/* a third tag is more than the parser follows */
	p.vlans = 3;
	parse_as(&p, TS_NON_IP);
	p.vlan_tpid[2] = PB_TPID_8021AD;
	parse_as(&p, TS_NON_IP);

	/* a tag around ARP is still not IP */
	pb_init(&p);
	pb_arp(&p, "198.51.100.200", US4);
	p.vlans = 1;
	parse_as(&p, TS_NON_IP);
}

static void non_ip_frames(void **state)
{
	struct pb_packet p;
	uint8_t frame[PB_MAX_FRAME];
	struct ts_pkt pkt;
	size_t len;

	(void)state;
	pb_init(&p);
	pb_arp(&p, "198.51.100.200", US4);
	parse_as(&p, TS_NON_IP);
	assert_int_equal(parse_as(&p, TS_NON_IP).ip_len, 0);

	p.ethertype = 0x88cc; /* LLDP */
	parse_as(&p, TS_NON_IP);

	/* shorter than an Ethernet header */
	len = pb_build(&p, frame, sizeof(frame), NULL);
	for (size_t cut = 0; cut < 14 && cut < len; cut++)
		assert_int_equal(parse_bytes(&pkt, frame, cut), TS_NON_IP);
}

/* ---- IPv4 header variants and fragments ---- */

static void ipv4_options(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	for (size_t opts = 4; opts <= 40; opts += 4) {
		packet(&p, "203.0.113.7", US4);
		p.proto = PB_UDP;
		p.dport = 1900;
		p.ip_opts_len = opts;
		memset(p.ip_opts, 1, opts);
		p.ip_opts[opts - 1] = 0; /* end of options list */
		pkt = parse_as(&p, TS_IP);
		expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_UDP, 1900);
		assert_int_equal(pkt.l4_off, 14 + 20 + opts);
		assert_int_equal(pkt.ip_len, 20 + opts + 8);
	}
}

static void ipv4_fragments(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	/* first fragment: a full header, parsed */
	packet(&p, "203.0.113.7", US4);
	p.proto = PB_UDP;
	p.dport = 53;
	p.mf = 1;
	pb_payload(&p, "0123456789abcdef", 16);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_UDP, 53);
	assert_int_equal(pkt.fragment, 0);

	/* non-first fragments: no L4 header, port 0, whatever the bytes */
	for (int mf = 0; mf < 2; mf++) {
		for (uint16_t off = 1; off != 0 && off <= 0x1fff; off = (uint16_t)(off * 3 + 1)) {
			p.mf = (uint8_t)mf;
			p.frag_off = off;
			p.df = off & 1;
			pkt = parse_as(&p, TS_IP);
			expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_UDP, 0);
			assert_int_equal(pkt.fragment, 1);
			assert_int_equal(pkt.ip_len, 20 + 16);
			assert_int_equal(pkt.bs_kind, TS_BS_NONE);
		}
	}

	/* a non-first fragment shorter than any L4 header is still fine */
	p.payload_len = 0;
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.fragment, 1);
	assert_int_equal(pkt.ip_len, 20);

	/* a fragment of an ICMP error: not read as backscatter */
	packet(&p, VICTIM4, US4);
	p.proto = PB_ICMP;
	p.frag_off = 10;
	pb_payload(&p, "\x03\x03\0\0\0\0\0\0", 8);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_ICMP, 0);
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);
}

/* Ethernet padding after the IP packet is not part of it. */
static void trailing_bytes_after_ip_are_ignored(void **state)
{
	struct pb_packet p;
	uint8_t frame[PB_MAX_FRAME];
	struct ts_pkt pkt;
	size_t len;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	p.proto = PB_UDP;
	len = pb_build(&p, frame, sizeof(frame), NULL);
	memset(frame + len, 0xee, 60 - len);
	assert_int_equal(parse_bytes(&pkt, frame, 60), TS_IP);
	assert_int_equal(pkt.ip_len, 28);

	packet(&p, "2001:db8::7", US6);
	p.proto = PB_ICMPV6;
	p.icmp_type = 128;
	len = pb_build(&p, frame, sizeof(frame), NULL);
	memset(frame + len, 0xee, 40);
	assert_int_equal(parse_bytes(&pkt, frame, len + 40), TS_IP);
	assert_int_equal(pkt.ip_len, 48);
}

/* ---- IPv6 extension headers and fragments ---- */

static void ipv6_extension_headers(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "2001:db8::7", US6);
	p.dport = 3389;
	ipv6_add_ext(&p, PB_EXT_HOPOPTS, 0);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_TCP, 3389);
	assert_int_equal(pkt.l4_off, 14 + 48);
	assert_int_equal(pkt.ip_len, 48 + 20);

	ipv6_add_ext(&p, PB_EXT_ROUTING, 2);
	ipv6_add_ext(&p, PB_EXT_FRAGMENT, 0); /* atomic fragment */
	ipv6_add_ext(&p, PB_EXT_DSTOPTS, 1);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_TCP, 3389);
	assert_int_equal(pkt.l4_off, 14 + 40 + 8 + 24 + 8 + 16);
	assert_int_equal(pkt.ip_len, 40 + 56 + 20);
	assert_int_equal(pkt.fragment, 0);

	/* six headers are followed, a seventh is not */
	ipv6_add_ext(&p, PB_EXT_DSTOPTS, 0);
	ipv6_add_ext(&p, PB_EXT_DSTOPTS, 0);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_TCP, 3389);
	ipv6_add_ext(&p, PB_EXT_DSTOPTS, 0);
	expect_malformed(&p);

	/* ICMPv6 backscatter behind an extension header */
	packet(&p, VICTIM6, US6);
	p.proto = PB_ICMPV6;
	p.icmp_type = 129;
	ipv6_add_ext(&p, PB_EXT_DSTOPTS, 0);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_ICMPV6, 129);
	expect_backscatter(&pkt, TS_BS_ICMP6_ECHO_REPLY, 0, 0);

	/* IPv6 "no next header": IP, port 0 */
	packet(&p, "2001:db8::7", US6);
	p.proto = 59;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, 59, 0);
}

static void ipv6_fragments(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "2001:db8::7", US6);
	p.proto = PB_UDP;
	p.dport = 123;
	pb_payload(&p, "0123456789abcdef", 16);
	ipv6_add_ext(&p, PB_EXT_FRAGMENT, 0);
	p.ext[0].more = 1;
	p.ext[0].frag_id = 77;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_UDP, 123);
	assert_int_equal(pkt.fragment, 0);

	p.ext[0].frag_off = 1;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_UDP, 0);
	assert_int_equal(pkt.fragment, 1);
	assert_int_equal(pkt.ip_len, 40 + 8 + 16);

	/* last fragment, behind a hop-by-hop header */
	packet(&p, "2001:db8::7", US6);
	ipv6_add_ext(&p, PB_EXT_HOPOPTS, 0);
	ipv6_add_ext(&p, PB_EXT_FRAGMENT, 0);
	p.ext[1].frag_off = 0x1fff;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_TCP, 0);
	assert_int_equal(pkt.fragment, 1);
	assert_int_equal(pkt.ip_len, 40 + 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vlan_tags),
		cmocka_unit_test(non_ip_frames),
		cmocka_unit_test(ipv4_options),
		cmocka_unit_test(ipv4_fragments),
		cmocka_unit_test(trailing_bytes_after_ip_are_ignored),
		cmocka_unit_test(ipv6_extension_headers),
		cmocka_unit_test(ipv6_fragments),
	};

	return cmocka_run_group_tests_name("parse: link layer and IP", tests, NULL, NULL);
}
