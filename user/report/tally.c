// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Aggregation while streaming: each row of each series updates a few
 * counters of the statistics and is forgotten. Totals and ports (which
 * need the sensor registry) are read on one thread, countries, port ×
 * country, backscatter and tags on another; the two never write the same
 * memory.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/stats.h"

struct reader {
	struct report_stats *st;
	char last_time[24];
	int64_t last_t;
};

static int64_t row_time(struct reader *r, const char *s)
{
	if (strcmp(s, r->last_time)) {
		r->last_t = parse_time(s);
		if (r->last_t < 0) {
			r->last_time[0] = '\0';
			return -1;
		}
		snprintf(r->last_time, sizeof(r->last_time), "%s", s);
	}
	return r->last_t;
}

static bool in_prev(const struct report_stats *st, int day)
{
	return day >= st->opts->prev_from && day <= st->opts->prev_to;
}

static int focus_port(const struct report_opts *o, int proto, int port)
{
	for (int i = 0; i < o->n_ports; i++)
		if (o->ports[i].proto == proto && o->ports[i].port == port)
			return i;
	return -1;
}

static void note_spacing(struct sensor_stats *s, int64_t t)
{
	struct spacing_run *run;
	int64_t spacing;

	if (!s->rows) {
		s->first_t = s->last_t = t;
		return;
	}
	if (t <= s->last_t)
		return;		/* a repeated interval: nothing about gaps */
	spacing = t - s->last_t;
	run = s->nruns ? &s->runs[s->nruns - 1] : NULL;
	if (run && run->spacing == spacing) {
		run->count++;
	} else {
		XGROW(s->runs, s->cap_runs, s->nruns + 1, 8);
		s->runs[s->nruns++] = (struct spacing_run){ s->last_t, spacing, 1 };
	}
	s->last_t = t;
}

static const char *const totals_cols[] = {
	"time", "sensor", "packets", "bytes", "?malformed", "?non_ip", "?overflow",
	"?tagged",
};

static uint64_t opt_u64(char **f, int col, bool *ok)
{
	uint64_t v = 0;

	if (col >= 0 && !field_u64(f[col], &v))
		*ok = false;
	return v;
}

static bool on_totals(void *ctx, char **f, const int *col)
{
	struct reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	uint64_t packets, bytes, malformed, non_ip, overflow, tagged;
	bool ok = true;
	int day, di;

	if (t < 0 || !field_u64(f[col[2]], &packets) || !field_u64(f[col[3]], &bytes))
		return false;
	malformed = opt_u64(f, col[4], &ok);
	non_ip = opt_u64(f, col[5], &ok);
	overflow = opt_u64(f, col[6], &ok);
	tagged = opt_u64(f, col[7], &ok);
	if (!ok || !*f[col[1]])
		return false;
	day = (int)(t / 86400);
	if (day >= st->long_from && day <= st->long_to)
		st->long_seen[day - st->long_from] = true;
	di = stats_day_index(st, day);
	if (di >= 0) {
		int id = stats_sensor_id(st, f[col[1]]);
		struct sensor_stats *s;
		struct day_totals *d = &st->day[di];

		if (id < 0)
			return false;
		s = st->sensors[id];
		note_spacing(s, t);
		s->rows++;
		s->packets += packets;
		s->bytes += bytes;
		s->rows_day[di]++;
		s->packets_day[di] += packets;
		d->rows++;
		d->packets += packets;
		d->bytes += bytes;
		d->malformed += malformed;
		d->non_ip += non_ip;
		d->overflow += overflow;
		d->tagged += tagged;
		st->tagged_seen |= col[7] >= 0;
	} else if (in_prev(st, day)) {
		st->prev.rows++;
		st->prev.packets += packets;
		st->prev.bytes += bytes;
		st->prev_seen = true;
	}
	return true;
}

static const char *const ports_cols[] = {
	"time", "sensor", "proto", "port", "packets", "?mirai", "?bytes",
};

static bool on_ports(void *ctx, char **f, const int *col)
{
	struct reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	uint64_t port, packets, mirai, bytes;
	bool ok = true;
	int proto, day, di, fp;

	if (t < 0 || !field_u64(f[col[3]], &port) || port > 65535 ||
	    !field_u64(f[col[4]], &packets))
		return false;
	proto = proto_parse(f[col[2]]);
	mirai = opt_u64(f, col[5], &ok);
	bytes = opt_u64(f, col[6], &ok);
	if (proto < 0 || !ok)
		return false;
	day = (int)(t / 86400);
	fp = focus_port(st->opts, proto, (int)port);
	if (fp >= 0 && day >= st->long_from && day <= st->long_to)
		st->long_port[fp][day - st->long_from] += packets;
	di = stats_day_index(st, day);
	if (di >= 0) {
		int id = stats_sensor_id(st, f[col[1]]);
		uint64_t *v;

		if (id < 0)
			return false;
		v = counters_get(&st->ports, rkey(K_PORT_DAY, ALL_SENSORS, proto, port, di));
		v[0] += packets;
		v[1] += mirai;
		v[2] += bytes;
		counters_get(&st->ports, rkey(K_SENSOR_PORT_DAY, id, proto, port, di))[0] += packets;
	} else if (in_prev(st, day)) {
		counters_get(&st->ports, rkey(K_PORT_PREV, ALL_SENSORS, proto, port, 0))[0] += packets;
	}
	return true;
}

