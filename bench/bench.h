/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the benchmark programs (bench/NAME.bpf.c) and their drivers agree on:
 * how a source index becomes an address, and the per-run settings the
 * driver writes into the program's .bss before each run.
 */
#ifndef TS_BENCH_H
#define TS_BENCH_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/*
 * Source index -> IPv4 address (host order). A bijection on 32 bits
 * (multiplication by an odd constant), so distinct indices are distinct
 * sources, spread over the whole address space as a telescope's are
 * (which matters to the geolocation lookups of the drain benchmark).
 */
static inline __attribute__((always_inline)) __u32 bench_source_addr(__u32 idx)
{
	return (idx + 1) * 2654435761u;
}

/* Sources of one frame: uniform = base + cursor; table = table[base + cursor]. */
#define BENCH_PICK_UNIFORM 0
#define BENCH_PICK_TABLE 1

/*
 * One frame's sequence of sources, as the driver sets it before the frame
 * is sent; the rewrite (rewrite.bpf.h) advances the cursor.
 */
struct bench_seq {
	__u32 src_off; /* offset of the 4 source bytes to overwrite */
	__u32 pick;    /* BENCH_PICK_UNIFORM or BENCH_PICK_TABLE */
	__u32 base;    /* first source index, or first table slot */
	__u32 count;   /* sources (uniform) or table slots of this frame */
	__u32 cursor;  /* position in the sequence */
};

/* Frames of a mix at most (bench/mix.h). */
#define BENCH_MAX_FRAMES 24

/*
 * The fan-out engine's state of each frame of the mix (fanout.bpf.c):
 * its sequence of sources, and how many of its frames are still to be
 * made from seeds (at or below 0: the frame is done, whatever number of
 * seeds it took).
 */
struct fan_frame {
	struct bench_seq seq;
	__s64 quota;
};

/*
 * The first five bytes of a fan-out seed's Ethernet source address; the
 * sixth is the index of its frame of the mix (fanout.bpf.c). Locally
 * administered: no NIC has it.
 */
#define BENCH_SEED_MAC { 0x02, 'T', 'S', 'G', 'N' }

/* Frames are rewritten at most this far in (the 4 source bytes). */
#define BENCH_MAX_SRC_OFF 96

#endif /* TS_BENCH_H */
