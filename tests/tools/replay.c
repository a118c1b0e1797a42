// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * replay: the sensor's data path without a lab. Every frame of a pcap
 * file (lab-send --pcap) goes once through the classifier under
 * BPF_PROG_TEST_RUN, then one drain (sensor/drain.c, as `run` does it)
 * writes the rows for the interval starting at --time. The hash maps get BPF_F_ZERO_SEED, so the order in which the
 * kernel hands back their entries, and with it every byte of the CSV,
 * is the same on every run: the golden test compares those bytes.
 *
 *   replay --pcap FILE --out DIR --time YYYY-MM-DDTHH:MM:SSZ --sensor NAME
 *          --geoip FILE --asn FILE [--rules FILE] [--label-list FILE]...
 *          [--max-sources N --max-backscatter N --max-tagged N]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "telescope.skel.h"
#include "common/calendar.h"
#include "sensor/drain.h"
#include "sensor/tagcfg.h"

#define MAX_FRAME 16384

/* Deterministic hash maps: the counting maps and the templates of their
 * ARRAY_OF_MAPS (whose flags must match the inner maps'). */
static void zero_seed(struct bpf_object *obj)
{
	static const char *const names[] = { "flows", "bscat", "tagged", "tagov", "ovports" };
	char name[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct bpf_map *outer = bpf_object__find_map_by_name(obj, names[i]);
		struct bpf_map *inner = bpf_map__inner_map(outer);

		bpf_map__set_map_flags(inner, bpf_map__map_flags(inner) | BPF_F_ZERO_SEED);
		for (int g = 0; g < 2; g++) {
			struct bpf_map *m;

			snprintf(name, sizeof(name), "%s_%d", names[i], g);
			m = bpf_object__find_map_by_name(obj, name);
			bpf_map__set_map_flags(m, bpf_map__map_flags(m) | BPF_F_ZERO_SEED);
		}
	}
}

static int replay_pcap(int prog_fd, const char *path, unsigned long *frames)
{
	static unsigned char frame[MAX_FRAME], out[MAX_FRAME];
	unsigned int head[6], rec[4];
	FILE *f = fopen(path, "rb");

	if (!f || fread(head, sizeof(head), 1, f) != 1 || head[0] != 0xa1b2c3d4) {
		fprintf(stderr, "replay: %s: not a pcap file\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = rec[2], .data_out = out,
			    .data_size_out = sizeof(out), .repeat = 1);

		if (rec[2] > MAX_FRAME || fread(frame, rec[2], 1, f) != 1) {
			fprintf(stderr, "replay: %s: truncated record\n", path);
			fclose(f);
			return -1;
		}
		if (bpf_prog_test_run_opts(prog_fd, &opts)) {
			fprintf(stderr, "replay: test run: %s\n", strerror(errno));
			fclose(f);
			return -1;
		}
		(*frames)++;
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pcap", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "time", required_argument, NULL, 't' },
		{ "sensor", required_argument, NULL, 's' },
		{ "geoip", required_argument, NULL, 'g' },
		{ "asn", required_argument, NULL, 'a' },
		{ "rules", required_argument, NULL, 'r' },
		{ "label-list", required_argument, NULL, 'l' },
		{ "max-sources", required_argument, NULL, 'S' },
		{ "max-backscatter", required_argument, NULL, 'B' },
		{ "max-tagged", required_argument, NULL, 'T' },
		{ 0 },
	};
	const char *pcap = NULL, *out_dir = NULL, *sensor = "replay", *geoip = NULL, *asn = NULL;
	struct tag_config cfg = { 0 };
	struct telescope_bpf *skel;
	struct sensor_maps maps;
	struct output out;
	struct drain drain;
	struct ts_ctl ctl;
	struct geo *geo;
	unsigned long frames = 0;
	int64_t since = -1;
	char err[512];
	struct map_sizes sizes = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': pcap = optarg; break;
		case 'o': out_dir = optarg; break;
		case 't': since = parse_time(optarg); break;
		case 's': sensor = optarg; break;
		case 'g': geoip = optarg; break;
		case 'a': asn = optarg; break;
		case 'r': cfg.rules_path = optarg; break;
		case 'l':
			if (cfg.nlists == TAGCFG_MAX_LISTS)
				return 2;
			cfg.list_paths[cfg.nlists++] = optarg;
			break;
		case 'S': sizes.max_sources = (__u32)strtoul(optarg, NULL, 10); break;
		case 'B': sizes.max_backscatter = (__u32)strtoul(optarg, NULL, 10); break;
		case 'T': sizes.max_tagged = (__u32)strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!pcap || !out_dir || since < 0 || !geoip) {
		fprintf(stderr, "usage: replay --pcap FILE --out DIR --time T --geoip FILE "
				"[--asn FILE] [--sensor NAME] [--rules FILE] [--label-list FILE]...\n");
		return 2;
	}
	geo = geo_open(geoip, asn, err, sizeof(err));
	if (!geo) {
		fprintf(stderr, "replay: %s\n", err);
		return 1;
	}
	skel = telescope_bpf__open();
	if (!skel)
		return 1;
	zero_seed(skel->obj);
	maps_set_sizes(skel->obj, &sizes);
	if (telescope_bpf__load(skel)) {
		fprintf(stderr, "replay: cannot load the classifier: %s\n", strerror(errno));
		return 1;
	}
	maps_from_object(&maps, skel->obj);
	tagcfg_read_names(&maps, &cfg.names);
	if (tagcfg_apply(&maps, &cfg, err, sizeof(err))) {
		fprintf(stderr, "replay: %s\n", err);
		return 1;
	}
	if (ctl_read(&maps, &ctl))
		return 1;
	ctl.layout = TELESCOPE_LAYOUT;
	ctl.since[ctl.gen & 1] = (__u64)since;
	if (ctl_write(&maps, &ctl) ||
	    replay_pcap(bpf_program__fd(skel->progs.xdp_telescope), pcap, &frames) ||
	    output_init(&out, out_dir, "replay", false))
		return 1;
	drain = (struct drain){ .maps = &maps, .out = &out, .geo = geo,
				.names = &cfg.names, .sensor = sensor };
	if (drain_interval(&drain, (__u64)since + 60) || ctl_read(&maps, &ctl))
		return 1;
	printf("replay: %lu frames, %llu packets into %s\n", frames,
	       (unsigned long long)ctl.drained.packets, out_dir);
	telescope_bpf__destroy(skel);
	geo_close(geo);
	return 0;
}
