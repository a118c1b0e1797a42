// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <unistd.h>
#include <sys/timerfd.h>
#include "lib/log.h"
#include "sensor/ticks.h"

int ticks_open(struct ticks *t, uint64_t flips)
{
	struct clock_reading now;

	*t = (struct ticks){ .flips = flips };
	t->fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC);
	if (t->fd < 0)
		return -1;
	ticks_read(t, &now);
	/* as good as it gets: a loader before may have begun it */
	t->began_ns = now.boot_ns;
	return 0;
}

void ticks_close(struct ticks *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

int ticks_arm(struct ticks *t, __u64 at)
{
	struct clock_reading now;
	struct itimerspec its = { 0 };
	int64_t when;

	clock_read(&now);
	when = now.boot_ns + ((int64_t)at * NS_PER_S - now.wall_ns);
	if (when <= now.boot_ns)
		when = now.boot_ns + 1;
	its.it_value.tv_sec = (time_t)(when / NS_PER_S);
	its.it_value.tv_nsec = (long)(when % NS_PER_S);
	return timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL);
}

int64_t ticks_read(struct ticks *t, struct clock_reading *now)
{
	int64_t step, seconds;

	clock_read(now);
	step = clock_step(&t->clock, now);
	if (!step)
		return 0;
	t->stepped = true;
	seconds = ((step < 0 ? -step : step) + NS_PER_S / 2) / NS_PER_S;
	if (step > 0)
		pr_warn("the wall clock stepped forward by %lld s: rows go on at its "
			"time; the row counting now is as long as it really counts",
			(long long)seconds);
	else
		pr_warn("the wall clock stepped back by %lld s: rows go on at its "
			"time; a time that has rows already (written while the clock "
			"was ahead) gets none again", (long long)seconds);
	return step;
}

__u64 ticks_counted(const struct ticks *t, const struct clock_reading *now)
{
	int64_t ns = now->boot_ns - t->began_ns;

	if (!t->stepped)
		return 0;
	return ns < NS_PER_S ? 1 : (__u64)((ns + NS_PER_S / 2) / NS_PER_S);
}

void ticks_flipped(struct ticks *t, uint64_t flips, const struct clock_reading *now)
{
	if (flips == t->flips)
		return;
	t->flips = flips;
	t->began_ns = now->boot_ns;
	t->stepped = false;
}
