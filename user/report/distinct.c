// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sources.csv: the only series with addresses of the scanners, so the only
 * one from which distinct addresses can be counted exactly (the other
 * series' `sources` are per interval, and sum to activity, not addresses).
 * Each address counts once a day (fleet and its country) and once over
 * the period (its AS). Read on a thread of its own: it touches only the
 * src_* fields of the statistics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/rowread.h"
#include "report/distinct.h"

static const char *const sources_cols[] = {
	"time", "sensor", "src_ip", "country", "?asn", "packets", "?bytes", "?as_org",
};
enum { R_PACKETS, R_BYTES, R_N };

struct src_row {
	struct src_addr *a;
};

static void sources_day(struct row_reader *r, const void *row, int day, uint64_t in,
			const uint64_t *v)
{
	const struct src_row *sr = row;
	struct report_stats *st = r->st;
	int di = stats_day_index(st, day), created;
	struct src_as *as;
	struct {
		int32_t day;
		uint32_t addr;
	} key;

	(void)in;
	if (di < 0)
		return;
	as = &st->src_as[sr->a->as];
	as->packets += v[R_PACKETS];
	key.day = di;
	key.addr = sr->a->id;
	hmap_insert(&st->src_day_addr, &key, &created);
	if (created) {	/* the address's first row of that day */
		st->src_day[di]++;
		st->src_country_day[(size_t)di * CC_SLOTS + sr->a->country]++;
	}
}

/* The address's record (its country and AS from its first row). */
static struct src_addr *src_addr(struct report_stats *st, const char *ip,
				 int cc, uint64_t asn, const char *org)
{
	int created;
	struct src_addr *a = hmap_insert(&st->src_addrs, ip, &created);

	if (!created)
		return a;
	a->id = (uint32_t)(st->src_addrs.len - 1);
	a->country = cc;
	a->as = -1;
	{
		int *id = hmap_insert(&st->src_as_ids, &asn, &created);

		if (created) {
			XGROW(st->src_as, st->cap_src_as, st->nsrc_as + 1, 64);
			st->src_as[st->nsrc_as] = (struct src_as){ .asn = asn, .org = xstrdup(org) };
			*id = (int)st->nsrc_as++;
		}
		a->as = *id;
	}
	st->src_as[a->as].addrs++;
	return a;
}

static enum row_verdict on_sources(void *ctx, char **f, const int *col)
{
	struct row_reader *r = ctx;
	struct report_stats *st = r->st;
	int64_t t = row_time(r, f[col[0]]);
	int cc = cc_slot(f[col[3]]);
	uint64_t asn = 0, v[R_N], seconds;
	const char *sensor;
	struct row_days days;
	enum row_verdict bad;
	struct src_row row;
	char ip[64];

	bad = worse(field_u64(f[col[5]], &v[R_PACKETS]), opt_u64(f, col[6], &v[R_BYTES]));
	bad = worse(bad, opt_u64(f, col[4], &asn));
	if (t < 0 || cc < 0 || !*f[col[2]])
		bad = ROW_BAD;
	sensor = row_text(r, 0, f[col[1]]);
	if (bad != ROW_OK || (bad = filter_row(r, sensor, t, &seconds, &days)) != ROW_OK)
		return bad;
	if (!row_in_scope(r, sensor))
		return ROW_OK;	/* --group: the fleet's tables alone read sources.csv */
	if (!days.period)
		return ROW_OK;
	if (!sums_fit(st->sums[S_SOURCES], v, R_N))
		return ROW_SUM;
	snprintf(ip, sizeof(ip), "%s", row_text(r, 0, f[col[2]]));
	st->sources_seen = true;
	row.a = src_addr(st, ip, cc, asn, col[7] >= 0 ? row_text(r, 1, f[col[7]]) : "");
	each_day(r, t, seconds, &days, v, R_N, sources_day, &row);
	return ROW_OK;
}

const struct series_handler distinct_sources[] = {
	{ S_SOURCES, sources_cols, sizeof(sources_cols) / sizeof(sources_cols[0]), on_sources },
};
const int distinct_sources_n = 1;
