// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_parse() (include/parse.h), the parser the XDP program runs, on
 * backscatter: the replies of victims whose attackers spoofed our address
 * (TCP SYN-ACK and RST, the ICMP and ICMPv6 errors and replies) and the
 * packet an ICMP error quotes: the victim's port, a quote of someone
 * else's packet, short and cut quotes. Frames from pktbuild
 * (tests/lib/parsetest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parsetest.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_backscatter_kinds),
		cmocka_unit_test(icmp4_backscatter_kinds),
		cmocka_unit_test(icmp6_backscatter_kinds),
		cmocka_unit_test(icmp_quote_names_the_victims_port),
		cmocka_unit_test(icmp_quote_of_someone_else_is_a_mismatch),
		cmocka_unit_test(icmp_short_quotes),
		cmocka_unit_test(icmp_quote_is_bounded_by_the_outer_packet),
		cmocka_unit_test(icmp_quote_with_bad_ihl_has_no_port),
		cmocka_unit_test(icmp_quote_of_a_fragment_has_no_port),
	};

	return cmocka_run_group_tests_name("parse: backscatter", tests, NULL, NULL);
}
