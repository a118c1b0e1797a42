// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ts_fingerprint() (include/fingerprint.h), the built-in scanner rules the
 * XDP program runs, on frames from pktbuild through ts_parse(). For every
 * rule: packets that must match and near misses, one field off each, that
 * must not. Every assertion compares the whole tag mask, so a packet that
 * picks up a second tag by accident fails too.
 *
 * sip_friendly_scanner needs a payload scan that only the XDP program
 * does (tests/bpf/test_tags.c); ts_fingerprint() must never set it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fingerprint.h"
#include "pktbuild.h"

#define US4 "198.51.100.1"
#define US6 "2001:db8::1"
#define SCANNER4 "203.0.113.7"
#define SCANNER6 "2001:db8:5::7"

#define MIRAI (1ULL << TS_TAG_MIRAI)
#define ZMAP (1ULL << TS_TAG_ZMAP)
#define MASSCAN (1ULL << TS_TAG_MASSCAN)
#define NMAP (1ULL << TS_TAG_NMAP_SYN)
#define KNOCK (1ULL << TS_TAG_SYNFUL_KNOCK)
#define SIP (1ULL << TS_TAG_SIP_OPTIONS)

/* SYNful Knock's distance between sequence and acknowledgement numbers. */
#define KNOCK_DELTA 0xC123Du

static const uint8_t zmap41_opts[12] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
					 0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };
static const uint8_t nmap_opts[4] = { 0x02, 0x04, 0x05, 0xb4 };

/*
 * Parse p (from a heap copy of exactly the frame's length, so a read past
 * it is a read past the block) and return its built-in tags.
 */
static __u64 tags_of(const struct pb_packet *p)
{
	uint8_t frame[PB_MAX_FRAME], *copy;
	struct ts_pkt pkt;
	size_t len = pb_build(p, frame, sizeof(frame), NULL);
	__u64 tags;

	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, frame, len);
	assert_int_equal(ts_parse(&pkt, copy, copy + len), TS_IP);
	tags = ts_fingerprint(&pkt);
	free(copy);
	return tags;
}

/*
 * A SYN that matches no rule: window 29200 (Linux), DF set, an IP ID and
 * sequence number that satisfy neither ZMap's nor Masscan's formula.
 */
static void plain_syn(struct pb_packet *p, const char *src, const char *dst)
{
	pb_init(p);
	pb_addrs(p, src, dst);
	p->dport = 23;
	p->seq = 0x11223344;
	p->ip_id = 7;
	p->window = 29200;
	p->df = 1;
}

static void options(struct pb_packet *p, const uint8_t *opts, size_t len)
{
	memcpy(p->tcp_opts, opts, len);
	p->tcp_opts_len = len;
}

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

#define SIP_REQ "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n" \
		"Via: SIP/2.0/UDP 203.0.113.7:5060\r\n"   \
		"User-Agent: friendly-scanner\r\n\r\n"

static void sip(struct pb_packet *p, const char *src, const char *dst,
		int dport, const char *payload, size_t len)
{
	pb_init(p);
	pb_addrs(p, src, dst);
	p->proto = PB_UDP;
	p->sport = 5060;
	p->dport = (uint16_t)dport;
	pb_payload(p, payload, len);
}

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
		cmocka_unit_test(ipv6_gets_only_the_family_free_rules),
		cmocka_unit_test(tags_combine),
		cmocka_unit_test(fragments),
	};

	return cmocka_run_group_tests_name("fingerprint", tests, NULL, NULL);
}
