// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* lab-send's tags mix (labmix.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "labmix.h"

/* ---- the tags mix: one source per case, each with the tags it must get ---- */

/*
 * Every case has a source of its own that sends only that case (one
 * protocol and port, the same tags on every packet), so a test can check
 * tags.csv interval by interval against sources.csv. The tags are written
 * here from the rules (docs/tags.md), the payload rules
 * of rules/default.rules plus the tests/e2e/tags.sh additions, and the two lists
 * tests/e2e/tags.sh writes:
 *
 *   wide.list      198.51.100.64/26,jp_lab   2001:db8:77::/48,v6lab
 *   scanners.list  198.51.100.96/27,jp_inner 198.51.100.128/25,research
 *                  198.51.100.200/32,one_host
 *
 * Countries (tests/lib/mkmmdb.pl): 198.51.100.0/25 JP, .128/25 NL,
 * 203.0.113.0/24 US, 2001:db8::/32 DE, 10.0.0.0/8 ZZ.
 */

#define TAGS_CASES 40
#define KNOCK_DELTA 0xC123Du

static const uint8_t zmap41_opts[12] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
					 0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };

/* A SYN no fingerprint matches: Linux's window, DF set. */
static void tag_syn(struct frame *f, const char *src, const char *dst, int dport,
		    const char *tags)
{
	lab_syn(f, src, dst, dport);
	f->p.window = 29200;
	f->p.df = 1;
	f->e.tags = tags;
}

static void tag_udp(struct frame *f, const char *src, const char *dst, int dport,
		    const void *payload, size_t len, const char *tags)
{
	lab_udp(f, src, dst, dport, "");
	pb_payload(&f->p, payload, len);
	f->e.tags = tags;
}

static uint16_t masscan_id(const struct pb_packet *p)
{
	return (uint16_t)((pb_dst_as_seq(p) ^ p->seq ^ p->dport) & 0xffff);
}

/* Mirai's sequence number: the destination address. */
static void mirai_seq(struct frame *f)
{
	f->p.seq = pb_dst_as_seq(&f->p);
	f->e.mirai = 1;
}

static void zmap_fields(struct frame *f)
{
	f->p.ip_id = 54321;
	f->p.window = 65535;
	f->p.df = 0;
}

/* A SIP OPTIONS of `len` bytes with the friendly-scanner User-Agent at
 * byte `ua_at` (-1: none), Via and filler headers around it. */
static void sip_options(struct frame *f, const char *src, const char *dst,
			int dport, size_t len, int ua_at, const char *tags)
{
	static const char start[] = "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"
				    "Via: SIP/2.0/UDP 198.51.100.21:5060\r\n";
	static const char filler[] = "X-Pad: 0123456789abcdefghij\r\n";
	static const char ua[] = "User-Agent: friendly-scanner\r\n";
	uint8_t body[1024];

	for (size_t i = 0; i < len; i++)
		body[i] = (uint8_t)filler[i % (sizeof(filler) - 1)];
	memcpy(body, start, sizeof(start) - 1);
	if (ua_at >= 0) {
		memcpy(body + ua_at, ua, sizeof(ua) - 1);
		memcpy(body + ua_at - 2, "\r\n", 2); /* a header line starts */
	}
	tag_udp(f, src, dst, dport, body, len, tags);
	f->p.sport = 5060;
}

static void nbstat(struct frame *f, const char *src, const char *dst, int pre,
		   const char *tags)
{
	/* transaction id, flags 0, one question; "*" encoded; NBSTAT, IN */
	static const uint8_t q[] = { 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x20, 'C', 'K', 'A', 'A', 'A', 'A',
				     'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
				     'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
				     'A', 'A', 'A', 'A', 'A', 'A', 0x00, 0x00, 0x21,
				     0x00, 0x01 };
	uint8_t body[64];

	memset(body, 0x5a, (size_t)pre); /* the transaction id: 2 bytes, or not */
	memcpy(body + pre, q, sizeof(q));
	tag_udp(f, src, dst, 137, body, (size_t)pre + sizeof(q), tags);
	f->p.sport = 137;
}

