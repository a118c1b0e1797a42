// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Tags in the kernel: the real skeleton under BPF_PROG_TEST_RUN. The
 * built-in fingerprints as the XDP program counts them, the bounded scan
 * for SIP friendly-scanner, payload rules and labelled prefixes written
 * into their maps (by hand, and through tagcfg_apply() as `run` does),
 * and the tagged / tagov maps and totals, every count exact. Needs root
 * (or CAP_BPF + CAP_NET_ADMIN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "fingerprint.h"
#include "telescope.h"
#include "telescope.skel.h"
#include "sensor/tagcfg.h"
#include "pktbuild.h"
#include "bpftest.h"

#define US4 "198.51.100.1"
#define US6 "2001:db8::1"

#define TAG(bit) (1ULL << (bit))
#define MIRAI TAG(TS_TAG_MIRAI)
#define ZMAP TAG(TS_TAG_ZMAP)
#define MASSCAN TAG(TS_TAG_MASSCAN)
#define NMAP TAG(TS_TAG_NMAP_SYN)
#define KNOCK TAG(TS_TAG_SYNFUL_KNOCK)
#define SIP TAG(TS_TAG_SIP_OPTIONS)
#define FRIENDLY TAG(TS_TAG_SIP_FRIENDLY)

struct fixture {
	struct telescope_bpf *skel;
};

static struct fixture *load(__u32 max_tagged, __u32 max_labels,
			    __u32 max_flows)
{
	struct bpftest_opts o = { .sizes = { .max_sources = max_flows,
					     .max_tagged = max_tagged,
					     .max_labels = max_labels } };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->skel = bpftest_load(&o);
	return f;
}

static int setup(void **state)
{
	*state = load(0, 0, 0);
	return 0;
}

/* Room for two tagged keys and two listed prefixes: easy to overflow. */
static int setup_small(void **state)
{
	*state = load(2, 2, 0);
	return 0;
}

/*
 * Two flows and two tagged keys: tagged packets count in their flow
 * entry while there is one, then in the tagged map, then in tagov.
 */
static int setup_tiny(void **state)
{
	*state = load(2, 2, 2);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	telescope_bpf__destroy(f->skel);
	free(f);
	return 0;
}

/* Run one frame `repeat` times through the program (XDP_DROP). */
static void send_frame(struct fixture *f, const uint8_t *frame, size_t len,
		       __u32 repeat)
{
	assert_int_equal(bpftest_run(f->skel, frame, len, repeat), XDP_DROP);
}

static void send_n(struct fixture *f, const struct pb_packet *p, __u32 repeat)
{
	uint8_t frame[PB_MAX_FRAME];

	send_frame(f, frame, pb_build(p, frame, sizeof(frame), NULL), repeat);
}

static void send1(struct fixture *f, const struct pb_packet *p)
{
	send_n(f, p, 1);
}

static struct ts_totals totals(struct fixture *f)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ts_totals *per_cpu = calloc((size_t)ncpu, sizeof(*per_cpu));
	struct ts_totals sum = { 0 };
	__u32 zero = 0;

	assert_non_null(per_cpu);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.totals_0),
					     &zero, per_cpu), 0);
	for (int c = 0; c < ncpu; c++) {
		sum.packets += per_cpu[c].packets;
		sum.tagged += per_cpu[c].tagged;
		sum.tag_overflow += per_cpu[c].tag_overflow;
	}
	free(per_cpu);
	return sum;
}

static void expect_totals(struct fixture *f, __u64 packets, __u64 tagged,
			  __u64 tag_overflow)
{
	struct ts_totals t = totals(f);

	assert_int_equal(t.packets, packets);
	assert_int_equal(t.tagged, tagged);
	assert_int_equal(t.tag_overflow, tag_overflow);
}

static size_t entries(int fd)
{
	uint8_t key[64], next[64];
	void *prev = NULL;
	size_t n = 0;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

/*
 * Tagged (src, proto, port, mask) keys: a flow entry counts the packets of
 * its first mask itself; other masks, and packets without a flow entry,
 * are in the tagged map.
 */
static size_t tagged_entries(struct fixture *f)
{
	int flows = bpf_map__fd(f->skel->maps.flows_0);
	struct ts_flow_key key, next;
	struct ts_counts c;
	void *prev = NULL;
	size_t n = 0;

	while (bpf_map_get_next_key(flows, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(flows, &key, &c) && c.tagged)
			n++;
	}
	return n + entries(bpf_map__fd(f->skel->maps.tagged_0));
}

/* The tagged map holds exactly `packets` for (src, proto, port, tags). */
static void expect_tagged(struct fixture *f, const char *src, __u8 proto,
			  __u16 port, __u64 tags, __u64 packets)
{
	struct ts_tag_key k = { .proto = proto, .port = port, .tags = tags };
	struct ts_flow_key fk = { .proto = proto, .port = port };
	int v6 = strchr(src, ':') != NULL;
	struct ts_counts c;
	__u64 n = 0, in_map = 0;
	int found = 0;

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, src, k.addr), 1);
	k.family = v6 ? TS_FAMILY_IPV6 : TS_FAMILY_IPV4;
	memcpy(fk.addr, k.addr, 16);
	fk.family = k.family;
	if (!bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.flows_0), &fk, &c) &&
	    c.tagged && c.tags == tags) {
		n += c.tagged;
		found = 1;
	}
	if (!bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.tagged_0), &k, &in_map)) {
		n += in_map;
		found = 1;
	}
	if (!found)
		fail_msg("no tagged entry %s proto %u port %u tags %#llx", src,
			 proto, port, (unsigned long long)tags);
	if (n != packets)
		fail_msg("tagged %s port %u tags %#llx: %llu packets, expected %llu",
			 src, port, (unsigned long long)tags,
			 (unsigned long long)n, (unsigned long long)packets);
}

