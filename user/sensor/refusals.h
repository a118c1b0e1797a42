/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the metrics server refused or cut, said as counts at most once
 * a period: a flood of connections is one line a minute, not a line a
 * connection (which journald's rate limit would answer by dropping the
 * sensor's other warnings too). The first after a quiet period is said
 * at once.
 */
#ifndef TS_REFUSALS_H
#define TS_REFUSALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum refusal {
	REFUSED_BUSY_CLIENT, /* its client had as many open as it may */
	REFUSED_LATE,        /* cut, unfinished at its deadline */
	REFUSED_MADE_ROOM,   /* cut, the oldest, to make room for a new one */
	REFUSED_LIBRARY,     /* a message of the HTTP library */
	REFUSAL_KINDS,
};

struct refusals {
	uint64_t count[REFUSAL_KINDS];
	char library_first[160]; /* the first library message since the last line */
	int64_t said_ns;          /* when the last line was due */
	bool ever_said;
};

void refusals_add(struct refusals *r, enum refusal kind);
/* The library's message (printf-style, already formatted). */
void refusals_library(struct refusals *r, const char *message);
/*
 * The line to say now (true), when something was refused and `period_ns`
 * have passed since the last line (or none was said yet); the counts
 * start again from 0. Limits are named for the line.
 */
bool refusals_due(struct refusals *r, int64_t now_ns, int64_t period_ns, int per_client,
		  int deadline_s, int max_open, char *line, size_t len);

#endif
