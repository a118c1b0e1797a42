// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pcap-baseline: the classification the sensor does in XDP, done the way
 * a libpcap tool does it: read each packet through libpcap, parse it
 * with the sensor's own parser (include/parse.h), and count it per
 * (source, protocol, port), per port, per backscatter key and in the
 * totals, in hash tables sized up front so no rehash is timed.
 *
 * The packets come from a pcap file (bench-xdp --pcap-dir writes one per
 * mix). What is timed: pcap_open_offline() to pcap_close(), the file
 * already in the page cache after a warm-up run. That leaves out what a
 * live capture adds (the kernel's copy into the AF_PACKET ring, wakeups,
 * and drops when the reader falls behind), so the baseline is a lower
 * bound on what a userspace tool pays per packet.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "report.h"
#include "telescope.h"

#define MAX_RUNS 64
#define FLOW_SLOTS (1u << 21)   /* 1M flows at under half load */
#define BS_SLOTS (1u << 17)     /* the sensor's 65536 backscatter keys, x2 */

enum { PORT_TCP, PORT_UDP, PORT_ICMP, PORT_ICMPV6, PORT_OTHER, PORT_PROTOS };

struct flow_slot {
	struct ts_flow_key key;
	uint32_t used;
	struct ts_counts counts;
};

struct bs_slot {
	struct ts_bs_key key;
	uint64_t used;
	uint64_t packets;
};

struct port_counts {
	uint64_t packets, bytes, mirai;
};

struct tables {
	struct flow_slot *flows;
	struct bs_slot *bs;
	struct port_counts (*ports)[65536];
	struct ts_totals totals;
	uint64_t flow_keys, bs_keys, flow_full, bs_full;
};

