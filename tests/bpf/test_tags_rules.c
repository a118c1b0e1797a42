// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Payload rules in the kernel: the real skeleton under BPF_PROG_TEST_RUN
 * (tests/lib/tagtest.h), the operator's rules written into its maps by
 * hand. Which payloads match, at which offset, on which port and
 * protocol, up to eight rules on a key and 32 bytes at the deepest
 * offset; every count exact.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(payload_rules, tagtest_setup, tagtest_teardown),
		cmocka_unit_test_setup_teardown(eight_rules_on_a_key, tagtest_setup, tagtest_teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("tags in the kernel: payload rules", tests, NULL, NULL);
}
