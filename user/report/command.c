// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope report`: find the day directories, stream them into
 * per-day aggregates, detect events, build the document, write it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "lib/log.h"
#include "lib/options.h"
#include "report/report.h"
#include "report/sections/build.h"
#include "report/doc.h"
#include "report/render/render.h"
#include "report/events.h"
#include "report/input.h"
#include "report/dbread.h"
#include "report/categories.h"
#include "report/stats.h"

static bool write_output(const struct report_opts *o, const struct doc *d)
{
	FILE *f = stdout;
	bool ok;

	if (o->format == FMT_CSV)
		return render_csv(d, o->out);
	if (o->format == FMT_PDF)
		return render_pdf(d, o->out ? o->out : "-");
	if (o->out && strcmp(o->out, "-")) {
		f = fopen(o->out, "w");
		if (!f) {
			pr_err("report: cannot write %s: %s", o->out, strerror(errno));
			return false;
		}
	}
	ok = o->format == FMT_HTML ? render_html(d, f, false) : render_md(d, f);
	if (f != stdout)
		ok = !fclose(f) && ok;
	else
		ok = !fflush(f) && ok;
	if (!ok)
		pr_err("report: cannot write %s: %s", o->out ? o->out : "stdout", strerror(errno));
	return ok;
}

/* One line per series and reason: how many rows were skipped, and where
 * the first one is. */
static void warn_skipped(const struct report_stats *st)
{
	static const char *const what[ROW_NVERDICTS][2] = {
		[ROW_BAD] = { "malformed ", "" },
		[ROW_RANGE] = { "", " with a number out of range" },
		[ROW_SUM] = { "", " that would carry a sum past 18446744073709551615" },
		[ROW_DUP] = { "duplicate ", " (their sensor and time were read before)" },
	};

	for (int k = 0; k < S_COUNT; k++)
		for (int v = ROW_BAD; v < ROW_NVERDICTS; v++)
			if (st->read[k].skipped[v])
				pr_warn("report: skipped %llu %sline(s) of %s.csv%s (first at %s)",
					(unsigned long long)st->read[k].skipped[v], what[v][0],
					series_name[k], what[v][1], st->read[k].first[v]);
}

static bool any_rows(const struct report_stats *st)
{
	for (int d = 0; d < st->ndays; d++)
		if (st->day[d].rows)
			return true;
	return false;
}

/*
 * The EV_LOOKBACK_DAYS before the period, from the same data, into hist:
 * the detectors' baselines for the period's first days. False when the
 * data has no day before the period.
 */
static bool read_lookback(const struct report_opts *o, const struct day_list *days,
			  struct report_opts *ho, struct report_stats *hist)
{
	if (days->v[0].day >= o->from)
		return false;
	*ho = *o;
	ho->from = o->from - EV_LOOKBACK_DAYS;
	ho->to = o->from - 1;
	ho->prev_from = 1;	/* no previous period: nothing ranks here */
	ho->prev_to = 0;
	ho->n_ports = 0;
	ho->lookback = true;
	stats_init(hist, ho, days->v[0].day, days->v[days->n - 1].day, days->n);
	stats_read_days(hist, days);
	stats_finish(hist);
	return true;
}

/*
 * The period's months a year earlier (their totals alone), into yb, for
 * the monthly averages beside this year's (seed 002). False when the data
 * hold no day of them.
 */
static bool read_year_before(const struct report_opts *o, const struct day_list *days,
			     struct report_opts *yo, struct report_stats *yb)
{
	int y, m, d;

