// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Data gaps from the spacing of each sensor's totals rows (docs/report.md,
 * "Gaps"): every spacing longer than what the row before covers by an
 * interval or more is a gap, from the first interval without a row to
 * the next row.
 */
#include "report/gaps.h"
#include "report/zone.h"

#define MAX_GAPS 1000

void find_gaps(const struct report_stats *st, struct event_list *out)
{
	size_t listed = 0;

	for (int s = 0; s < st->nsensors; s++) {
		const struct sensor_stats *ss = st->sensors[s];

		if (ss->interval <= 0 || !sensor_in_scope(st, ss))
			continue;
		for (size_t r = 0; r < ss->nruns; r++) {
			const struct spacing_run *run = &ss->runs[r];

			/* What the row before covers: its seconds, or one interval. */
			int64_t cover = run->cover ? run->cover : ss->interval;

			if (run->spacing - cover < ss->interval)
				continue;
			for (uint64_t k = 0; k < run->count && listed < MAX_GAPS; k++, listed++) {
				struct event *e = event_add(out, EV_GAP);
				int64_t prev = run->start + (int64_t)k * run->spacing;

				e->sensor = s;
				e->start_t = prev + cover;
				e->end_t = prev + run->spacing;
				e->first_day = tz_day(st->opts->tz, e->start_t);
				e->last_day = tz_day(st->opts->tz, e->end_t - 1);
			}
		}
	}
}
