// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "telescope.skel.h"
#include "bpftest.h"
#include "pktbuild.h"
#include "sensor/flows4.h"

struct telescope_bpf *bpftest_load(const struct bpftest_opts *o)
{
	struct telescope_bpf *skel = telescope_bpf__open();
	struct sensor_maps m;

	assert_non_null(skel);
	skel->rodata->pass_packets = (__u8)o->pass;
	assert_int_equal(maps_set_sizes(skel->obj, &o->sizes), 0);
	assert_int_equal(telescope_bpf__load(skel), 0);
	maps_from_object(&m, skel->obj);
	assert_int_equal(room_reset(&m, 0), 0);
	assert_int_equal(room_reset(&m, 1), 0);
	return skel;
}

__u32 bpftest_run(struct telescope_bpf *skel, const uint8_t *frame, size_t len,
		  __u32 repeat)
{
	uint8_t out[PB_MAX_FRAME];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = (__u32)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);

	assert_int_equal(bpf_prog_test_run_opts(
		bpf_program__fd(skel->progs.xdp_telescope), &opts), 0);
	return opts.retval;
}

int bpftest_flow(struct telescope_bpf *skel, int g, const struct ts_flow_key *k,
		 struct ts_counts *c)
{
	struct ts_flow6_key k6 = { .proto = k->proto, .port = k->port };
	struct sensor_maps m;
	struct ts_flow_val v;

	maps_from_object(&m, skel->obj);
	if (k->family == TS_FAMILY_IPV4) {
		struct ts_flow4_key k4 = { .proto = k->proto, .port = k->port };
		const struct ts_flow4_slot *s;
		struct flows4_view t;

		memcpy(k4.addr, k->addr, 4);
		if (flows4_open(m.gen[g][GM_FLOWS4], false, &t))
			return -1;
		s = flows4_slot(&t, &k4, false);
		if (s)
			ts_flow_counts(&s->val, c);
		flows4_close(&t);
		if (s)
			return 0;
		k6.pad = TS_FAMILY_IPV4; /* no slot: in flows6, marked IPv4 */
	}
	memcpy(k6.addr, k->addr, k->family == TS_FAMILY_IPV4 ? 4 : 16);
	if (bpf_map_lookup_elem(m.gen[g][GM_FLOWS6], &k6, &v))
		return -1;
	ts_flow_counts(&v, c);
	return 0;
}

size_t bpftest_entries(int fd)
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

size_t bpftest_flow_entries(struct telescope_bpf *skel, int g)
{
	struct sensor_maps m;

	struct flows4_view t;
	size_t n4;

	maps_from_object(&m, skel->obj);
	if (flows4_open(m.gen[g][GM_FLOWS4], false, &t))
		return (size_t)-1;
	n4 = flows4_count(&t);
	flows4_close(&t);
	return n4 + bpftest_entries(m.gen[g][GM_FLOWS6]);
}
