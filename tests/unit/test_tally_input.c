// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * report/tally.c and input.c, what of the input counts: records whose
 * quoted fields hold line ends, numbers beyond 64 bits, sums that would
 * wrap, rows read twice, files cut short, text that is not clean UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>
#include "reporttest.h"

#define TOTALS_HEAD "time,sensor,packets,bytes\n"
#define BS_HEAD "time,sensor,src_ip,country,asn,proto,src_port,kind,packets,as_org\n"

static const struct bs_source *victim(const struct report_stats *st, const char *ip)
{
	for (size_t i = 0; i < st->nbs; i++)
		if (!strcmp(st->bs[i]->ip, ip))
			return st->bs[i];
	return NULL;
}

/* A quoted newline is part of the name: no row is injected, none lost. */
static void test_quoted_newlines(void **state)
{
	struct report_case rc;
	const struct bs_source *b;

	(void)state;
	report_case_init(&rc);
	report_case_file(&rc, "2026-12-01", "totals.csv", TOTALS_HEAD
			 "2026-12-01T18:00:00Z,\"tokyo\n1\",503,20120\n", 0);
	report_case_file(&rc, "2026-12-01", "backscatter.csv", BS_HEAD
			 "2026-12-01T18:00:00Z,\"tokyo\n1\",203.0.113.50,US,64502,tcp,443,synack,503,"
			 "\"X\n2026-12-01T19:00:00Z,evil,203.0.113.99,US,1,tcp,443,synack,999999,"
			 "Injected\"\n", 0);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_int_equal(rc.st.nsensors, 1);
	assert_string_equal(rc.st.sensors[0]->name, "tokyo 1");	/* cleaned */
	assert_int_equal(rc.st.day[0].packets, 503);
	assert_int_equal(rc.st.bs_packets, 503);
	assert_int_equal(rc.st.nbs, 1);
	b = victim(&rc.st, "203.0.113.50");
	assert_non_null(b);
	assert_string_equal(b->as_org, "X 2026-12-01T19:00:00Z,evil,203.0.113.99,US,1,tcp,443,"
			    "synack,999999,Injected");
	assert_null(victim(&rc.st, "203.0.113.99"));
	for (int k = 0; k < S_COUNT; k++)
		assert_int_equal(rc.st.read[k].skipped[ROW_BAD], 0);
	report_case_free(&rc);
}

/* Beyond 2^64 - 1: the row is skipped as out of range, never wrapped. */
static void test_numbers_out_of_range(void **state)
{
	struct report_case rc;

	(void)state;
	report_case_init(&rc);
	report_case_file(&rc, "2026-12-01", "totals.csv", TOTALS_HEAD
			 "2026-12-01T10:00:00Z,lab,10,600\n"
			 "2026-12-01T10:01:00Z,lab,99999999999999999999999,600\n"
			 "2026-12-01T10:02:00Z,lab,18446744073709551616,1\n"
			 "2026-12-01T10:03:00Z,lab,5,1\n", 0);
	report_case_file(&rc, "2026-12-01", "ports.csv", "time,sensor,proto,port,packets\n"
			 "2026-12-01T10:00:00Z,lab,tcp,70000,10\n"
			 "2026-12-01T10:00:00Z,lab,tcp,23,10\n", 0);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_int_equal(rc.st.day[0].packets, 15);
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_RANGE], 2);
	assert_string_equal(strrchr(rc.st.read[S_TOTALS].first[ROW_RANGE], '/'),
			    "/totals.csv:3");
	assert_int_equal(rc.st.read[S_PORTS].skipped[ROW_RANGE], 1);
	assert_int_equal(rc.st.read[S_PORTS].rows, 1);
	report_case_free(&rc);
}

/* 2^64 - 1 and then more: the row that would wrap the sum is skipped. */
static void test_sums_never_wrap(void **state)
{
	struct report_case rc;

	(void)state;
	report_case_init(&rc);
	report_case_file(&rc, "2026-12-01", "totals.csv", TOTALS_HEAD
			 "2026-12-01T10:00:00Z,lab,18446744073709551615,1\n"
			 "2026-12-01T10:01:00Z,lab,1794,1\n", 0);
	report_case_file(&rc, "2026-12-02", "totals.csv", TOTALS_HEAD
			 "2026-12-02T10:01:00Z,lab,1,1\n", 0);
	report_case_read(&rc, "2026-12-01", "2026-12-02");
	assert_int_equal(rc.st.day[0].packets, UINT64_MAX);
	assert_int_equal(rc.st.day[1].packets, 0);
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_SUM], 2);
	assert_string_equal(strrchr(rc.st.read[S_TOTALS].first[ROW_SUM], '/'), "/totals.csv:3");
	report_case_free(&rc);
}

