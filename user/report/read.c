// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The two reading threads. Each streams its series (tally.h) of every
 * day directory in date order; the two never write the same memory. The
 * second waits for a directory until the first has read its totals.
 */
#include <pthread.h>
#include "report/row.h"
#include "report/tally.h"

/* Which series a day needs: everything in the period, what ranks need in
 * the previous one, only the long-range port series elsewhere, and the
 * rows of an interval written late that reaches into the period. The
 * look-back days before a period need only what the detectors read. */
static bool wanted(const struct report_stats *st, int day, enum series kind,
		   const struct dir_marks *dm)
{
	if (st->opts->lookback)
		return (stats_day_index(st, day) >= 0 ||
			(kind != S_TOTALS && dm->span_end_day > st->opts->from)) &&
		       (kind == S_TOTALS || kind == S_PORTS || kind == S_COUNTRIES ||
			kind == S_BACKSCATTER);
	if (stats_day_index(st, day) >= 0)
		return kind != S_SOURCES;
	if (in_prev(st, day) && (kind == S_TOTALS || kind == S_PORTS || kind == S_COUNTRIES))
		return true;
	if (st->opts->n_ports && (kind == S_TOTALS || kind == S_PORTS))
		return true;
	return kind != S_TOTALS && kind != S_SOURCES && dm->span_end_day > st->opts->from;
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

			if (wanted(st, dd->day, sr->kind, dm)) {
				mark_filter_file(&r.filter, sr->kind == S_TOTALS ? NULL : dm);
				rpt_read_csv(dd->path, sr->kind, sr->cols, sr->ncols, sr->fn,
					     &r, &st->read[sr->kind]);
			}
			if (sr->kind == S_TOTALS)
				marks_publish(&st->marks, d);
		}
	}
	reader_free(&r);
	return NULL;
}

void stats_read_days(struct report_stats *st, const struct day_list *days)
{
	struct read_job a = { st, days, tally_thread_a, tally_thread_a_n };
	struct read_job b = { st, days, tally_thread_b, tally_thread_b_n };
	pthread_t tid;

	if (pthread_create(&tid, NULL, read_job_run, &b)) {
		read_job_run(&a);	/* no thread: one after the other, totals first */
		read_job_run(&b);
		return;
	}
	read_job_run(&a);
	pthread_join(tid, NULL);
}
