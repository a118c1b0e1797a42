/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The layout of the maps as this binary's structs make them, against
 * what the kernel reports for the maps it is handed: pins left by
 * another version, and every buffer a lookup writes into. A map of
 * another layout is refused, never read: its values would be written
 * into buffers sized for these.
 */
#ifndef TS_LAYOUT_H
#define TS_LAYOUT_H

#include <stddef.h>

/* The pin dir/name opened (bpf_obj_get), or -1. */
int pin_open(const char *dir, const char *name);

/*
 * Are the maps pinned in dir (for interface ifname) the ones this binary
 * reads and writes? ctl.layout must be TELESCOPE_LAYOUT and every map the
 * type, key and value size the kernel reports for this binary's structs.
 * run, status and detach all ask before they touch the pins. 0 if so;
 * -ENOENT when nothing is pinned there; -EINVAL when a map is missing and
 * -EPROTO when they come from another version, with the one line that
 * says so and how to get out in msg.
 */
int pins_check_layout(const char *dir, const char *ifname, char *msg, size_t len);

/*
 * Does the map have these key and value sizes (what the kernel writes
 * into a lookup's buffers)? 0, or -1 with the difference printed. Every
 * reader and writer of the maps asks before it passes a buffer.
 */
int map_has_sizes(int fd, size_t key_size, size_t value_size);

#endif
