// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * report/tally.c, the seconds column of totals.csv: a row written late
 * after an outage covers the whole outage as one interval. Its counts
 * are spread over the days it covers in proportion to time, the span it
 * covers is no gap, and it is listed as written late.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "report/events.h"
#include "reporttest.h"

#define HOUR 3600

/* An hourly sensor, 100 packets an hour, from 09-01 to 09-05; from
 * 09-02 07:00 to 09-04 10:00 (51 h) the rows came late, as one row at
 * 07:00 of 5100 packets. with_seconds: as the sensor writes it now; else
 * as one without the column would (no way to tell the span). */
static void write_outage(struct report_case *rc, bool with_seconds, int64_t late_secs)
{
	int64_t t0 = (int64_t)parse_day("2022-09-01") * 86400;
	int64_t from = t0 + 31 * HOUR, to = t0 + 82 * HOUR;
	char totals[5][16384], ports[5][16384], line[160], time[21];

	for (int d = 0; d < 5; d++) {
		snprintf(totals[d], sizeof(totals[d]), "time,sensor,packets,bytes%s\n",
			 with_seconds ? ",seconds" : "");
		snprintf(ports[d], sizeof(ports[d]), "time,sensor,proto,port,packets\n");
	}
	for (int64_t t = t0; t < t0 + 5 * 86400; t += HOUR) {
		int64_t secs = HOUR, packets = 100;
		int d = (int)((t - t0) / 86400);

		if (t > from && t < to)
			continue;
		if (t == from) {
			secs = late_secs;
			packets = 100 * late_secs / HOUR;
		}
		format_time(t, time);
		if (with_seconds)
			snprintf(line, sizeof(line), "%s,lab,%lld,%lld,%lld\n", time,
				 (long long)packets, (long long)packets * 40, (long long)secs);
		else
			snprintf(line, sizeof(line), "%s,lab,%lld,%lld\n", time,
				 (long long)packets, (long long)packets * 40);
		strcat(totals[d], line);
		snprintf(line, sizeof(line), "%s,lab,tcp,23,%lld\n", time, (long long)packets);
		strcat(ports[d], line);
	}
	for (int d = 0; d < 5; d++) {
		char day[11];

		format_day(parse_day("2022-09-01") + d, day);
		if (strchr(totals[d], 'Z')) {
			report_case_file(rc, day, "totals.csv", totals[d], 0);
			report_case_file(rc, day, "ports.csv", ports[d], 0);
		}
	}
}

static uint64_t port_day(const struct report_stats *st, int di)
{
	const uint64_t *v = counters_find(&st->ports, rkey(K_PORT_DAY, ALL_SENSORS, 6, 23,
							   (unsigned)di));

	return v ? v[0] : 0;
}

static size_t count_gaps(const struct report_stats *st, struct event *first)
{
	struct event_list ev;
	size_t n = 0;

	detect_events(st, NULL, &ev);
	for (size_t i = 0; i < ev.n; i++)
		if (ev.v[i].type == EV_GAP && !n++ && first)
			*first = ev.v[i];
	event_list_free(&ev);
	return n;
}

static void test_spread_over_the_days(void **state)
{
	struct report_case rc;
	const struct sensor_stats *s;

	(void)state;
	report_case_init(&rc);
	write_outage(&rc, true, 51 * HOUR);
	report_case_read(&rc, "2022-09-01", "2022-09-05");
	/* 17 h of the late row on 09-02, 24 on 09-03, 10 on 09-04: every
	 * day 2400, not 5900 on one day and none on the next. */
	for (int d = 0; d < 5; d++) {
		assert_int_equal(rc.st.day[d].packets, 2400);
		assert_int_equal(rc.st.day[d].bytes, 2400 * 40);
		assert_int_equal(port_day(&rc.st, d), 2400);
		assert_true(rc.st.day[d].rows > 0);	/* charted: a day with data */
	}
	s = rc.st.sensors[0];
	assert_int_equal(s->packets, 12000);
	assert_int_equal(s->rows_day[2], 1);
	assert_int_equal(s->cover_day[2], 86400);
	assert_int_equal(s->interval, HOUR);
	assert_true(sensor_day_rows(s, 2) == 24.0);	/* a whole day covered */
	assert_int_equal(count_gaps(&rc.st, NULL), 0);
	assert_int_equal(rc.st.nlate, 1);
	assert_int_equal(rc.st.late[0].t, (int64_t)parse_day("2022-09-02") * 86400 + 7 * HOUR);
	assert_int_equal(rc.st.late[0].seconds, 51 * HOUR);
	report_case_free(&rc);
}

