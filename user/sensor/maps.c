// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "sensor/layout.h"
#include "sensor/flows4.h"
#include "sensor/maps.h"


/* Map (and pin) names without the _0/_1 suffix, in enum gen_map order. */
static const char *const gen_map_names[GM_COUNT] = {
	[GM_TOTALS] = "totals", [GM_FLOWS4] = "flows4", [GM_FLOWS6] = "flows6",
	[GM_OVPORTS] = "ovports",
	[GM_BSCAT] = "bscat",   [GM_TAGGED] = "tagged", [GM_TAGOV] = "tagov",
};

void map_sizes_default(struct map_sizes *sz)
{
	if (!sz->max_sources)
		sz->max_sources = TS_DEFAULT_MAX_SOURCES;
	if (!sz->max_backscatter)
		sz->max_backscatter = TS_DEFAULT_MAX_BACKSCATTER;
	if (!sz->max_tagged)
		sz->max_tagged = TS_DEFAULT_MAX_TAGGED;
	if (!sz->max_labels)
		sz->max_labels = TS_DEFAULT_MAX_LABELS;
}

/* Both generations of a counting map, or one configuration map. */
static int set_size(struct bpf_object *obj, const char *name, int generations, __u32 n)
{
	char full[32];

	if (!n)
		return 0;
	for (int g = 0; g < generations; g++) {
		struct bpf_map *m;

		snprintf(full, sizeof(full), generations > 1 ? "%s_%d" : "%s", name, g);
		m = bpf_object__find_map_by_name(obj, full);
		if (!m || bpf_map__set_max_entries(m, n))
			return -1;
	}
	return 0;
}

int maps_set_sizes(struct bpf_object *obj, const struct map_sizes *sz)
{
	__u32 slots = TS_FLOW4_SLOTS_PER_SOURCE * sz->max_sources;

	if (sz->max_sources > UINT32_MAX / TS_FLOW4_SLOTS_PER_SOURCE) {
		errno = E2BIG;
		return -1;
	}
	return set_size(obj, "flows4", 2, slots) ||
	       set_size(obj, "flows6", 2, sz->max_sources) ||
	       set_size(obj, "bscat", 2, sz->max_backscatter) ||
	       set_size(obj, "tagged", 2, sz->max_tagged) ||
	       set_size(obj, "labels", 1, sz->max_labels) ? -1 : 0;
}

void maps_init(struct sensor_maps *m)
{
	m->ctl_fd = m->outer_totals_fd = -1;
	m->rules_fd = m->rules_any_fd = m->rule_ports_fd = -1;
	m->labels_fd = m->tagnames_fd = m->room_fd = -1;
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < GM_COUNT; i++)
			m->gen[g][i] = -1;
}

void maps_from_object(struct sensor_maps *m, struct bpf_object *obj)
{
	char name[32];

	m->ctl_fd = bpf_object__find_map_fd_by_name(obj, "ctl");
	m->outer_totals_fd = bpf_object__find_map_fd_by_name(obj, "totals");
	m->rules_fd = bpf_object__find_map_fd_by_name(obj, "rules");
	m->rules_any_fd = bpf_object__find_map_fd_by_name(obj, "rules_any");
	m->rule_ports_fd = bpf_object__find_map_fd_by_name(obj, "rule_ports");
	m->labels_fd = bpf_object__find_map_fd_by_name(obj, "labels");
	m->tagnames_fd = bpf_object__find_map_fd_by_name(obj, "tagnames");
	m->room_fd = bpf_object__find_map_fd_by_name(obj, "room");
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < GM_COUNT; i++) {
			snprintf(name, sizeof(name), "%s_%d", gen_map_names[i], g);
			m->gen[g][i] = bpf_object__find_map_fd_by_name(obj, name);
		}
}

int maps_open_pinned(struct sensor_maps *m, const char *dir, const char *ifname,
		     char *msg, size_t len)
{
	char name[32];
	int err;

	maps_init(m);
	err = pins_check_layout(dir, ifname, msg, len);
	if (err)
		return err;
	m->ctl_fd = pin_open(dir, "ctl");
	m->outer_totals_fd = pin_open(dir, "totals");
	m->tagnames_fd = pin_open(dir, "tagnames");
	m->room_fd = pin_open(dir, "room");
	err = m->ctl_fd < 0 || m->outer_totals_fd < 0 || m->tagnames_fd < 0 ||
	      m->room_fd < 0;
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < GM_COUNT; i++) {
			snprintf(name, sizeof(name), "%s_%d", gen_map_names[i], g);
			m->gen[g][i] = pin_open(dir, name);
			err |= m->gen[g][i] < 0;
		}
	if (err) { /* removed since the check: a detach meanwhile */
		maps_close(m);
		snprintf(msg, len, "nothing pinned under %s any more", dir);
		return -ENOENT;
	}
	return 0;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void maps_close(struct sensor_maps *m)
{
	close_fd(m->ctl_fd);
	close_fd(m->outer_totals_fd);
	close_fd(m->rules_fd);
	close_fd(m->rules_any_fd);
	close_fd(m->rule_ports_fd);
	close_fd(m->labels_fd);
	close_fd(m->tagnames_fd);
	close_fd(m->room_fd);
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < GM_COUNT; i++)
			close_fd(m->gen[g][i]);
	maps_init(m);
}

