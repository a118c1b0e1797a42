// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The live-path generator: run with BPF_F_TEST_XDP_LIVE_FRAMES, it gives
 * each frame a fresh source and redirects it out of the lab veth, so the
 * sensor on the peer sees real frames arriving through the driver.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "rewrite.bpf.h"

const volatile __u32 out_ifindex = 0; /* the sending veth, set before load */

SEC("xdp")
int livegen(struct xdp_md *ctx)
{
	bench_rewrite((void *)(long)ctx->data, (void *)(long)ctx->data_end);
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
