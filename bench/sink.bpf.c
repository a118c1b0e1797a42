// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Receivers to attach in place of the sensor. bench_sink: a bare
 * XDP_DROP, what the lab veth and the generator manage when the receiver
 * does no work at all, the ceiling the sensor's live numbers are read
 * against. bench_pass: hands every frame to the stack, where a libpcap
 * reader captures it (the live userspace baseline); a veth takes
 * redirected frames only when its peer has an XDP program.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int bench_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
