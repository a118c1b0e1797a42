// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drain protocol (sensor/drain.c) under BPF_PROG_TEST_RUN, racing the
 * program: sender threads on other CPUs run frames through the real
 * classifier while the real drain flips the generations and writes the
 * CSV files, and every packet must be in exactly one row
 * (tests/lib/draintest.h, csvread.h). Needs root (or CAP_BPF +
 * CAP_NET_ADMIN).
 */
#define _GNU_SOURCE /* pthread_setaffinity_np, CPU_SET */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.h"
#include "telescope.skel.h"
#include "common/calendar.h"
#include "common/contract.h"
#include "sensor/drain.h"
#include "pktbuild.h"
#include "bpftest.h"
#include "draintest.h"
#include "csvread.h"
#include "kfeature.h"

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- drains racing the program on other CPUs ---- */

#define RACE_FRAMES 128
#define RACE_REPEAT 256
#define RACE_DRAINS 200 /* and a final one after the senders stop */
#define RACE_SECONDS 8  /* or fewer drains, on a slow machine */
#define RACE_MIRAI 1    /* the frame that is a Mirai-type SYN */

static const __u16 race_ports[] = { 22, 23, 80, 443, 445, 3389, 5060, 8080 };

struct sender {
	pthread_t thread;
	int prog_fd;
	int cpu;                   /* -1: not pinned */
	const struct frame *frames; /* RACE_FRAMES of them */
	size_t first;              /* where in them this sender starts */
	atomic_bool *stop;
	__u64 sent[RACE_FRAMES];   /* packets run, per frame */
	__u64 runs;                /* test runs */
	int err;                   /* an error number, or -1: not XDP_DROP */
	const char *what;          /* what failed */
};

/*
 * Run the frames in turn, RACE_REPEAT packets a test run, until told to
 * stop; count exactly what ran. No cmocka here: the main thread asserts.
 */
static void *sender_main(void *arg)
{
	struct sender *s = arg;
	uint8_t out[PB_MAX_FRAME];

	if (s->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(s->cpu, &set);
		s->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (s->err) {
			s->what = "pthread_setaffinity_np";
			return NULL;
		}
	}
	for (size_t k = s->first; !atomic_load(s->stop); k++) {
		size_t i = k % RACE_FRAMES;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = s->frames[i].buf,
			    .data_size_in = (__u32)s->frames[i].len, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = RACE_REPEAT);

		if (bpf_prog_test_run_opts(s->prog_fd, &opts)) {
			s->err = errno;
			s->what = "bpf_prog_test_run_opts";
			break;
		}
		if (opts.retval != XDP_DROP) {
			s->err = -1;
			s->what = "the verdict";
			break;
		}
		s->sent[i] += RACE_REPEAT;
		s->runs++;
	}
	return NULL;
}

/* Distinct sources (every sixth IPv6), eight ports, TCP and UDP. */
static void race_frames(struct frame *frames)
{
	char src[64];

	for (int i = 0; i < RACE_FRAMES; i++) {
		if (i % 6 == 5)
			snprintf(src, sizeof(src), "2001:db8:7::%x", i + 1);
		else
			snprintf(src, sizeof(src), "203.0.%d.%d", 113 + i / 200, 1 + i % 200);
		frame_make(&frames[i], src, i % 4 == 3 ? PB_UDP : PB_TCP,
			   race_ports[(i + i / 8) % ARRAY_LEN(race_ports)],
			   i == RACE_MIRAI);
	}
}

/* One run of the race: the frames, the senders, what they ran. */
struct race {
	struct frame frames[RACE_FRAMES];
	struct sender snd[2];
	int nsend;
	long ncpu;
	atomic_bool stop;
	int drains;
	__u64 sent, mirai, runs; /* packets, those of RACE_MIRAI, test runs */
};

/* Senders on CPUs 0 and 1 (one unpinned on a single CPU). */
static void race_start(struct race *r, struct fixture *f)
{
	r->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	r->nsend = r->ncpu >= 2 ? 2 : 1;
	atomic_store(&r->stop, false);
	race_frames(r->frames);
	assert_int_equal(r->frames[RACE_MIRAI].proto, PB_TCP);
	for (int t = 0; t < r->nsend; t++) {
		struct sender *s = &r->snd[t];

		memset(s, 0, sizeof(*s));
		s->prog_fd = bpf_program__fd(f->skel->progs.xdp_telescope);
		s->cpu = r->ncpu >= 2 ? t : -1;
		s->frames = r->frames;
		s->first = (size_t)t * RACE_FRAMES / 2;
		s->stop = &r->stop;
		assert_int_equal(pthread_create(&s->thread, NULL, sender_main, s), 0);
	}
}

