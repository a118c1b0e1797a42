// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* lab-send's e2e and demo mixes (labmix.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "labmix.h"

/* ---- the e2e mix: every case, deterministic, cycling ---- */

/* Sources: JP, NL, US, DE test networks and two outside them (ZZ). */
static const char *const e2e_src4[] = { "198.51.100.10", "198.51.100.200",
					"203.0.113.30", "10.20.30.40" };
static const char *const e2e_src6[] = { "2001:db8:5::1", "fd00::99" };

#define E2E_CASES 48

void mix_e2e(uint64_t i, struct frame *f)
{
	static const int ports[] = { 23, 445, 22, 80, 8080 };
	const char *s4 = e2e_src4[(i / E2E_CASES) % 4];
	const char *s6 = e2e_src6[(i / E2E_CASES) % 2];
	const char *d4 = (i / E2E_CASES) % 2 ? "198.51.100.77" : "203.0.113.1";
	const char *d6 = "2001:db8::1";
	int c = (int)(i % E2E_CASES);

	switch (c) {
	case 0: case 1: case 2: case 3: case 4:
		lab_syn(f, s4, d4, ports[c]);
		break;
	case 5: lab_mirai(f, s4, d4, 23); break;
	case 6: lab_mirai(f, s4, d4, 37215); break;
	case 7: /* near miss: seq = dst + 1 */
		lab_syn(f, s4, d4, 23);
		f->p.seq = pb_dst_as_seq(&f->p) + 1;
		break;
	case 8: /* near miss: ECN-setup SYN with seq = dst */
		lab_mirai(f, s4, d4, 2323);
		f->p.flags = PB_SYN | PB_ECE | PB_CWR;
		f->e.mirai = 0;
		break;
	case 9: lab_udp(f, s4, d4, 5060, "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"); break;
	case 10: lab_udp(f, s4, d4, 53, "\x12\x34\x01\x00\x00\x01"); break;
	case 11: lab_icmp(f, s4, d4, 8); break;
	case 12: lab_tcp_backscatter(f, "203.0.113.50", d4, 443, PB_SYN | PB_ACK, "synack"); break;
	case 13: lab_tcp_backscatter(f, "203.0.113.50", d4, 80, PB_RST, "rst"); break;
	case 14: lab_tcp_backscatter(f, "198.51.100.60", d4, 443, PB_RST | PB_ACK, "rstack"); break;
	case 15: lab_icmp(f, "203.0.113.51", d4, 0); f->e.bs_kind = "icmp_echo_reply"; break;
	case 16: lab_icmp_error(f, "203.0.113.52", d4, 3, "icmp_unreach", d4, PB_TCP, 443); break;
	case 17: lab_icmp_error(f, "203.0.113.52", d4, 4, "icmp_quench", d4, PB_TCP, 443); break;
	case 18: lab_icmp_error(f, "10.9.9.9", d4, 5, "icmp_redirect", d4, PB_UDP, 53); break;
	case 19: lab_icmp_error(f, "203.0.113.53", d4, 11, "icmp_time_exceeded", d4, PB_UDP, 123); break;
	case 20: lab_icmp_error(f, "203.0.113.53", d4, 12, "icmp_param", d4, PB_TCP, 80); break;
	case 21: lab_icmp(f, "198.51.100.61", d4, 14); f->e.bs_kind = "icmp_reply"; break;
	case 22: lab_icmp(f, "198.51.100.61", d4, 16); f->e.bs_kind = "icmp_reply"; break;
	case 23: lab_icmp(f, "198.51.100.61", d4, 18); f->e.bs_kind = "icmp_reply"; break;
	case 24: /* quoting someone else: a mismatch */
		lab_icmp_error(f, "203.0.113.52", d4, 3, "icmp_unreach", "198.51.100.254",
			   PB_TCP, 443);
		break;
	case 25: lab_syn(f, s6, d6, 22); break;
	case 26: lab_udp(f, s6, d6, 53, "\x12\x34\x01\x00\x00\x01"); break;
	case 27: lab_icmp(f, s6, d6, 128); break;
	case 28: lab_tcp_backscatter(f, "2001:db8:bad::1", d6, 443, PB_SYN | PB_ACK, "synack"); break;
	case 29: lab_icmp_error(f, "2001:db8:bad::2", d6, 1, "icmp6_unreach", d6, PB_TCP, 443); break;
	case 30: lab_icmp_error(f, "2001:db8:bad::2", d6, 2, "icmp6_too_big", d6, PB_TCP, 443); break;
	case 31: lab_icmp_error(f, "fd00::bad", d6, 3, "icmp6_time_exceeded", d6, PB_UDP, 53); break;
	case 32: lab_icmp_error(f, "2001:db8:bad::2", d6, 4, "icmp6_param", "2001:db8::2", PB_UDP, 53); break;
	case 33: lab_icmp(f, "2001:db8:bad::3", d6, 129); f->e.bs_kind = "icmp6_echo_reply"; break;
	case 34: /* one 802.1Q tag */
		lab_syn(f, s4, d4, 3389);
		f->p.vlans = 1;
		f->p.vlan_tci[0] = 42;
		break;
	case 35: /* QinQ, IPv6 inside */
		lab_syn(f, s6, d6, 3389);
		f->p.vlans = 2;
		f->p.vlan_tpid[0] = PB_TPID_8021AD;
		break;
	case 36: /* three tags: more than a sensor follows */
		lab_syn(f, s4, d4, 3389);
		f->p.vlans = 3;
		f->e.verdict = V_NON_IP;
		break;
	case 37: /* first fragment: parsed */
		lab_udp(f, s4, d4, 500, "0123456789abcdef0123456789abcdef");
		f->p.mf = 1;
		break;
	case 38: /* a later fragment: port 0 */
		lab_udp(f, s4, d4, 500, "0123456789abcdef");
		f->p.frag_off = 5;
		f->e.port = 0;
		f->e.fragment = 1;
		break;
	case 39: /* IPv6 later fragment */
		lab_udp(f, s6, d6, 500, "0123456789abcdef");
		f->p.exts = 1;
		f->p.ext[0].type = PB_EXT_FRAGMENT;
		f->p.ext[0].frag_off = 9;
		f->p.ext[0].frag_id = (uint32_t)i;
		f->e.port = 0;
		f->e.fragment = 1;
		break;
	case 40: /* IPv4 options, IPv6 extension header */
		lab_syn(f, s4, d4, 1433);
		f->p.ip_opts_len = 4;
		memset(f->p.ip_opts, 1, 4);
		break;
	case 41:
		lab_syn(f, s6, d6, 1433);
		f->p.exts = 1;
		f->p.ext[0].type = PB_EXT_HOPOPTS;
		break;
	case 42: /* malformed: IHL below 5 */
		lab_syn(f, s4, d4, 23);
		f->p.ihl = 3;
		f->e.verdict = V_MALFORMED;
		break;
	case 43: /* malformed: IP length beyond the frame */
		lab_syn(f, s4, d4, 23);
		f->p.cut_at = 14 + 30;
		f->e.verdict = V_MALFORMED;
		break;
	case 44: /* malformed: TCP data offset below 5 */
		lab_syn(f, s6, d6, 23);
		f->p.tcp_doff = 2;
		f->e.verdict = V_MALFORMED;
		break;
	case 45: /* not IP */
		pb_init(&f->p);
		pb_arp(&f->p, "198.51.100.250", "198.51.100.1");
		f->e = (struct expect){ .verdict = V_NON_IP };
		break;
	case 46: /* another protocol: GRE, port 0 */
		pb_init(&f->p);
		pb_addrs(&f->p, s4, d4);
		f->p.proto = PB_GRE;
		pb_payload(&f->p, "\0\0\x08\0", 4);
		f->e = (struct expect){ V_IP, PB_GRE, 0, 0, 0, 0, NULL, 0, NULL };
		break;
	default: /* a SYN with options and payload to 5555 */
		lab_syn(f, s4, d4, 5555);
		f->p.tcp_opts_len = 4;
		memcpy(f->p.tcp_opts, "\x02\x04\x05\xb4", 4);
		pb_payload(&f->p, "GET / HTTP/1.0\r\n\r\n", 18);
		break;
	}
}

