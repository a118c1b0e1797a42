// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The sensor's XDP program: classify, count, drop (classifier.bpf.h). */
#include "classifier.bpf.h"

SEC("xdp")
int xdp_telescope(struct xdp_md *ctx)
{
	return ts_handle(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
