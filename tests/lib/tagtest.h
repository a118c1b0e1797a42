/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the tests of tags in the kernel (tests/bpf/test_tags_*.c) share:
 * the classifier loaded (bpftest.h) at the sizes a test wants, frames run
 * through it, and the tagged and tagov maps and the totals read back, every
 * count exact.
 */
#ifndef TS_TAGTEST_H
#define TS_TAGTEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "telescope.h"
#include "pktbuild.h"
#include "tagpkt.h"

struct fixture {
	struct telescope_bpf *skel;
};

/* cmocka setups: the classifier as built. */
int tagtest_setup(void **state);
/* Room for two tagged keys and two listed prefixes: easy to overflow. */
int tagtest_setup_small(void **state);
/*
 * Two flows and two tagged keys: tagged packets count in their flow
 * entry while there is one, then in the tagged map, then in tagov.
 */
int tagtest_setup_tiny(void **state);
int tagtest_teardown(void **state);

/* Run one frame `repeat` times through the program (XDP_DROP). */
void send_frame(struct fixture *f, const uint8_t *frame, size_t len,
		__u32 repeat);
/* The same for p, built. */
void send_n(struct fixture *f, const struct pb_packet *p, __u32 repeat);
void send1(struct fixture *f, const struct pb_packet *p);

/* The totals of generation 0, summed over the CPUs, are these. */
void expect_totals(struct fixture *f, __u64 packets, __u64 tagged,
		   __u64 tag_overflow);

/* Keys in the map fd (keys of up to 64 bytes). */
size_t entries(int fd);

/*
 * Tagged (src, proto, port, mask) keys: a flow entry counts the packets of
 * its first mask itself; other masks, and packets without a flow entry,
 * are in the tagged map.
 */
size_t tagged_entries(struct fixture *f);

/* The tagged map holds exactly `packets` for (src, proto, port, tags). */
void expect_tagged(struct fixture *f, const char *src, __u8 proto,
		   __u16 port, __u64 tags, __u64 packets);

/* Set ctl.flags (TS_CTL_RULES, TS_CTL_LABELS) as the loader does. */
void set_flags(struct fixture *f, __u32 flags);

/* The payload of a udp 0x31 probe, on every port in the shipped rules. */
extern const uint8_t probe_0x31[10];

#endif
