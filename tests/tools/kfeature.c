// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kfeature [--list] [FEATURE...]
 * Ask this kernel for what the tests and the benchmark rely on
 * (tests/lib/kfeature.h): bpf, btf, bpffs, live-frames, xdp-fanout,
 * syncookie. With FEATUREs: exit 0 when the kernel offers them all,
 * else 1 and one line on stderr for each that is missing:
 *
 *   kernel: live-frames: BPF_PROG_TEST_RUN refuses BPF_F_TEST_XDP_LIVE_FRAMES ...
 *
 * --list: every feature on stdout, "yes" or "no" and why.
 */
#include <stdbool.h>
#include <stdio.h>
#include "kfeature.h"
#include "lib/options.h"

struct kf_opts {
	bool list;
};

static const struct opt kf_table[] = {
	OPT_FLAG(struct kf_opts, list, "list", 0, "every feature, yes or no, and why"),
	OPT_END,
};

static const struct opt_cmd kf_cmd = {
	.prog = "kfeature", .args = "[FEATURE...]", .min_args = 0, .max_args = -1,
	.about = "Exit 0 when this kernel offers every FEATURE (bpf btf bpffs live-frames "
		 "xdp-fanout syncookie), else 1 with one line for each missing one.",
	.opts = kf_table,
};

int main(int argc, char **argv)
{
	struct kf_opts o = { 0 };
	char why[256];
	int argi, rc, f, status = 0;

	rc = opt_parse(&kf_cmd, argc, argv, &o, &argi);
	if (rc != OPT_GO)
		return rc;
	if (o.list) {
		for (f = 0; f < KF_COUNT; f++) {
			int yes = kfeature_probe(f, why, sizeof(why));

			printf("%-12s %-3s %s\n", kfeature_name(f), yes ? "yes" : "no", why);
		}
		return 0;
	}
	for (; argi < argc; argi++) {
		f = kfeature_lookup(argv[argi]);
		if (f < 0)
			return opt_error(&kf_cmd, "no feature '%s' (try --help)", argv[argi]);
		if (!kfeature_probe(f, why, sizeof(why))) {
			fprintf(stderr, "kernel: %s: %s\n", kfeature_name(f), why);
			status = 1;
		}
	}
	return status;
}
