// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* common/calendar.c: day numbers, the CSV time stamps, formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "common/calendar.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
