/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The loader's two clocks: the wall clock (CLOCK_REALTIME), which rows
 * are labelled by and which an operator or NTP may step either way, and
 * the boot clock (CLOCK_BOOTTIME), which nobody sets and which runs on
 * through a suspend: the timer runs on it, and it measures how long a
 * generation really counted. A step is a change of the one against the
 * other.
 *
 * The test build (`build/tests/xdp-telescope-clock`, clock.c compiled
 * with TS_TEST_CLOCK) adds to the wall clock the seconds written in the
 * file that $XDP_TELESCOPE_TEST_CLOCK names, read at every reading, so a
 * test steps the loader's clock without touching the machine's. The
 * loader that is installed has no such variable.
 */
#ifndef TS_CLOCK_H
#define TS_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_S 1000000000LL

/* Both clocks at one moment, nanoseconds. */
struct clock_reading {
	int64_t wall_ns;
	int64_t boot_ns;
};

void clock_read(struct clock_reading *now);

/* The wall clock, whole seconds (UTC). */
int64_t clock_wall_s(void);

/* What the last reading said, to tell a step at the next one. */
struct clock_watch {
	int64_t offset_ns; /* wall - boot */
	int64_t boot_ns;
	bool set;
};

/*
 * How far the wall clock stepped against the boot clock since the last
 * call (ns, > 0 forward), or 0 when it moved no more than slewing can
 * (NTP adjusts the rate by at most 500 ppm) plus the resolution of the
 * clock a resume sets it from. The first call only remembers.
 */
int64_t clock_step(struct clock_watch *w, const struct clock_reading *now);

#endif
