// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The packets the tag tests start from (tagpkt.h). */
#include "tagpkt.h"

void syn(struct pb_packet *p, const char *src, const char *dst, int dport)
{
	pb_init(p);
	pb_addrs(p, src, dst);
	p->dport = (uint16_t)dport;
	p->seq = 0x11223344;
	p->ip_id = 7;
	p->window = 29200;
	p->df = 1;
}

void udp(struct pb_packet *p, const char *src, const char *dst, int dport,
	 const void *payload, size_t len)
{
	pb_init(p);
	pb_addrs(p, src, dst);
	p->proto = PB_UDP;
	p->sport = 5060;
	p->dport = (uint16_t)dport;
	pb_payload(p, payload, len);
}
