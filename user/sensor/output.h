/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Appending one drain's rows to OUT/YYYY-MM-DD/<series>.csv[.gz], so that
 * a crash never leaves half a drain behind: before appending, the size
 * of every file about to grow is recorded in a journal; recovery cuts
 * the files back to those sizes and the drain is done again.
 */
#ifndef TS_OUTPUT_H
#define TS_OUTPUT_H

#include <stdbool.h>
#include "sensor/rows.h"

struct output {
	char dir[4096];
	char journal[4200];
	bool gzip;
	char error[4400]; /* why the last output_append() failed */
};

/* Check that dir is (or can be made) a writable directory. */
int output_init(struct output *o, const char *dir, const char *ifname,
		bool gzip);

/*
 * Append the rows of one drain (row time `since`, generation `gen`). The
 * journal stays until output_done(). Returns 0, or -1 with the reason in
 * o->error (not printed: the drain decides how often an outage is told)
 * and what it had appended cut back (if that failed too, the journal
 * stays for output_rollback()).
 */
int output_append(struct output *o, __u64 since, int gen,
		  struct strbuf rows[S_COUNT]);

/* The drain is complete: forget the journal. */
void output_done(struct output *o);

/*
 * Undo a drain interrupted after output_append() began: if the journal
 * names generation gen and time since, cut every file back. Returns 0
 * (also when there is nothing to undo) or -1.
 */
int output_rollback(struct output *o, __u64 since, int gen);

#endif
