// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "telescope.skel.h"
#include "bpftest.h"
#include "pktbuild.h"

struct telescope_bpf *bpftest_load(const struct bpftest_opts *o)
{
	struct telescope_bpf *skel = telescope_bpf__open();

	assert_non_null(skel);
	skel->rodata->pass_packets = (__u8)o->pass;
	assert_int_equal(maps_set_sizes(skel->obj, &o->sizes), 0);
	assert_int_equal(telescope_bpf__load(skel), 0);
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
