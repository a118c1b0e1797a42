// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livegen: push the benchmark mix through a lab veth as fast as this
 * machine can, each frame from a source of its own, so that the sensor
 * on the peer receives real frames through the veth driver's XDP path,
 * ring and all. Run it inside the sending namespace (nsenter
 * --net=/run/netns/NAME): the interface is looked up there, and the
 * fan-out engine makes its own veth pair there for the time it runs.
 *
 * Two engines (gen.h): `live` (BPF_F_TEST_XDP_LIVE_FRAMES) where the
 * kernel allows it, else `fanout` (AF_PACKET seeds copied by an XDP
 * broadcast redirect); --engine auto (the default) asks the kernel
 * (tests/lib/kfeature.h) and says which it chose and why.
 *
 * Prints what it sent and, with --csv, the rows live.NAME.sent,
 * live.NAME.generation_seconds and live.NAME.offered_mpps. "Sent" counts
 * frames handed to the lab veth: those it could not take (its peer's ring
 * full) show in the sending interface's tx_dropped, which bench/run.sh
 * reads beside the sensor's own count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kfeature.h"
#include "lib/options.h"
#include "gen.h"
#include "results.h"

static const char *const engine_words[] = { "auto", "live", "fanout", NULL };

#define O struct gen_opts
static const struct opt gen_table[] = {
	OPT_STRING(O, ifname, "ifname", 0, "IF", "send out of this interface", .required = true),
	OPT_UINT(O, packets, "packets", 0, "N", 100, 1ull << 31, "frames (default 10000000)"),
	OPT_UINT(O, sources, "sources", 0, "N", 1, UINT32_MAX,
		 "distinct sources (default 1000000)"),
	OPT_FLAG(O, zipf, "zipf", 0, "sources Zipf-distributed, not uniform"),
	OPT_UINT(O, first, "first", 0, "N", 0, UINT32_MAX,
		 "number the sources from N (uniform only; default 0): generators "
		 "on two CPUs send disjoint sources"),
	OPT_UINT(O, time_shift, "time-shift", 0, "S", 1, 63,
		 "each frame's source is the clock in 2^S ns, not the sequence: "
		 "generators on two CPUs create the same flows at once"),
	OPT_WORD(O, engine, "engine", 0, "E", engine_words,
		 "live (BPF_F_TEST_XDP_LIVE_FRAMES), fanout (AF_PACKET seeds copied by an "
		 "XDP broadcast redirect) or auto: live where the kernel allows it (default)"),
	OPT_UINT(O, copies, "copies", 0, "N", 1, 256,
		 "fanout: frames made of each seed (default 64)"),
	OPT_STRING(O, csv, "csv", 0, "FILE", "append the results to FILE"),
	OPT_STRING(O, name, "name", 0, "NAME", "name of the results' rows (default run)"),
	OPT_END,
};
#undef O

static const struct opt_cmd gen_cmd = {
	.prog = "livegen",
	.about = "Offer the source mix to the interface at line rate, with live frames "
		 "or, where the kernel refuses them, by XDP fan-out.",
	.opts = gen_table,
};

/* The engine to run: the one asked for, or for auto the kernel's answer. */
static int choose_engine(int asked)
{
	char why[256];

	if (asked != GEN_AUTO)
		return asked;
	if (kfeature_probe(KF_LIVE_FRAMES, why, sizeof(why)))
		return GEN_LIVE;
	printf("livegen: %s: the fanout engine sends instead\n", why);
	return GEN_FANOUT;
}

int main(int argc, char **argv)
{
	struct gen_opts o = { .name = "run", .packets = 10000000, .sources = 1000000,
			      .copies = 64 };
	struct gen_result r = { 0 };
	char row[128];
	unsigned ifindex;
	int rc, engine;
	struct mix m;

	rc = opt_parse(&gen_cmd, argc, argv, &o, NULL);
	if (rc != OPT_GO)
		return rc;
	if (o.first && o.zipf)
		return opt_error(&gen_cmd, "--first needs uniform sources");
	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "livegen: no interface '%s' here\n", o.ifname);
		return 1;
	}
	engine = choose_engine(o.engine);
	if (mix_init(&m, o.sources, o.zipf, 0, 0x7e1e5c09e))
		return 1;
	rc = engine == GEN_LIVE ? gen_live(&o, &m, ifindex, &r) : gen_fanout(&o, &m, ifindex, &r);
	mix_free(&m);
	if (rc)
		return 1;
	printf("livegen: %s engine sent %llu frames in %.3f s, %.2f Mpps offered\n",
	       engine_words[engine], (unsigned long long)r.sent, r.seconds,
	       (double)r.sent / r.seconds / 1e6);
	if (report_open(o.csv))
		return 1;
	snprintf(row, sizeof(row), "live.%s.sent", o.name);
	report_row(row, (double)r.sent, "frames");
	snprintf(row, sizeof(row), "live.%s.generation_seconds", o.name);
	report_row(row, r.seconds, "s");
	snprintf(row, sizeof(row), "live.%s.offered_mpps", o.name);
	report_row(row, (double)r.sent / r.seconds / 1e6, "Mpps");
	report_close();
	return 0;
}
