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
 * Time. A generation's rows carry its label (ctl.since[g], set by the
 * flip that began it) as `time`, and as totals.seconds the time to the
 * label of the generation after it (set by the flip that ended it): one
 * interval, except after a late tick or an outage. When the wall clock
 * stepped while a generation counted, the labels no longer measure it:
 * the loader gives its seconds, measured on the boot clock.
 *
 * A step back. Labels follow the wall clock, also back, but a time
 * never gets rows twice: a label at or before last_written is free only
 * if totals.csv has no row of that time (the rows written while the
 * clock was ahead: sensor/rowtimes.c). At a tick whose label is taken,
 * the loader does not flip: the generation counts on, and becomes one
 * row as long as the taken intervals it passes over.
 *
 * Outage (the rows of a drain cannot be written: disk full, I/O error).
 * The append is cut back, the generation keeps its counts, and the
 * loader does not flip again: a flip would put the counting generation's
 * counts where the unwritten ones are, or make the unwritten generation
 * count again, mixing intervals. So the kernel counts on into the other
 * generation, and every interval (drain_retry) the unwritten one is
 * written again. Once it is, the same drain flips: the generation that
 * counted through the outage becomes one row, labelled with the interval
 * the outage began in and as many seconds long as it lasted; the
 * intervals in between have no row of their own. Said once in the log
 * when it begins, once when it ends.
 *
 * Stop (drain_stop, the interface is gone and the kernel counts
 * nothing): the interval being counted ends as on exit, and no rows are
 * written until drain_resume() labels the counting generation, as a
 * restart does: the intervals in between are a gap, not rows of zeros.
 *
 * Reading a live hash map and deleting its keys (or
 * LOOKUP_AND_DELETE_BATCH) would lose the increments that race the
 * delete; the flip races nothing.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "common/calendar.h"
#include "lib/log.h"
#include "sensor/clock.h"
#include "sensor/drain.h"
#include "sensor/genread.h"
#include "sensor/rows.h"

/*
 * Fault injection for the recovery tests: XDP_TELESCOPE_FAULT=<point>
 * makes the loader die like kill -9 at that point of the first drain
 * that has packets to write; XDP_TELESCOPE_STALL=<point> makes it stop
 * there for 2 s, once, so that a test can signal it in the middle.
 */
static void fault_point(const char *point, const struct snapshot *snap)
{
	const char *want = getenv("XDP_TELESCOPE_FAULT");
	const char *stall = getenv("XDP_TELESCOPE_STALL");
	static bool stalled;

	if (want && !strcmp(want, point) && snap->totals.packets) {
		pr_info("fault injected at '%s': exiting", point);
		_exit(137);
	}
	if (stall && !strcmp(stall, point) && snap->totals.packets && !stalled) {
		stalled = true;
		pr_info("stall injected at '%s': 2 s", point);
		sleep(2);
	}
}

