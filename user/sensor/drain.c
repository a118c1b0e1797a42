// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drain protocol: every packet in exactly one row of each series.
 *
 * Each counting map exists twice, generation 0 and 1, behind an
 * ARRAY_OF_MAPS (bpf/classifier.bpf.h). Per packet the program reads the
 * generation from the control map `ctl` once and writes only that
 * generation's maps, so one packet lands entirely in one generation.
 *
 * Flip (drain_flip). Write the other generation into ctl.gen, then
 * rewrite one slot of an ARRAY_OF_MAPS from user space (wait_for_writers):
 * the kernel returns from that update only after an RCU grace period
 * (maybe_wait_bpf_programs()), i.e. once every program run that could
 * have read the old ctl.gen has finished. The old generation is then
 * quiescent: nothing writes it until the next flip.
 *
 * Drain (drain_generation). Read the quiescent generation whole, turn it
 * into rows, append them to the day's files, clear it. Three phases are
 * kept in ctl (pinned with the maps, so they survive the loader):
 *
 *   WRITING  set before the first byte is appended. The output journal
 *            (sensor/output.c) holds every file's size from before.
 *   WRITTEN  set once every file is appended and fsync()ed, together
 *            with last_written and the running totals for `status`.
 *   IDLE     set once the generation is cleared.
 *
 * Recovery (drain_start), for a loader killed at any instant:
 *   - killed before WRITING: the old generation still holds its counts;
 *     it is drained now;
 *   - killed in WRITING: the files are cut back to the journal's sizes
 *     and the generation, still whole, is drained again;
 *   - killed in WRITTEN: the rows are on disk; only clearing remains.
 * So a drain is done once, never twice, never half.
 *
 * One row per key and interval: ctl.last_written is the row time of the
 * last drain written; a restarted loader labels the counting generation
 * with a later interval, so no interval gets rows from two drains.
 *
 * Reading a live hash map and deleting its keys (or
 * LOOKUP_AND_DELETE_BATCH) would lose the increments that race the
 * delete; the flip races nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "common/calendar.h"
#include "lib/log.h"
#include "sensor/drain.h"
#include "sensor/rows.h"

/*
 * Fault injection for the recovery tests: XDP_TELESCOPE_FAULT=<point>
 * makes the loader die like kill -9 at that point of the first drain
 * that has packets to write.
 */
