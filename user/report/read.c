// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The three reading threads. Each streams its series (tally.h) of every
 * day directory in date order; no two write the same memory. The second
 * and third (sources.csv) wait for a directory until the first has read
 * its totals.
 */
#include <pthread.h>
#include "report/row.h"
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
 * days, and it is read when either needs the series. */
static bool wanted(const struct report_opts *o, int dir_day, enum series kind,
		   const struct dir_marks *dm)
{
	int64_t t = (int64_t)dir_day * 86400;
	bool span_in = dm->span_end_day &&
		       tz_day(o->tz, (int64_t)dm->span_end_day * 86400 - 1) >= o->from;

	for (int day = tz_day(o->tz, t); day <= tz_day(o->tz, t + 86399); day++)
		if (wanted_day(o, day, kind, span_in))
			return true;
	return false;
}

struct read_job {
	struct report_stats *st;
	const struct day_list *days;
	const struct series_reader *series;	/* totals first, if at all */
	int nseries;
};

static void *read_job_run(void *arg)
{
	struct read_job *job = arg;
	struct report_stats *st = job->st;
	bool totals = job->series[0].kind == S_TOTALS;
	const struct report_opts *own = st->opts->lookback_of;
	struct csv_read_stats counted = { 0 };
	struct reader r;

	reader_init(&r, st);
	for (size_t d = 0; d < job->days->n; d++) {
		const struct day_dir *dd = &job->days->v[d];
		const struct dir_marks *dm = &st->marks.dirs[d];

		r.dir = d;
		if (!totals)
			marks_wait(&st->marks, d);
		for (int s = 0; s < job->nseries; s++) {
			const struct series_reader *sr = &job->series[s];

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
	reader_free(&r);
	csv_read_stats_free(&counted);
	return NULL;
}

void stats_read_days(struct report_stats *st, const struct day_list *days)
{
	struct read_job a = { st, days, tally_thread_a, tally_thread_a_n };
	struct read_job b = { st, days, tally_thread_b, tally_thread_b_n };
	struct read_job c = { st, days, tally_sources, tally_sources_n };
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
