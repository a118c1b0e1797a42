/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sources.csv, the longest series by far (a row per distinct source):
 * written by a second thread while sensor/rows.c builds the others.
 */
#ifndef TS_SENSOR_SOURCESCSV_H
#define TS_SENSOR_SOURCESCSV_H

#include <pthread.h>
#include <stdbool.h>
#include "lib/strbuf.h"
#include "sensor/sources.h"

/* An address as CSV text into buf (INET6_ADDRSTRLEN bytes); its length. */
size_t addr_text(const __u8 *addr, __u8 family, char *buf);

/* The rows of sources [from, to) of a table, those with packets. */
struct source_rows {
	const struct source_table *t;
	struct strbuf prefix; /* time,sensor, */
	char **orgs;          /* each org as a CSV field */
	size_t org_max;       /* the longest */
	size_t from, to;
	struct strbuf *sb;
};

struct source_rows_job {
	struct source_rows first, rest;
	struct strbuf rest_sb;
	pthread_t tid;
	bool threaded;
};

/*
 * Start the rows of the first n sources of t (the table stays as it is
 * until source_rows_finish()), into out: a second thread takes most of
 * them when there are many.
 */
void source_rows_start(struct source_rows_job *j, const struct source_table *t,
		       size_t n, const char *time, const char *sensor, struct strbuf *out);
/* Write the rest here and wait for the second thread: out holds them all, in order. */
void source_rows_finish(struct source_rows_job *j);

#endif
