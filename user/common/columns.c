// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/number.h"
#include "lib/strbuf.h"
#include "common/calendar.h"
#include "common/columns.h"

const struct col_type_info col_types[CT_COUNT_TYPES] = {
	[CT_TIME] = { "time", "int64_t (Unix seconds)", "timestamptz", "timestamptz", 0,
		      "YYYY-MM-DDTHH:MM:SSZ (UTC)" },
	[CT_SENSOR] = { "sensor", "const char * (the name)", "smallint", "smallint", 2,
			"text (the database keeps the id of the name in telescope.sensor)" },
	[CT_COUNT] = { "count", "uint64_t", "telescope.count", "numeric", 0,
		       "a whole number from 0 to 2^64 - 1" },
	[CT_SECONDS] = { "seconds", "uint32_t", "bigint", "bigint", 1,
			 "a whole number from 1 to 2^32 - 1" },
	[CT_PORT] = { "port", "uint16_t", "integer", "integer", 1, "0 to 65535" },
	[CT_PROTO] = { "proto", "uint8_t", "smallint", "smallint", 2,
		       "tcp, udp, icmp, icmpv6 or the protocol number 0-255 (the database: the number)" },
	[CT_COUNTRY] = { "country", "char[3]", "text", "text", 3, "two capital letters" },
	[CT_IP] = { "ip", "an IPv4 or IPv6 address", "inet", "inet", 3,
		    "an IPv4 or IPv6 address" },
	[CT_WORD] = { "word", "const char *", "text", "text", 3,
		      "letters, digits and _ (at most 64)" },
	[CT_TEXT] = { "text", "const char *", "text", "text", 3,
		      "UTF-8 text, quoted as RFC 4180 wants, a leading =, +, -, @, tab or CR "
		      "after an apostrophe" },
};

const char *const col_role_name[CR_COUNT_ROLES] = {
	[CR_KEY] = "key",
	[CR_ATTR] = "attribute",
	[CR_SUM] = "sum",
	[CR_DISTINCT_MAX] = "distinct_max",
	[CR_DISTINCT_SUM] = "distinct_sum",
};

/* Every series begins with these two. */
#define TIME { "time", CT_TIME, CR_KEY, false, "start of the interval, UTC" }
#define SENSOR { "sensor", CT_SENSOR, CR_KEY, false, "the sensor's --sensor name" }
#define SUM(n, opt, m) { n, CT_COUNT, CR_SUM, opt, m }
#define PACKETS SUM("packets", false, "IP packets")
#define PROTO { "proto", CT_PROTO, CR_KEY, false, "IP protocol" }
#define PORT { "port", CT_PORT, CR_KEY, false, "destination port (ICMP: the type)" }
#define COUNTRY(role) { "country", CT_COUNTRY, role, false, \
			"the source's country (ISO 3166-1 alpha-2; ZZ: unknown)" }
#define SRC_IP { "src_ip", CT_IP, CR_KEY, false, "the source address" }
#define ASN { "asn", CT_COUNT, CR_ATTR, true, "the source's AS number (0: unknown)" }
#define AS_ORG { "as_org", CT_TEXT, CR_ATTR, true, "the source's AS organisation" }
#define SOURCES(role, opt) { "sources", CT_COUNT, role, opt, \
			     "distinct source addresses of the interval and key" }
#define MIRAI SUM("mirai", true, "Mirai-type packets")

static const struct column totals[] = {
	TIME, SENSOR,
	SUM("packets", false, "every IP packet of the interval"),
	SUM("bytes", false, "their IP lengths, summed"),
	SOURCES(CR_DISTINCT_MAX, true),
	SUM("malformed", true, "IP packets too broken to classify"),
	SUM("non_ip", true, "frames that are not IPv4 or IPv6"),
	SUM("overflow", true, "IP packets whose (source, protocol, port) did not fit the flow map"),
	SUM("fragments", true, "non-first IP fragments"),
	MIRAI,
	SUM("backscatter", true, "packets of a backscatter kind"),
	SUM("bs_overflow", true, "backscatter packets whose key did not fit its map"),
	SUM("quote_mismatch", true, "ICMP errors quoting a packet not sent to that address"),
	SUM("tagged", true, "IP packets with at least one tag"),
	SUM("tag_overflow", true, "tagged packets whose key did not fit the tagged map"),
	{ "seconds", CT_SECONDS, CR_SUM, true, "the time the row (and its interval) counts" },
};

