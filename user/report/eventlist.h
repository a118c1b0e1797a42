/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The list of notable events that the detectors (events.c) and the gap
 * finder (gaps.c) fill and the sections read: the events' types and
 * names, adding one, the report's order.
 */
#ifndef TS_REPORT_EVENTLIST_H
#define TS_REPORT_EVENTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum event_type {
	EV_LEVEL_SHIFT,
	EV_COUNTRY_DROP,
	EV_COUNTRY_SPIKE,
	EV_LOCAL_SPIKE,
	EV_WIDE_SPIKE,
	EV_BACKSCATTER_BURST,
	EV_GAP,
	EV_NTYPES
};

extern const char *const event_type_name[EV_NTYPES];

struct event {
	enum event_type type;
	int first_day, last_day;	/* day numbers */
	int64_t start_t, end_t;		/* gaps: first missing interval, next row */
	int sensor;			/* id, or -1 */
	int country;			/* slot, or -1 */
	bool has_port;
	uint8_t proto;
	uint16_t port;
	double before, after;		/* typical daily value before / during */
	double extreme;			/* min ratio (drops), max ratio (spikes) */
	bool critical;			/* drops below the critical level */
	int others;			/* wide spikes: sensors that saw it too */
	int began;			/* began before the period, on this day; 0: in it */
	bool open;			/* spikes: still running on the period's last day */
};

struct event_list {
	struct event *v;
	size_t n, cap;
	int judged_from;	/* the first day with a baseline (> to: none) */
	int lookback_days;	/* days with data read before the period */
};

void event_list_free(struct event_list *l);
/* A new event of that type at the end of l, zeroed, sensor and country -1. */
struct event *event_add(struct event_list *l, enum event_type type);
/* The report's order: first day, type, start time, sensor. */
void event_list_sort(struct event_list *l);

#endif
