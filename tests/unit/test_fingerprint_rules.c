// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_fingerprint() (include/fingerprint.h), the built-in scanner rules the
 * XDP program runs, on frames from pktbuild through ts_parse(), rule by
 * rule: packets that must match and near misses, one field off each, that
 * must not, and packets that match several rules at once. Every assertion
 * compares the whole tag mask, so a packet that picks up a second tag by
 * accident fails too.
 *
 * sip_friendly_scanner needs a payload scan that only the XDP program
 * does (tests/bpf/test_tags_builtin.c); ts_fingerprint() must never set it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fptest.h"

/* What ZMap before 4.1 puts in every probe. */
static void zmap_fields(struct pb_packet *p)
{
	p->ip_id = 54321;
	p->window = 65535;
	p->df = 0;
}

/* Masscan's IP ID for p: (daddr ^ seq ^ dport) & 0xffff, host order. */
static uint16_t masscan_id(const struct pb_packet *p)
{
	return (uint16_t)((pb_dst_as_seq(p) ^ p->seq ^ p->dport) & 0xffff);
}

/* ---- the baseline ---- */

static void plain_traffic_has_no_tags(void **state)
{
	struct pb_packet p;

	(void)state;
	plain_syn(&p, SCANNER4, US4);
	assert_int_equal(tags_of(&p), 0);
	p.df = 0;
	assert_int_equal(tags_of(&p), 0);

	pb_init(&p); /* pktbuild's defaults: window 1024, no options */
	assert_int_equal(tags_of(&p), 0);

	p.proto = PB_UDP;
	p.dport = 53;
	pb_payload(&p, "\x12\x34\x01\x00\x00\x01", 6);
	assert_int_equal(tags_of(&p), 0);

	pb_init(&p);
	p.proto = PB_ICMP;
	p.icmp_type = 8;
	assert_int_equal(tags_of(&p), 0);
}

/* ---- Mirai-type: SYN-only, seq == daddr (raw) ---- */

static void mirai_hits(void **state)
{
	static const int ports[] = { 23, 2323, 37215, 52869, 8080, 7547, 5555 };
	struct pb_packet p;

	(void)state;
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		plain_syn(&p, SCANNER4, US4);
		p.dport = (uint16_t)ports[i]; /* never filtered by port */
		p.seq = pb_dst_as_seq(&p);
		assert_int_equal(tags_of(&p), MIRAI);
	}
	/* the other Mirai fields are not part of the rule */
	p.df = 0;
	p.ttl = 64;
	assert_int_equal(tags_of(&p), MIRAI);
	options(&p, nmap_opts, 4);
	p.window = 14600;
	assert_int_equal(tags_of(&p), MIRAI);
	/* another destination, its own sequence number */
	pb_addrs(&p, "10.1.2.3", "203.0.113.200");
	p.seq = pb_dst_as_seq(&p);
	assert_int_equal(tags_of(&p), MIRAI);
}

static void mirai_near_misses(void **state)
{
	struct pb_packet p;
	uint32_t dst;

	(void)state;
	plain_syn(&p, SCANNER4, US4);
	dst = pb_dst_as_seq(&p);
	p.seq = dst + 1;
	assert_int_equal(tags_of(&p), 0);
	p.seq = dst - 1;
	assert_int_equal(tags_of(&p), 0);
	p.seq = htonl(dst); /* the address with its bytes swapped */
	assert_int_equal(tags_of(&p), 0);

	p.seq = dst;
	p.flags = PB_SYN | PB_ACK; /* backscatter, not a scan */
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_SYN | PB_ECE; /* ECN-setup SYN: not SYN-only */
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_SYN | PB_ECE | PB_CWR;
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_SYN | PB_PSH;
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_RST;
	assert_int_equal(tags_of(&p), 0);
	p.flags = 0;
	assert_int_equal(tags_of(&p), 0);
}

/* ---- ZMap: IP ID 54321 (before 4.1) or the 4.1 option list ---- */

static void zmap_ip_id_hits(void **state)
{
	struct pb_packet p;

	(void)state;
	plain_syn(&p, SCANNER4, US4);
	zmap_fields(&p);
	p.ttl = 255;
	assert_int_equal(tags_of(&p), ZMAP);
	options(&p, nmap_opts, 4); /* ZMap since 2021-08: MSS only */
	assert_int_equal(tags_of(&p), ZMAP);
	p.dport = 443;
	assert_int_equal(tags_of(&p), ZMAP);
}