/* Without the column, as before: the outage is a gap, and the late
 * counts all land on the day of the row. */
static void test_without_seconds(void **state)
{
	struct report_case rc;
	struct event gap;

	(void)state;
	report_case_init(&rc);
	write_outage(&rc, false, 51 * HOUR);
	report_case_read(&rc, "2022-09-01", "2022-09-05");
	assert_int_equal(rc.st.day[1].packets, 700 + 5100);
	assert_int_equal(rc.st.day[2].packets, 0);
	assert_int_equal(count_gaps(&rc.st, &gap), 1);
	assert_int_equal(gap.end_t - gap.start_t, 50 * HOUR);
	assert_int_equal(rc.st.nlate, 0);
	report_case_free(&rc);
}

/* A late row covering only part of the outage: the rest is still a gap,
 * from where its seconds end. */
static void test_part_covered(void **state)
{
	struct report_case rc;
	struct event gap;
	int64_t day2 = (int64_t)parse_day("2022-09-02") * 86400;

	(void)state;
	report_case_init(&rc);
	write_outage(&rc, true, 20 * HOUR);
	report_case_read(&rc, "2022-09-01", "2022-09-05");
	assert_int_equal(count_gaps(&rc.st, &gap), 1);
	assert_int_equal(gap.start_t, day2 + 27 * HOUR);
	assert_int_equal(gap.end_t, day2 + 58 * HOUR);
	assert_int_equal(rc.st.day[1].packets, 700 + 1700);
	assert_int_equal(rc.st.day[2].packets, 300);
	report_case_free(&rc);
}

/* Whole-number shares add up to the row exactly, whatever the split. */
static void test_shares_are_exact(void **state)
{
	struct report_case rc;
	uint64_t sum = 0;

	(void)state;
	report_case_init(&rc);
	report_case_file(&rc, "2022-09-01", "totals.csv",
			 "time,sensor,packets,bytes,seconds\n"
			 "2022-09-01T23:59:53Z,lab,1001,18446744073709551615,172807\n", 0);
	report_case_read(&rc, "2022-09-01", "2022-09-03");
	for (int d = 0; d < 3; d++)
		sum += rc.st.day[d].packets;
	assert_int_equal(sum, 1001);
	assert_int_equal(rc.st.day[0].packets, 1001 * 7 / 172807);
	assert_int_equal(rc.st.day[0].bytes + rc.st.day[1].bytes + rc.st.day[2].bytes, UINT64_MAX);
	report_case_free(&rc);
}

/* seconds must be 1 .. 2^32 - 1. */
static void test_bad_seconds(void **state)
{
	struct report_case rc;

	(void)state;
	report_case_init(&rc);
	report_case_file(&rc, "2022-09-01", "totals.csv",
			 "time,sensor,packets,bytes,seconds\n"
			 "2022-09-01T10:00:00Z,lab,1,1,0\n"
			 "2022-09-01T10:01:00Z,lab,1,1,4294967296\n"
			 "2022-09-01T10:02:00Z,lab,1,1,sixty\n"
			 "2022-09-01T10:03:00Z,lab,1,1,60\n", 0);
	report_case_read(&rc, "2022-09-01", "2022-09-01");
	assert_int_equal(rc.st.day[0].packets, 1);
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_RANGE], 2);
	assert_int_equal(rc.st.read[S_TOTALS].skipped[ROW_BAD], 1);
	report_case_free(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_over_the_days),
		cmocka_unit_test(test_without_seconds),
		cmocka_unit_test(test_part_covered),
		cmocka_unit_test(test_shares_are_exact),
		cmocka_unit_test(test_bad_seconds),
	};

	return cmocka_run_group_tests_name("tally, late intervals", tests, NULL, NULL);
}