void drain_keep_memory(void)
{
	/*
	 * A drain of a million sources takes ~250 MB of buffers (snapshot,
	 * source table, rows) and gives them back. Memory the process gets
	 * afresh costs a page fault per page on first touch, and in a VM that
	 * is dear: 256 MB in 2.4-2.9 s on the benchmark machine, against
	 * 0.02-0.06 s for pages already mapped — more than the rest of a
	 * drain. So large blocks come from the heap (no mmap of their own)
	 * and the heap is never trimmed: every drain after the first reuses
	 * the pages of the one before. The loader's resident size stays at
	 * its peak between drains, which it reaches every drain anyway.
	 */
	mallopt(M_MMAP_MAX, 0);
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
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

/*
 * totals.seconds of generation g, which is quiescent: from its label to
 * the label the flip that ended it gave the next generation, at least
 * one interval (a last drain on exit labels the next generation with its
 * own interval).
 */
static __u64 row_seconds(const struct drain *d, int g)
{
	struct ts_ctl ctl;
	__u64 end;

	if (ctl_read(d->maps, &ctl))
		return d->interval;
	end = ctl.since[g ^ 1];
	if (end < ctl.since[g] + d->interval)
		end = ctl.since[g] + d->interval;
	return end - ctl.since[g];
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

const double drain_bounds[DRAIN_BUCKETS] = {
	0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

void drain_record_add(struct drain_record *r, double seconds, int64_t when,
		      const size_t rows[S_COUNT], const uint64_t entries[3])
{
	r->drains++;
	r->seconds_sum += seconds;
	for (int b = 0; b < DRAIN_BUCKETS; b++)
		if (seconds <= drain_bounds[b])
			r->le[b]++;
	r->last_drain = when;
	for (int s = 0; s < S_COUNT; s++)
		r->rows[s] += rows[s];
	memcpy(r->entries, entries, sizeof(r->entries));
}

/* What a completed drain adds to d->record. */
static void record_drain(const struct drain *d, const struct snapshot *snap,
			 const struct strbuf rows[S_COUNT], double seconds)
{
	size_t lines[S_COUNT];
	uint64_t entries[3] = { snap->nflows, snap->nbs, snap->ntags };

	if (!d->record)
		return;
	for (int s = 0; s < S_COUNT; s++) {
		lines[s] = 0;
		for (size_t i = 0; i < rows[s].len; i++)
			lines[s] += rows[s].buf[i] == '\n';
	}
	drain_record_add(d->record, seconds, clock_wall_s(), lines, entries);
}

/* drain_generation(), its row `seconds` long (0: from the labels). */
static int drain_gen(struct drain *d, int g, bool skip_if_empty, __u64 seconds)
{
	const struct sensor_maps *m = d->maps;
	struct strbuf rows[S_COUNT];
	struct snapshot snap;
	double t[5]; /* start, read, rows built, written, cleared */
	int err = -1;

	t[0] = mono_s();
	d->out->error[0] = '\0';
	if (gen_read(m, g, &snap))
		return -1;
	snap.seconds = seconds ? seconds : row_seconds(d, g);
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
		 * Nothing is lost: the counts stay in the generation (the
		 * caller writes them again later). What was appended is cut
		 * back; if that failed, WRITING stays, so that recover() cuts
		 * back before anything else is written.
		 */
		if (!output_rollback(d->out, snap.since, g))
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
	rowtimes_add(&d->written, snap.since);
	err = 0;
	t[4] = mono_s();
	record_drain(d, &snap, rows, t[4] - t[0]);
	if (ts_verbose)
		log_drain(&snap, t);
out:
	if (err && d->record)
		d->record->failed++;
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&rows[i]);
	snapshot_free(&snap);
	return err;
}

int drain_generation(struct drain *d, int g, bool skip_if_empty)
{
	return drain_gen(d, g, skip_if_empty, 0);
}

/* Finish a drain a previous loader (or attempt) left in WRITING or WRITTEN. */
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

/*
 * The idle generation's rows could not be written: say so, once an
 * outage. They are `seconds` long (0: from the labels).
 */
static void outage_begins(struct drain *d, __u64 seconds)
{
	struct ts_ctl ctl;
	char when[21] = "?";
	int idle;

	if (d->unwritten) {
		if (d->out->error[0])
			pr_debug("still failing: %s", d->out->error);
		return;
	}
	d->unwritten = true;
	d->outage_since = (__u64)clock_wall_s();
	if (d->out->error[0])
		pr_err("%s", d->out->error);
	if (ctl_read(d->maps, &ctl))
		return;
	idle = (int)((ctl.gen & 1) ^ 1);
	/* its length now: a relabel before it is written must not stretch it */
	d->unwritten_seconds = seconds ? seconds : row_seconds(d, idle);
	format_time((int64_t)ctl.since[idle], when);
	pr_warn("the rows of %s cannot be written: their counts wait in the "
		"kernel and are written as soon as the output takes them (tried "
		"every interval); what is counted until then becomes one row", when);
}

static void outage_ends(struct drain *d)
{
	struct ts_ctl ctl;
	char when[21] = "?", next[21] = "?";

	d->unwritten = false;
	if (!ctl_read(d->maps, &ctl)) {
		format_time((int64_t)ctl.since[(ctl.gen & 1) ^ 1], when);
		format_time((int64_t)ctl.since[ctl.gen & 1], next);
	}
	pr_info("writing works again after %llu s: the rows of %s are written; "
		"the next row, %s, covers the time since as one row",
		(unsigned long long)((__u64)clock_wall_s() - d->outage_since), when, next);
}

int drain_retry(struct drain *d)
{
	struct ts_ctl ctl;

	if (!d->unwritten)
		return 0;
	if (ctl_read(d->maps, &ctl) || recover(d, &ctl))
		return -1;
	/* recover() may have finished it: WRITTEN means on disk */
	if (ctl.drain_phase != TS_DRAIN_WRITTEN &&
	    drain_gen(d, (int)((ctl.gen & 1) ^ 1), false, d->unwritten_seconds)) {
		outage_begins(d, 0);
		return -1;
	}
	outage_ends(d);
	return 0;
}

/*
 * Whether rows of time t exist or are still to come from a generation
 * that is not counting: the last written, the one waiting to be
 * written, or (before the last written: the clock stepped back) a row in
 * totals.csv.
 */
static bool has_rows(struct drain *d, const struct ts_ctl *ctl, __u64 t)
{
	if (t == ctl->last_written || (d->unwritten && t == ctl->since[(ctl->gen & 1) ^ 1]))
		return true;
	if (t > ctl->last_written)
		return false;
	if (!rowtimes_cover(&d->written, t))
		rowtimes_load(&d->written, d->out, d->sensor, t, ctl->last_written);
	return rowtimes_has(&d->written, t);
}

bool drain_label_free(struct drain *d, __u64 t)
{
	struct ts_ctl ctl;
	char when[21], since[21];

	if (ctl_read(d->maps, &ctl) || t == ctl.since[ctl.gen & 1])
		return false;
	if (!has_rows(d, &ctl, t))
		return true;
	if (t < ctl.last_written && !d->folding) {
		d->folding = true;
		format_time((int64_t)t, when);
		format_time((int64_t)ctl.since[ctl.gen & 1], since);
		pr_warn("%s already has rows (written while the wall clock was ahead): "
			"the row of %s counts on until the first interval without rows",
			when, since);
	}
	return false;
}

/*
 * Label the counting generation with an interval that has no rows: the
 * current one, or the first after it that has none (a restart inside an
 * interval it wrote, or after the clock stepped back).
 */
static int relabel(struct drain *d)
{
	struct ts_ctl ctl;
	__u64 t;

	if (ctl_read(d->maps, &ctl))
		return -1;
	t = interval_start((__u64)clock_wall_s(), d->interval);
	while (has_rows(d, &ctl, t))
		t += d->interval;
	ctl.since[ctl.gen & 1] = t;
	return ctl_write(d->maps, &ctl);
}

int drain_start(struct drain *d, unsigned interval)
{
	struct ts_ctl ctl;
	int idle;

	d->interval = interval;
	if (ctl_read(d->maps, &ctl) || recover(d, &ctl))
		return -1;
	/*
	 * The loader died between a flip and the end of a drain: the idle
	 * generation holds counts that were never written. (It may even have
	 * died between writing ctl.gen and the wait: wait now.) If they
	 * cannot be written now, they wait as in any outage.
	 */
	idle = (int)((ctl.gen & 1) ^ 1);
	if (wait_for_writers(d->maps, idle))
		return -1;
	if (drain_generation(d, idle, true))
		outage_begins(d, 0);
	/*
	 * What was counted while no loader ran goes into the next rows; an
	 * interval never gets rows from two drains, so after a restart inside
	 * an interval that has rows, the next one does.
	 */
	return relabel(d);
}

/* Flip to a generation labelled next_since and write the old one. */
static int flip_and_write(struct drain *d, __u64 next_since, __u64 seconds)
{
	int old = drain_flip(d, next_since);

	if (old < 0)
		return -1;
	d->flips++;
	d->folding = false;
	if (drain_gen(d, old, false, seconds)) {
		outage_begins(d, seconds);
		return -1;
	}
	return 0;
}

int drain_interval(struct drain *d, __u64 next_since, __u64 seconds)
{
	if (drain_retry(d))
		return -1;
	return flip_and_write(d, next_since, seconds);
}

int drain_stop(struct drain *d, __u64 seconds)
{
	/*
	 * While rows still wait to be written there is no flip: the counting
	 * generation keeps its counts and its label, and the flip is tried
	 * again with the retry, every interval until drain_resume().
	 */
	if (drain_retry(d))
		return -1;
	if (d->stopped)
		return 0; /* flipped already: nothing counts, nothing to write */
	d->stopped = true;
	return flip_and_write(d, interval_start((__u64)clock_wall_s(), d->interval), seconds);
}

int drain_resume(struct drain *d)
{
	/* not stopped: the output failed throughout, the row spans the gap */
	if (!d->stopped)
		return 0;
	d->stopped = false;
	return relabel(d);
}