static void zmap_ip_id_near_misses(void **state)
{
	struct pb_packet p, base;

	(void)state;
	plain_syn(&base, SCANNER4, US4);
	zmap_fields(&base);

	p = base;
	p.window = 65534;
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.ip_id = 54320;
	assert_int_equal(tags_of(&p), 0);
	p.ip_id = 54322;
	assert_int_equal(tags_of(&p), 0);
	p.ip_id = 0x31d4; /* 54321 with its bytes swapped */
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.df = 1;
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.flags = PB_SYN | PB_ACK;
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_SYN | PB_ECE | PB_CWR;
	assert_int_equal(tags_of(&p), 0);

	/* ZMap's UDP and ICMP probes have the IP ID too; the rule is SYN only */
	p = base;
	p.proto = PB_UDP;
	p.dport = 53;
	assert_int_equal(tags_of(&p), 0);
	p.proto = PB_ICMP;
	p.icmp_type = 8;
	assert_int_equal(tags_of(&p), 0);
}

static void zmap_41_options(void **state)
{
	uint8_t reordered[12];
	struct pb_packet p, base;

	(void)state;
	plain_syn(&base, SCANNER4, US4);
	base.ip_id = 4242; /* random since 4.1 */
	base.window = 65535;
	base.df = 0;
	options(&base, zmap41_opts, 12);

	p = base;
	assert_int_equal(tags_of(&p), ZMAP);

	/* the same bytes in another order: NOPs first, window scale last */
	memcpy(reordered, (const uint8_t[]){ 0x01, 0x01, 0x04, 0x02, 0x02, 0x04,
					     0x05, 0xb4, 0x01, 0x03, 0x03, 0x08 }, 12);
	options(&p, reordered, 12);
	assert_int_equal(tags_of(&p), 0);
	/* one byte off: window scale 7 instead of 8 */
	memcpy(reordered, zmap41_opts, 12);
	reordered[7] = 0x07;
	options(&p, reordered, 12);
	assert_int_equal(tags_of(&p), 0);
	/* MSS 1460 only (no IP ID 54321): Nmap's list, not ZMap 4.1's */
	options(&p, nmap_opts, 4);
	assert_int_equal(tags_of(&p), 0);
	/* the 12 bytes and 4 more: a different option list */
	memcpy(p.tcp_opts, zmap41_opts, 12);
	memcpy(p.tcp_opts + 12, "\x01\x01\x01\x00", 4);
	p.tcp_opts_len = 16;
	assert_int_equal(tags_of(&p), 0);

	p = base;
	p.window = 65534;
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.df = 1;
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.flags = PB_SYN | PB_ACK;
	assert_int_equal(tags_of(&p), 0);
}

/* ---- Masscan: ip_id == (daddr ^ seq ^ dport) & 0xffff ---- */

static void masscan_hits(void **state)
{
	static const uint16_t windows[] = { 1024, 0, 1025 };
	struct pb_packet p;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		plain_syn(&p, SCANNER4, US4);
		p.df = 0;
		p.ttl = 255;
		p.window = windows[i];
		p.seq = 0xa1b2c3d4;
		p.dport = 3389;
		p.ip_id = masscan_id(&p);
		assert_int_equal(tags_of(&p), MASSCAN);
	}
	/* another target, port and sequence number: another IP ID */
	pb_addrs(&p, "10.9.8.7", "203.0.113.99");
	p.dport = 445;
	p.seq = 0x00010002;
	p.ip_id = masscan_id(&p);
	assert_int_equal(tags_of(&p), MASSCAN);
	/* the rule says nothing about DF */
	p.df = 1;
	assert_int_equal(tags_of(&p), MASSCAN);
}

static void masscan_near_misses(void **state)
{
	struct pb_packet p, base;

	(void)state;
	plain_syn(&base, SCANNER4, US4);
	base.df = 0;
	base.window = 1024;
	base.seq = 0xa1b2c3d4;
	base.dport = 3389;
	base.ip_id = masscan_id(&base);

	p = base;
	p.ip_id = (uint16_t)(base.ip_id + 1);
	assert_int_equal(tags_of(&p), 0);
	p.ip_id = (uint16_t)(base.ip_id - 1);
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.window = 1023;
	assert_int_equal(tags_of(&p), 0);
	p.window = 1026;
	assert_int_equal(tags_of(&p), 0);
	p.window = 65535;
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.dport = 3390; /* the IP ID no longer fits the port */
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.flags = PB_SYN | PB_ACK;
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_SYN | PB_ECE;
	assert_int_equal(tags_of(&p), 0);
}

