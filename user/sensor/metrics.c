// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exposition, after Prometheus's naming rules: base units (seconds,
 * bytes), `_total` on counters, `# HELP` and `# TYPE` for each family.
 * The packet counters are the kernel's own totals (what was drained, plus
 * what the maps hold now), so they count on across loader restarts and
 * never go back; a Prometheus rate() over them is the sensor's traffic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "lib/version.h"
#include "sensor/metrics.h"

static void add(struct strbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct strbuf *out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_append(out, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* A label value: \, " and newline escaped (the exposition format's rule). */
static void label_value(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			sb_append(out, "\\", 1);
		if (*s == '\n')
			sb_append(out, "\\n", 2);
		else
			sb_append(out, s, 1);
	}
}

/* The labels every sample carries, and an extra one if name is set. */
static void labels(struct strbuf *out, const struct metrics_source *src, const char *name,
		   const char *value)
{
	sb_append(out, "{ifname=\"", 9);
	label_value(out, src->s->ifname);
	sb_append(out, "\",sensor=\"", 10);
	label_value(out, src->sensor);
	if (name) {
		add(out, "\",%s=\"", name);
		label_value(out, value);
	}
	sb_append(out, "\"}", 2);
}

static void family(struct strbuf *out, const char *name, const char *type, const char *help)
{
	add(out, "# HELP xdp_telescope_%s %s\n# TYPE xdp_telescope_%s %s\n", name, help, name,
	    type);
}

static void sample(struct strbuf *out, const struct metrics_source *src, const char *name,
		   const char *label, const char *value, const char *number)
{
	add(out, "xdp_telescope_%s", name);
	labels(out, src, label, value);
	add(out, " %s\n", number);
}

static void counter(struct strbuf *out, const struct metrics_source *src, const char *name,
		    const char *help, unsigned long long v)
{
	char num[24];

	family(out, name, "counter", help);
	snprintf(num, sizeof(num), "%llu", v);
	sample(out, src, name, NULL, NULL, num);
}

/* Drained so far, plus what both generations hold now (but a generation
 * whose rows are written and not yet cleared: it is in drained already). */
static int kernel_totals(const struct sensor_maps *m, struct ts_ctl *ctl, struct ts_totals *all)
{
	if (ctl_read(m, ctl))
		return -1;
	*all = ctl->drained;
	for (int g = 0; g < 2; g++) {
		struct ts_totals t;

		if (ctl->drain_phase == TS_DRAIN_WRITTEN && (int)ctl->drain_gen == g)
			continue;
		if (totals_read(m->gen[g][GM_TOTALS], &t))
			return -1;
		totals_add(all, &t);
	}
	return 0;
}

static const struct {
	const char *name, *help;
	size_t offset;
} totals_metrics[] = {
#define T(f, h) { #f "_total", h, offsetof(struct ts_totals, f) }
	T(packets, "IP packets classified."),
	T(bytes, "Sum of the IP lengths of the packets classified, bytes."),
	T(malformed, "IP packets too broken to classify."),
	T(non_ip, "Frames that are not IP."),
	T(overflow, "Packets whose source did not fit the flow map (still in totals and ports)."),
	T(fragments, "Non-first fragments (no transport header)."),
	T(mirai, "Mirai-type SYNs (sequence number equal to the destination address)."),
	T(backscatter, "Backscatter packets (SYN-ACK, RST, ICMP replies and errors)."),
	T(bs_overflow, "Backscatter packets whose key did not fit the backscatter map."),
	T(tagged, "Packets with at least one tag."),
	T(tag_overflow, "Tagged packets whose key did not fit the tagged map."),
#undef T
};

/* The interface's own receive counters: loss before the sensor saw it. */
static void interface_drops(struct strbuf *out, const struct metrics_source *src)
{
	static const char *const stats[] = { "rx_dropped", "rx_missed_errors" };

	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		char path[160], num[24] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", src->s->ifname,
			 stats[i]);
		f = fopen(path, "r");
		if (!f)
			continue; /* the driver has no such counter */
		if (fgets(num, sizeof(num), f))
			num[strcspn(num, "\n")] = '\0';
		fclose(f);
		if (!*num)
			continue;
		snprintf(path, sizeof(path), "interface_%s_total", stats[i]);
		family(out, path, "counter", i ? "Frames the NIC missed (its own counter)."
					       : "Frames the interface dropped (its own counter).");
		sample(out, src, path, NULL, NULL, num);
	}
}

