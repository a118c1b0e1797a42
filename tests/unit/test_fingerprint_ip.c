// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_fingerprint() (include/fingerprint.h), the built-in scanner rules the
 * XDP program runs, on frames from pktbuild through ts_parse(): what the
 * IP layer changes. An IPv6 packet gets only the rules that read no IPv4
 * field; a later fragment has no L4 header and gets no tag. Every
 * assertion compares the whole tag mask.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fptest.h"

/* ---- IPv6: which rules apply ---- */

/*
 * The Mirai, ZMap, Masscan and Nmap rules read IPv4 header fields (the
 * destination as a sequence number, IP ID, DF): an IPv6 SYN that looks
 * like them gets none of those tags. SYNful Knock and SIP OPTIONS read
 * only TCP and UDP fields, so they apply to IPv6 too.
 */
static void ipv6_gets_only_the_family_free_rules(void **state)
{
	struct pb_packet p;
	uint32_t first_word;

	(void)state;
	plain_syn(&p, SCANNER6, US6);
	memcpy(&first_word, p.dst, 4);
	p.seq = ntohl(first_word); /* Mirai-like on the first address word */
	assert_int_equal(tags_of(&p), 0);
	p.seq = 0x11223344;
	p.window = 65535; /* ZMap-like */
	assert_int_equal(tags_of(&p), 0);
	options(&p, zmap41_opts, 12);
	assert_int_equal(tags_of(&p), 0);
	p.window = 1024; /* Nmap-like */
	options(&p, nmap_opts, 4);
	assert_int_equal(tags_of(&p), 0);
	p.window = 0; /* Masscan-like IP ID cannot exist: no IP ID */
	p.tcp_opts_len = 0;
	assert_int_equal(tags_of(&p), 0);

	plain_syn(&p, SCANNER6, US6);
	p.dport = 80;
	p.ack = 0;
	p.seq = KNOCK_DELTA;
	assert_int_equal(tags_of(&p), KNOCK);
	p.seq = KNOCK_DELTA + 1;
	assert_int_equal(tags_of(&p), 0);

	sip(&p, SCANNER6, US6, 5060, SIP_REQ, strlen(SIP_REQ));
	assert_int_equal(tags_of(&p), SIP);
	sip(&p, SCANNER6, US6, 5061, SIP_REQ, strlen(SIP_REQ));
	assert_int_equal(tags_of(&p), 0);
}

/* ---- fragments ---- */

/*
 * A later fragment has no L4 header: whatever its bytes look like, it
 * gets no tag. The first fragment carries the header and is classified
 * like any packet (the parser counts its port too).
 */
static void fragments(void **state)
{
	struct pb_packet p;
	uint8_t fake_syn[20] = { 0 };
	uint32_t dst;

	(void)state;
	/* bytes of a Mirai SYN header as a later fragment's body */
	plain_syn(&p, SCANNER4, US4);
	dst = htonl(pb_dst_as_seq(&p));
	fake_syn[3] = 23;
	memcpy(fake_syn + 4, &dst, 4);
	fake_syn[12] = 0x50;
	fake_syn[13] = PB_SYN;
	pb_payload(&p, fake_syn, sizeof(fake_syn));
	p.frag_off = 1;
	assert_int_equal(tags_of(&p), 0);

	/* a SIP OPTIONS fragmented: the first part has the tag, the rest none */
	sip(&p, SCANNER4, US4, 5060, SIP_REQ, strlen(SIP_REQ));
	p.mf = 1;
	assert_int_equal(tags_of(&p), SIP);
	sip(&p, SCANNER4, US4, 5060, "OPTIONS sip:100@x", 17);
	p.frag_off = 3;
	assert_int_equal(tags_of(&p), 0);

	/* IPv6: a later fragment with a SYNful-Knock-looking body */
	plain_syn(&p, SCANNER6, US6);
	p.exts = 1;
	p.ext[0].type = PB_EXT_FRAGMENT;
	p.ext[0].frag_off = 2;
	memset(fake_syn, 0, sizeof(fake_syn));
	fake_syn[3] = 80;
	memcpy(fake_syn + 4, "\x00\x0c\x12\x3d", 4);
	fake_syn[12] = 0x50;
	fake_syn[13] = PB_SYN;
	pb_payload(&p, fake_syn, sizeof(fake_syn));
	assert_int_equal(tags_of(&p), 0);
	p.ext[0].frag_off = 0; /* the first fragment: a real header */
	p.payload_len = 0;
	p.seq = KNOCK_DELTA;
	p.ack = 0;
	assert_int_equal(tags_of(&p), KNOCK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_gets_only_the_family_free_rules),
		cmocka_unit_test(fragments),
	};

	return cmocka_run_group_tests_name("fingerprint: IPv6 and fragments", tests, NULL, NULL);
}
