// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pcap-live: the live userspace baseline. Captures on an interface with
 * libpcap (AF_PACKET, TPACKET_V3 ring of --buffer-mb) and classifies and
 * counts every packet as the sensor does (usercount.h), until SIGTERM or
 * SIGINT. Then prints what it processed, what libpcap says the kernel
 * dropped (ps_drop: the ring was full because the reader fell behind)
 * and the reader's own CPU time per packet; with --csv, the rows
 * pcap-live.NAME.{processed,kernel_dropped,reader_cpu_ns_per_packet}.
 */
#define _GNU_SOURCE
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/options.h"
#include "results.h"
#include "usercount.h"

static pcap_t *capture;

static void stop(int sig)
{
	(void)sig;
	if (capture)
		pcap_breakloop(capture);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct tables *t = (struct tables *)user;

	count_packet(t, data, h->caplen);
}

static double cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

struct live_opts {
	const char *ifname, *name, *csv, *ready;
	int buffer_mb;
};

#define O struct live_opts
static const struct opt live_table[] = {
	OPT_STRING(O, ifname, "ifname", 0, "IF", "capture on this interface", .required = true),
	OPT_UINT(O, buffer_mb, "buffer-mb", 0, "N", 1, 2047,
		 "capture buffer in MiB (default 64)"),
	OPT_STRING(O, name, "name", 0, "NAME", "name of the results' rows (default live)"),
	OPT_STRING(O, csv, "csv", 0, "FILE", "append the results to FILE"),
	OPT_STRING(O, ready, "ready", 0, "FILE", "create FILE once the capture is open"),
	OPT_END,
};
#undef O

static const struct opt_cmd live_cmd = {
	.prog = "pcap-live",
	.about = "Classify what arrives on an interface through a live libpcap capture "
		 "until SIGTERM or SIGINT.",
	.opts = live_table,
};

int main(int argc, char **argv)
{
	struct live_opts o = { .name = "live", .buffer_mb = 64 };
	char err[PCAP_ERRBUF_SIZE], row[128];
	struct sigaction sa = { .sa_handler = stop };
	struct pcap_stat st = { 0 };
	struct tables t;
	double cpu0, cpu;
	uint64_t n;
	int rc;

	rc = opt_parse(&live_cmd, argc, argv, &o, NULL);
	if (rc != OPT_GO)
		return rc;
	if (tables_init(&t))
		return 1;
	capture = pcap_create(o.ifname, err);
	if (!capture) {
		fprintf(stderr, "pcap-live: %s\n", err);
		return 1;
	}
	pcap_set_snaplen(capture, 256);
	pcap_set_promisc(capture, 1);
	pcap_set_timeout(capture, 100);
	pcap_set_buffer_size(capture, o.buffer_mb << 20);
	if (pcap_activate(capture) < 0) {
		fprintf(stderr, "pcap-live: %s: %s\n", o.ifname, pcap_geterr(capture));
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (o.ready) { /* tell the driver the capture is open */
		FILE *f = fopen(o.ready, "w");

		if (f)
			fclose(f);
	}
	cpu0 = cpu_ns();
	while (pcap_dispatch(capture, -1, on_packet, (u_char *)&t) >= 0)
		;
	cpu = cpu_ns() - cpu0;
	pcap_stats(capture, &st);
	n = t.totals.packets + t.totals.malformed + t.totals.non_ip;
	printf("pcap-live %s: processed %llu, kernel dropped %u (ps_drop), "
	       "reader CPU %.1f ns/packet\n", o.name, (unsigned long long)n,
	       st.ps_drop, n ? cpu / (double)n : 0.0);
	if (report_open(o.csv))
		return 1;
	snprintf(row, sizeof(row), "pcap-live.%s.processed", o.name);
	report_row(row, (double)n, "packets");
	snprintf(row, sizeof(row), "pcap-live.%s.kernel_dropped", o.name);
	report_row(row, st.ps_drop, "packets");
	snprintf(row, sizeof(row), "pcap-live.%s.reader_cpu_ns_per_packet", o.name);
	report_row(row, n ? cpu / (double)n : 0.0, "ns");
	report_close();
	pcap_close(capture);
	tables_free(&t);
	return 0;
}
