// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the tests of tags in the kernel share (tagtest.h). */
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

#include "telescope.skel.h"
#include "sensor/genread.h"
#include "bpftest.h"
#include "tagtest.h"

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

int tagtest_setup(void **state)
{
	*state = load(0, 0, 0);
	return 0;
}

int tagtest_setup_small(void **state)
{
	*state = load(2, 2, 0);
	return 0;
}

int tagtest_setup_tiny(void **state)
{
	*state = load(2, 2, 2);
	return 0;
}

int tagtest_teardown(void **state)
{
	struct fixture *f = *state;

	telescope_bpf__destroy(f->skel);
	free(f);
	return 0;
}

void send_frame(struct fixture *f, const uint8_t *frame, size_t len,
		__u32 repeat)
{
	assert_int_equal(bpftest_run(f->skel, frame, len, repeat), XDP_DROP);
}

void send_n(struct fixture *f, const struct pb_packet *p, __u32 repeat)
{
	uint8_t frame[PB_MAX_FRAME];

	send_frame(f, frame, pb_build(p, frame, sizeof(frame), NULL), repeat);
}

void send1(struct fixture *f, const struct pb_packet *p)
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

void expect_totals(struct fixture *f, __u64 packets, __u64 tagged,
		   __u64 tag_overflow)
{
	struct ts_totals t = totals(f);

	assert_int_equal(t.packets, packets);
	assert_int_equal(t.tagged, tagged);
	assert_int_equal(t.tag_overflow, tag_overflow);
}

size_t entries(int fd)
{
	return bpftest_entries(fd);
}

size_t tagged_entries(struct fixture *f)
{
	struct sensor_maps m;
	struct snapshot snap;
	size_t n = 0;

	maps_from_object(&m, f->skel->obj);
	assert_int_equal(gen_read(&m, 0, &snap), 0);
	for (size_t i = 0; i < snap.nflows; i++)
		n += snap.flows[i].val.tagged != 0;
	snapshot_free(&snap);
	return n + entries(bpf_map__fd(f->skel->maps.tagged_0));
}

void expect_tagged(struct fixture *f, const char *src, __u8 proto,
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
	if (!bpftest_flow(f->skel, 0, &fk, &c) &&
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

void set_flags(struct fixture *f, __u32 flags)
{
	int fd = bpf_map__fd(f->skel->maps.ctl);
	struct ts_ctl ctl;
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &ctl), 0);
	ctl.flags = flags;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY), 0);
}

const uint8_t probe_0x31[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x31, 0 };
