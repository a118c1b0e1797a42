// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The XDP classifier in the kernel: load the real skeleton, run pktbuild
 * frames through BPF_PROG_TEST_RUN and read back the maps of the
 * generation it wrote. Every count is asserted exactly. Needs root (or
 * CAP_BPF + CAP_NET_ADMIN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.h"
#include "telescope.skel.h"
#include "pktbuild.h"
#include "bpftest.h"
#include "kfeature.h"

#define US4 "198.51.100.1"
#define US6 "2001:db8::1"

struct fixture {
	struct telescope_bpf *skel;
	int gen; /* generation the assertions read */
};

static struct fixture *load(const struct bpftest_opts *o)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->skel = bpftest_load(o);
	return f;
}

static int setup_drop(void **state)
{
	static const struct bpftest_opts o = { 0 };

	*state = load(&o);
	return 0;
}

static int setup_pass(void **state)
{
	static const struct bpftest_opts o = { .pass = 1 };

	*state = load(&o);
	return 0;
}

/* Room for 4 flows and 2 backscatter keys: easy to overflow. */
static int setup_small(void **state)
{
	static const struct bpftest_opts o = { .sizes = { .max_sources = 4, .max_backscatter = 2 } };

	*state = load(&o);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	telescope_bpf__destroy(f->skel);
	free(f);
	return 0;
}

/* Run one frame `repeat` times; returns the XDP verdict. */
static __u32 run_frame(struct fixture *f, const uint8_t *frame, size_t len,
		       __u32 repeat)
{
	return bpftest_run(f->skel, frame, len, repeat);
}

/* Build p, run it `repeat` times expecting XDP_DROP; returns its IP length. */
static size_t send_n(struct fixture *f, const struct pb_packet *p, __u32 repeat)
{
	uint8_t frame[PB_MAX_FRAME];
	struct pb_layout lay;
	size_t len = pb_build(p, frame, sizeof(frame), &lay);

	assert_int_equal(run_frame(f, frame, len, repeat), XDP_DROP);
	return lay.ip_len;
}

static size_t send1(struct fixture *f, const struct pb_packet *p)
{
	return send_n(f, p, 1);
}

static struct bpf_map *gen_map(struct fixture *f, const char *base)
{
	char name[32];
	struct bpf_map *m;

	snprintf(name, sizeof(name), "%s_%d", base, f->gen);
	m = bpf_object__find_map_by_name(f->skel->obj, name);
	assert_non_null(m);
	return m;
}

static struct ts_totals totals(struct fixture *f)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t stride = (sizeof(struct ts_totals) + 7) & ~(size_t)7;
	uint8_t *buf = calloc((size_t)ncpu, stride);
	struct ts_totals sum = { 0 };
	__u32 zero = 0;

	assert_true(ncpu > 0);
	assert_non_null(buf);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(gen_map(f, "totals")),
					     &zero, buf), 0);
	for (int c = 0; c < ncpu; c++) {
		const __u64 *v = (const __u64 *)(buf + (size_t)c * stride);
		__u64 *s = (__u64 *)&sum;

		for (size_t i = 0; i < sizeof(sum) / sizeof(__u64); i++)
			s[i] += v[i];
	}
	free(buf);
	return sum;
}

/* Both families' flow entries of the current generation. */
static size_t flow_entries(struct fixture *f)
{
	return bpftest_flow_entries(f->skel, f->gen);
}

static size_t map_entries(struct fixture *f, const char *base)
{
	int fd = bpf_map__fd(gen_map(f, base));
	uint8_t key[64], next[64];
	size_t n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

static void addr_bytes(uint8_t out[16], __u8 *family, const char *text)
{
	memset(out, 0, 16);
	if (strchr(text, ':')) {
		assert_int_equal(inet_pton(AF_INET6, text, out), 1);
		*family = TS_FAMILY_IPV6;
	} else {
		assert_int_equal(inet_pton(AF_INET, text, out), 1);
		*family = TS_FAMILY_IPV4;
	}
}

/* The flow (src, proto, port) holds exactly these counts. */
static void expect_flow(struct fixture *f, const char *src, __u8 proto,
			__u16 port, __u64 packets, __u64 bytes, __u64 mirai)
{
	struct ts_flow_key k = { .proto = proto, .port = port };
	struct ts_counts c;

	addr_bytes(k.addr, &k.family, src);
	assert_int_equal(bpftest_flow(f->skel, f->gen, &k, &c), 0);
	assert_int_equal(c.packets, packets);
	assert_int_equal(c.bytes, bytes);
	assert_int_equal(c.mirai, mirai);
}

static void expect_ovport(struct fixture *f, __u8 proto, __u16 port,
			  __u64 packets, __u64 bytes)
{
	struct ts_port_key k = { .proto = proto, .port = port };
	struct ts_counts c;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(gen_map(f, "ovports")),
					     &k, &c), 0);
	assert_int_equal(c.packets, packets);
	assert_int_equal(c.bytes, bytes);
}

