// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzz's random packets (fuzzframe.h): every layer random, with the
 * values the parser and the fingerprints decide on (SYN-only, seq equal
 * to the destination, ZMap's IP ID, the SIP User-Agent around byte 484,
 * the shipped rules' payloads …) chosen often enough to be reached.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "fuzzframe.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[fz_below((r), COUNT(a))])

uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL); /* splitmix64 */

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return (uint32_t)(((fz_next(r) >> 32) * n) >> 32);
}

int fz_one_in(struct fz_rng *r, uint32_t n)
{
	return fz_below(r, n) == 0;
}

void fz_bytes(struct fz_rng *r, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)fz_next(r);
}

void fz_note(struct fz_frame *f, const char *fmt, ...)
{
	size_t at = strlen(f->recipe);
	va_list ap;

	if (at + 1 >= sizeof(f->recipe))
		return;
	va_start(ap, fmt);
	vsnprintf(f->recipe + at, sizeof(f->recipe) - at, fmt, ap);
	va_end(ap);
}

/* ---- addresses: ours, the documentation prefixes, or anything ---- */

static void addresses(struct fz_rng *r, struct pb_packet *p, int v6)
{
	pb_addrs(p, v6 ? "2001:db8:5::7" : "203.0.113.7",
		 v6 ? "2001:db8::1" : "198.51.100.1");
	if (fz_one_in(r, 2)) {
		if (v6)
			fz_bytes(r, p->src + 8, 8);
		else
			p->src[3] = (uint8_t)fz_next(r);
	} else if (fz_one_in(r, 2)) {
		fz_bytes(r, p->src, v6 ? 16 : 4);
	}
	if (fz_one_in(r, 4))
		fz_bytes(r, p->dst, v6 ? 16 : 4);
}

/* ---- layer 2: none to three tags of any TPID ---- */

static void vlans(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	static const uint8_t count[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					 1, 1, 1, 2, 2, 2, 2, 3 };
	static const uint16_t tpid[] = { PB_TPID_8021Q, PB_TPID_8021AD };

	p->vlans = PICK(r, count);
	for (int i = 0; i < p->vlans; i++) {
		/* now and then a TPID the parser does not follow (0x9100 …) */
		p->vlan_tpid[i] = fz_one_in(r, 24) ? (fz_one_in(r, 2) ? 0x9100 : (uint16_t)fz_next(r))
						   : PICK(r, tpid);
		p->vlan_tci[i] = (uint16_t)fz_next(r);
	}
	if (p->vlans)
		fz_note(f, "vlan%d ", p->vlans);
}

/* ---- layer 3 ---- */

/* IPv4 options: real kinds with right, zero, one-byte and overlong lengths. */
static void ipv4_options(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	static const uint8_t kinds[] = { 0, 1, 7, 68, 131, 137, 148, 130 };
	size_t n = 4 * fz_below(r, 11), at = 0;

	while (at < n) {
		size_t room = n - at;
		uint8_t kind = PICK(r, kinds), len;

		p->ip_opts[at] = kind;
		if (kind <= 1 || room < 2) {
			at++;
			continue;
		}
		switch (fz_below(r, 4)) {
		case 0: len = 0; break;
		case 1: len = 1; break;
		case 2: len = (uint8_t)(room + 1 + fz_below(r, 40)); break;
		default: len = (uint8_t)(2 + fz_below(r, (uint32_t)room - 1)); break;
		}
		p->ip_opts[at + 1] = len;
		fz_bytes(r, p->ip_opts + at + 2, room - 2 < 6 ? room - 2 : 6);
		at += len >= 2 && len <= room ? len : room;
	}
	p->ip_opts_len = n;
	if (n)
		fz_note(f, "opts%zu ", n);
}

static void ipv4(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	p->ttl = (uint8_t)fz_next(r);
	p->tos = (uint8_t)fz_next(r);
	p->ip_id = (uint16_t)fz_next(r);
	p->df = fz_one_in(r, 2);
	p->mf = fz_one_in(r, 8);
	if (fz_one_in(r, 8)) {
		static const uint16_t off[] = { 1, 2, 185, 0x1fff };

		p->frag_off = fz_one_in(r, 2) ? PICK(r, off) : (uint16_t)(fz_next(r) & 0x1fff);
		fz_note(f, "frag%u%s ", p->frag_off, p->mf ? "+" : "");
	}
	if (fz_one_in(r, 4))
		ipv4_options(r, p, f);
}

/* An IPv6 chain of up to PB_MAX_EXT headers, any order, any lengths. */
static void ipv6_chain(struct fz_rng *r, struct pb_packet *p, int most,
		       struct fz_frame *f)
{
	static const uint8_t types[] = { PB_EXT_HOPOPTS, PB_EXT_ROUTING,
					 PB_EXT_DSTOPTS, PB_EXT_FRAGMENT, PB_EXT_AH };
	static const char *const names[] = { "hop", "rt", "dst", "frag", "ah" };