static void expect_tagov(struct fixture *f, __u64 tags, __u8 proto,
			 __u16 port, __u64 packets)
{
	struct ts_tagov_key k = { .tags = tags, .proto = proto, .port = port };
	__u64 n = 0;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.tagov_0),
					     &k, &n), 0);
	assert_int_equal(n, packets);
}

static void set_flags(struct fixture *f, __u32 flags)
{
	int fd = bpf_map__fd(f->skel->maps.ctl);
	struct ts_ctl ctl;
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &ctl), 0);
	ctl.flags = flags;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY), 0);
}

static void syn(struct pb_packet *p, const char *src, const char *dst, int dport)
{
	pb_init(p);
	pb_addrs(p, src, dst);
	p->dport = (uint16_t)dport;
	p->seq = 0x11223344;
	p->ip_id = 7;
	p->window = 29200; /* matches no fingerprint */
	p->df = 1;
}

static void udp(struct pb_packet *p, const char *src, const char *dst, int dport,
		const void *payload, size_t len)
{
	pb_init(p);
	pb_addrs(p, src, dst);
	p->proto = PB_UDP;
	p->sport = 5060;
	p->dport = (uint16_t)dport;
	pb_payload(p, payload, len);
}

/* ---- built-in fingerprints as the program counts them ---- */

static void builtin_tags_counted(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;

	syn(&p, "203.0.113.10", US4, 23); /* Mirai ×3 */
	p.seq = pb_dst_as_seq(&p);
	send_n(f, &p, 3);
	p.dport = 37215;
	send1(f, &p);

	syn(&p, "203.0.113.11", US4, 443); /* ZMap ×2 */
	p.ip_id = 54321;
	p.window = 65535;
	p.df = 0;
	send_n(f, &p, 2);

	syn(&p, "203.0.113.12", US4, 3389); /* Masscan */
	p.window = 1024;
	p.ip_id = (uint16_t)((pb_dst_as_seq(&p) ^ p.seq ^ p.dport) & 0xffff);
	send1(f, &p);

	syn(&p, "203.0.113.13", US4, 22); /* Nmap */
	p.window = 1024;
	p.df = 0;
	memcpy(p.tcp_opts, "\x02\x04\x05\xb4", 4);
	p.tcp_opts_len = 4;
	send1(f, &p);

	syn(&p, "203.0.113.14", US4, 80); /* SYNful Knock, IPv4 and IPv6 */
	p.ack = 0;
	p.seq = 0xC123D;
	send1(f, &p);
	syn(&p, "2001:db8:9::14", US6, 80);
	p.ack = 0x1000;
	p.seq = 0x1000 - 0xC123D;
	send_n(f, &p, 2);

	udp(&p, "198.51.100.15", US4, 5060, "OPTIONS sip:100@x SIP/2.0\r\n", 27);
	send_n(f, &p, 2);

	syn(&p, "203.0.113.16", US4, 23); /* Mirai and ZMap at once */
	p.ip_id = 54321;
	p.window = 65535;
	p.df = 0;
	p.seq = pb_dst_as_seq(&p);
	send1(f, &p);

	/* untagged: plain SYNs, backscatter, near misses */
	syn(&p, "203.0.113.20", US4, 23);
	send_n(f, &p, 4);
	p.seq = pb_dst_as_seq(&p) + 1;
	send1(f, &p);
	p.seq = pb_dst_as_seq(&p);
	p.flags = PB_SYN | PB_ACK;
	send1(f, &p);
	udp(&p, "198.51.100.21", US4, 5061, "OPTIONS sip:100@x SIP/2.0\r\n", 27);
	send1(f, &p);

	expect_tagged(f, "203.0.113.10", PB_TCP, 23, MIRAI, 3);
	expect_tagged(f, "203.0.113.10", PB_TCP, 37215, MIRAI, 1);
	expect_tagged(f, "203.0.113.11", PB_TCP, 443, ZMAP, 2);
	expect_tagged(f, "203.0.113.12", PB_TCP, 3389, MASSCAN, 1);
	expect_tagged(f, "203.0.113.13", PB_TCP, 22, NMAP, 1);
	expect_tagged(f, "203.0.113.14", PB_TCP, 80, KNOCK, 1);
	expect_tagged(f, "2001:db8:9::14", PB_TCP, 80, KNOCK, 2);
	expect_tagged(f, "198.51.100.15", PB_UDP, 5060, SIP, 2);
	expect_tagged(f, "203.0.113.16", PB_TCP, 23, MIRAI | ZMAP, 1);
	/* untagged packets never touch the map */
	assert_int_equal(tagged_entries(f), 9);
	expect_totals(f, 14 + 7, 14, 0);
	assert_int_equal(entries(bpf_map__fd(f->skel->maps.tagov_0)), 0);
}

