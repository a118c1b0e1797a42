// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drain protocol (sensor/drain.c) under BPF_PROG_TEST_RUN: the real
 * classifier counts frames, the real drain flips the generations and
 * writes the CSV files into a temporary directory, and the files are read
 * back by their header names (tests/lib/draintest.h, csvread.h). One
 * flip, read and clear; and restarts after a loader killed in each phase
 * of a drain, the steps up to the kill done by hand. The drains racing
 * the program are tests/bpf/test_drain_race.c. Needs root (or CAP_BPF +
 * CAP_NET_ADMIN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.h"
#include "telescope.skel.h"
#include "common/contract.h"
#include "sensor/drain.h"
#include "sensor/flows4.h"
#include "sensor/genread.h"
#include "sensor/rows.h"
#include "pktbuild.h"
#include "bpftest.h"
#include "draintest.h"
#include "csvread.h"
#include "kfeature.h"

/* ---- frames ---- */

/* Several sources and ports, a Mirai-type SYN, an IPv6 source. */
static const struct {
	const char *src;
	__u8 proto;
	__u16 port;
	bool mirai;
	__u32 repeat;
} sample[] = {
	{ "203.0.113.7", PB_TCP, 80, false, 3 },
	{ "203.0.113.7", PB_TCP, 443, false, 1 },
	{ "203.0.113.8", PB_TCP, 22, false, 2 },
	{ "192.0.2.9", PB_UDP, 53, false, 4 },
	{ "203.0.113.10", PB_TCP, 23, true, 1 },
	{ "2001:db8:5::1", PB_TCP, 443, false, 2 },
};
#define SAMPLE_PACKETS 13
#define SAMPLE_SOURCES 5

/* Run the sample through the program, into the counting generation. */
static void run_sample(struct fixture *f)
{
	__u64 n = 0;

	for (size_t i = 0; i < ARRAY_LEN(sample); i++) {
		struct frame fr;

		frame_make(&fr, sample[i].src, sample[i].proto, sample[i].port,
			   sample[i].mirai);
		assert_int_equal(bpftest_run(f->skel, fr.buf, fr.len,
					     sample[i].repeat), XDP_DROP);
		n += sample[i].repeat;
	}
	assert_int_equal(n, SAMPLE_PACKETS);
}

/* ---- the generations ---- */

static struct ts_totals gen_totals(struct fixture *f, int g)
{
	struct ts_totals t;

	assert_int_equal(totals_read(f->maps.gen[g][GM_TOTALS], &t), 0);
	return t;
}

/* Generation g holds nothing: zero totals, no entry in any hash map. */
static void expect_gen_empty(struct fixture *f, int g)
{
	struct ts_totals t = gen_totals(f, g), zero = { 0 };
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), key = (__u32)g;
	struct ts_room room;

	assert_memory_equal(&t, &zero, sizeof(t));
	struct flows4_view slots;

	for (int i = GM_FLOWS6; i < GM_COUNT; i++)
		if (map_count(f->maps.gen[g][i]) != 0)
			fail_msg("generation %d: map %d (enum gen_map) holds %ld entries",
				 g, i, map_count(f->maps.gen[g][i]));
	assert_int_equal(flows4_open(f->maps.gen[g][GM_FLOWS4], false, &slots), 0);
	if (flows4_count(&slots))
		fail_msg("generation %d: flows4 holds %zu flows", g, flows4_count(&slots));
	flows4_close(&slots);
	/* and all its room for new flows back */
	assert_int_equal(bpf_obj_get_info_by_fd(f->maps.gen[g][GM_FLOWS6], &info, &len), 0);
	assert_int_equal(bpf_map_lookup_elem(f->maps.room_fd, &key, &room), 0);
	assert_int_equal(room.free, info.max_entries);
}

/* totals.csv has exactly one row for t, and it says `packets`. */
static void expect_one_totals_row(const struct csv_file *totals, __u64 t,
				  __u64 packets)
{
	char when[21];
	size_t rows;
	__u64 n = packets_at(totals, t, &rows);

	if (rows != 1)
		fail_msg("totals.csv has %zu rows for %s, not one", rows,
			 row_time(t, when));
	assert_int_equal(n, packets);
}

/*
 * Two intervals drained, T0 and the next, each with the sample: both
 * written exactly once with its packets, generation g (drained last)
 * empty and no longer counting, no drain pending, and the counting
 * generation labelled after the last row written.
 */
