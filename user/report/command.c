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
#include "report/args.h"
#include "report/report.h"
#include "report/sections/build.h"
#include "report/doc.h"
#include "report/render/render.h"
#include "report/events.h"
#include "report/input.h"
#include "report/dbread.h"
#include "report/read.h"
#include "report/categories.h"
#include "report/stats.h"
#include "report/zone.h"

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
 * the first one is; `where` says which days when not the report's own. */
static void warn_skipped(const struct report_stats *st, const char *where)
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
				pr_warn("report: skipped %llu %sline(s) of %s.csv%s%s (first at %s)",
					(unsigned long long)st->read[k].skipped[v], what[v][0],
					series_name[k], what[v][1], where, st->read[k].first[v]);
}

static bool any_rows(const struct report_stats *st)
{
	for (int d = 0; d < st->ndays; d++)
		if (st->day[d].rows)
			return true;
	return false;
}

/* The first and last (local) days the data directories hold: each holds
 * a UTC day, which --tz may spread over two local days. */
static void data_days(const struct day_list *days, const struct tz_zone *z, int *first,
		      int *last)
{
	*first = tz_day(z, (int64_t)days->v[0].day * 86400);
	*last = tz_day(z, (int64_t)days->v[days->n - 1].day * 86400 + 86399);
}

/*
 * The zone of --tz for every day the report can touch: the data's, the
 * period's, the previous period's, the look-back's and a year earlier's.
 */
static bool build_zone(const struct report_opts *o, const struct day_list *days,
		       struct tz_zone *z)
{
	int lo = days->v[0].day, hi = days->v[days->n - 1].day;

	if (o->prev_from < lo)
		lo = o->prev_from;
	if (o->from - 400 < lo)
		lo = o->from - 400;
	if (o->to > hi)
		hi = o->to;
	return tz_build(z, o->tz_name, lo - 1, hi + 1);
}

/*
 * --group: the names of the --sensors sensors of that group, for the
 * row handlers of every thread (read-only once built). False (exit 2)
 * when no sensor is in it: the groups there are named.
 */
