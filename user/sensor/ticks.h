/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * When `run` ticks, and how long the generation counting now has
 * counted: a timer on the boot clock, armed for a second of the wall
 * clock (one on the wall clock would fire at once when the clock steps
 * forward, and hours late when it steps back); a step of the wall clock
 * noticed at the next reading and said once; and the boot clock's
 * measure of a generation the step went through, which its labels no
 * longer give (sensor/clock.h, docs/csv.md).
 */
#ifndef TS_TICKS_H
#define TS_TICKS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "sensor/clock.h"

struct ticks {
	int fd;                   /* the timerfd, for poll() */
	struct clock_watch clock; /* the wall clock against the boot clock */
	int64_t began_ns;         /* boot clock when the counting generation began */
	bool stepped;             /* the wall clock stepped while it counted */
	uint64_t flips;           /* the drain's flips when began_ns was set */
};

/* The timer, and the counting generation taken to begin now. 0 or -1 (errno). */
int ticks_open(struct ticks *t, uint64_t flips);
void ticks_close(struct ticks *t);
/* Arm the timer for the second `at` of the wall clock. */
int ticks_arm(struct ticks *t, __u64 at);
/*
 * Both clocks now, and the step of the wall clock since the last reading
 * (ns, 0: none), said in the log once.
 */
int64_t ticks_read(struct ticks *t, struct clock_reading *now);
/* totals.seconds of the generation counting now: 0 (from its labels) unless a step went through it. */
__u64 ticks_counted(const struct ticks *t, const struct clock_reading *now);
/* After a drain call: if the drain flipped (its count of flips moved), a generation began `now`. */
void ticks_flipped(struct ticks *t, uint64_t flips, const struct clock_reading *now);

#endif