/* ---- the demo mix: a darknet's day, in miniature ---- */

static void random_source(char *buf, size_t len, int *v6)
{
	uint32_t r = rnd_below(100);

	*v6 = 0;
	if (r < 30)
		snprintf(buf, len, "203.0.113.%u", rnd_below(256));        /* US */
	else if (r < 50)
		snprintf(buf, len, "198.51.100.%u", rnd_below(128));       /* JP */
	else if (r < 65)
		snprintf(buf, len, "198.51.100.%u", 128 + rnd_below(128)); /* NL */
	else if (r < 72) {
		snprintf(buf, len, "2001:db8:%x::%x", rnd_below(65536), 1 + rnd_below(65535));
		*v6 = 1;                                               /* DE */
	} else
		snprintf(buf, len, "10.%u.%u.%u", rnd_below(256), rnd_below(256),
			 1 + rnd_below(254));                           /* elsewhere */
}

static void random_destination(char *buf, size_t len, int v6)
{
	if (v6)
		snprintf(buf, len, "2001:db8::%x", 1 + rnd_below(255));
	else if (rnd_below(2))
		snprintf(buf, len, "198.51.100.%u", 1 + rnd_below(254));
	else
		snprintf(buf, len, "203.0.113.%u", 1 + rnd_below(254));
}

