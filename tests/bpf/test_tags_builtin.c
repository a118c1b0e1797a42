// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Built-in tags in the kernel: the real skeleton under BPF_PROG_TEST_RUN
 * (tests/lib/tagtest.h). The built-in fingerprints as the XDP program
 * counts them, the bounded scan for SIP friendly-scanner, and the tagged
 * map full, the rest counted by (tags, proto, port) in tagov; every count
 * exact.
 * Needs root (or CAP_BPF + CAP_NET_ADMIN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.skel.h"
#include "tagtest.h"
#include "kfeature.h"

static void expect_tagov(struct fixture *f, __u64 tags, __u8 proto,
			 __u16 port, __u64 packets)
{
	struct ts_tagov_key k = { .tags = tags, .proto = proto, .port = port };
	__u64 n = 0;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.tagov_0),
					     &k, &n), 0);
	assert_int_equal(n, packets);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(builtin_tags_counted, tagtest_setup, tagtest_teardown),
		cmocka_unit_test_setup_teardown(sip_friendly_scanner, tagtest_setup, tagtest_teardown),
		cmocka_unit_test_setup_teardown(tag_overflow_exact, tagtest_setup_tiny, tagtest_teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("tags in the kernel: built-in", tests, NULL, NULL);
}
