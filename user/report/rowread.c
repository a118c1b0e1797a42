// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The slow paths of reading a row (report/rowread.h): text to clean, a row
 * spread over days. */
#include <stdlib.h>
#include "lib/alloc.h"
#include "report/rowread.h"
#include "report/span.h"

void row_reader_init(struct row_reader *r, struct report_stats *st)
{
	memset(r, 0, sizeof(*r));
	r->st = st;
	r->lo = st->opts->prev_from < st->long_from ? st->opts->prev_from : st->long_from;
	r->hi = st->opts->to > st->long_to ? st->opts->to : st->long_to;
	mark_filter_init(&r->filter);
}

void row_reader_free(struct row_reader *r)
{
	mark_filter_free(&r->filter);
	free(r->text[0].buf);
	free(r->text[1].buf);
}

const char *row_text_cleaned(struct row_reader *r, int which, const char *s)
{
	size_t n = strlen(s);

	if (r->text[which].cap < 3 * n + 1) {
		r->text[which].cap = 3 * n + 1;
		r->text[which].buf = xrealloc(r->text[which].buf, r->text[which].cap);
	}
	text_clean(r->text[which].buf, r->text[which].cap, s, n);
	return r->text[which].buf;
}

void each_day_spread(struct row_reader *r, int64_t t, uint64_t seconds, const struct row_days *d,
		     const uint64_t *v, int nv, day_fn fn, const void *row)
{
	struct span sp;
	uint64_t share[6], before, in;
	int day;

	(void)d;
	span_init(&sp, r->st->opts->tz, t, (uint32_t)seconds, r->lo, r->hi);
	while (span_next(&sp, &day, &before, &in)) {
		for (int i = 0; i < nv; i++)
			share[i] = span_share(&sp, v[i], before, in);
		fn(r, row, day, in, share);
	}
}