/* ---- Nmap -sS: window 1024, options exactly MSS 1460, DF clear ---- */

static void nmap_hits_and_near_misses(void **state)
{
	struct pb_packet p, base;

	(void)state;
	plain_syn(&base, SCANNER4, US4);
	base.df = 0;
	base.window = 1024;
	base.ttl = 44;
	base.dport = 22;
	base.ip_id = 0x5a5a;
	base.seq = 0x0badcafe;
	options(&base, nmap_opts, 4);
	assert_int_not_equal(base.ip_id, masscan_id(&base));

	p = base;
	assert_int_equal(tags_of(&p), NMAP);
	p.dport = 8443;
	assert_int_equal(tags_of(&p), NMAP);

	p = base;
	p.window = 1023;
	assert_int_equal(tags_of(&p), 0);
	p.window = 1025;
	assert_int_equal(tags_of(&p), 0);
	p = base;
	options(&p, (const uint8_t[]){ 0x04, 0x02, 0x05, 0xb4 }, 4); /* reordered */
	assert_int_equal(tags_of(&p), 0);
	options(&p, (const uint8_t[]){ 0x02, 0x04, 0xb4, 0x05 }, 4);
	assert_int_equal(tags_of(&p), 0);
	options(&p, (const uint8_t[]){ 0x02, 0x04, 0x05, 0xb5 }, 4); /* MSS 1461 */
	assert_int_equal(tags_of(&p), 0);
	options(&p, (const uint8_t[]){ 0x02, 0x04, 0x05, 0x78 }, 4); /* MSS 1400 */
	assert_int_equal(tags_of(&p), 0);
	options(&p, (const uint8_t[]){ 0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x01, 0x00 }, 8);
	assert_int_equal(tags_of(&p), 0);
	p.tcp_opts_len = 0; /* no options */
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.df = 1;
	assert_int_equal(tags_of(&p), 0);
	p = base;
	p.flags = PB_SYN | PB_ACK;
	assert_int_equal(tags_of(&p), 0);
}

/* ---- SYNful Knock: SYN, no ACK, seq - ack == 0xC123D either way ---- */

static void synful_knock_hits(void **state)
{
	struct pb_packet p;

	(void)state;
	plain_syn(&p, SCANNER4, US4);
	p.dport = 80;
	p.ack = 0x10000000; /* Mandiant's script: seq = ack + 0xC123D */
	p.seq = p.ack + KNOCK_DELTA;
	assert_int_equal(tags_of(&p), KNOCK);
	p.seq = 0x20000000; /* the other direction (Talos) */
	p.ack = p.seq + KNOCK_DELTA;
	assert_int_equal(tags_of(&p), KNOCK);
	p.seq = KNOCK_DELTA; /* ZMap's tcp_cisco_backdoor: seq 0xC123D, ack 0 */
	p.ack = 0;
	assert_int_equal(tags_of(&p), KNOCK);
	p.seq = 5; /* u32 arithmetic: across the wrap */
	p.ack = 5u - KNOCK_DELTA;
	assert_int_equal(tags_of(&p), KNOCK);
	p.ack = 0xfffffff0u;
	p.seq = p.ack + KNOCK_DELTA;
	assert_int_equal(tags_of(&p), KNOCK);
	/* the rule wants SYN without ACK, not SYN-only */
	p.flags = PB_SYN | PB_ECE | PB_CWR;
	assert_int_equal(tags_of(&p), KNOCK);
	p.flags = PB_SYN;
	p.dport = 443; /* usually 80, not only */
	assert_int_equal(tags_of(&p), KNOCK);
}

static void synful_knock_near_misses(void **state)
{
	struct pb_packet p;

	(void)state;
	plain_syn(&p, SCANNER4, US4);
	p.dport = 80;
	p.ack = 0x10000000;
	p.seq = p.ack + KNOCK_DELTA + 1;
	assert_int_equal(tags_of(&p), 0);
	p.seq = p.ack + KNOCK_DELTA - 1;
	assert_int_equal(tags_of(&p), 0);
	p.seq = p.ack - KNOCK_DELTA + 1;
	assert_int_equal(tags_of(&p), 0);
	p.seq = p.ack + KNOCK_DELTA;
	p.flags = PB_SYN | PB_ACK;
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_ACK;
	assert_int_equal(tags_of(&p), 0);
	p.flags = PB_RST;
	assert_int_equal(tags_of(&p), 0);
}

