/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The classifier object under BPF_PROG_TEST_RUN, for the cmocka BPF tests. */
#ifndef TS_BPFTEST_H
#define TS_BPFTEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "sensor/maps.h"

struct telescope_bpf;

struct bpftest_opts {
	int pass;               /* rodata pass_packets */
	struct map_sizes sizes; /* 0 fields: as built */
};

/* Open, size and load the skeleton (a cmocka failure if it does not load). */
struct telescope_bpf *bpftest_load(const struct bpftest_opts *o);

/* Run one frame `repeat` times through xdp_telescope; the XDP verdict. */
__u32 bpftest_run(struct telescope_bpf *skel, const uint8_t *frame, size_t len,
		  __u32 repeat);

/*
 * The flow maps of generation g seen through the wide key user space
 * uses (sensor/snapshot.h): one flow's counters (0, or -1 if there is no
 * such entry), and the entries of both families.
 */
int bpftest_flow(struct telescope_bpf *skel, int g, const struct ts_flow_key *k,
		 struct ts_counts *c);
size_t bpftest_flow_entries(struct telescope_bpf *skel, int g);

/* Entries of any map (keys of up to 64 bytes). */
size_t bpftest_entries(int fd);

#endif