/* ---- SIP friendly-scanner: the User-Agent in the first 512 bytes ---- */

#define UA "User-Agent: friendly-scanner"

/*
 * A SIP request of `len` payload bytes starting with `method`, with the
 * User-Agent line at byte `ua_at` (-1: none) and filler headers around.
 */
static size_t sip_payload(char *buf, size_t len, const char *method, int ua_at)
{
	static const char filler[] = "X-Filler: abcdefghijklmnopqrstuvwxyz\r\n";

	assert_true(len <= PB_MAX_PAYLOAD);
	for (size_t i = 0; i < len; i++)
		buf[i] = filler[i % (sizeof(filler) - 1)];
	memcpy(buf, method, strlen(method));
	if (ua_at >= 0) {
		size_t n = strlen(UA);

		if ((size_t)ua_at + n > len)
			n = len - (size_t)ua_at; /* cut short by the packet's end */
		memcpy(buf + ua_at, UA, n);
		if (ua_at >= 2) /* a header line starts after a line end */
			memcpy(buf + ua_at - 2, "\r\n", 2);
	}
	return len;
}

static void sip_case(struct fixture *f, const char *src, int dport, size_t len,
		     const char *method, int ua_at)
{
	char payload[PB_MAX_PAYLOAD];
	struct pb_packet p;

	sip_payload(payload, len, method, ua_at);
	udp(&p, src, strchr(src, ':') ? US6 : US4, dport, payload, len);
	send1(f, &p);
}

static void sip_friendly_scanner(void **state)
{
	static const char opt[] = "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n";
	struct fixture *f = *state;
	char payload[PB_MAX_PAYLOAD];
	struct pb_packet p;

	sip_case(f, "203.0.113.30", 5060, 300, opt, 200);
	sip_case(f, "203.0.113.31", 5060, 512, opt, 484); /* ends at byte 512 */
	sip_case(f, "203.0.113.32", 5060, 700, opt, 484); /* same, longer packet */
	sip_case(f, "203.0.113.33", 5060, 700, opt, 485); /* ends at byte 513 */
	sip_case(f, "203.0.113.34", 5060, 700, opt, 490);
	sip_case(f, "203.0.113.35", 5060, 600, opt, -1);
	sip_case(f, "203.0.113.36", 5060, 228, opt, 200); /* ends at the end */
	sip_case(f, "203.0.113.37", 5060, 227, opt, 200); /* one byte cut off */
	/* the first place a line can start */
	sip_case(f, "203.0.113.38", 5060, 60, "OPTIONS sip:x\r\n", 15);
	sip_case(f, "203.0.113.39", 5060, 300, "INVITE sip:100@x SIP/2.0\r\n", 200);
	sip_case(f, "203.0.113.40", 5061, 300, opt, 200);
	sip_case(f, "2001:db8:9::41", 5060, 300, opt, 200);

	/* one byte of the name off */
	sip_payload(payload, 300, opt, 200);
	payload[200 + strlen(UA) - 1] = 'x';
	udp(&p, "203.0.113.42", US4, 5060, payload, 300);
	send1(f, &p);
	/* a false start before the real line */
	sip_payload(payload, 300, opt, 200);
	memcpy(payload + 100, "User-Agent: friendly-", 21);
	udp(&p, "203.0.113.43", US4, 5060, payload, 300);
	send1(f, &p);
	/* the name, but not at the start of a line */
	sip_payload(payload, 300, opt, -1);
	memcpy(payload + 150, "X-Note: User-Agent: friendly-scanner\r\n", 38);
	udp(&p, "203.0.113.47", US4, 5060, payload, 300);
	send1(f, &p);
	/* offsets shifted by a VLAN tag and by IPv4 options */
	sip_payload(payload, 300, opt, 200);
	udp(&p, "203.0.113.44", US4, 5060, payload, 300);
	p.vlans = 1;
	send1(f, &p);
	udp(&p, "203.0.113.45", US4, 5060, payload, 300);
	p.ip_opts_len = 8;
	memset(p.ip_opts, 1, 8); /* NOPs */
	send1(f, &p);
	udp(&p, "203.0.113.46", US4, 5060, payload, 300);
	p.vlans = 2;
	p.ip_opts_len = 4;
	memset(p.ip_opts, 1, 4);
	send1(f, &p);

	expect_tagged(f, "203.0.113.30", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.31", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.32", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.33", PB_UDP, 5060, SIP, 1);
	expect_tagged(f, "203.0.113.34", PB_UDP, 5060, SIP, 1);
	expect_tagged(f, "203.0.113.35", PB_UDP, 5060, SIP, 1);
	expect_tagged(f, "203.0.113.36", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.37", PB_UDP, 5060, SIP, 1);
	expect_tagged(f, "203.0.113.38", PB_UDP, 5060, SIP | FRIENDLY, 1);
	/* .39 (INVITE) and .40 (port 5061) have no tags at all */
	expect_tagged(f, "2001:db8:9::41", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.42", PB_UDP, 5060, SIP, 1);
	expect_tagged(f, "203.0.113.43", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.44", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.45", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.46", PB_UDP, 5060, SIP | FRIENDLY, 1);
	expect_tagged(f, "203.0.113.47", PB_UDP, 5060, SIP, 1);
	assert_int_equal(tagged_entries(f), 16);
	expect_totals(f, 18, 16, 0);
}

/* ---- payload rules written into the map ---- */

struct rule_spec {
	__u16 offset;
	const void *bytes;
	__u8 len;
	__u8 bit;
};

static void put_rules(struct fixture *f, __u8 proto, int any, __u16 port,
		      const struct rule_spec *spec, int n)
{
	struct ts_rule_key k = { .proto = proto, .any = (__u8)any,
				 .port = any ? 0 : port };
	struct ts_rule_set set;

	memset(&set, 0, sizeof(set));
	assert_true(n <= TS_RULES_PER_KEY);
	set.count = (__u32)n;
	for (int i = 0; i < n; i++) {
		set.rule[i].offset = spec[i].offset;
		set.rule[i].len = spec[i].len;
		set.rule[i].bit = spec[i].bit;
		memcpy(set.rule[i].bytes, spec[i].bytes, spec[i].len);
	}
	if (any) {
		/* every-port rules: one set per protocol (0 TCP, 1 UDP) */
		__u32 i = proto == PB_UDP;

		assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.rules_any),
						     &i, &set, BPF_ANY), 0);
		return;
	}
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.rules),
					     &k, &set, BPF_ANY), 0);
	{
		/* and the bit that says this port has rules */
		__u32 w = (proto == PB_UDP) * 1024 + port / 64;
		__u64 bits = 0;
		int fd = bpf_map__fd(f->skel->maps.rule_ports);

		assert_int_equal(bpf_map_lookup_elem(fd, &w, &bits), 0);
		bits |= 1ULL << (port % 64);
		assert_int_equal(bpf_map_update_elem(fd, &w, &bits, BPF_ANY), 0);
	}
}

