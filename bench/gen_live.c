// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The live-frames engine (gen.h): BPF_PROG_TEST_RUN in
 * BPF_F_TEST_XDP_LIVE_FRAMES mode. The kernel builds real frames from
 * each frame of the mix and runs livegen.bpf.c on them, which gives each
 * a fresh source and redirects it out of the lab veth. "Sent" counts
 * frames handed to the redirect; the time is the kernel's own, of its
 * generation loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>

#include "gen.h"
#include "rewrite.h"
#include "livegen.skel.h"

int gen_live(const struct gen_opts *o, const struct mix *m, unsigned ifindex,
	     struct gen_result *r)
{
	struct livegen_bpf *skel = livegen_bpf__open();
	double kernel_ns = 0;
	int f, rc = -1;

	if (!skel) {
		fprintf(stderr, "livegen: cannot open the live-frames program\n");
		return -1;
	}
	skel->rodata->out_ifindex = ifindex;
	skel->rodata->time_shift = o->time_shift;
	bpf_map__set_max_entries(skel->maps.bench_table, rewrite_table_size(m));
	if (livegen_bpf__load(skel) || rewrite_fill_table(skel->maps.bench_table, m)) {
		fprintf(stderr, "livegen: cannot load the live-frames program: %s\n",
			strerror(errno));
		goto out;
	}
	for (f = 0; f < m->frames; f++) {
		const struct mix_frame *fr = &m->frame[f];
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = fr->bytes,
			.data_size_in = (uint32_t)fr->len,
			.repeat = (int)gen_frames(m, f, o->packets),
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		);

		skel->bss->bench_seq = mix_seq(fr, o->first);
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.livegen), &opts)) {
			fprintf(stderr, "livegen: the kernel refuses a live test run: %s "
				"(--engine fanout sends without live frames)\n", strerror(errno));
			goto out;
		}
		kernel_ns += (double)opts.duration * opts.repeat;
	}
	r->sent = skel->bss->live_sent;
	r->seconds = kernel_ns / 1e9;
	rc = 0;
out:
	livegen_bpf__destroy(skel);
	return rc;
}
