// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drain protocol (sensor/drain.c) under BPF_PROG_TEST_RUN: the real
 * classifier counts frames, the real drain flips the generations and
 * writes the CSV files into a temporary directory, and the files are read
 * back by their header names. One flip, read and clear; drains racing
 * sender threads on other CPUs, with every packet in exactly one row; and
 * restarts after a loader killed in each phase of a drain, the steps up
 * to the kill done by hand. Needs root (or CAP_BPF + CAP_NET_ADMIN).
 */
#define _GNU_SOURCE /* pthread_setaffinity_np, CPU_SET */
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.h"
#include "telescope.skel.h"
#include "common/calendar.h"
#include "common/contract.h"
#include "lib/alloc.h"
#include "lib/csv.h"
#include "sensor/drain.h"
#include "sensor/rows.h"
#include "pktbuild.h"
#include "bpftest.h"

#define US4 "198.51.100.1"
#define US6 "2001:db8::1"
#define SENSOR "drain-test"
#define T0 "2026-11-30T10:00:00Z" /* row time of the first interval */
#define DAY "2026-11-30"
#define INTERVAL 60

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct fixture {
	struct telescope_bpf *skel;
	struct sensor_maps maps;
	struct output out;
	struct tag_names names;
	struct drain d;
	__u64 t0;
	char dir[64]; /* the output directory */
};

static struct ts_ctl ctl_get(struct fixture *f)
{
	struct ts_ctl ctl;

	assert_int_equal(ctl_read(&f->maps, &ctl), 0);
	return ctl;
}

static void ctl_put(struct fixture *f, const struct ts_ctl *ctl)
{
	assert_int_equal(ctl_write(&f->maps, ctl), 0);
}

static int remove_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/*
 * The classifier loaded, its counting generation labelled T0 as `run`
 * labels it, and a drain writing into a fresh directory.
 */
static int setup(void **state)
{
	/* room for every flow of the tests, quick to create */
	static const struct bpftest_opts o = { .sizes = { .max_sources = 4096,
							  .max_backscatter = 1024,
							  .max_tagged = 1024 } };
	struct fixture *f = calloc(1, sizeof(*f));
	struct ts_ctl ctl;

	assert_non_null(f);
	f->skel = bpftest_load(&o);
	maps_from_object(&f->maps, f->skel->obj);
	tag_names_init(&f->names);
	f->t0 = (__u64)parse_time(T0);
	ctl = ctl_get(f);
	ctl.layout = TELESCOPE_LAYOUT;
	ctl.since[ctl.gen & 1] = f->t0;
	ctl_put(f, &ctl);

	snprintf(f->dir, sizeof(f->dir), "/tmp/ts-test-drain-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (output_init(&f->out, f->dir, "test0", false)) {
		remove_dir(f->dir);
		return -1;
	}
	f->d = (struct drain){ .maps = &f->maps, .out = &f->out, .geo = NULL,
			       .names = &f->names, .sensor = SENSOR };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int err = remove_dir(f->dir);

	telescope_bpf__destroy(f->skel);
	free(f);
	return err;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *row_time(__u64 t, char buf[21])
{
	format_time((int64_t)t, buf);
	return buf;
}

/* ---- frames ---- */

struct frame {
	uint8_t buf[PB_MAX_FRAME];
	size_t len;
	__u8 proto;
	__u16 port;
};

/*
 * From src to our address of its family: a TCP SYN that matches no
 * fingerprint (or a Mirai-type one), or a UDP datagram.
 */
static void frame_make(struct frame *fr, const char *src, __u8 proto,
		       __u16 port, bool mirai)
{
	struct pb_packet p;

	pb_init(&p);
	pb_addrs(&p, src, strchr(src, ':') ? US6 : US4);
	p.proto = proto;
	p.dport = port;
	p.window = 29200;
	p.df = 1;
	if (proto == PB_UDP)
		pb_payload(&p, "probe", 5);
	if (mirai)
		p.seq = pb_dst_as_seq(&p);
	fr->len = pb_build(&p, fr->buf, sizeof(fr->buf), NULL);
	fr->proto = proto;
	fr->port = port;
}

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

	assert_memory_equal(&t, &zero, sizeof(t));
	for (int i = GM_FLOWS; i < GM_COUNT; i++)
		if (map_count(f->maps.gen[g][i]) != 0)
			fail_msg("generation %d: map %d (enum gen_map) holds %ld entries",
				 g, i, map_count(f->maps.gen[g][i]));
}

/* ---- the CSV files, read back ---- */

#define MAX_COLS 16

struct csv_rec {
	char *f[MAX_COLS];
};

/* Every day's file of one series: the header's names and the data rows. */
struct csv_file {
	enum series s;
	int ncols;
	char *head_text;
	char *head[MAX_COLS];
	struct strbuf text; /* the data rows of all days, split in place */
	struct csv_rec *rec;
	size_t n, cap;
	size_t files; /* days with a file of the series */
};

