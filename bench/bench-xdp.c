// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-xdp: what the classifier costs per packet, under
 * BPF_PROG_TEST_RUN with `repeat`, beside a bare XDP_DROP and the
 * floors, on six source mixes (mix.h).
 *
 * One pass sends `--packets` frames: each frame of the mix in turn, run
 * with a repeat count in proportion to its share, each packet from the
 * frame's next source (the program rewrites it: rewrite.bpf.h). Every
 * mix starts from fresh maps, which an arrival pass fills first: each
 * source's first packet, one packet a run, the frames interleaved in a
 * random order (mix_arrivals(): so a hash map's entries lie in memory as
 * traffic would leave them), reported apart ("fill"). Then the programs
 * take turns pass by pass so drift hits them alike; the median of the
 * --runs passes is the result.
 * Optionally writes each mix as a pcap file for the userspace baseline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "bench.skel.h"
#include "lib/options.h"
#include "listed.h"
#include "mix.h"
#include "results.h"
#include "rewrite.h"
#include "sensor/maps.h"
#include "sensor/tagcfg.h"
#include "telescope.h"

/* The payload rules the sensor loads unless told otherwise. */
#define DEFAULT_RULES "rules/default.rules"
/* A labelled list, so that every packet pays for the list lookup too. */
#define BENCH_LIST "bench/scanners.list"

#define MAX_RUNS 64
#define DEFAULT_FLOW_ENTRIES 524288 /* the classifier's --max-sources default */

enum prog_id {
	P_DROP, P_REWRITE, P_FLOOR, P_FLOOR_MIN, P_FLOOR_MIM, P_CLASSIFIER, P_NO_RULES,
	PROGS
};

static const char *const prog_name[PROGS] = {
	"drop", "rewrite", "floor", "floor-min", "floor-mim", "classifier",
	"classifier-norules",
};

static const char *const prog_what[PROGS] = {
	"bare XDP_DROP",
	"source rewrite only (harness)",
	"floor: one hash update",
	"minimal floor: 4-byte key",
	"floor via ARRAY_OF_MAPS",
	"classifier (ts_handle)",
	"classifier, payload rules off",
};

struct options {
	int runs;
	uint64_t packets;
	const char *csv;
	const char *pcap_dir;
	uint64_t pcap_packets;
	int only;		/* the index in mix_names; -1: every mix */
};

static struct bpf_program *program(struct bench_bpf *skel, enum prog_id id)
{
	switch (id) {
	case P_DROP: return skel->progs.bench_drop;
	case P_REWRITE: return skel->progs.bench_rewrite_only;
	case P_FLOOR: return skel->progs.bench_floor;
	case P_FLOOR_MIN: return skel->progs.bench_floor_min;
	case P_FLOOR_MIM: return skel->progs.bench_floor_mim;
	default: return skel->progs.bench_classifier; /* also P_NO_RULES */
	}
}

/* Flow maps large enough that every source of the mix fits, with headroom. */
static uint32_t flow_entries(uint32_t sources)
{
	uint64_t want = (uint64_t)sources * 3 / 2;

	return want > DEFAULT_FLOW_ENTRIES ? (uint32_t)want : DEFAULT_FLOW_ENTRIES;
}

/*
 * Load the shipped payload rules into the classifier's maps with the
 * loader's own code (user/tagcfg.c), as `xdp-telescope run` does: the
 * sensor here is only the maps that code writes.
 */
static int load_rules(struct bench_bpf *skel)
{
	struct tag_config cfg = { .rules_path = DEFAULT_RULES,
				  .list_paths = { BENCH_LIST }, .nlists = 1 };
	struct sensor_maps s;
	char err[256];

	memset(&s, 0, sizeof(s));
	maps_from_object(&s, skel->obj);
	tagcfg_read_names(&s, &cfg.names);
	if (tagcfg_apply(&s, &cfg, err, sizeof(err))) {
		fprintf(stderr, "bench-xdp: loading %s: %s\n", DEFAULT_RULES, err);
		return -1;
	}
	if (!cfg.nrules || !cfg.nprefixes) {
		fprintf(stderr, "bench-xdp: %s or %s is empty\n", DEFAULT_RULES,
			BENCH_LIST);
		return -1;
	}
	return 0;
}

