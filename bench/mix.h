/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The benchmark's traffic: a handful of frames in the proportions a
 * telescope sees (the seeds: mostly TCP SYN to a few ports, some UDP and
 * ICMP, a few per cent backscatter and Mirai-type SYNs), and the sequence
 * of sources each frame is sent from.
 *
 * Each frame owns a disjoint range of source indices sized by its share,
 * so every source scans one thing, as most telescope sources do, and the
 * number of flow keys equals the number of sources. Within its range a
 * frame steps through its sources uniformly, or through a table of
 * source indices drawn from a Zipf law (the heavy-tailed mixes: a few
 * scanners send most of the packets). The BPF rewrite (rewrite.bpf.h)
 * and the user-side writers below follow the same sequence.
 */
#ifndef TS_BENCH_MIX_H
#define TS_BENCH_MIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench.h"

#define MIX_MAX_FRAMES BENCH_MAX_FRAMES
#define MIX_FRAME_BYTES 256
#define MIX_ZIPF_SLOTS 4 /* table slots per source in the heavy-tailed mixes */

struct mix_frame {
	const char *what;    /* e.g. "tcp syn 23" */
	unsigned share;      /* per cent of the packets */
	uint8_t bytes[MIX_FRAME_BYTES];
	size_t len;
	size_t src_off;      /* the 4 source bytes the rewrite overwrites */
	int family;          /* 4 or 6 */
	int pick;            /* BENCH_PICK_UNIFORM or BENCH_PICK_TABLE */
	uint32_t base;       /* first source index, or first table slot */
	uint32_t count;      /* sources, or table slots */
};

struct mix {
	char name[32];       /* e.g. "1M-zipf" */
	uint32_t sources;
	int zipf;
	int mirai;           /* the Mirai-heavy mix (40 % Mirai-type SYNs) */
	struct mix_frame frame[MIX_MAX_FRAMES];
	int frames;
	uint32_t *table;     /* source indices (heavy-tailed mixes), else NULL */
	uint32_t table_len;
};

/*
 * Build the mix: the telescope's proportions, or (mirai) the Mirai-heavy
 * ones; returns 0, or -1 with a message on stderr.
 */
int mix_init(struct mix *m, uint32_t sources, int zipf, int mirai, uint64_t seed);
void mix_free(struct mix *m);

/*
 * Each source's first packet, in the order they reach a telescope: every
 * (frame, source) pair that the frames' sequences hold, once, shuffled.
 * The passes send each frame's packets in one run of BPF_PROG_TEST_RUN,
 * so if they also created the entries, a frame's sources would be
 * created back to back and a hash map would hold them in one contiguous
 * run of its preallocated elements: a frame's pass would then touch a
 * compact region, which traffic that interleaves the frames never
 * gives. bench-xdp sends these first (docs/bench.md).
 */
struct mix_arrival {
	uint32_t source;
	int frame;
};

/* The pairs into *out (malloc'd); returns how many. */
size_t mix_arrivals(const struct mix *m, uint64_t seed, struct mix_arrival **out);

/* The source index at `cursor` of frame f, advancing the cursor the way
 * bench_rewrite() does. */
uint32_t mix_next_source(const struct mix *m, const struct mix_frame *f,
			 uint32_t *cursor);

/* Frame f's sequence of sources for the BPF rewrite (rewrite.bpf.h), a
 * uniform one numbered from `first` on. */
struct bench_seq mix_seq(const struct mix_frame *f, uint32_t first);

/* Write source `idx` into a copy of the frame. */
void mix_set_source(const struct mix_frame *f, uint8_t *frame, uint32_t idx);

/*
 * Interleave the frames in their shares (smooth weighted round robin):
 * call mix_schedule_next() for the index of the next frame to send.
 */
struct mix_schedule {
	int current[MIX_MAX_FRAMES];
};
void mix_schedule_init(struct mix_schedule *s);
int mix_schedule_next(const struct mix *m, struct mix_schedule *s);

/*
 * Write `packets` frames of the mix, interleaved and each from its next
 * source, as a pcap file (microsecond timestamps 1 us apart).
 */
int mix_write_pcap(const struct mix *m, const char *path, uint64_t packets);

#endif /* TS_BENCH_MIX_H */