static const struct column ports[] = {
	TIME, SENSOR, PROTO, PORT, PACKETS,
	SUM("bytes", true, "their IP lengths, summed"),
	SOURCES(CR_DISTINCT_MAX, true),
	MIRAI,
#ifdef TS_SCHEMA_TEST_COLUMN
	/* a scratch build's column (tests/fleet/schema_column.sh): no
	 * writer offers it, so it is written empty, the proof that a column
	 * needs the schema alone to reach the files and the database */
	{ TS_SCHEMA_TEST_COLUMN, CT_TEXT, CR_ATTR, true, "a test build's column" },
#endif
};

static const struct column countries[] = {
	TIME, SENSOR, COUNTRY(CR_KEY), PACKETS, SOURCES(CR_DISTINCT_SUM, false),
};

static const struct column port_countries[] = {
	TIME, SENSOR, PROTO, PORT, COUNTRY(CR_KEY), PACKETS, SOURCES(CR_DISTINCT_MAX, true), MIRAI,
};

static const struct column sources[] = {
	TIME, SENSOR, SRC_IP, COUNTRY(CR_ATTR), ASN, PACKETS,
	SUM("bytes", true, "their IP lengths, summed"), AS_ORG,
};

static const struct column backscatter[] = {
	TIME, SENSOR, SRC_IP, COUNTRY(CR_ATTR), ASN, PROTO,
	{ "src_port", CT_PORT, CR_KEY, false, "the source port (ICMP: the type)" },
	{ "kind", CT_WORD, CR_KEY, false, "what answer it is (docs/csv.md: the kinds)" },
	PACKETS, AS_ORG,
};

static const struct column tags[] = {
	TIME, SENSOR,
	{ "tag", CT_TEXT, CR_KEY, false, "a built-in fingerprint, a rule's or a list's tag" },
	PROTO, PORT, COUNTRY(CR_KEY), PACKETS, SOURCES(CR_DISTINCT_SUM, false),
};

#define COLUMNS(a, span) { a, sizeof(a) / sizeof(a[0]), span }

const struct series_columns series_columns[S_COUNT] = {
	[S_TOTALS] = COLUMNS(totals, true),
	[S_PORTS] = COLUMNS(ports, false),
	[S_COUNTRIES] = COLUMNS(countries, false),
	[S_PORT_COUNTRIES] = COLUMNS(port_countries, false),
	[S_SOURCES] = COLUMNS(sources, false),
	[S_BACKSCATTER] = COLUMNS(backscatter, false),
	[S_TAGS] = COLUMNS(tags, false),
};

const char *series_header[S_COUNT];

/* Before main: every program writes or checks a header, and no thread is
 * running yet to race for them. */
__attribute__((constructor)) static void headers_make(void)
{
	for (int s = 0; s < S_COUNT; s++) {
		const struct series_columns *sc = &series_columns[s];
		struct strbuf sb;

		sb_init(&sb);
		for (int c = 0; c < sc->ncols; c++) {
			if (c)
				sb_puts(&sb, ",");
			sb_puts(&sb, sc->cols[c].name);
		}
		series_header[s] = sb.buf;
	}
}

int series_column(enum series s, const char *name)
{
	for (int c = 0; c < series_columns[s].ncols; c++)
		if (!strcmp(series_columns[s].cols[c].name, name))
			return c;
	return -1;
}

/* Where v1.sql put a column: by width (col_types[].layout), and among the
 * 8-byte ones the time, then the values, then an attribute (asn). */
static int table_rank(const struct column *col)
{
	int layout = col_types[col->type].layout;

	if (layout)
		return 2 + layout;
	return col->type == CT_TIME ? 0 : col->role == CR_ATTR ? 2 : 1;
}

void series_table_order(enum series s, int order[SERIES_MAX_COLS])
{
	const struct series_columns *sc = &series_columns[s];
	int k = 0;

	for (int rank = 0; rank <= 5; rank++)
		for (int c = 0; c < sc->ncols; c++)
			if (table_rank(&sc->cols[c]) == rank)
				order[k++] = c;
}

/* A decimal number (digits only) from min to max, read as the report
 * reads a count (lib/number.h). */
static bool whole(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	return parse_u64_field(s, v) == NUM_OK && *v >= min && *v <= max;
}

