// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Frame builder for tests, the lab sender and the benchmark (pktbuild.h). */
#include "pktbuild.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "pktbuild: %s: %s\n", what, detail);
	abort();
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

void pb_init(struct pb_packet *p)
{
	static const uint8_t dst_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t src_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

	memset(p, 0, sizeof(*p));
	memcpy(p->dst_mac, dst_mac, 6);
	memcpy(p->src_mac, src_mac, 6);
	for (int i = 0; i < PB_MAX_VLAN; i++)
		p->vlan_tpid[i] = PB_TPID_8021Q;
	pb_addrs(p, "203.0.113.7", "198.51.100.1");
	p->proto = PB_TCP;
	p->ttl = 64;
	p->ip_id = 1;
	p->sport = 40000;
	p->dport = 80;
	p->seq = 1;
	p->flags = PB_SYN;
	p->window = 1024;
	p->quote_len = PB_AUTO;
	p->cut_at = p->ihl = p->version = p->tot_len = p->tcp_doff = PB_AUTO;
}

void pb_addrs(struct pb_packet *p, const char *src, const char *dst)
{
	int family = strchr(src, ':') ? 6 : 4;
	int af = family == 6 ? AF_INET6 : AF_INET;

	memset(p->src, 0, 16);
	memset(p->dst, 0, 16);
	if (inet_pton(af, src, p->src) != 1)
		die("bad source address", src);
	if (inet_pton(af, dst, p->dst) != 1)
		die("bad destination address", dst);
	p->family = family;
}

void pb_payload(struct pb_packet *p, const void *data, size_t len)
{
	if (len > sizeof(p->payload))
		die("payload too long", "");
	memcpy(p->payload, data, len);
	p->payload_len = len;
}

void pb_arp(struct pb_packet *p, const char *sender, const char *target)
{
	uint8_t arp[28] = { 0, 1, 0x08, 0x00, 6, 4, 0, 1 }; /* Ethernet/IPv4 request */

	memcpy(arp + 8, p->src_mac, 6);
	if (inet_pton(AF_INET, sender, arp + 14) != 1)
		die("bad ARP sender", sender);
	if (inet_pton(AF_INET, target, arp + 24) != 1)
		die("bad ARP target", target);
	memset(p->dst_mac, 0xff, 6);
	p->family = 0;
	p->ethertype = PB_ETH_ARP;
	pb_payload(p, arp, sizeof(arp));
}

uint32_t pb_dst_as_seq(const struct pb_packet *p)
{
	uint32_t raw;

	memcpy(&raw, p->dst, 4);
	return ntohl(raw);
}

uint32_t pb_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *b = data;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)(b[0] << 8 | b[1]);
	if (len)
		sum += (uint32_t)(b[0] << 8);
	return sum;
}

uint16_t pb_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The upper-layer pseudo-header sum (RFC 793 / RFC 8200 section 8.1). */
static uint32_t pseudo_sum(const struct pb_packet *p, size_t l4_len)
{
	uint8_t tail[8] = { 0 };

	if (p->family == 4) {
		uint32_t sum = pb_csum_add(0, p->src, 4);

		sum = pb_csum_add(sum, p->dst, 4);
		return sum + p->proto + (uint32_t)l4_len;
	}
	put32(tail, (uint32_t)l4_len);
	tail[7] = p->proto;
	return pb_csum_add(pb_csum_add(pb_csum_add(0, p->src, 16), p->dst, 16),
			   tail, 8);
}

static int is_non_first_fragment(const struct pb_packet *p)
{
	if (p->family == 4)
		return p->frag_off != 0;
	for (int i = 0; i < p->exts; i++)
		if (p->ext[i].type == PB_EXT_FRAGMENT && p->ext[i].frag_off)
			return 1;
	return 0;
}

static int is_icmp(const struct pb_packet *p)
{
	return p->proto == PB_ICMP || p->proto == PB_ICMPV6;
}