	p->exts = fz_one_in(r, 2) ? 0 : 1 + (int)fz_below(r, (uint32_t)most);
	if (p->exts)
		fz_note(f, "ext");
	for (int i = 0; i < p->exts; i++) {
		struct pb_ext *e = &p->ext[i];
		uint32_t t = fz_below(r, COUNT(types));

		e->type = types[t];
		e->len8 = (uint8_t)(fz_one_in(r, 8) ? fz_below(r, 16) : fz_below(r, 3));
		e->more = fz_one_in(r, 2);
		e->frag_off = fz_one_in(r, 2) ? 0 : (uint16_t)(fz_one_in(r, 2) ? 1 : fz_next(r) & 0x1fff);
		e->frag_id = (uint32_t)fz_next(r);
		fz_note(f, ",%s", names[t]);
		if (e->type == PB_EXT_FRAGMENT)
			fz_note(f, "%u%s", e->frag_off, e->more ? "+" : "");
	}
	if (p->exts)
		fz_note(f, " ");
}

/* ---- layer 4 ---- */

static const uint16_t ports[] = { 23, 22, 80, 443, 445, 3389, 5060, 37215,
				  53, 123, 1900, 137, 0, 65535 };

static void tcp_options(struct fz_rng *r, struct pb_packet *p, const uint8_t *o,
			size_t n)
{
	if (o)
		memcpy(p->tcp_opts, o, n);
	else
		fz_bytes(r, p->tcp_opts, n);
	p->tcp_opts_len = n;
}

