/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The classifier's maps seen from user space: which there are, their
 * sizes, and reading, writing and clearing them. No policy here: when a
 * generation may be read or cleared is the drain's business
 * (sensor/drain.c).
 */
#ifndef TS_MAPS_H
#define TS_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "telescope.h"
#include "sensor/snapshot.h"

/* The counting maps of one generation, as indexes into sensor_maps.gen[g]. */
enum gen_map {
	GM_TOTALS,
	GM_FLOWS4,
	GM_FLOWS6,
	GM_OVPORTS,
	GM_BSCAT,
	GM_TAGGED,
	GM_TAGOV,
	GM_COUNT,
};

/* File descriptors of the maps; -1 where a map is not open. */
struct sensor_maps {
	int ctl_fd;
	int outer_totals_fd; /* ARRAY_OF_MAPS: an update waits for a grace period */
	int rules_fd;        /* payload rules by port (configuration) */
	int rules_any_fd;    /* payload rules on every port, by protocol */
	int rule_ports_fd;   /* bitmap of the ports with rules */
	int labels_fd;       /* labelled address lists */
	int tagnames_fd;     /* names of the tag bits */
	int room_fd;         /* flow entries each generation may still create */
	int gen[2][GM_COUNT];
};

/* The sizes an operator chooses (0: the default below). */
struct map_sizes {
	__u32 max_sources;     /* flows: (source, protocol, port) entries, both families */
	__u32 max_backscatter; /* backscatter entries */
	__u32 max_tagged;      /* tagged (source, port, tags) entries */
	__u32 max_labels;      /* listed prefixes */
};

#define TS_DEFAULT_MAX_SOURCES 524288
#define TS_DEFAULT_MAX_BACKSCATTER 65536
#define TS_DEFAULT_MAX_TAGGED 131072
#define TS_DEFAULT_MAX_LABELS 65536

/* Zero fields of *sz get their defaults. */
void map_sizes_default(struct map_sizes *sz);

/*
 * Size the maps of an opened, not yet loaded object that holds the
 * classifier's maps (the sensor's, a test's, the benchmark's). Zero
 * fields leave a map as built. 0, or -1 with errno.
 */
struct bpf_object;
int maps_set_sizes(struct bpf_object *obj, const struct map_sizes *sz);

void maps_init(struct sensor_maps *m); /* every fd -1 */
/* The fds of a loaded object's maps (the object keeps owning them). */
void maps_from_object(struct sensor_maps *m, struct bpf_object *obj);
/*
 * Open the maps pinned in dir, once pins_check_layout() accepts them
 * (sensor/layout.h): 0, or its error and message.
 */
int maps_open_pinned(struct sensor_maps *m, const char *dir, const char *ifname,
		     char *msg, size_t len);
/* Close what maps_open_pinned() opened. */
void maps_close(struct sensor_maps *m);

int ctl_read(const struct sensor_maps *m, struct ts_ctl *ctl);
int ctl_write(const struct sensor_maps *m, const struct ts_ctl *ctl);

/* Sum a per-CPU totals map into *t. */
int totals_read(int fd, struct ts_totals *t);

/*
 * Give generation g its room for --max-sources flow entries again (the
 * size of its flow maps). Only when the generation is empty: after
 * loading new maps, and as the last step of clearing one.
 */
int room_reset(const struct sensor_maps *m, int g);

/* Empty generation g (nothing may be writing it). */
int gen_clear(const struct sensor_maps *m, int g);
/* The same, knowing its contents: snap was read by gen_read() since. */
int gen_clear_read(const struct sensor_maps *m, int g, const struct snapshot *snap);

/* Entries a batch call of map_walk() asks the kernel for. */
#define MAP_BATCH 8192

/* What map_walk() hands each batch of entries to. */
typedef void (*map_batch_fn)(const char *keys, const char *vals, __u32 count, void *arg);

/*
 * Every entry of a hash map, a batch at a time, to take(); the map must
 * have these key and value sizes (the kernel writes that much an
 * entry). from, to: the batch positions (a hash map's bucket numbers)
 * to start at, and to stop at once a batch ends at or past (0: the
 * first, the end). 0, or -errno (printed).
 */
int map_walk(int fd, size_t ksz, size_t vsz, __u64 from, __u64 to,
	     map_batch_fn take, void *arg);

/* Number of entries in a hash map. */
long map_count(int fd);

/*
 * Flow entries generation g holds, both families: the room they took.
 * -1 if the room or the maps cannot be read.
 */
long flows_held(const struct sensor_maps *m, int g);


#endif
