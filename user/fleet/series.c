// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "fleet/series.h"

#define T(n) { n, FT_TIME, false }
#define S { "sensor", FT_SENSOR, false }
#define C(n) { n, FT_COUNT, false }
#define OC(n) { n, FT_COUNT, true }

/* Table order, as in sql/v1.sql: wide columns first (sql/v4.sql changed
 * their types, not their order). */
static const struct fleet_col totals[] = {
	T("time"), C("packets"), C("bytes"), OC("sources"), OC("malformed"), OC("non_ip"),
	OC("overflow"), OC("fragments"), OC("mirai"), OC("backscatter"), OC("bs_overflow"),
	OC("quote_mismatch"), OC("tagged"), OC("tag_overflow"),
	{ "seconds", FT_SECONDS, true }, S,
};

static const struct fleet_col ports[] = {
	T("time"), C("packets"), OC("bytes"), OC("sources"), OC("mirai"),
	{ "port", FT_PORT, false }, S, { "proto", FT_PROTO, false },
};

static const struct fleet_col countries[] = {
	T("time"), C("packets"), C("sources"), S, { "country", FT_COUNTRY, false },
};

static const struct fleet_col port_countries[] = {
	T("time"), C("packets"), OC("sources"), OC("mirai"), { "port", FT_PORT, false }, S,
	{ "proto", FT_PROTO, false }, { "country", FT_COUNTRY, false },
};

static const struct fleet_col sources[] = {
	T("time"), C("packets"), OC("bytes"), OC("asn"), S, { "src_ip", FT_IP, false },
	{ "country", FT_COUNTRY, false }, { "as_org", FT_TEXT, true },
};

static const struct fleet_col backscatter[] = {
	T("time"), C("packets"), OC("asn"), { "src_port", FT_PORT, false }, S,
	{ "proto", FT_PROTO, false }, { "src_ip", FT_IP, false },
	{ "country", FT_COUNTRY, false }, { "kind", FT_WORD, false },
	{ "as_org", FT_TEXT, true },
};

static const struct fleet_col tags[] = {
	T("time"), C("packets"), C("sources"), { "port", FT_PORT, false }, S,
	{ "proto", FT_PROTO, false }, { "tag", FT_TEXT, false },
	{ "country", FT_COUNTRY, false },
};

#define SERIES(a) { a, sizeof(a) / sizeof(a[0]) }

const struct fleet_series fleet_series[S_COUNT] = {
	[S_TOTALS] = SERIES(totals),
	[S_PORTS] = SERIES(ports),
	[S_COUNTRIES] = SERIES(countries),
	[S_PORT_COUNTRIES] = SERIES(port_countries),
	[S_SOURCES] = SERIES(sources),
	[S_BACKSCATTER] = SERIES(backscatter),
	[S_TAGS] = SERIES(tags),
};

const char *fleet_sql_type(enum fcol_type t)
{
	switch (t) {
	case FT_TIME:
		return "timestamptz";
	case FT_SENSOR:
	case FT_PROTO:
		return "smallint";
	case FT_COUNT:
		return "numeric";
	case FT_SECONDS:
		return "bigint";
	case FT_PORT:
		return "integer";
	case FT_IP:
		return "inet";
	case FT_COUNTRY:
	case FT_WORD:
	case FT_TEXT:
		break;
	}
	return "text";
}
