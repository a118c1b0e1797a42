// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_parse() (include/parse.h), the parser the XDP program runs, called
 * directly on frames from pktbuild. Each frame is copied into a buffer of
 * exactly its length, so a read past the end is a read past the heap
 * block (visible under valgrind or ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "parse.h"
#include "pktbuild.h"

/* Our darknet address (outer destination) and a victim out on the net. */
#define US4 "198.51.100.1"
#define VICTIM4 "203.0.113.50"
#define US6 "2001:db8::1"
#define VICTIM6 "2001:db8:ffff::50"

/* The first four address bytes as a host-order number (a TCP seq value). */
static uint32_t first_word(const uint8_t *addr)
{
	uint32_t raw;

	memcpy(&raw, addr, 4);
	return ntohl(raw);
}

static int parse_bytes(struct ts_pkt *pkt, const uint8_t *frame, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int verdict;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	verdict = ts_parse(pkt, copy, copy + len);
	free(copy);
	assert_int_equal(pkt->verdict, verdict);
	return verdict;
}

/* Build p, parse it, check the verdict; returns what the parser made. */
static struct ts_pkt parse_as(const struct pb_packet *p, int verdict)
{
	uint8_t frame[PB_MAX_FRAME];
	struct ts_pkt pkt;
	size_t len = pb_build(p, frame, sizeof(frame), NULL);

	assert_int_equal(parse_bytes(&pkt, frame, len), verdict);
	return pkt;
}

static void expect_malformed(const struct pb_packet *p)
{
	parse_as(p, TS_MALFORMED);
}

static void expect_flow(const struct ts_pkt *pkt, int family, int proto, int port)
{
	assert_int_equal(pkt->family, family);
	assert_int_equal(pkt->proto, proto);
	assert_int_equal(pkt->port, port);
}

static void expect_backscatter(const struct ts_pkt *pkt, int kind, int bs_port,
			       int mismatch)
{
	assert_int_equal(pkt->bs_kind, kind);
	assert_int_equal(pkt->bs_port, bs_port);
	assert_int_equal(pkt->quote_mismatch, mismatch);
	assert_int_equal(pkt->mirai, 0);
}

/* A packet toward us: the defaults, with the given addresses. */
static void packet(struct pb_packet *p, const char *src, const char *dst)
{
	pb_init(p);
	pb_addrs(p, src, dst);
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

/* ---- backscatter ---- */

static void tcp_backscatter_kinds(void **state)
{
	static const struct {
		uint8_t flags;
		int kind;
	} cases[] = {
		{ PB_SYN | PB_ACK, TS_BS_SYNACK },
		{ PB_SYN | PB_ACK | PB_ECE, TS_BS_SYNACK },
		{ PB_RST, TS_BS_RST },
		{ PB_RST | PB_ACK, TS_BS_RSTACK },
		{ PB_RST | PB_ACK | PB_PSH, TS_BS_RSTACK },
		{ PB_SYN, TS_BS_NONE },
		{ PB_ACK, TS_BS_NONE },
		{ PB_FIN | PB_ACK, TS_BS_NONE },
		{ 0, TS_BS_NONE },
	};
	const char *fam[][2] = { { VICTIM4, US4 }, { VICTIM6, US6 } };

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct pb_packet p;
			struct ts_pkt pkt;

			packet(&p, fam[f][0], fam[f][1]);
			p.sport = 443;
			p.dport = 51515;
			p.flags = cases[i].flags;
			pkt = parse_as(&p, TS_IP);
			assert_int_equal(pkt.port, 51515);
			assert_int_equal(pkt.tcp_flags, cases[i].flags);
			expect_backscatter(&pkt, cases[i].kind,
					   cases[i].kind ? 443 : 0, 0);
		}
	}
}

/*
 * An ICMP error from a victim, quoting the attack packet that carried our
 * address as its (spoofed) source: quoted src = quote_src, dst = victim,
 * inner protocol and destination port as given.
 */
static void icmp_error(struct pb_packet *p, struct pb_packet *inner, int v6,
		       uint8_t type, const char *quote_src, uint8_t inner_proto,
		       uint16_t inner_dport)
{
	packet(p, v6 ? VICTIM6 : VICTIM4, v6 ? US6 : US4);
	p->proto = v6 ? PB_ICMPV6 : PB_ICMP;
	p->icmp_type = type;
	p->icmp_code = 3;
	packet(inner, quote_src, v6 ? VICTIM6 : VICTIM4);
	inner->proto = inner_proto;
	inner->sport = 33333;
	inner->dport = inner_dport;
	inner->icmp_type = 8;
	p->quote = inner;
}

struct icmp_case {
	uint8_t type;
	int kind;   /* expected enum ts_bs_kind */
	int quotes; /* the type carries a quoted packet */
};

