/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading one CSV file from a position in complete records, plain or
 * gzip. A record is a line, or more than one where a quoted field holds
 * a line end (RFC 4180, as the report reads them: lib/csv.h). Each record
 * comes with whether the end of it is a safe point: an offset in the
 * file at which loading may stop and later go on. In a plain file every
 * record's end is one; in a .csv.gz (one gzip member per drain) only the
 * end of a complete member that ends a record, so a member still being
 * written, or cut short, is never loaded in part.
 */
#ifndef TS_FLEET_SOURCE_H
#define TS_FLEET_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>
#include "lib/csv.h"

#define SOURCE_MAX_LINE (1 << 20)

struct source_end {
	uint64_t content;	/* content bytes up to the end of a member */
	off_t file;		/* file offset of that end */
};

struct source {
	int fd;
	bool gz;
	off_t start, limit;	/* read [start, limit) of the file */
	off_t in_pos;		/* next byte to read() */
	unsigned char *in;	/* compressed input not yet inflated */
	size_t in_len, in_off;
	off_t inflated;		/* file offset up to which input is inflated */
	z_stream z;
	bool z_ready, in_member;
	char *buf;		/* content not yet returned as records */
	size_t len, off, cap;
	struct csv_scan scan;	/* the record at off, as far as seen: */
	size_t scanned;		/* its bytes seen (from off) */
	unsigned lines;		/* lines of the record last returned */
	uint64_t produced;	/* content bytes made (from start) */
	uint64_t consumed;	/* content bytes returned as records */
	struct source_end *ends;	/* member ends not yet reached by a record */
	size_t nends, cap_ends;
	bool eof;
	/* at the end: content after the last complete record, or a member
	 * without its end (gzip) */
	bool partial_line, partial_member;
};

/* Open path read-only; false with why. */
bool source_open(struct source *s, const char *path, bool gz, char *why, size_t len);

/* Read from start (an offset loading stopped at, or 0) to limit. */
void source_start(struct source *s, off_t start, off_t limit);

/*
 * The next complete record (NUL-terminated in place, without its line
 * end or a CR before it; s->lines says how many lines it spans): 1, with
 * *safe and *safe_off when its end is a safe point; 0 at the end; -1 on
 * a read error, corrupt data or a record longer than SOURCE_MAX_LINE
 * (why).
 */
int source_next(struct source *s, char **line, size_t *len, bool *safe, off_t *safe_off,
		char *why, size_t wlen);

void source_close(struct source *s);

#endif