static struct bench_bpf *load(const struct mix *m)
{
	uint32_t flows = flow_entries(m->sources);
	struct bench_bpf *skel = bench_bpf__open();
	struct sensor_maps s;
	int err;

	if (!skel) {
		fprintf(stderr, "bench-xdp: cannot open the bench object\n");
		return NULL;
	}
	maps_set_sizes(skel->obj, &(struct map_sizes){ .max_sources = flows,
						       .max_tagged = flows });
	bpf_map__set_max_entries(skel->maps.bench_floor_flows, flows);
	bpf_map__set_max_entries(skel->maps.bench_floor_inner_0, flows);
	bpf_map__set_max_entries(skel->maps.bench_min_flows, flows);
	bpf_map__set_max_entries(skel->maps.bench_table, rewrite_table_size(m));
	err = bench_bpf__load(skel);
	if (err) {
		fprintf(stderr, "bench-xdp: loading the bench object: %s\n",
			strerror(-err));
		bench_bpf__destroy(skel);
		return NULL;
	}
	maps_from_object(&s, skel->obj);
	if (rewrite_fill_table(skel->maps.bench_table, m) || load_rules(skel) ||
	    room_reset(&s, 0) || room_reset(&s, 1)) {
		bench_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* Packets of frame f in one pass of `packets`. */
static uint64_t frame_repeat(const struct mix *m, int f, uint64_t packets)
{
	return packets * m->frame[f].share / 100;
}

/* The control block's flags for program id: the payload rules on or off. */
static int set_ctl_flags(struct bench_bpf *skel, enum prog_id id)
{
	int fd = bpf_map__fd(skel->maps.ctl);
	struct ts_ctl ctl;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, &ctl))
		return -1;
	ctl.flags = id == P_NO_RULES ? TS_CTL_LABELS : TS_CTL_RULES | TS_CTL_LABELS;
	if (bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY)) {
		fprintf(stderr, "bench-xdp: cannot set the control flags\n");
		return -1;
	}
	return 0;
}

/* The source sequence the rewrite follows next (rewrite.bpf.h). */
static void set_sequence(struct bench_bpf *skel, const struct mix_frame *fr, __u32 pick,
			 __u32 base, __u32 count, __u32 cursor)
{
	skel->bss->bench_seq = (struct bench_seq){
		.src_off = (uint32_t)fr->src_off,
		.pick = pick,
		.base = base,
		.count = count,
		.cursor = cursor,
	};
}

/* Run frame fr `repeat` times from the rewrite's current settings; the
 * kernel's duration (ns per run), or -1. */
static double test_run(struct bench_bpf *skel, enum prog_id id,
		       const struct mix_frame *fr, int repeat)
{
	uint8_t out[MIX_FRAME_BYTES];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = fr->bytes,
		.data_size_in = (uint32_t)fr->len,
		.data_out = out,
		.data_size_out = sizeof(out),
		.repeat = repeat,
	);

	if (bpf_prog_test_run_opts(bpf_program__fd(program(skel, id)), &opts)) {
		fprintf(stderr, "bench-xdp: test run of %s: %s\n", prog_name[id],
			strerror(errno));
		return -1;
	}
	if (opts.retval != XDP_DROP) {
		fprintf(stderr, "bench-xdp: %s returned %u, not XDP_DROP\n",
			prog_name[id], opts.retval);
		return -1;
	}
	return opts.duration;
}

/*
 * The arrival pass of program id: one run of one packet for each
 * arrival. Returns ns per packet (the run's whole time, which for one
 * packet includes the kernel timer's own cost: bare XDP_DROP shows it),
 * or a negative value on error.
 */
static double arrival_pass(struct bench_bpf *skel, const struct mix *m, enum prog_id id,
			   const struct mix_arrival *a, size_t n)
{
	double total_ns = 0;

	if (set_ctl_flags(skel, id))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct mix_frame *fr = &m->frame[a[i].frame];
		double ns;

		set_sequence(skel, fr, BENCH_PICK_UNIFORM, a[i].source, 1, 0);
		ns = test_run(skel, id, fr, 1);
		if (ns < 0)
			return -1;
		total_ns += ns;
	}
	return n ? total_ns / (double)n : 0;
}

/*
 * One pass of program `id` over the mix. Returns ns per packet, or a
 * negative value on error. The time is the kernel's own `duration` (the
 * mean of the repeat loop, whole ns, rounded down), weighted by each
 * frame's packets: wall-clock time around the call is useless here, as
 * every call with repeat > 1 installs the program in the XDP dispatcher
 * and removes it again, two RCU grace periods that cost milliseconds.
 */