/* Each type as an error quoting a TCP packet to the victim's port 443. */
static void check_icmp_kinds(int v6, const struct icmp_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct pb_packet p, inner;
		struct ts_pkt pkt;
		uint32_t quote_len = v6 ? 60 : 40;

		icmp_error(&p, &inner, v6, cases[i].type, v6 ? US6 : US4, PB_TCP, 443);
		if (!cases[i].quotes)
			p.quote = NULL;
		pkt = parse_as(&p, TS_IP);
		expect_flow(&pkt, v6 ? TS_FAMILY_IPV6 : TS_FAMILY_IPV4,
			    v6 ? TS_IPPROTO_ICMPV6 : TS_IPPROTO_ICMP, cases[i].type);
		expect_backscatter(&pkt, cases[i].kind, cases[i].quotes ? 443 : 0, 0);
		assert_int_equal(pkt.ip_len, (v6 ? 48 : 28) +
					     (cases[i].quotes ? quote_len : 0));
	}
}

static void icmp4_backscatter_kinds(void **state)
{
	static const struct icmp_case cases[] = {
		{ 0, TS_BS_ICMP_ECHO_REPLY, 0 },  { 3, TS_BS_ICMP_UNREACH, 1 },
		{ 4, TS_BS_ICMP_QUENCH, 1 },      { 5, TS_BS_ICMP_REDIRECT, 1 },
		{ 11, TS_BS_ICMP_TIME_EXCEEDED, 1 }, { 12, TS_BS_ICMP_PARAM, 1 },
		{ 14, TS_BS_ICMP_REPLY, 0 },      { 16, TS_BS_ICMP_REPLY, 0 },
		{ 18, TS_BS_ICMP_REPLY, 0 },      { 8, TS_BS_NONE, 0 },
		{ 13, TS_BS_NONE, 0 },            { 30, TS_BS_NONE, 0 },
	};

	(void)state;
	check_icmp_kinds(0, cases, sizeof(cases) / sizeof(cases[0]));
}

static void icmp6_backscatter_kinds(void **state)
{
	static const struct icmp_case cases[] = {
		{ 1, TS_BS_ICMP6_UNREACH, 1 },      { 2, TS_BS_ICMP6_TOO_BIG, 1 },
		{ 3, TS_BS_ICMP6_TIME_EXCEEDED, 1 }, { 4, TS_BS_ICMP6_PARAM, 1 },
		{ 129, TS_BS_ICMP6_ECHO_REPLY, 0 }, { 128, TS_BS_NONE, 0 },
		{ 135, TS_BS_NONE, 0 },             { 0, TS_BS_NONE, 0 },
	};

	(void)state;
	check_icmp_kinds(1, cases, sizeof(cases) / sizeof(cases[0]));
}

static void icmp_quote_names_the_victims_port(void **state)
{
	struct pb_packet p, inner;
	struct ts_pkt pkt;

	(void)state;
	/* UDP quote */
	icmp_error(&p, &inner, 0, 3, US4, PB_UDP, 53);
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 53, 0);

	/* RFC 792 quote: IP header + first 8 bytes of TCP is enough */
	icmp_error(&p, &inner, 0, 11, US4, PB_TCP, 8443);
	p.quote_len = 28;
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_TIME_EXCEEDED, 8443, 0);

	/* quoted IPv4 header with options: the port is after them */
	icmp_error(&p, &inner, 0, 3, US4, PB_TCP, 80);
	inner.ip_opts_len = 8;
	memset(inner.ip_opts, 1, 8); /* NOPs */
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 80, 0);

	/* quoted ICMP (a ping flood): no port */
	icmp_error(&p, &inner, 0, 3, US4, PB_ICMP, 0);
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 0, 0);

	/* IPv6 TCP quote */
	icmp_error(&p, &inner, 1, 1, US6, PB_TCP, 443);
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP6_UNREACH, 443, 0);
}

static void icmp_quote_of_someone_else_is_a_mismatch(void **state)
{
	struct pb_packet p, inner;
	struct ts_pkt pkt;

	(void)state;
	icmp_error(&p, &inner, 0, 3, "198.51.100.2", PB_TCP, 443);
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 443, 1);

	icmp_error(&p, &inner, 1, 3, "2001:db8::2", PB_UDP, 123);
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP6_TIME_EXCEEDED, 123, 1);

	/* differs only in the last byte of the IPv6 address */
	icmp_error(&p, &inner, 1, 4, "2001:db8::1:1", PB_UDP, 123);
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP6_PARAM, 123, 1);
}

