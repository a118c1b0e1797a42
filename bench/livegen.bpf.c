// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livegen's live-frames engine (bench/gen_live.c): run with
 * BPF_F_TEST_XDP_LIVE_FRAMES, it gives each frame a fresh source and
 * redirects it out of the lab veth, so the sensor on the peer sees real
 * frames arriving through the driver.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "rewrite.bpf.h"

const volatile __u32 out_ifindex = 0; /* the sending veth, set before load */
/*
 * Not 0: the source is the clock in units of 2^time_shift ns instead of
 * the next of the sequence, so that generators on two CPUs send the
 * same new source at the same moment: each new flow is created by both
 * CPUs at once (tests/e2e/mq_race.sh).
 */
const volatile __u32 time_shift = 0;

__u64 live_sent; /* frames rewritten and handed to the redirect */

SEC("xdp")
int livegen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 addr;

	if (time_shift)
		addr = bench_put_source(data, data_end, bench_seq.src_off,
					(__u32)(bpf_ktime_get_ns() >> (time_shift & 63)));
	else
		addr = bench_rewrite(data, data_end);
	if (addr)
		live_sent++;
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