static const uint8_t probe_0x31[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x31, 0 };
static const uint8_t nbstat[18] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x20, 'C',
				    'K', 'A', 'A', 'A', 'A', 'A' };

/* `pre` bytes of 0xee, then `bytes`, then `post` bytes of 0xee. */
static size_t at_offset(uint8_t *buf, size_t pre, const void *bytes, size_t len,
			size_t post)
{
	memset(buf, 0xee, pre);
	memcpy(buf + pre, bytes, len);
	memset(buf + pre + len, 0xee, post);
	return pre + len + post;
}

static void payload_rules(void **state)
{
	struct fixture *f = *state;
	const struct rule_spec msearch = { 0, "M-SEARCH", 8, 10 };
	const struct rule_spec x31 = { 0, probe_0x31, 10, 11 };
	const struct rule_spec nb = { 2, nbstat, 18, 13 };
	const struct rule_spec get = { 0, "GET /", 5, 12 };
	uint8_t buf[1200];
	struct pb_packet p;
	size_t len;

	put_rules(f, PB_UDP, 0, 1900, &msearch, 1);
	put_rules(f, PB_UDP, 1, 0, &x31, 1);
	put_rules(f, PB_UDP, 0, 137, &nb, 1);
	put_rules(f, PB_TCP, 0, 80, &get, 1);

	/* the rules map holds rules, but the flag is not set: nothing */
	udp(&p, "203.0.113.50", US4, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(f, &p);
	assert_int_equal(tagged_entries(f), 0);
	set_flags(f, TS_CTL_RULES);

	send_n(f, &p, 2);                                  /* hit ×2 */
	udp(&p, "203.0.113.51", US4, 1900, " M-SEARCH * HTTP/1.1\r\n", 22);
	send1(f, &p);                                      /* offset +1 */
	udp(&p, "203.0.113.52", US4, 1901, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(f, &p);                                      /* wrong port */
	udp(&p, "203.0.113.53", US4, 1900, "M-SEARCH", 8);
	send1(f, &p);                                      /* exactly the bytes */
	udp(&p, "203.0.113.54", US4, 1900, "M-SEARC", 7);
	send1(f, &p);                                      /* one byte short */

	/* nbstat at offset 2, then at 1 and 3 */
	len = at_offset(buf, 2, nbstat, sizeof(nbstat), 16);
	udp(&p, "198.51.100.55", US4, 137, buf, len);
	send1(f, &p);
	len = at_offset(buf, 1, nbstat, sizeof(nbstat), 17);
	udp(&p, "198.51.100.56", US4, 137, buf, len);
	send1(f, &p);
	len = at_offset(buf, 3, nbstat, sizeof(nbstat), 15);
	udp(&p, "198.51.100.57", US4, 137, buf, len);
	send1(f, &p);

	/* udp 0x31 on `any` port: 1900 (whose own rule misses), 5353, IPv6 */
	udp(&p, "203.0.113.58", US4, 1900, probe_0x31, 10);
	send1(f, &p);
	p.dport = 5353;
	send1(f, &p);
	udp(&p, "2001:db8:9::58", US6, 40000, probe_0x31, 10);
	send1(f, &p);
	len = at_offset(buf, 1, probe_0x31, 10, 0);        /* offset +1 */
	udp(&p, "203.0.113.59", US4, 5353, buf, len);
	send1(f, &p);
	syn(&p, "203.0.113.60", US4, 5353);                /* TCP: not a udp rule */
	pb_payload(&p, probe_0x31, 10);
	send1(f, &p);

	/* TCP rule on port 80 */
	syn(&p, "203.0.113.61", US4, 80);
	pb_payload(&p, "GET / HTTP/1.0\r\n\r\n", 18);
	send1(f, &p);
	p.dport = 8080;                                    /* wrong port */
	send1(f, &p);

	/* a later fragment's body is not a payload */
	udp(&p, "203.0.113.62", US4, 5353, probe_0x31, 10);
	p.frag_off = 4;
	send1(f, &p);

	/* Ethernet padding after the IP packet is not payload either */
	udp(&p, "203.0.113.63", US4, 5353, probe_0x31, 8);
	{
		uint8_t frame[PB_MAX_FRAME];
		size_t flen = pb_build(&p, frame, sizeof(frame), NULL);

		memcpy(frame + flen, "\x31\x00", 2); /* the last 2 rule bytes */
		memset(frame + flen + 2, 0, 8);
		send_frame(f, frame, flen + 10, 1);
	}

	/* payload offsets behind a VLAN tag, IPv6 extension headers, TCP options */
	udp(&p, "203.0.113.64", US4, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	p.vlans = 2;
	send1(f, &p);
	udp(&p, "2001:db8:9::65", US6, 5353, probe_0x31, 10);
	p.exts = 2;
	p.ext[0].type = PB_EXT_HOPOPTS;
	p.ext[1].type = PB_EXT_DSTOPTS;
	p.ext[1].len8 = 1;
	send1(f, &p);
	syn(&p, "203.0.113.66", US4, 80);
	memcpy(p.tcp_opts, "\x02\x04\x05\xb4\x01\x03\x03\x08", 8);
	p.tcp_opts_len = 8;
	pb_payload(&p, "GET / HTTP/1.0\r\n\r\n", 18);
	send1(f, &p);

	expect_tagged(f, "203.0.113.50", PB_UDP, 1900, TAG(10), 2);
	expect_tagged(f, "203.0.113.53", PB_UDP, 1900, TAG(10), 1);
	expect_tagged(f, "198.51.100.55", PB_UDP, 137, TAG(13), 1);
	expect_tagged(f, "203.0.113.58", PB_UDP, 1900, TAG(11), 1);
	expect_tagged(f, "203.0.113.58", PB_UDP, 5353, TAG(11), 1);
	expect_tagged(f, "2001:db8:9::58", PB_UDP, 40000, TAG(11), 1);
	expect_tagged(f, "203.0.113.61", PB_TCP, 80, TAG(12), 1);
	expect_tagged(f, "203.0.113.64", PB_UDP, 1900, TAG(10), 1);
	expect_tagged(f, "2001:db8:9::65", PB_UDP, 5353, TAG(11), 1);
	expect_tagged(f, "203.0.113.66", PB_TCP, 80, TAG(12), 1);
	assert_int_equal(tagged_entries(f), 10);
	expect_totals(f, 1 + 2 + 4 + 3 + 5 + 2 + 1 + 1 + 3, 11, 0);
}

/* Eight rules on one key: each is tried, up to the last. */
static void eight_rules_on_a_key(void **state)
{
	struct fixture *f = *state;
	struct rule_spec eight[TS_RULES_PER_KEY];
	static const char letters[] = "ABCDEFGH";
	const struct rule_spec opt = { 0, "OPTIONS", 7, 40 };
	uint8_t big[1024 + 32 + 8], want[32];
	const struct rule_spec deep = { 1024, want, 32, 41 };
	__u64 all = 0;
	struct pb_packet p;

	for (int i = 0; i < TS_RULES_PER_KEY; i++) {
		eight[i] = (struct rule_spec){ (__u16)i, &letters[i], 1, (__u8)(20 + i) };
		all |= TAG(20 + i);
	}
	put_rules(f, PB_UDP, 0, 9999, eight, TS_RULES_PER_KEY);
	/* a rule on the SIP port adds to the built-in tag */
	put_rules(f, PB_UDP, 0, 5060, &opt, 1);
	/* 32 bytes at the deepest offset */
	for (int i = 0; i < 32; i++)
		want[i] = (uint8_t)(0x80 + i);
	put_rules(f, PB_UDP, 0, 7777, &deep, 1);
	set_flags(f, TS_CTL_RULES);

	udp(&p, "203.0.113.70", US4, 9999, "ABCDEFGH", 8);
	send1(f, &p);
	udp(&p, "203.0.113.71", US4, 9999, "xxxxxxxH", 8);
	send1(f, &p);
	udp(&p, "203.0.113.72", US4, 9999, "ABCDEFG", 7); /* the 8th is past the end */
	send1(f, &p);
	udp(&p, "203.0.113.73", US4, 9999, "AxCxExGx", 8);
	send1(f, &p);
	udp(&p, "203.0.113.74", US4, 5060, "OPTIONS sip:100@x SIP/2.0\r\n", 27);
	send1(f, &p);

	memset(big, 0xee, sizeof(big));
	memcpy(big + 1024, want, 32);
	udp(&p, "203.0.113.75", US4, 7777, big, 1024 + 32);
	send1(f, &p);                                     /* exactly fits */
	udp(&p, "203.0.113.76", US4, 7777, big, sizeof(big));
	send1(f, &p);                                     /* more after it */
	udp(&p, "203.0.113.77", US4, 7777, big, 1024 + 31);
	send1(f, &p);                                     /* one byte short */
	big[1024 + 31] ^= 1;
	udp(&p, "203.0.113.78", US4, 7777, big, sizeof(big));
	send1(f, &p);                                     /* last byte differs */

	expect_tagged(f, "203.0.113.70", PB_UDP, 9999, all, 1);
	expect_tagged(f, "203.0.113.71", PB_UDP, 9999, TAG(27), 1);
	expect_tagged(f, "203.0.113.72", PB_UDP, 9999, all & ~TAG(27), 1);
	expect_tagged(f, "203.0.113.73", PB_UDP, 9999,
		      TAG(20) | TAG(22) | TAG(24) | TAG(26), 1);
	expect_tagged(f, "203.0.113.74", PB_UDP, 5060, SIP | TAG(40), 1);
	expect_tagged(f, "203.0.113.75", PB_UDP, 7777, TAG(41), 1);
	expect_tagged(f, "203.0.113.76", PB_UDP, 7777, TAG(41), 1);
	assert_int_equal(tagged_entries(f), 7);
	expect_totals(f, 9, 7, 0);
}

/* ---- labelled prefixes in the LPM trie ---- */

static void put_label(struct fixture *f, const char *addr, int prefixlen,
		      __u64 mask)
{
	struct ts_label_key k = { 0 };

	if (strchr(addr, ':')) {
		assert_int_equal(inet_pton(AF_INET6, addr, k.addr), 1);
		k.prefixlen = (__u32)prefixlen;
	} else {
		k.addr[10] = k.addr[11] = 0xff;
		assert_int_equal(inet_pton(AF_INET, addr, k.addr + 12), 1);
		k.prefixlen = 96u + (__u32)prefixlen;
	}
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.labels),
					     &k, &mask, BPF_ANY), 0);
}

