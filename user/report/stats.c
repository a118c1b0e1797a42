// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The statistics a report is built from: their lifetime, the sensor
 * registry (and --sensors), and what is derived once every row is read.
 * The rows themselves are folded in by tally.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/csv.h"
#include "lib/log.h"
#include "lib/text.h"
#include "report/stats.h"
#include "report/csvfile.h"
#include "report/zone.h"

void stats_init(struct report_stats *st, const struct report_opts *opts,
		int long_from, int long_to, size_t ndirs)
{
	memset(st, 0, sizeof(*st));
	st->opts = opts;
	st->ndays = opts->to - opts->from + 1;
	st->nfocus = opts->n_countries;
	for (int i = 0; i < opts->n_countries; i++)
		st->focus[i] = opts->countries[i];
	st->last_sensor = -1;
	st->last_tag = -1;
	hmap_init_strings(&st->sensor_ids, sizeof(int));
	hmap_init_strings(&st->tag_ids, sizeof(int));
	counters_init(&st->tag_cross);
	hmap_init_strings(&st->bs_by_ip, sizeof(struct bs_source *));
	hmap_init_strings(&st->as_orgs, 0);
	counters_init(&st->ports);
	counters_init(&st->cross);
	hmap_init_strings(&st->src_addrs, sizeof(struct src_addr));
	hmap_init(&st->src_day_addr, 2 * sizeof(uint32_t), 1);
	hmap_init(&st->src_as_ids, sizeof(uint64_t), sizeof(int));
	st->src_day = xcalloc((size_t)st->ndays + 1, sizeof(uint64_t));
	st->src_country_day = xcalloc((size_t)st->ndays * CC_SLOTS + 1, sizeof(uint64_t));
	st->day = xcalloc((size_t)st->ndays, sizeof(*st->day));
	st->country_packets = xcalloc((size_t)st->ndays * CC_SLOTS, sizeof(uint64_t));
	st->country_sources = xcalloc((size_t)st->ndays * CC_SLOTS, sizeof(uint64_t));
	if (long_from > opts->from)
		long_from = opts->from;
	if (long_to < opts->to)
		long_to = opts->to;
	st->long_from = long_from;
	st->long_to = long_to;
	for (int i = 0; i < opts->n_ports; i++)
		st->long_port[i] = xcalloc((size_t)(long_to - long_from + 1), sizeof(uint64_t));
	st->long_seen = xcalloc((size_t)(long_to - long_from + 1), sizeof(bool));
	marks_init(&st->marks, ndirs);
}

void stats_free(struct report_stats *st)
{
	for (int i = 0; i < st->nsensors; i++) {
		struct sensor_stats *s = st->sensors[i];

		free(s->name);
		free(s->group);
		free(s->label);
		free(s->runs);
		free(s->rows_day);
		free(s->plain_day);
		free(s->cover_day);
		free(s->packets_day);
		free(s);
	}
	for (int i = 0; i < st->ntags; i++) {
		free(st->tags[i]->name);
		free(st->tags[i]->packets_day);
		free(st->tags[i]);
	}
	hmap_free(&st->tag_ids);
	hmap_free(&st->tag_cross);
	for (size_t i = 0; i < st->nbs; i++) {
		free(st->bs[i]->ip);
		free(st->bs[i]->days);
		free(st->bs[i]->ports);
		free(st->bs[i]);
	}
	free(st->bs);
	hmap_free(&st->sensor_ids);
	hmap_free(&st->bs_by_ip);
	hmap_free(&st->as_orgs);
	hmap_free(&st->src_addrs);
	hmap_free(&st->src_day_addr);
	hmap_free(&st->src_as_ids);
	for (size_t i = 0; i < st->nsrc_as; i++)
		free(st->src_as[i].org);
	free(st->src_as);
	free(st->src_day);
	free(st->src_country_day);
	hmap_free(&st->ports);
	hmap_free(&st->cross);
	free(st->day);
	free(st->country_packets);
	free(st->country_sources);
	for (int i = 0; i < RPT_MAX_PORTS; i++)
		free(st->long_port[i]);
	free(st->long_seen);
	for (int k = 0; k < S_COUNT; k++)
		csv_read_stats_free(&st->read[k]);
	marks_free(&st->marks);
	free(st->late);
}

const char *sensor_display(const struct sensor_stats *s)
{
	return s->label && *s->label ? s->label : s->name;
}

bool sensor_in_scope(const struct report_stats *st, const struct sensor_stats *s)
{
	return !st->opts->group_sensors || hmap_find(st->opts->group_sensors, s->name);
}

bool sensor_active(const struct tz_zone *z, const struct sensor_stats *s, int day)
{
	int64_t last = s->end_t > s->last_t ? s->end_t - 1 : s->last_t;

	return s->rows && s->interval > 0 && day >= tz_day(z, s->first_t) && day <= tz_day(z, last);
}

double sensor_coverage(const struct sensor_stats *s, int di, int64_t day_seconds)
{
	double per_day = s && s->interval > 0 ? (double)day_seconds / (double)s->interval : 0;

	return per_day > 0 ? fmin(sensor_day_rows(s, di) / per_day, 1.0) : 0;
}

/* Coverage below this is partial; above, rounding of late intervals. */
#define FULL_DAY 0.999