/* ---- SIP: UDP to 5060 whose payload starts with "OPTIONS sip:" ---- */

static void sip_options_hits_and_near_misses(void **state)
{
	struct pb_packet p;

	(void)state;
	/* the User-Agent is there, but confirming it is the kernel's scan */
	sip(&p, SCANNER4, US4, 5060, SIP_REQ, strlen(SIP_REQ));
	assert_int_equal(tags_of(&p), SIP);
	sip(&p, SCANNER4, US4, 5060, "OPTIONS sip:", 12); /* nothing more */
	assert_int_equal(tags_of(&p), SIP);
	p.sport = 40000;
	assert_int_equal(tags_of(&p), SIP);

	sip(&p, SCANNER4, US4, 5061, SIP_REQ, strlen(SIP_REQ));
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, "OPTIONS sip 100@198.51.100.1 SIP/2.0\r\n", 38);
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, "options sip:100@198.51.100.1 SIP/2.0\r\n", 38);
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, "OPTIONS SIP:100@198.51.100.1 SIP/2.0\r\n", 38);
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, " OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n", 39);
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, "INVITE sip:100@198.51.100.1 SIP/2.0\r\n", 37);
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, "OPTIONS sip", 11); /* one byte short */
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, "", 0);
	assert_int_equal(tags_of(&p), 0);
	sip(&p, SCANNER4, US4, 5060, SIP_REQ, strlen(SIP_REQ));
	p.proto = PB_TCP; /* SIP over TCP: the rule is UDP */
	assert_int_equal(tags_of(&p), 0);
}

/* ---- several tags on one packet ---- */

static void tags_combine(void **state)
{
	struct pb_packet p;

	(void)state;
	/* ZMap's fields with Mirai's sequence number */
	plain_syn(&p, SCANNER4, US4);
	zmap_fields(&p);
	p.seq = pb_dst_as_seq(&p);
	assert_int_equal(tags_of(&p), MIRAI | ZMAP);

	/* Nmap's SYN whose IP ID happens to satisfy Masscan's formula */
	plain_syn(&p, SCANNER4, US4);
	p.df = 0;
	p.window = 1024;
	options(&p, nmap_opts, 4);
	p.ip_id = masscan_id(&p);
	assert_int_equal(tags_of(&p), NMAP | MASSCAN);

	/* Mirai's sequence number, ack placed for SYNful Knock */
	plain_syn(&p, SCANNER4, US4);
	p.seq = pb_dst_as_seq(&p);
	p.ack = p.seq - KNOCK_DELTA;
	assert_int_equal(tags_of(&p), MIRAI | KNOCK);
	p.flags = PB_SYN | PB_ECE; /* not SYN-only: only the knock remains */
	assert_int_equal(tags_of(&p), KNOCK);

	/* all four SYN rules and the knock on one packet */
	plain_syn(&p, SCANNER4, US4);
	p.df = 0;
	p.window = 1024;
	options(&p, nmap_opts, 4);
	p.seq = pb_dst_as_seq(&p);
	p.ack = p.seq + KNOCK_DELTA;
	p.ip_id = masscan_id(&p);
	assert_int_equal(tags_of(&p), MIRAI | MASSCAN | NMAP | KNOCK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_traffic_has_no_tags),
		cmocka_unit_test(mirai_hits),
		cmocka_unit_test(mirai_near_misses),
		cmocka_unit_test(zmap_ip_id_hits),
		cmocka_unit_test(zmap_ip_id_near_misses),
		cmocka_unit_test(zmap_41_options),
		cmocka_unit_test(masscan_hits),
		cmocka_unit_test(masscan_near_misses),
		cmocka_unit_test(nmap_hits_and_near_misses),
		cmocka_unit_test(synful_knock_hits),
		cmocka_unit_test(synful_knock_near_misses),
		cmocka_unit_test(sip_options_hits_and_near_misses),
		cmocka_unit_test(tags_combine),
	};

	return cmocka_run_group_tests_name("fingerprint: the rules", tests, NULL, NULL);
}