static void labelled_sources(void **state)
{
	struct fixture *f = *state;
	const __u64 A = TAG(50), B = TAG(51), C = TAG(52), D = TAG(53);
	struct pb_packet p;

	/* as the loader writes them: a prefix carries its parents' labels */
	put_label(f, "198.51.100.0", 24, A);
	put_label(f, "198.51.100.128", 25, A | B);
	put_label(f, "2001:db8:1::", 48, C);
	put_label(f, "203.0.113.7", 32, D);

	syn(&p, "198.51.100.10", US4, 23);
	send1(f, &p);
	assert_int_equal(tagged_entries(f), 0); /* no TS_CTL_LABELS yet */
	set_flags(f, TS_CTL_LABELS);

	send_n(f, &p, 2);
	syn(&p, "198.51.100.127", US4, 23);
	send1(f, &p);
	syn(&p, "198.51.100.128", US4, 23);
	send1(f, &p);
	syn(&p, "198.51.100.200", US4, 445);
	send_n(f, &p, 3);
	p.seq = pb_dst_as_seq(&p);               /* a labelled Mirai-type SYN */
	send1(f, &p);
	syn(&p, "203.0.113.7", US4, 22);
	send1(f, &p);
	syn(&p, "203.0.113.8", US4, 22);         /* next to it: not listed */
	send1(f, &p);
	syn(&p, "2001:db8:1::5", US6, 22);
	send1(f, &p);
	syn(&p, "2001:db8:2::5", US6, 22);       /* outside the /48 */
	send1(f, &p);
	udp(&p, "198.51.100.10", US4, 53, "0123456789abcdef", 16);
	p.frag_off = 2;                          /* a fragment: still its source */
	send1(f, &p);

	expect_tagged(f, "198.51.100.10", PB_TCP, 23, A, 2);
	expect_tagged(f, "198.51.100.127", PB_TCP, 23, A, 1);
	expect_tagged(f, "198.51.100.128", PB_TCP, 23, A | B, 1);
	expect_tagged(f, "198.51.100.200", PB_TCP, 445, A | B, 3);
	expect_tagged(f, "198.51.100.200", PB_TCP, 445, A | B | MIRAI, 1);
	expect_tagged(f, "203.0.113.7", PB_TCP, 22, D, 1);
	expect_tagged(f, "2001:db8:1::5", PB_TCP, 22, C, 1);
	expect_tagged(f, "198.51.100.10", PB_UDP, 0, A, 1);
	assert_int_equal(tagged_entries(f), 8);
	expect_totals(f, 1 + 2 + 1 + 1 + 3 + 1 + 1 + 1 + 1 + 1 + 1, 11, 0);
}

