// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lab-send: send crafted frames out of one interface of the lab (an
 * AF_PACKET raw socket on a veth whose peer the sensor watches) and keep
 * an exact account of what was sent, for tests to compare with the
 * sensor's CSV.
 *
 *   lab-send (--ifname IF | --pcap FILE) (--count N | --seconds S)
 *            [--rate PPS] [--seed N] [--mix e2e|demo|tags|tags-reload]
 *            [--account FILE]
 *
 * With --pcap the frames go into a pcap file instead of onto a wire, with
 * time stamps 1 ms apart from 0, so the same arguments give the same file
 * (for replaying a mix through the classifier without a lab).
 *
 * Every frame comes with what a correct sensor must make of it, written
 * down by the mix that built it (not computed by the parser under test).
 * The account is appended to FILE as CSV records, so a test can send in
 * phases and sum them:
 *
 *   totals,PACKETS,BYTES,MALFORMED,NON_IP,MIRAI,FRAGMENTS,BACKSCATTER,QUOTE_MISMATCH,TAGGED
 *   port,PROTO,PORT,PACKETS,BYTES,MIRAI
 *   source,SRC_IP,PACKETS,BYTES
 *   flow,SRC_IP,PROTO,PORT,PACKETS,BYTES,MIRAI
 *   backscatter,SRC_IP,PROTO,SRC_PORT,KIND,PACKETS
 *   tag,TAG,PROTO,PORT,SRC_IP,PACKETS
 *
 * PROTO is tcp|udp|icmp|icmpv6|<number> and KIND a CSV kind name, as in
 * the sensor's CSV. A packet with k tags adds to k tag records; TAGGED
 * counts packets with at least one. Only frames the kernel accepted for sending are
 * counted; frames the wire drops after that show in the interface's
 * tx_dropped, which the tests check separately.
 *
 * Destinations are only in 198.51.100.0/24, 203.0.113.0/24 and
 * 2001:db8::/32.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/options.h"
#include "pktbuild.h"

/* ---- what the sensor must make of a frame ---- */

enum verdict { V_IP, V_MALFORMED, V_NON_IP };

struct expect {
	enum verdict verdict;
	int proto, port;          /* flow key (proto number, port or type) */
	int mirai, fragment, quote_mismatch;
	const char *bs_kind;      /* CSV kind, NULL if not backscatter */
	int bs_port;
	const char *tags;         /* tag names, space-separated; NULL: none */
};

struct frame {
	struct pb_packet p;
	struct pb_packet inner;   /* ICMP quote */
	struct expect e;
};

/* ---- a small string-keyed counter table for the account ---- */

struct entry {
	char key[96];
	uint64_t packets, bytes, mirai;
};

struct table {
	struct entry *slots;
	size_t cap, used;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static struct entry *table_get(struct table *t, const char *key);

static void table_grow(struct table *t)
{
	struct table bigger = { calloc(t->cap ? t->cap * 2 : 1024, sizeof(struct entry)),
				t->cap ? t->cap * 2 : 1024, 0 };

	if (!bigger.slots) {
		perror("lab-send: calloc");
		exit(1);
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (t->slots[i].key[0]) {
			struct entry *e = table_get(&bigger, t->slots[i].key);

			*e = t->slots[i];
		}
	}
	free(t->slots);
	*t = bigger;
}

static struct entry *table_get(struct table *t, const char *key)
{
	size_t i;

