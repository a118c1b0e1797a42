// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Event detection on daily series. Every series is first normalised by
 * the day's data coverage (rows received / rows expected), and days with
 * less than EV_MIN_COVERAGE are left out, so a sensor outage never looks
 * like a drop in traffic and never hides one either. The series begin
 * EV_LOOKBACK_DAYS before the period (hist, when the data has those days),
 * so the period's first days have baselines too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "report/detect.h"
#include "report/eventlist.h"
#include "report/events.h"
#include "report/gaps.h"
#include "report/zone.h"

/* A compacted daily series: only the days with enough data. */
struct day_series {
	int n;
	int *di;	/* day index of each value */
	double *x;
	double *cov;	/* [ndays] coverage; < EV_MIN_COVERAGE: left out */
};

/*
 * The days the detectors see: the look-back days before the period (from
 * hist, read for them alone) and then the period's (from st). Index e runs
 * over both; sensors are the period's, found in hist by name.
 */
struct ctx {
	const struct report_stats *st, *hist;
	int lead;		/* look-back days: index 0 is day `from` */
	int ndays;		/* lead + the period's days */
	int from;
	int *hist_of;		/* [st->nsensors] the sensor's id in hist, or -1 */
	int *main_of;		/* [hist->nsensors] the sensor's id in st, or -1 */
	double *fleet_cov;	/* [ndays] */
	double fleet_median;	/* typical normalised daily packets */
	double **sensor_cov;	/* [nsensors][ndays] */
	double *sensor_median;
	struct counter *entries;	/* sorted port-day counters, days as indexes e */
	size_t nentries, cap_entries;
};

/* The statistics that hold day index e, and its index there. */
static const struct report_stats *day_at(const struct ctx *c, int e, int *di)
{
	if (e < c->lead) {
		*di = e;
		return c->hist;
	}
	*di = e - c->lead;
	return c->st;
}

/* The period's sensor s on day index e, or NULL when hist lacks it. */
static const struct sensor_stats *sensor_on(const struct ctx *c, int s, int e, int *di)
{
	const struct report_stats *src = day_at(c, e, di);

	if (src == c->st)
		return c->st->sensors[s];
	return c->hist_of[s] >= 0 ? c->hist->sensors[c->hist_of[s]] : NULL;
}

static void map_sensors(struct ctx *c)
{
	c->hist_of = xcalloc((size_t)c->st->nsensors + 1, sizeof(int));
	c->main_of = xcalloc((size_t)(c->hist ? c->hist->nsensors : 0) + 1, sizeof(int));
	for (int s = 0; s < c->st->nsensors; s++)
		c->hist_of[s] = -1;
	for (int h = 0; c->hist && h < c->hist->nsensors; h++) {
		const int *id = hmap_find(&c->st->sensor_ids, c->hist->sensors[h]->name);

		c->main_of[h] = id ? *id - 1 : -1;
		if (id)
			c->hist_of[*id - 1] = h;
	}
}

static double rows_per_day(int64_t interval, int64_t day_seconds)
{
	return interval > 0 ? (double)day_seconds / (double)interval : 0;
}