/* Routers may quote little: a short quote still counts, without a port. */
static void icmp_short_quotes(void **state)
{
	struct pb_packet p, inner;
	struct ts_pkt pkt;

	(void)state;
	icmp_error(&p, &inner, 0, 3, "198.51.100.2", PB_TCP, 443);
	p.quote_len = 19; /* not even the quoted IP header: no mismatch either */
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 0, 0);

	p.quote_len = 23; /* header, then 3 bytes of TCP: no port */
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 0, 1);

	p.quote_len = 24;
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 443, 1);

	p.quote_len = 0; /* the bare 8-byte ICMP header */
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 0, 0);

	icmp_error(&p, &inner, 1, 1, "2001:db8::2", PB_TCP, 443);
	p.quote_len = 39;
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP6_UNREACH, 0, 0);
	p.quote_len = 43;
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP6_UNREACH, 0, 1);
	p.quote_len = 44;
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP6_UNREACH, 443, 1);
}

/*
 * The quote is the victim's copy of a packet; only its outer IP length
 * bounds it. A quote whose IP length field claims more than was quoted is
 * normal (the router cut it) and must not make the packet malformed.
 */
static void icmp_quote_is_bounded_by_the_outer_packet(void **state)
{
	struct pb_packet p, inner;
	struct ts_pkt pkt;

	(void)state;
	icmp_error(&p, &inner, 0, 3, US4, PB_TCP, 443);
	pb_payload(&inner, "0123456789abcdef", 16); /* quoted tot_len 56 */
	p.quote_len = 28;
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 443, 0);
	assert_int_equal(pkt.ip_len, 20 + 8 + 28);

	/* outer IP length ends inside the quoted port: no port, not malformed */
	p.quote_len = PB_AUTO;
	p.tot_len = 20 + 8 + 20 + 3;
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 0, 0);
	assert_int_equal(pkt.ip_len, 51);
}

/* A quoted IPv4 header whose IHL is below 5 has no usable port. */
static void icmp_quote_with_bad_ihl_has_no_port(void **state)
{
	struct pb_packet p, inner;
	struct ts_pkt pkt;

	(void)state;
	for (int ihl = 0; ihl < 5; ihl++) {
		icmp_error(&p, &inner, 0, 3, US4, PB_TCP, 443);
		inner.ihl = ihl;
		pkt = parse_as(&p, TS_IP);
		expect_backscatter(&pkt, TS_BS_ICMP_UNREACH, 0, 0);
	}
}