int ctl_read(const struct sensor_maps *m, struct ts_ctl *ctl)
{
	__u32 zero = 0;

	if (map_has_sizes(m->ctl_fd, sizeof(zero), sizeof(*ctl)))
		return -1;
	if (bpf_map_lookup_elem(m->ctl_fd, &zero, ctl)) {
		pr_err("cannot read the control map: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int ctl_write(const struct sensor_maps *m, const struct ts_ctl *ctl)
{
	__u32 zero = 0;

	if (map_has_sizes(m->ctl_fd, sizeof(zero), sizeof(*ctl)))
		return -1;
	if (bpf_map_update_elem(m->ctl_fd, &zero, ctl, BPF_ANY)) {
		pr_err("cannot write the control map: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int totals_read(int fd, struct ts_totals *t)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t stride = (sizeof(*t) + 7) & ~7UL;
	__u32 zero = 0;
	char *buf;

	memset(t, 0, sizeof(*t));
	if (ncpu < 1 || map_has_sizes(fd, sizeof(zero), sizeof(*t)))
		return -1;
	buf = xcalloc((size_t)ncpu, stride);
	if (bpf_map_lookup_elem(fd, &zero, buf)) {
		pr_err("cannot read totals: %s", strerror(errno));
		free(buf);
		return -1;
	}
	for (int c = 0; c < ncpu; c++)
		totals_add(t, (struct ts_totals *)(buf + c * stride));
	free(buf);
	return 0;
}

int map_walk(int fd, size_t ksz, size_t vsz, __u64 from, __u64 to,
	     map_batch_fn take, void *arg)
{
	__u64 in_batch = from, out_batch = 0;
	bool first = !from;
	char *keys, *vals;
	int err = 0;

	if (map_has_sizes(fd, ksz, vsz))
		return -EPROTO;
	keys = xmalloc(MAP_BATCH * ksz);
	vals = xmalloc(MAP_BATCH * vsz);
	for (;;) {
		__u32 count = MAP_BATCH;

		err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch,
					   &out_batch, keys, vals, &count, NULL);
		if (err && errno != ENOENT) {
			err = -errno;
			pr_err("cannot read a map: %s", strerror(errno));
			break;
		}
		take(keys, vals, count, arg);
		if (err || (to && out_batch >= to)) { /* ENOENT: that was the last batch */
			err = 0;
			break;
		}
		in_batch = out_batch;
		first = false;
	}
	free(keys);
	free(vals);
	return err;
}

/* Buffers sized as the kernel reports the map: it writes that much. */
static int clear_hash(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char *keys, *vals;
	int err = 0;

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		pr_err("cannot inspect a map to clear it: %s", strerror(errno));
		return -1;
	}
	keys = xmalloc((size_t)MAP_BATCH * info.key_size);
	vals = xmalloc((size_t)MAP_BATCH * info.value_size);
	/* Nothing writes this map: read a batch of keys, delete them, repeat. */
	for (;;) {
		__u32 count = MAP_BATCH;
		__u64 out_batch;

		err = bpf_map_lookup_batch(fd, NULL, &out_batch, keys, vals,
					   &count, NULL);
		if (err && errno != ENOENT) {
			pr_err("cannot read a map to clear it: %s",
			       strerror(errno));
			break;
		}
		if (count == 0) {
			err = 0;
			break;
		}
		if (bpf_map_delete_batch(fd, keys, &count, NULL)) {
			pr_err("cannot clear a map: %s", strerror(errno));
			err = -1;
			break;
		}
	}
	free(keys);
	free(vals);
	return err;
}

/*
 * Delete the keys of `n` records (key at offset 0, `rec` bytes apart) in
 * batches: the drain has just read them, so no second walk of the map is
 * needed to find them.
 */
static int delete_keys(int fd, const void *recs, size_t n, size_t rec,
		       size_t ksz)
{
	char *keys = xmalloc(MAP_BATCH * ksz);
	int err = 0;

	for (size_t done = 0; done < n && !err;) {
		__u32 count = (__u32)(n - done < MAP_BATCH ? n - done : MAP_BATCH);

		for (__u32 i = 0; i < count; i++)
			memcpy(keys + i * ksz,
			       (const char *)recs + (done + i) * rec, ksz);
		if (bpf_map_delete_batch(fd, keys, &count, NULL)) {
			pr_err("cannot clear a map: %s", strerror(errno));
			err = -1;
		}
		done += count;
	}
	free(keys);
	return err;
}

#define DELETE_KEYS(fd, arr, n) \
	delete_keys(fd, arr, n, sizeof((arr)[0]), sizeof((arr)[0].key))

/*
 * Delete the flows6 entries just read (snap->flows from nflows4 on):
 * IPv6 flows, and the IPv4 flows flows4 had no slot for.
 */
static int delete_flows6(const struct sensor_maps *m, int g, const struct snapshot *snap)
{
	struct ts_flow6_key *k6 = xmalloc(MAP_BATCH * sizeof(*k6));
	__u32 n6 = 0;
	int err = 0;

	for (size_t i = snap->nflows4; i <= snap->nflows && !err; i++) {
		const struct ts_flow_key *k = i < snap->nflows ? &snap->flows[i].key : NULL;

		if (k) {
			bool v4 = k->family == TS_FAMILY_IPV4;

			k6[n6] = (struct ts_flow6_key){ .proto = k->proto, .port = k->port,
							.pad = v4 ? TS_FAMILY_IPV4 : 0 };
			memcpy(k6[n6++].addr, k->addr, v4 ? 4 : 16);
		}
		/* a batch when full, and the rest after the last entry */
		if (n6 && (n6 == MAP_BATCH || !k)) {
			err = bpf_map_delete_batch(m->gen[g][GM_FLOWS6], k6, &n6, NULL) ? errno : 0;
			n6 = 0;
		}
	}
	free(k6);
	if (err)
		pr_err("cannot clear a flow map: %s", strerror(err));
	return err ? -1 : 0;
}

int room_reset(const struct sensor_maps *m, int g)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = (__u32)g;
	struct ts_room r = { 0 };

	/* flows6 holds --max-sources entries, the room of both families */
	if (bpf_obj_get_info_by_fd(m->gen[g][GM_FLOWS6], &info, &len) ||
	    map_has_sizes(m->room_fd, sizeof(key), sizeof(r))) {
		pr_err("cannot inspect the flow map: %s", strerror(errno));
		return -1;
	}
	r.free = info.max_entries;
	/* and the size of its flows4, which the program's probes take */
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(m->gen[g][GM_FLOWS4], &info, &len)) {
		pr_err("cannot inspect the flow map: %s", strerror(errno));
		return -1;
	}
	r.slots = info.max_entries;
	if (bpf_map_update_elem(m->room_fd, &key, &r, BPF_ANY)) {
		pr_err("cannot reset the flow room: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Zero every CPU's totals of generation g. */
long flows_held(const struct sensor_maps *m, int g)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = (__u32)g;
	struct ts_room r;

	/* flows6 is --max-sources entries large: the room of both families */
	if (m->room_fd < 0 || bpf_obj_get_info_by_fd(m->gen[g][GM_FLOWS6], &info, &len) ||
	    bpf_map_lookup_elem(m->room_fd, &key, &r) || r.free < 0 ||
	    r.free > info.max_entries)
		return -1;
	return (long)info.max_entries - (long)r.free;
}

static int clear_totals(const struct sensor_maps *m, int g)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t stride = (sizeof(struct ts_totals) + 7) & ~7UL;
	__u32 zero = 0;
	char *buf;
	int err;

	/* the kernel reads its value size per CPU from buf */
	if (map_has_sizes(m->gen[g][GM_TOTALS], sizeof(zero), sizeof(struct ts_totals)))
		return -1;
	buf = xcalloc(ncpu > 0 ? (size_t)ncpu : 1, stride);
	err = bpf_map_update_elem(m->gen[g][GM_TOTALS], &zero, buf, BPF_ANY);
	free(buf);
	if (err)
		pr_err("cannot clear totals: %s", strerror(errno));
	return err ? -1 : 0;
}

int gen_clear_read(const struct sensor_maps *m, int g, const struct snapshot *snap)
{
	if (clear_totals(m, g) || (snap->nflows4 && flows4_clear(m->gen[g][GM_FLOWS4])) ||
	    delete_flows6(m, g, snap) ||
	    DELETE_KEYS(m->gen[g][GM_OVPORTS], snap->ovports, snap->novports) ||
	    DELETE_KEYS(m->gen[g][GM_BSCAT], snap->bs, snap->nbs) ||
	    DELETE_KEYS(m->gen[g][GM_TAGGED], snap->tags, snap->ntags) ||
	    DELETE_KEYS(m->gen[g][GM_TAGOV], snap->tagov, snap->ntagov))
		return -1;
	return room_reset(m, g);
}

/*
 * A table no flow took room from holds none (a slot is claimed only with
 * room taken, and the room comes back only once the table is clear): it
 * is not written, as a new mapping's first writes fault page by page.
 */
int gen_clear(const struct sensor_maps *m, int g)
{
	if (clear_totals(m, g) ||
	    (flows_held(m, g) && flows4_clear(m->gen[g][GM_FLOWS4])) || clear_hash(m->gen[g][GM_FLOWS6]) ||
	    clear_hash(m->gen[g][GM_OVPORTS]) || clear_hash(m->gen[g][GM_BSCAT]) ||
	    clear_hash(m->gen[g][GM_TAGGED]) || clear_hash(m->gen[g][GM_TAGOV]))
		return -1;
	return room_reset(m, g);
}

static void count_entries(const char *keys, const char *vals, __u32 count, void *arg)
{
	(void)keys;
	(void)vals;
	*(long *)arg += count;
}

long map_count(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long n = 0;

	if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    map_walk(fd, info.key_size, info.value_size, 0, 0, count_entries, &n))
		return -1;
	return n;
}