	*yo = *o;
	ymd_from_day(o->from, &y, &m, &d);
	yo->from = day_from_ymd(y - 1, m, 1);
	ymd_from_day(o->to, &y, &m, &d);
	yo->to = (m == 12 ? day_from_ymd(y, 1, 1) : day_from_ymd(y - 1, m + 1, 1)) - 1;
	if (days->v[0].day > yo->to)
		return false;
	yo->prev_from = 1;
	yo->prev_to = 0;
	yo->n_ports = 0;
	yo->totals_only = true;
	stats_init(yb, yo, days->v[0].day, days->v[days->n - 1].day, days->n);
	if (o->sensors_file && !stats_load_sensor_file(yb, o->sensors_file)) {
		stats_free(yb);
		return false;
	}
	stats_read_days(yb, days);
	stats_finish(yb);
	return true;
}

/* The days to read: the --data directories', or the database's (with
 * days->db set). 0, or the exit status after saying why not. */
static int find_days(const struct report_opts *o, struct day_list *days)
{
	if (o->db && !db_fleet_open(o->db, days)) {
		day_list_free(days);
		return 1;
	}
	if (o->db)
		return 0;
	for (int i = 0; i < o->n_data_dirs; i++)
		if (!rpt_scan_data_dir(o->data_dirs[i], i, days)) {
			day_list_free(days);
			return 1;
		}
	if (!day_list_check_unique(days, o->data_dirs)) {
		day_list_free(days);
		return OPT_EXIT_USAGE;
	}
	day_list_sort(days);
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	struct day_list days = { 0 };
	struct report_opts ho, yo;
	struct report_stats yb;
	bool year_before;
	struct categories cats = { 0 };
	struct report_stats st, hist;
	struct event_list events;
	bool lookback;
	struct doc doc;
	struct timespec t0, t1;
	struct db_fleet *db;
	char a[11], b[11];
	bool ok;
	int rc;

	rc = report_parse_args(argc, argv, &o);
	if (rc != OPT_GO)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = find_days(&o, &days);
	if (rc)
		return rc;
	db = days.db;
	if (o.categories_file) {
		if (!categories_load(&cats, o.categories_file)) {
			categories_free(&cats);
			day_list_free(&days);
			db_fleet_close(db);
			return 1;
		}
		o.categories = &cats;
	}
	stats_init(&st, &o, days.v[0].day, days.v[days.n - 1].day, days.n);
	if (o.sensors_file && !stats_load_sensor_file(&st, o.sensors_file)) {
		stats_free(&st);
		categories_free(&cats);
		day_list_free(&days);
		db_fleet_close(db);
		return 1;
	}
	if (!st.nfocus)
		st.focus[st.nfocus++] = stats_default_country(&st);
	stats_read_days(&st, &days);
	warn_skipped(&st);
	if (db && !db_fleet_ok(db)) {
		rc = 1;
		goto read_failed;
	}
	if (!any_rows(&st)) {
		format_day(o.from, a);
		format_day(o.to, b);
		pr_err("report: no totals rows between %s and %s in the %s", a, b,
		       db ? "database" : "--data directories");
		rc = 1;
		goto read_failed;
	}
	stats_finish(&st);
	lookback = read_lookback(&o, &days, &ho, &hist);
	detect_events(&st, lookback ? &hist : NULL, &events);
	if (lookback)
		stats_free(&hist);
	doc_init(&doc, o.lang);
	year_before = read_year_before(&o, &days, &yo, &yb);
	build_report(&doc, &st, &events, year_before ? &yb : NULL);
	if (year_before)
		stats_free(&yb);
	/* the look-back and the year before are read from the database too */
	ok = (!db || db_fleet_ok(db)) && write_output(&o, &doc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pr_info("report: %zu %s, %llu totals rows, %zu events, %.2f s",
		days.n, db ? "days of the database" : "day directories", (unsigned long long)st.read[S_TOTALS].rows, events.n,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	doc_free(&doc);
	categories_free(&cats);
	event_list_free(&events);
	stats_free(&st);
	day_list_free(&days);
	db_fleet_close(db);
	return ok ? 0 : 1;
read_failed:
	stats_free(&st);
	categories_free(&cats);
	day_list_free(&days);
	db_fleet_close(db);
	return rc;
}