bool stats_day_partial(const struct report_stats *st, int di)
{
	bool any = false, short_one = false;

	for (int s = 0; s < st->nsensors; s++) {
		const struct sensor_stats *ss = st->sensors[s];
		double cov;

		if (!sensor_in_scope(st, ss) || !sensor_active(st->opts->tz, ss, st->opts->from + di))
			continue;
		cov = sensor_coverage(ss, di, tz_day_seconds(st->opts->tz, st->opts->from + di));
		any |= cov > 0;
		short_one |= cov < FULL_DAY;
	}
	return any && short_one;
}

int stats_sensor_id(struct report_stats *st, const char *name)
{
	struct sensor_stats *s;
	int *slot;

	if (st->last_sensor >= 0 && !strcmp(st->sensors[st->last_sensor]->name, name))
		return st->last_sensor;
	slot = hmap_upsert(&st->sensor_ids, name);
	if (*slot)
		return st->last_sensor = *slot - 1;
	if (st->nsensors == MAX_SENSORS)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->name = xstrdup(name);
	s->country = -1;
	s->rows_day = xcalloc((size_t)st->ndays, sizeof(*s->rows_day));
	s->plain_day = xcalloc((size_t)st->ndays, sizeof(*s->plain_day));
	s->cover_day = xcalloc((size_t)st->ndays, sizeof(*s->cover_day));
	s->packets_day = xcalloc((size_t)st->ndays, sizeof(*s->packets_day));
	st->sensors[st->nsensors] = s;
	*slot = st->nsensors + 1;
	return st->last_sensor = st->nsensors++;
}

/* s as the report names it when reading the data (tally.c): valid UTF-8,
 * no control characters. */
/* One line of --sensors: false (its error printed) when it is bad. */
static bool sensor_line(struct report_stats *st, char **fields, int n, const char *path,
			unsigned long line)
{
	struct sensor_stats *s;
	char *name;
	int id;

	if (n < 1 || n > 4 || !*fields[0]) {
		pr_err("report: %s:%lu: want sensor,group,label[,country]", path, line);
		return false;
	}
	if (line == 1 && !strcmp(fields[0], "sensor"))
		return true;	/* header */
	name = text_clean_dup(fields[0]);
	id = stats_sensor_id(st, name);
	free(name);
	if (id < 0) {
		pr_err("report: %s:%lu: more than %d sensors", path, line, MAX_SENSORS);
		return false;
	}
	s = st->sensors[id];
	s->listed = true;
	for (int i = 1; i < 3 && i < n; i++) {
		char **dst = i == 1 ? &s->group : &s->label;

		if (*fields[i]) {
			free(*dst);
			*dst = text_clean_dup(fields[i]);
		}
	}
	if (n > 3 && *fields[3]) {
		s->country = cc_slot(fields[3]);
		if (s->country < 0 || !cc_known(s->country)) {
			name = text_clean_dup(fields[3]);
			pr_err("report: %s:%lu: bad country '%s'", path, line, name);
			free(name);
			return false;
		}
	}
	return true;
}

static bool on_sensor_record(void *ctx, char **fields, int n, const char *path,
			     unsigned long line)
{
	return sensor_line(ctx, fields, n, path, line);
}

bool stats_load_sensor_file(struct report_stats *st, const char *path)
{
	return csvfile_each(path, "--sensors", 8, on_sensor_record, st);
}

/* The spacing that covers the most rows is the sensor's interval. */
static int64_t usual_interval(const struct sensor_stats *s)
{
	int64_t best = 0;
	uint64_t best_count = 0;

	for (size_t i = 0; i < s->nruns; i++) {
		uint64_t count = 0;

		for (size_t j = 0; j < s->nruns; j++)
			if (s->runs[j].spacing == s->runs[i].spacing)
				count += s->runs[j].count;
		if (count > best_count ||
		    (count == best_count && s->runs[i].spacing < best)) {
			best = s->runs[i].spacing;
			best_count = count;
		}
	}
	return best;
}

static int cmp_late(const void *a, const void *b)
{
	const struct late_row *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->sensor - y->sensor;
}

static void note_late(struct report_stats *st, int sensor, int64_t t, uint32_t seconds)
{
	XGROW(st->late, st->cap_late, st->nlate + 1, 8);
	st->late[st->nlate++] = (struct late_row){ sensor, t, seconds };
}

void stats_finish(struct report_stats *st)
{
	for (int i = 0; i < st->nsensors; i++) {
		struct sensor_stats *s = st->sensors[i];

		s->interval = usual_interval(s);
		if (s->interval <= 0)
			continue;
		/* Each row of a run is followed by the next at `spacing`; the last
		 * row of all is not in a run. */
		for (size_t r = 0; r < s->nruns; r++)
			for (uint64_t k = 0; s->runs[r].cover > s->interval && k < s->runs[r].count; k++)
				note_late(st, i, s->runs[r].start + (int64_t)k * s->runs[r].spacing,
					  s->runs[r].cover);
		if (s->last_secs > s->interval)
			note_late(st, i, s->last_t, s->last_secs);
	}
	if (st->nlate)
		qsort(st->late, st->nlate, sizeof(*st->late), cmp_late);
}

/* The country most listed sensors (of --group) sit in, else Japan. */
int stats_default_country(const struct report_stats *st)
{
	int count[CC_SLOTS] = { 0 }, best = cc_slot("JP");

	for (int i = 0; i < st->nsensors; i++)
		if (st->sensors[i]->country >= 0 && sensor_in_scope(st, st->sensors[i]))
			count[st->sensors[i]->country]++;
	for (int c = 0; c < CC_SLOTS; c++)
		if (count[c] > count[best])
			best = c;
	return best;
}
