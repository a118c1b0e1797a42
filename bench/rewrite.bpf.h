/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The benchmark's source rewrite, shared by every bench program that
 * needs many sources from one buffer. BPF_PROG_TEST_RUN with `repeat`
 * runs the program on the same frame again and again; to make it look
 * like traffic from N sources, the program writes the next source of a
 * sequence (struct bench_seq, bench.h) into the frame before classifying
 * it. The driver sets the sequence for each frame of the mix.
 */
#ifndef TS_BENCH_REWRITE_BPF_H
#define TS_BENCH_REWRITE_BPF_H

#include <bpf/bpf_endian.h>
#include "bench.h"

/* The sequence bench_rewrite() follows, set by the driver through the
 * skeleton's .bss before each run. */
struct bench_seq bench_seq;

/* Source indices of the heavy-tailed mixes, filled by the driver. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized by the driver before load */
	__type(key, __u32);
	__type(value, __u32);
} bench_table SEC(".maps");

/*
 * Write source `idx` into the frame at `off`. Returns the address
 * written (network order) or 0 when the frame is too short (never, for
 * the mix).
 */
static __always_inline __u32 bench_put_source(void *data, void *data_end, __u32 off,
					      __u32 idx)
{
	__u32 addr;
	__u8 *src;

	if (off > BENCH_MAX_SRC_OFF)
		return 0;
	src = (__u8 *)data + off;
	if ((void *)(src + 4) > data_end)
		return 0;
	addr = bpf_htonl(bench_source_addr(idx));
	__builtin_memcpy(src, &addr, 4);
	return addr;
}

/* Write the next source of sequence s into the frame (as above). */
static __always_inline __u32 bench_seq_rewrite(struct bench_seq *s, void *data,
					       void *data_end)
{
	__u32 cur = s->cursor, next = cur + 1, idx;

	if (next >= s->count)
		next = 0;
	s->cursor = next;
	idx = s->base + cur;
	if (s->pick == BENCH_PICK_TABLE) {
		__u32 *slot = bpf_map_lookup_elem(&bench_table, &idx);

		if (!slot)
			return 0;
		idx = *slot;
	}
	return bench_put_source(data, data_end, s->src_off, idx);
}

/* The next source of the driver's sequence, bench_seq. */
static __always_inline __u32 bench_rewrite(void *data, void *data_end)
{
	return bench_seq_rewrite(&bench_seq, data, data_end);
}

#endif /* TS_BENCH_REWRITE_BPF_H */
