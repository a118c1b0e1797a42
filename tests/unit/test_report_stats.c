// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Report helpers: calendar, time stamps, periods, names, hash maps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/options.h"
#include "report/report.h"
#include "report/names.h"
#include "report/stats.h"

static void test_days(void **state)
{
	char buf[17];
	int y, m, d;

	(void)state;
	assert_int_equal(day_from_ymd(1970, 1, 1), 0);
	assert_int_equal(day_from_ymd(2000, 3, 1), 11017);
	for (int day = 0; day < 40000; day += 37) {
		ymd_from_day(day, &y, &m, &d);
		assert_int_equal(day_from_ymd(y, m, d), day);
	}
	assert_int_equal(parse_day("2024-02-29"), day_from_ymd(2024, 2, 29));
	assert_int_equal(parse_day("2023-02-29"), -1);
	assert_int_equal(parse_day("2023-1-01"), -1);
	assert_int_equal(parse_time("2022-09-06T14:50:00Z"),
			 (int64_t)day_from_ymd(2022, 9, 6) * 86400 + 14 * 3600 + 50 * 60);
	assert_int_equal(parse_time("2022-09-06 14:50:00Z"), -1);
	assert_int_equal(parse_time("2022-09-06T24:00:00Z"), -1);
	format_minute(parse_time("2022-09-06T14:50:00Z"), buf);
	assert_string_equal(buf, "2022-09-06 14:50");
}

static bool parse(const char *const *args, int n, struct report_opts *o)
{
	char *argv[16];

	for (int i = 0; i < n; i++)
		argv[i] = (char *)args[i];
	return report_parse_args(n, argv, o) == OPT_GO;
}

static void test_periods(void **state)
{
	struct report_opts o;
	const char *q1[] = { "report", "--data", "x", "--quarter", "2022Q1" };
	const char *wk[] = { "report", "--data", "x", "--week", "2022-W36" };
	const char *rg[] = { "report", "--data", "x", "--from", "2022-09-01", "--to", "2022-09-10" };
	const char *bad[] = { "report", "--data", "x", "--month", "2022-13" };
	const char *two[] = { "report", "--data", "x", "--month", "2022-09", "--week", "2022-W01" };

	(void)state;
	assert_true(parse(q1, 5, &o));
	assert_int_equal(o.from, day_from_ymd(2022, 1, 1));
	assert_int_equal(o.to, day_from_ymd(2022, 3, 31));
	assert_int_equal(o.prev_from, day_from_ymd(2021, 10, 1));
	assert_int_equal(o.prev_to, day_from_ymd(2021, 12, 31));
	assert_true(parse(wk, 5, &o));
	assert_int_equal(o.from, day_from_ymd(2022, 9, 5));	/* a Monday */
	assert_int_equal(o.to, day_from_ymd(2022, 9, 11));
	assert_true(parse(rg, 7, &o));
	assert_int_equal(o.prev_from, day_from_ymd(2022, 8, 22));
	assert_int_equal(o.prev_to, day_from_ymd(2022, 8, 31));
	assert_false(parse(bad, 5, &o));
	assert_false(parse(two, 7, &o));
}

static void test_names(void **state)
{
	char buf[64];
	struct port_id p;

	(void)state;
	assert_string_equal(country_name(cc_slot("jp"), LANG_EN), "Japan");
	assert_string_equal(country_name(cc_slot("JP"), LANG_JA), "日本");
	assert_string_equal(country_name(cc_slot("KR"), LANG_JA), "韓国");
	assert_string_equal(country_name(cc_slot("ZZ"), LANG_EN), "Unknown");
	assert_int_equal(cc_slot("JPN"), -1);
	assert_true(report_n_countries > 249);
	assert_true(parse_port_id("23/tcp", &p));
	assert_int_equal(p.proto, 6);
	port_label(p.proto, p.port, buf, sizeof(buf));
	assert_string_equal(buf, "23/TCP (telnet)");
	port_label(1, 8, buf, sizeof(buf));
	assert_string_equal(buf, "8/ICMP");
	assert_false(parse_port_id("70000/tcp", &p));
	assert_false(parse_port_id("23/xyz", &p));
}

static void test_counter_map_grows(void **state)
{
	struct hmap m;

	(void)state;
	counters_init(&m);
	for (unsigned i = 0; i < 100000; i++)
		counters_get(&m, rkey(K_PORT_DAY, ALL_SENSORS, 6, i % 65536, i / 65536))[0] += i;
	assert_int_equal(m.len, 100000);
	assert_int_equal(counters_find(&m, rkey(K_PORT_DAY, ALL_SENSORS, 6, 23, 0))[0], 23);
	assert_null(counters_find(&m, rkey(K_PORT_DAY, 1, 6, 23, 0)));
	hmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_counter_map_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
