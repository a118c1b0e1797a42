/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * livegen's two engines (bench/livegen.c): ways to put the benchmark mix
 * onto a lab veth at high rate, each frame with a source of its own, so
 * that the sensor on the peer receives it through the veth's XDP path.
 *
 *   live    BPF_PROG_TEST_RUN in BPF_F_TEST_XDP_LIVE_FRAMES mode
 *           (gen_live.c, livegen.bpf.c);
 *   fanout  AF_PACKET seeds copied by an XDP broadcast redirect, for
 *           kernels that refuse live frames (gen_fanout.c, fanout.bpf.c).
 */
#ifndef TS_BENCH_GEN_H
#define TS_BENCH_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "mix.h"

struct gen_opts {
	const char *ifname, *csv, *name;
	int engine;           /* GEN_AUTO, GEN_LIVE or GEN_FANOUT */
	uint64_t packets;
	uint32_t sources, first, time_shift, copies;
	bool zipf;
};

enum { GEN_AUTO, GEN_LIVE, GEN_FANOUT };

/* What an engine did: frames sent (handed to the lab veth), and the
 * seconds the sending took. */
struct gen_result {
	uint64_t sent;
	double seconds;
};

/*
 * Send o->packets frames of mix m out of the interface ifindex (frame f
 * of the mix gen_frames() of them). 0, or -1 with a line on stderr.
 */
int gen_live(const struct gen_opts *o, const struct mix *m, unsigned ifindex,
	     struct gen_result *r);
int gen_fanout(const struct gen_opts *o, const struct mix *m, unsigned ifindex,
	       struct gen_result *r);

/* The frames of frame f in a run of `packets`. */
static inline uint64_t gen_frames(const struct mix *m, int f, uint64_t packets)
{
	return packets * m->frame[f].share / 100;
}

#endif /* TS_BENCH_GEN_H */