static void expect_two_intervals(struct fixture *f, int g)
{
	struct csv_file totals, ports;
	struct ts_ctl ctl;

	csv_load(&totals, f, S_TOTALS);
	csv_load(&ports, f, S_PORTS);
	assert_int_equal(totals.n, 2);
	expect_one_totals_row(&totals, f->t0, SAMPLE_PACKETS);
	expect_one_totals_row(&totals, f->t0 + INTERVAL, SAMPLE_PACKETS);
	assert_int_equal(packets_at(&ports, f->t0, NULL), SAMPLE_PACKETS);
	assert_int_equal(packets_at(&ports, f->t0 + INTERVAL, NULL), SAMPLE_PACKETS);
	assert_int_equal(csv_sum(&ports, "packets", NULL), 2 * SAMPLE_PACKETS);
	csv_free(&ports);
	csv_free(&totals);

	expect_gen_empty(f, g);
	ctl = ctl_get(f);
	assert_int_equal(ctl.gen & 1, g ^ 1);
	assert_int_equal(ctl.drain_phase, TS_DRAIN_IDLE);
	assert_int_equal(ctl.drained.packets, 2 * SAMPLE_PACKETS);
	assert_int_equal(ctl.tag_drained[TS_TAG_MIRAI], 2);
	assert_int_equal(ctl.last_written, f->t0 + INTERVAL);
	assert_true(ctl.since[ctl.gen & 1] > ctl.last_written);
	assert_int_equal(access(f->out.journal, F_OK), -1);
}

/* ---- one flip, read and clear ---- */

static void one_flip_read_clear(void **state)
{
	struct fixture *f = *state;
	struct csv_file totals, ports, countries;
	struct ts_ctl ctl = ctl_get(f);
	int old = (int)(ctl.gen & 1);
	char path[160];
	struct stat st;

	run_sample(f);
	assert_int_equal(gen_totals(f, old).packets, SAMPLE_PACKETS);
	assert_int_equal(drain_interval(&f->d, f->t0 + INTERVAL, 0), 0);

	/* the day's files: one totals row, every packet in ports.csv */
	snprintf(path, sizeof(path), "%s/" DAY "/totals.csv", f->dir);
	assert_int_equal(stat(path, &st), 0);
	csv_load(&totals, f, S_TOTALS);
	assert_int_equal(totals.files, 1);
	assert_int_equal(totals.n, 1);
	assert_string_equal(csv_cell(&totals, 0, "time"), T0);
	assert_string_equal(csv_cell(&totals, 0, "sensor"), SENSOR);
	assert_int_equal(csv_num(&totals, 0, "packets"), SAMPLE_PACKETS);
	assert_int_equal(csv_num(&totals, 0, "sources"), SAMPLE_SOURCES);
	assert_int_equal(csv_num(&totals, 0, "mirai"), 1);
	assert_int_equal(csv_num(&totals, 0, "overflow"), 0);
	csv_load(&ports, f, S_PORTS);
	assert_int_equal(csv_sum(&ports, "packets", NULL), SAMPLE_PACKETS);
	assert_int_equal(csv_sum(&ports, "packets", "proto", "tcp", "port", "443", NULL), 3);
	assert_int_equal(csv_sum(&ports, "sources", "proto", "tcp", "port", "443", NULL), 2);
	assert_int_equal(csv_sum(&ports, "packets", "proto", "udp", "port", "53", NULL), 4);
	assert_int_equal(csv_sum(&ports, "mirai", "port", "23", NULL), 1);
	csv_load(&countries, f, S_COUNTRIES);
	assert_int_equal(countries.n, 1);
	assert_string_equal(csv_cell(&countries, 0, "country"), COUNTRY_UNKNOWN);
	assert_int_equal(csv_num(&countries, 0, "packets"), SAMPLE_PACKETS);
	csv_free(&countries);
	csv_free(&ports);
	csv_free(&totals);

	/* the drained generation is empty, the drain finished */
	expect_gen_empty(f, old);
	ctl = ctl_get(f);
	assert_int_equal(ctl.gen & 1, old ^ 1);
	assert_int_equal(ctl.since[old ^ 1], f->t0 + INTERVAL);
	assert_int_equal(ctl.drain_phase, TS_DRAIN_IDLE);
	assert_int_equal(ctl.drained.packets, SAMPLE_PACKETS);
	assert_int_equal(ctl.tag_drained[TS_TAG_MIRAI], 1);
	assert_int_equal(ctl.last_written, f->t0);
	assert_int_equal(access(f->out.journal, F_OK), -1);

	/* after the flip the program counts into the other generation */
	run_sample(f);
	assert_int_equal(gen_totals(f, old ^ 1).packets, SAMPLE_PACKETS);
	expect_gen_empty(f, old);
	assert_int_equal(drain_interval(&f->d, f->t0 + 2 * INTERVAL, 0), 0);
	expect_two_intervals(f, old ^ 1);
}

