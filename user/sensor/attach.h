/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sensor on one interface: the XDP program, its pinned maps and its
 * pinned bpf_link under /sys/fs/bpf/xdp-telescope/<ifname>/. Opening a
 * sensor either attaches anew or adopts what is pinned (maps reused, the
 * new program swapped into the existing link), so a restart or upgrade of
 * the loader never detaches and never resets a count.
 */
#ifndef TS_ATTACH_H
#define TS_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>
#include <net/if.h>
#include "sensor/maps.h"

#define TS_PIN_ROOT "/sys/fs/bpf/xdp-telescope"

enum ts_mode { TS_MODE_AUTO, TS_MODE_NATIVE, TS_MODE_SKB };

struct sensor_opts {
	enum ts_mode mode;
	struct map_sizes sizes; /* 0 fields: defaults */
	bool pass;              /* XDP_PASS instead of XDP_DROP */
};

struct sensor {
	char ifname[IF_NAMESIZE];
	int ifindex;
	char pin_dir[256];
	int lock_fd;        /* flock()ed lock file: one loader at a time */
	int link_fd;
	__u32 prog_id;
	__u32 attach_mode;  /* XDP_ATTACHED_DRV / _SKB / … */
	bool adopted;       /* pins existed: counting went on without us */
	struct telescope_bpf *skel;
	struct sensor_maps maps;
};

/* Mount bpffs on /sys/fs/bpf if nothing is mounted there. */
int ensure_bpffs(void);

/* Attach or adopt; 0 on success, else an error was printed. */
int sensor_open(struct sensor *s, const char *ifname,
		const struct sensor_opts *opts);

/*
 * Does the link still hold the program on the sensor's interface? false
 * once the interface is gone (deleted: the kernel clears the link's
 * ifindex) or the link was detached.
 */
bool sensor_counting(const struct sensor *s);

/*
 * Attach the loaded program anew to the interface of that name, as a
 * restart on a recreated interface does: same maps (counts are kept), a
 * new link pinned in place of the dead one. 0, or -1 (error printed).
 */
int sensor_reattach(struct sensor *s, enum ts_mode mode);

/* Release fds and the lock; the program stays attached and counting. */
void sensor_close(struct sensor *s);

/*
 * Open the pins of an interface read-only, without attaching or locking
 * (status, detach). Returns 0; -ENOENT when nothing is pinned; -EINVAL
 * (incomplete) or -EPROTO (another version's) when this binary cannot
 * read them, with the line that says so in msg (pins_check_layout() in
 * sensor/layout.h). s->pin_dir is set in every case.
 */
int sensor_open_pins(struct sensor *s, const char *ifname, char *msg, size_t len);

/* Is a loader holding the interface's lock right now? */
bool sensor_locked(const char *ifname);

/* Remove a pin directory: the link first (from then on nothing counts
 * into the maps), then the maps. 0, or -1 when something stayed. */
int pins_remove(const char *dir);

const char *attach_mode_name(__u32 mode);

#endif
