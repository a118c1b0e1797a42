// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Random numbers and the frame recipes of lab-send's mixes (labmix.h). */
#include <string.h>
#include "labmix.h"


static uint64_t rng_state;

uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

void lab_seed(uint64_t seed)
{
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
}

/* ---- frame recipes shared by the mixes ---- */

void lab_tcp(struct frame *f, const char *src, const char *dst, int dport,
		uint8_t flags)
{
	pb_init(&f->p);
	pb_addrs(&f->p, src, dst);
	f->p.dport = (uint16_t)dport;
	f->p.sport = (uint16_t)(1024 + rnd_below(60000));
	f->p.seq = (uint32_t)rnd();
	f->p.flags = flags;
	f->p.ip_id = (uint16_t)rnd();
	f->e = (struct expect){ V_IP, PB_TCP, dport, 0, 0, 0, NULL, 0, NULL };
}

void lab_syn(struct frame *f, const char *src, const char *dst, int dport)
{
	lab_tcp(f, src, dst, dport, PB_SYN);
}

void lab_mirai(struct frame *f, const char *src, const char *dst, int dport)
{
	lab_syn(f, src, dst, dport);
	f->p.seq = pb_dst_as_seq(&f->p);
	f->e.mirai = 1;
}

void lab_udp(struct frame *f, const char *src, const char *dst, int dport,
		const char *payload)
{
	pb_init(&f->p);
	pb_addrs(&f->p, src, dst);
	f->p.proto = PB_UDP;
	f->p.sport = (uint16_t)(1024 + rnd_below(60000));
	f->p.dport = (uint16_t)dport;
	pb_payload(&f->p, payload, strlen(payload));
	f->e = (struct expect){ V_IP, PB_UDP, dport, 0, 0, 0, NULL, 0, NULL };
}

/* ICMP or ICMPv6 by the address family, without a quote. */
void lab_icmp(struct frame *f, const char *src, const char *dst, int type)
{
	pb_init(&f->p);
	pb_addrs(&f->p, src, dst);
	f->p.proto = f->p.family == 6 ? PB_ICMPV6 : PB_ICMP;
	f->p.icmp_type = (uint8_t)type;
	f->p.icmp_id = (uint16_t)rnd();
	f->p.icmp_seq = 1;
	f->e = (struct expect){ V_IP, f->p.proto, type, 0, 0, 0, NULL, 0, NULL };
}

/* TCP backscatter from a victim's service port to us. */
void lab_tcp_backscatter(struct frame *f, const char *victim, const char *us,
			    int victim_port, uint8_t flags, const char *kind)
{
	int our_port = 1024 + (int)rnd_below(60000);

	lab_tcp(f, victim, us, our_port, flags);
	f->p.sport = (uint16_t)victim_port;
	f->e.bs_kind = kind;
	f->e.bs_port = victim_port;
}

/* An ICMP error from a victim, quoting a packet from quoted_src to the
 * victim's port (TCP or UDP). */
void lab_icmp_error(struct frame *f, const char *victim, const char *us,
		       int type, const char *kind, const char *quoted_src,
		       uint8_t inner_proto, int victim_port)
{
	lab_icmp(f, victim, us, type);
	f->p.icmp_code = 3;
	pb_init(&f->inner);
	pb_addrs(&f->inner, quoted_src, victim);
	f->inner.proto = inner_proto;
	f->inner.dport = (uint16_t)victim_port;
	f->inner.sport = (uint16_t)(1024 + rnd_below(60000));
	f->p.quote = &f->inner;
	f->e.bs_kind = kind;
	f->e.bs_port = victim_port;
	f->e.quote_mismatch = strcmp(quoted_src, us) != 0;
}