/* ---- restarts after a loader killed in the middle of a drain ---- */

enum killed {
	KILLED_AFTER_FLIP, /* phase IDLE, the idle generation still counted */
	KILLED_WRITING,    /* rows appended (the last one torn), not cleared */
	KILLED_WRITTEN,    /* rows on disk, WRITTEN recorded, not cleared */
};

/*
 * What a loader killed at `when` leaves: one interval (T0) drained whole,
 * the sample counted again and flipped out of the counting generation,
 * then drain_generation()'s steps on it, by hand, up to the kill. The
 * generation the killed drain was draining.
 */
static int killed_loader(struct fixture *f, enum killed when)
{
	struct strbuf rows[S_COUNT];
	struct snapshot snap;
	struct ts_ctl ctl;
	char path[160];
	FILE *torn;
	int g;

	run_sample(f);
	assert_int_equal(drain_interval(&f->d, f->t0 + INTERVAL, 0), 0);
	run_sample(f);
	g = drain_flip(&f->d, f->t0 + 2 * INTERVAL);
	assert_true(g == 0 || g == 1);
	if (when == KILLED_AFTER_FLIP)
		return g;

	assert_int_equal(gen_read(&f->maps, g, &snap), 0);
	assert_int_equal(snap.since, f->t0 + INTERVAL);
	assert_int_equal(snap.totals.packets, SAMPLE_PACKETS);
	ctl = ctl_get(f);
	ctl.drain_phase = TS_DRAIN_WRITING;
	ctl.drain_gen = (__u32)g;
	ctl_put(f, &ctl);
	for (int i = 0; i < S_COUNT; i++)
		sb_init(&rows[i]);
	rows_build(&snap, NULL, &f->names, SENSOR, rows);
	assert_int_equal(output_append(&f->out, snap.since, g, rows), 0);
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&rows[i]);

	if (when == KILLED_WRITING) {
		/* killed while appending: half a row more */
		snprintf(path, sizeof(path), "%s/" DAY "/ports.csv", f->dir);
		torn = fopen(path, "a");
		assert_non_null(torn);
		fputs("2026-11-30T10:01:00Z," SENSOR ",tcp,8", torn);
		assert_int_equal(fclose(torn), 0);
	} else {
		/* as drain_generation() records WRITTEN */
		ctl = ctl_get(f);
		ctl.drain_phase = TS_DRAIN_WRITTEN;
		if (snap.since > ctl.last_written)
			ctl.last_written = snap.since;
		totals_add(&ctl.drained, &snap.totals);
		snapshot_tag_packets(&snap, ctl.tag_drained);
		ctl_put(f, &ctl);
	}
	snapshot_free(&snap);
	return g;
}

/* Restart after `when`, then once more: the second start changes nothing. */
static void restart_after(struct fixture *f, enum killed when)
{
	int g = killed_loader(f, when);

	assert_int_equal(drain_start(&f->d, INTERVAL), 0);
	expect_two_intervals(f, g);
	assert_int_equal(drain_start(&f->d, INTERVAL), 0);
	expect_two_intervals(f, g);
}

static void killed_while_writing(void **state)
{
	restart_after(*state, KILLED_WRITING);
}

static void killed_once_written(void **state)
{
	restart_after(*state, KILLED_WRITTEN);
}

static void killed_after_the_flip(void **state)
{
	restart_after(*state, KILLED_AFTER_FLIP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_flip_read_clear, draintest_setup, draintest_teardown),
		cmocka_unit_test_setup_teardown(killed_while_writing, draintest_setup, draintest_teardown),
		cmocka_unit_test_setup_teardown(killed_once_written, draintest_setup, draintest_teardown),
		cmocka_unit_test_setup_teardown(killed_after_the_flip, draintest_setup, draintest_teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("the drain protocol", tests, NULL, NULL);
}