/* A 64-bit mix of the key's words (the kernel hashes with jhash). */
static uint64_t hash_words(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (w = 0; i < len; i++)
		w = (w << 8) | p[i];
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

static struct ts_counts *flow_counts(struct tables *t, const struct ts_flow_key *k)
{
	uint32_t i = (uint32_t)hash_words(k, sizeof(*k)) & (FLOW_SLOTS - 1), n;

	for (n = 0; n < FLOW_SLOTS; n++, i = (i + 1) & (FLOW_SLOTS - 1)) {
		struct flow_slot *s = &t->flows[i];

		if (!s->used) {
			if (t->flow_keys >= FLOW_SLOTS / 2) /* the sensor's limit, too */
				return NULL;
			s->used = 1;
			s->key = *k;
			t->flow_keys++;
			return &s->counts;
		}
		if (!memcmp(&s->key, k, sizeof(*k)))
			return &s->counts;
	}
	return NULL;
}

static uint64_t *bs_counter(struct tables *t, const struct ts_bs_key *k)
{
	uint32_t i = (uint32_t)hash_words(k, sizeof(*k)) & (BS_SLOTS - 1), n;

	for (n = 0; n < BS_SLOTS; n++, i = (i + 1) & (BS_SLOTS - 1)) {
		struct bs_slot *s = &t->bs[i];

		if (!s->used) {
			if (t->bs_keys >= BS_SLOTS / 2)
				return NULL;
			s->used = 1;
			s->key = *k;
			t->bs_keys++;
			return &s->packets;
		}
		if (!memcmp(&s->key, k, sizeof(*k)))
			return &s->packets;
	}
	return NULL;
}

static int port_proto(uint8_t proto)
{
	switch (proto) {
	case TS_IPPROTO_TCP: return PORT_TCP;
	case TS_IPPROTO_UDP: return PORT_UDP;
	case TS_IPPROTO_ICMP: return PORT_ICMP;
	case TS_IPPROTO_ICMPV6: return PORT_ICMPV6;
	default: return PORT_OTHER;
	}
}

/* What count_ip() in bpf/telescope.bpf.c does, plus the per-port table. */
static void count_packet(struct tables *t, const uint8_t *data, uint32_t len)
{
	struct ts_totals *tot = &t->totals;
	struct ts_flow_key fk;
	struct port_counts *pc;
	struct ts_counts *c;
	struct ts_pkt pkt;

	switch (ts_parse(&pkt, data, data + len)) {
	case TS_IP:
		break;
	case TS_MALFORMED:
		tot->malformed++;
		return;
	default:
		tot->non_ip++;
		return;
	}
	tot->packets++;
	tot->bytes += pkt.ip_len;
	tot->mirai += pkt.mirai;
	tot->fragments += pkt.fragment;
	tot->quote_mismatch += pkt.quote_mismatch;

	memset(&fk, 0, sizeof(fk));
	memcpy(fk.addr, pkt.src, 16);
	fk.family = pkt.family;
	fk.proto = pkt.proto;
	fk.port = pkt.port;
	c = flow_counts(t, &fk);
	if (c) {
		c->packets++;
		c->bytes += pkt.ip_len;
		c->mirai += pkt.mirai;
	} else {
		tot->overflow++;
	}
	pc = &t->ports[port_proto(pkt.proto)][pkt.port];
	pc->packets++;
	pc->bytes += pkt.ip_len;
	pc->mirai += pkt.mirai;

	if (pkt.bs_kind) {
		struct ts_bs_key bk;
		uint64_t *n;

		memset(&bk, 0, sizeof(bk));
		memcpy(bk.addr, pkt.src, 16);
		bk.family = pkt.family;
		bk.proto = pkt.proto;
		bk.src_port = pkt.bs_port;
		bk.kind = pkt.bs_kind;
		tot->backscatter++;
		n = bs_counter(t, &bk);
		if (n)
			(*n)++;
		else
			tot->bs_overflow++;
	}
}

static void clear_tables(struct tables *t)
{
	memset(t->flows, 0, sizeof(*t->flows) * FLOW_SLOTS);
	memset(t->bs, 0, sizeof(*t->bs) * BS_SLOTS);
	memset(t->ports, 0, sizeof(*t->ports) * PORT_PROTOS);
	memset(&t->totals, 0, sizeof(t->totals));
	t->flow_keys = t->bs_keys = 0;
}

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

static void usage(FILE *to)
{
	fprintf(to, "usage: pcap-baseline FILE [--runs N] [--name MIX] [--csv FILE]\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "csv", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *name = "mix", *csv = NULL, *path;
	struct tables t = { 0 };
	double ns[MAX_RUNS];
	struct spread s;
	uint64_t packets = 0;
	char row[128];
	cpu_set_t cpus;
	int runs = 5, c, i;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': runs = atoi(optarg); break;
		case 'n': name = optarg; break;
		case 'c': csv = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1 || runs < 1 || runs > MAX_RUNS) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];
	CPU_ZERO(&cpus);
	CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	t.flows = malloc(sizeof(*t.flows) * FLOW_SLOTS);
	t.bs = malloc(sizeof(*t.bs) * BS_SLOTS);
	t.ports = malloc(sizeof(*t.ports) * PORT_PROTOS);
	if (!t.flows || !t.bs || !t.ports) {
		fprintf(stderr, "pcap-baseline: out of memory\n");
		return 1;
	}
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
	       "%llu packets: %llu flows, %llu mirai, %llu backscatter, %llu overflow, %llu malformed\n",
	       name, s.median, s.min, s.max, 1000.0 / s.median,
	       (unsigned long long)packets, (unsigned long long)t.flow_keys,
	       (unsigned long long)t.totals.mirai,
	       (unsigned long long)t.totals.backscatter,
	       (unsigned long long)t.totals.overflow,
	       (unsigned long long)t.totals.malformed);
	if (report_open(csv))
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
	report_row(row, (double)t.flow_keys, "keys");
	report_close();
	free(t.flows);
	free(t.bs);
	free(t.ports);
	return t.totals.malformed || t.totals.overflow ? 1 : 0;
}