static void tcp(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	static const uint8_t flags[] = { PB_SYN, PB_SYN, PB_SYN | PB_ACK, PB_RST,
					 PB_RST | PB_ACK, PB_ACK, PB_FIN | PB_ACK,
					 PB_PSH | PB_ACK, PB_SYN | PB_ECE | PB_CWR,
					 PB_FIN | PB_PSH | PB_URG, 0 };
	static const uint16_t windows[] = { 1024, 65535, 0, 1025, 29200, 14600 };
	static const uint8_t zmap[12] = { 2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
	static const uint8_t nmap[4] = { 2, 4, 5, 0xb4 };
	static const uint16_t masscan[] = { 1024, 0, 1025 };
	static const char *const persona[] = { "plain", "mirai", "zmap-id", "zmap-opts",
					       "masscan", "nmap", "knock", "options" };
	uint32_t who = fz_below(r, COUNT(persona));

	p->proto = PB_TCP;
	p->sport = (uint16_t)fz_next(r);
	p->dport = fz_one_in(r, 2) ? PICK(r, ports) : (uint16_t)fz_next(r);
	p->seq = (uint32_t)fz_next(r);
	p->ack = fz_one_in(r, 2) ? 0 : (uint32_t)fz_next(r);
	p->flags = fz_one_in(r, 8) ? (uint8_t)fz_next(r) : PICK(r, flags);
	p->window = fz_one_in(r, 4) ? (uint16_t)fz_next(r) : PICK(r, windows);
	if (who && who != 7)
		p->flags = PB_SYN;
	switch (who) {
	case 1:
		p->seq = pb_dst_as_seq(p);
		break;
	case 2:
	case 3:
		p->window = 65535;
		p->df = 0;
		if (who == 2)
			p->ip_id = 54321;
		else
			tcp_options(r, p, zmap, sizeof(zmap));
		break;
	case 4:
		p->window = PICK(r, masscan);
		p->ip_id = (uint16_t)((pb_dst_as_seq(p) ^ p->seq ^ p->dport) & 0xffff);
		break;
	case 5:
		p->window = 1024;
		p->df = 0;
		tcp_options(r, p, nmap, sizeof(nmap));
		break;
	case 6:
		p->ack = fz_one_in(r, 2) ? p->seq - 0xC123D : p->seq + 0xC123D;
		if (fz_one_in(r, 2))
			p->flags |= PB_FIN | PB_PSH | PB_URG;
		break;
	case 7:
		tcp_options(r, p, NULL, 4 * fz_below(r, 11));
		break;
	}
	if (fz_one_in(r, 4)) {
		p->payload_len = fz_one_in(r, 8) ? fz_below(r, PB_MAX_PAYLOAD) : fz_below(r, 64);
		fz_bytes(r, p->payload, p->payload_len);
	}
	fz_note(f, "tcp %s flags %#x port %u ", persona[who], p->flags, p->dport);
}

/* A SIP request with the friendly-scanner line (or not) starting at ua_at. */
static void sip(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	static const char *const method[] = { "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n",
					      "OPTIONS sip:", "OPTIONS sip",
					      "options sip:x SIP/2.0\r\n",
					      "INVITE sip:100@x SIP/2.0\r\n" };
	static const char ua[] = "User-Agent: friendly-scanner\r\n";
	/* the User-Agent must end within the first 512 bytes: start at 484 */
	static const int near[] = { 482, 483, 484, 485, 486 };
	char *b = (char *)p->payload;
	size_t n = strlen(strcpy(b, PICK(r, method))), ua_at;

	ua_at = fz_one_in(r, 2) ? (size_t)PICK(r, near) : 40 + fz_below(r, 600);
	if (fz_one_in(r, 4) || ua_at < n + 9) { /* right after the request line */
		ua_at = n;
	} else { /* after a header line that ends right before ua_at */
		memcpy(b + n, "X-Pad: ", 7);
		memset(b + n + 7, 'a', ua_at - n - 9);
		memcpy(b + ua_at - 2, "\r\n", 2);
		n = ua_at;
	}
	if (!fz_one_in(r, 4)) {
		memcpy(b + n, ua, sizeof(ua) - 1);
		n += sizeof(ua) - 1;
	}
	memcpy(b + n, "\r\n", 2);
	n += 2;
	if (fz_one_in(r, 3)) { /* end the payload around the User-Agent's end */
		size_t end = ua_at + 26 + fz_below(r, 5);

		n = end < n ? end : n;
	}
	if (fz_one_in(r, 8))
		n = fz_below(r, (uint32_t)n + 1);
	p->payload_len = n;
	p->dport = fz_one_in(r, 8) ? 5061 : 5060;
	fz_note(f, "sip ua@%zu len %zu ", ua_at, n);
}

static void udp(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	static const uint8_t nbstat[18] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x20,
					    0x43, 0x4b, 0x41, 0x41, 0x41, 0x41, 0x41 };
	static const char msearch[] = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n";
	static const char *const persona[] = { "sip", "ssdp", "nbstat", "0x31" };
	uint32_t who = fz_below(r, 8);

	p->proto = PB_UDP;
	p->sport = fz_one_in(r, 2) ? 5060 : (uint16_t)fz_next(r);
	p->dport = fz_one_in(r, 2) ? PICK(r, ports) : (uint16_t)fz_next(r);
	p->payload_len = fz_one_in(r, 8) ? fz_below(r, PB_MAX_PAYLOAD) : fz_below(r, 48);
	fz_bytes(r, p->payload, p->payload_len);
	switch (who) {
	case 0:
		sip(r, p, f);
		break;
	case 1:
		p->dport = 1900;
		pb_payload(p, msearch, sizeof(msearch) - 1);
		break;
	case 2:
		p->dport = 137;
		p->payload_len = 2 + sizeof(nbstat) + fz_below(r, 40);
		memcpy(p->payload + 2, nbstat, sizeof(nbstat));
		break;
	case 3:
		p->payload_len = 10 + (fz_one_in(r, 2) ? 0 : fz_below(r, 20));
		memset(p->payload, 0, 8);
		p->payload[8] = 0x31;
		p->payload[9] = 0;
		break;
	}
	if (who && who < 4 && fz_one_in(r, 3)) { /* near misses: one byte off, or short */
		if (fz_one_in(r, 2) && p->payload_len)
			p->payload[fz_below(r, (uint32_t)p->payload_len)] ^= (uint8_t)(1 + fz_below(r, 255));
		else
			p->payload_len = fz_below(r, (uint32_t)p->payload_len + 1);
	}
	if (who)
		fz_note(f, "udp %s port %u len %zu ", who < 4 ? persona[who] : "random",
			p->dport, p->payload_len);
}

/* The packet an ICMP error quotes: usually ours (spoofed source), cut short. */
static void quote(struct fz_rng *r, struct pb_packet *p, struct pb_packet *in,
		  struct fz_frame *f)
{
	static const int cut[] = { 0, 4, 8, 19, 20, 23, 24, 27, 28, 39, 40, 43, 44, 47, 48 };
	static const uint8_t protos[] = { PB_TCP, PB_TCP, PB_UDP, PB_UDP, PB_ICMP,
					  PB_ICMPV6, PB_GRE, 132 };
	int v6 = fz_one_in(r, 8) ? p->family != 6 : p->family == 6;