static void coverage(struct ctx *c)
{
	const struct report_stats *st = c->st;
	double *norm = xcalloc((size_t)c->ndays, sizeof(double));
	int nvalid;

	c->fleet_cov = xcalloc((size_t)c->ndays, sizeof(double));
	c->sensor_cov = xcalloc((size_t)st->nsensors + 1, sizeof(double *));
	c->sensor_median = xcalloc((size_t)st->nsensors + 1, sizeof(double));
	nvalid = 0;
	for (int e = 0; e < c->ndays; e++) {
		double expected = 0, rows = 0;
		int di;
		const struct report_stats *src = day_at(c, e, &di);
		int64_t secs = tz_day_seconds(st->opts->tz, c->from + e);

		for (int s = 0; s < src->nsensors; s++)
			if (sensor_in_scope(src, src->sensors[s]) &&
			    sensor_active(st->opts->tz, src->sensors[s], c->from + e)) {
				expected += rows_per_day(src->sensors[s]->interval, secs);
				rows += sensor_day_rows(src->sensors[s], di);
			}
		c->fleet_cov[e] = expected > 0 ? fmin(rows / expected, 1.0) : 0;
		if (c->fleet_cov[e] >= EV_MIN_COVERAGE)
			norm[nvalid++] = (double)src->day[di].packets / c->fleet_cov[e];
	}
	c->fleet_median = nvalid ? median_of(norm, nvalid) : 0;
	for (int s = 0; s < st->nsensors; s++) {
		c->sensor_cov[s] = xcalloc((size_t)c->ndays, sizeof(double));
		nvalid = 0;
		for (int e = 0; e < c->ndays; e++) {
			int di;
			/* a sensor outside --group is never judged, nor asked */
			const struct sensor_stats *ss = sensor_in_scope(st, st->sensors[s]) ?
							sensor_on(c, s, e, &di) : NULL;
			double cov = ss ? sensor_coverage(ss, di, tz_day_seconds(st->opts->tz,
										c->from + e)) : 0;

			c->sensor_cov[s][e] = cov;
			if (cov >= EV_MIN_COVERAGE)
				norm[nvalid++] = (double)ss->packets_day[di] / cov;
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

/*
 * Sorts counters by key, least significant 16 bits first (the keys are
 * unique, so the order is the one a comparison sort gives). A period's
 * port-days are hundreds of thousands; four passes over them cost a
 * fraction of what qsort's comparisons do (docs/fleet.md measures it).
 */
static void sort_counters(struct counter *v, size_t n)
{
	struct counter *tmp = xmalloc(n * sizeof(*tmp)), *from = v, *to = tmp;
	size_t *start = xmalloc(65536 * sizeof(*start));

	for (int shift = 0; shift < 64; shift += 16) {
		size_t sum = 0;

		memset(start, 0, 65536 * sizeof(*start));
		for (size_t i = 0; i < n; i++)
			start[(from[i].key >> shift) & 0xFFFF]++;
		for (size_t d = 0; d < 65536; d++) {
			size_t count = start[d];

			start[d] = sum;
			sum += count;
		}
		for (size_t i = 0; i < n; i++)
			to[start[(from[i].key >> shift) & 0xFFFF]++] = from[i];
		from = to;
		to = from == v ? tmp : v;
	}
	/* an even number of passes: the sorted counters are back in v */
	free(start);
	free(tmp);
}

/* The greatest packets of the run of entries from i sharing its group
 * (kind, sensor, proto, port), and the index after the run. */
static size_t group_peak(const struct ctx *c, size_t i, uint64_t *peak)
{
	uint64_t group = c->entries[i].key >> 24;

	*peak = 0;
	for (; i < c->nentries && c->entries[i].key >> 24 == group; i++)
		if (c->entries[i].v[0] > *peak)
			*peak = c->entries[i].v[0];
	return i;
}

/* Appends the port-day counters of src, their days shifted to indexes
 * e, their sensors as the period's ids (a look-back sensor that the
 * period lacks is left out). */
static void add_port_days(struct ctx *c, const struct report_stats *src, int shift,
			  const int *sensor_of)
{
	const struct hmap *m = &src->ports;

	XGROW(c->entries, c->cap_entries, c->nentries + m->len, 1);
	for (size_t i = 0; i < m->len; i++) {
		struct counter k = *counter_at(m, i);
		enum key_kind kind = key_kind(k.key);
		unsigned sensor = key_sensor(k.key);

		if (kind != K_PORT_DAY && kind != K_SENSOR_PORT_DAY)
			continue;
		if (kind == K_SENSOR_PORT_DAY && sensor_of) {
			if (sensor_of[sensor] < 0)
				continue;
			sensor = (unsigned)sensor_of[sensor];
		}
		k.key = rkey(kind, sensor, key_proto(k.key), key_port(k.key),
			     key_day(k.key) + (unsigned)shift);
		c->entries[c->nentries++] = k;
	}
}

/* The port-day counters of the look-back and the period, sorted by key:
 * each (kind, sensor, port) is one run of days. */
static void collect_port_days(struct ctx *c)
{
	if (c->hist)
		add_port_days(c, c->hist, 0, c->main_of);
	add_port_days(c, c->st, c->lead, NULL);
	if (c->nentries)
		sort_counters(c->entries, c->nentries);
}

static void level_shifts(struct ctx *c, struct event_list *out)
{
	double *value = xcalloc((size_t)c->ndays, sizeof(double));
	struct day_series s;
	size_t i = 0;
	double min_cov = 0;

	series_init(&s, c->fleet_cov, c->ndays);
	for (int j = 0; j < s.n; j++)
		if (!j || s.cov[s.di[j]] < min_cov)
			min_cov = s.cov[s.di[j]];
	while (i < c->nentries) {
		uint64_t group = c->entries[i].key >> 24, raw;
		struct day_run run;
		double peak = 0;
		size_t end;

		if (key_kind(c->entries[i].key) != K_PORT_DAY) {
			i++;
			continue;
		}
		/* Most ports are too small to matter: no normalised day of theirs
		 * can exceed their greatest day over the least coverage, and
		 * when that is below the floor the series need not be built. */
		end = group_peak(c, i, &raw);
		if (s.n && (double)raw / min_cov < 0.005 * c->fleet_median) {
			i = end;
			continue;
		}
		memset(value, 0, (size_t)c->ndays * sizeof(double));
		for (; i < end; i++)
			value[key_day(c->entries[i].key)] = (double)c->entries[i].v[0];
		series_load(&s, value);
		for (int j = 0; j < s.n; j++)
			peak = fmax(peak, s.x[j]);
		if (peak < 0.005 * c->fleet_median)
			continue;
		if (find_level_shift(s.x, s.n, 0.001 * c->fleet_median, &run) >= 0) {
			struct event *e = event_add(out, EV_LEVEL_SHIFT);

			e->has_port = true;
			e->proto = (uint8_t)key_proto(group << 24);
			e->port = (uint16_t)key_port(group << 24);
			e->first_day = c->from + s.di[run.first];
			e->last_day = c->from + s.di[run.last];
			e->before = run.base;
			e->after = run.base * run.extreme;
			e->extreme = run.extreme;
		}
	}
	series_free(&s);
	free(value);
}

static struct event *country_event(struct event_list *out, enum event_type type, int cc,
				   const struct ctx *c, const struct day_series *s,
				   const struct day_run *run)
{
	struct event *e = event_add(out, type);

	e->country = cc;
	e->first_day = c->from + s->di[run->first];
	e->last_day = c->from + s->di[run->last];
	e->open = run->open;
	e->before = run->base;
	e->extreme = run->extreme;
	e->after = run->peak > 0 ? run->peak : run->base * run->extreme;
	return e;
}

static void country_events(struct ctx *c, struct event_list *out)
{
	double *pk = xcalloc((size_t)c->ndays, sizeof(double));
	double *src = xcalloc((size_t)c->ndays, sizeof(double));
	struct day_series s;
	struct day_run runs[32];

	series_init(&s, c->fleet_cov, c->ndays);
	for (int cc = 0; cc < CC_SLOTS; cc++) {
		bool *skip;
		int n;

		for (int e = 0; e < c->ndays; e++) {
			int di;
			const struct report_stats *st = day_at(c, e, &di);

			pk[e] = (double)st->country_packets[(size_t)di * CC_SLOTS + cc];
			src[e] = (double)st->country_sources[(size_t)di * CC_SLOTS + cc];
		}
		series_load(&s, pk);
		skip = xcalloc((size_t)c->ndays, sizeof(bool));
		n = find_spikes(s.x, s.n, EV_SPIKE_RATIO, 0.002 * c->fleet_median, 100,
				runs, 32);
		for (int r = 0; r < n; r++) {
			country_event(out, EV_COUNTRY_SPIKE, cc, c, &s, &runs[r]);
			for (int j = runs[r].first; j <= runs[r].last; j++)
				skip[j] = true;
		}
		series_load(&s, src);
		n = find_drops(s.x, s.n, 50, skip, runs, 32);
		for (int r = 0; r < n; r++)
			country_event(out, EV_COUNTRY_DROP, cc, c, &s, &runs[r])->critical =
				runs[r].extreme < EV_DROP_CRIT;
		free(skip);
	}
	series_free(&s);
	free(pk);
	free(src);
}

/* Packets of the period's sensor o to a port on day index e. */
static double sensor_port_day(const struct ctx *c, int o, uint8_t proto, uint16_t port, int e)
{
	int di;
	const struct report_stats *src = day_at(c, e, &di);
	int id = src == c->st ? o : c->hist_of[o];
	const uint64_t *v;

	if (id < 0)
		return 0;
	v = counters_find(&src->ports, rkey(K_SENSOR_PORT_DAY, (unsigned)id, proto, port,
					    (unsigned)di));
	return v ? (double)v[0] : 0;
}

/* Did sensor o see the port rise over [first, last] (day indexes)? -1: no data. */
static int other_saw(struct ctx *c, int o, uint8_t proto, uint16_t port,
		     int first, int last)
{
	double before[EV_BASE_WINDOW], during = 0, base;
	int nb = 0, nd = 0;

	for (int d = first - 1; d >= 0 && nb < EV_BASE_WINDOW; d--)
		if (c->sensor_cov[o][d] >= EV_MIN_COVERAGE)
			before[nb++] = sensor_port_day(c, o, proto, port, d) / c->sensor_cov[o][d];
	for (int d = first; d <= last; d++)
		if (c->sensor_cov[o][d] >= EV_MIN_COVERAGE) {
			during += sensor_port_day(c, o, proto, port, d) / c->sensor_cov[o][d];
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

		if (o == sensor || st->sensors[o]->interval <= 0 || !sensor_in_scope(st, st->sensors[o]))
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
			    w->port == port && w->first_day <= c->from + last &&
			    w->last_day >= c->from + first)
				return;
		}
		e = event_add(out, EV_WIDE_SPIKE);
		e->others = saw + 1;
	} else {
		e = event_add(out, EV_LOCAL_SPIKE);
		e->sensor = sensor;
		e->others = with_data;
	}
	e->has_port = true;
	e->proto = proto;
	e->port = port;
	e->first_day = c->from + first;
	e->last_day = c->from + last;
	e->open = run->open;
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
		int sensor = (int)key_sensor(c->entries[i].key), n;
		uint8_t proto = (uint8_t)key_proto(c->entries[i].key);
		uint16_t port = (uint16_t)key_port(c->entries[i].key);
		double floor;
		struct day_series s;
		uint64_t raw;
		size_t end;

		if (key_kind(c->entries[i].key) != K_SENSOR_PORT_DAY ||
		    st->sensors[sensor]->interval <= 0) {
			i++;
			continue;
		}
		/* the greatest day, before any series is built for it */
		end = group_peak(c, i, &raw);
		floor = 0.02 * c->sensor_median[sensor];
		if ((double)raw < floor) {
			i = end;
			continue;
		}
		memset(value, 0, (size_t)c->ndays * sizeof(double));
		for (; i < end; i++)
			value[key_day(c->entries[i].key)] = (double)c->entries[i].v[0];
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

/* Distinct backscatter sources per country and day index ([e * CC_SLOTS
 * + cc]): exact, as each source is one record with a bit per day. */
static void add_backscatter_days(const struct ctx *c, const struct report_stats *src,
				 int shift, double *count)
{
	for (size_t i = 0; i < src->nbs; i++) {
		const struct bs_source *b = src->bs[i];

		if (b->country < 0)
			continue;
		for (int d = 0; d < src->ndays; d++)
			if (b->days[d / 8] & (1u << (d % 8)) && d + shift < c->ndays)
				count[(size_t)(d + shift) * CC_SLOTS + b->country]++;
	}
}

static void backscatter_bursts(struct ctx *c, struct event_list *out)
{
	double *count = xcalloc((size_t)c->ndays * CC_SLOTS, sizeof(double));
	struct day_series s;
	struct day_run runs[32];

	if (c->hist)
		add_backscatter_days(c, c->hist, 0, count);
	add_backscatter_days(c, c->st, c->lead, count);
	series_init(&s, c->fleet_cov, c->ndays);
	for (int cc = 0; cc < CC_SLOTS; cc++) {
		int n;

		/* addresses, not packets: counted as they are, not scaled up
		 * by the coverage (a source is there or not) */
		for (int i = 0; i < s.n; i++)
			s.x[i] = count[(size_t)s.di[i] * CC_SLOTS + cc];
		n = find_spikes(s.x, s.n, EV_BURST_RATIO, EV_BURST_MIN, 0, runs, 32);
		for (int r = 0; r < n; r++)
			country_event(out, EV_BACKSCATTER_BURST, cc, c, &s, &runs[r]);
	}
	series_free(&s);
	free(count);
}

/*
 * Keeps the events that reach into the period, each from its first day
 * inside it (the day it began before, if so, in began); the look-back
 * only gave them their baselines.
 */
static void clip_to_period(const struct report_stats *st, struct event_list *l)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct event e = l->v[i];

		if (e.last_day < st->opts->from)
			continue;
		if (e.first_day < st->opts->from) {
			e.began = e.first_day;
			e.first_day = st->opts->from;
		}
		l->v[kept++] = e;
	}
	l->n = kept;
}

