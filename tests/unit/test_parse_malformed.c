// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_parse() (include/parse.h), the parser the XDP program runs, on
 * malformed frames: cut anywhere, an IP length that ends inside a header,
 * bad IP headers and TCP data offsets. Frames from pktbuild
 * (tests/lib/parsetest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parsetest.h"

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
		cmocka_unit_test(truncated_frames),
		cmocka_unit_test(ip_length_ends_inside_a_header),
		cmocka_unit_test(bad_ip_headers),
		cmocka_unit_test(bad_tcp_data_offset),
	};

	return cmocka_run_group_tests_name("parse: malformed", tests, NULL, NULL);
}