/* Stop and join the senders; add up what they ran. */
static void race_stop(struct race *r)
{
	atomic_store(&r->stop, true);
	for (int t = 0; t < r->nsend; t++)
		pthread_join(r->snd[t].thread, NULL);
	for (int t = 0; t < r->nsend; t++) {
		const struct sender *s = &r->snd[t];

		if (s->err)
			fail_msg("sender %d: %s failed (%d)", t, s->what, s->err);
		for (int i = 0; i < RACE_FRAMES; i++)
			r->sent += s->sent[i];
		r->mirai += s->sent[RACE_MIRAI];
		r->runs += s->runs;
	}
}

/* Packets the senders ran to (proto, port). */
static __u64 race_sent_to(const struct race *r, __u8 proto, __u16 port)
{
	__u64 n = 0;

	for (int t = 0; t < r->nsend; t++)
		for (int i = 0; i < RACE_FRAMES; i++)
			if (r->frames[i].proto == proto && r->frames[i].port == port)
				n += r->snd[t].sent[i];
	return n;
}

/*
 * The rows of the race: one totals row a drain, each interval once, every
 * packet run in exactly one row, per (proto, port) what was sent there,
 * and per interval Σ ports = totals. The intervals that had packets.
 */
static size_t expect_race_rows(struct fixture *f, const struct race *r)
{
	struct csv_file totals, ports, countries;
	size_t busy = 0;

	csv_load(&totals, f, S_TOTALS);
	csv_load(&ports, f, S_PORTS);
	csv_load(&countries, f, S_COUNTRIES);
	assert_int_equal(totals.n, r->drains);
	for (int i = 0; i < r->drains; i++) {
		char when[21];
		size_t rows;

		csv_sum_rows(&totals, "packets", &rows, "time",
			     row_time(f->t0 + (__u64)i * INTERVAL, when), NULL);
		if (rows != 1)
			fail_msg("totals.csv has %zu rows for %s", rows, when);
	}
	assert_int_equal(csv_sum(&totals, "packets", NULL), r->sent);
	assert_int_equal(csv_sum(&ports, "packets", NULL), r->sent);
	assert_int_equal(csv_sum(&totals, "mirai", NULL), r->mirai);
	assert_int_equal(csv_sum(&ports, "mirai", NULL), r->mirai);
	assert_int_equal(csv_sum(&countries, "packets", NULL),
			 r->sent - csv_sum(&totals, "overflow", NULL));
	for (size_t p = 0; p < ARRAY_LEN(race_ports); p++)
		for (int udp = 0; udp < 2; udp++) {
			__u8 proto = udp ? PB_UDP : PB_TCP;
			char name[4], port[8];

			snprintf(port, sizeof(port), "%u", race_ports[p]);
			assert_int_equal(csv_sum(&ports, "packets", "proto",
						 proto_name(proto, name), "port",
						 port, NULL),
					 race_sent_to(r, proto, race_ports[p]));
		}
	for (size_t i = 0; i < totals.n; i++) {
		const char *when = csv_cell(&totals, i, "time");
		__u64 want = csv_num(&totals, i, "packets");

		if (packets_at(&ports, (__u64)parse_time(when), NULL) != want)
			fail_msg("%s: Σ ports.packets is not totals.packets %llu",
				 when, (unsigned long long)want);
		busy += want > 0;
	}
	csv_free(&countries);
	csv_free(&ports);
	csv_free(&totals);
	return busy;
}

static void drains_race_senders(void **state)
{
	static struct race r;
	struct fixture *f = *state;
	double start = mono_s();
	int bad_drain = 0;
	size_t busy;

	memset(&r, 0, sizeof(r));
	race_start(&r, f);
	/* no assertion until the senders are joined */
	while (r.drains < RACE_DRAINS && !bad_drain &&
	       mono_s() - start < RACE_SECONDS) {
		if (drain_interval(&f->d, f->t0 + (__u64)(r.drains + 1) * INTERVAL, 0))
			bad_drain = r.drains + 1;
		else
			r.drains++;
	}
	race_stop(&r);
	if (bad_drain)
		fail_msg("drain %d failed", bad_drain);
	/* what was counted since the last flip */
	assert_int_equal(drain_interval(&f->d, f->t0 + (__u64)(r.drains + 1) * INTERVAL, 0), 0);
	r.drains++;

	busy = expect_race_rows(f, &r);
	assert_int_equal(ctl_get(f).drained.packets, r.sent);
	/* the drains did happen while packets were counted */
	assert_true(busy >= 2);
	printf("drains racing %d sender%s on %ld CPUs: %d drains, %llu packets "
	       "in %llu test runs, %zu intervals with packets, %.1f s\n",
	       r.nsend, r.nsend > 1 ? "s" : "", r.ncpu, r.drains,
	       (unsigned long long)r.sent, (unsigned long long)r.runs, busy,
	       mono_s() - start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(drains_race_senders, draintest_setup, draintest_teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("the drain protocol: racing the program", tests, NULL, NULL);
}
