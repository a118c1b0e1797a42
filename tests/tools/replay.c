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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "telescope.skel.h"
#include "common/calendar.h"
#include "lib/options.h"
#include "sensor/drain.h"
#include "sensor/tagcfg.h"

#define MAX_FRAME 16384

/* Deterministic hash maps: the counting maps and the templates of their
 * ARRAY_OF_MAPS (whose flags must match the inner maps'). flows4 is a
 * table whose slots depend on its keys alone. */
static void zero_seed(struct bpf_object *obj)
{
	static const char *const names[] = { "flows6", "bscat", "tagged", "tagov", "ovports" };
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

struct replay_opts {
	const char *pcap, *out_dir, *sensor, *geoip, *asn;
	int64_t since;
	struct tag_config cfg;
	struct map_sizes sizes;
};

static bool parse_since(const struct opt *o, const char *arg, void *cfg)
{
	int64_t *t = opt_field(o, cfg);

	*t = parse_time(arg);
	return *t >= 0;
}

#define O struct replay_opts
#define MAX_ENTRIES (1L << 28)
static const struct opt replay_table[] = {
	OPT_STRING(O, pcap, "pcap", 0, "FILE", "the frames (lab-send --pcap)", .required = true),
	OPT_STRING(O, out_dir, "out", 0, "DIR", "where the CSV goes", .required = true),
	OPT_CUSTOM(O, since, "time", 0, "T", parse_since, "a time as YYYY-MM-DDTHH:MM:SSZ",
		   "start of the interval", .required = true),
	OPT_STRING(O, geoip, "geoip", 0, "FILE", "country database", .required = true),
	OPT_STRING(O, sensor, "sensor", 0, "NAME", "sensor column (default replay)"),
	OPT_STRING(O, asn, "asn", 0, "FILE", "ASN database"),
	OPT_STRING(O, cfg.rules_path, "rules", 0, "FILE", "payload rules (default: none)"),
	OPT_LIST(O, cfg.list_paths, cfg.nlists, "label-list", 0, "FILE",
		 "labelled address list"),
	OPT_UINT(O, sizes.max_sources, "max-sources", 0, "N", 1, MAX_ENTRIES,
		 "flow map entries (default: as built)"),
	OPT_UINT(O, sizes.max_backscatter, "max-backscatter", 0, "N", 1, MAX_ENTRIES,
		 "backscatter map entries (default: as built)"),
	OPT_UINT(O, sizes.max_tagged, "max-tagged", 0, "N", 1, MAX_ENTRIES,
		 "tagged map entries (default: as built)"),
	OPT_END,
};
#undef O

static const struct opt_cmd replay_cmd = {
	.prog = "replay",
	.about = "Every frame of the pcap file once through the classifier, then one "
		 "drain writes the interval starting at --time.",
	.opts = replay_table,
};

int main(int argc, char **argv)
{
	struct replay_opts o = { .sensor = "replay", .since = -1 };
	struct tag_config *cfg = &o.cfg;
	struct telescope_bpf *skel;
	struct sensor_maps maps;
	struct output out;
	struct drain drain;
	struct ts_ctl ctl;
	struct geo *geo;
	unsigned long frames = 0;
	char err[512];
	int rc;

	rc = opt_parse(&replay_cmd, argc, argv, &o, NULL);
	if (rc != OPT_GO)
		return rc;
	geo = geo_open(o.geoip, o.asn, err, sizeof(err));
	if (!geo) {
		fprintf(stderr, "replay: %s\n", err);
		return 1;
	}
	skel = telescope_bpf__open();
	if (!skel)
		return 1;
	zero_seed(skel->obj);
	maps_set_sizes(skel->obj, &o.sizes);
	if (telescope_bpf__load(skel)) {
		fprintf(stderr, "replay: cannot load the classifier: %s\n", strerror(errno));
		return 1;
	}
	maps_from_object(&maps, skel->obj);
	if (room_reset(&maps, 0) || room_reset(&maps, 1))
		return 1;
	tagcfg_read_names(&maps, &cfg->names);
	if (tagcfg_apply(&maps, cfg, err, sizeof(err))) {
		fprintf(stderr, "replay: %s\n", err);
		return 1;
	}
	if (ctl_read(&maps, &ctl))
		return 1;
	ctl.layout = TELESCOPE_LAYOUT;
	ctl.since[ctl.gen & 1] = (__u64)o.since;
	if (ctl_write(&maps, &ctl) ||
	    replay_pcap(bpf_program__fd(skel->progs.xdp_telescope), o.pcap, &frames) ||
	    output_init(&out, o.out_dir, "replay", false))
		return 1;
	drain = (struct drain){ .maps = &maps, .out = &out, .geo = geo,
				.names = &cfg->names, .sensor = o.sensor };
	if (drain_interval(&drain, (__u64)o.since + 60, 0) || ctl_read(&maps, &ctl))
		return 1;
	printf("replay: %lu frames, %llu packets into %s\n", frames,
	       (unsigned long long)ctl.drained.packets, o.out_dir);
	telescope_bpf__destroy(skel);
	geo_close(geo);
	return 0;
}
