// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `xdp-telescope status [IFACE]`: read the pins; needs no running loader. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include "sensor/sensor.h"
#include "common/calendar.h"
#include "lib/log.h"
#include "lib/version.h"
#include "lib/options.h"
#include "sensor/attach.h"
#include "sensor/genread.h"
#include "sensor/mapsize.h"
#include "sensor/rows.h"
#include "sensor/tagcfg.h"

static void print_totals(const char *label, const struct ts_totals *t)
{
	printf("  %-9s packets %llu, bytes %llu, malformed %llu, non_ip %llu, "
	       "overflow %llu, fragments %llu, mirai %llu, backscatter %llu, "
	       "bs_overflow %llu, tagged %llu, tag_overflow %llu\n", label,
	       (unsigned long long)t->packets, (unsigned long long)t->bytes,
	       (unsigned long long)t->malformed, (unsigned long long)t->non_ip,
	       (unsigned long long)t->overflow, (unsigned long long)t->fragments,
	       (unsigned long long)t->mirai, (unsigned long long)t->backscatter,
	       (unsigned long long)t->bs_overflow,
	       (unsigned long long)t->tagged, (unsigned long long)t->tag_overflow);
}

/*
 * The fill of a map: n of its capacity entries, and the memory of it
 * (and of a second map that shares its room, or -1).
 */
static void print_fill(const char *what, long n, int fd, int also)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	unsigned long long mem = map_memlock(fd) + (also >= 0 ? map_memlock(also) : 0);
	int cap_fd = also >= 0 ? also : fd;

	if (n < 0 || bpf_obj_get_info_by_fd(cap_fd, &info, &len))
		return;
	printf("  %-9s %ld of %u entries (%.1f%%) in the current interval, "
	       "%.1f MiB per generation\n", what, n, info.max_entries,
	       info.max_entries ? 100.0 * (double)n / info.max_entries : 0.0,
	       (double)mem / (1 << 20));
}

/*
 * What was drained (ctl) and what waits in the generations, from one
 * moment: a drain that moves counts from a generation into ctl between
 * reading ctl and reading the generation would hide them from both, so
 * the reading is repeated until ctl is the same before and after it.
 */
static int read_counts(const struct sensor_maps *m, struct ts_ctl *ctl,
		       struct ts_totals *pending, __u64 per_tag[TS_TAG_MAX])
{
	struct ts_ctl after;

	for (int tries = 0; tries < 50; tries++) {
		if (ctl_read(m, ctl))
			return -1;
		memset(pending, 0, sizeof(*pending));
		memcpy(per_tag, ctl->tag_drained, sizeof(ctl->tag_drained));
		for (int g = 0; g < 2; g++) {
			struct snapshot snap;

			/* a generation whose rows are written but not yet cleared */
			if (ctl->drain_phase == TS_DRAIN_WRITTEN && (int)ctl->drain_gen == g)
				continue;
			if (gen_read(m, g, &snap))
				continue;
			totals_add(pending, &snap.totals);
			snapshot_tag_packets(&snap, per_tag);
			snapshot_free(&snap);
		}
		if (ctl_read(m, &after))
			return -1;
		if (!memcmp(ctl, &after, sizeof(after)))
			return 0;
	}
	pr_err("the counts kept changing under a drain; try again");
	return -1;
}

/* 0 when attached and shown, 1 otherwise. */
static int show(const char *ifname)
{
	struct ts_totals pending = { 0 }, all;
	__u64 per_tag[TS_TAG_MAX];
	struct tag_names names;
	struct sensor s;
	struct ts_ctl ctl;
	char since[21], msg[512];
	int active, err;

	err = sensor_open_pins(&s, ifname, msg, sizeof(msg));
	if (err == -ENOENT)
		pr_err("nothing attached to %s (no pins under %s/%s)", ifname,
		       TS_PIN_ROOT, ifname);
	else if (err) /* counts it cannot interpret are not shown */
		pr_err("%s", msg);
	if (err) {
		sensor_close(&s);
		return 1;
	}
	if (read_counts(&s.maps, &ctl, &pending, per_tag)) {
		sensor_close(&s);
		return 1;
	}
	active = (int)(ctl.gen & 1);
	all = ctl.drained;
	totals_add(&all, &pending);
	format_time(ctl.attached_at, since);

	printf("%s: %s, program %u, %s mode, attached since %s\n", ifname,
	       s.link_fd >= 0 && s.ifindex ? "attached" : "NOT attached (stale pins)",
	       s.prog_id, attach_mode_name(s.attach_mode), since);
	printf("  loader    %s\n", sensor_locked(ifname)
	       ? "running" : "not running (the kernel keeps counting; the next run writes it)");
	printf("  version   xdp-telescope %s (this status), map layout %d\n", ts_version(),
	       TELESCOPE_LAYOUT);
	print_totals("total", &all);
	print_totals("unwritten", &pending);
	tagcfg_read_names(&s.maps, &names);
	printf("  tags     ");
	for (int b = 0, shown = 0; b < TS_TAG_MAX; b++) {
		if (!names.name[b][0] || (!per_tag[b] && b >= TS_TAG_BUILTIN_COUNT))
			continue;
		printf("%s %s %llu", shown++ ? "," : "", names.name[b],
		       (unsigned long long)per_tag[b]);
	}
	printf("\n");
	/* IPv4 and IPv6 flows share the room of --max-sources, flows6's size */
	print_fill("flows", flows_held(&s.maps, active), s.maps.gen[active][GM_FLOWS4],
		   s.maps.gen[active][GM_FLOWS6]);
	print_fill("bscat", map_count(s.maps.gen[active][GM_BSCAT]),
		   s.maps.gen[active][GM_BSCAT], -1);
	print_fill("tagged", map_count(s.maps.gen[active][GM_TAGGED]),
		   s.maps.gen[active][GM_TAGGED], -1);
	printf("  pins      %s\n", s.pin_dir);
	int ok = s.link_fd >= 0 && s.ifindex;
	sensor_close(&s);
	return ok ? 0 : 1;
}

static const struct opt status_opts[] = { OPT_END };

static const struct opt_cmd status_cmd = {
	.prog = "xdp-telescope", .name = "status", .args = "[IFACE]", .min_args = 0,
	.max_args = 1,
	.about = "Show the program, attach mode, time attached, counts since attach, map "
		 "fill levels and overflow of IFACE (or of every interface with pins). "
		 "Exits 1 when nothing is attached.",
	.opts = status_opts,
};

int cmd_status(int argc, char **argv)
{
	struct dirent *de;
	int shown = 0, err = 0, rc, argi;
	DIR *d;

	rc = opt_parse(&status_cmd, argc, argv, NULL, &argi);
	if (rc != OPT_GO)
		return rc;
	ts_quiet_libbpf();
	if (ensure_bpffs())
		return 1;
	if (argi < argc)
		return show(argv[argi]);

	d = opendir(TS_PIN_ROOT);
	while (d && (de = readdir(d))) {
		char ifname[IF_NAMESIZE];

		if (de->d_name[0] == '.')
			continue;
		/* pin directories store an interface's dots as ':' */
		if (strlen(de->d_name) >= sizeof(ifname))
			continue;
		memcpy(ifname, de->d_name, strlen(de->d_name) + 1);
		for (char *p = ifname; *p; p++)
			if (*p == ':')
				*p = '.';
		err |= show(ifname);
		shown++;
	}
	if (d)
		closedir(d);
	if (!shown) {
		pr_err("nothing attached (no pins under %s)", TS_PIN_ROOT);
		return 1;
	}
	return err;
}
