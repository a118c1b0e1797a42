// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livegen's fan-out engine (bench/gen_fanout.c), for kernels that refuse
 * BPF_F_TEST_XDP_LIVE_FRAMES. User space sends seed frames with
 * AF_PACKET into a veth pair of its own; fan_in, the native XDP program
 * on the pair's far end, redirects each seed with BPF_F_BROADCAST to a
 * devmap whose every entry is the lab veth, so the kernel copies the
 * seed once per entry; fan_out, the program of those entries, runs on
 * each copy before it leaves and writes the copy's own source. The
 * sensor on the lab veth's peer receives xdp_frames through the veth's
 * XDP path, as from the live-frames engine, at many copies per system
 * call.
 *
 * A seed names its frame of the mix in its Ethernet source address
 * (BENCH_SEED_MAC and the frame's index); anything else that reaches
 * fan_in (a stray frame of the pair's own) is dropped, so the sensor
 * sees only what fan_out counted.
 *
 * The frames sent are exactly what the driver asked: fan_in takes
 * `copies` frames of the frame's quota (struct fan_frame, bench.h) for
 * each seed and sends it to fan_copies; the seed that finds fewer left
 * goes to fan_rest, which the driver has filled with exactly that many
 * entries; seeds that find none are dropped. fan_out drops nothing: a
 * devmap sends a full bulk of frames to the veth without a flush and
 * flushes with the last, partial one, so if a program dropped every
 * frame of that last one, the frames sent before it would wait in the
 * veth's ring, unseen, until the next frame came.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "rewrite.bpf.h"

/* Set before load: as livegen.bpf.c's time_shift. */
const volatile __u32 time_shift = 0;
/* Set before load: frames made of a seed sent to fan_copies. */
const volatile __s64 copies = 1;

struct fan_frame fan_frames[BENCH_MAX_FRAMES]; /* bench.h */
__u64 fan_sent; /* copies sent to the lab veth */

/* Entries that each name the lab veth with fan_out on it. */
struct fan_devmap {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1); /* `copies`, set by the driver */
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
};

struct fan_devmap fan_copies SEC(".maps"); /* `copies` entries */
struct fan_devmap fan_rest SEC(".maps");   /* what the last seed of a frame needs */

static const __u8 seed_mac[] = BENCH_SEED_MAC;

/* The index of the seed's frame of the mix, or -1 if it is no seed. */
static __always_inline int seed_frame(void *data, void *data_end)
{
	__u8 *mac = (__u8 *)data + 6;

	if ((void *)(mac + 6) > data_end)
		return -1;
	for (int i = 0; i < 5; i++)
		if (mac[i] != seed_mac[i])
			return -1;
	return mac[5] < BENCH_MAX_FRAMES ? mac[5] : -1;
}

SEC("xdp")
int fan_in(struct xdp_md *ctx)
{
	int f = seed_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end);
	__s64 left;

	if (f < 0)
		return XDP_DROP;
	left = __sync_fetch_and_add(&fan_frames[f].quota, -copies);
	if (left <= 0)
		return XDP_DROP;
	if (left < copies)
		return bpf_redirect_map(&fan_rest, 0, BPF_F_BROADCAST);
	return bpf_redirect_map(&fan_copies, 0, BPF_F_BROADCAST);
}

SEC("xdp/devmap")
int fan_out(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	int f = seed_frame(data, data_end);
	struct fan_frame *fr;

	if (f < 0)
		return XDP_PASS; /* never: fan_in let only seeds through */
	fr = &fan_frames[f];
	if (time_shift)
		bench_put_source(data, data_end, fr->seq.src_off,
				 (__u32)(bpf_ktime_get_ns() >> (time_shift & 63)));
	else
		bench_seq_rewrite(&fr->seq, data, data_end);
	__sync_fetch_and_add(&fan_sent, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