static const char *const countries_cols[] = {
	"time", "country", "packets", "sources",
};

static bool on_countries(void *ctx, char **f, const int *col)
{
	struct reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	int cc = cc_slot(f[col[1]]);
	uint64_t packets, sources;
	int day, di;

	if (t < 0 || cc < 0 || !field_u64(f[col[2]], &packets) ||
	    !field_u64(f[col[3]], &sources))
		return false;
	day = (int)(t / 86400);
	di = stats_day_index(st, day);
	if (di >= 0) {
		st->country_packets[(size_t)di * CC_SLOTS + cc] += packets;
		st->country_sources[(size_t)di * CC_SLOTS + cc] += sources;
	} else if (in_prev(st, day)) {
		st->country_prev[cc] += packets;
	}
	return true;
}

static const char *const port_countries_cols[] = {
	"time", "proto", "port", "country", "packets", "?mirai",
};

static bool on_port_countries(void *ctx, char **f, const int *col)
{
	struct reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	int cc = cc_slot(f[col[3]]);
	uint64_t port, packets, mirai;
	bool ok = true;
	int proto, di, fp;

	if (t < 0 || cc < 0 || !field_u64(f[col[2]], &port) || port > 65535 ||
	    !field_u64(f[col[4]], &packets))
		return false;
	proto = proto_parse(f[col[1]]);
	mirai = opt_u64(f, col[5], &ok);
	if (proto < 0 || !ok)
		return false;
	di = stats_day_index(st, (int)(t / 86400));
	if (di < 0)
		return true;
	if (cc == st->focus_country) {
		uint64_t *v = counters_get(&st->cross, rkey(K_PORT_FOCUS, 0, proto, port, 0));

		v[0] += packets;
		v[1] += mirai;
	}
	fp = focus_port(st->opts, proto, (int)port);
	if (fp >= 0)
		counters_get(&st->cross, rkey(K_PORT_COUNTRY_DAY, fp, 0, cc, di))[0] += packets;
	return true;
}

static const char *const backscatter_cols[] = {
	"time", "src_ip", "country", "?asn", "proto", "src_port", "packets", "?as_org",
};

static const char *intern_org(struct report_stats *st, const char *org)
{
	int created;

	return hmap_string(&st->as_orgs, hmap_pos(&st->as_orgs,
			   hmap_insert(&st->as_orgs, org, &created)));
}

static struct bs_source *bs_source(struct report_stats *st, const char *ip,
				   bool *created)
{
	struct bs_source **slot = hmap_upsert(&st->bs_by_ip, ip);
	struct bs_source *b = *slot;

	*created = !b;
	if (b)
		return b;
	b = xcalloc(1, sizeof(*b));
	b->ip = xstrdup(ip);
	b->days = xcalloc((size_t)(st->ndays + 7) / 8, 1);
	XGROW(st->bs, st->cap_bs, st->nbs + 1, 256);
	st->bs[st->nbs++] = b;
	*slot = b;
	return b;
}

static bool on_backscatter(void *ctx, char **f, const int *col)
{
	struct reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	int cc = cc_slot(f[col[2]]);
	uint64_t asn, port, packets;
	bool ok = true;
	struct bs_source *b;
	bool created;
	int proto, di;
	size_t i;

	if (t < 0 || cc < 0 || !*f[col[1]] || !field_u64(f[col[5]], &port) ||
	    port > 65535 || !field_u64(f[col[6]], &packets))
		return false;
	asn = opt_u64(f, col[3], &ok);
	proto = proto_parse(f[col[4]]);
	if (!ok || proto < 0)
		return false;
	di = stats_day_index(st, (int)(t / 86400));
	if (di < 0)
		return true;
	b = bs_source(st, f[col[1]], &created);
	if (created) {
		b->country = cc;
		b->asn = asn;
		b->as_org = intern_org(st, col[7] >= 0 ? f[col[7]] : "");
	}
	b->packets += packets;
	b->days[di / 8] |= (uint8_t)(1u << (di % 8));
	st->bs_packets += packets;
	for (i = 0; i < b->nports; i++)
		if (b->ports[i].port == port && b->ports[i].proto == proto)
			break;
	if (i == b->nports) {
		b->ports = xrealloc(b->ports, (b->nports + 1) * sizeof(*b->ports));
		b->ports[b->nports++] = (struct bs_port){ (uint8_t)proto, (uint16_t)port, 0 };
	}
	b->ports[i].packets += packets;
	return true;
}

