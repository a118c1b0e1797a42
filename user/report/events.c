// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Event detection on daily series. Every series is first normalised by
 * the day's data coverage (rows received / rows expected), and days with
 * less than EV_MIN_COVERAGE are left out, so a sensor outage never looks
 * like a drop in traffic and never hides one either.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "report/events.h"

const char *const event_type_name[EV_NTYPES] = {
	"level_shift", "country_drop", "country_spike", "local_spike",
	"wide_spike", "gap",
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median_of(const double *v, int n)
{
	double tmp[512], *buf = n <= 512 ? tmp : xcalloc((size_t)n, sizeof(double));
	double m;

	if (n <= 0)
		return NAN;
	memcpy(buf, v, (size_t)n * sizeof(double));
	qsort(buf, (size_t)n, sizeof(double), cmp_double);
	m = n % 2 ? buf[n / 2] : (buf[n / 2 - 1] + buf[n / 2]) / 2;
	if (buf != tmp)
		free(buf);
	return m;
}

/* Median of up to `window` values before i whose skip flag is clear. */
static int baseline(const double *x, int i, int window, const bool *skip,
		    const bool *skip2, double *base)
{
	double vals[64];
	int count = 0;

	for (int j = i - 1; j >= 0 && count < window; j--) {
		if ((skip && skip[j]) || (skip2 && skip2[j]))
			continue;
		vals[count++] = x[j];
	}
	*base = median_of(vals, count);
	return count;
}

int find_spikes(const double *x, int n, double ratio, double min_excess,
		double min_base, struct day_run *out, int max)
{
	bool *in_spike = xcalloc((size_t)n, sizeof(bool));
	int found = 0, i = 0;

	while (i < n) {
		double base, thr, peak;
		int j;

		if (baseline(x, i, EV_BASE_WINDOW, in_spike, NULL, &base) < EV_BASE_MIN_DAYS ||
		    base < min_base) {
			i++;
			continue;
		}
		thr = fmax(ratio * base, base + min_excess);
		if (x[i] < thr) {
			i++;
			continue;
		}
		peak = x[i];
		for (j = i; j < n && x[j] >= thr; j++) {
			in_spike[j] = true;
			peak = fmax(peak, x[j]);
		}
		if (j < n && j - i <= EV_SPIKE_MAX_DAYS && found < max)
			out[found++] = (struct day_run){ i, j - 1, base,
							 base > 0 ? peak / base : INFINITY };
		i = j;
	}
	free(in_spike);
	return found;
}

int find_drops(const double *x, int n, double min_base, const bool *skip,
	       struct day_run *out, int max)
{
	bool *flagged = xcalloc((size_t)n, sizeof(bool));
	int found = 0;

	for (int i = 0; i < n; i++) {
		double base, r;

		if (baseline(x, i, EV_DROP_WINDOW, flagged, skip, &base) < EV_DROP_WINDOW ||
		    base < min_base)
			continue;
		r = x[i] / base;
		if (r >= EV_DROP_WARN)
			continue;
		flagged[i] = true;
		if (found && out[found - 1].last == i - 1 && i > 0 && flagged[i - 1]) {
			out[found - 1].last = i;
			out[found - 1].extreme = fmin(out[found - 1].extreme, r);
		} else if (found < max) {
			out[found++] = (struct day_run){ i, i, base, r };
		}
	}
	free(flagged);
	return found;
}

int find_level_shift(const double *x, int n, double min_base, struct day_run *run)
{
	for (int i = EV_BASE_MIN_DAYS; i + EV_SHIFT_MIN_DAYS <= n; i++) {
		int from = i > EV_BASE_WINDOW ? i - EV_BASE_WINDOW : 0, keep = 0;
		double base = fmax(median_of(x + from, i - from), min_base), after;

		if (x[i] < EV_SHIFT_START * base)
			continue;
		after = median_of(x + i, n - i);
		if (after < EV_SHIFT_LEVEL * base)
			continue;
		for (int j = i; j < n; j++)
			keep += x[j] >= EV_SHIFT_START * base;
		if (keep < EV_SHIFT_KEEP * (n - i))
			continue;
		*run = (struct day_run){ i, n - 1, base, after / base };
		return i;
	}
	return -1;
}

static struct event *add_event(struct event_list *l, enum event_type type)
{
	struct event *e;

	XGROW(l->v, l->cap, l->n + 1, 16);
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->sensor = -1;
	e->country = -1;
	return e;
}

void event_list_free(struct event_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* A compacted daily series: only the days with enough data. */
struct day_series {
	int n;
	int *di;	/* day index of each value */
	double *x;
	double *cov;	/* [ndays] coverage; < EV_MIN_COVERAGE: left out */
};

struct ctx {
	const struct report_stats *st;
	int ndays;
	double *fleet_cov;	/* [ndays] */
	double fleet_median;	/* typical normalised daily packets */
	double **sensor_cov;	/* [nsensors][ndays] */
	double *sensor_median;
	struct counter *entries;	/* sorted port-day counters */
	size_t nentries;
};

static double rows_per_day(int64_t interval)
{
	return interval > 0 ? 86400.0 / (double)interval : 0;
}

static bool sensor_active(const struct sensor_stats *s, int day)
{
	int64_t last = s->end_t > s->last_t ? s->end_t - 1 : s->last_t;

	return s->rows && s->interval > 0 && day >= s->first_t / 86400 && day <= last / 86400;
}

static void coverage(struct ctx *c)
{
	const struct report_stats *st = c->st;
	double *norm = xcalloc((size_t)c->ndays, sizeof(double));
	int nvalid;

	c->fleet_cov = xcalloc((size_t)c->ndays, sizeof(double));
	c->sensor_cov = xcalloc((size_t)st->nsensors, sizeof(double *));
	c->sensor_median = xcalloc((size_t)st->nsensors, sizeof(double));
	for (int d = 0; d < c->ndays; d++) {
		double expected = 0, rows = 0;

		for (int s = 0; s < st->nsensors; s++)
			if (sensor_active(st->sensors[s], st->opts->from + d)) {
				expected += rows_per_day(st->sensors[s]->interval);
				rows += sensor_day_rows(st->sensors[s], d);
			}
		c->fleet_cov[d] = expected > 0 ? fmin(rows / expected, 1.0) : 0;
	}
	nvalid = 0;
	for (int d = 0; d < c->ndays; d++)
		if (c->fleet_cov[d] >= EV_MIN_COVERAGE)
			norm[nvalid++] = (double)st->day[d].packets / c->fleet_cov[d];
	c->fleet_median = nvalid ? median_of(norm, nvalid) : 0;
	for (int s = 0; s < st->nsensors; s++) {
		const struct sensor_stats *ss = st->sensors[s];
		double per_day = rows_per_day(ss->interval);

		c->sensor_cov[s] = xcalloc((size_t)c->ndays, sizeof(double));
		nvalid = 0;
		for (int d = 0; d < c->ndays; d++) {
			double cov = per_day > 0 ? fmin(sensor_day_rows(ss, d) / per_day, 1.0) : 0;

			c->sensor_cov[s][d] = cov;
			if (cov >= EV_MIN_COVERAGE)
				norm[nvalid++] = (double)ss->packets_day[d] / cov;
		}
		c->sensor_median[s] = nvalid ? median_of(norm, nvalid) : 0;
	}
	free(norm);
}

static void series_init(struct day_series *s, const double *cov, int ndays)
{
	s->n = 0;
	s->di = xcalloc((size_t)ndays, sizeof(int));
	s->x = xcalloc((size_t)ndays, sizeof(double));
	s->cov = (double *)cov;
	for (int d = 0; d < ndays; d++)
		if (cov[d] >= EV_MIN_COVERAGE)
			s->di[s->n++] = d;
}

static void series_free(struct day_series *s)
{
	free(s->di);
	free(s->x);
}

/* Loads values per day (value[d]) normalised by coverage. */
static void series_load(struct day_series *s, const double *value)
{
	for (int i = 0; i < s->n; i++)
		s->x[i] = value[s->di[i]] / s->cov[s->di[i]];
}

static int cmp_counter(const void *a, const void *b)
{
	uint64_t x = ((const struct counter *)a)->key, y = ((const struct counter *)b)->key;

	return x < y ? -1 : x > y;
}

/* All counters of the port map with the given kinds, sorted by key. */
static void collect_port_days(struct ctx *c)
{
	const struct hmap *m = &c->st->ports;
	size_t n = 0;

	c->entries = xcalloc(m->len, sizeof(*c->entries));
	for (size_t i = 0; i < m->len; i++) {
		enum key_kind k = key_kind(counter_at(m, i)->key);

		if (k == K_PORT_DAY || k == K_SENSOR_PORT_DAY)
			c->entries[n++] = *counter_at(m, i);
	}
	qsort(c->entries, n, sizeof(*c->entries), cmp_counter);
	c->nentries = n;
}

static void level_shifts(struct ctx *c, struct event_list *out)
{
	const struct report_stats *st = c->st;
	double *value = xcalloc((size_t)c->ndays, sizeof(double));
	struct day_series s;
	size_t i = 0;

	series_init(&s, c->fleet_cov, c->ndays);
	while (i < c->nentries) {
		uint64_t group = c->entries[i].key >> 24;
		struct day_run run;
		double peak = 0;

		if (key_kind(c->entries[i].key) != K_PORT_DAY) {
			i++;
			continue;
		}
		memset(value, 0, (size_t)c->ndays * sizeof(double));
		for (; i < c->nentries && c->entries[i].key >> 24 == group; i++)
			value[key_day(c->entries[i].key)] = (double)c->entries[i].v[0];
		series_load(&s, value);
		for (int j = 0; j < s.n; j++)
			peak = fmax(peak, s.x[j]);
		if (peak < 0.005 * c->fleet_median)
			continue;
		if (find_level_shift(s.x, s.n, 0.001 * c->fleet_median, &run) >= 0) {
			struct event *e = add_event(out, EV_LEVEL_SHIFT);

			e->has_port = true;
			e->proto = (uint8_t)key_proto(group << 24);
			e->port = (uint16_t)key_port(group << 24);
			e->first_day = st->opts->from + s.di[run.first];
			e->last_day = st->opts->from + s.di[run.last];
			e->before = run.base;
			e->after = run.base * run.extreme;
			e->extreme = run.extreme;
		}
	}
	series_free(&s);
	free(value);
}

static struct event *country_event(struct event_list *out, enum event_type type, int cc,
				   const struct report_stats *st, const struct day_series *s,
				   const struct day_run *run)
{
	struct event *e = add_event(out, type);

	e->country = cc;
	e->first_day = st->opts->from + s->di[run->first];
	e->last_day = st->opts->from + s->di[run->last];
	e->before = run->base;
	e->extreme = run->extreme;
	e->after = run->base * run->extreme;
	return e;
}

static void country_events(struct ctx *c, struct event_list *out)
{
	const struct report_stats *st = c->st;
	double *pk = xcalloc((size_t)c->ndays, sizeof(double));
	double *src = xcalloc((size_t)c->ndays, sizeof(double));
	struct day_series s;
	struct day_run runs[32];

	series_init(&s, c->fleet_cov, c->ndays);
	for (int cc = 0; cc < CC_SLOTS; cc++) {
		bool *skip;
		int n;

		for (int d = 0; d < c->ndays; d++) {
			pk[d] = (double)st->country_packets[(size_t)d * CC_SLOTS + cc];
			src[d] = (double)st->country_sources[(size_t)d * CC_SLOTS + cc];
		}
		series_load(&s, pk);
		skip = xcalloc((size_t)c->ndays, sizeof(bool));
		n = find_spikes(s.x, s.n, EV_SPIKE_RATIO, 0.002 * c->fleet_median, 100,
				runs, 32);
		for (int r = 0; r < n; r++) {
			country_event(out, EV_COUNTRY_SPIKE, cc, st, &s, &runs[r]);
			for (int j = runs[r].first; j <= runs[r].last; j++)
				skip[j] = true;
		}
		series_load(&s, src);
		n = find_drops(s.x, s.n, 50, skip, runs, 32);
		for (int r = 0; r < n; r++)
			country_event(out, EV_COUNTRY_DROP, cc, st, &s, &runs[r])->critical =
				runs[r].extreme < EV_DROP_CRIT;
		free(skip);
	}
	series_free(&s);
	free(pk);
	free(src);
}

/* Did sensor o see the port rise over [first, last] (day indexes)? -1: no data. */
static int other_saw(struct ctx *c, int o, uint8_t proto, uint16_t port,
		     int first, int last)
{
	const struct report_stats *st = c->st;
	double before[EV_BASE_WINDOW], during = 0, base;
	int nb = 0, nd = 0;

	for (int d = first - 1; d >= 0 && nb < EV_BASE_WINDOW; d--) {
		const uint64_t *v;

		if (c->sensor_cov[o][d] < EV_MIN_COVERAGE)
			continue;
		v = counters_find(&st->ports, rkey(K_SENSOR_PORT_DAY, o, proto, port, d));
		before[nb++] = (v ? (double)v[0] : 0) / c->sensor_cov[o][d];
	}
	for (int d = first; d <= last; d++) {
		const uint64_t *v;

		if (c->sensor_cov[o][d] < EV_MIN_COVERAGE)
			continue;
		v = counters_find(&st->ports, rkey(K_SENSOR_PORT_DAY, o, proto, port, d));
		during += (v ? (double)v[0] : 0) / c->sensor_cov[o][d];
		nd++;
	}
	if (nb < EV_BASE_MIN_DAYS || !nd)
		return -1;
	base = median_of(before, nb);
	during /= nd;
	return during >= EV_OTHERS_RATIO * base &&
	       during - base >= 0.02 * c->sensor_median[o];
}

static void note_sensor_spike(struct ctx *c, struct event_list *out, int sensor,
			      uint8_t proto, uint16_t port, const struct day_run *run,
			      int first, int last)
{
	const struct report_stats *st = c->st;
	int with_data = 0, saw = 0;
	struct event *e;

	for (int o = 0; o < st->nsensors; o++) {
		int r;

		if (o == sensor || st->sensors[o]->interval <= 0)
			continue;
		r = other_saw(c, o, proto, port, first, last);
		if (r < 0)
			continue;
		with_data++;
		saw += r;
	}
	if (with_data && saw * 2 >= with_data) {
		/* Wide-area: one event per port and start day, not per sensor. */
		for (size_t i = 0; i < out->n; i++) {
			struct event *w = &out->v[i];

			if (w->type == EV_WIDE_SPIKE && w->proto == proto &&
			    w->port == port && w->first_day <= st->opts->from + last &&
			    w->last_day >= st->opts->from + first)
				return;
		}
		e = add_event(out, EV_WIDE_SPIKE);
		e->others = saw + 1;
	} else {
		e = add_event(out, EV_LOCAL_SPIKE);
		e->sensor = sensor;
		e->others = with_data;
	}
	e->has_port = true;
	e->proto = proto;
	e->port = port;
	e->first_day = st->opts->from + first;
	e->last_day = st->opts->from + last;
	e->before = run->base;
	e->extreme = run->extreme;
	e->after = run->base * run->extreme;
}

static void sensor_spikes(struct ctx *c, struct event_list *out)
{
	const struct report_stats *st = c->st;
	double *value = xcalloc((size_t)c->ndays, sizeof(double));
	struct day_run runs[16];
	size_t i = 0;

	while (i < c->nentries) {
		uint64_t group = c->entries[i].key >> 24;
		int sensor = (int)key_sensor(c->entries[i].key), n;
		uint8_t proto = (uint8_t)key_proto(c->entries[i].key);
		uint16_t port = (uint16_t)key_port(c->entries[i].key);
		double floor, peak = 0;
		struct day_series s;

		if (key_kind(c->entries[i].key) != K_SENSOR_PORT_DAY ||
		    st->sensors[sensor]->interval <= 0) {
			i++;
			continue;
		}
		memset(value, 0, (size_t)c->ndays * sizeof(double));
		for (; i < c->nentries && c->entries[i].key >> 24 == group; i++)
			value[key_day(c->entries[i].key)] = (double)c->entries[i].v[0];
		floor = 0.02 * c->sensor_median[sensor];
		for (int d = 0; d < c->ndays; d++)
			peak = fmax(peak, value[d]);
		if (peak < floor)
			continue;
		series_init(&s, c->sensor_cov[sensor], c->ndays);
		series_load(&s, value);
		n = find_spikes(s.x, s.n, EV_LOCAL_RATIO, floor, 0, runs, 16);
		for (int r = 0; r < n; r++)
			note_sensor_spike(c, out, sensor, proto, port, &runs[r],
					  s.di[runs[r].first], s.di[runs[r].last]);
		series_free(&s);
	}
	free(value);
}

#define MAX_GAPS 1000

static void gaps(const struct report_stats *st, struct event_list *out)
{
	size_t listed = 0;

	for (int s = 0; s < st->nsensors; s++) {
		const struct sensor_stats *ss = st->sensors[s];

		if (ss->interval <= 0)
			continue;
		for (size_t r = 0; r < ss->nruns; r++) {
			const struct spacing_run *run = &ss->runs[r];

			/* What the row before covers: its seconds, or one interval. */
			int64_t cover = run->cover ? run->cover : ss->interval;

			if (run->spacing - cover < ss->interval)
				continue;
			for (uint64_t k = 0; k < run->count && listed < MAX_GAPS; k++, listed++) {
				struct event *e = add_event(out, EV_GAP);
				int64_t prev = run->start + (int64_t)k * run->spacing;

				e->sensor = s;
				e->start_t = prev + cover;
				e->end_t = prev + run->spacing;
				e->first_day = (int)(e->start_t / 86400);
				e->last_day = (int)((e->end_t - 1) / 86400);
			}
		}
	}
}

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->first_day != y->first_day)
		return x->first_day < y->first_day ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->start_t != y->start_t)
		return x->start_t < y->start_t ? -1 : 1;
	return x->sensor - y->sensor;
}

void detect_events(const struct report_stats *st, struct event_list *out)
{
	struct ctx c = { .st = st, .ndays = st->ndays };

	memset(out, 0, sizeof(*out));
	coverage(&c);
	collect_port_days(&c);
	level_shifts(&c, out);
	country_events(&c, out);
	sensor_spikes(&c, out);
	gaps(st, out);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_event);
	for (int s = 0; s < st->nsensors; s++)
		free(c.sensor_cov[s]);
	free(c.sensor_cov);
	free(c.sensor_median);
	free(c.fleet_cov);
	free(c.entries);
}
