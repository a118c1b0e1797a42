// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A CSV row of each series into COPY text for its minute table: columns
 * by header name, older files without the newer columns, and every field
 * checked, so a row the database would refuse or misread is stopped with
 * the reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "fleet/row.h"

static struct row_map map;
static const struct row_check check = { .day = 20454, .sensor = "tokyo-1", .sensor_id = "7" };

/* 2026-01-01 is day 20454 */
static void map_header(enum series s, const char *header)
{
	char line[512], why[256];

	snprintf(line, sizeof(line), "%s", header);
	assert_true(row_map_header(&map, s, line, why, sizeof(why)));
}

/* The COPY line of row, or the reason it is refused ("!reason"). */
static const char *convert(const char *row)
{
	static char result[1024];
	char line[1024], why[256];
	struct strbuf out;

	sb_init(&out);
	snprintf(line, sizeof(line), "%s", row);
	if (row_convert(&map, &check, line, &out, why, sizeof(why)))
		snprintf(result, sizeof(result), "%s", out.buf);
	else
		snprintf(result, sizeof(result), "!%s", why);
	sb_free(&out);
	return result;
}

static void test_ports(void **state)
{
	struct strbuf cols;

	(void)state;
	map_header(S_PORTS, series_header[S_PORTS]);
	sb_init(&cols);
	row_copy_columns(&map, &cols);
	/* table order, not the file's */
	assert_string_equal(cols.buf, "time, packets, bytes, sources, mirai, port, sensor, proto");
	sb_free(&cols);
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,tcp,23,5,300,2,1"),
			    "2026-01-01T00:01:00Z\t5\t300\t2\t1\t23\t7\t6\n");
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,47,0,5,300,2,0"),
			    "2026-01-01T00:01:00Z\t5\t300\t2\t0\t0\t7\t47\n");
}

static void test_refused(void **state)
{
	(void)state;
	map_header(S_PORTS, series_header[S_PORTS]);
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,tcp,70000,5,300,2,1"),
			    "!port '70000' is not a whole number from 0 to 65535");
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,tcp,23,-5,300,2,1"),
			    "!packets '-5' is not a whole number from 0 to 2^64 - 1");
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,tcp,23,18446744073709551616,300,2,1"),
			    "!packets '18446744073709551616' is not a whole number from 0 to 2^64 - 1");
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,tcp,23,1.5,300,2,1"),
			    "!packets '1.5' is not a whole number from 0 to 2^64 - 1");
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,tcp,23,5,300,2"),
			    "!7 fields, the header has 8");
	assert_string_equal(convert("2026-01-02T00:00:00Z,tokyo-1,tcp,23,5,300,2,1"),
			    "!time 2026-01-02T00:00:00Z is not in the day of its directory");
	assert_string_equal(convert("2026-01-01 00:01,tokyo-1,tcp,23,5,300,2,1"),
			    "!time '2026-01-01 00:01' is not YYYY-MM-DDTHH:MM:SSZ");
	assert_string_equal(convert("2026-01-01T00:01:00Z,osaka-1,tcp,23,5,300,2,1"),
			    "!sensor 'osaka-1' in a file of sensor 'tokyo-1'");
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,sctp,23,5,300,2,1"),
			    "!proto 'sctp' is no protocol name or number");
}

/* Every number the contract allows (docs/csv.md), as the report reads it:
 * a count up to 2^64 - 1 (sql/v4.sql: numeric), seconds from 1 to
 * 2^32 - 1 (a bigint), leading zeros as in any decimal number. */
static void test_numbers(void **state)
{
	(void)state;
	map_header(S_PORTS, series_header[S_PORTS]);
	assert_string_equal(convert("2026-01-01T00:01:00Z,tokyo-1,tcp,23,18446744073709551615,"
				    "9223372036854775808,0,0018446744073709551615"),
			    "2026-01-01T00:01:00Z\t18446744073709551615\t9223372036854775808\t0\t"
			    "0018446744073709551615\t23\t7\t6\n");
	map_header(S_TOTALS, "time,sensor,packets,bytes,seconds");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,1,2,4294967295"),
			    "2026-01-01T00:00:00Z\t1\t2\t4294967295\t7\n");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,1,2,4294967296"),
			    "!seconds '4294967296' is not a whole number from 1 to 2^32 - 1");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,1,2,0"),
			    "!seconds '0' is not a whole number from 1 to 2^32 - 1");
	map_header(S_SOURCES, series_header[S_SOURCES]);
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,198.51.100.7,NL,"
				    "18446744073709551615,1,1,x"),
			    "2026-01-01T00:00:00Z\t1\t1\t18446744073709551615\t7\t198.51.100.7\t"
			    "NL\tx\n");
}

