// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livegen: push the benchmark mix through a lab veth as fast as this
 * machine can, with BPF_PROG_TEST_RUN in BPF_F_TEST_XDP_LIVE_FRAMES mode:
 * the kernel builds real frames from the template and the program
 * (livegen.bpf.c) gives each a fresh source and redirects it out of
 * --ifname, so the sensor on the peer receives them through the veth
 * driver's XDP path, ring and all. Run it inside the sending namespace
 * (nsenter --net=/run/netns/NAME): the redirect target is looked up there.
 *
 * Prints what it sent and, with --csv, the rows live.NAME.sent,
 * live.NAME.generation_seconds (the kernel-timed generation loop) and
 * live.NAME.offered_mpps. "Sent" counts frames handed to the redirect:
 * those the veth could not take (its ring full) show in the sending
 * interface's tx_dropped, which bench/run.sh reads beside the sensor's
 * own count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "livegen.skel.h"
#include "lib/options.h"
#include "mix.h"
#include "results.h"

static int fill_table(struct livegen_bpf *skel, const struct mix *m)
{
	int fd = bpf_map__fd(skel->maps.bench_table);
	uint32_t i;

	for (i = 0; i < m->table_len; i++)
		if (bpf_map_update_elem(fd, &i, &m->table[i], BPF_ANY))
			return -1;
	return 0;
}

struct gen_opts {
	const char *ifname, *csv, *name;
	uint64_t packets;
	uint32_t sources, first, time_shift;
	bool zipf;
};

#define O struct gen_opts
static const struct opt gen_table[] = {
	OPT_STRING(O, ifname, "ifname", 0, "IF", "send out of this interface", .required = true),
	OPT_UINT(O, packets, "packets", 0, "N", 100, 1ull << 31, "frames (default 10000000)"),
	OPT_UINT(O, sources, "sources", 0, "N", 1, UINT32_MAX,
		 "distinct sources (default 1000000)"),
	OPT_FLAG(O, zipf, "zipf", 0, "sources Zipf-distributed, not uniform"),
	OPT_UINT(O, first, "first", 0, "N", 0, UINT32_MAX,
		 "number the sources from N (uniform only; default 0): generators "
		 "on two CPUs send disjoint sources"),
	OPT_UINT(O, time_shift, "time-shift", 0, "S", 1, 63,
		 "each frame's source is the clock in 2^S ns, not the sequence: "
		 "generators on two CPUs create the same flows at once"),
	OPT_STRING(O, csv, "csv", 0, "FILE", "append the results to FILE"),
	OPT_STRING(O, name, "name", 0, "NAME", "name of the results' rows (default run)"),
	OPT_END,
};
#undef O

static const struct opt_cmd gen_cmd = {
	.prog = "livegen",
	.about = "Offer the source mix to the interface at line rate "
		 "(BPF_F_TEST_XDP_LIVE_FRAMES).",
	.opts = gen_table,
};

int main(int argc, char **argv)
{
	struct gen_opts o = { .name = "run", .packets = 10000000, .sources = 1000000 };
	char row[128];
	uint64_t start, elapsed;
	uint32_t ifindex;
	struct livegen_bpf *skel;
	double kernel_ns = 0;
	int f, rc;
	struct mix m;

	rc = opt_parse(&gen_cmd, argc, argv, &o, NULL);
	if (rc != OPT_GO)
		return rc;
	rc = 1;
	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "livegen: no interface '%s' here\n", o.ifname);
		return 1;
	}
	if (mix_init(&m, o.sources, o.zipf, 0, 0x7e1e5c09e))
		return 1;
	skel = livegen_bpf__open();
	if (!skel) {
		fprintf(stderr, "livegen: cannot open the generator object\n");
		mix_free(&m);
		return 1;
	}
	if (o.first && o.zipf) {
		fprintf(stderr, "livegen: --first needs uniform sources\n");
		goto out;
	}
	skel->rodata->out_ifindex = ifindex;
	skel->rodata->time_shift = o.time_shift;
	bpf_map__set_max_entries(skel->maps.bench_table, m.table_len ? m.table_len : 1);
	if (livegen_bpf__load(skel) || (m.table && fill_table(skel, &m))) {
		fprintf(stderr, "livegen: cannot load the generator: %s\n",
			strerror(errno));
		goto out;
	}
	start = now_ns();
	for (f = 0; f < m.frames; f++) {
		const struct mix_frame *fr = &m.frame[f];
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = fr->bytes,
			.data_size_in = (uint32_t)fr->len,
			.repeat = (int)(o.packets * fr->share / 100),
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		);

		skel->bss->bench_src_off = (uint32_t)fr->src_off;
		skel->bss->bench_pick = (uint32_t)fr->pick;
		skel->bss->bench_base = fr->base + (fr->pick == BENCH_PICK_UNIFORM ? o.first : 0);
		skel->bss->bench_count = fr->count;
		skel->bss->bench_cursor = 0;
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.livegen), &opts)) {
			fprintf(stderr, "livegen: live test run: %s\n", strerror(errno));
			goto out;
		}
		kernel_ns += (double)opts.duration * opts.repeat;
	}
	elapsed = now_ns() - start;
	printf("livegen: sent %llu frames in %.3f s of generation (%.3f s wall), "
	       "%.2f Mpps offered\n",
	       (unsigned long long)skel->bss->bench_rewritten, kernel_ns / 1e9,
	       (double)elapsed / 1e9,
	       (double)skel->bss->bench_rewritten / kernel_ns * 1e3);
	if (report_open(o.csv))
		goto out;
	snprintf(row, sizeof(row), "live.%s.sent", o.name);
	report_row(row, (double)skel->bss->bench_rewritten, "frames");
	snprintf(row, sizeof(row), "live.%s.generation_seconds", o.name);
	report_row(row, kernel_ns / 1e9, "s");
	snprintf(row, sizeof(row), "live.%s.offered_mpps", o.name);
	report_row(row, (double)skel->bss->bench_rewritten / kernel_ns * 1e3, "Mpps");
	report_close();
	rc = 0;
out:
	livegen_bpf__destroy(skel);
	mix_free(&m);
	return rc;
}