	if ((t->used + 1) * 10 > t->cap * 7)
		table_grow(t);
	for (i = hash_str(key) & (t->cap - 1); t->slots[i].key[0];
	     i = (i + 1) & (t->cap - 1))
		if (!strcmp(t->slots[i].key, key))
			return &t->slots[i];
	snprintf(t->slots[i].key, sizeof(t->slots[i].key), "%s", key);
	t->used++;
	return &t->slots[i];
}

struct account {
	uint64_t packets, bytes, malformed, non_ip, mirai, fragments,
		 backscatter, quote_mismatch, tagged;
	struct table rows; /* keys are the record prefixes */
};

static const char *proto_name(int proto, char *buf, size_t len)
{
	switch (proto) {
	case PB_TCP: return "tcp";
	case PB_UDP: return "udp";
	case PB_ICMP: return "icmp";
	case PB_ICMPV6: return "icmpv6";
	}
	snprintf(buf, len, "%d", proto);
	return buf;
}

static void account_add(struct account *a, const struct frame *f, size_t ip_len)
{
	const struct expect *e = &f->e;
	char key[96], src[INET6_ADDRSTRLEN], pbuf[8];
	const char *proto;
	struct entry *r;

	if (e->verdict == V_NON_IP) {
		a->non_ip++;
		return;
	}
	if (e->verdict == V_MALFORMED) {
		a->malformed++;
		return;
	}
	a->packets++;
	a->bytes += ip_len;
	a->mirai += (uint64_t)e->mirai;
	a->fragments += (uint64_t)e->fragment;
	a->quote_mismatch += (uint64_t)e->quote_mismatch;
	inet_ntop(f->p.family == 6 ? AF_INET6 : AF_INET, f->p.src, src, sizeof(src));
	proto = proto_name(e->proto, pbuf, sizeof(pbuf));

	snprintf(key, sizeof(key), "port,%s,%d", proto, e->port);
	r = table_get(&a->rows, key);
	r->packets++;
	r->bytes += ip_len;
	r->mirai += (uint64_t)e->mirai;

	snprintf(key, sizeof(key), "source,%s", src);
	r = table_get(&a->rows, key);
	r->packets++;
	r->bytes += ip_len;

	snprintf(key, sizeof(key), "flow,%s,%s,%d", src, proto, e->port);
	r = table_get(&a->rows, key);
	r->packets++;
	r->bytes += ip_len;
	r->mirai += (uint64_t)e->mirai;

	if (e->bs_kind) {
		a->backscatter++;
		snprintf(key, sizeof(key), "backscatter,%s,%s,%d,%s", src, proto,
			 e->bs_port, e->bs_kind);
		table_get(&a->rows, key)->packets++;
	}

	if (e->tags && e->tags[0]) {
		char names[256], *name, *save = NULL;

		a->tagged++;
		snprintf(names, sizeof(names), "%s", e->tags);
		for (name = strtok_r(names, " ", &save); name;
		     name = strtok_r(NULL, " ", &save)) {
			snprintf(key, sizeof(key), "tag,%s,%s,%d,%s", name, proto,
				 e->port, src);
			table_get(&a->rows, key)->packets++;
		}
	}
}

static int account_write(const struct account *a, const char *path,
			 const char *mix, uint64_t seed)
{
	FILE *out = fopen(path, "a");

	if (!out) {
		fprintf(stderr, "lab-send: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(out, "# lab-send mix=%s seed=%llu\n", mix, (unsigned long long)seed);
	fprintf(out, "totals,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
		(unsigned long long)a->packets, (unsigned long long)a->bytes,
		(unsigned long long)a->malformed, (unsigned long long)a->non_ip,
		(unsigned long long)a->mirai, (unsigned long long)a->fragments,
		(unsigned long long)a->backscatter,
		(unsigned long long)a->quote_mismatch,
		(unsigned long long)a->tagged);
	for (size_t i = 0; i < a->rows.cap; i++) {
		const struct entry *r = &a->rows.slots[i];

		if (!r->key[0])
			continue;
		if (!strncmp(r->key, "port,", 5) || !strncmp(r->key, "flow,", 5))
			fprintf(out, "%s,%llu,%llu,%llu\n", r->key,
				(unsigned long long)r->packets,
				(unsigned long long)r->bytes,
				(unsigned long long)r->mirai);
		else if (!strncmp(r->key, "source,", 7))
			fprintf(out, "%s,%llu,%llu\n", r->key,
				(unsigned long long)r->packets,
				(unsigned long long)r->bytes);
		else
			fprintf(out, "%s,%llu\n", r->key,
				(unsigned long long)r->packets);
	}
	if (fclose(out)) {
		fprintf(stderr, "lab-send: writing %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- deterministic randomness ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* ---- frame recipes shared by the mixes ---- */

static void tcp(struct frame *f, const char *src, const char *dst, int dport,
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

static void syn(struct frame *f, const char *src, const char *dst, int dport)
{
	tcp(f, src, dst, dport, PB_SYN);
}

static void mirai(struct frame *f, const char *src, const char *dst, int dport)
{
	syn(f, src, dst, dport);
	f->p.seq = pb_dst_as_seq(&f->p);
	f->e.mirai = 1;
}

static void udp(struct frame *f, const char *src, const char *dst, int dport,
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
static void icmp(struct frame *f, const char *src, const char *dst, int type)
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
static void tcp_backscatter(struct frame *f, const char *victim, const char *us,
			    int victim_port, uint8_t flags, const char *kind)
{
	int our_port = 1024 + (int)rnd_below(60000);

	tcp(f, victim, us, our_port, flags);
	f->p.sport = (uint16_t)victim_port;
	f->e.bs_kind = kind;
	f->e.bs_port = victim_port;
}

/* An ICMP error from a victim, quoting a packet from quoted_src to the
 * victim's port (TCP or UDP). */
static void icmp_error(struct frame *f, const char *victim, const char *us,
		       int type, const char *kind, const char *quoted_src,
		       uint8_t inner_proto, int victim_port)
{
	icmp(f, victim, us, type);
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

/* ---- the e2e mix: every case, deterministic, cycling ---- */

/* Sources: JP, NL, US, DE test networks and two outside them (ZZ). */
static const char *const e2e_src4[] = { "198.51.100.10", "198.51.100.200",
					"203.0.113.30", "10.20.30.40" };
static const char *const e2e_src6[] = { "2001:db8:5::1", "fd00::99" };

#define E2E_CASES 48

static void mix_e2e(uint64_t i, struct frame *f)
{
	static const int ports[] = { 23, 445, 22, 80, 8080 };
	const char *s4 = e2e_src4[(i / E2E_CASES) % 4];
	const char *s6 = e2e_src6[(i / E2E_CASES) % 2];
	const char *d4 = (i / E2E_CASES) % 2 ? "198.51.100.77" : "203.0.113.1";
	const char *d6 = "2001:db8::1";
	int c = (int)(i % E2E_CASES);

	switch (c) {
	case 0: case 1: case 2: case 3: case 4:
		syn(f, s4, d4, ports[c]);
		break;
	case 5: mirai(f, s4, d4, 23); break;
	case 6: mirai(f, s4, d4, 37215); break;
	case 7: /* near miss: seq = dst + 1 */
		syn(f, s4, d4, 23);
		f->p.seq = pb_dst_as_seq(&f->p) + 1;
		break;
	case 8: /* near miss: ECN-setup SYN with seq = dst */
		mirai(f, s4, d4, 2323);
		f->p.flags = PB_SYN | PB_ECE | PB_CWR;
		f->e.mirai = 0;
		break;
	case 9: udp(f, s4, d4, 5060, "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"); break;
	case 10: udp(f, s4, d4, 53, "\x12\x34\x01\x00\x00\x01"); break;
	case 11: icmp(f, s4, d4, 8); break;
	case 12: tcp_backscatter(f, "203.0.113.50", d4, 443, PB_SYN | PB_ACK, "synack"); break;
	case 13: tcp_backscatter(f, "203.0.113.50", d4, 80, PB_RST, "rst"); break;
	case 14: tcp_backscatter(f, "198.51.100.60", d4, 443, PB_RST | PB_ACK, "rstack"); break;
	case 15: icmp(f, "203.0.113.51", d4, 0); f->e.bs_kind = "icmp_echo_reply"; break;
	case 16: icmp_error(f, "203.0.113.52", d4, 3, "icmp_unreach", d4, PB_TCP, 443); break;
	case 17: icmp_error(f, "203.0.113.52", d4, 4, "icmp_quench", d4, PB_TCP, 443); break;
	case 18: icmp_error(f, "10.9.9.9", d4, 5, "icmp_redirect", d4, PB_UDP, 53); break;
	case 19: icmp_error(f, "203.0.113.53", d4, 11, "icmp_time_exceeded", d4, PB_UDP, 123); break;
	case 20: icmp_error(f, "203.0.113.53", d4, 12, "icmp_param", d4, PB_TCP, 80); break;
	case 21: icmp(f, "198.51.100.61", d4, 14); f->e.bs_kind = "icmp_reply"; break;
	case 22: icmp(f, "198.51.100.61", d4, 16); f->e.bs_kind = "icmp_reply"; break;
	case 23: icmp(f, "198.51.100.61", d4, 18); f->e.bs_kind = "icmp_reply"; break;
	case 24: /* quoting someone else: a mismatch */
		icmp_error(f, "203.0.113.52", d4, 3, "icmp_unreach", "198.51.100.254",
			   PB_TCP, 443);
		break;
	case 25: syn(f, s6, d6, 22); break;
	case 26: udp(f, s6, d6, 53, "\x12\x34\x01\x00\x00\x01"); break;
	case 27: icmp(f, s6, d6, 128); break;
	case 28: tcp_backscatter(f, "2001:db8:bad::1", d6, 443, PB_SYN | PB_ACK, "synack"); break;
	case 29: icmp_error(f, "2001:db8:bad::2", d6, 1, "icmp6_unreach", d6, PB_TCP, 443); break;
	case 30: icmp_error(f, "2001:db8:bad::2", d6, 2, "icmp6_too_big", d6, PB_TCP, 443); break;
	case 31: icmp_error(f, "fd00::bad", d6, 3, "icmp6_time_exceeded", d6, PB_UDP, 53); break;
	case 32: icmp_error(f, "2001:db8:bad::2", d6, 4, "icmp6_param", "2001:db8::2", PB_UDP, 53); break;
	case 33: icmp(f, "2001:db8:bad::3", d6, 129); f->e.bs_kind = "icmp6_echo_reply"; break;
	case 34: /* one 802.1Q tag */
		syn(f, s4, d4, 3389);
		f->p.vlans = 1;
		f->p.vlan_tci[0] = 42;
		break;
	case 35: /* QinQ, IPv6 inside */
		syn(f, s6, d6, 3389);
		f->p.vlans = 2;
		f->p.vlan_tpid[0] = PB_TPID_8021AD;
		break;
	case 36: /* three tags: more than a sensor follows */
		syn(f, s4, d4, 3389);
		f->p.vlans = 3;
		f->e.verdict = V_NON_IP;
		break;
	case 37: /* first fragment: parsed */
		udp(f, s4, d4, 500, "0123456789abcdef0123456789abcdef");
		f->p.mf = 1;
		break;
	case 38: /* a later fragment: port 0 */
		udp(f, s4, d4, 500, "0123456789abcdef");
		f->p.frag_off = 5;
		f->e.port = 0;
		f->e.fragment = 1;
		break;
	case 39: /* IPv6 later fragment */
		udp(f, s6, d6, 500, "0123456789abcdef");
		f->p.exts = 1;
		f->p.ext[0].type = PB_EXT_FRAGMENT;
		f->p.ext[0].frag_off = 9;
		f->p.ext[0].frag_id = (uint32_t)i;
		f->e.port = 0;
		f->e.fragment = 1;
		break;
	case 40: /* IPv4 options, IPv6 extension header */
		syn(f, s4, d4, 1433);
		f->p.ip_opts_len = 4;
		memset(f->p.ip_opts, 1, 4);
		break;
	case 41:
		syn(f, s6, d6, 1433);
		f->p.exts = 1;
		f->p.ext[0].type = PB_EXT_HOPOPTS;
		break;
	case 42: /* malformed: IHL below 5 */
		syn(f, s4, d4, 23);
		f->p.ihl = 3;
		f->e.verdict = V_MALFORMED;
		break;
	case 43: /* malformed: IP length beyond the frame */
		syn(f, s4, d4, 23);
		f->p.cut_at = 14 + 30;
		f->e.verdict = V_MALFORMED;
		break;
	case 44: /* malformed: TCP data offset below 5 */
		syn(f, s6, d6, 23);
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
		syn(f, s4, d4, 5555);
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

static void mix_demo(uint64_t i, struct frame *f)
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
			tcp_backscatter(f, victim, dst, r < 20 ? 443 : 80,
					PB_SYN | PB_ACK, "synack");
		else if (r < 35)
			tcp_backscatter(f, victim, dst, 443, PB_RST | PB_ACK, "rstack");
		else
			icmp_error(f, victim, dst, 3, "icmp_unreach", dst, PB_TCP, 443);
	} else if (r < 140) {
		static const int udp_ports[] = { 5060, 1900, 53, 123 };
		int port = udp_ports[rnd_below(4)];

		udp(f, src, dst, port, port == 5060 ?
		    "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nUser-Agent: friendly-scanner\r\n" :
		    port == 1900 ? "M-SEARCH * HTTP/1.1\r\n" : "\x12\x34\x01\x00\x00\x01");
	} else if (r < 190) {
		icmp(f, src, dst, v6 ? 128 : 8);
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
			mirai(f, src, dst, tcp_ports[k].port);
		else
			syn(f, src, dst, tcp_ports[k].port);
	}
}

/* ---- the tags mix: one source per case, each with the tags it must get ---- */

/*
 * Every case has a source of its own that sends only that case (one
 * protocol and port, the same tags on every packet), so a test can check
 * tags.csv interval by interval against sources.csv. The tags are written
 * here from the rules (docs: ../shared/fingerprints.md), the payload rules
 * of rules/default.rules plus the e2e_tags.sh additions, and the two lists
 * e2e_tags.sh writes:
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

/* `tags-reload`: the rules file has gained `new_hello udp 5000 0 "HELLO"`. */
static int tags_reloaded;

static const uint8_t zmap41_opts[12] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
					 0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };

/* A SYN no fingerprint matches: Linux's window, DF set. */
static void tag_syn(struct frame *f, const char *src, const char *dst, int dport,
		    const char *tags)
{
	syn(f, src, dst, dport);
	f->p.window = 29200;
	f->p.df = 1;
	f->e.tags = tags;
}

static void tag_udp(struct frame *f, const char *src, const char *dst, int dport,
		    const void *payload, size_t len, const char *tags)
{
	udp(f, src, dst, dport, "");
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

static void mix_tags(uint64_t i, struct frame *f)
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
		tcp_backscatter(f, "203.0.113.128", d4, 23, PB_SYN | PB_ACK, "synack");
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

/* ---- sending ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_socket(const char *ifname, struct sockaddr_ll *to)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: send only */
	unsigned int ifindex = if_nametoindex(ifname);

	if (!ifindex) {
		fprintf(stderr, "lab-send: no interface %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	if (fd < 0) {
		fprintf(stderr, "lab-send: socket: %s\n", strerror(errno));
		return -1;
	}
	memset(to, 0, sizeof(*to));
	to->sll_family = AF_PACKET;
	to->sll_ifindex = (int)ifindex;
	to->sll_halen = 6;
	return fd;
}

/* The pcap file format: a global header, then a record header per frame. */
static FILE *open_pcap(const char *path)
{
	const uint32_t head[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, 65535, 1 };
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(head, sizeof(head), 1, f) != 1) {
		fprintf(stderr, "lab-send: cannot write %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	return f;
}

static int pcap_frame(FILE *f, uint64_t n, const uint8_t *frame, size_t len)
{
	const uint32_t rec[4] = { (uint32_t)(n / 1000), (uint32_t)(n % 1000 * 1000),
				  (uint32_t)len, (uint32_t)len };

	if (fwrite(rec, sizeof(rec), 1, f) != 1 || fwrite(frame, len, 1, f) != 1) {
		fprintf(stderr, "lab-send: writing the pcap file: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Send one frame; retry while the queue is full. 0 when sent. */
static int send_frame(int fd, struct sockaddr_ll *to, const uint8_t *frame, size_t len)
{
	for (;;) {
		ssize_t n = sendto(fd, frame, len, 0, (struct sockaddr *)to, sizeof(*to));

		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) && !stop) {
			usleep(200);
			continue;
		}
		fprintf(stderr, "lab-send: send: %s\n", n < 0 ? strerror(errno) : "short write");
		return -1;
	}
}

enum mix { MIX_E2E, MIX_DEMO, MIX_TAGS, MIX_TAGS_RELOAD };
static const char *const mixes[] = {
	[MIX_E2E] = "e2e", [MIX_DEMO] = "demo", [MIX_TAGS] = "tags",
	[MIX_TAGS_RELOAD] = "tags-reload", NULL,
};

struct send_opts {
	const char *ifname, *pcap, *account_path;
	uint64_t count, seed;
	double seconds, rate;
	int mix;
};

#define O struct send_opts
static const struct opt send_table[] = {
	OPT_STRING(O, ifname, "ifname", 0, "IF", "send on this interface"),
	OPT_STRING(O, pcap, "pcap", 0, "FILE", "or write the frames to this pcap file"),
	OPT_UINT(O, count, "count", 0, "N", 1, UINT64_MAX, "frames to send"),
	OPT_DOUBLE(O, seconds, "seconds", 0, "S", 0, 1e6, "or send for this long",
		   .above = true),
	OPT_DOUBLE(O, rate, "rate", 0, "PPS", 0, 1e9,
		   "frames a second (default 0: as fast as possible)"),
	OPT_UINT(O, seed, "seed", 0, "N", 0, UINT64_MAX, "random seed (default 1)"),
	OPT_WORD(O, mix, "mix", 0, "MIX", mixes, "e2e (default), demo, tags or tags-reload"),
	OPT_STRING(O, account_path, "account", 0, "FILE",
		   "append the account of what was sent to FILE"),
	OPT_END,
};
#undef O

static const struct opt_cmd send_cmd = {
	.prog = "lab-send", .usage = "(--ifname IF | --pcap FILE) (--count N | --seconds S)",
	.about = "Send crafted frames of a mix and keep an exact account of them.",
	.opts = send_table,
};

int main(int argc, char **argv)
{
	struct send_opts o = { .seed = 1, .mix = MIX_E2E };
	FILE *pcap_out = NULL;
	double start;
	uint64_t sent = 0;
	void (*make)(uint64_t, struct frame *);
	struct account acct = { 0 };
	struct sockaddr_ll to;
	int fd = -1, rc;

	rc = opt_parse(&send_cmd, argc, argv, &o, NULL);
	if (rc != OPT_GO)
		return rc;
	if (!o.ifname == !o.pcap)
		return opt_error(&send_cmd, "give one of --ifname and --pcap");
	if (!o.count && !o.seconds)
		return opt_error(&send_cmd, "give --count or --seconds");
	make = o.mix == MIX_E2E ? mix_e2e : o.mix == MIX_DEMO ? mix_demo : mix_tags;
	tags_reloaded = o.mix == MIX_TAGS_RELOAD;
	rc = 0;
	rng_state = o.seed * 0x9E3779B97F4A7C15ULL + 1;
	if (o.pcap) {
		pcap_out = open_pcap(o.pcap);
		if (!pcap_out)
			return 1;
	} else {
		fd = open_socket(o.ifname, &to);
		if (fd < 0)
			return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	start = now();
	while (!stop && (!o.count || sent < o.count) &&
	       (!o.seconds || now() - start < o.seconds)) {
		static struct frame f;
		uint8_t frame[PB_MAX_FRAME];
		struct pb_layout lay;
		size_t len;

		if (o.rate > 0) {
			double due = start + (double)sent / o.rate, wait = due - now();

			if (wait > 0) {
				usleep((useconds_t)(wait * 1e6));
				continue; /* re-check the stop conditions */
			}
		}
		make(sent, &f);
		len = pb_build(&f.p, frame, sizeof(frame), &lay);
		if (pcap_out ? pcap_frame(pcap_out, sent, frame, len)
			     : send_frame(fd, &to, frame, len)) {
			rc = 1;
			break;
		}
		account_add(&acct, &f, lay.ip_len);
		sent++;
	}
	if (pcap_out && fclose(pcap_out)) {
		fprintf(stderr, "lab-send: writing %s: %s\n", o.pcap, strerror(errno));
		rc = 1;
	}
	if (fd >= 0)
		close(fd);
	printf("lab-send: %s %llu frames %s %s (mix %s) in %.2f s\n",
	       o.pcap ? "wrote" : "sent", (unsigned long long)sent, o.pcap ? "to" : "on",
	       o.pcap ? o.pcap : o.ifname, mixes[o.mix], now() - start);
	if (o.account_path && account_write(&acct, o.account_path, mixes[o.mix], o.seed))
		rc = 1;
	free(acct.rows.slots);
	return rc;
}