/* Append a file's data rows to `all`, after checking its header row. */
static void csv_read_file(struct strbuf *all, const char *path, enum series s)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool first = true;

	if (!in)
		fail_msg("cannot open %s", path);
	while ((len = getline(&line, &cap, in)) > 0) {
		if (first && (strncmp(line, series_header[s], strlen(series_header[s])) ||
			      strcmp(line + strlen(series_header[s]), "\n")))
			fail_msg("%s does not start with its header row: %s", path, line);
		if (!first)
			sb_append(all, line, (size_t)len);
		first = false;
	}
	free(line);
	fclose(in);
}

static void csv_load(struct csv_file *c, const struct fixture *f, enum series s)
{
	char pattern[128];
	glob_t g;
	int rc;

	memset(c, 0, sizeof(*c));
	c->s = s;
	sb_init(&c->text);
	c->head_text = xstrdup(series_header[s]);
	c->ncols = csv_split(c->head_text, c->head, MAX_COLS);
	assert_true(c->ncols > 0);

	snprintf(pattern, sizeof(pattern), "%s/*/%s.csv", f->dir, series_name[s]);
	rc = glob(pattern, 0, NULL, &g);
	assert_true(rc == 0 || rc == GLOB_NOMATCH);
	for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
		csv_read_file(&c->text, g.gl_pathv[i], s);
	if (rc == 0) {
		c->files = g.gl_pathc;
		globfree(&g);
	}

	for (char *line = c->text.buf, *end; line && *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			fail_msg("%s.csv ends in a torn row: %s", series_name[s], line);
		*end = '\0';
		XGROW(c->rec, c->cap, c->n + 1, 64);
		if (csv_split(line, c->rec[c->n].f, MAX_COLS) != c->ncols)
			fail_msg("%s.csv: row %zu has not %d fields", series_name[s],
				 c->n + 1, c->ncols);
		c->n++;
	}
}

static void csv_free(struct csv_file *c)
{
	sb_free(&c->text);
	free(c->rec);
	free(c->head_text);
}

static int csv_col(const struct csv_file *c, const char *name)
{
	for (int i = 0; i < c->ncols; i++)
		if (!strcmp(c->head[i], name))
			return i;
	fail_msg("%s.csv has no column %s", series_name[c->s], name);
	return -1;
}

static const char *csv_cell(const struct csv_file *c, size_t r, const char *name)
{
	return c->rec[r].f[csv_col(c, name)];
}

static __u64 csv_num(const struct csv_file *c, size_t r, const char *name)
{
	const char *v = csv_cell(c, r, name);
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (!*v || *end || errno)
		fail_msg("%s.csv row %zu: %s is not a count: '%s'",
			 series_name[c->s], r + 1, name, v);
	return n;
}

/* Does row r hold the (column, value) pairs of `ap`, NULL-terminated? */
static bool csv_match(const struct csv_file *c, size_t r, va_list ap)
{
	const char *name;

	while ((name = va_arg(ap, const char *))) {
		const char *want = va_arg(ap, const char *);

		if (strcmp(csv_cell(c, r, name), want))
			return false;
	}
	return true;
}

/*
 * Σ `column` over the rows that hold the (column, value) pairs after it,
 * NULL-terminated; *rows (if not NULL) gets how many rows matched.
 */
static __u64 csv_sum_rows(const struct csv_file *c, const char *column,
			  size_t *rows, ...)
{
	__u64 sum = 0;
	size_t n = 0;

	for (size_t r = 0; r < c->n; r++) {
		va_list ap;
		bool match;

		va_start(ap, rows);
		match = csv_match(c, r, ap);
		va_end(ap);
		if (match) {
			sum += csv_num(c, r, column);
			n++;
		}
	}
	if (rows)
		*rows = n;
	return sum;
}

#define csv_sum(c, column, ...) csv_sum_rows(c, column, NULL, __VA_ARGS__)

/* Rows of time t in c, and Σ packets over them. */
static __u64 packets_at(const struct csv_file *c, __u64 t, size_t *rows)
{
	char when[21];

	return csv_sum_rows(c, "packets", rows, "time", row_time(t, when), NULL);
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
	assert_int_equal(drain_interval(&f->d, f->t0 + INTERVAL), 0);

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
	assert_int_equal(drain_interval(&f->d, f->t0 + 2 * INTERVAL), 0);
	expect_two_intervals(f, old ^ 1);
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
		if (drain_interval(&f->d, f->t0 + (__u64)(r.drains + 1) * INTERVAL))
			bad_drain = r.drains + 1;
		else
			r.drains++;
	}
	race_stop(&r);
	if (bad_drain)
		fail_msg("drain %d failed", bad_drain);
	/* what was counted since the last flip */
	assert_int_equal(drain_interval(&f->d, f->t0 + (__u64)(r.drains + 1) * INTERVAL), 0);
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
	assert_int_equal(drain_interval(&f->d, f->t0 + INTERVAL), 0);
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
		cmocka_unit_test_setup_teardown(one_flip_read_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(drains_race_senders, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_while_writing, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_once_written, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_after_the_flip, setup, teardown),
	};

	return cmocka_run_group_tests_name("the drain protocol", tests, NULL, NULL);
}