static void expect_bscat(struct fixture *f, const char *src, __u8 proto,
			 __u16 src_port, __u8 kind, __u64 packets)
{
	struct ts_bs_key k = { .proto = proto, .src_port = src_port, .kind = kind };
	__u64 n;

	addr_bytes(k.addr, &k.family, src);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(gen_map(f, "bscat")),
					     &k, &n), 0);
	assert_int_equal(n, packets);
}

/* Expected totals; fields not named are zero. */
static void expect_totals(struct fixture *f, const struct ts_totals *want)
{
	struct ts_totals got = totals(f);

	assert_int_equal(got.packets, want->packets);
	assert_int_equal(got.bytes, want->bytes);
	assert_int_equal(got.malformed, want->malformed);
	assert_int_equal(got.non_ip, want->non_ip);
	assert_int_equal(got.overflow, want->overflow);
	assert_int_equal(got.fragments, want->fragments);
	assert_int_equal(got.mirai, want->mirai);
	assert_int_equal(got.backscatter, want->backscatter);
	assert_int_equal(got.bs_overflow, want->bs_overflow);
	assert_int_equal(got.quote_mismatch, want->quote_mismatch);
}

static void packet(struct pb_packet *p, const char *src, const char *dst)
{
	pb_init(p);
	pb_addrs(p, src, dst);
}

/* ---- tests ---- */

static void protocol_classes(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;
	__u64 bytes = 0;

	packet(&p, "203.0.113.7", US4);
	p.dport = 23;
	bytes += 3 * send_n(f, &p, 3);
	p.dport = 445;
	bytes += send1(f, &p);

	packet(&p, "198.51.100.200", US4);
	p.proto = PB_UDP;
	p.dport = 5060;
	pb_payload(&p, "OPTIONS sip:100@x SIP/2.0\r\n", 27);
	bytes += 2 * send_n(f, &p, 2);

	packet(&p, "203.0.113.8", US4);
	p.proto = PB_ICMP;
	p.icmp_type = 8;
	bytes += send1(f, &p);

	packet(&p, "203.0.113.9", US4);
	p.proto = PB_GRE;
	pb_payload(&p, "\0\0\x08\0", 4);
	bytes += send1(f, &p);

	packet(&p, "2001:db8::7", US6);
	p.dport = 80;
	bytes += send1(f, &p);
	p.proto = PB_UDP;
	p.dport = 53;
	bytes += send1(f, &p);
	p.proto = PB_ICMPV6;
	p.icmp_type = 128;
	bytes += send1(f, &p);

	expect_totals(f, &(struct ts_totals){ .packets = 11, .bytes = bytes });
	expect_flow(f, "203.0.113.7", PB_TCP, 23, 3, 120, 0);
	expect_flow(f, "203.0.113.7", PB_TCP, 445, 1, 40, 0);
	expect_flow(f, "198.51.100.200", PB_UDP, 5060, 2, 2 * 55, 0);
	expect_flow(f, "203.0.113.8", PB_ICMP, 8, 1, 28, 0);
	expect_flow(f, "203.0.113.9", PB_GRE, 0, 1, 24, 0);
	expect_flow(f, "2001:db8::7", PB_TCP, 80, 1, 60, 0);
	expect_flow(f, "2001:db8::7", PB_UDP, 53, 1, 48, 0);
	expect_flow(f, "2001:db8::7", PB_ICMPV6, 128, 1, 48, 0);
	assert_int_equal(flow_entries(f), 8);
	assert_int_equal(map_entries(f, "bscat"), 0);
	assert_int_equal(map_entries(f, "ovports"), 0);
}

