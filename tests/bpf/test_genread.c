// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a generation's flows (sensor/genread.c): a map large enough
 * to be read by two threads gives every entry once, in the order of one
 * walk of the map, also when the room count is wrong (then it is read
 * again in one walk) and when there are too few entries to split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.h"
#include "telescope.skel.h"
#include "sensor/maps.h"
#include "bpftest.h"

#define MAX 131072

struct fixture {
	struct telescope_bpf *skel;
	struct sensor_maps maps;
};

static int setup(void **state)
{
	static const struct bpftest_opts o = { .sizes = { .max_sources = MAX } };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->skel = bpftest_load(&o);
	maps_from_object(&f->maps, f->skel->obj);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	telescope_bpf__destroy(f->skel);
	free(f);
	return 0;
}

/* n IPv4 flows and n6 IPv6 ones in generation 0; the room says `room` entries. */
static void fill(struct fixture *f, size_t n, size_t n6, size_t room)
{
	struct ts_flow4_key *k = calloc(n, sizeof(*k));
	struct ts_flow6_key *k6 = calloc(n6 ? n6 : 1, sizeof(*k6));
	struct ts_flow_val *v = calloc(n > n6 ? n : n6, sizeof(*v));
	struct ts_room r = { .free = (__s64)(MAX - room) };
	__u32 count = (__u32)n, key = 0;

	assert_non_null(k && k6 && v);
	assert_int_equal(gen_clear(&f->maps, 0), 0);
	for (size_t i = 0; i < n; i++) {
		__u32 a = (__u32)((i + 1) * 2654435761ULL);

		memcpy(k[i].addr, &a, 4);
		k[i].proto = 6;
		k[i].port = (__u16)(i % 7);
		v[i].pb = (__u64)(1 + i % 3) << TS_PB_PKT_SHIFT | i;
	}
	assert_int_equal(bpf_map_update_batch(f->maps.gen[0][GM_FLOWS4], k, v, &count, NULL), 0);
	for (size_t i = 0; i < n6; i++) {
		k6[i].addr[0] = 0x20, k6[i].addr[1] = 0x01, k6[i].addr[15] = (__u8)i;
		k6[i].proto = 17;
		v[i].pb = 1ULL << TS_PB_PKT_SHIFT | 99;
		assert_int_equal(bpf_map_update_elem(f->maps.gen[0][GM_FLOWS6], &k6[i], &v[i],
						     BPF_NOEXIST), 0);
	}
	assert_int_equal(bpf_map_update_elem(f->maps.room_fd, &key, &r, BPF_ANY), 0);
	free(k);
	free(k6);
	free(v);
}

/* The keys of one walk of each flow map, as a reference. */
struct walk {
	struct ts_flow4_key *k4;
	size_t n4, cap4;
};

static void take_keys(const char *keys, const char *vals, __u32 count, void *arg)
{
	struct walk *w = arg;

	(void)vals;
	for (__u32 i = 0; i < count; i++) {
		assert_true(w->n4 < w->cap4);
		memcpy(&w->k4[w->n4++], keys + i * sizeof(*w->k4), sizeof(*w->k4));
	}
}

static void assert_read(struct fixture *f, size_t n, size_t n6)
{
	struct walk w = { .k4 = calloc(n + 1, sizeof(*w.k4)), .cap4 = n + 1 };
	struct snapshot snap;

	assert_non_null(w.k4);
	assert_int_equal(map_walk(f->maps.gen[0][GM_FLOWS4], sizeof(*w.k4),
				  sizeof(struct ts_flow_val), 0, 0, take_keys, &w), 0);
	assert_int_equal(w.n4, n);
	assert_int_equal(gen_read(&f->maps, 0, &snap), 0);
	assert_int_equal(snap.nflows, n + n6);
	for (size_t i = 0; i < n; i++) {
		const struct flow_entry *e = &snap.flows[i];
		__u32 a;
		size_t idx;

		if (e->key.family != TS_FAMILY_IPV4 || memcmp(e->key.addr, w.k4[i].addr, 4) ||
		    e->key.port != w.k4[i].port)
			fail_msg("flow %zu of %zu is not the walk's", i, n);
		/* its counters are its own: bytes hold its number */
		memcpy(&a, e->key.addr, 4);
		idx = (size_t)e->val.bytes;
		assert_true(idx < n);
		assert_int_equal((__u32)((idx + 1) * 2654435761ULL), a);
		assert_int_equal(e->val.packets, 1 + idx % 3);
	}
	for (size_t i = n; i < n + n6; i++) {
		assert_int_equal(snap.flows[i].key.family, TS_FAMILY_IPV6);
		assert_int_equal(snap.flows[i].val.bytes, 99);
	}
	snapshot_free(&snap);
	free(w.k4);
}

static void test_two_halves(void **state)
{
	fill(*state, 100000, 3, 100003);
	assert_read(*state, 100000, 3);
}

/* A room count that is not the entries' makes it read the map in one walk. */
static void test_room_wrong(void **state)
{
	fill(*state, 90000, 0, 80000);
	assert_read(*state, 90000, 0);
	fill(*state, 90000, 0, 100000);
	assert_read(*state, 90000, 0);
}

static void test_few_flows(void **state)
{
	fill(*state, 1000, 2, 1002);
	assert_read(*state, 1000, 2);
	fill(*state, 0, 0, 0);
	assert_read(*state, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_halves),
		cmocka_unit_test(test_room_wrong),
		cmocka_unit_test(test_few_flows),
	};

	return cmocka_run_group_tests_name("genread", tests, setup, teardown);
}
