/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * fuzzframe: the frames of the differential fuzz (tests/bpf/test_fuzz.c).
 * Frame `index` of seed `seed` is a function of those two numbers alone,
 * so any one frame can be made again without the ones before it.
 *
 * Most frames are pktbuild packets with random headers, built to reach
 * every path of the parser and every fingerprint and rule (fuzzframe.c),
 * then damaged (fuzzmut.c): cut at a header boundary or at random, the IP
 * length shrunk to a boundary, IHL, TCP data offset and IP version set at
 * random, bytes flipped, grown into a jumbo frame. The rest are random
 * bytes after an Ethernet header, with or without an IP version nibble
 * and a length that fits.
 *
 * Lengths run from 14 bytes (BPF_PROG_TEST_RUN refuses less) to 3520: the
 * linear buffer that BPF_PROG_TEST_RUN gives an XDP program, a 4096-byte
 * page less 256 bytes of headroom and 320 of skb_shared_info. It takes
 * longer frames, but puts the rest in fragments that a program without
 * BPF_F_XDP_HAS_FRAGS does not see (data_end stays at 3520).
 */
#ifndef TS_FUZZFRAME_H
#define TS_FUZZFRAME_H

#include <stddef.h>
#include <stdint.h>
#include "pktbuild.h"

#define FZ_MIN_FRAME 14
#define FZ_MAX_FRAME 3520
#define FZ_RECIPE 200

struct fz_frame {
	uint8_t b[FZ_MAX_FRAME];
	size_t len;
	char recipe[FZ_RECIPE]; /* how it was made, for a mismatch report */
};

/* Frame `index` of `seed`. */
void fz_make(uint64_t seed, uint64_t index, struct fz_frame *f);

/* ---- shared by fuzzframe.c and fuzzmut.c ---- */

struct fz_rng {
	uint64_t s;
};

uint64_t fz_next(struct fz_rng *r);
/* 0 … n-1 (n > 0). */
uint32_t fz_below(struct fz_rng *r, uint32_t n);
/* True once in n. */
int fz_one_in(struct fz_rng *r, uint32_t n);
void fz_bytes(struct fz_rng *r, uint8_t *p, size_t n);
/* Append to the recipe. */
void fz_note(struct fz_frame *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A random packet (fuzzframe.c); `inner` is room for an ICMP quote. */
void fz_packet(struct fz_rng *r, struct pb_packet *p, struct pb_packet *inner,
	       struct fz_frame *f);

/*
 * Build p into f and damage it (fuzzmut.c): cuts at the header
 * boundaries of p or at random, lengths, header fields, bytes, jumbo.
 */
void fz_build_damaged(struct fz_rng *r, struct pb_packet *p,
		      struct fz_frame *f);

/* Random bytes after an Ethernet header (fuzzmut.c). */
void fz_random_after_eth(struct fz_rng *r, struct fz_frame *f);

#endif