static double run_pass(struct bench_bpf *skel, const struct mix *m,
		       enum prog_id id, uint64_t packets, uint32_t *cursor)
{
	double total_ns = 0;
	uint64_t sent = 0;
	int f;

	if (set_ctl_flags(skel, id))
		return -1;

	for (f = 0; f < m->frames; f++) {
		const struct mix_frame *fr = &m->frame[f];
		int repeat = (int)frame_repeat(m, f, packets);
		double ns;

		set_sequence(skel, fr, (__u32)fr->pick, fr->base, fr->count, cursor[f]);
		ns = test_run(skel, id, fr, repeat);
		if (ns < 0)
			return -1;
		total_ns += ns * repeat;
		sent += (uint64_t)repeat;
		cursor[f] = skel->bss->bench_seq.cursor;
	}
	return total_ns / (double)sent;
}

/* Sum the classifier's per-CPU totals of generation 0. */
static int read_totals(struct bench_bpf *skel, struct ts_totals *sum)
{
	int cpus = libbpf_num_possible_cpus(), i;
	struct ts_totals *per_cpu;
	uint32_t zero = 0;

	memset(sum, 0, sizeof(*sum));
	if (cpus <= 0)
		return -1;
	per_cpu = calloc((size_t)cpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -1;
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.totals_0), &zero, per_cpu)) {
		free(per_cpu);
		return -1;
	}
	for (i = 0; i < cpus; i++) {
		sum->packets += per_cpu[i].packets;
		sum->malformed += per_cpu[i].malformed;
		sum->non_ip += per_cpu[i].non_ip;
		sum->overflow += per_cpu[i].overflow;
		sum->mirai += per_cpu[i].mirai;
		sum->backscatter += per_cpu[i].backscatter;
		sum->bs_overflow += per_cpu[i].bs_overflow;
		sum->tagged += per_cpu[i].tagged;
		sum->tag_overflow += per_cpu[i].tag_overflow;
	}
	free(per_cpu);
	return 0;
}

/* Whether frame f's packets carry a fingerprint, or match a shipped rule. */
static int frame_fp(const struct mix *m, int f)
{
	const char *what = m->frame[f].what;

	return strstr(what, "mirai") || strstr(what, "zmap") || strstr(what, "masscan") ||
	       strstr(what, "sip");
}

static int frame_rule(const struct mix *m, int f)
{
	return strstr(m->frame[f].what, "ssdp") != NULL; /* the shipped SSDP rule */
}

/* Whether the list holds the source of a packet of frame f (IPv4 only). */
static int frame_listed(const struct mix *m, int f, const struct listed *l, uint32_t src)
{
	return m->frame[f].family == 4 && l->by_index[src];
}

/* Packets from a listed source among the first n of frame f's sequence. */
static uint64_t sequence_listed(const struct mix *m, int f, const struct listed *l, uint64_t n)
{
	uint64_t listed = 0;
	uint32_t cursor = 0;

	for (uint64_t k = 0; k < n; k++)
		listed += frame_listed(m, f, l, mix_next_source(m, &m->frame[f], &cursor));
	return listed;
}

/*
 * The numbers mean something only if the classifier classified: every
 * packet counted, none malformed, nothing overflowed, Mirai, backscatter
 * and tags in the mix's shares.
 */
