/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the tests of the drain protocol (sensor/drain.c,
 * tests/bpf/test_drain*.c) share: the fixture (the real classifier
 * loaded, the sensor's maps, and a drain writing its CSV files into a
 * fresh directory), the control map read and written, and the frames they
 * run through the program.
 */
#ifndef TS_DRAINTEST_H
#define TS_DRAINTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "telescope.h"
#include "sensor/drain.h"
#include "pktbuild.h"

#define US4 "198.51.100.1"
#define US6 "2001:db8::1"
#define SENSOR "drain-test"
#define T0 "2026-11-30T10:00:00Z" /* row time of the first interval */
#define DAY "2026-11-30"
#define INTERVAL 60

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct fixture {
	struct telescope_bpf *skel;
	struct sensor_maps maps;
	struct output out;
	struct tag_names names;
	struct drain d;
	__u64 t0;
	char dir[64]; /* the output directory */
};

/*
 * cmocka setup: the classifier loaded, its counting generation labelled T0
 * as `run` labels it, and a drain writing into a fresh directory.
 */
int draintest_setup(void **state);
int draintest_teardown(void **state);

/* The control map, read and written (a cmocka failure if it cannot be). */
struct ts_ctl ctl_get(struct fixture *f);
void ctl_put(struct fixture *f, const struct ts_ctl *ctl);

struct frame {
	uint8_t buf[PB_MAX_FRAME];
	size_t len;
	__u8 proto;
	__u16 port;
};

/*
 * From src to our address of its family: a TCP SYN that matches no
 * fingerprint (or a Mirai-type one), or a UDP datagram.
 */
void frame_make(struct frame *fr, const char *src, __u8 proto, __u16 port,
		bool mirai);

#endif
