// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The packed flow counters (include/telescope.h): a flow whose fields
 * stand just below their carry flags goes on counting exactly, the
 * carried weight moving into the carry words, under BPF_PROG_TEST_RUN.
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
#include "tagpkt.h"
#include "bpftest.h"
#include "sensor/flows4.h"
#include "kfeature.h"

#define US4 "198.51.100.1"
#define SRC "203.0.113.9"

static int setup(void **state)
{
	static const struct bpftest_opts o = { 0 };

	*state = bpftest_load(&o);
	return 0;
}

static int teardown(void **state)
{
	telescope_bpf__destroy(*state);
	return 0;
}

/* A Mirai-type SYN from SRC to 23/tcp; its IP length. */
static size_t mirai_frame(uint8_t *frame, size_t *len)
{
	struct pb_packet p;
	struct pb_layout lay;

	syn(&p, SRC, US4, 23);
	p.seq = pb_dst_as_seq(&p);
	*len = pb_build(&p, frame, PB_MAX_FRAME, &lay);
	return lay.ip_len;
}

static struct ts_flow4_key flow_key(void)
{
	struct ts_flow4_key k = { .proto = PB_TCP, .port = 23 };

	assert_int_equal(inet_pton(AF_INET, SRC, k.addr), 1);
	return k;
}

/*
 * Seed the flow with fields just below their flags, send n packets,
 * and read the value back.
 */
static void run_from(struct telescope_bpf *skel, const struct ts_flow_val *seed,
		     __u32 n, struct ts_flow_val *after, size_t *ip_len)
{
	struct ts_flow4_key k = flow_key();
	uint8_t frame[PB_MAX_FRAME];
	struct ts_flow4_slot *s;
	struct sensor_maps m;
	struct flows4_view t;
	size_t len;

	*ip_len = mirai_frame(frame, &len);
	maps_from_object(&m, skel->obj);
	assert_int_equal(flows4_open(m.gen[0][GM_FLOWS4], true, &t), 0);
	s = flows4_slot(&t, &k, true);
	assert_non_null(s);
	s->val = *seed;
	assert_int_equal(bpftest_run(skel, frame, len, n), XDP_DROP);
	*after = s->val;
	flows4_close(&t);
}

static void packets_and_bytes_carry(void **state)
{
	const __u64 pkts = (1ULL << 23) - 3, bytes = (1ULL << 39) - 100;
	struct ts_flow_val seed = {
		.pb = pkts << TS_PB_PKT_SHIFT | bytes,
		.tags = 1ULL << TS_TAG_MIRAI,
		.carry = { [TS_CARRY_BYTES] = 5 },
	}, v;
	struct ts_counts before, c;
	size_t ip_len;

	ts_flow_counts(&seed, &before);
	run_from(*state, &seed, 10, &v, &ip_len);
	ts_flow_counts(&v, &c);
	assert_int_equal(c.packets, before.packets + 10);
	assert_int_equal(c.bytes, before.bytes + 10 * ip_len);
	assert_int_equal(c.mirai, 10);
	assert_int_equal(c.tagged, 10);
	/* each flag was taken out once, into its carry word */
	assert_int_equal(v.carry[TS_CARRY_PACKETS], 1);
	assert_int_equal(v.carry[TS_CARRY_BYTES], 6);
	assert_int_equal(v.pb >> TS_PB_PKT_SHIFT, pkts + 10 - (1ULL << 23));
	assert_int_equal(v.pb & ((1ULL << TS_PB_PKT_SHIFT) - 1),
			 bytes + 10 * ip_len - (1ULL << 39));
}

static void marks_carry(void **state)
{
	const __u64 tagged = (1ULL << 31) - 2, mirai = (1ULL << 31) - 7;
	struct ts_flow_val seed = {
		.marks = mirai << TS_MARK_MIRAI_SHIFT | tagged,
		.tags = 1ULL << TS_TAG_MIRAI,
	}, v;
	struct ts_counts c;
	size_t ip_len;

	run_from(*state, &seed, 9, &v, &ip_len);
	ts_flow_counts(&v, &c);
	assert_int_equal(c.packets, 9);
	assert_int_equal(c.bytes, 9 * ip_len);
	assert_int_equal(c.tagged, tagged + 9);
	assert_int_equal(c.mirai, mirai + 9);
	assert_int_equal(v.carry[TS_CARRY_TAGGED], 1);
	assert_int_equal(v.carry[TS_CARRY_MIRAI], 1);
	assert_int_equal(v.marks & 0xffffffffULL, tagged + 9 - (1ULL << 31));
	assert_int_equal(v.marks >> TS_MARK_MIRAI_SHIFT, mirai + 9 - (1ULL << 31));
}

/* Far from the flags nothing is carried: the words stay as they were. */
static void no_carry_below_the_flags(void **state)
{
	struct ts_flow_val seed = { .tags = 1ULL << TS_TAG_MIRAI }, v;
	size_t ip_len;

	run_from(*state, &seed, 1000, &v, &ip_len);
	assert_int_equal(v.pb, 1000ULL << TS_PB_PKT_SHIFT | 1000 * ip_len);
	assert_int_equal(v.marks, 1000ULL << TS_MARK_MIRAI_SHIFT | 1000);
	for (int i = 0; i < TS_CARRY_COUNT; i++)
		assert_int_equal(v.carry[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(packets_and_bytes_carry, setup, teardown),
		cmocka_unit_test_setup_teardown(marks_carry, setup, teardown),
		cmocka_unit_test_setup_teardown(no_carry_below_the_flags, setup, teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("packed flow counters", tests, NULL, NULL);
}