/* A quoted non-first fragment carries no L4 header: no port. */
static void icmp_quote_of_a_fragment_has_no_port(void **state)
{
	struct pb_packet p, inner;
	struct ts_pkt pkt;

	(void)state;
	icmp_error(&p, &inner, 0, 11, US4, PB_UDP, 53);
	inner.frag_off = 185;
	pb_payload(&inner, "\x01\xbb\x01\xbb\0\0\0\0", 8);
	pkt = parse_as(&p, TS_IP);
	expect_backscatter(&pkt, TS_BS_ICMP_TIME_EXCEEDED, 0, 0);
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

static void ipv6_add_ext(struct pb_packet *p, uint8_t type, uint8_t len8)
{
	p->ext[p->exts].type = type;
	p->ext[p->exts].len8 = len8;
	p->exts++;
}

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

/* ---- malformed ---- */

/*
 * Cutting a frame anywhere inside its IP packet leaves the IP length
 * pointing past the frame: malformed. Cutting inside the link layer
 * leaves no IP to speak of: not IP.
 */
static void every_cut_is_malformed(const struct pb_packet *base)
{
	struct pb_packet p = *base;
	struct pb_layout lay;
	uint8_t frame[PB_MAX_FRAME];
	struct ts_pkt pkt;

	pb_build(&p, frame, sizeof(frame), &lay);
	for (size_t cut = 0; cut < lay.frame_len; cut++)
		assert_int_equal(parse_bytes(&pkt, frame, cut),
				 cut < lay.l3_off ? TS_NON_IP : TS_MALFORMED);
	assert_int_equal(parse_bytes(&pkt, frame, lay.frame_len), TS_IP);
}

static void truncated_frames(void **state)
{
	struct pb_packet p, inner;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	p.tcp_opts_len = 8;
	memset(p.tcp_opts, 1, 8);
	p.ip_opts_len = 8;
	memset(p.ip_opts, 1, 8);
	p.vlans = 2;
	every_cut_is_malformed(&p);

	packet(&p, "203.0.113.7", US4);
	p.proto = PB_UDP;
	every_cut_is_malformed(&p);

	icmp_error(&p, &inner, 0, 3, US4, PB_TCP, 443);
	every_cut_is_malformed(&p);

	packet(&p, "2001:db8::7", US6);
	ipv6_add_ext(&p, PB_EXT_HOPOPTS, 1);
	ipv6_add_ext(&p, PB_EXT_FRAGMENT, 0);
	every_cut_is_malformed(&p);

	icmp_error(&p, &inner, 1, 1, US6, PB_UDP, 53);
	p.vlans = 1;
	every_cut_is_malformed(&p);
}

/*
 * The frame is whole but the IP length ends inside a header: each header
 * must fit in the IP packet, not merely in the frame.
 */
static void ip_length_ends_inside_a_header(void **state)
{
	struct pb_packet p;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	for (int len = 20; len < 40; len++) {
		p.tot_len = len; /* TCP header cut short */
		expect_malformed(&p);
	}
	p.tcp_opts_len = 4;
	memset(p.tcp_opts, 1, 4);
	p.tot_len = 40; /* TCP options cut */
	expect_malformed(&p);

	p.proto = PB_UDP;
	p.tcp_opts_len = 0;
	for (int len = 20; len < 28; len++) {
		p.tot_len = len;
		expect_malformed(&p);
	}
	p.proto = PB_ICMP;
	p.icmp_type = 8;
	for (int len = 20; len < 28; len++) {
		p.tot_len = len;
		expect_malformed(&p);
	}

	packet(&p, "2001:db8::7", US6);
	for (int len = 0; len < 20; len++) {
		p.tot_len = len; /* IPv6 payload length */
		expect_malformed(&p);
	}
	ipv6_add_ext(&p, PB_EXT_HOPOPTS, 1);
	for (int len = 0; len < 16 + 20; len++) {
		p.tot_len = len; /* ends inside the extension header or TCP */
		expect_malformed(&p);
	}
	packet(&p, "2001:db8::7", US6);
	ipv6_add_ext(&p, PB_EXT_FRAGMENT, 0);
	for (int len = 0; len < 8; len++) {
		p.tot_len = len;
		expect_malformed(&p);
	}
}

static void bad_ip_headers(void **state)
{
	struct pb_packet p;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	for (int ihl = 0; ihl < 5; ihl++) {
		p.ihl = ihl;
		expect_malformed(&p);
	}
	p.ihl = 11; /* 44 bytes of header in a 40-byte packet */
	expect_malformed(&p);
	p.ihl = PB_AUTO;

	for (int v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		p.version = v;
		expect_malformed(&p);
	}
	p.version = PB_AUTO;

	p.tot_len = 41; /* one byte beyond the frame */
	expect_malformed(&p);
	p.tot_len = 0xffff;
	expect_malformed(&p);
	p.tot_len = 19; /* shorter than its own header */
	expect_malformed(&p);
	p.tot_len = 0;
	expect_malformed(&p);

	packet(&p, "2001:db8::7", US6);
	p.version = 4;
	expect_malformed(&p);
	p.version = PB_AUTO;
	p.tot_len = 21; /* payload length beyond the frame */
	expect_malformed(&p);
}

static void bad_tcp_data_offset(void **state)
{
	struct pb_packet p;
	struct ts_pkt pkt;

	(void)state;
	packet(&p, "203.0.113.7", US4);
	for (int doff = 0; doff < 5; doff++) {
		p.tcp_doff = doff;
		expect_malformed(&p);
	}
	p.tcp_doff = 6; /* options beyond the packet */
	expect_malformed(&p);

	/* beyond the TCP header but within the payload: fine */
	pb_payload(&p, "0123", 4);
	pkt = parse_as(&p, TS_IP);
	assert_int_equal(pkt.payload_off, 14 + 20 + 24);

	packet(&p, "2001:db8::7", US6);
	p.tcp_doff = 4;
	expect_malformed(&p);
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
		cmocka_unit_test(tcp_backscatter_kinds),
		cmocka_unit_test(icmp4_backscatter_kinds),
		cmocka_unit_test(icmp6_backscatter_kinds),
		cmocka_unit_test(icmp_quote_names_the_victims_port),
		cmocka_unit_test(icmp_quote_of_someone_else_is_a_mismatch),
		cmocka_unit_test(icmp_short_quotes),
		cmocka_unit_test(icmp_quote_is_bounded_by_the_outer_packet),
		cmocka_unit_test(icmp_quote_with_bad_ihl_has_no_port),
		cmocka_unit_test(icmp_quote_of_a_fragment_has_no_port),
		cmocka_unit_test(mirai_syn),
		cmocka_unit_test(mirai_near_misses),
		cmocka_unit_test(vlan_tags),
		cmocka_unit_test(non_ip_frames),
		cmocka_unit_test(ipv4_options),
		cmocka_unit_test(ipv4_fragments),
		cmocka_unit_test(trailing_bytes_after_ip_are_ignored),
		cmocka_unit_test(ipv6_extension_headers),
		cmocka_unit_test(ipv6_fragments),
		cmocka_unit_test(truncated_frames),
		cmocka_unit_test(ip_length_ends_inside_a_header),
		cmocka_unit_test(bad_ip_headers),
		cmocka_unit_test(bad_tcp_data_offset),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
