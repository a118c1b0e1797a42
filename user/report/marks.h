/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the totals rows of a day directory say about the other rows of
 * that directory: which (sensor, time) was read before (a duplicated
 * file or directory, whose rows must not count twice), and which covers
 * more than its day (an interval written late, whose counts are spread
 * over the days it covers). Totals are read first, on the totals thread;
 * the other thread waits for a directory's marks before reading it.
 */
#ifndef TS_REPORT_MARKS_H
#define TS_REPORT_MARKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/hmap.h"

enum mark_kind {
	MARK_DUP_ELSEWHERE = 1,	/* first read from another directory: skip every row */
	MARK_DUP_HERE = 2,	/* first read from this one (a file repeated in itself) */
	MARK_SPAN = 4,		/* the rows cover `seconds` from their time, past its day */
};

struct row_mark {
	int64_t t;
	char *sensor;
	uint32_t seconds;
	uint8_t kind;
};

struct dir_marks {
	struct row_mark *v;	/* sorted by (t, sensor) once published */
	size_t n, cap;
	bool has_dup_here;
	int span_end_day;	/* the day after the last one a span reaches; 0: no span */
};

/* The totals times read of one sensor: sorted t << 24 | directory. */
struct seen_times {
	uint64_t *v;
	size_t n, cap;
};

struct marks {
	struct dir_marks *dirs;		/* [ndirs], one per day directory */
	size_t ndirs;
	struct hmap sensors;		/* name -> index into seen */
	struct seen_times *seen;
	size_t nseen, cap_seen;
	int last;			/* the sensor of the previous row */
	pthread_mutex_t lock;
	pthread_cond_t published_cond;
	size_t published;		/* directories 0 .. published-1 are final */
};

void marks_init(struct marks *m, size_t ndirs);
void marks_free(struct marks *m);

/*
 * Totals thread: a totals row of sensor at t in directory dir. -1 when
 * (sensor, t) is new (it is remembered), else the directory it was first
 * read from.
 */
long marks_totals_row(struct marks *m, size_t dir, const char *sensor, int64_t t);

/* Totals thread: a mark for (sensor, t) in directory dir. */
void marks_add(struct marks *m, size_t dir, const char *sensor, int64_t t,
	       enum mark_kind kind, uint32_t seconds);

/* Totals thread: directory dir's marks are complete. */
void marks_publish(struct marks *m, size_t dir);

/* Other thread: waits until directory dir's marks are complete. */
void marks_wait(struct marks *m, size_t dir);

/*
 * One reader's filter over one file of a directory: what a row of sensor
 * at t is, after the directory's marks. Rows of a file repeated in
 * itself count where they first appear: once the rows of a MARK_DUP_HERE
 * (sensor, time) were followed by a row of that sensor at another time,
 * more rows of that (sensor, time) are the repetition. (A repetition
 * straight after the rows it repeats cannot be told from them.)
 */
struct mark_filter {
	const struct dir_marks *dm;
	struct hmap current;	/* sensor -> the time of its rows so far */
	bool *closed;		/* [dm->n]: that mark's rows were followed by others */
};

void mark_filter_init(struct mark_filter *f);
/* Starts a file of the directory whose marks are dm. */
void mark_filter_file(struct mark_filter *f, const struct dir_marks *dm);
void mark_filter_free(struct mark_filter *f);

/* mark_filter_row() when the directory has marks. */
bool mark_filter_slow(struct mark_filter *f, const char *sensor, int64_t t,
		      uint32_t *seconds);

/*
 * False when the row is a duplicate (skip it); else true with *seconds
 * the interval it covers when past its day (a MARK_SPAN), or 0. Costs a
 * test when the directory has no marks, as nearly every one has not.
 */
static inline bool mark_filter_row(struct mark_filter *f, const char *sensor, int64_t t,
				   uint32_t *seconds)
{
	*seconds = 0;
	return !f->dm || !f->dm->n || mark_filter_slow(f, sensor, t, seconds);
}

#endif
