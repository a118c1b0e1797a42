// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* common/daypath.c: a day's directory and its series' files, as run, synth,
 * report and ship all name them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "common/calendar.h"
#include "common/daypath.h"

static void test_day_dir(void **state)
{
	char buf[64];

	(void)state;
	assert_true(day_dir_path(buf, sizeof(buf), "/var/lib/telescope", day_from_ymd(2022, 9, 6)));
	assert_string_equal(buf, "/var/lib/telescope/2022-09-06");
	assert_true(day_dir_path(buf, sizeof(buf), NULL, 0));
	assert_string_equal(buf, "1970-01-01");
	assert_true(day_dir_path(buf, sizeof(buf), "out/sensor-03", day_from_ymd(2024, 2, 29)));
	assert_string_equal(buf, "out/sensor-03/2024-02-29");
	/* one byte short of "out/2022-09-06" and its end: said, and cut */
	assert_false(day_dir_path(buf, 14, "out", day_from_ymd(2022, 9, 6)));
	assert_string_equal(buf, "out/2022-09-0");
	assert_true(day_dir_path(buf, 15, "out", day_from_ymd(2022, 9, 6)));
}

static void test_series_file(void **state)
{
	char buf[64];

	(void)state;
	assert_true(series_file_path(buf, sizeof(buf), "out/2022-09-06", S_TOTALS, false));
	assert_string_equal(buf, "out/2022-09-06/totals.csv");
	assert_true(series_file_path(buf, sizeof(buf), "2022-09-06", S_SOURCES, true));
	assert_string_equal(buf, "2022-09-06/sources.csv.gz");
	/* every series under its contract name */
	for (int s = 0; s < S_COUNT; s++) {
		char want[64];

		snprintf(want, sizeof(want), "d/%s.csv.gz", series_name[s]);
		assert_true(series_file_path(buf, sizeof(buf), "d", (enum series)s, true));
		assert_string_equal(buf, want);
	}
	assert_false(series_file_path(buf, 10, "out/2022-09-06", S_TOTALS, false));
	assert_string_equal(buf, "out/2022-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_dir),
		cmocka_unit_test(test_series_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