static void test_text(void **state)
{
	(void)state;
	map_header(S_SOURCES, series_header[S_SOURCES]);
	/* CSV quotes and the formula guard undone; COPY's escape of a
	 * backslash made (a tab is a control character: a space) */
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,198.51.100.7,NL,64501,3,180,"
				    "'=Research Scanner NL"),
			    "2026-01-01T00:00:00Z\t3\t180\t64501\t7\t198.51.100.7\tNL\t"
			    "=Research Scanner NL\n");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,2001:db8::1,US,64502,1,60,"
				    "\"Example, \"\"US\"\"\tHosting\\\""),
			    "2026-01-01T00:00:00Z\t1\t60\t64502\t7\t2001:db8::1\tUS\t"
			    "Example, \"US\" Hosting\\\\\n");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,198.51.100.300,NL,1,1,1,x"),
			    "!src_ip '198.51.100.300' is no IPv4 or IPv6 address");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,198.51.100.3,nl,1,1,1,x"),
			    "!country 'nl' is not two capital letters");
	/* as the report shows it: a control character a space (an older
	 * sensor wrote them), what is not UTF-8 U+FFFD */
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,198.51.100.3,NL,1,1,1,\xc3\x28"),
			    "2026-01-01T00:00:00Z\t1\t1\t1\t7\t198.51.100.3\tNL\t\xef\xbf\xbd(\n");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,198.51.100.3,NL,1,1,1,"
				    "\"Foo\nBar\r\nInc\""),
			    "2026-01-01T00:00:00Z\t1\t1\t1\t7\t198.51.100.3\tNL\tFoo Bar  Inc\n");
	/* an apostrophe of the text itself stays */
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,198.51.100.3,NL,1,1,1,'t Net"),
			    "2026-01-01T00:00:00Z\t1\t1\t1\t7\t198.51.100.3\tNL\t't Net\n");
}

static void test_older_and_newer(void **state)
{
	char line[256], why[256];
	struct strbuf cols;

	(void)state;
	/* totals before tags (no tagged, tag_overflow) and with seconds */
	map_header(S_TOTALS, "time,sensor,packets,bytes,sources,malformed,non_ip,overflow,"
		   "fragments,mirai,backscatter,bs_overflow,quote_mismatch");
	sb_init(&cols);
	row_copy_columns(&map, &cols);
	assert_null(strstr(cols.buf, "tagged"));
	sb_free(&cols);
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,1,2,3,4,5,6,7,8,9,10,11"),
			    "2026-01-01T00:00:00Z\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t7\n");
	map_header(S_TOTALS, "time,sensor,packets,bytes,seconds");
	assert_string_equal(convert("2026-01-01T00:00:00Z,tokyo-1,1,2,60"),
			    "2026-01-01T00:00:00Z\t1\t2\t60\t7\n");
	/* a key column missing, an unknown column, a column twice */
	snprintf(line, sizeof(line), "time,sensor,proto,packets");
	assert_false(row_map_header(&map, S_PORTS, line, why, sizeof(why)));
	assert_string_equal(why, "no column 'port' in the header");
	snprintf(line, sizeof(line), "time,sensor,proto,port,packets,frobs");
	assert_false(row_map_header(&map, S_PORTS, line, why, sizeof(why)));
	assert_string_equal(why, "column 'frobs' of the header is not one this xdp-telescope "
			    "knows (a newer sensor? upgrade)");
	snprintf(line, sizeof(line), "time,sensor,proto,port,packets,port");
	assert_false(row_map_header(&map, S_PORTS, line, why, sizeof(why)));
	assert_string_equal(why, "column 'port' twice in the header");
}

static void test_sensor_name(void **state)
{
	char line[256], name[64], why[128];

	(void)state;
	map_header(S_COUNTRIES, series_header[S_COUNTRIES]);
	snprintf(line, sizeof(line), "2026-01-01T00:00:00Z,'=odd,JP,1,1");
	assert_true(row_sensor_name(&map, line, name, sizeof(name), why, sizeof(why)));
	assert_string_equal(name, "=odd");
	snprintf(line, sizeof(line), "2026-01-01T00:00:00Z,,JP,1,1");
	assert_false(row_sensor_name(&map, line, name, sizeof(name), why, sizeof(why)));
}

/* Every column of the contract's headers is one the database has. */
static void test_contract(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++)
		map_header((enum series)s, series_header[s]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_older_and_newer),
		cmocka_unit_test(test_sensor_name),
		cmocka_unit_test(test_contract),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