/* One packet of every backscatter kind, from its own victim. */
static void backscatter_kinds(void **state)
{
	static const struct {
		const char *victim;
		__u8 proto;
		__u8 flags;     /* TCP */
		__u8 type;      /* ICMP */
		int quotes;
		__u8 kind;
	} cases[] = {
		{ "203.0.113.10", PB_TCP, PB_SYN | PB_ACK, 0, 0, TS_BS_SYNACK },
		{ "203.0.113.11", PB_TCP, PB_RST, 0, 0, TS_BS_RST },
		{ "203.0.113.12", PB_TCP, PB_RST | PB_ACK, 0, 0, TS_BS_RSTACK },
		{ "203.0.113.13", PB_ICMP, 0, 0, 0, TS_BS_ICMP_ECHO_REPLY },
		{ "203.0.113.14", PB_ICMP, 0, 3, 1, TS_BS_ICMP_UNREACH },
		{ "203.0.113.15", PB_ICMP, 0, 4, 1, TS_BS_ICMP_QUENCH },
		{ "203.0.113.16", PB_ICMP, 0, 5, 1, TS_BS_ICMP_REDIRECT },
		{ "203.0.113.17", PB_ICMP, 0, 11, 1, TS_BS_ICMP_TIME_EXCEEDED },
		{ "203.0.113.18", PB_ICMP, 0, 12, 1, TS_BS_ICMP_PARAM },
		{ "203.0.113.19", PB_ICMP, 0, 14, 0, TS_BS_ICMP_REPLY },
		{ "203.0.113.20", PB_ICMP, 0, 16, 0, TS_BS_ICMP_REPLY },
		{ "203.0.113.21", PB_ICMP, 0, 18, 0, TS_BS_ICMP_REPLY },
		{ "2001:db8:1::1", PB_TCP, PB_SYN | PB_ACK, 0, 0, TS_BS_SYNACK },
		{ "2001:db8:1::2", PB_ICMPV6, 0, 1, 1, TS_BS_ICMP6_UNREACH },
		{ "2001:db8:1::3", PB_ICMPV6, 0, 2, 1, TS_BS_ICMP6_TOO_BIG },
		{ "2001:db8:1::4", PB_ICMPV6, 0, 3, 1, TS_BS_ICMP6_TIME_EXCEEDED },
		{ "2001:db8:1::5", PB_ICMPV6, 0, 4, 1, TS_BS_ICMP6_PARAM },
		{ "2001:db8:1::6", PB_ICMPV6, 0, 129, 0, TS_BS_ICMP6_ECHO_REPLY },
	};
	struct fixture *f = *state;
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	size_t ip_len[sizeof(cases) / sizeof(cases[0])];
	__u64 bytes = 0;

	for (size_t i = 0; i < n; i++) {
		int v6 = strchr(cases[i].victim, ':') != NULL;
		struct pb_packet p, inner;

		packet(&p, cases[i].victim, v6 ? US6 : US4);
		p.proto = cases[i].proto;
		p.flags = cases[i].flags;
		p.sport = 443;
		p.dport = 40000;
		p.icmp_type = cases[i].type;
		if (cases[i].quotes) {
			/* the attack packet, spoofed from us: victim port 443;
			 * the ICMP errors quote someone else every other time */
			packet(&inner, i % 2 ? (v6 ? US6 : US4) :
					      (v6 ? "2001:db8::2" : "198.51.100.2"),
			       cases[i].victim);
			inner.sport = 40000;
			inner.dport = 443;
			p.quote = &inner;
		}
		ip_len[i] = send1(f, &p);
		bytes += ip_len[i];
	}
	/* every quoted case with an even index names another source */
	expect_totals(f, &(struct ts_totals){ .packets = n, .bytes = bytes,
					      .backscatter = n,
					      .quote_mismatch = 5 });
	for (size_t i = 0; i < n; i++) {
		int tcp = cases[i].proto == PB_TCP;

		expect_bscat(f, cases[i].victim, cases[i].proto,
			     tcp || cases[i].quotes ? 443 : 0, cases[i].kind, 1);
		expect_flow(f, cases[i].victim, cases[i].proto,
			    tcp ? 40000 : cases[i].type, 1, ip_len[i], 0);
	}
	assert_int_equal(map_entries(f, "bscat"), n);
}

static void mirai_and_near_misses(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;

	packet(&p, "203.0.113.30", US4);
	p.dport = 23;
	p.seq = pb_dst_as_seq(&p);
	send_n(f, &p, 5);
	p.dport = 37215;
	send1(f, &p);

	p.dport = 23;
	p.seq = pb_dst_as_seq(&p) + 1;   /* off by one */
	send1(f, &p);
	p.seq = pb_dst_as_seq(&p);
	p.flags = PB_SYN | PB_ECE;       /* ECN-setup SYN */
	send1(f, &p);
	p.flags = PB_SYN | PB_ACK;       /* backscatter, not Mirai */
	p.sport = 23;
	send1(f, &p);

	packet(&p, "2001:db8::30", US6); /* IPv6 is never Mirai-type */
	p.dport = 23;
	p.seq = 0x20010db8; /* the first word of its destination */
	send1(f, &p);

	expect_totals(f, &(struct ts_totals){ .packets = 10, .bytes = 9 * 40 + 60,
					      .mirai = 6, .backscatter = 1 });
	expect_flow(f, "203.0.113.30", PB_TCP, 23, 8, 8 * 40, 5);
	expect_flow(f, "203.0.113.30", PB_TCP, 37215, 1, 40, 1);
	expect_flow(f, "2001:db8::30", PB_TCP, 23, 1, 60, 0);
	expect_bscat(f, "203.0.113.30", PB_TCP, 23, TS_BS_SYNACK, 1);
}

