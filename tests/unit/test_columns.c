// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* common/columns.c: the one table of every series' columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "common/columns.h"

/* The headers as contract.c spelled them before the table made them:
 * every file ever written starts with one of these. */
static const char *const headers_before[S_COUNT] = {
	[S_TOTALS] = "time,sensor,packets,bytes,sources,malformed,non_ip,overflow,"
		     "fragments,mirai,backscatter,bs_overflow,quote_mismatch,tagged,"
		     "tag_overflow,seconds",
	[S_PORTS] = "time,sensor,proto,port,packets,bytes,sources,mirai",
	[S_COUNTRIES] = "time,sensor,country,packets,sources",
	[S_PORT_COUNTRIES] = "time,sensor,proto,port,country,packets,sources,mirai",
	[S_SOURCES] = "time,sensor,src_ip,country,asn,packets,bytes,as_org",
	[S_BACKSCATTER] = "time,sensor,src_ip,country,asn,proto,src_port,kind,packets,as_org",
	[S_TAGS] = "time,sensor,tag,proto,port,country,packets,sources",
};

static void test_headers(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++)
		assert_string_equal(series_header[s], headers_before[s]);
}

/* The minute tables of user/fleet/sql/v1.sql, column by column in their
 * order: what series_table_order() must say (later versions changed
 * types, not columns). */
static void test_table_order(void **state)
{
	FILE *f = fopen("user/fleet/sql/v1.sql", "r");
	char line[256], table[64], got[512], want[512];
	int s = -1, seen = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[64];

		if (sscanf(line, "CREATE TABLE telescope.%63[a-z_] (", table) == 1) {
			s = -1;
			for (int i = 0; i < S_COUNT; i++)
				if (!strcmp(table, series_name[i]))
					s = i;
			want[0] = '\0';
			continue;
		}
		if (s < 0)
			continue;
		if (line[0] == ')') {
			int order[SERIES_MAX_COLS];

			series_table_order((enum series)s, order);
			got[0] = '\0';
			for (int k = 0; k < series_columns[s].ncols; k++)
				snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ",
					 series_columns[s].cols[order[k]].name);
			assert_string_equal(got, want);
			seen++;
			s = -1;
		} else if (sscanf(line, "\t%63[a-z_] ", name) == 1 && strcmp(name, "PRIMARY")) {
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s ", name);
		}
	}
	fclose(f);
	assert_int_equal(seen, S_COUNT);
}

static void test_write_row(void **state)
{
	static const char *const names[] = { "port", "time", "sensor", "proto", "packets",
					     "sources", "mirai", "bytes" };
	struct col_value v[8] = {
		{ .u = 23 }, { .s = "2026-01-01T00:00:00Z" }, { .s = "=tokyo" }, { .u = 6 },
		{ .u = 5 }, { .u = 2 }, { .u = 1 }, { .u = 300 },
	};
	struct series_layout l;
	struct strbuf sb;
	struct csv_row r;

	(void)state;
	sb_init(&sb);
	series_layout(&l, S_PORTS, names, 8);
	series_write_row(&r, &sb, &l, v);
	/* the file's order, the names' forms: a protocol's name, the guard */
	assert_string_equal(sb.buf, "2026-01-01T00:00:00Z,'=tokyo,tcp,23,5,300,2,1\n");
	/* what a writer offers and the series has no column for is not
	 * written (countries.csv has no port) */
	static const char *const cc_names[] = { "port", "time", "sensor", "country", "packets",
						"sources" };
	struct col_value cc[6] = { { .u = 23 }, v[1], v[2], { .s = "ZZ" }, v[4], v[5] };

	sb.len = 0;
	series_layout(&l, S_COUNTRIES, cc_names, 6);
	series_write_row(&r, &sb, &l, cc);
	assert_string_equal(sb.buf, "2026-01-01T00:00:00Z,'=tokyo,ZZ,5,2\n");
	sb_free(&sb);
}

/* The strict reading of each type: the ranges docs/csv.md gives. */
static const char *parsed(enum series s, const char *name, const char *field)
{
	static char out[200];
	struct col_value v;
	char why[160];

	if (!col_parse(&series_columns[s].cols[series_column(s, name)], field, &v, why,
		       sizeof(why)))
		snprintf(out, sizeof(out), "!%s", why);
	else
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v.u);
	return out;
}

static void test_parse(void **state)
{
	(void)state;
	assert_string_equal(parsed(S_PORTS, "packets", "18446744073709551615"),
			    "18446744073709551615");
	assert_string_equal(parsed(S_PORTS, "packets", "18446744073709551616"),
			    "!packets '18446744073709551616' is not a whole number from 0 to 2^64 - 1");
	assert_string_equal(parsed(S_PORTS, "packets", ""),
			    "!packets '' is not a whole number from 0 to 2^64 - 1");
	assert_string_equal(parsed(S_TOTALS, "seconds", "4294967295"), "4294967295");
	assert_string_equal(parsed(S_TOTALS, "seconds", "0"),
			    "!seconds '0' is not a whole number from 1 to 2^32 - 1");
	assert_string_equal(parsed(S_PORTS, "port", "65536"),
			    "!port '65536' is not a whole number from 0 to 65535");
	assert_string_equal(parsed(S_PORTS, "proto", "ICMPv6"), "58");
	assert_string_equal(parsed(S_PORTS, "proto", "256"),
			    "!proto '256' is no protocol name or number");
	assert_string_equal(parsed(S_PORTS, "time", "2026-01-01T00:01:00Z"), "1767225660");
	assert_string_equal(parsed(S_COUNTRIES, "country", "Zz"),
			    "!country 'Zz' is not two capital letters");
	assert_string_equal(parsed(S_SOURCES, "src_ip", "2001:db8::1"), "0");
	assert_string_equal(parsed(S_SOURCES, "src_ip", "2001:db8::g"),
			    "!src_ip '2001:db8::g' is no IPv4 or IPv6 address");
	assert_string_equal(parsed(S_BACKSCATTER, "kind", "syn-ack"),
			    "!kind 'syn-ack' is not a name of letters, digits and _");
	assert_string_equal(parsed(S_SOURCES, "as_org", "=x"), "0");
}

static void test_roles(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++) {
		const struct series_columns *sc = &series_columns[s];

		assert_true(sc->ncols <= SERIES_MAX_COLS);
		assert_int_equal(series_column((enum series)s, "time"), 0);
		assert_int_equal(series_column((enum series)s, "sensor"), 1);
		assert_int_equal(series_column((enum series)s, "packets") > 1, 1);
		assert_int_equal(series_column((enum series)s, "nonesuch"), -1);
		for (int c = 0; c < sc->ncols; c++) {
			/* a key is never missing, and never a free count */
			if (sc->cols[c].role == CR_KEY)
				assert_false(sc->cols[c].optional);
			assert_non_null(sc->cols[c].meaning);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_table_order),
		cmocka_unit_test(test_write_row),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
