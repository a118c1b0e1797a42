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
#include <getopt.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fingerprint.h"
#include "parse.h"
#include "report.h"
#include "tags.h"
#include "telescope.h"

#define MAX_RUNS 64
#define FLOW_SLOTS (1u << 21)   /* 1M flows at under half load */
#define BS_SLOTS (1u << 17)     /* the sensor's 65536 backscatter keys, x2 */
#define TAG_SLOTS (1u << 21)    /* tagged keys: as many as flows */
#define DEFAULT_RULES "rules/default.rules"

enum { PORT_TCP, PORT_UDP, PORT_ICMP, PORT_ICMPV6, PORT_OTHER, PORT_PROTOS };

/*
 * Open addressing with linear probing; a slot is the key, a used flag
 * and the value. Full at half the slots, like a sensor map with headroom.
 */
struct otable {
	uint8_t *slots;
	size_t key_size, slot_size;
	uint32_t mask, used;
};

static int otable_init(struct otable *t, uint32_t slots, size_t key_size,
		       size_t val_size)
{
	t->key_size = key_size;
	t->slot_size = (key_size + 8 + val_size + 7) & ~(size_t)7;
	t->mask = slots - 1;
	t->used = 0;
	t->slots = malloc(t->slot_size * slots);
	return t->slots ? 0 : -1;
}

static void otable_clear(struct otable *t)
{
	memset(t->slots, 0, t->slot_size * (t->mask + 1));
	t->used = 0;
}

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

/* The value of `key`, created zeroed if new; NULL when the table is full. */
static void *otable_upsert(struct otable *t, const void *key)
{
	uint32_t i = (uint32_t)hash_words(key, t->key_size) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		uint8_t *slot = t->slots + (size_t)i * t->slot_size;
		uint8_t *used = slot + t->key_size;

		if (!*used) {
			if (t->used >= (t->mask + 1) / 2)
				return NULL;
			*used = 1;
			memcpy(slot, key, t->key_size);
			t->used++;
			return slot + ((t->key_size + 8) & ~(size_t)7);
		}
		if (!memcmp(slot, key, t->key_size))
			return slot + ((t->key_size + 8) & ~(size_t)7);
	}
}

struct port_counts {
	uint64_t packets, bytes, mirai;
};

struct tables {
	struct otable flows, bs, tagged;
	struct port_counts (*ports)[65536];
	struct ts_totals totals;
	struct tag_rule *rules;
	size_t nrules;
};

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

/* What packet_tags() in bpf/telescope.bpf.c finds, without address lists. */
static uint64_t packet_tags(const struct tables *t, const struct ts_pkt *pkt,
			    const uint8_t *data, uint32_t len)
{
	uint64_t tags = ts_fingerprint(pkt);
	const uint8_t *payload = data + pkt->payload_off;
	size_t plen = pkt->payload_len, i;

	if (pkt->payload_off + plen > len)
		plen = pkt->payload_off < len ? len - pkt->payload_off : 0;
	if ((tags & (1ULL << TS_TAG_SIP_OPTIONS)) &&
	    memmem(payload, plen < TS_SIP_SCAN_LEN ? plen : TS_SIP_SCAN_LEN,
		   TS_SIP_UA, TS_SIP_UA_LEN))
		tags |= 1ULL << TS_TAG_SIP_FRIENDLY;
	if (!plen || pkt->fragment ||
	    (pkt->proto != TS_IPPROTO_TCP && pkt->proto != TS_IPPROTO_UDP))
		return tags;
	for (i = 0; i < t->nrules; i++) {
		const struct tag_rule *r = &t->rules[i];

		if (r->proto != pkt->proto || (!r->any_port && r->port != pkt->port) ||
		    (size_t)r->offset + r->len > plen)
			continue;
		if (!memcmp(payload + r->offset, r->bytes, r->len))
			tags |= 1ULL << ((TS_TAG_BUILTIN_COUNT + i) & 63);
	}
	return tags;
}

/* What count_ip() and count_tags() in bpf/telescope.bpf.c do, plus ports. */
static void count_packet(struct tables *t, const uint8_t *data, uint32_t len)
{
	struct ts_totals *tot = &t->totals;
	struct ts_flow_key fk;
	struct port_counts *pc;
	struct ts_counts *c;
	struct ts_pkt pkt;
	uint64_t tags;

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
	c = otable_upsert(&t->flows, &fk);
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
		n = otable_upsert(&t->bs, &bk);
		if (n)
			(*n)++;
		else
			tot->bs_overflow++;
	}

	tags = packet_tags(t, &pkt, data, len);
	if (tags) {
		struct ts_tag_key tk;
		uint64_t *n;

		memset(&tk, 0, sizeof(tk));
		memcpy(tk.addr, pkt.src, 16);
		tk.family = pkt.family;
		tk.proto = pkt.proto;
		tk.port = pkt.port;
		tk.tags = tags;
		tot->tagged++;
		n = otable_upsert(&t->tagged, &tk);
		if (n)
			(*n)++;
		else
			tot->tag_overflow++;
	}
}

static void clear_tables(struct tables *t)
{
	otable_clear(&t->flows);
	otable_clear(&t->bs);
	otable_clear(&t->tagged);
	memset(t->ports, 0, sizeof(*t->ports) * PORT_PROTOS);
	memset(&t->totals, 0, sizeof(t->totals));
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
	char row[128], errbuf[256];
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

	t.ports = malloc(sizeof(*t.ports) * PORT_PROTOS);
	if (!t.ports ||
	    otable_init(&t.flows, FLOW_SLOTS, sizeof(struct ts_flow_key),
			sizeof(struct ts_counts)) ||
	    otable_init(&t.bs, BS_SLOTS, sizeof(struct ts_bs_key), sizeof(uint64_t)) ||
	    otable_init(&t.tagged, TAG_SLOTS, sizeof(struct ts_tag_key),
			sizeof(uint64_t))) {
		fprintf(stderr, "pcap-baseline: out of memory\n");
		return 1;
	}
	if (rules_load(DEFAULT_RULES, &t.rules, &t.nrules, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "pcap-baseline: %s\n", errbuf);
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
	       "%llu packets: %u flows, %llu mirai, %llu backscatter, %llu tagged, "
	       "%llu overflow, %llu malformed\n",
	       name, s.median, s.min, s.max, 1000.0 / s.median,
	       (unsigned long long)packets, t.flows.used,
	       (unsigned long long)t.totals.mirai,
	       (unsigned long long)t.totals.backscatter,
	       (unsigned long long)t.totals.tagged,
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
	report_row(row, (double)t.flows.used, "keys");
	report_close();
	free(t.flows.slots);
	free(t.bs.slots);
	free(t.tagged.slots);
	free(t.ports);
	free(t.rules);
	return t.totals.malformed || t.totals.overflow || t.totals.tag_overflow ? 1 : 0;
}