static bool load_group(const struct report_stats *st, struct hmap *names)
{
	char known[256] = "";
	size_t len = 0;

	hmap_init_strings(names, 0);
	for (int i = 0; i < st->nsensors; i++) {
		const char *g = st->sensors[i]->group;

		if (!g)
			continue;
		if (!strcmp(g, st->opts->group))
			hmap_upsert(names, st->sensors[i]->name);
		else if (len < sizeof(known) && !strstr(known, g))
			len += (size_t)snprintf(known + len, sizeof(known) - len, "%s'%s'",
						len ? ", " : "", g);
	}
	if (names->len)
		return true;
	pr_err("report: --group '%s': no sensor of %s is in it (its groups: %s)", st->opts->group,
	       st->opts->sensors_file, *known ? known : "none");
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
	int first, last;

	data_days(days, o->tz, &first, &last);
	if (first >= o->from)
		return false;
	*ho = *o;
	ho->from = o->from - EV_LOOKBACK_DAYS;
	ho->to = o->from - 1;
	ho->prev_from = 1;	/* no previous period: nothing ranks here */
	ho->prev_to = 0;
	ho->n_ports = 0;
	ho->lookback = true;
	ho->lookback_of = o;
	stats_init(hist, ho, first, last, days->n);
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
	int y, m, d, first, last;

	data_days(days, o->tz, &first, &last);
	*yo = *o;
	ymd_from_day(o->from, &y, &m, &d);
	yo->from = day_from_ymd(y - 1, m, 1);
	ymd_from_day(o->to, &y, &m, &d);
	yo->to = (m == 12 ? day_from_ymd(y, 1, 1) : day_from_ymd(y - 1, m + 1, 1)) - 1;
	if (first > yo->to)
		return false;
	yo->prev_from = 1;
	yo->prev_to = 0;
	yo->n_ports = 0;
	yo->totals_only = true;
	stats_init(yb, yo, first, last, days->n);
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

/* What cmd_report holds until it returns. */
struct report_run {
	struct day_list days;
	struct db_fleet *db;
	struct tz_zone zone;
	struct categories cats;
	struct hmap group;
	struct report_stats st;
	bool st_made;
};

static void report_run_free(struct report_run *r)
{
	if (r->st_made)
		stats_free(&r->st);
	categories_free(&r->cats);
	day_list_free(&r->days);
	db_fleet_close(r->db);
	tz_free(&r->zone);
	hmap_free(&r->group);
}

/* Everything before the read: days, zone, categories, sensors, group.
 * 0, or the exit status after saying why not. */
static int prepare(struct report_opts *o, struct report_run *r)
{
	int first, last;
	int rc = find_days(o, &r->days);

	if (rc)
		return rc;
	r->db = r->days.db;
	if (o->tz_name) {
		if (!build_zone(o, &r->days, &r->zone) || (r->db && !db_zone_ok(&r->zone)))
			return OPT_EXIT_USAGE;
		o->tz = &r->zone;
	}
	if (o->categories_file) {
		if (!categories_load(&r->cats, o->categories_file))
			return 1;
		o->categories = &r->cats;
	}
	data_days(&r->days, o->tz, &first, &last);
	stats_init(&r->st, o, first, last, r->days.n);
	r->st_made = true;
	if (o->sensors_file && !stats_load_sensor_file(&r->st, o->sensors_file))
		return 1;
	if (o->group) {
		if (!load_group(&r->st, &r->group))
			return OPT_EXIT_USAGE;
		o->group_sensors = &r->group;
	}
	if (!r->st.nfocus)
		r->st.focus[r->st.nfocus++] = stats_default_country(&r->st);
	return 0;
}

/* With --verbose, the seconds since *since that step took; *since is now. */
static void step_done(const char *step, struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pr_debug("report: %s %.3f s", step, (double)(now.tv_sec - since->tv_sec) +
		 (double)(now.tv_nsec - since->tv_nsec) / 1e9);
	*since = now;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	struct report_run run = { 0 };
	struct report_stats *st = &run.st;
	struct report_opts ho, yo;
	struct report_stats yb, hist;
	bool year_before, lookback;
	struct event_list events;
	struct doc doc;
	struct timespec t0, t1, step;
	char a[11], b[11];
	bool ok;
	int rc;

	rc = report_parse_args(argc, argv, &o);
	if (rc != OPT_GO)
		return rc;
	ts_verbose = o.verbose;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	step = t0;
	rc = prepare(&o, &run);
	if (rc) {
		report_run_free(&run);
		return rc;
	}
	step_done(run.db ? "the database opened" : "the directories found", &step);
	stats_read_days(st, &run.days);
	step_done("the period read", &step);
	warn_skipped(st, "");
	if (run.db && !db_fleet_ok(run.db)) {
		report_run_free(&run);
		return 1;
	}
	if (!any_rows(st)) {
		format_day(o.from, a);
		format_day(o.to, b);
		pr_err("report: no totals rows between %s and %s in the %s", a, b,
		       run.db ? "database" : "--data directories");
		report_run_free(&run);
		return 1;
	}
	stats_finish(st);
	lookback = read_lookback(&o, &run.days, &ho, &hist);
	step_done("the look-back read", &step);
	detect_events(st, lookback ? &hist : NULL, &events);
	step_done("events detected", &step);
	if (lookback) {
		warn_skipped(&hist, " in the look-back days before the period");
		stats_free(&hist);
	}
	doc_init(&doc, o.lang);
	year_before = read_year_before(&o, &run.days, &yo, &yb);
	step_done("the year before read", &step);
	build_report(&doc, st, &events, year_before ? &yb : NULL);
	step_done("the tables and charts made", &step);
	if (year_before)
		stats_free(&yb);
	/* the look-back and the year before are read from the database too */
	ok = (!run.db || db_fleet_ok(run.db)) && write_output(&o, &doc);
	step_done("the output written", &step);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pr_info("report: %zu %s, %llu totals rows, %zu events, %.2f s", run.days.n,
		run.db ? "days of the database" : "day directories",
		(unsigned long long)st->read[S_TOTALS].rows, events.n,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	doc_free(&doc);
	event_list_free(&events);
	report_run_free(&run);
	return ok ? 0 : 1;
}
