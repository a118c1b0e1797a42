// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* report/zone.c: local days, their starts and lengths, local clock times. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "common/calendar.h"
#include "report/zone.h"

static int64_t at(const char *s)
{
	return parse_time(s);
}

static void build(struct tz_zone *z, const char *name)
{
	assert_true(tz_build(z, name, day_from_ymd(2022, 1, 1), day_from_ymd(2022, 12, 31)));
}

static void test_tokyo(void **state)
{
	struct tz_zone z;
	char buf[26];

	(void)state;
	build(&z, "Asia/Tokyo");
	/* 15:00 UTC is local midnight: the next day */
	assert_int_equal(tz_day(&z, at("2022-10-16T14:59:59Z")), day_from_ymd(2022, 10, 16));
	assert_int_equal(tz_day(&z, at("2022-10-16T15:00:00Z")), day_from_ymd(2022, 10, 17));
	assert_int_equal(tz_day_start(&z, day_from_ymd(2022, 10, 17)), at("2022-10-16T15:00:00Z"));
	assert_int_equal(tz_day_seconds(&z, day_from_ymd(2022, 7, 1)), 86400);
	tz_format_time(&z, at("2022-10-16T15:00:00Z"), buf);
	assert_string_equal(buf, "2022-10-17T00:00:00+09:00");
	tz_format_minute(&z, at("2022-10-16T15:30:00Z"), buf);
	assert_string_equal(buf, "2022-10-17 00:30");
	assert_string_equal(tz_shift_at(&z, at("2022-10-16T15:00:00Z"))->abbr, "JST");
	tz_free(&z);
}

static void test_berlin_dst(void **state)
{
	struct tz_zone z;
	char buf[26];

	(void)state;
	build(&z, "Europe/Berlin");
	assert_int_equal(tz_day_seconds(&z, day_from_ymd(2022, 3, 27)), 23 * 3600);
	assert_int_equal(tz_day_seconds(&z, day_from_ymd(2022, 10, 30)), 25 * 3600);
	assert_int_equal(tz_day_seconds(&z, day_from_ymd(2022, 10, 31)), 24 * 3600);
	assert_int_equal(tz_day_start(&z, day_from_ymd(2022, 10, 30)), at("2022-10-29T22:00:00Z"));
	assert_int_equal(tz_day_start(&z, day_from_ymd(2022, 10, 31)), at("2022-10-30T23:00:00Z"));
	assert_int_equal(tz_day(&z, at("2022-10-30T22:59:59Z")), day_from_ymd(2022, 10, 30));
	assert_int_equal(tz_day(&z, at("2022-10-30T23:00:00Z")), day_from_ymd(2022, 10, 31));
	/* the shift to the second */
	tz_format_time(&z, at("2022-10-30T00:59:59Z"), buf);
	assert_string_equal(buf, "2022-10-30T02:59:59+02:00");
	tz_format_time(&z, at("2022-10-30T01:00:00Z"), buf);
	assert_string_equal(buf, "2022-10-30T02:00:00+01:00");
	/* every second of the year is on the day whose start precedes it */
	for (int64_t t = at("2022-01-01T00:00:00Z"); t < at("2023-01-01T00:00:00Z"); t += 1799) {
		int d = tz_day(&z, t);

		assert_true(tz_day_start(&z, d) <= t && t < tz_day_start(&z, d + 1));
	}
	tz_free(&z);
}

static void test_half_hours_and_utc(void **state)
{
	struct tz_zone z;
	char buf[16];

	(void)state;
	build(&z, "Asia/Kolkata");
	assert_int_equal(tz_day_start(&z, day_from_ymd(2022, 7, 1)), at("2022-06-30T18:30:00Z"));
	tz_format_offset(tz_shift_at(&z, at("2022-07-01T00:00:00Z"))->off, buf, sizeof(buf));
	assert_string_equal(buf, "UTC+5:30");
	tz_free(&z);
	tz_format_offset(-3 * 3600, buf, sizeof(buf));
	assert_string_equal(buf, "UTC-3");
	/* no zone: UTC, as t / 86400 */
	assert_int_equal(tz_day(NULL, at("2022-10-16T23:59:59Z")), day_from_ymd(2022, 10, 16));
	assert_int_equal(tz_day_seconds(NULL, 0), 86400);
}

static void test_unknown(void **state)
{
	struct tz_zone z;

	(void)state;
	assert_true(tz_known("Asia/Tokyo"));
	assert_true(tz_known("UTC"));
	assert_false(tz_known("Mars/Olympus"));
	assert_false(tz_known("../../etc/passwd"));
	assert_false(tz_known("/etc/localtime"));
	assert_false(tz_known(""));
	assert_false(tz_known("Asia"));	/* a directory, not a zone */
	assert_false(tz_build(&z, "Mars/Olympus", 0, 10));
	assert_null(getenv("TZ"));	/* put back as it was */
}

/* A TZif file of name under dir: a version 2 header, a first data block
 * of v1 counts, a second header with leap2 leap seconds (the data blocks
 * themselves are never read for this). */
static void write_tzif(const char *dir, const char *name, uint32_t leap1, uint32_t leap2)
{
	unsigned char h[44] = "TZif2";
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	h[31] = (unsigned char)leap1;	/* leapcnt, big-endian */
	h[35] = 1;			/* timecnt: a first block of 5 + 8 * leap1 bytes */
	fwrite(h, 1, sizeof(h), f);
	for (uint32_t i = 0; i < 5 + 8 * leap1; i++)
		fputc(0, f);
	h[31] = (unsigned char)leap2;
	fwrite(h, 1, sizeof(h), f);
	fclose(f);
}

/* right/ zones count leap seconds, which the data's UTC times do not;
 * a file whose first block is empty (zic -b slim) is read to its
 * second header. */
static void test_leap_seconds(void **state)
{
	char dir[] = "/tmp/test_zone.XXXXXX", path[64];

	(void)state;
	assert_true(tz_leap_seconds("right/UTC"));
	assert_true(tz_leap_seconds("right/Asia/Tokyo"));
	assert_false(tz_leap_seconds("UTC"));
	assert_false(tz_leap_seconds("Asia/Tokyo"));
	assert_false(tz_leap_seconds("posix/Asia/Tokyo"));
	assert_false(tz_leap_seconds("Mars/Olympus"));
	assert_non_null(mkdtemp(dir));
	write_tzif(dir, "Slim", 0, 27);
	write_tzif(dir, "Fat", 27, 27);
	write_tzif(dir, "Plain", 0, 0);
	setenv("TZDIR", dir, 1);
	assert_true(tz_leap_seconds("Slim"));
	assert_true(tz_leap_seconds("Fat"));
	assert_false(tz_leap_seconds("Plain"));
	unsetenv("TZDIR");
	for (const char *const *n = (const char *const[]){ "Slim", "Fat", "Plain", NULL }; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokyo),
		cmocka_unit_test(test_berlin_dst),
		cmocka_unit_test(test_half_hours_and_utc),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_leap_seconds),
	};

	unsetenv("TZ");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
