/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A file's error said once, and which refusals of the server are not the
 * file's but may pass.
 */
#ifndef TS_FLEET_FAILURE_H
#define TS_FLEET_FAILURE_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/pg.h"
#include "fleet/loadstate.h"

/* Whether the server's refusal may pass (lib/pg.h), so that the rows are
 * sent again later rather than the file failed: besides pg_passing(), a
 * row with no partition (23514), as every row is checked to be in its
 * day before it is sent (row.h): the day's tables were dropped by a
 * prune meanwhile, and ensure_day makes them anew. */
bool loader_passing(const struct pg_err *e);

/* A file error: "PATH: why" (or "PATH:LINE: why"), remembered. */
void loader_file_error(struct loader *l, struct work *w, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
