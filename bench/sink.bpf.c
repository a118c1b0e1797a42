// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A bare XDP_DROP to attach in place of the sensor: what the lab veth and
 * the generator manage when the receiver does no work at all, the ceiling
 * the live numbers of the sensor are read against.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
