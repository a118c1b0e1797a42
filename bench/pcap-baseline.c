// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pcap-baseline: the classification the sensor does in XDP, done the way
 * a libpcap tool does it: read each packet through libpcap, parse it
 * with the sensor's own parser (include/parse.h), tag it with the
 * sensor's fingerprints (include/fingerprint.h), the SIP User-Agent
 * search and the shipped payload rules (rules/default.rules, parsed by
 * the loader's own code), and count it per (source, protocol, port), per
 * port, per backscatter key, per tagged key and in the totals, in hash
 * tables sized up front so no rehash is timed.
 *
 * The packets come from a pcap file (bench-xdp --pcap-dir writes one per
 * mix). What is timed: pcap_open_offline() to pcap_close(), the file
 * already in the page cache after a warm-up run. That leaves out what a
 * live capture adds (the kernel's copy into the AF_PACKET ring, wakeups,
 * and drops when the reader falls behind), so the baseline is a lower
 * bound on what a userspace tool pays per packet.
 */
#define _GNU_SOURCE
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/options.h"
#include "results.h"
#include "usercount.h"

#define MAX_RUNS 64

/* One timed pass over the file; returns ns per packet, or -1. */
static double run_once(const char *path, struct tables *t, uint64_t *packets)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t start, n = 0;
	pcap_t *pc;
	int rc;

	clear_tables(t);
	start = now_ns();
	pc = pcap_open_offline(path, err);
	if (!pc) {
		fprintf(stderr, "pcap-baseline: %s\n", err);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
		count_packet(t, data, hdr->caplen);
		n++;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap-baseline: %s: %s\n", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	*packets = n;
	return n ? (double)(now_ns() - start) / (double)n : -1;
}

struct baseline_opts {
	const char *name, *csv;
	int runs;
};

static const struct opt baseline_table[] = {
	OPT_UINT(struct baseline_opts, runs, "runs", 0, "N", 1, MAX_RUNS,
		 "passes (default 5)"),
	OPT_STRING(struct baseline_opts, name, "name", 0, "MIX",
		   "name of the results' rows (default mix)"),
	OPT_STRING(struct baseline_opts, csv, "csv", 0, "FILE", "append the results to FILE"),
	OPT_END,
};

static const struct opt_cmd baseline_cmd = {
	.prog = "pcap-baseline", .args = "FILE", .min_args = 1, .max_args = 1,
	.about = "Classify the frames of a pcap file through libpcap, in user space, "
		 "as the classifier would.",
	.opts = baseline_table,
};

int main(int argc, char **argv)
{
	struct baseline_opts o = { .name = "mix", .runs = 5 };
	const char *path, *name;
	struct tables t = { 0 };
	double ns[MAX_RUNS];
	struct spread s;
	uint64_t packets = 0;
	char row[128];
	cpu_set_t cpus;
	int runs, argi, i;

	i = opt_parse(&baseline_cmd, argc, argv, &o, &argi);
	if (i != OPT_GO)
		return i;
	runs = o.runs;
	name = o.name;
	path = argv[argi];
	CPU_ZERO(&cpus);
	CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	if (tables_init(&t))
		return 1;
	/* Warm-up: page cache, page faults of the tables. */
	if (run_once(path, &t, &packets) < 0)
		return 1;
	for (i = 0; i < runs; i++) {
		ns[i] = run_once(path, &t, &packets);
		if (ns[i] < 0)
			return 1;
	}
	s = spread_of(ns, (size_t)runs);
	printf("  libpcap file reader, %s: %.1f ns/pkt (%.1f-%.1f), %.2f Mpps; "
	       "%llu packets: %u flows, %llu mirai, %llu backscatter, %llu tagged, "
	       "%llu overflow, %llu malformed\n",
	       name, s.median, s.min, s.max, 1000.0 / s.median,
	       (unsigned long long)packets, t.flows.used,
	       (unsigned long long)t.totals.mirai,
	       (unsigned long long)t.totals.backscatter,
	       (unsigned long long)t.totals.tagged,
	       (unsigned long long)t.totals.overflow,
	       (unsigned long long)t.totals.malformed);
	if (report_open(o.csv))
		return 1;
	snprintf(row, sizeof(row), "pcap.%s.ns_per_packet", name);
	report_row(row, s.median, "ns");
	snprintf(row, sizeof(row), "pcap.%s.ns_per_packet_min", name);
	report_row(row, s.min, "ns");
	snprintf(row, sizeof(row), "pcap.%s.ns_per_packet_max", name);
	report_row(row, s.max, "ns");
	snprintf(row, sizeof(row), "pcap.%s.mpps", name);
	report_row(row, 1000.0 / s.median, "Mpps");
	snprintf(row, sizeof(row), "pcap.%s.flows", name);
	report_row(row, (double)t.flows.used, "keys");
	report_close();
	tables_free(&t);
	return t.totals.malformed || t.totals.overflow || t.totals.tag_overflow ? 1 : 0;
}
