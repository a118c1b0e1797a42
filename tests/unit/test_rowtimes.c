// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sensor/rowtimes.c: the row times of one sensor's totals.csv, read back
 * from the day files (plain and gzip) between two times, whatever other
 * sensors write beside it and however its name is quoted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cmocka.h>
#include "common/calendar.h"
#include "sensor/rowtimes.h"

#define HEADER "time,sensor,packets,bytes,sources,malformed,non_ip,overflow\n"

static void put(const char *dir, const char *day, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, day);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, day, name);
	if (strstr(name, ".gz")) {
		gzFile f = gzopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(gzputs(f, text), (int)strlen(text));
		gzclose(f);
	} else {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
}

static __u64 t(const char *stamp)
{
	return (__u64)parse_time(stamp);
}

static void one_sensor_between_two_times(void **state)
{
	char dir[] = "/tmp/test_rowtimes.XXXXXX", cmd[64];
	struct output out = { 0 };
	struct rowtimes rt = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out.dir, sizeof(out.dir), "%s", dir);
	/* the sensor "a,b" is written quoted; "=x" neutralised; both beside "a" */
	put(dir, "2026-12-07", "totals.csv", HEADER
	    "2026-12-07T23:58:00Z,\"a,b\",1,1,1,0,0,0\n"
	    "2026-12-07T23:58:00Z,a,1,1,1,0,0,0\n"
	    "2026-12-07T23:59:00Z,\"a,b\",1,1,1,0,0,0\n"
	    "2026-12-07T23:59:30Z,'=x,1,1,1,0,0,0\n");
	put(dir, "2026-12-08", "totals.csv.gz", HEADER
	    "2026-12-08T00:01:00Z,a,1,1,1,0,0,0\n"
	    "2026-12-08T00:02:00Z,\"a,b\",1,1,1,0,0,0\n"
	    "2026-12-08T09:00:00Z,\"a,b\",1,1,1,0,0,0\n");
	/* a day with neither file has no rows */
	rowtimes_load(&rt, &out, "a,b", t("2026-12-06T12:00:00Z"), t("2026-12-08T08:00:00Z"));
	assert_int_equal(rt.n, 3);
	assert_true(rowtimes_has(&rt, t("2026-12-07T23:58:00Z")));
	assert_true(rowtimes_has(&rt, t("2026-12-07T23:59:00Z")));
	assert_true(rowtimes_has(&rt, t("2026-12-08T00:02:00Z")));
	assert_false(rowtimes_has(&rt, t("2026-12-08T00:01:00Z")));	/* a's */
	assert_false(rowtimes_has(&rt, t("2026-12-08T09:00:00Z")));	/* after `to` */
	assert_true(rowtimes_cover(&rt, t("2026-12-08T08:00:00Z")));
	assert_false(rowtimes_cover(&rt, t("2026-12-08T08:00:01Z")));

	rowtimes_add(&rt, t("2026-12-08T00:03:00Z"));
	rowtimes_add(&rt, t("2026-12-08T00:00:00Z"));
	rowtimes_add(&rt, t("2026-12-08T10:00:00Z")); /* not covered: not kept */
	assert_int_equal(rt.n, 5);
	assert_true(rowtimes_has(&rt, t("2026-12-08T00:00:00Z")));
	assert_true(rowtimes_has(&rt, t("2026-12-08T00:03:00Z")));

	rowtimes_load(&rt, &out, "=x", t("2026-12-07T00:00:00Z"), t("2026-12-07T23:59:59Z"));
	assert_int_equal(rt.n, 1);
	assert_true(rowtimes_has(&rt, t("2026-12-07T23:59:30Z")));
	rowtimes_free(&rt);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_sensor_between_two_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
