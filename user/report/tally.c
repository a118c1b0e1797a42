// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Aggregation while streaming: each row of each series updates a few
 * counters of the statistics and is forgotten. A handler parses the row
 * (its verdict: malformed, out of range), drops a repetition, checks the
 * sums it adds to, then adds its counts day by day (report/rowread.h). Totals
 * and ports (which need the sensor registry) are read on one thread,
 * countries, port × country, backscatter and tags on another (read.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/rowread.h"
#include "report/tally.h"

static int focus_port(const struct report_opts *o, int proto, int port)
{
	for (int i = 0; i < o->n_ports; i++)
		if (o->ports[i].proto == proto && o->ports[i].port == port)
			return i;
	return -1;
}

static void note_spacing(struct sensor_stats *s, int64_t t, uint32_t seconds)
{
	struct spacing_run *run;
	int64_t spacing;

	if (seconds && t + seconds > s->end_t)
		s->end_t = t + seconds;
	if (!s->rows) {
		s->first_t = s->last_t = t;
		s->last_secs = seconds;
		return;
	}
	if (t < s->first_t)
		s->first_t = t;
	if (t <= s->last_t)
		return;		/* out of order: nothing about gaps */
	spacing = t - s->last_t;
	run = s->nruns ? &s->runs[s->nruns - 1] : NULL;
	if (run && run->spacing == spacing && run->cover == s->last_secs) {
		run->count++;
	} else {
		XGROW(s->runs, s->cap_runs, s->nruns + 1, 8);
		s->runs[s->nruns++] = (struct spacing_run){ s->last_t, spacing, 1, s->last_secs };
	}
	s->last_t = t;
	s->last_secs = seconds;
}

static const char *const totals_cols[] = {
	"time", "sensor", "packets", "bytes", "?malformed", "?non_ip", "?overflow",
	"?tagged", "?seconds",
};
enum { T_PACKETS, T_BYTES, T_MALFORMED, T_NON_IP, T_OVERFLOW, T_TAGGED, T_N };

struct totals_row {
	int id;
	bool with_seconds;
	bool scope;		/* of --group: the fleet's sums count it too */
};

static void totals_day(struct row_reader *r, const void *row, int day, uint64_t in,
		       const uint64_t *v)
{
	const struct totals_row *tr = row;
	struct report_stats *st = r->st;
	int di = stats_day_index(st, day);

	if (tr->scope && day >= st->long_from && day <= st->long_to)
		st->long_seen[day - st->long_from] = true;
	if (di >= 0) {
		struct sensor_stats *s = st->sensors[tr->id];
		struct day_totals *d = &st->day[di];

		s->rows_day[di]++;
		if (tr->with_seconds)
			s->cover_day[di] += (uint32_t)in;
		else
			s->plain_day[di]++;
		s->packets += v[T_PACKETS];
		s->bytes += v[T_BYTES];
		s->packets_day[di] += v[T_PACKETS];
		if (!tr->scope)
			return;
		d->rows++;
		d->packets += v[T_PACKETS];
		d->bytes += v[T_BYTES];
		d->malformed += v[T_MALFORMED];
		d->non_ip += v[T_NON_IP];
		d->overflow += v[T_OVERFLOW];
		d->tagged += v[T_TAGGED];
	} else if (tr->scope && in_prev(st, day)) {
		st->prev.packets += v[T_PACKETS];
		st->prev.bytes += v[T_BYTES];
	}
}

static enum row_verdict on_totals(void *ctx, char **f, const int *col)
{
	struct row_reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	const char *sensor = row_text(r, 0, f[col[1]]);
	struct totals_row row = { .id = -1, .with_seconds = col[8] >= 0 };
	uint64_t v[T_N], seconds;
	enum row_verdict bad;
	struct row_days days;
	long seen;

	bad = worse(field_u64(f[col[2]], &v[T_PACKETS]), field_u64(f[col[3]], &v[T_BYTES]));
	for (int i = T_MALFORMED; i < T_N; i++)
		bad = worse(bad, opt_u64(f, col[i + 2], &v[i]));
	bad = worse(bad, opt_u64(f, col[8], &seconds));
	if (bad == ROW_OK && row.with_seconds && (seconds < 1 || seconds > UINT32_MAX))
		bad = ROW_RANGE;
	if (t < 0 || !*sensor)
		bad = ROW_BAD;
	if (bad != ROW_OK)
		return bad;
	seen = marks_totals_row(&st->marks, r->dir, sensor, t);
	if (seen >= 0) {
		marks_add(&st->marks, r->dir, sensor, t,
			  (size_t)seen == r->dir ? MARK_DUP_HERE : MARK_DUP_ELSEWHERE, 0);
		return ROW_DUP;
	}
	days = row_days(st, t, seconds);
	if (days.last > days.first)
		marks_add(&st->marks, r->dir, sensor, t, MARK_SPAN, (uint32_t)seconds);
	if (days.period) {
		row.id = stats_sensor_id(st, sensor);
		if (row.id < 0)
			return ROW_BAD;
	}
	row.scope = row_in_scope(r, sensor);
	if ((days.period || days.prev) && !sums_fit(st->sums[S_TOTALS], v, T_N))
		return ROW_SUM;
	if (days.period) {
		struct sensor_stats *s = st->sensors[row.id];

		note_spacing(s, t, (uint32_t)seconds);
		s->rows++;
		if (row.with_seconds)
			s->cover_secs += seconds;
		else
			s->plain_rows++;
		st->tagged_seen |= col[7] >= 0;
	}
	if (days.prev && row.scope) {
		st->prev.rows++;
		st->prev_seen = true;
	}
	each_day(r, t, seconds, &days, v, T_N, totals_day, &row);
	return ROW_OK;
}

static const char *const ports_cols[] = {
	"time", "sensor", "proto", "port", "packets", "?mirai", "?bytes",
};
enum { P_PACKETS, P_MIRAI, P_BYTES, P_N };

struct ports_row {
	int id, proto, focus;
	uint64_t port;
	bool scope;		/* of --group: the fleet's sums count it too */
};

static void ports_day(struct row_reader *r, const void *row, int day, uint64_t in,
		      const uint64_t *v)
{
	const struct ports_row *pr = row;
	struct report_stats *st = r->st;
	int di = stats_day_index(st, day);

	(void)in;
	if (di >= 0)
		counters_get(&st->ports, rkey(K_SENSOR_PORT_DAY, (unsigned)pr->id, (unsigned)pr->proto,
					      (unsigned)pr->port, (unsigned)di))[0] += v[P_PACKETS];
	if (!pr->scope)
		return;
	if (pr->focus >= 0 && day >= st->long_from && day <= st->long_to)
		st->long_port[pr->focus][day - st->long_from] += v[P_PACKETS];
	if (di >= 0) {
		uint64_t *c = counters_get(&st->ports, rkey(K_PORT_DAY, ALL_SENSORS, (unsigned)pr->proto,
							    (unsigned)pr->port, (unsigned)di));

		c[0] += v[P_PACKETS];
		c[1] += v[P_MIRAI];
		c[2] += v[P_BYTES];
	} else if (in_prev(st, day)) {
		counters_get(&st->ports, rkey(K_PORT_PREV, ALL_SENSORS, (unsigned)pr->proto,
					      (unsigned)pr->port, 0))[0] += v[P_PACKETS];
	}
}

static enum row_verdict on_ports(void *ctx, char **f, const int *col)
{
	struct row_reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	const char *sensor = row_text(r, 0, f[col[1]]);
	struct ports_row row = { .id = -1, .proto = proto_parse(f[col[2]]) };
	uint64_t v[P_N], seconds;
	struct row_days days;
	enum row_verdict bad;

	bad = worse(port_field(f[col[3]], &row.port), field_u64(f[col[4]], &v[P_PACKETS]));
	bad = worse(bad, opt_u64(f, col[5], &v[P_MIRAI]));
	bad = worse(bad, opt_u64(f, col[6], &v[P_BYTES]));
	if (t < 0 || row.proto < 0)
		bad = ROW_BAD;
	if (bad != ROW_OK || (bad = filter_row(r, sensor, t, &seconds, &days)) != ROW_OK)
		return bad;
	row.focus = focus_port(st->opts, row.proto, (int)row.port);
	row.scope = row_in_scope(r, sensor);
	if (days.period) {
		row.id = stats_sensor_id(st, sensor);
		if (row.id < 0)
			return ROW_BAD;
	}
	if ((days.period || days.prev || (row.focus >= 0 && days.long_range)) &&
	    !sums_fit(st->sums[S_PORTS], v, P_N))
		return ROW_SUM;
	each_day(r, t, seconds, &days, v, P_N, ports_day, &row);
	return ROW_OK;
}

static const char *const countries_cols[] = {
	"time", "sensor", "country", "packets", "sources",
};
enum { C_PACKETS, C_SOURCES, C_N };

static void countries_day(struct row_reader *r, const void *row, int day, uint64_t in,
			  const uint64_t *v)
{
	struct report_stats *st = r->st;
	int cc = *(const int *)row, di = stats_day_index(st, day);

	(void)in;
	if (di >= 0) {
		st->country_packets[(size_t)di * CC_SLOTS + cc] += v[C_PACKETS];
		st->country_sources[(size_t)di * CC_SLOTS + cc] += v[C_SOURCES];
	} else if (in_prev(st, day)) {
		st->country_prev[cc] += v[C_PACKETS];
	}
}

static enum row_verdict on_countries(void *ctx, char **f, const int *col)
{
	struct row_reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	int cc = cc_slot(f[col[2]]);
	uint64_t v[C_N], seconds;
	const char *sensor;
	struct row_days days;
	enum row_verdict bad;

	bad = worse(field_u64(f[col[3]], &v[C_PACKETS]), field_u64(f[col[4]], &v[C_SOURCES]));
	if (t < 0 || cc < 0)
		bad = ROW_BAD;
	sensor = row_text(r, 0, f[col[1]]);
	if (bad != ROW_OK || (bad = filter_row(r, sensor, t, &seconds, &days)) != ROW_OK)
		return bad;
	if (!row_in_scope(r, sensor))
		return ROW_OK;	/* --group: only the fleet's tables read this series */
	if ((days.period || days.prev) && !sums_fit(st->sums[S_COUNTRIES], v, C_N))
		return ROW_SUM;
	each_day(r, t, seconds, &days, v, C_N, countries_day, &cc);
	return ROW_OK;
}

static const char *const port_countries_cols[] = {
	"time", "sensor", "proto", "port", "country", "packets", "?mirai",
};
enum { X_PACKETS, X_MIRAI, X_N };

struct cross_row {
	int proto, cc, focus;
	uint64_t port;
};

static void port_countries_day(struct row_reader *r, const void *row, int day, uint64_t in,
			       const uint64_t *v)
{
	const struct cross_row *x = row;
	struct report_stats *st = r->st;
	int di = stats_day_index(st, day);

	(void)in;
	if (di < 0)
		return;
	for (int i = 0; i < st->nfocus; i++) {
		uint64_t *c;

		if (x->cc != st->focus[i])
			continue;
		c = counters_get(&st->cross, rkey(K_PORT_FOCUS, (unsigned)i, (unsigned)x->proto,
						  (unsigned)x->port, 0));
		c[0] += v[X_PACKETS];
		c[1] += v[X_MIRAI];
		c = counters_get(&st->cross, rkey(K_PORT_FOCUS_DAY, (unsigned)i, (unsigned)x->proto,
						  (unsigned)x->port, (unsigned)di));
		c[0] += v[X_PACKETS];
		c[1] += v[X_MIRAI];
	}
	if (x->focus >= 0)
		counters_get(&st->cross, rkey(K_PORT_COUNTRY_DAY, (unsigned)x->focus, 0,
					      (unsigned)x->cc, (unsigned)di))[0] += v[X_PACKETS];
}

static enum row_verdict on_port_countries(void *ctx, char **f, const int *col)
{
	struct row_reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	struct cross_row row = { .proto = proto_parse(f[col[2]]), .cc = cc_slot(f[col[4]]) };
	uint64_t v[X_N], seconds;
	const char *sensor;
	struct row_days days;
	enum row_verdict bad;

	bad = worse(port_field(f[col[3]], &row.port), field_u64(f[col[5]], &v[X_PACKETS]));
	bad = worse(bad, opt_u64(f, col[6], &v[X_MIRAI]));
	if (t < 0 || row.cc < 0 || row.proto < 0)
		bad = ROW_BAD;
	sensor = row_text(r, 0, f[col[1]]);
	if (bad != ROW_OK || (bad = filter_row(r, sensor, t, &seconds, &days)) != ROW_OK)
		return bad;
	if (!row_in_scope(r, sensor))
		return ROW_OK;	/* --group: only the fleet's tables read this series */
	if (!days.period)
		return ROW_OK;
	if (!sums_fit(st->sums[S_PORT_COUNTRIES], v, X_N))
		return ROW_SUM;
	row.focus = focus_port(st->opts, row.proto, (int)row.port);
	each_day(r, t, seconds, &days, v, X_N, port_countries_day, &row);
	return ROW_OK;
}

static const char *const backscatter_cols[] = {
	"time", "sensor", "src_ip", "country", "?asn", "proto", "src_port", "packets",
	"?as_org",
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

struct bs_row {
	struct bs_source *b;
	size_t port;		/* index into b->ports */
};

static void backscatter_day(struct row_reader *r, const void *row, int day, uint64_t in,
			    const uint64_t *v)
{
	const struct bs_row *br = row;
	struct report_stats *st = r->st;
	int di = stats_day_index(st, day);

	(void)in;
	if (di < 0)
		return;
	br->b->packets += v[0];
	br->b->days[di / 8] |= (uint8_t)(1u << (di % 8));
	br->b->ports[br->port].packets += v[0];
	st->bs_packets += v[0];
}

static enum row_verdict on_backscatter(void *ctx, char **f, const int *col)
{
	struct row_reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	int cc = cc_slot(f[col[3]]), proto = proto_parse(f[col[5]]);
	uint64_t asn, port = 0, packets = 0, seconds;
	const char *sensor;
	struct row_days days;
	enum row_verdict bad;
	struct bs_row row;
	bool created;
	size_t i;

	bad = worse(port_field(f[col[6]], &port), field_u64(f[col[7]], &packets));
	bad = worse(bad, opt_u64(f, col[4], &asn));
	if (t < 0 || cc < 0 || !*f[col[2]] || proto < 0)
		bad = ROW_BAD;
	sensor = row_text(r, 0, f[col[1]]);
	if (bad != ROW_OK || (bad = filter_row(r, sensor, t, &seconds, &days)) != ROW_OK)
		return bad;
	if (!row_in_scope(r, sensor))
		return ROW_OK;	/* --group: only the fleet's tables read this series */
	if (!days.period)
		return ROW_OK;
	if (!sums_fit(st->sums[S_BACKSCATTER], &packets, 1))
		return ROW_SUM;
	row.b = bs_source(st, row_text(r, 0, f[col[2]]), &created);
	if (created) {
		row.b->country = cc;
		row.b->asn = asn;
		row.b->as_org = intern_org(st, col[8] >= 0 ? row_text(r, 1, f[col[8]]) : "");
	}
	for (i = 0; i < row.b->nports; i++)
		if (row.b->ports[i].port == port && row.b->ports[i].proto == proto)
			break;
	if (i == row.b->nports) {
		row.b->ports = xrealloc(row.b->ports, (row.b->nports + 1) * sizeof(*row.b->ports));
		row.b->ports[row.b->nports++] = (struct bs_port){ (uint8_t)proto, (uint16_t)port, 0 };
	}
	row.port = i;
	each_day(r, t, seconds, &days, &packets, 1, backscatter_day, &row);
	return ROW_OK;
}

static const char *const tags_cols[] = {
	"time", "sensor", "tag", "proto", "port", "country", "packets", "sources",
};
enum { G_PACKETS, G_SOURCES, G_N };

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

struct tag_row {
	int id, proto, cc;
	uint64_t port;
};

static void tags_day(struct row_reader *r, const void *row, int day, uint64_t in,
		     const uint64_t *v)
{
	const struct tag_row *g = row;
	struct report_stats *st = r->st;
	struct tag_stats *tg = st->tags[g->id];
	int di = stats_day_index(st, day);
	uint64_t *c;

	(void)in;
	if (di < 0)
		return;
	tg->packets += v[G_PACKETS];
	tg->sources += v[G_SOURCES];
	tg->packets_day[di] += v[G_PACKETS];
	c = counters_get(&st->tag_cross, rkey(K_TAG_PORT, (unsigned)g->id, (unsigned)g->proto,
					      (unsigned)g->port, 0));
	c[0] += v[G_PACKETS];
	c[1] += v[G_SOURCES];
	c = counters_get(&st->tag_cross, rkey(K_TAG_COUNTRY, (unsigned)g->id, 0, (unsigned)g->cc, 0));
	c[0] += v[G_PACKETS];
	c[1] += v[G_SOURCES];
}

static enum row_verdict on_tags(void *ctx, char **f, const int *col)
{
	struct row_reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	const char *name = f[col[2]];
	struct tag_row row = { .proto = proto_parse(f[col[3]]), .cc = cc_slot(f[col[5]]) };
	uint64_t v[G_N], seconds;
	const char *sensor;
	struct row_days days;
	enum row_verdict bad;

	bad = worse(port_field(f[col[4]], &row.port), field_u64(f[col[6]], &v[G_PACKETS]));
	bad = worse(bad, field_u64(f[col[7]], &v[G_SOURCES]));
	if (t < 0 || !*name || row.cc < 0 || row.proto < 0)
		bad = ROW_BAD;
	sensor = row_text(r, 0, f[col[1]]);
	if (bad != ROW_OK || (bad = filter_row(r, sensor, t, &seconds, &days)) != ROW_OK)
		return bad;
	if (!row_in_scope(r, sensor))
		return ROW_OK;	/* --group: only the fleet's tables read this series */
	if (!days.period)
		return ROW_OK;
	if (!sums_fit(st->sums[S_TAGS], v, G_N))
		return ROW_SUM;
	row.id = tag_id(st, row_text(r, 1, name));
	if (row.id < 0) {
		st->sums[S_TAGS][G_PACKETS] -= v[G_PACKETS];	/* not counted after all */
		st->sums[S_TAGS][G_SOURCES] -= v[G_SOURCES];
		return ROW_BAD;
	}
	each_day(r, t, seconds, &days, v, G_N, tags_day, &row);
	return ROW_OK;
}

#define SERIES(k, c, f) { k, c, sizeof(c) / sizeof(c[0]), f }

/* Totals first: they mark each directory's duplicates and spans. */
const struct series_handler tally_thread_a[] = {
	SERIES(S_TOTALS, totals_cols, on_totals),
	SERIES(S_PORTS, ports_cols, on_ports),
};

const struct series_handler tally_thread_b[] = {
	SERIES(S_COUNTRIES, countries_cols, on_countries),
	SERIES(S_PORT_COUNTRIES, port_countries_cols, on_port_countries),
	SERIES(S_BACKSCATTER, backscatter_cols, on_backscatter),
	SERIES(S_TAGS, tags_cols, on_tags),
};

const int tally_thread_a_n = sizeof(tally_thread_a) / sizeof(tally_thread_a[0]);
const int tally_thread_b_n = sizeof(tally_thread_b) / sizeof(tally_thread_b[0]);