/* The first day of the period with EV_BASE_MIN_DAYS days of data before
 * it, look-back included: the detectors judge no day before that one. */
static int first_judged(const struct ctx *c)
{
	int with_data = 0;

	for (int e = 0; e < c->ndays; e++) {
		if (with_data >= EV_BASE_MIN_DAYS && e >= c->lead)
			return c->from + e;
		with_data += c->fleet_cov[e] >= EV_MIN_COVERAGE;
	}
	return c->st->opts->to + 1;
}

void detect_events(const struct report_stats *st, const struct report_stats *hist,
		   struct event_list *out)
{
	struct ctx c = { .st = st, .hist = hist };

	memset(out, 0, sizeof(*out));
	c.lead = hist ? hist->ndays : 0;
	c.ndays = c.lead + st->ndays;
	c.from = st->opts->from - c.lead;
	map_sensors(&c);
	coverage(&c);
	collect_port_days(&c);
	level_shifts(&c, out);
	country_events(&c, out);
	sensor_spikes(&c, out);
	backscatter_bursts(&c, out);
	clip_to_period(st, out);
	find_gaps(st, out);
	out->judged_from = first_judged(&c);
	for (int e = 0; e < c.lead; e++)
		out->lookback_days += c.fleet_cov[e] >= EV_MIN_COVERAGE;
	event_list_sort(out);
	for (int s = 0; s < st->nsensors; s++)
		free(c.sensor_cov[s]);
	free(c.sensor_cov);
	free(c.sensor_median);
	free(c.fleet_cov);
	free(c.entries);
	free(c.hist_of);
	free(c.main_of);
}