static void fault_point(const char *point, const struct snapshot *snap)
{
	const char *want = getenv("XDP_TELESCOPE_FAULT");

	if (want && !strcmp(want, point) && snap->totals.packets) {
		pr_info("fault injected at '%s': exiting", point);
		_exit(137);
	}
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Wait until no program run that read generation g from ctl is still
 * running: rewrite slot g of an ARRAY_OF_MAPS with the map already in
 * it; the update returns only after an RCU grace period.
 */
static int wait_for_writers(const struct sensor_maps *m, int g)
{
	__u32 slot = (__u32)g;
	int inner_fd = m->gen[g][GM_TOTALS];

	if (bpf_map_update_elem(m->outer_totals_fd, &slot, &inner_fd, BPF_ANY)) {
		pr_err("cannot wait for the generation switch: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int drain_flip(const struct drain *d, __u64 next_since)
{
	const struct sensor_maps *m = d->maps;
	struct ts_ctl ctl;
	__u32 old;

	if (ctl_read(m, &ctl))
		return -1;
	old = ctl.gen & 1;
	ctl.gen = old ^ 1;
	ctl.since[old ^ 1] = next_since;
	if (ctl_write(m, &ctl) || wait_for_writers(m, (int)old))
		return -1;
	return (int)old;
}

static int set_phase(const struct sensor_maps *m, enum ts_drain_phase phase, int gen)
{
	struct ts_ctl ctl;

	if (ctl_read(m, &ctl))
		return -1;
	ctl.drain_phase = phase;
	ctl.drain_gen = (__u32)gen;
	return ctl_write(m, &ctl);
}

/* WRITTEN, with what the drain adds to last_written and the totals. */
static int set_written(const struct sensor_maps *m, int gen, const struct snapshot *snap)
{
	struct ts_ctl ctl;

	if (ctl_read(m, &ctl))
		return -1;
	ctl.drain_phase = TS_DRAIN_WRITTEN;
	ctl.drain_gen = (__u32)gen;
	if (snap->since > ctl.last_written)
		ctl.last_written = snap->since;
	totals_add(&ctl.drained, &snap->totals);
	snapshot_tag_packets(snap, ctl.tag_drained);
	return ctl_write(m, &ctl);
}

static void log_drain(const struct snapshot *snap, const double t[5])
{
	char when[21];

	format_time((int64_t)snap->since, when);
	pr_info("drained %s: %llu packets, %zu flows, %zu backscatter keys, %llu "
		"overflow, in %.3f s (read %.3f, rows %.3f, write %.3f, clear %.3f)",
		when, (unsigned long long)snap->totals.packets, snap->nflows, snap->nbs,
		(unsigned long long)snap->totals.overflow, t[4] - t[0], t[1] - t[0],
		t[2] - t[1], t[3] - t[2], t[4] - t[3]);
}

int drain_generation(const struct drain *d, int g, bool skip_if_empty)
{
	const struct sensor_maps *m = d->maps;
	struct strbuf rows[S_COUNT];
	struct snapshot snap;
	double t[5]; /* start, read, rows built, written, cleared */
	int err = -1;

	t[0] = mono_s();
	if (gen_read(m, g, &snap))
		return -1;
	t[1] = mono_s();
	if (skip_if_empty && snapshot_empty(&snap)) {
		snapshot_free(&snap);
		return 0;
	}
	for (int i = 0; i < S_COUNT; i++)
		sb_init(&rows[i]);

	if (set_phase(m, TS_DRAIN_WRITING, g))
		goto out;
	fault_point("before-write", &snap);
	rows_build(&snap, d->geo, d->names, d->sensor, rows);
	t[2] = mono_s();
	if (output_append(d->out, snap.since, g, rows)) {
		/*
		 * Nothing is lost: cut back what was written and leave the
		 * counts in the generation; they are written with a later
		 * interval once the output works again.
		 */
		output_rollback(d->out, snap.since, g);
		set_phase(m, TS_DRAIN_IDLE, g);
		goto out;
	}
	t[3] = mono_s();
	fault_point("after-write", &snap);
	if (set_written(m, g, &snap))
		goto out;
	fault_point("after-written", &snap);
	if (gen_clear_read(m, g, &snap) || set_phase(m, TS_DRAIN_IDLE, g))
		goto out;
	output_done(d->out);
	err = 0;
	t[4] = mono_s();
	if (ts_verbose)
		log_drain(&snap, t);
out:
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&rows[i]);
	snapshot_free(&snap);
	return err;
}

/* Finish a drain a previous loader left in WRITING or WRITTEN. */
static int recover(const struct drain *d, const struct ts_ctl *ctl)
{
	int g = (int)ctl->drain_gen;

	switch (ctl->drain_phase) {
	case TS_DRAIN_WRITTEN:
		pr_info("finishing a drain interrupted after its rows were written");
		if (gen_clear(d->maps, g) || set_phase(d->maps, TS_DRAIN_IDLE, g))
			return -1;
		output_done(d->out);
		return 0;
	case TS_DRAIN_WRITING:
		pr_info("redoing a drain interrupted while writing");
		if (output_rollback(d->out, ctl->since[g], g))
			return -1;
		return set_phase(d->maps, TS_DRAIN_IDLE, g);
	default:
		return 0;
	}
}

static __u64 interval_start(__u64 t, unsigned interval)
{
	return t - t % interval;
}

int drain_start(const struct drain *d, unsigned interval)
{
	struct ts_ctl ctl;
	__u64 start;
	__u32 active;
	int idle;

	if (ctl_read(d->maps, &ctl) || recover(d, &ctl))
		return -1;
	/*
	 * The loader died between a flip and the end of a drain: the idle
	 * generation holds counts that were never written. (It may even have
	 * died between writing ctl.gen and the wait: wait now.)
	 */
	idle = (int)((ctl.gen & 1) ^ 1);
	if (wait_for_writers(d->maps, idle) || drain_generation(d, idle, true) ||
	    ctl_read(d->maps, &ctl))
		return -1;
	/*
	 * What was counted while no loader ran goes into the next rows; an
	 * interval never gets rows from two drains, so after a restart inside
	 * an interval that has rows, the next one does.
	 */
	active = ctl.gen & 1;
	start = interval_start((__u64)time(NULL), interval);
	if (ctl.since[active] < start)
		ctl.since[active] = start;
	if (ctl.last_written && ctl.since[active] <= ctl.last_written)
		ctl.since[active] = ctl.last_written + interval;
	return ctl_write(d->maps, &ctl);
}

__u64 drain_counting_since(const struct drain *d)
{
	struct ts_ctl ctl;

	if (ctl_read(d->maps, &ctl))
		return 0;
	return ctl.since[ctl.gen & 1];
}

int drain_interval(const struct drain *d, __u64 next_since)
{
	int old = drain_flip(d, next_since);

	return old < 0 ? -1 : drain_generation(d, old, false);
}
