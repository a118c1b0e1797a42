// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The three reading threads. Each streams its series (tally.h) of every
 * day directory in date order; no two write the same memory. The second
 * and third (sources.csv) wait for a directory until the first has read
 * its totals.
 */
#include <pthread.h>
#include "report/dbread.h"
#include "report/distinct.h"
#include "report/read.h"
#include "report/rowread.h"
#include "report/tally.h"

/* Which series a day needs: everything in the period, what ranks need in
 * the previous one, only the long-range port series elsewhere, and the
 * rows of an interval written late that reaches into the period. The
 * look-back days before a period need only what the detectors read. */
static bool wanted_day(const struct report_opts *o, int day, enum series kind, bool span_in)
{
	bool period = day >= o->from && day <= o->to;

	if (o->totals_only)
		return kind == S_TOTALS && period;
	if (o->lookback)
		return (period || (kind != S_TOTALS && span_in)) &&
		       (kind == S_TOTALS || kind == S_PORTS || kind == S_COUNTRIES ||
			kind == S_BACKSCATTER);
	if (period)
		return true;
	if (day >= o->prev_from && day <= o->prev_to &&
	    (kind == S_TOTALS || kind == S_PORTS || kind == S_COUNTRIES))
		return true;
	if (o->n_ports && (kind == S_TOTALS || kind == S_PORTS))
		return true;
	return kind != S_TOTALS && span_in;
}

/* A directory holds one UTC day: with --tz its rows fall on two local
 * days, *first and *last. */
static void dir_local_days(const struct report_opts *o, int dir_day, int *first, int *last)
{
	int64_t t = (int64_t)dir_day * 86400;

	*first = tz_day(o->tz, t);
	*last = tz_day(o->tz, t + 86399);
}

/* A directory is read when any local day of it needs the series. */
static bool wanted(const struct report_opts *o, int dir_day, enum series kind,
		   const struct dir_marks *dm)
{
	bool span_in = dm->span_end_day &&
		       tz_day(o->tz, (int64_t)dm->span_end_day * 86400 - 1) >= o->from;
	int first, last;

	dir_local_days(o, dir_day, &first, &last);
	for (int day = first; day <= last; day++)
		if (wanted_day(o, day, kind, span_in))
			return true;
	return false;
}

struct read_job {
	struct report_stats *st;
	const struct day_list *days;
	const struct series_handler *series;	/* totals first, if at all */
	int nseries;
	int db_reader;		/* its connection, with --db */
};

/*
 * What of a day's series the database gives: its minute rows where a
 * late interval's rows must be told from the others of their hour, and
 * of a day that only the long-range chart reads, the chart's ports alone.
 */
/* Whether the UTC day directory dir_day holds a part of a local day in
 * lo .. hi. */
static bool dir_touches(const struct report_opts *o, int dir_day, int lo, int hi)
{
	int first, last;

	dir_local_days(o, dir_day, &first, &last);
	return first <= hi && last >= lo;
}

static struct db_want db_want_of(struct report_stats *st, int day, enum series kind,
				 const struct dir_marks *dm)
{
	const struct report_opts *o = st->opts;
	bool period = dir_touches(o, day, o->from, o->to);
	bool prev = dir_touches(o, day, o->prev_from, o->prev_to);
	struct db_want w = { .minute = kind != S_TOTALS && dm->n,
			     .zone = o->tz ? o->tz->name : NULL, .by_sensor = o->group_sensors };

	if (kind == S_PORTS && !period && !prev && !dm->span_end_day) {
		w.ports = o->ports;
		w.nports = o->n_ports;
	}
	/* the previous period's ports and countries count for its total alone
	 * (the ranks), unless a --port chart wants each day; in a zone a
	 * directory can hold hours of a day outside the previous period, so
	 * there its rows are added up by day */
	w.whole_run = !w.minute && !o->tz && !period && prev && !dm->span_end_day &&
		      (kind == S_COUNTRIES || (kind == S_PORTS && !o->n_ports));
	if (kind == S_PORT_COUNTRIES) {
		w.countries = st->focus;
		w.ncountries = st->nfocus;
		w.focus_ports = o->ports;
		w.nfocus_ports = o->n_ports;
	}
	return w;
}

static bool same_want(const struct db_want *a, const struct db_want *b)
{
	return a->minute == b->minute && a->ports == b->ports && a->whole_run == b->whole_run;
}

/* The database's rows come a run of days at a time: the reader follows
 * them into each day's directory (index: one entry per day, in order). */
struct db_days {
	struct row_reader *r;
	const struct day_list *days;
	size_t first;		/* the run's first day (its index) */
	bool totals;
};

static void db_next_day(void *arg, int day)
{
	struct db_days *dd = arg;
	size_t d = dd->first + (size_t)(day - dd->days->v[dd->first].day);

	dd->r->dir = d;
	mark_filter_file(&dd->r->filter, dd->totals ? NULL : &dd->r->st->marks.dirs[d]);
}

