// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The statistics a report is built from: their lifetime, the sensor
 * registry (and --sensors), and what is derived once every row is read.
 * The rows themselves are folded in by tally.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/csv.h"
#include "lib/log.h"
#include "report/stats.h"

void stats_init(struct report_stats *st, const struct report_opts *opts,
		int long_from, int long_to)
{
	memset(st, 0, sizeof(*st));
	st->opts = opts;
	st->ndays = opts->to - opts->from + 1;
	st->focus_country = opts->country;
	st->last_sensor = -1;
	st->last_tag = -1;
	hmap_init_strings(&st->sensor_ids, sizeof(int));
	hmap_init_strings(&st->tag_ids, sizeof(int));
	counters_init(&st->tag_cross);
	hmap_init_strings(&st->bs_by_ip, sizeof(struct bs_source *));
	hmap_init_strings(&st->as_orgs, 0);
	counters_init(&st->ports);
	counters_init(&st->cross);
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
	hmap_free(&st->ports);
	hmap_free(&st->cross);
	free(st->day);
	free(st->country_packets);
	free(st->country_sources);
	for (int i = 0; i < RPT_MAX_PORTS; i++)
		free(st->long_port[i]);
	free(st->long_seen);
}

const char *sensor_display(const struct sensor_stats *s)
{
	return s->label && *s->label ? s->label : s->name;
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
	s->packets_day = xcalloc((size_t)st->ndays, sizeof(*s->packets_day));
	st->sensors[st->nsensors] = s;
	*slot = st->nsensors + 1;
	return st->last_sensor = st->nsensors++;
}

bool stats_load_sensor_file(struct report_stats *st, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *fields[8];
	size_t cap = 0;
	ssize_t len;
	int line_no = 0;

	if (!f) {
		pr_err("report: cannot read --sensors %s: %s", path, strerror(errno));
		return false;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct sensor_stats *s;
		int n, id;

		line_no++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		n = csv_split(line, fields, 8);
		if (n < 1 || n > 4 || !*fields[0]) {
			pr_err("report: %s:%d: want sensor,group,label[,country]", path, line_no);
			goto fail;
		}
		if (line_no == 1 && !strcmp(fields[0], "sensor"))
			continue;	/* header */
		id = stats_sensor_id(st, fields[0]);
		if (id < 0)
			goto fail;
		s = st->sensors[id];
		s->listed = true;
		if (n > 1 && *fields[1])
			s->group = xstrdup(fields[1]);
		if (n > 2 && *fields[2])
			s->label = xstrdup(fields[2]);
		if (n > 3 && *fields[3]) {
			s->country = cc_slot(fields[3]);
			if (s->country < 0) {
				pr_err("report: %s:%d: bad country '%s'", path, line_no, fields[3]);
				goto fail;
			}
		}
	}
	free(line);
	fclose(f);
	return true;
fail:
	free(line);
	fclose(f);
	return false;
}

/* Per-thread reading state: the last time stamp parsed (rows repeat it). */
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

void stats_finish(struct report_stats *st)
{
	for (int i = 0; i < st->nsensors; i++)
		st->sensors[i]->interval = usual_interval(st->sensors[i]);
}

/* The country most listed sensors sit in, else Japan. */
int stats_default_country(const struct report_stats *st)
{
	int count[CC_SLOTS] = { 0 }, best = cc_slot("JP");

	for (int i = 0; i < st->nsensors; i++)
		if (st->sensors[i]->country >= 0)
			count[st->sensors[i]->country]++;
	for (int c = 0; c < CC_SLOTS; c++)
		if (count[c] > count[best])
			best = c;
	return best;
}
