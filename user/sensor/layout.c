// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "telescope.h"
#include "sensor/layout.h"

int pin_open(const char *dir, const char *name)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

/*
 * The pinned maps user space reads or writes, as this binary's structs
 * make them (the BPF object is built from the same include/telescope.h).
 * A map of another version with the same name would have its values
 * written into buffers sized for these.
 */
static const struct pinned_map {
	const char *name;
	int generations; /* 2: name_0 and name_1 */
	__u32 type, key_size, value_size;
} pinned_maps[] = {
	{ "ctl", 1, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ts_ctl) },
	{ "totals", 1, BPF_MAP_TYPE_ARRAY_OF_MAPS, sizeof(__u32), sizeof(__u32) },
	{ "totals", 2, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct ts_totals) },
	{ "flows4", 2, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ts_flow4_slot) },
	{ "flows6", 2, BPF_MAP_TYPE_HASH, sizeof(struct ts_flow6_key), sizeof(struct ts_flow_val) },
	{ "room", 1, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ts_room) },
	{ "ovports", 2, BPF_MAP_TYPE_HASH, sizeof(struct ts_port_key), sizeof(struct ts_counts) },
	{ "bscat", 2, BPF_MAP_TYPE_HASH, sizeof(struct ts_bs_key), sizeof(__u64) },
	{ "tagged", 2, BPF_MAP_TYPE_HASH, sizeof(struct ts_tag_key), sizeof(__u64) },
	{ "tagov", 2, BPF_MAP_TYPE_HASH, sizeof(struct ts_tagov_key), sizeof(__u64) },
	{ "rules", 1, BPF_MAP_TYPE_HASH, sizeof(struct ts_rule_key), sizeof(struct ts_rule_set) },
	{ "rules_any", 1, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ts_rule_set) },
	{ "rule_ports", 1, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u64) },
	{ "labels", 1, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct ts_label_key), sizeof(__u64) },
	{ "tagnames", 1, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ts_tag_name) },
};

#define OTHER_VERSION(msg, len, dir, ifname, fmt, ...)                       \
	snprintf(msg, len, "the maps pinned under %s come from another version " \
		 "of xdp-telescope (" fmt "); run 'xdp-telescope detach %s' "   \
		 "first", dir, __VA_ARGS__, ifname)

/* A pinned map against its row: 0 or -EPROTO (msg says how it differs). */
static int check_fd(int fd, const char *dir, const char *ifname,
		    const char *name, const struct pinned_map *want, char *msg,
		    size_t len)
{
	struct bpf_map_info info = {};
	__u32 ilen = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
		OTHER_VERSION(msg, len, dir, ifname, "%s is not a map", name);
		return -EPROTO;
	}
	if (info.type != want->type || info.key_size != want->key_size ||
	    info.value_size != want->value_size) {
		OTHER_VERSION(msg, len, dir, ifname, "%s: map type %u, %u-byte "
			      "keys, %u-byte values; this version's: type %u, %u, %u",
			      name, info.type, info.key_size, info.value_size,
			      want->type, want->key_size, want->value_size);
		return -EPROTO;
	}
	return 0;
}

/*
 * ctl.layout of the pins, read into a buffer of the size the kernel
 * reports: every version's ctl starts with it. 0, or -1 if unreadable.
 */
static int pinned_layout(int fd, __u32 *layout)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0;
	void *buf;
	int err;

	if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.type != BPF_MAP_TYPE_ARRAY || info.key_size != sizeof(zero) ||
	    info.value_size < sizeof(*layout))
		return -1;
	buf = xcalloc(1, info.value_size);
	err = bpf_map_lookup_elem(fd, &zero, buf);
	if (!err)
		memcpy(layout, buf, sizeof(*layout));
	free(buf);
	return err ? -1 : 0;
}

int pins_check_layout(const char *dir, const char *ifname, char *msg, size_t len)
{
	__u32 layout = 0;
	char name[32];
	int fd, err = 0;

	fd = pin_open(dir, "ctl");
	if (fd < 0) {
		snprintf(msg, len, "nothing pinned under %s", dir);
		return -ENOENT;
	}
	/* the layout number first: it explains every other difference */
	if (pinned_layout(fd, &layout)) {
		err = check_fd(fd, dir, ifname, "ctl", &pinned_maps[0], msg, len);
		if (!err) {
			snprintf(msg, len, "cannot read %s/ctl: %s", dir, strerror(errno));
			err = -EINVAL;
		}
	} else if (layout != TELESCOPE_LAYOUT) {
		OTHER_VERSION(msg, len, dir, ifname, "layout %u, this version's is %u",
			      layout, TELESCOPE_LAYOUT);
		err = -EPROTO;
	}
	close(fd);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++)
		for (int g = 0; g < pinned_maps[i].generations; g++) {
			snprintf(name, sizeof(name),
				 pinned_maps[i].generations > 1 ? "%s_%d" : "%s",
				 pinned_maps[i].name, g);
			fd = pin_open(dir, name);
			if (fd < 0) {
				snprintf(msg, len, "%s/%s is missing: the pins are "
					 "incomplete; run 'xdp-telescope detach %s'",
					 dir, name, ifname);
				return -EINVAL;
			}
			err = check_fd(fd, dir, ifname, name, &pinned_maps[i], msg, len);
			close(fd);
			if (err)
				return err;
		}
	return 0;
}

int map_has_sizes(int fd, size_t key_size, size_t value_size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		pr_err("cannot inspect a map: %s", strerror(errno));
		return -1;
	}
	if (info.key_size != key_size || info.value_size != value_size) {
		pr_err("map %s has %u-byte keys and %u-byte values, not the %zu "
		       "and %zu this version reads: it comes from another version "
		       "of xdp-telescope", info.name, info.key_size,
		       info.value_size, key_size, value_size);
		return -1;
	}
	return 0;
}
