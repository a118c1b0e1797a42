/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Synthetic sensor CSV for testing and demonstrating the report: a fleet
 * with diurnal traffic, heavy-tailed ports and countries, Mirai-type
 * scanning, tagged scanners (fingerprints, payload rules, a listed
 * research scanner), backscatter, and the events the report must find, injected on
 * days fixed relative to --from (docs/report.md lists them).
 */
#ifndef TS_SYNTH_H
#define TS_SYNTH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "common/contract.h"

struct synth_opts {
	const char *out;
	int sensors;
	int from, to;		/* day numbers */
	uint64_t seed;
	int interval;		/* seconds */
	double rate;		/* scanning flows per sensor-minute */
	bool events;
	bool gzip;
};

/* Days after --from of the injected events. */
#define SYN_GAP_DAY 15		/* sensor-02: 14:50 that day to 09:20 three days later */
#define SYN_LOCAL_DAY 26	/* sensor-03: 1900/udp ×4 for three days */
#define SYN_LOCAL_DAYS 3
#define SYN_SHIFT_DAY 35	/* 1433/tcp from about 0.4% to about 8% of flows */
#define SYN_DROP_DAY 50		/* IR: 3% of its usual flows for seven days */
#define SYN_DROP_DAYS 7
#define SYN_SPIKE_DAY 68	/* RO: ×3.5 for seven days */
#define SYN_SPIKE_DAYS 7
#define SYN_BS_JP_DAY 30	/* backscatter bursts from JP and TW victims, port 443 */
#define SYN_BS_TW_DAY 58

struct synth_event {
	const char *type;
	char subject[32];
	char sensor[32];
	int first_day, last_day;
	int64_t start_t, end_t;	/* gaps only */
};

/* The events opts injects (none when opts->events is false). */
int synth_plan(const struct synth_opts *o, struct synth_event *out, int max);
void synth_write_manifest(FILE *f, const struct synth_event *ev, int n);

/* One row-producing pass over a sensor-day; rows go to the writers, one
 * file per series of the CSV contract (enum series). */
struct synth_sink;
typedef void (*synth_row_fn)(struct synth_sink *sink, enum series file, const char *row,
			     size_t len);

/* Generates sensor s's rows for one day (absolute day number). */
void synth_sensor_day(const struct synth_opts *o, int s, int day,
		      struct synth_sink *sink, synth_row_fn emit);

/* `xdp-telescope synth` (main.c); returns the exit status. */
int cmd_synth(int argc, char **argv);

#endif
