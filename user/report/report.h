/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The report command: options shared by its parts. Days are counted from
 * 1970-01-01 so a period is a pair of integers: UTC days, or the local
 * calendar days of --tz (report/zone.h turns times into them).
 */
#ifndef TS_REPORT_H
#define TS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "common/calendar.h"
#include "common/contract.h"

#define RPT_MAX_PORTS 16
#define RPT_MAX_DATA 64
#define RPT_MAX_COUNTRIES 8

struct categories;
struct tz_zone;
struct hmap;

enum rpt_format { FMT_HTML, FMT_MD, FMT_CSV, FMT_PDF };
enum rpt_lang { LANG_EN, LANG_JA };

/* proto is the IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6). */
struct port_id {
	uint8_t proto;
	uint16_t port;
};

struct report_opts {
	const char *data_dirs[RPT_MAX_DATA];
	int n_data_dirs;
	const char *db;		/* --db: the fleet database's conninfo; NULL: --data */
	int from, to;		/* the period, inclusive day numbers */
	int prev_from, prev_to;	/* the period before it, same kind */
	char period_kind;	/* 'q' quarter, 'm' month, 'w' week, 'r' range */
	char period_name[32];	/* "2022Q3", "2022-09", "2022-W36" or "" */
	enum rpt_format format;
	enum rpt_lang lang;
	const char *out;	/* file (html, md, pdf) or directory (csv); NULL: stdout */
	int top;
	int countries[RPT_MAX_COUNTRIES];	/* --country slots, in order given */
	int n_countries;	/* 0: the default */
	struct port_id ports[RPT_MAX_PORTS];
	int n_ports;
	const char *sensors_file;
	bool lookback;		/* the days before the period, for the detectors alone */
	const struct report_opts *lookback_of;	/* then the report's own options */
	bool totals_only;	/* the same months a year earlier: totals alone */
	bool anonymize;		/* victims by category and letter, no addresses */
	const char *categories_file;
	const struct categories *categories;	/* loaded from it, else NULL */
	const char *tz_name;	/* --tz, an IANA name; NULL: UTC */
	bool verbose;		/* the time each step took, on stderr */
	const struct tz_zone *tz;	/* built from it once the days are known, else NULL */
	const char *group;	/* --group: the main tables' sensors; NULL: all */
	const struct hmap *group_sensors;	/* the names of its sensors (--sensors), else NULL */
};

/* `xdp-telescope report` (main.c); returns the exit status. */
int cmd_report(int argc, char **argv);

#endif