static int check_totals(struct bench_bpf *skel, const struct mix *m, uint64_t packets,
			int passes, const struct mix_arrival *arrivals, size_t narrivals)
{
	uint64_t want_pkts = 0, want_mirai = 0, want_bs = 0, want_tagged = 0;
	uint64_t arrived[MIX_MAX_FRAMES] = { 0 }, arrived_listed[MIX_MAX_FRAMES] = { 0 };
	struct ts_totals t;
	struct listed l;
	int f;

	if (listed_init(&l, BENCH_LIST, m->sources))
		return -1;
	for (size_t i = 0; i < narrivals; i++) {
		arrived[arrivals[i].frame]++;
		arrived_listed[arrivals[i].frame] +=
			frame_listed(m, arrivals[i].frame, &l, arrivals[i].source);
	}
	/*
	 * Both classifier programs ran the arrival pass and `passes` passes;
	 * only one had the rules on. A frame's packets are tagged if it has a
	 * fingerprint (or, with the rules, a rule), else if their source is
	 * listed.
	 */
	for (f = 0; f < m->frames; f++) {
		uint64_t sent = frame_repeat(m, f, packets) * (uint64_t)passes;
		uint64_t n = sent + arrived[f], listed = arrived_listed[f];
		int fp = frame_fp(m, f);

		if (!fp)
			listed += sequence_listed(m, f, &l, sent);
		want_pkts += 2 * n;
		if (strstr(m->frame[f].what, "mirai"))
			want_mirai += 2 * n;
		if (strstr(m->frame[f].what, "backscatter"))
			want_bs += 2 * n;
		want_tagged += (fp || frame_rule(m, f) ? n : listed) + (fp ? n : listed);
	}
	listed_free(&l);
	if (read_totals(skel, &t)) {
		fprintf(stderr, "bench-xdp: cannot read the classifier's totals\n");
		return -1;
	}
	if (t.packets != want_pkts || t.mirai != want_mirai ||
	    t.backscatter != want_bs || t.tagged != want_tagged ||
	    t.overflow || t.bs_overflow || t.tag_overflow ||
	    t.malformed || t.non_ip) {
		fprintf(stderr,
			"bench-xdp: %s: classifier totals wrong: packets %llu (want %llu) "
			"mirai %llu (want %llu) backscatter %llu (want %llu) tagged %llu "
			"(want %llu) overflow %llu bs_overflow %llu tag_overflow %llu "
			"malformed %llu non_ip %llu\n",
			m->name, (unsigned long long)t.packets,
			(unsigned long long)want_pkts, (unsigned long long)t.mirai,
			(unsigned long long)want_mirai,
			(unsigned long long)t.backscatter, (unsigned long long)want_bs,
			(unsigned long long)t.tagged, (unsigned long long)want_tagged,
			(unsigned long long)t.overflow,
			(unsigned long long)t.bs_overflow,
			(unsigned long long)t.tag_overflow,
			(unsigned long long)t.malformed, (unsigned long long)t.non_ip);
		return -1;
	}
	return 0;
}

static int bench_mix(const struct options *o, uint32_t sources, int zipf, int mirai)
{
	double ns[PROGS][MAX_RUNS], fill[PROGS];
	uint32_t cursor[PROGS][MIX_MAX_FRAMES];
	struct spread s[PROGS];
	struct mix_arrival *arrivals = NULL;
	struct bench_bpf *skel;
	size_t narrivals = 0;
	struct mix m;
	char name[96];
	int run, p, rc = -1;

	if (mix_init(&m, sources, zipf, mirai, 0x7e1e5c09e))
		return -1;
	if (o->pcap_dir) {
		char path[512];

		/* At least one full pass over a heavy-tailed mix's table. */
		uint64_t n = o->pcap_packets > m.table_len ? o->pcap_packets : m.table_len;

		snprintf(path, sizeof(path), "%s/%s.pcap", o->pcap_dir, m.name);
		if (mix_write_pcap(&m, path, n)) {
			mix_free(&m);
			return -1;
		}
	}
	narrivals = mix_arrivals(&m, 0x5eed0a11u, &arrivals);
	skel = load(&m);
	if (!skel) {
		free(arrivals);
		mix_free(&m);
		return -1;
	}
	for (p = 0; p < PROGS; p++) {
		fill[p] = arrival_pass(skel, &m, p, arrivals, narrivals);
		if (fill[p] < 0)
			goto out;
	}
	memset(cursor, 0, sizeof(cursor));
	for (run = 0; run < o->runs; run++) {
		for (p = 0; p < PROGS; p++) {
			ns[p][run] = run_pass(skel, &m, p, o->packets, cursor[p]);
			if (ns[p][run] < 0)
				goto out;
		}
	}
	if (check_totals(skel, &m, o->packets, o->runs, arrivals, narrivals))
		goto out;

	printf("\n%s sources (%s, %u flow keys, maps of %u entries), %zu first packets in random "
	       "order, then %llu packets a pass, median of %d passes:\n",
	       m.name, zipf ? "Zipf-like" : "uniform", sources, flow_entries(sources), narrivals,
	       (unsigned long long)o->packets, o->runs);
	printf("  %-32s %9s %17s %8s %7s %7s %7s %9s\n", "program", "ns/pkt",
	       "min-max", "Mpps", "xdrop", "xfloor", "xmin", "fill ns");
	for (p = 0; p < PROGS; p++)
		s[p] = spread_of(ns[p], (size_t)o->runs);
	for (p = 0; p < PROGS; p++) {
		double ratio_drop = s[p].median / s[P_DROP].median;
		double ratio_floor = s[p].median / s[P_FLOOR].median;
		double ratio_min = s[p].median / s[P_FLOOR_MIN].median;

		printf("  %-32s %9.1f %8.1f-%-8.1f %8.2f %7.2f %7.2f %7.2f %9.1f\n",
		       prog_what[p], s[p].median, s[p].min, s[p].max,
		       1000.0 / s[p].median, ratio_drop, ratio_floor, ratio_min,
		       fill[p]);
#define ROW(suffix, value, unit)                                             \
	do {                                                                 \
		snprintf(name, sizeof(name), "xdp.%s.%s.%s", m.name,           \
			 prog_name[p], suffix);                                \
		report_row(name, value, unit);                               \
	} while (0)
		ROW("ns_per_packet", s[p].median, "ns");
		ROW("ns_per_packet_min", s[p].min, "ns");
		ROW("ns_per_packet_max", s[p].max, "ns");
		ROW("mpps", 1000.0 / s[p].median, "Mpps");
		ROW("ratio_to_drop", ratio_drop, "x");
		ROW("ratio_to_floor", ratio_floor, "x");
		ROW("ratio_to_min_floor", ratio_min, "x");
		ROW("fill_ns_per_packet", fill[p], "ns");
#undef ROW
	}
	rc = 0;
out:
	bench_bpf__destroy(skel);
	free(arrivals);
	mix_free(&m);
	return rc;
}