/* CAIDA's "udp 0x31": IP length 58, eight zero bytes, 0x31 0x00, then 20 more. */
static void udp_0x31(struct frame *f, const char *src, const char *dst, int dport,
		     uint8_t first, const char *tags)
{
	uint8_t body[30] = { 0 };

	body[0] = first;
	body[8] = 0x31;
	memset(body + 10, 0x41, 20);
	tag_udp(f, src, dst, dport, body, sizeof(body), tags);
}

static void later_fragment(struct frame *f, const char *src, const char *dst,
			   const char *tags)
{
	udp_0x31(f, src, dst, 40003, 0, tags);
	f->p.frag_off = 7;
	f->e.port = 0;
	f->e.fragment = 1;
}

static const char ssdp[] = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
			   "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n";

void mix_tags(uint64_t i, struct frame *f, bool tags_reloaded)
{
	const char *d4 = (i / TAGS_CASES) % 2 ? "198.51.100.77" : "203.0.113.1";
	const char *d6 = "2001:db8::1";

	switch ((int)(i % TAGS_CASES)) {
	/* built-in fingerprints */
	case 0: tag_syn(f, "203.0.113.101", d4, 23, "mirai");
		mirai_seq(f);
		break;
	case 1: tag_syn(f, "10.1.0.2", d4, 37215, "mirai");
		mirai_seq(f);
		break;
	case 2: tag_syn(f, "203.0.113.102", d4, 443, "zmap");
		zmap_fields(f);
		break;
	case 3: /* ZMap 4.1: random IP ID, its option list */
		tag_syn(f, "203.0.113.103", d4, 8443, "zmap");
		zmap_fields(f);
		f->p.ip_id = (uint16_t)(1000 + rnd_below(50000));
		memcpy(f->p.tcp_opts, zmap41_opts, 12);
		f->p.tcp_opts_len = 12;
		break;
	case 4: tag_syn(f, "203.0.113.104", d4, 3389, "masscan");
		f->p.window = 1024;
		f->p.df = 0;
		f->p.ip_id = masscan_id(&f->p);
		break;
	case 5: tag_syn(f, "203.0.113.105", d4, 22, "nmap_syn");
		f->p.window = 1024;
		f->p.df = 0;
		memcpy(f->p.tcp_opts, "\x02\x04\x05\xb4", 4);
		f->p.tcp_opts_len = 4;
		f->p.ip_id = masscan_id(&f->p) ^ 1; /* not Masscan's by chance */
		break;
	case 6: tag_syn(f, "203.0.113.106", d4, 80, "synful_knock");
		f->p.ack = (uint32_t)rnd();
		f->p.seq = f->p.ack + KNOCK_DELTA;
		break;
	case 7: tag_syn(f, "2001:db8:5::6", d6, 80, "synful_knock");
		f->p.seq = (uint32_t)rnd();
		f->p.ack = f->p.seq + KNOCK_DELTA;
		break;
	case 8: sip_options(f, "198.51.100.20", d4, 5060, 120, -1, "sip_options"); break;
	case 9: sip_options(f, "198.51.100.21", d4, 5060, 320, 200,
			    "sip_options sip_friendly_scanner");
		break;
	case 10: tag_udp(f, "198.51.100.22", d4, 1900, ssdp, strlen(ssdp), "ssdp_msearch"); break;
	case 11: udp_0x31(f, "10.1.0.3", d4, 40001, 0, "udp_0x31"); break;
	case 12: nbstat(f, "203.0.113.107", d4, 2, "netbios_nbstat"); break;
	case 13: tag_syn(f, "203.0.113.108", d4, 23, "mirai zmap");
		zmap_fields(f);
		mirai_seq(f);
		break;
	case 14: tag_syn(f, "203.0.113.131", d4, 8080, "lab_get");
		pb_payload(&f->p, "GET / HTTP/1.0\r\n\r\n", 18);
		break;
	/* labelled sources, nested prefixes, labels with fingerprints */
	case 15: tag_syn(f, "198.51.100.70", d4, 445, "list:jp_lab"); break;
	case 16: tag_syn(f, "198.51.100.100", d4, 445, "list:jp_lab list:jp_inner"); break;
	case 17: tag_syn(f, "198.51.100.150", d4, 23, "mirai list:research");
		mirai_seq(f);
		break;
	case 18: tag_syn(f, "198.51.100.200", d4, 22, "list:research list:one_host"); break;
	case 19: tag_syn(f, "198.51.100.201", d4, 22, "list:research"); break;
	case 20: tag_udp(f, "2001:db8:77::9", d6, 53, "\x12\x34\x01\x00\x00\x01", 6,
			 "list:v6lab");
		break;
	case 21: tag_syn(f, "2001:db8:77::10", d6, 80, "synful_knock list:v6lab");
		f->p.ack = 0;
		f->p.seq = KNOCK_DELTA;
		break;
	case 22: tag_udp(f, "198.51.100.160", d4, 1900, ssdp, strlen(ssdp),
			 "ssdp_msearch list:research");
		break;
	/* near misses: one field off, no tag */
	case 23: tag_syn(f, "203.0.113.120", d4, 23, NULL);
		f->p.seq = pb_dst_as_seq(&f->p) + 1;
		break;
	case 24: tag_syn(f, "203.0.113.121", d4, 443, NULL);
		zmap_fields(f);
		f->p.window = 65534;
		break;
	case 25: tag_syn(f, "203.0.113.122", d4, 3389, NULL);
		f->p.window = 1024;
		f->p.ip_id = (uint16_t)(masscan_id(&f->p) + 1);
		break;
	case 26: tag_syn(f, "203.0.113.123", d4, 22, NULL);
		f->p.window = 1023;
		f->p.df = 0;
		memcpy(f->p.tcp_opts, "\x02\x04\x05\xb4", 4);
		f->p.tcp_opts_len = 4;
		break;
	case 27: tag_syn(f, "203.0.113.124", d4, 80, NULL);
		f->p.ack = (uint32_t)rnd();
		f->p.seq = f->p.ack + KNOCK_DELTA + 1;
		break;
	case 28: sip_options(f, "203.0.113.125", d4, 5061, 320, 200, NULL); break;
	case 29: tag_udp(f, "203.0.113.126", d4, 1900, " M-SEARCH * HTTP/1.1\r\n", 22, NULL); break;
	case 30: nbstat(f, "203.0.113.127", d4, 3, NULL); break;
	case 31: /* SYN+ACK with a Mirai-like sequence number: backscatter */
		lab_tcp_backscatter(f, "203.0.113.128", d4, 23, PB_SYN | PB_ACK, "synack");
		f->p.seq = pb_dst_as_seq(&f->p);
		break;
	case 32: tag_syn(f, "198.51.100.63", d4, 445, NULL); break; /* below jp_lab */
	case 33: /* the User-Agent starts at 490: it ends past byte 512 */
		sip_options(f, "198.51.100.23", d4, 5060, 700, 490, "sip_options");
		break;
	case 34: tag_syn(f, "203.0.113.129", d4, 8080, NULL);
		pb_payload(&f->p, " GET / HTTP/1.0\r\n\r\n", 19);
		break;
	case 35: udp_0x31(f, "10.1.0.4", d4, 40002, 1, NULL); break;
	case 36: /* matched only once the reloaded rules have new_hello; a
		  * source of its own after the reload, so each source keeps
		  * one set of tags */
		tag_udp(f, tags_reloaded ? "203.0.113.133" : "203.0.113.130", d4,
			5000, "HELLO telescope", 15, tags_reloaded ? "new_hello" : NULL);
		break;
	case 37: /* IPv6 with Mirai's and ZMap's fields: IPv4-only rules */
		tag_syn(f, "2001:db8:5::99", d6, 23, NULL);
		zmap_fields(f);
		f->p.seq = 0x20010db8;
		break;
	case 38: later_fragment(f, "198.51.100.71", d4, "list:jp_lab"); break;
	default: later_fragment(f, "203.0.113.132", d4, NULL); break;
	}
}
