// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_parse() (include/parse.h), the parser the XDP program runs, on what
 * it makes of the layer above IP: the protocol classes (TCP, UDP, ICMP,
 * ICMPv6 and protocols it does not read, each with its port) and the
 * Mirai flag of a TCP SYN. Frames from pktbuild (tests/lib/parsetest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "parsetest.h"

/* The first four address bytes as a host-order number (a TCP seq value). */
static uint32_t first_word(const uint8_t *addr)
{
	uint32_t raw;

	memcpy(&raw, addr, 4);
	return ntohl(raw);
}

/* ---- protocol classes ---- */

static void tcp_syn_ipv4(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;
	uint8_t src[4], dst[4];

	(void)state;
	packet(&p, "203.0.113.7", US4);
	p.dport = 445;
	pb_payload(&p, "abc", 3);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_TCP, 445);
	assert_int_equal(pkt.ip_len, 43);
	assert_int_equal(pkt.tcp_flags, TS_TCP_SYN);
	assert_int_equal(pkt.l4_off, 34);
	assert_int_equal(pkt.payload_off, 54);
	assert_int_equal(pkt.tcp_seq, htonl(1));
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);
	assert_int_equal(pkt.mirai, 0);
	assert_int_equal(pkt.fragment, 0);
	inet_pton(AF_INET, "203.0.113.7", src);
	inet_pton(AF_INET, US4, dst);
	assert_memory_equal(pkt.src, src, 4);
	assert_memory_equal(pkt.dst, dst, 4);
	for (int i = 4; i < 16; i++)
		assert_int_equal(pkt.src[i] | pkt.dst[i], 0);
}

static void udp_ipv4(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	p.proto = PB_UDP;
	p.dport = 5060;
	pb_payload(&p, "OPTIONS sip:100@x SIP/2.0\r\n", 27);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_UDP, 5060);
	assert_int_equal(pkt.ip_len, 20 + 8 + 27);
	assert_int_equal(pkt.payload_off, 14 + 20 + 8);
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);
}

static void icmp_echo_request_is_type_8(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	p.proto = PB_ICMP;
	p.icmp_type = 8;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_ICMP, 8);
	assert_int_equal(pkt.ip_len, 28);
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);
}

static void unknown_protocol_counts_with_port_0(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	p.proto = PB_GRE;
	pb_payload(&p, "\0\0\x08\0", 4);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, PB_GRE, 0);
	assert_int_equal(pkt.ip_len, 24);

	/* even with no body at all */
	p.payload_len = 0;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, PB_GRE, 0);
	assert_int_equal(pkt.ip_len, 20);

	packet(&p, "2001:db8::7", US6);
	p.proto = PB_GRE;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, PB_GRE, 0);
}

static void ipv6_tcp_udp_icmpv6(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;
	uint8_t src[16];

	(void)state;
	packet(&p, "2001:db8::7", US6);
	p.dport = 22;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_TCP, 22);
	assert_int_equal(pkt.ip_len, 60);
	assert_int_equal(pkt.l4_off, 54);
	inet_pton(AF_INET6, "2001:db8::7", src);
	assert_memory_equal(pkt.src, src, 16);

	p.proto = PB_UDP;
	p.dport = 53;
	pb_payload(&p, "0123456789", 10);
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_UDP, 53);
	assert_int_equal(pkt.ip_len, 40 + 8 + 10);

	p.proto = PB_ICMPV6;
	p.icmp_type = 128;
	p.payload_len = 0;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_ICMPV6, 128);
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);
}

/* ICMP in IPv6 and ICMPv6 in IPv4 are odd but not backscatter. */
static void icmp_in_the_wrong_family_is_not_backscatter(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "2001:db8::7", US6);
	p.proto = PB_ICMP;
	p.icmp_type = 0;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV6, TS_IPPROTO_ICMP, 0);
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);

	packet(&p, "203.0.113.7", US4);
	p.proto = PB_ICMPV6;
	p.icmp_type = 129;
	pkt = parse_as(&p, TS_IP);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_ICMPV6, 129);
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);
}

/* ---- Mirai ---- */

static void mirai_syn(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "203.0.113.9", US4);
	p.dport = 23;
	p.seq = pb_dst_as_seq(&p);
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 1);
	assert_int_equal(pkt.bs_kind, TS_BS_NONE);
	expect_flow(&pkt, TS_FAMILY_IPV4, TS_IPPROTO_TCP, 23);

	/* any port, any options, any payload */
	p.dport = 37215;
	p.tcp_opts_len = 4;
	memcpy(p.tcp_opts, "\x02\x04\x05\xb4", 4);
	pb_payload(&p, "x", 1);
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 1);

	/* behind two VLAN tags and IPv4 options */
	p.vlans = 2;
	p.ip_opts_len = 4;
	memset(p.ip_opts, 1, 4);
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 1);
}

static void mirai_near_misses(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "203.0.113.9", US4);
	p.seq = pb_dst_as_seq(&p) + 1;
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);

	/* byte-swapped: the rule compares raw bytes */
	p.seq = htonl(pb_dst_as_seq(&p));
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);

	/* seq equal to the source, not the destination */
	p.seq = first_word(p.src);
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);

	p.seq = pb_dst_as_seq(&p);
	p.flags = PB_SYN | PB_ACK;
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);
	assert_int_equal(pkt.bs_kind, TS_BS_SYNACK);

	p.flags = PB_SYN | PB_ECE;
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);
	p.flags = PB_SYN | PB_ECE | PB_CWR;
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);
	p.flags = PB_SYN | PB_FIN;
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);

	/* IPv6: the rule is IPv4 only, even if seq equals the first word */
	packet(&p, "2001:db8::9", US6);
	p.seq = first_word(p.dst);
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);

	/* a non-first fragment has no TCP header to judge */
	packet(&p, "203.0.113.9", US4);
	p.frag_off = 3;
	p.seq = pb_dst_as_seq(&p);
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.mirai, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_syn_ipv4),
		cmocka_unit_test(udp_ipv4),
		cmocka_unit_test(icmp_echo_request_is_type_8),
		cmocka_unit_test(unknown_protocol_counts_with_port_0),
		cmocka_unit_test(ipv6_tcp_udp_icmpv6),
		cmocka_unit_test(icmp_in_the_wrong_family_is_not_backscatter),
		cmocka_unit_test(mirai_syn),
		cmocka_unit_test(mirai_near_misses),
	};

	return cmocka_run_group_tests_name("parse: protocols and Mirai", tests, NULL, NULL);
}