/* The index after the last day of the month of day index d. */
static size_t month_end(const struct day_list *days, size_t d)
{
	int y, m, dd, y2, m2;
	size_t e = d + 1;

	ymd_from_day(days->v[d].day, &y, &m, &dd);
	for (; e < days->n; e++) {
		ymd_from_day(days->v[e].day, &y2, &m2, &dd);
		if (y2 != y || m2 != m)
			break;
	}
	return e;
}

/*
 * A job over the database: a calendar month at a time (the hourly
 * tables' partitions: a query reads one, from its start), each series as
 * runs of consecutive days it wants alike, one query a run. The others
 * wait for the totals of the month (their marks) first.
 */
static void *read_job_db(struct read_job *job)
{
	struct report_stats *st = job->st;
	const struct day_list *days = job->days;
	bool totals = job->series[0].kind == S_TOTALS;
	struct row_reader r;

	row_reader_init(&r, st);
	for (size_t c0 = 0, c1; c0 < days->n; c0 = c1) {
		c1 = month_end(days, c0);
		if (!totals)
			marks_wait(&st->marks, c1 - 1);
		for (int s = 0; s < job->nseries; s++) {
			const struct series_handler *sr = &job->series[s];

			for (size_t d = c0, e; d < c1; d = e) {
				const struct dir_marks *dm = &st->marks.dirs[d];
				struct db_want w = db_want_of(st, days->v[d].day, sr->kind, dm);
				struct db_days dd = { &r, days, d, sr->kind == S_TOTALS };

				e = d + 1;
				if (!wanted(st->opts, days->v[d].day, sr->kind, dm))
					continue;
				while (e < c1 && days->v[e].day == days->v[e - 1].day + 1 &&
				       wanted(st->opts, days->v[e].day, sr->kind, &st->marks.dirs[e])) {
					struct db_want we = db_want_of(st, days->v[e].day, sr->kind,
								       &st->marks.dirs[e]);

					if (!same_want(&w, &we))
						break;
					e++;
				}
				db_next_day(&dd, days->v[d].day);
				db_read_days(days->db, job->db_reader, days->v[d].day,
					     days->v[e - 1].day, sr->kind, &w, sr->cols, sr->ncols,
					     sr->fn, &r, &st->read[sr->kind], db_next_day, &dd);
			}
			if (sr->kind == S_TOTALS)
				for (size_t d = c0; d < c1; d++)
					marks_publish(&st->marks, d);
		}
	}
	row_reader_free(&r);
	return NULL;
}

static void *read_job_run(void *arg)
{
	struct read_job *job = arg;
	struct report_stats *st = job->st;
	bool totals = job->series[0].kind == S_TOTALS;
	const struct report_opts *own = st->opts->lookback_of;
	struct csv_read_stats counted = { 0 };
	struct row_reader r;

	if (job->days->db)
		return read_job_db(job);
	row_reader_init(&r, st);
	for (size_t d = 0; d < job->days->n; d++) {
		const struct day_dir *dd = &job->days->v[d];
		const struct dir_marks *dm = &st->marks.dirs[d];

		r.dir = d;
		if (!totals)
			marks_wait(&st->marks, d);
		for (int s = 0; s < job->nseries; s++) {
			const struct series_handler *sr = &job->series[s];

			if (wanted(st->opts, dd->day, sr->kind, dm)) {
				/* a file the report read for itself already counted its
				 * skipped lines, and is warned about there: once */
				bool twice = own && wanted(own, dd->day, sr->kind, dm);

				mark_filter_file(&r.filter, sr->kind == S_TOTALS ? NULL : dm);
				rpt_read_csv(dd->path, sr->kind, sr->cols, sr->ncols, sr->fn,
					     &r, twice ? &counted : &st->read[sr->kind]);
			}
			if (sr->kind == S_TOTALS)
				marks_publish(&st->marks, d);
		}
	}
	row_reader_free(&r);
	csv_read_stats_free(&counted);
	return NULL;
}

void stats_read_days(struct report_stats *st, const struct day_list *days)
{
	struct read_job a = { st, days, tally_thread_a, tally_thread_a_n, 0 };
	struct read_job b = { st, days, tally_thread_b, tally_thread_b_n, 1 };
	struct read_job c = { st, days, distinct_sources, distinct_sources_n, 2 };
	struct read_job *jobs[] = { &b, &c };
	pthread_t tid[2];
	bool started[2];

	/* b and c wait for a's totals of each directory; without threads they
	 * run after it, one after the other */
	for (int i = 0; i < 2; i++)
		started[i] = !pthread_create(&tid[i], NULL, read_job_run, jobs[i]);
	read_job_run(&a);
	for (int i = 0; i < 2; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			read_job_run(jobs[i]);
	}
}