static const char *const tags_cols[] = {
	"time", "tag", "proto", "port", "country", "packets", "sources",
};

static int tag_id(struct report_stats *st, const char *name)
{
	struct tag_stats *tg;
	int *slot;

	if (st->last_tag >= 0 && !strcmp(st->tags[st->last_tag]->name, name))
		return st->last_tag;
	slot = hmap_upsert(&st->tag_ids, name);
	if (*slot)
		return st->last_tag = *slot - 1;
	if (st->ntags == MAX_TAGS)
		return -1;
	tg = xcalloc(1, sizeof(*tg));
	tg->name = xstrdup(name);
	tg->packets_day = xcalloc((size_t)st->ndays, sizeof(*tg->packets_day));
	st->tags[st->ntags] = tg;
	*slot = st->ntags + 1;
	return st->last_tag = st->ntags++;
}

static bool on_tags(void *ctx, char **f, const int *col)
{
	struct reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	const char *name = f[col[1]];
	int cc = cc_slot(f[col[4]]);
	uint64_t port, packets, sources, *v;
	struct tag_stats *tg;
	int proto, di, id;

	if (*name == '\'')
		name++;		/* the sensor's guard against formulas, not the name */
	if (t < 0 || !*name || cc < 0 || !field_u64(f[col[3]], &port) || port > 65535 ||
	    !field_u64(f[col[5]], &packets) || !field_u64(f[col[6]], &sources))
		return false;
	proto = proto_parse(f[col[2]]);
	if (proto < 0)
		return false;
	di = stats_day_index(st, (int)(t / 86400));
	if (di < 0)
		return true;
	id = tag_id(st, name);
	if (id < 0)
		return false;
	tg = st->tags[id];
	tg->packets += packets;
	tg->sources += sources;
	tg->packets_day[di] += packets;
	v = counters_get(&st->tag_cross, rkey(K_TAG_PORT, id, proto, port, 0));
	v[0] += packets;
	v[1] += sources;
	v = counters_get(&st->tag_cross, rkey(K_TAG_COUNTRY, id, 0, cc, 0));
	v[0] += packets;
	v[1] += sources;
	return true;
}

struct series_reader {
	enum series kind;
	const char *const *cols;
	int ncols;
	rpt_row_fn fn;
};

#define SERIES(k, c, f) { k, c, sizeof(c) / sizeof(c[0]), f }

static const struct series_reader thread_a[] = {
	SERIES(S_TOTALS, totals_cols, on_totals),
	SERIES(S_PORTS, ports_cols, on_ports),
};

static const struct series_reader thread_b[] = {
	SERIES(S_COUNTRIES, countries_cols, on_countries),
	SERIES(S_PORT_COUNTRIES, port_countries_cols, on_port_countries),
	SERIES(S_BACKSCATTER, backscatter_cols, on_backscatter),
	SERIES(S_TAGS, tags_cols, on_tags),
};

/* Which series a day needs: everything in the period, what ranks need in
 * the previous one, and only the long-range port series elsewhere. */
static bool wanted(const struct report_stats *st, int day, enum series kind)
{
	if (stats_day_index(st, day) >= 0)
		return kind != S_SOURCES;
	if (in_prev(st, day))
		return kind == S_TOTALS || kind == S_PORTS || kind == S_COUNTRIES;
	return st->opts->n_ports && (kind == S_TOTALS || kind == S_PORTS);
}

struct read_job {
	struct report_stats *st;
	const struct day_list *days;
	const struct series_reader *series;
	int nseries;
};

static void *read_job_run(void *arg)
{
	struct read_job *job = arg;
	struct reader r = { .st = job->st };

	for (size_t d = 0; d < job->days->n; d++) {
		const struct day_dir *dd = &job->days->v[d];

		for (int s = 0; s < job->nseries; s++) {
			const struct series_reader *sr = &job->series[s];

			if (!wanted(job->st, dd->day, sr->kind))
				continue;
			rpt_read_csv(dd->path, sr->kind, sr->cols, sr->ncols, sr->fn,
				     &r, &job->st->read[sr->kind]);
		}
	}
	return NULL;
}

void stats_read_days(struct report_stats *st, const struct day_list *days)
{
	struct read_job a = { st, days, thread_a, sizeof(thread_a) / sizeof(thread_a[0]) };
	struct read_job b = { st, days, thread_b, sizeof(thread_b) / sizeof(thread_b[0]) };
	pthread_t tid;

	if (pthread_create(&tid, NULL, read_job_run, &b)) {
		read_job_run(&b);	/* no thread: one after the other */
		read_job_run(&a);
		return;
	}
	read_job_run(&a);
	pthread_join(tid, NULL);
}