static void drains(struct strbuf *out, const struct metrics_source *src)
{
	const struct drain_record *r = src->drains;
	char num[32], le[16];

	family(out, "drain_duration_seconds", "histogram",
	       "Time a drain took: flip, read, rows, write, clear.");
	for (int b = 0; b < DRAIN_BUCKETS; b++) {
		snprintf(le, sizeof(le), "%g", drain_bounds[b]);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)r->le[b]);
		sample(out, src, "drain_duration_seconds_bucket", "le", le, num);
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->drains);
	sample(out, src, "drain_duration_seconds_bucket", "le", "+Inf", num);
	snprintf(num, sizeof(num), "%.6f", r->seconds_sum);
	sample(out, src, "drain_duration_seconds_sum", NULL, NULL, num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->drains);
	sample(out, src, "drain_duration_seconds_count", NULL, NULL, num);
	counter(out, src, "drain_failures_total", "Drains that could not write (their counts stay in the maps).",
		r->failed);
	family(out, "last_drain_timestamp_seconds", "gauge",
	       "When the last drain completed, UTC seconds (0: none yet).");
	snprintf(num, sizeof(num), "%lld", (long long)r->last_drain);
	sample(out, src, "last_drain_timestamp_seconds", NULL, NULL, num);
	family(out, "drain_interval_seconds", "gauge", "The drain interval.");
	snprintf(num, sizeof(num), "%u", src->interval);
	sample(out, src, "drain_interval_seconds", NULL, NULL, num);
	family(out, "rows_written_total", "counter", "CSV rows written, per series.");
	for (int s = 0; s < S_COUNT; s++) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)r->rows[s]);
		sample(out, src, "rows_written_total", "series", series_name[s], num);
	}
}

/* Entries of the last drained generation beside each map's capacity. */
static void maps(struct strbuf *out, const struct metrics_source *src)
{
	static const struct { const char *name; enum gen_map map; } m[3] = {
		{ "flows", GM_FLOWS6 } /* --max-sources: the room of both families */, { "backscatter", GM_BSCAT }, { "tagged", GM_TAGGED },
	};
	char num[24];

	family(out, "map_entries", "gauge", "Entries the last drained interval used, per map.");
	for (int i = 0; i < 3; i++) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)src->drains->entries[i]);
		sample(out, src, "map_entries", "map", m[i].name, num);
	}
	family(out, "map_capacity", "gauge", "Entries a map holds at most per interval.");
	for (int i = 0; i < 3; i++) {
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(src->s->maps.gen[0][m[i].map], &info, &len))
			continue;
		snprintf(num, sizeof(num), "%u", info.max_entries);
		sample(out, src, "map_capacity", "map", m[i].name, num);
	}
}

int metrics_render(const struct metrics_source *src, struct strbuf *out)
{
	struct ts_totals all;
	struct ts_ctl ctl;
	char num[24];

	sb_reset(out);
	if (kernel_totals(&src->s->maps, &ctl, &all))
		return -1;
	for (size_t i = 0; i < sizeof(totals_metrics) / sizeof(totals_metrics[0]); i++)
		counter(out, src, totals_metrics[i].name, totals_metrics[i].help,
			*(const __u64 *)((const char *)&all + totals_metrics[i].offset));
	family(out, "tag_packets_total", "counter",
	       "Packets per tag, as of the last drain (a packet with k tags counts k times).");
	for (int b = 0; b < TS_TAG_MAX; b++) {
		if (!src->names->name[b][0])
			continue;
		snprintf(num, sizeof(num), "%llu", (unsigned long long)ctl.tag_drained[b]);
		sample(out, src, "tag_packets_total", "tag", src->names->name[b], num);
	}
	maps(out, src);
	drains(out, src);
	interface_drops(out, src);
	family(out, "xdp_mode", "gauge", "The XDP mode the program is attached in (1).");
	sample(out, src, "xdp_mode", "mode", attach_mode_name(src->s->attach_mode), "1");
	family(out, "build_info", "gauge", "The version of the loader (1).");
	sample(out, src, "build_info", "version", ts_version(), "1");
	return 0;
}

int metrics_write_file(const char *path, const struct strbuf *text)
{
	char tmp[4200];
	bool bad;
	int fd;

	/* a reader sees the old file or the new one, never half of one */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		pr_warn("cannot write the metrics to %s: %s", tmp, strerror(errno));
		return -1;
	}
	bad = write(fd, text->buf ? text->buf : "", text->len) != (ssize_t)text->len;
	bad |= close(fd) != 0;
	if (bad || rename(tmp, path)) {
		pr_warn("cannot write the metrics to %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
