// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading and clearing a generation's flows (sensor/genread.c,
 * sensor/flows4.c): every claimed slot of flows4 and every entry of
 * flows6 is read once, with its own counters, IPv4 flows that found no
 * slot (in flows6, marked IPv4) as IPv4; clearing leaves no slot, no
 * entry and the whole room. And the classifier's side of it: keys that
 * all want the same slot fill their TS_FLOW4_PROBES slots, the next one
 * goes to flows6, and every packet is counted in its own flow.
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
#include "sensor/flows4.h"
#include "sensor/genread.h"
#include "sensor/maps.h"
#include "pktbuild.h"
#include "bpftest.h"
#include "kfeature.h"

#define MAX 131072
#define SMALL 64 /* sources of the classifier test: 128 slots */

struct fixture {
	struct telescope_bpf *skel;
	struct sensor_maps maps;
};

static struct fixture *load(__u32 max_sources)
{
	const struct bpftest_opts o = { .sizes = { .max_sources = max_sources } };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->skel = bpftest_load(&o);
	maps_from_object(&f->maps, f->skel->obj);
	return f;
}

static int setup(void **state)
{
	*state = load(MAX);
	return 0;
}

static int setup_small(void **state)
{
	*state = load(SMALL);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	telescope_bpf__destroy(f->skel);
	free(f);
	return 0;
}

static __u32 addr_of(size_t i)
{
	return (__u32)((i + 1) * 2654435761ULL);
}

/*
 * n IPv4 flows in slots (those that find none, rare, in flows6), s IPv4
 * flows in flows6 (no slot), n6 IPv6 ones, in generation 0, with the room
 * they take. Each IPv4 flow's bytes hold its number, its packets 1 +
 * number % 3. Returns how many are in slots.
 */
static size_t fill(struct fixture *f, size_t n, size_t s, size_t n6)
{
	struct ts_flow4_slot *slot;
	size_t in_slots = 0;
	struct ts_room r;
	struct flows4_view t;
	__u32 key = 0;

	assert_int_equal(gen_clear(&f->maps, 0), 0);
	assert_int_equal(flows4_open(f->maps.gen[0][GM_FLOWS4], true, &t), 0);
	for (size_t i = 0; i < n + s; i++) {
		struct ts_flow4_key k = { .proto = 6, .port = (__u16)(i % 7) };
		struct ts_flow_val v = { .pb = (__u64)(1 + i % 3) << TS_PB_PKT_SHIFT | i };
		__u32 a = addr_of(i);

		memcpy(k.addr, &a, 4);
		slot = i < n ? flows4_slot(&t, &k, true) : NULL;
		if (slot) {
			slot->val = v;
			in_slots++;
		} else { /* as the classifier does when the probes find no slot */
			struct ts_flow6_key k6 = { .proto = 6, .pad = TS_FAMILY_IPV4,
						   .port = k.port };

			memcpy(k6.addr, &a, 4);
			assert_int_equal(bpf_map_update_elem(f->maps.gen[0][GM_FLOWS6], &k6, &v,
							     BPF_NOEXIST), 0);
		}
	}
	flows4_close(&t);
	for (size_t i = 0; i < n6; i++) {
		struct ts_flow6_key k6 = { .addr = { 0x20, 0x01, [15] = (__u8)i }, .proto = 17 };
		struct ts_flow_val v = { .pb = 1ULL << TS_PB_PKT_SHIFT | 99 };

		assert_int_equal(bpf_map_update_elem(f->maps.gen[0][GM_FLOWS6], &k6, &v,
						     BPF_NOEXIST), 0);
	}
	assert_int_equal(bpf_map_lookup_elem(f->maps.room_fd, &key, &r), 0);
	r.free -= (__s64)(n + s + n6);
	assert_int_equal(bpf_map_update_elem(f->maps.room_fd, &key, &r, BPF_ANY), 0);
	return in_slots;
}

/* in_slots of the n + s IPv4 flows are in slots. */
static void assert_read(struct fixture *f, size_t in_slots, size_t n, size_t s, size_t n6)
{
	uint8_t *seen = calloc(n + s + 1, 1);
	struct snapshot snap;

	assert_non_null(seen);
	assert_int_equal(gen_read(&f->maps, 0, &snap), 0);
	assert_int_equal(snap.nflows, n + s + n6);
	assert_int_equal(snap.nflows4, in_slots);
	assert_int_equal(flows_held(&f->maps, 0), n + s + n6);
	for (size_t i = 0; i < n + s + n6; i++) {
		const struct flow_entry *e = &snap.flows[i];
		size_t idx = (size_t)e->val.bytes;
		__u32 a;

		if (e->key.family == TS_FAMILY_IPV6) {
			assert_true(i >= in_slots); /* flows6 comes after the slots */
			assert_int_equal(e->val.bytes, 99);
			continue;
		}
		/* its counters are its own, and it is read once */
		assert_int_equal(e->key.family, TS_FAMILY_IPV4);
		assert_true(idx < n + s);
		assert_true(i >= in_slots || idx < n);
		assert_false(seen[idx]);
		seen[idx] = 1;
		memcpy(&a, e->key.addr, 4);
		assert_int_equal(a, addr_of(idx));
		assert_int_equal(e->key.port, idx % 7);
		assert_int_equal(e->val.packets, 1 + idx % 3);
	}
	/* clearing what was read leaves nothing, and the whole room */
	assert_int_equal(gen_clear_read(&f->maps, 0, &snap), 0);
	assert_int_equal(flows_held(&f->maps, 0), 0);
	assert_int_equal(map_count(f->maps.gen[0][GM_FLOWS6]), 0);
	snapshot_free(&snap);
	assert_int_equal(gen_read(&f->maps, 0, &snap), 0);
	assert_int_equal(snap.nflows, 0);
	snapshot_free(&snap);
	free(seen);
}

