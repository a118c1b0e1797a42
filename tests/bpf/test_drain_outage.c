// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drain (sensor/drain.c) when its rows cannot be written, and when
 * the kernel stops counting, under BPF_PROG_TEST_RUN with the real
 * classifier and the real files (tests/lib/draintest.h): an outage
 * leaves the intervals before it one row each, the one whose drain
 * failed its own row once written, and the time until writing works
 * again one row as long as the outage, with no row of the intervals in
 * between; a stopped drain writes no rows at all until it resumes. Needs
 * root (or CAP_BPF + CAP_NET_ADMIN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/bpf.h>
#include <cmocka.h>

#include "telescope.h"
#include "common/contract.h"
#include "sensor/drain.h"
#include "draintest.h"
#include "bpftest.h"
#include "csvread.h"
#include "kfeature.h"

#define SAMPLE 6 /* packets a sample */

static void run_sample(struct fixture *f)
{
	static const char *const src[] = { "203.0.113.7", "198.51.100.9", "2001:db8:5::1" };
	struct frame fr;

	for (size_t i = 0; i < ARRAY_LEN(src); i++) {
		frame_make(&fr, src[i], PB_TCP, (__u16)(22 + i), false);
		assert_int_equal(bpftest_run(f->skel, fr.buf, fr.len, 2), XDP_DROP);
	}
}

/*
 * The output breaks: the directory of t's day (moved aside, if there is
 * one) is a file, so nothing opens in it; and works again.
 */
static void break_output(struct fixture *f, __u64 t, bool broken)
{
	char path[128], aside[140], when[21];
	struct stat st;

	row_time(t, when);
	snprintf(path, sizeof(path), "%s/%.10s", f->dir, when);
	snprintf(aside, sizeof(aside), "%s.aside", path);
	if (broken) {
		FILE *block;

		if (stat(path, &st) == 0)
			assert_int_equal(rename(path, aside), 0);
		block = fopen(path, "w");
		assert_non_null(block);
		assert_int_equal(fclose(block), 0);
	} else {
		assert_int_equal(unlink(path), 0);
		if (stat(aside, &st) == 0)
			assert_int_equal(rename(aside, path), 0);
	}
}

/* totals.csv has one row for t: `packets` packets over `seconds` seconds. */
static void expect_row(struct fixture *f, __u64 t, __u64 packets, __u64 seconds)
{
	struct csv_file totals;
	char when[21];
	size_t found = 0;

	csv_load(&totals, f, S_TOTALS);
	row_time(t, when);
	for (size_t r = 0; r < totals.n; r++) {
		if (strcmp(csv_cell(&totals, r, "time"), when))
			continue;
		found++;
		assert_int_equal(csv_num(&totals, r, "packets"), packets);
		assert_int_equal(csv_num(&totals, r, "seconds"), seconds);
	}
	if (found != 1)
		fail_msg("totals.csv has %zu rows for %s, not one", found, when);
	csv_free(&totals);
}

static size_t totals_rows(struct fixture *f)
{
	struct csv_file totals;
	size_t n;

	csv_load(&totals, f, S_TOTALS);
	n = totals.n;
	csv_free(&totals);
	return n;
}

/*
 * T written; the drain of T+1 fails; three more intervals fail (the
 * sample each); then writing works again at the end of T+5. Rows: T,
 * T+1 (one interval each), T+2 with the three intervals that counted
 * through the outage, 180 s; nothing for T+3 and T+4; every packet once.
 */
static void outage_becomes_one_row(void **state)
{
	struct fixture *f = *state;
	struct ts_ctl ctl;
	struct csv_file ports;
	int counting;
	__u64 t;

	assert_int_equal(drain_start(&f->d, INTERVAL), 0);
	ctl = ctl_get(f);
	t = ctl.since[ctl.gen & 1];
	run_sample(f);
	assert_int_equal(drain_interval(&f->d, t + INTERVAL, 0), 0);
	run_sample(f);
	break_output(f, t + INTERVAL, true); /* the day of the rows that fail */
	assert_int_equal(drain_interval(&f->d, t + 2 * INTERVAL, 0), -1);
	ctl = ctl_get(f);
	counting = (int)(ctl.gen & 1);
	assert_int_equal(ctl.since[counting], t + 2 * INTERVAL);
	assert_int_equal(ctl.drain_phase, TS_DRAIN_IDLE);
	assert_int_equal(ctl.last_written, t);
	assert_int_equal(access(f->out.journal, F_OK), -1);

	for (int i = 3; i <= 4; i++) {
		run_sample(f);
		assert_int_equal(drain_interval(&f->d, t + (__u64)i * INTERVAL, 0), -1);
		/* no flip: the same generation counts on, with its label */
		ctl = ctl_get(f);
		assert_int_equal(ctl.gen & 1, counting);
		assert_int_equal(ctl.since[counting], t + 2 * INTERVAL);
	}
	run_sample(f);
	break_output(f, t + INTERVAL, false);
	assert_int_equal(drain_interval(&f->d, t + 5 * INTERVAL, 0), 0);

	assert_int_equal(totals_rows(f), 3);
	expect_row(f, t, SAMPLE, INTERVAL);
	expect_row(f, t + INTERVAL, SAMPLE, INTERVAL);
	expect_row(f, t + 2 * INTERVAL, 3 * SAMPLE, 3 * INTERVAL);
	csv_load(&ports, f, S_PORTS);
	assert_int_equal(csv_sum(&ports, "packets", NULL), 5 * SAMPLE);
	csv_free(&ports);
	ctl = ctl_get(f);
	assert_int_equal(ctl.drained.packets, 5 * SAMPLE);
	assert_int_equal(ctl.last_written, t + 2 * INTERVAL);
	assert_int_equal(ctl.since[ctl.gen & 1], t + 5 * INTERVAL);
}

/*
 * A loader that starts while its output is broken: the generation a
 * previous loader left unwritten waits (start succeeds), and is written
 * with its own interval once the output works.
 */
static void start_during_outage(void **state)
{
	struct fixture *f = *state;
	struct ts_ctl ctl = ctl_get(f);
	int first = (int)(ctl.gen & 1);
	__u64 next;

	/* a loader killed after the flip that ended T0 */
	run_sample(f);
	assert_int_equal(drain_flip(&f->d, f->t0 + INTERVAL), first);
	break_output(f, f->t0, true);
	assert_int_equal(drain_start(&f->d, INTERVAL), 0);
	assert_true(f->d.unwritten);
	ctl = ctl_get(f);
	next = ctl.since[ctl.gen & 1] + INTERVAL;
	assert_true(ctl.since[ctl.gen & 1] > f->t0);
	assert_int_equal(drain_retry(&f->d), -1);
	break_output(f, f->t0, false);
	run_sample(f);
	assert_int_equal(drain_interval(&f->d, next, 0), 0);
	assert_int_equal(totals_rows(f), 2);
	expect_row(f, f->t0, SAMPLE, INTERVAL);
	expect_row(f, next - INTERVAL, SAMPLE, INTERVAL);
}

/*
 * The interface is gone: drain_stop() writes what was counted, then the
 * ticks of the gap (drain_retry() only) write nothing; drain_resume()
 * labels the counting generation after the last row and not before now.
 */
static void stopped_drain_writes_no_rows(void **state)
{
	struct fixture *f = *state;
	__u64 now = (__u64)time(NULL), since, start = now - now % INTERVAL;
	struct ts_ctl ctl = ctl_get(f);

	/* counting the current interval, as a loader does */
	ctl.since[ctl.gen & 1] = start;
	ctl_put(f, &ctl);
	f->d.interval = INTERVAL;
	run_sample(f);
	assert_int_equal(drain_stop(&f->d, 0), 0);
	assert_int_equal(totals_rows(f), 1);
	expect_row(f, start, SAMPLE, INTERVAL);
	for (int i = 0; i < 3; i++)
		assert_int_equal(drain_retry(&f->d), 0);
	assert_int_equal(totals_rows(f), 1);

	assert_int_equal(drain_resume(&f->d), 0);
	ctl = ctl_get(f);
	since = ctl.since[ctl.gen & 1];
	assert_true(since > ctl.last_written);
	assert_true(since >= start);
	run_sample(f);
	assert_int_equal(drain_interval(&f->d, since + INTERVAL, 0), 0);
	assert_int_equal(totals_rows(f), 2);
	expect_row(f, since, SAMPLE, INTERVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(outage_becomes_one_row, draintest_setup,
						draintest_teardown),
		cmocka_unit_test_setup_teardown(start_during_outage, draintest_setup,
						draintest_teardown),
		cmocka_unit_test_setup_teardown(stopped_drain_writes_no_rows, draintest_setup,
						draintest_teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("the drain in an outage", tests, NULL, NULL);
}