/* Write the L4 header and body at l4; returns its length. */
static size_t build_l4(const struct pb_packet *p, uint8_t *l4, size_t cap)
{
	size_t len, hlen;

	if (is_non_first_fragment(p) ||
	    (p->proto != PB_TCP && p->proto != PB_UDP && !is_icmp(p))) {
		if (p->payload_len > cap)
			die("packet too long", "payload");
		memcpy(l4, p->payload, p->payload_len);
		return p->payload_len;
	}

	hlen = p->proto == PB_TCP ? 20 + p->tcp_opts_len : 8;
	if (hlen + p->payload_len > cap)
		die("packet too long", "L4");
	memset(l4, 0, hlen);
	if (p->proto == PB_TCP) {
		put16(l4, p->sport);
		put16(l4 + 2, p->dport);
		put32(l4 + 4, p->seq);
		put32(l4 + 8, p->ack);
		l4[12] = (uint8_t)((hlen / 4) << 4);
		l4[13] = p->flags;
		put16(l4 + 14, p->window);
		memcpy(l4 + 20, p->tcp_opts, p->tcp_opts_len);
	} else if (p->proto == PB_UDP) {
		put16(l4, p->sport);
		put16(l4 + 2, p->dport);
		put16(l4 + 4, (uint16_t)(8 + p->payload_len));
	} else {
		l4[0] = p->icmp_type;
		l4[1] = p->icmp_code;
		if (!p->quote) {
			put16(l4 + 4, p->icmp_id);
			put16(l4 + 6, p->icmp_seq);
		}
	}
	len = hlen;
	if (is_icmp(p) && p->quote) {
		uint8_t inner[PB_MAX_FRAME];
		size_t qlen = pb_build_ip(p->quote, inner, sizeof(inner), NULL);

		if (p->quote_len != PB_AUTO && (size_t)p->quote_len < qlen)
			qlen = (size_t)p->quote_len;
		if (len + qlen > cap)
			die("packet too long", "ICMP quote");
		memcpy(l4 + len, inner, qlen);
		len += qlen;
	} else {
		memcpy(l4 + len, p->payload, p->payload_len);
		len += p->payload_len;
	}

	{
		uint32_t sum = pb_csum_add(0, l4, len);
		uint16_t csum;
		size_t at = p->proto == PB_TCP ? 16 : p->proto == PB_UDP ? 6 : 2;

		if (p->proto != PB_ICMP)
			sum += pseudo_sum(p, len);
		csum = (uint16_t)~pb_csum_fold(sum);
		if (p->proto == PB_UDP && csum == 0)
			csum = 0xffff;
		put16(l4 + at, csum);
	}
	if (p->proto == PB_TCP && p->tcp_doff != PB_AUTO)
		l4[12] = (uint8_t)((p->tcp_doff & 0x0f) << 4);
	return len;
}

static size_t ipv6_ext_len(const struct pb_ext *e)
{
	if (e->type == PB_EXT_AH)
		return 4 * ((size_t)e->len8 + 2);
	return e->type == PB_EXT_FRAGMENT ? 8 : 8 * ((size_t)e->len8 + 1);
}

size_t pb_build_ip(const struct pb_packet *p, uint8_t *buf, size_t cap,
		   struct pb_layout *layout)
{
	size_t hlen, l4_len, total;

	if (p->family == 4) {
		if (p->ip_opts_len % 4 || p->ip_opts_len > PB_MAX_OPTS)
			die("IPv4 options", "length must be a multiple of 4, <= 40");
		hlen = 20 + p->ip_opts_len;
	} else if (p->family == 6) {
		hlen = 40;
		for (int i = 0; i < p->exts; i++)
			hlen += ipv6_ext_len(&p->ext[i]);
	} else {
		die("pb_build_ip", "not an IP packet");
		return 0;
	}
	if (hlen > cap)
		die("packet too long", "IP header");
	l4_len = build_l4(p, buf + hlen, cap - hlen);
	total = hlen + l4_len;
	memset(buf, 0, hlen);

