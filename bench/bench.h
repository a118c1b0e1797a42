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

/* Frames are rewritten at most this far in (the 4 source bytes). */
#define BENCH_MAX_SRC_OFF 96

#endif /* TS_BENCH_H */