/* ---- tagcfg_apply(): the files `run` loads, into this program's maps ---- */

struct cfg_env {
	struct fixture *f;
	struct sensor_maps s;
	struct tag_config cfg;
	char dir[64];
	char err[512];
};

static const char *write_text(struct cfg_env *e, const char *name, const char *text)
{
	static char paths[6][128];
	static int next;
	char *path = paths[next++ % 6];
	FILE *out;

	snprintf(path, sizeof(paths[0]), "%s/%s", e->dir, name);
	out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	assert_int_equal(fclose(out), 0);
	return path;
}

static void cfg_env_init(struct cfg_env *e, struct fixture *f)
{
	memset(e, 0, sizeof(*e));
	e->f = f;
	snprintf(e->dir, sizeof(e->dir), "/tmp/ts-test-tagcfg-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	/* the sensor as sensor_open() leaves it, minus the attach */
	maps_from_object(&e->s, f->skel->obj);
	tagcfg_read_names(&e->s, &e->cfg.names);
}

static void cfg_env_free(struct cfg_env *e)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	assert_int_equal(system(cmd), 0);
}

static __u64 bit_of(struct cfg_env *e, const char *name)
{
	for (int b = 0; b < TS_TAG_MAX; b++)
		if (!strcmp(e->cfg.names.name[b], name))
			return TAG(b);
	fail_msg("no bit named %s", name);
	return 0;
}