void mix_demo(uint64_t i, struct frame *f)
{
	static const struct { int port, weight; } tcp_ports[] = {
		{ 23, 30 }, { 445, 12 }, { 22, 10 }, { 80, 8 }, { 8080, 6 },
		{ 3389, 6 }, { 1433, 4 }, { 5555, 4 }, { 37215, 3 }, { 2323, 3 },
		{ 443, 3 }, { 8443, 2 }, { 52869, 2 }, { 7547, 2 }, { 6379, 1 },
		{ 81, 1 }, { 5900, 1 },
	};
	static const char *const victims[] = { "203.0.113.80", "203.0.113.81",
					       "198.51.100.90" };
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	uint32_t r = rnd_below(1000);
	int v6;

	(void)i;
	random_source(src, sizeof(src), &v6);
	random_destination(dst, sizeof(dst), v6);
	if (r < 40) { /* backscatter from a few victims under attack */
		const char *victim = victims[rnd_below(3)];

		random_destination(dst, sizeof(dst), 0);
		if (r < 25)
			lab_tcp_backscatter(f, victim, dst, r < 20 ? 443 : 80,
					PB_SYN | PB_ACK, "synack");
		else if (r < 35)
			lab_tcp_backscatter(f, victim, dst, 443, PB_RST | PB_ACK, "rstack");
		else
			lab_icmp_error(f, victim, dst, 3, "icmp_unreach", dst, PB_TCP, 443);
	} else if (r < 140) {
		static const int udp_ports[] = { 5060, 1900, 53, 123 };
		int port = udp_ports[rnd_below(4)];

		lab_udp(f, src, dst, port, port == 5060 ?
		    "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nUser-Agent: friendly-scanner\r\n" :
		    port == 1900 ? "M-SEARCH * HTTP/1.1\r\n" : "\x12\x34\x01\x00\x00\x01");
	} else if (r < 190) {
		lab_icmp(f, src, dst, v6 ? 128 : 8);
	} else {
		uint32_t w = rnd_below(98), acc = 0;
		size_t k = 0;

		while (k + 1 < sizeof(tcp_ports) / sizeof(tcp_ports[0]) &&
		       w >= acc + (uint32_t)tcp_ports[k].weight)
			acc += (uint32_t)tcp_ports[k++].weight;
		/* Mirai-type: about half of the telnet-ish SYNs over IPv4 */
		if (!v6 && rnd_below(2) &&
		    (tcp_ports[k].port == 23 || tcp_ports[k].port == 2323 ||
		     tcp_ports[k].port == 37215 || tcp_ports[k].port == 5555))
			lab_mirai(f, src, dst, tcp_ports[k].port);
		else
			lab_syn(f, src, dst, tcp_ports[k].port);
	}
}