	pb_init(in);
	addresses(r, in, v6);
	if (!fz_one_in(r, 4)) /* the attack packet had our address as its source */
		memcpy(in->src, p->dst, 16);
	in->proto = PICK(r, protos);
	in->sport = (uint16_t)fz_next(r);
	in->dport = fz_one_in(r, 2) ? PICK(r, ports) : (uint16_t)fz_next(r);
	in->icmp_type = 8;
	in->payload_len = fz_below(r, 32);
	fz_bytes(r, in->payload, in->payload_len);
	if (v6)
		ipv6_chain(r, in, 2, f);
	else if (fz_one_in(r, 4))
		ipv4_options(r, in, f);
	if (!v6 && fz_one_in(r, 8))
		in->frag_off = (uint16_t)(1 + fz_below(r, 0x1fff));
	if (fz_one_in(r, 10))
		in->ihl = (int)fz_below(r, 16);
	if (fz_one_in(r, 16))
		in->version = (int)fz_below(r, 16);
	p->quote = in;
	p->quote_len = fz_one_in(r, 2) ? PB_AUTO
		     : fz_one_in(r, 2) ? PICK(r, cut) : (int)fz_below(r, 120);
	fz_note(f, "quote v%d %s proto %u port %u len %d ", v6 ? 6 : 4,
		memcmp(in->src, p->dst, 16) ? "other" : "ours", in->proto,
		in->dport, p->quote_len);
}

/* The ICMP errors, which quote the packet that caused them. */
static int quotes(uint8_t proto, uint8_t type)
{
	if (proto == PB_ICMPV6)
		return type >= 1 && type <= 4;
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static void icmp(struct fz_rng *r, struct pb_packet *p, struct pb_packet *in,
		 struct fz_frame *f)
{
	static const uint8_t v4[] = { 0, 3, 4, 5, 11, 12, 14, 16, 18, 8, 13 };
	static const uint8_t v6[] = { 1, 2, 3, 4, 129, 128, 133, 135 };
	int six = p->family == 6;

	p->proto = six ? PB_ICMPV6 : PB_ICMP;
	if (fz_one_in(r, 16)) /* ICMPv6 in IPv4, ICMP in IPv6 */
		p->proto = six ? PB_ICMP : PB_ICMPV6;
	p->icmp_type = fz_one_in(r, 8) ? (uint8_t)fz_next(r)
		     : (p->proto == PB_ICMP ? PICK(r, v4) : PICK(r, v6));
	p->icmp_code = (uint8_t)fz_below(r, 16);
	p->icmp_id = (uint16_t)fz_next(r);
	p->icmp_seq = (uint16_t)fz_next(r);
	fz_note(f, "icmp%s type %u ", p->proto == PB_ICMPV6 ? "6" : "", p->icmp_type);
	if (quotes(p->proto, p->icmp_type))
		quote(r, p, in, f);
	else if (fz_one_in(r, 4)) {
		p->payload_len = fz_below(r, 64);
		fz_bytes(r, p->payload, p->payload_len);
	}
}

static void other(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	static const uint8_t protos[] = { PB_GRE, 50, 132, 59, 0, 43, 44, 51, 60, 2, 41 };

	p->proto = fz_one_in(r, 4) ? (uint8_t)fz_next(r) : PICK(r, protos);
	p->payload_len = fz_below(r, 64);
	fz_bytes(r, p->payload, p->payload_len);
	fz_note(f, "proto %u ", p->proto);
}

void fz_packet(struct fz_rng *r, struct pb_packet *p, struct pb_packet *inner,
	       struct fz_frame *f)
{
	uint32_t l4 = fz_below(r, 10);
	int v6 = fz_one_in(r, 2);

	pb_init(p);
	vlans(r, p, f);
	if (fz_one_in(r, 32)) { /* not IP: ARP or any EtherType */
		pb_arp(p, "198.51.100.9", "198.51.100.1");
		if (fz_one_in(r, 2)) {
			p->ethertype = (uint16_t)fz_next(r);
			p->payload_len = fz_below(r, 64);
			fz_bytes(r, p->payload, p->payload_len);
		}
		fz_note(f, "ethertype %#x ", p->ethertype);
		return;
	}
	addresses(r, p, v6);
	fz_note(f, "v%d ", v6 ? 6 : 4);
	if (v6)
		ipv6_chain(r, p, PB_MAX_EXT, f);
	else
		ipv4(r, p, f);
	if (l4 < 4)
		tcp(r, p, f);
	else if (l4 < 7)
		udp(r, p, f);
	else if (l4 < 9)
		icmp(r, p, inner, f);
	else
		other(r, p, f);
}

void fz_make(uint64_t seed, uint64_t index, struct fz_frame *f)
{
	struct fz_rng r = { seed };
	struct pb_packet p, inner;

	r.s = fz_next(&r) ^ index; /* each frame its own stream */
	r.s = fz_next(&r);
	f->len = 0;
	f->recipe[0] = '\0';
	if (fz_one_in(&r, 8)) {
		fz_random_after_eth(&r, f);
		return;
	}
	fz_packet(&r, &p, &inner, f);
	fz_build_damaged(&r, &p, f);
}