static void vlan_fragments_malformed_non_ip(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;
	__u64 bytes = 0;

	packet(&p, "203.0.113.40", US4);
	p.dport = 8080;
	p.vlans = 1;
	bytes += send1(f, &p);
	p.vlans = 2;
	p.vlan_tpid[0] = PB_TPID_8021AD;
	bytes += send1(f, &p);
	p.vlans = 3;                     /* too deep: not IP */
	send_n(f, &p, 2);

	packet(&p, "203.0.113.41", US4);  /* IPv4 fragments */
	p.proto = PB_UDP;
	p.dport = 53;
	p.mf = 1;
	pb_payload(&p, "0123456789abcdef", 16);
	bytes += send1(f, &p);           /* first: port 53 */
	p.frag_off = 3;
	bytes += 2 * send_n(f, &p, 2);   /* others: port 0 */

	packet(&p, "2001:db8::41", US6);  /* IPv6 fragment, non-first */
	p.proto = PB_UDP;
	p.exts = 2;
	p.ext[0].type = PB_EXT_HOPOPTS;
	p.ext[1].type = PB_EXT_FRAGMENT;
	p.ext[1].frag_off = 100;
	pb_payload(&p, "0123456789abcdef", 16);
	bytes += send1(f, &p);

	packet(&p, "203.0.113.42", US4);  /* malformed: 4 kinds */
	p.ihl = 4;
	send1(f, &p);
	p.ihl = PB_AUTO;
	p.tot_len = 41;
	send1(f, &p);
	p.tot_len = PB_AUTO;
	p.tcp_doff = 3;
	send1(f, &p);
	p.tcp_doff = PB_AUTO;
	p.cut_at = 14 + 30;
	send1(f, &p);
	p.cut_at = PB_AUTO;
	p.version = 6;
	send1(f, &p);

	pb_init(&p);                     /* ARP */
	pb_arp(&p, "198.51.100.99", US4);
	send_n(f, &p, 4);

	expect_totals(f, &(struct ts_totals){ .packets = 6, .bytes = bytes,
					      .fragments = 3, .malformed = 5,
					      .non_ip = 6 });
	expect_flow(f, "203.0.113.40", PB_TCP, 8080, 2, 80, 0);
	expect_flow(f, "203.0.113.41", PB_UDP, 53, 1, 44, 0);
	expect_flow(f, "203.0.113.41", PB_UDP, 0, 2, 72, 0);
	expect_flow(f, "2001:db8::41", PB_UDP, 0, 1, 40 + 16 + 16, 0);
	assert_int_equal(flow_entries(f), 4);
}

static void verdict_pass(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;
	uint8_t frame[PB_MAX_FRAME];
	size_t len;

	packet(&p, "203.0.113.50", US4);
	len = pb_build(&p, frame, sizeof(frame), NULL);
	assert_int_equal(run_frame(f, frame, len, 3), XDP_PASS);
	pb_arp(&p, "198.51.100.99", US4);
	len = pb_build(&p, frame, sizeof(frame), NULL);
	assert_int_equal(run_frame(f, frame, len, 1), XDP_PASS);
	packet(&p, "203.0.113.50", US4);
	p.tot_len = 1000;
	len = pb_build(&p, frame, sizeof(frame), NULL);
	assert_int_equal(run_frame(f, frame, len, 1), XDP_PASS);

	/* passing does not change what is counted */
	expect_totals(f, &(struct ts_totals){ .packets = 3, .bytes = 120,
					      .non_ip = 1, .malformed = 1 });
	expect_flow(f, "203.0.113.50", PB_TCP, 80, 3, 120, 0);
}

/*
 * flows holds 4: ten sources send 2 packets each to 23/tcp; the first
 * four fit, the other six overflow into ovports. A source that fits keeps
 * being counted in flows after the map is full. bscat holds 2.
 */
