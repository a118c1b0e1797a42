/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sensor on one interface: the XDP program, its pinned maps and its
 * pinned bpf_link under /sys/fs/bpf/xdp-telescope/<ifname>/. Opening a
 * sensor either attaches anew or adopts what is pinned (maps reused, the
 * new program swapped into the existing link), so a restart or upgrade of
 * the loader never detaches and never resets a count.
 */
#ifndef TS_SENSOR_H
#define TS_SENSOR_H

#include <stdbool.h>
#include <linux/types.h>
#include <net/if.h>
#include "telescope.h"

#define TS_PIN_ROOT "/sys/fs/bpf/xdp-telescope"

enum ts_mode { TS_MODE_AUTO, TS_MODE_NATIVE, TS_MODE_SKB };

struct sensor_opts {
	enum ts_mode mode;
	__u32 max_sources;     /* flows map entries; 0 = default */
	__u32 max_backscatter; /* backscatter map entries; 0 = default */
	__u32 max_tagged;      /* tagged map entries; 0 = default */
	__u32 max_labels;      /* label trie entries; 0 = default */
	bool pass;             /* XDP_PASS instead of XDP_DROP */
};

#define TS_DEFAULT_MAX_SOURCES 524288
#define TS_DEFAULT_MAX_BACKSCATTER 65536
#define TS_DEFAULT_MAX_TAGGED 131072
#define TS_DEFAULT_MAX_LABELS 65536

/* The counting maps of one generation, as indexes into gen_maps.fd. */
enum gen_map {
	GM_TOTALS,
	GM_FLOWS,
	GM_OVPORTS,
	GM_BSCAT,
	GM_TAGGED,
	GM_TAGOV,
	GM_COUNT,
};

/* Pin names without the _0/_1 suffix, in enum gen_map order. */
extern const char *const gen_map_names[GM_COUNT];

struct gen_maps {
	int fd[GM_COUNT];
};

struct sensor {
	char ifname[IF_NAMESIZE];
	int ifindex;
	char pin_dir[256];
	int lock_fd;        /* flock()ed pin directory: one loader at a time */
	int link_fd;
	int ctl_fd;
	int outer_totals_fd; /* updated to wait for an RCU grace period */
	int rules_fd;        /* payload rules by port (configuration) */
	int rules_any_fd;    /* payload rules on every port, by protocol */
	int rule_ports_fd;   /* bitmap of the ports with rules */
	int labels_fd;       /* labelled address lists */
	int tagnames_fd;     /* names of the tag bits */
	struct gen_maps gen[2];
	__u32 prog_id;
	__u32 attach_mode;  /* XDP_ATTACHED_DRV / _SKB / … */
	bool adopted;       /* pins existed: counting went on without us */
	struct telescope_bpf *skel;
};

/* Pin directory of an interface. */
void sensor_pin_dir(const char *ifname, char *buf, size_t len);

/* Mount bpffs on /sys/fs/bpf if nothing is mounted there. */
int ensure_bpffs(void);

/* Attach or adopt; 0 on success, else an error was printed. */
int sensor_open(struct sensor *s, const char *ifname,
		const struct sensor_opts *opts);

/*
 * Set the map fds of s from a loaded object holding the classifier's maps
 * (the sensor's own, or a test's or benchmark's object). For the latter,
 * s is then only its maps: no link, no lock, no pins, and no
 * sensor_close() (the object owns the fds).
 */
struct bpf_object;
void sensor_use_object(struct sensor *s, struct bpf_object *obj);

/* Release fds and the lock; the program stays attached and counting. */
void sensor_close(struct sensor *s);

/*
 * Open the pins of an interface read-only, without attaching or locking
 * (for status). Returns 0, or -ENOENT when nothing is pinned.
 */
int sensor_open_pins(struct sensor *s, const char *ifname);

/* Is a loader holding the interface's lock right now? */
bool sensor_locked(const char *ifname);

const char *attach_mode_name(__u32 mode);

int ctl_read(const struct sensor *s, struct ts_ctl *ctl);
int ctl_write(const struct sensor *s, const struct ts_ctl *ctl);

#endif
