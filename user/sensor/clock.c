// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "sensor/clock.h"

/* A step is more than this, plus 1/1000 of the time since the last reading. */
#define STEP_FLOOR_NS (2 * NS_PER_S)

static int64_t read_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

#ifdef TS_TEST_CLOCK
/* The seconds the test's file adds to the wall clock (0 without one). */
static int64_t test_offset_ns(void)
{
	const char *path = getenv("XDP_TELESCOPE_TEST_CLOCK");
	long long seconds = 0;
	FILE *f;

	if (!path || !(f = fopen(path, "r")))
		return 0;
	if (fscanf(f, "%lld", &seconds) != 1)
		seconds = 0;
	fclose(f);
	return seconds * NS_PER_S;
}
#else
static int64_t test_offset_ns(void)
{
	return 0;
}
#endif

void clock_read(struct clock_reading *now)
{
	now->boot_ns = read_ns(CLOCK_BOOTTIME);
	now->wall_ns = read_ns(CLOCK_REALTIME) + test_offset_ns();
}

int64_t clock_wall_s(void)
{
	struct clock_reading now;

	clock_read(&now);
	return now.wall_ns / NS_PER_S;
}

int64_t clock_step(struct clock_watch *w, const struct clock_reading *now)
{
	int64_t offset = now->wall_ns - now->boot_ns, step, slack;
	bool first = !w->set;

	step = offset - w->offset_ns;
	slack = STEP_FLOOR_NS + (now->boot_ns - w->boot_ns) / 1000;
	w->offset_ns = offset;
	w->boot_ns = now->boot_ns;
	w->set = true;
	if (first || (step <= slack && step >= -slack))
		return 0;
	return step;
}