	if (p->family == 4) {
		buf[0] = (uint8_t)(0x40 | (hlen / 4));
		buf[1] = p->tos;
		put16(buf + 2, (uint16_t)total);
		put16(buf + 4, p->ip_id);
		put16(buf + 6, (uint16_t)((p->df ? 0x4000 : 0) | (p->mf ? 0x2000 : 0) |
					  (p->frag_off & 0x1fff)));
		buf[8] = p->ttl;
		buf[9] = p->proto;
		memcpy(buf + 12, p->src, 4);
		memcpy(buf + 16, p->dst, 4);
		memcpy(buf + 20, p->ip_opts, p->ip_opts_len);
		put16(buf + 10, (uint16_t)~pb_csum_fold(pb_csum_add(0, buf, hlen)));
		if (p->ihl != PB_AUTO)
			buf[0] = (uint8_t)((buf[0] & 0xf0) | (p->ihl & 0x0f));
		if (p->tot_len != PB_AUTO)
			put16(buf + 2, (uint16_t)p->tot_len);
	} else {
		uint8_t *ext = buf + 40;

		buf[0] = 0x60 | (p->tos >> 4);
		buf[1] = (uint8_t)(p->tos << 4);
		put16(buf + 4, (uint16_t)(total - 40));
		buf[6] = p->exts ? p->ext[0].type : p->proto;
		buf[7] = p->ttl;
		memcpy(buf + 8, p->src, 16);
		memcpy(buf + 24, p->dst, 16);
		for (int i = 0; i < p->exts; i++) {
			const struct pb_ext *e = &p->ext[i];

			ext[0] = i + 1 < p->exts ? p->ext[i + 1].type : p->proto;
			if (e->type == PB_EXT_FRAGMENT) {
				put16(ext + 2, (uint16_t)(e->frag_off << 3 | (e->more ? 1 : 0)));
				put32(ext + 4, e->frag_id);
			} else {
				ext[1] = e->len8;
			}
			ext += ipv6_ext_len(e);
		}
		if (p->tot_len != PB_AUTO)
			put16(buf + 4, (uint16_t)p->tot_len);
	}
	if (p->version != PB_AUTO)
		buf[0] = (uint8_t)((buf[0] & 0x0f) | (p->version << 4));

	if (layout) {
		layout->ip_len = total;
		layout->l4_off = is_non_first_fragment(p) ? 0 : hlen;
	}
	return total;
}

size_t pb_build(const struct pb_packet *p, uint8_t *buf, size_t cap,
		struct pb_layout *layout)
{
	struct pb_layout lay = { 0 };
	size_t off = 12, len;

	if (p->vlans < 0 || p->vlans > PB_MAX_VLAN)
		die("pb_build", "bad VLAN count");
	if (cap < 14 + 4 * (size_t)p->vlans)
		die("pb_build", "buffer too small");
	memcpy(buf, p->dst_mac, 6);
	memcpy(buf + 6, p->src_mac, 6);
	for (int i = 0; i < p->vlans; i++, off += 4) {
		put16(buf + off, p->vlan_tpid[i]);
		put16(buf + off + 2, p->vlan_tci[i]);
	}
	put16(buf + off, p->family == 4 ? PB_ETH_IP :
			 p->family == 6 ? PB_ETH_IPV6 : p->ethertype);
	off += 2;
	lay.l3_off = off;

	if (p->family == 4 || p->family == 6) {
		len = off + pb_build_ip(p, buf + off, cap - off, &lay);
		if (lay.l4_off)
			lay.l4_off += off;
	} else {
		if (off + p->payload_len > cap)
			die("pb_build", "buffer too small");
		memcpy(buf + off, p->payload, p->payload_len);
		len = off + p->payload_len;
	}
	if (p->cut_at != PB_AUTO && (size_t)p->cut_at < len)
		len = (size_t)p->cut_at;
	lay.frame_len = len;
	if (layout)
		*layout = lay;
	return len;
}