static const char copy_totals[] = TOTALS_HEAD
	"2026-12-01T10:00:00Z,s1,10,100\n"
	"2026-12-01T10:01:00Z,s1,20,200\n";
static const char copy_ports[] = "time,sensor,proto,port,packets\n"
	"2026-12-01T10:00:00Z,s1,tcp,23,10\n"
	"2026-12-01T10:01:00Z,s1,tcp,23,15\n"
	"2026-12-01T10:01:00Z,s1,udp,53,5\n";
static const char copy_countries[] = "time,sensor,country,packets,sources\n"
	"2026-12-01T10:00:00Z,s1,JP,10,1\n"
	"2026-12-01T10:01:00Z,s1,JP,20,2\n";

/* A sensor's directory copied beside it (a backup in the fleet): every
 * row of the copy is a duplicate, in every series. */
static void test_copied_directory(void **state)
{
	struct report_case rc;

	(void)state;
	report_case_init(&rc);
	for (int i = 0; i < 2; i++) {
		const char *sub = i ? "s1-copy/2026-12-01" : "s1/2026-12-01";

		report_case_file(&rc, sub, "totals.csv", copy_totals, 0);
		report_case_file(&rc, sub, "ports.csv", copy_ports, 0);
		report_case_file(&rc, sub, "countries.csv", copy_countries, 0);
	}
	report_case_file(&rc, "s2/2026-12-01", "totals.csv", TOTALS_HEAD
			 "2026-12-01T10:00:00Z,s2,7,70\n", 0);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_int_equal(rc.st.day[0].packets, 37);
	assert_int_equal(rc.st.day[0].rows, 3);
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_DUP], 2);
	assert_int_equal(rc.st.read[S_PORTS].skipped[ROW_DUP], 3);
	assert_int_equal(rc.st.read[S_COUNTRIES].skipped[ROW_DUP], 2);
	assert_int_equal(rc.st.country_packets[cc_slot("JP")], 30);
	assert_int_equal(counters_find(&rc.st.ports, rkey(K_PORT_DAY, ALL_SENSORS, 6, 23, 0))[0],
			 25);
	report_case_free(&rc);
}

/* A file repeated in itself: the rows count once, where they first are. */
static void test_file_repeated_in_itself(void **state)
{
	struct report_case rc;
	char text[1024];

	(void)state;
	report_case_init(&rc);
	snprintf(text, sizeof(text), "%s%s", copy_totals, copy_totals + strlen(TOTALS_HEAD));
	report_case_file(&rc, "2026-12-01", "totals.csv", text, 0);
	snprintf(text, sizeof(text), "%s%s", copy_ports, strchr(copy_ports, '\n') + 1);
	report_case_file(&rc, "2026-12-01", "ports.csv", text, 0);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_int_equal(rc.st.day[0].packets, 30);
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_DUP], 2);
	assert_string_equal(strrchr(rc.st.read[S_TOTALS].first[ROW_DUP], '/'), "/totals.csv:4");
	assert_int_equal(rc.st.read[S_PORTS].skipped[ROW_DUP], 3);
	assert_int_equal(counters_find(&rc.st.ports, rkey(K_PORT_DAY, ALL_SENSORS, 6, 23, 0))[0],
			 25);
	report_case_free(&rc);
}

/* A .csv.gz cut short is read up to the cut, and said to be cut. */
static void test_truncated_gzip(void **state)
{
	struct report_case rc;
	char text[65536], gzpath[256];
	const char *path;
	gzFile gz;
	FILE *f;
	long size;
	size_t len = 0;

	(void)state;
	report_case_init(&rc);
	len += (size_t)snprintf(text, sizeof(text), TOTALS_HEAD);
	for (int m = 0; m < 1440; m++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"2026-12-01T%02d:%02d:00Z,lab,%d,%d\n", m / 60, m % 60,
					m * 7919 % 1000, m);
	path = report_case_file(&rc, "2026-12-01", "x", "", 1);
	snprintf(gzpath, sizeof(gzpath), "%.*s/totals.csv.gz", (int)(strrchr(path, '/') - path),
		 path);
	remove(path);
	gz = gzopen(gzpath, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned)len), (int)len);
	assert_int_equal(gzclose(gz), Z_OK);
	f = fopen(gzpath, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_int_equal(ftruncate(fileno(f), size / 2), 0);
	fclose(f);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_int_equal(rc.st.read[S_TOTALS].ncuts, 1);
	assert_string_equal(rc.st.read[S_TOTALS].cuts[0].path, gzpath);
	assert_true(rc.st.read[S_TOTALS].rows > 0 && rc.st.read[S_TOTALS].rows < 1440);
	/* The row at the cut is not read as a shorter number. */
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_BAD], 0);
	assert_int_equal(rc.st.day[0].rows, rc.st.read[S_TOTALS].rows);
	report_case_free(&rc);
}

