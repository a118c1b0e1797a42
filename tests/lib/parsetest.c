// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the parser tests share (parsetest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parsetest.h"

int parse_bytes(struct ts_pkt *pkt, const uint8_t *frame, size_t len)
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

struct ts_pkt parse_as(const struct pb_packet *p, int verdict)
{
	uint8_t frame[PB_MAX_FRAME];
	struct ts_pkt pkt;
	size_t len = pb_build(p, frame, sizeof(frame), NULL);

	assert_int_equal(parse_bytes(&pkt, frame, len), verdict);
	return pkt;
}

void expect_malformed(const struct pb_packet *p)
{
	parse_as(p, TS_MALFORMED);
}

void expect_flow(const struct ts_pkt *pkt, int family, int proto, int port)
{
	assert_int_equal(pkt->family, family);
	assert_int_equal(pkt->proto, proto);
	assert_int_equal(pkt->port, port);
}

void expect_backscatter(const struct ts_pkt *pkt, int kind, int bs_port,
			int mismatch)
{
	assert_int_equal(pkt->bs_kind, kind);
	assert_int_equal(pkt->bs_port, bs_port);
	assert_int_equal(pkt->quote_mismatch, mismatch);
	assert_int_equal(pkt->mirai, 0);
}

void packet(struct pb_packet *p, const char *src, const char *dst)
{
	pb_init(p);
	pb_addrs(p, src, dst);
}

void icmp_error(struct pb_packet *p, struct pb_packet *inner, int v6,
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

void ipv6_add_ext(struct pb_packet *p, uint8_t type, uint8_t len8)
{
	p->ext[p->exts].type = type;
	p->ext[p->exts].len8 = len8;
	p->exts++;
}
