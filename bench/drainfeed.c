// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * drainfeed: fill one interval of a running sensor with N distinct
 * sources, for the drain benchmark. It runs the sensor's own attached
 * program (found through the pinned link) on N frames of the mix with
 * BPF_PROG_TEST_RUN, one frame per source, so the maps the next drain
 * reads are exactly what N scanners would have left there: no packet
 * can be lost on the way, and the counts land in the generation the
 * loader is about to drain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "lib/options.h"
#include "mix.h"
#include "results.h"

static int pinned_prog_fd(const char *pin_dir)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	char path[512];
	int link_fd, prog_fd;

	snprintf(path, sizeof(path), "%s/link", pin_dir);
	link_fd = bpf_obj_get(path);
	if (link_fd < 0) {
		fprintf(stderr, "drainfeed: %s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len)) {
		fprintf(stderr, "drainfeed: link info: %s\n", strerror(errno));
		return -1;
	}
	prog_fd = bpf_prog_get_fd_by_id(info.prog_id);
	if (prog_fd < 0)
		fprintf(stderr, "drainfeed: program %u: %s\n", info.prog_id,
			strerror(errno));
	return prog_fd;
}

struct feed_opts {
	const char *pin_dir;
	uint32_t sources;
};

static const struct opt feed_table[] = {
	OPT_STRING(struct feed_opts, pin_dir, "pin-dir", 0, "DIR",
		   "the pins of the running sensor", .required = true),
	OPT_UINT(struct feed_opts, sources, "sources", 0, "N", 1, UINT32_MAX,
		 "distinct sources, one packet each (default 1000000)"),
	OPT_END,
};

static const struct opt_cmd feed_cmd = {
	.prog = "drainfeed",
	.about = "Feed one packet from each of N distinct sources through the sensor's "
		 "pinned program, for the next drain to write.",
	.opts = feed_table,
};

int main(int argc, char **argv)
{
	struct feed_opts o = { .sources = 1000000 };
	uint32_t cursor[MIX_MAX_FRAMES] = { 0 }, i;
	uint8_t frame[MIX_FRAME_BYTES];
	struct mix_schedule sched;
	uint64_t start;
	struct mix m;
	int fd;

	fd = opt_parse(&feed_cmd, argc, argv, &o, NULL);
	if (fd != OPT_GO)
		return fd;
	fd = pinned_prog_fd(o.pin_dir);
	if (fd < 0)
		return 1;
	if (mix_init(&m, o.sources, 0, 0, 0x7e1e5c09e))
		return 1;
	mix_schedule_init(&sched);
	start = now_ns();
	/* One packet from each source: each frame's range holds its sources. */
	for (i = 0; i < o.sources; i++) {
		int f = mix_schedule_next(&m, &sched);
		const struct mix_frame *fr = &m.frame[f];
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = frame,
			.data_size_in = (uint32_t)fr->len,
			.repeat = 1,
		);

		memcpy(frame, fr->bytes, fr->len);
		mix_set_source(fr, frame, mix_next_source(&m, fr, &cursor[f]));
		if (bpf_prog_test_run_opts(fd, &opts)) {
			fprintf(stderr, "drainfeed: test run: %s\n", strerror(errno));
			mix_free(&m);
			return 1;
		}
	}
	printf("drainfeed: %u sources fed in %.2f s\n", o.sources,
	       (double)(now_ns() - start) / 1e9);
	mix_free(&m);
	return 0;
}