static __u32 ctl_flags(struct fixture *f)
{
	struct ts_ctl ctl;
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.ctl),
					     &zero, &ctl), 0);
	return ctl.flags;
}

static void config_files_into_the_kernel(void **state)
{
	struct cfg_env e;
	struct pb_packet p;
	struct ts_tag_name name;
	__u64 ssdp, probe, jp, research, v6, ssdp2, legacy;
	__u32 b;

	cfg_env_init(&e, *state);
	e.cfg.rules_path = write_text(&e, "a.rules",
		"ssdp udp 1900 0 \"M-SEARCH\"\n"
		"probe udp * 0 00000000000000003100\n"
		"legacy tcp 23 0 ff\n");
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "jp.list",
		"198.51.100.0/24,jp\n");
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "research.list",
		"198.51.100.128/25,research\n2001:db8:7::/48,v6\n");
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("tagcfg_apply: %s", e.err);
	assert_int_equal(e.cfg.nrules, 3);
	assert_int_equal(e.cfg.nprefixes, 3);
	assert_int_equal(ctl_flags(e.f), TS_CTL_RULES | TS_CTL_LABELS);
	assert_int_equal(entries(e.s.rules_fd), 2); /* the * rule is in rules_any */
	ssdp = bit_of(&e, "ssdp");
	probe = bit_of(&e, "probe");
	legacy = bit_of(&e, "legacy");
	jp = bit_of(&e, "list:jp");
	research = bit_of(&e, "list:research");
	v6 = bit_of(&e, "list:v6");
	/* the program's name table says the same */
	b = (__u32)__builtin_ctzll(research);
	assert_int_equal(bpf_map_lookup_elem(e.s.tagnames_fd, &b, &name), 0);
	assert_string_equal(name.name, "list:research");
	b = TS_TAG_SIP_FRIENDLY;
	assert_int_equal(bpf_map_lookup_elem(e.s.tagnames_fd, &b, &name), 0);
	assert_string_equal(name.name, "sip_friendly_scanner");

	udp(&p, "198.51.100.200", US4, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	udp(&p, "198.51.100.10", US4, 1900, probe_0x31, 10);
	send1(e.f, &p);
	udp(&p, "2001:db8:7::1", US6, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.200", PB_UDP, 1900, ssdp | jp | research, 1);
	expect_tagged(e.f, "198.51.100.10", PB_UDP, 1900, probe | jp, 1);
	expect_tagged(e.f, "2001:db8:7::1", PB_UDP, 1900, ssdp | v6, 1);

	/* reload: ssdp moves to 1901, legacy goes, research list goes */
	e.cfg.rules_path = write_text(&e, "b.rules",
		"ssdp udp 1901 0 \"M-SEARCH\"\n"
		"probe udp * 0 00000000000000003100\n"
		"ssdp2 udp 1900 2 \"SEARCH\"\n");
	e.cfg.nlists = 1;
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("tagcfg_apply: %s", e.err);
	assert_int_equal(entries(e.s.rules_fd), 2); /* the * rule is in rules_any */
	assert_int_equal(entries(e.s.labels_fd), 1);
	/* names keep their bits; a new name takes a new one */
	assert_int_equal(bit_of(&e, "ssdp"), ssdp);
	assert_int_equal(bit_of(&e, "legacy"), legacy);
	assert_int_equal(bit_of(&e, "list:research"), research);
	ssdp2 = bit_of(&e, "ssdp2");
	assert_true(ssdp2 != ssdp && ssdp2 != probe && ssdp2 != legacy &&
		    ssdp2 != jp && ssdp2 != research && ssdp2 != v6);

	udp(&p, "198.51.100.201", US4, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	p.dport = 1901;
	send1(e.f, &p);
	syn(&p, "198.51.100.202", US4, 23);
	pb_payload(&p, "\xff\xfb\x01", 3);
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.201", PB_UDP, 1900, ssdp2 | jp, 1);
	expect_tagged(e.f, "198.51.100.201", PB_UDP, 1901, ssdp | jp, 1);
	expect_tagged(e.f, "198.51.100.202", PB_TCP, 23, jp, 1);

	/* a bad file changes nothing: the same rules keep matching */
	e.cfg.rules_path = write_text(&e, "bad.rules",
		"ssdp udp 1902 0 \"M-SEARCH\"\nbroken udp 70000 0 00\n");
	assert_int_equal(tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)), -1);
	assert_non_null(strstr(e.err, "bad.rules:2: "));
	assert_int_equal(entries(e.s.rules_fd), 2); /* the * rule is in rules_any */
	udp(&p, "198.51.100.203", US4, 1901, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	p.dport = 1902;
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.203", PB_UDP, 1901, ssdp | jp, 1);
	expect_tagged(e.f, "198.51.100.203", PB_UDP, 1902, jp, 1);

	/* nothing configured: no flags, empty maps, only built-in tags */
	e.cfg.rules_path = NULL;
	e.cfg.nlists = 0;
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("tagcfg_apply: %s", e.err);
	assert_int_equal(ctl_flags(e.f), 0);
	assert_int_equal(entries(e.s.rules_fd), 0);
	assert_int_equal(entries(e.s.labels_fd), 0);
	udp(&p, "198.51.100.204", US4, 1901, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);

	assert_int_equal(tagged_entries(e.f), 3 + 3 + 2);
	expect_totals(e.f, 3 + 3 + 2 + 1, 8, 0);
	cfg_env_free(&e);
}

/* ---- the tagged map full: the rest by (tags, proto, port) ---- */

static void tag_overflow_exact(void **state)
{
	struct fixture *f = *state;
	struct pb_packet p;

	syn(&p, "203.0.113.80", US4, 23); /* a flow entry: 2 packets */
	p.seq = pb_dst_as_seq(&p);
	send_n(f, &p, 2);
	syn(&p, "203.0.113.81", US4, 2323); /* the second flow entry: 1 */
	p.seq = pb_dst_as_seq(&p);
	send1(f, &p);
	syn(&p, "203.0.113.82", US4, 23); /* flows full: tagged map, 3 */
	p.seq = pb_dst_as_seq(&p);
	send_n(f, &p, 3);
	syn(&p, "203.0.113.83", US4, 23); /* the second tagged key: 2 */
	p.seq = pb_dst_as_seq(&p);
	send_n(f, &p, 2);
	syn(&p, "203.0.113.86", US4, 23); /* tagged map full: tagov, 4 */
	p.seq = pb_dst_as_seq(&p);
	send_n(f, &p, 4);
	udp(&p, "203.0.113.84", US4, 5060, "OPTIONS sip:", 12); /* tagov, 1 */
	send1(f, &p);
	syn(&p, "203.0.113.80", US4, 23); /* an existing flow keeps counting */
	p.seq = pb_dst_as_seq(&p);
	send1(f, &p);
	syn(&p, "203.0.113.85", US4, 23); /* untagged: no tag map */
	send_n(f, &p, 5);

	assert_int_equal(tagged_entries(f), 4);
	expect_tagged(f, "203.0.113.80", PB_TCP, 23, MIRAI, 3);
	expect_tagged(f, "203.0.113.81", PB_TCP, 2323, MIRAI, 1);
	expect_tagged(f, "203.0.113.82", PB_TCP, 23, MIRAI, 3);
	expect_tagged(f, "203.0.113.83", PB_TCP, 23, MIRAI, 2);
	assert_int_equal(entries(bpf_map__fd(f->skel->maps.tagov_0)), 2);
	expect_tagov(f, MIRAI, PB_TCP, 23, 4);
	expect_tagov(f, SIP, PB_UDP, 5060, 1);
	expect_totals(f, 2 + 1 + 3 + 2 + 4 + 1 + 1 + 5, 2 + 1 + 3 + 2 + 4 + 1 + 1, 5);
}

/* More listed prefixes than --max-labels: refused whole, nothing changed. */
static void label_trie_too_small(void **state)
{
	struct cfg_env e;
	struct pb_packet p;
	__u64 a;

	cfg_env_init(&e, *state);
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "two.list",
		"198.51.100.0/25,a\n2001:db8:7::/48,b\n");
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("two prefixes must fit: %s", e.err);
	a = bit_of(&e, "list:a");
	/* a third prefix, the same prefix twice (one entry) does not count */
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "more.list",
		"198.51.100.0/25,a2\n203.0.113.0/24,c\n");
	assert_int_equal(tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)), -1);
	assert_non_null(strstr(e.err, "3 listed prefixes do not fit --max-labels 2"));
	assert_int_equal(entries(e.s.labels_fd), 2);
	syn(&p, "198.51.100.9", US4, 23);
	send1(e.f, &p);
	syn(&p, "203.0.113.9", US4, 23);
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.9", PB_TCP, 23, a, 1);
	assert_int_equal(tagged_entries(e.f), 1);
	cfg_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(builtin_tags_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(sip_friendly_scanner, setup, teardown),
		cmocka_unit_test_setup_teardown(payload_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(eight_rules_on_a_key, setup, teardown),
		cmocka_unit_test_setup_teardown(labelled_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(config_files_into_the_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(tag_overflow_exact, setup_tiny, teardown),
		cmocka_unit_test_setup_teardown(label_trie_too_small, setup_small, teardown),
	};

	return cmocka_run_group_tests_name("tags in the kernel", tests, NULL, NULL);
}