static void test_many_flows(void **state)
{
	size_t in_slots = fill(*state, 100000, 20, 3);

	assert_true(in_slots > 100000 - 20);
	assert_read(*state, in_slots, 100000, 20, 3);
}

static void test_few_flows(void **state)
{
	assert_read(*state, fill(*state, 1000, 1, 2), 1000, 1, 2);
	assert_read(*state, fill(*state, 0, 0, 0), 0, 0, 0);
}

/* A TCP flow from a documentation address. */
struct flow_id {
	__u32 addr;
	__u16 port;
};

/*
 * want TCP flows from 203.0.113.0/24 that share their first slot
 * (ts_flow4_home()): the table's other slots do not help them.
 */
static size_t colliding(struct fixture *f, struct flow_id *id, size_t want)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), home = 0;
	size_t n = 0;

	assert_int_equal(bpf_obj_get_info_by_fd(f->maps.gen[0][GM_FLOWS4], &info, &len), 0);
	for (__u32 i = 0; i < 254 * 1024 && n < want; i++) {
		__u32 a = htonl(0xcb007100u | (1 + i / 1024)); /* 203.0.113.1 … 254 */
		struct ts_flow4_key k = { .proto = PB_TCP, .pad = TS_FLOW4_USED,
					  .port = (__u16)(1 + i % 1024) };
		__u64 key;

		memcpy(k.addr, &a, 4);
		memcpy(&key, &k, sizeof(key));
		if (!n)
			home = ts_flow4_home(key, info.max_entries);
		if (ts_flow4_home(key, info.max_entries) == home)
			id[n++] = (struct flow_id){ a, k.port };
	}
	return n;
}

static void test_full_probe_spills(void **state)
{
	struct fixture *f = *state;
	struct flow_id id[TS_FLOW4_PROBES + 1];
	uint8_t frame[PB_MAX_FRAME];
	struct snapshot snap;
	struct pb_packet p;
	struct pb_layout lay;
	char src[INET_ADDRSTRLEN];

	assert_int_equal(colliding(f, id, TS_FLOW4_PROBES + 1), TS_FLOW4_PROBES + 1);
	for (int i = 0; i <= TS_FLOW4_PROBES; i++) {
		size_t len;

		pb_init(&p);
		assert_non_null(inet_ntop(AF_INET, &id[i].addr, src, sizeof(src)));
		pb_addrs(&p, src, "198.51.100.1");
		p.dport = id[i].port;
		len = pb_build(&p, frame, sizeof(frame), &lay);
		assert_int_equal(bpftest_run(f->skel, frame, len, (__u32)i + 1), XDP_DROP);
	}
	/* the first TS_FLOW4_PROBES in slots, the last one in flows6 */
	assert_int_equal(gen_read(&f->maps, 0, &snap), 0);
	assert_int_equal(snap.nflows, TS_FLOW4_PROBES + 1);
	assert_int_equal(snap.nflows4, TS_FLOW4_PROBES);
	for (size_t i = 0; i < snap.nflows; i++) {
		const struct flow_entry *e = &snap.flows[i];
		int which = -1;

		assert_int_equal(e->key.family, TS_FAMILY_IPV4);
		for (int j = 0; j <= TS_FLOW4_PROBES; j++)
			if (!memcmp(e->key.addr, &id[j].addr, 4) && e->key.port == id[j].port)
				which = j;
		assert_true(which >= 0);
		assert_int_equal(i == snap.nflows - 1, which == TS_FLOW4_PROBES);
		assert_int_equal(e->val.packets, which + 1);
		assert_int_equal(e->val.bytes, (which + 1) * lay.ip_len);
	}
	assert_int_equal(flows_held(&f->maps, 0), TS_FLOW4_PROBES + 1);
	assert_int_equal(gen_clear_read(&f->maps, 0, &snap), 0);
	snapshot_free(&snap);
	assert_int_equal(flows_held(&f->maps, 0), 0);
	assert_int_equal(map_count(f->maps.gen[0][GM_FLOWS6]), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_few_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_probe_spills, setup_small, teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("genread", tests, NULL, NULL);
}
