// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* report/args.c: periods and the period before them; --tz, --group. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/options.h"
#include "report/args.h"

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

/* --tz names a zone of the system's zoneinfo without leap seconds, or is
 * refused; --group
 * wants the --sensors file its groups are in. */
static void test_zone_and_group(void **state)
{
	struct report_opts o;
	const char *tokyo[] = { "report", "--data", "x", "--month", "2022-09", "--tz", "Asia/Tokyo" };
	const char *mars[] = { "report", "--data", "x", "--month", "2022-09", "--tz", "Mars/Olympus" };
	const char *path[] = { "report", "--data", "x", "--month", "2022-09", "--tz", "/etc/localtime" };
	const char *leap[] = { "report", "--db", "", "--month", "2022-09", "--tz", "right/UTC" };
	const char *group[] = { "report", "--data", "x", "--month", "2022-09", "--sensors", "s.csv",
				"--group", "domestic" };
	const char *alone[] = { "report", "--data", "x", "--month", "2022-09", "--group", "domestic" };

	(void)state;
	assert_true(parse(tokyo, 7, &o));
	assert_string_equal(o.tz_name, "Asia/Tokyo");
	assert_null(o.tz);	/* built once the data's days are known */
	assert_false(parse(mars, 7, &o));
	assert_false(parse(path, 7, &o));
	assert_false(parse(leap, 7, &o));	/* leap seconds: refused before --db is read */
	assert_true(parse(group, 9, &o));
	assert_string_equal(o.group, "domestic");
	assert_null(o.group_sensors);
	assert_false(parse(alone, 7, &o));
	assert_true(parse(tokyo, 5, &o));
	assert_null(o.tz_name);	/* UTC */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_zone_and_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