/* A last line without its line end is cut short (or being written). */
static void test_last_line_cut(void **state)
{
	struct report_case rc;

	(void)state;
	report_case_init(&rc);
	report_case_file(&rc, "2026-12-01", "totals.csv", TOTALS_HEAD
			 "2026-12-01T10:00:00Z,lab,10,600\n"
			 "2026-12-01T10:01:00Z,lab,12", 0);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_int_equal(rc.st.day[0].packets, 10);
	assert_int_equal(rc.st.read[S_TOTALS].ncuts, 1);
	assert_int_equal(rc.st.read[S_TOTALS].cuts[0].line, 3);
	assert_string_equal(rc.st.read[S_TOTALS].cuts[0].last_time, "2026-12-01T10:00:00Z");
	report_case_free(&rc);
}

/* NUL bytes, a line over 1 MiB, bytes that are no UTF-8: skipped or
 * cleaned, and the rows after them still read. */
static void test_hostile_bytes(void **state)
{
	static const char nul[] = TOTALS_HEAD
		"2026-12-01T10:00:00Z,lab,1\0002,600\n"
		"2026-12-01T10:01:00Z,\"l\xff\x01" "b\",5,600\n";
	struct report_case rc;
	size_t big = 3 << 20, len;
	char *text = malloc(big + 256);

	(void)state;
	assert_non_null(text);
	report_case_init(&rc);
	report_case_file(&rc, "2026-12-01", "totals.csv", nul, sizeof(nul) - 1);
	len = (size_t)sprintf(text, "time,sensor,proto,port,packets\n"
			      "2026-12-01T10:01:00Z,lab,tcp,23,\"");
	memset(text + len, 'x', big);
	len += big;
	len += (size_t)sprintf(text + len, "\nmore\",1\n"
			       "2026-12-01T10:01:00Z,lab,tcp,80,4\n");
	report_case_file(&rc, "2026-12-01", "ports.csv", text, len);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_int_equal(rc.st.day[0].packets, 5);
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_BAD], 1);
	assert_string_equal(rc.st.sensors[0]->name, "l\xef\xbf\xbd b");
	assert_int_equal(rc.st.read[S_PORTS].skipped[ROW_BAD], 1);
	assert_int_equal(rc.st.read[S_PORTS].rows, 1);
	assert_string_equal(strrchr(rc.st.read[S_PORTS].first[ROW_BAD], '/'), "/ports.csv:2");
	assert_non_null(counters_find(&rc.st.ports, rkey(K_PORT_DAY, ALL_SENSORS, 6, 80, 0)));
	free(text);
	report_case_free(&rc);
}

/* --sensors: RFC 4180 records too, names cleaned as the data's are. */
static void test_sensor_file(void **state)
{
	struct report_case rc;
	const char *path;
	char list[256];

	(void)state;
	report_case_init(&rc);
	report_case_file(&rc, "2026-12-01", "totals.csv", TOTALS_HEAD
			 "2026-12-01T10:00:00Z,\"tokyo\n1\",10,600\n", 0);
	path = report_case_file(&rc, ".", "sensors.csv",
				"sensor,group,label,country\n"
				"\"tokyo\n1\",domestic,\"Tokyo, \"\"1\"\"\",JP\n"
				"osaka,domestic,Osaka,JP\n", 0);
	snprintf(list, sizeof(list), "%s", path);
	report_case_read(&rc, "2026-12-01", "2026-12-01");
	assert_true(stats_load_sensor_file(&rc.st, list));
	assert_int_equal(rc.st.nsensors, 2);	/* tokyo 1 is the data's sensor */
	assert_string_equal(rc.st.sensors[0]->label, "Tokyo, \"1\"");
	assert_int_equal(rc.st.sensors[0]->rows, 1);
	report_case_file(&rc, ".", "sensors.csv", "\"never closed,x\n", 0);
	assert_false(stats_load_sensor_file(&rc.st, list));
	report_case_free(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_newlines),
		cmocka_unit_test(test_numbers_out_of_range),
		cmocka_unit_test(test_sums_never_wrap),
		cmocka_unit_test(test_copied_directory),
		cmocka_unit_test(test_file_repeated_in_itself),
		cmocka_unit_test(test_truncated_gzip),
		cmocka_unit_test(test_last_line_cut),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_sensor_file),
	};

	return cmocka_run_group_tests_name("tally, input", tests, NULL, NULL);
}