static bool word(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	return n && n <= 64 && !s[n];
}

bool col_parse(const struct column *col, const char *s, struct col_value *v, char *why,
	       size_t len)
{
	unsigned char addr[16];
	int64_t t;
	int proto;

	v->u = 0;
	v->s = s;
	switch (col->type) {
	case CT_TIME:
		t = parse_time(s);
		if (t < 0) {
			snprintf(why, len, "%s '%.40s' is not YYYY-MM-DDTHH:MM:SSZ", col->name, s);
			return false;
		}
		v->u = (uint64_t)t;
		return true;
	case CT_COUNT:
		if (!whole(s, 0, UINT64_MAX, &v->u)) {
			snprintf(why, len, "%s '%.40s' is not a whole number from 0 to 2^64 - 1",
				 col->name, s);
			return false;
		}
		return true;
	case CT_SECONDS:
	case CT_PORT:
		if (!whole(s, col->type == CT_PORT ? 0 : 1,
			   col->type == CT_PORT ? 65535 : UINT32_MAX, &v->u)) {
			snprintf(why, len, "%s '%.40s' is not a whole number from %s", col->name, s,
				 col->type == CT_PORT ? "0 to 65535" : "1 to 2^32 - 1");
			return false;
		}
		return true;
	case CT_PROTO:
		proto = proto_parse(s);
		if (proto < 0) {
			snprintf(why, len, "%s '%.40s' is no protocol name or number", col->name, s);
			return false;
		}
		v->u = (uint64_t)proto;
		return true;
	case CT_COUNTRY:
		if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
			snprintf(why, len, "%s '%.40s' is not two capital letters", col->name, s);
			return false;
		}
		return true;
	case CT_IP:
		if (inet_pton(AF_INET, s, addr) != 1 && inet_pton(AF_INET6, s, addr) != 1) {
			snprintf(why, len, "%s '%.60s' is no IPv4 or IPv6 address", col->name, s);
			return false;
		}
		return true;
	case CT_WORD:
		if (!word(s)) {
			snprintf(why, len, "%s '%.40s' is not a name of letters, digits and _",
				 col->name, s);
			return false;
		}
		return true;
	case CT_SENSOR:
	case CT_TEXT:
		return true;
	}
	return false;
}

/* A writer and the schema that disagree is a defect of this program, found
 * by the first row it writes: said, and stopped. */
static void layout_defect(enum series s, const char *what, const char *name)
{
	fprintf(stderr, "xdp-telescope: internal error: %s.csv: %s '%s'\n", series_name[s], what,
		name);
	abort();
}

void series_layout(struct series_layout *l, enum series s, const char *const *names, int n)
{
	const struct series_columns *sc = &series_columns[s];

	l->series = s;
	for (int c = 0; c < sc->ncols; c++)
		l->from[c] = -1;
	for (int i = 0; i < n; i++) {
		int c = series_column(s, names[i]);

		if (c >= 0)
			l->from[c] = i;
	}
	/* only text may be empty in a row (docs/csv.md): a count must be
	 * there, or its column not in the file */
	for (int c = 0; c < sc->ncols; c++)
		if (l->from[c] < 0 && (!sc->cols[c].optional || sc->cols[c].type != CT_TEXT))
			layout_defect(s, "no value for the column", sc->cols[c].name);
}

void series_write_row(struct csv_row *r, struct strbuf *sb, const struct series_layout *l,
		      const struct col_value *values)
{
	const struct series_columns *sc = &series_columns[l->series];
	char pbuf[4];

	csv_begin(r, sb);
	for (int c = 0; c < sc->ncols; c++) {
		const struct col_value *v;

		if (l->from[c] < 0) {
			csv_raw(r, "");
			continue;
		}
		v = &values[l->from[c]];
		switch (sc->cols[c].type) {
		case CT_COUNT:
		case CT_SECONDS:
		case CT_PORT:
			csv_u64(r, v->u);
			break;
		case CT_PROTO:
			csv_raw(r, proto_name((uint8_t)v->u, pbuf));
			break;
		case CT_SENSOR:
		case CT_TEXT:
			csv_text(r, v->s ? v->s : "");
			break;
		case CT_TIME:
		case CT_COUNTRY:
		case CT_IP:
		case CT_WORD:
			csv_raw(r, v->s ? v->s : "");
			break;
		}
	}
	csv_end(r);
}