static const char *const mix_names[] = { "1", "10k", "1M", "1M-zipf", "10k-mirai",
					  "1M-mirai", NULL };
static const struct { uint32_t sources; int zipf, mirai; } mixes[] = {
	{ 1, 0, 0 }, { 10000, 0, 0 }, { 1000000, 0, 0 }, { 1000000, 1, 0 },
	{ 10000, 0, 1 }, { 1000000, 0, 1 },
};

#define O struct options
static const struct opt bench_table[] = {
	OPT_UINT(O, runs, "runs", 0, "N", 1, MAX_RUNS, "passes per number (default 5)"),
	OPT_UINT(O, packets, "packets", 0, "N", 100, 100000000,
		 "packets per pass (default 2000000)"),
	OPT_STRING(O, csv, "csv", 0, "FILE", "append the results to FILE"),
	OPT_STRING(O, pcap_dir, "pcap-dir", 0, "DIR", "also write each mix as DIR/MIX.pcap"),
	OPT_UINT(O, pcap_packets, "pcap-packets", 0, "N", 1, 100000000,
		 "packets in each pcap file (default 1000000)"),
	OPT_WORD(O, only, "only", 0, "MIX", mix_names, "only this mix: 1, 10k, 1M, 1M-zipf, 10k-mirai or 1M-mirai"),
	OPT_END,
};
#undef O

static const struct opt_cmd bench_cmd = {
	.prog = "bench-xdp",
	.about = "The classifier under BPF_PROG_TEST_RUN: kernel-timed ns per packet "
		 "on six source mixes.",
	.opts = bench_table,
};

int main(int argc, char **argv)
{
	struct options o = { .runs = 5, .packets = 2000000, .pcap_packets = 1000000,
			     .only = -1 };
	cpu_set_t cpus;
	size_t i;
	int rc;

	rc = opt_parse(&bench_cmd, argc, argv, &o, NULL);
	if (rc != OPT_GO)
		return rc;
	rc = 0;
	/* One CPU for the whole run: the numbers are per core. */
	CPU_ZERO(&cpus);
	CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	if (report_open(o.csv))
		return 1;
	printf("BPF_PROG_TEST_RUN, one CPU, kernel-timed ns per packet (median of %d passes)\n",
	       o.runs);
	for (i = 0; i < sizeof(mixes) / sizeof(mixes[0]); i++) {
		if (o.only >= 0 && (size_t)o.only != i)
			continue;
		if (bench_mix(&o, mixes[i].sources, mixes[i].zipf, mixes[i].mirai))
			rc = 1;
	}
	report_close();
	return rc;
}