static void overflow_is_counted_exactly(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;
	char src[32];

	for (int i = 0; i < 10; i++) {
		snprintf(src, sizeof(src), "203.0.113.%d", 100 + i);
		packet(&p, src, US4);
		p.dport = 23;
		send_n(f, &p, 2);
	}
	packet(&p, "203.0.113.100", US4); /* already has a flow */
	p.dport = 23;
	p.seq = pb_dst_as_seq(&p);
	send1(f, &p);
	packet(&p, "2001:db8::100", US6);  /* new: overflows, UDP 161 */
	p.proto = PB_UDP;
	p.dport = 161;
	send_n(f, &p, 3);
	for (int i = 0; i < 3; i++) {      /* 3 backscatter keys, room for 2 */
		snprintf(src, sizeof(src), "203.0.113.%d", 100 + i);
		packet(&p, src, US4);
		p.flags = PB_RST | PB_ACK;
		p.sport = 443;
		p.dport = 23;                /* same flow as before: no new flow */
		send1(f, &p);
	}

	expect_totals(f, &(struct ts_totals){
		.packets = 20 + 1 + 3 + 3, .bytes = 24 * 40 + 3 * 48,
		.overflow = 12 + 3, .mirai = 1, .backscatter = 3,
		.bs_overflow = 1 });
	assert_int_equal(flow_entries(f), 4);
	for (int i = 0; i < 4; i++) {
		snprintf(src, sizeof(src), "203.0.113.%d", 100 + i);
		expect_flow(f, src, PB_TCP, 23, i == 0 ? 4 : i < 3 ? 3 : 2,
			    i == 0 ? 160 : i < 3 ? 120 : 80, i == 0);
	}
	assert_int_equal(map_entries(f, "ovports"), 2);
	expect_ovport(f, PB_TCP, 23, 12, 480);
	expect_ovport(f, PB_UDP, 161, 3, 144);
	assert_int_equal(map_entries(f, "bscat"), 2);
	expect_bscat(f, "203.0.113.100", PB_TCP, 443, TS_BS_RSTACK, 1);
	expect_bscat(f, "203.0.113.101", PB_TCP, 443, TS_BS_RSTACK, 1);
}

static void set_generation(struct fixture *f, __u32 gen)
{
	int fd = bpf_map__fd(f->skel->maps.ctl);
	struct ts_ctl ctl;
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &ctl), 0);
	ctl.gen = gen;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY), 0);
}

static void generation_flip(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;

	packet(&p, "203.0.113.60", US4);
	p.dport = 22;
	send_n(f, &p, 2);

	set_generation(f, 1);
	p.dport = 3389;
	send_n(f, &p, 3);
	p.flags = PB_SYN | PB_ACK;
	send1(f, &p);
	pb_arp(&p, "198.51.100.99", US4);
	send1(f, &p);

	f->gen = 0;
	expect_totals(f, &(struct ts_totals){ .packets = 2, .bytes = 80 });
	expect_flow(f, "203.0.113.60", PB_TCP, 22, 2, 80, 0);
	assert_int_equal(flow_entries(f), 1);
	assert_int_equal(map_entries(f, "bscat"), 0);

	f->gen = 1;
	expect_totals(f, &(struct ts_totals){ .packets = 4, .bytes = 160,
					      .backscatter = 1, .non_ip = 1 });
	expect_flow(f, "203.0.113.60", PB_TCP, 3389, 4, 160, 0);
	expect_bscat(f, "203.0.113.60", PB_TCP, 40000, TS_BS_SYNACK, 1);
	assert_int_equal(flow_entries(f), 1);

	/* and back: generation 1 stays as it was */
	set_generation(f, 0);
	packet(&p, "203.0.113.61", US4);
	send1(f, &p);
	expect_totals(f, &(struct ts_totals){ .packets = 4, .bytes = 160,
					      .backscatter = 1, .non_ip = 1 });
	f->gen = 0;
	expect_totals(f, &(struct ts_totals){ .packets = 3, .bytes = 120 });
	expect_flow(f, "203.0.113.61", PB_TCP, 80, 1, 40, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(protocol_classes, setup_drop, teardown),
		cmocka_unit_test_setup_teardown(backscatter_kinds, setup_drop, teardown),
		cmocka_unit_test_setup_teardown(mirai_and_near_misses, setup_drop, teardown),
		cmocka_unit_test_setup_teardown(vlan_fragments_malformed_non_ip, setup_drop, teardown),
		cmocka_unit_test_setup_teardown(verdict_pass, setup_pass, teardown),
		cmocka_unit_test_setup_teardown(overflow_is_counted_exactly, setup_small, teardown),
		cmocka_unit_test_setup_teardown(generation_flip, setup_drop, teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("classifier", tests, NULL, NULL);
}
