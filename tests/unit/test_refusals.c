// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sensor/refusals.c: what the metrics server refused, said as counts at
 * once after a quiet period, then at most once a period, however many.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "sensor/refusals.h"

#define S 1000000000LL
#define MINUTE (60 * S)

static bool due(struct refusals *r, int64_t now, char *line, size_t len)
{
	return refusals_due(r, now, MINUTE, 4, 5, 64, line, len);
}

static void quiet_says_nothing(void **state)
{
	struct refusals r = { 0 };
	char line[512];

	(void)state;
	assert_false(due(&r, 0, line, sizeof(line)));
	assert_false(due(&r, 10 * MINUTE, line, sizeof(line)));
}

/* 10^4 refusals in a minute: one line at the first, one with the rest a minute later. */
static void a_flood_is_two_lines(void **state)
{
	struct refusals r = { 0 };
	char line[512];
	int lines = 0;
	int64_t t = 5 * S;

	(void)state;
	refusals_add(&r, REFUSED_BUSY_CLIENT);
	assert_true(due(&r, t, line, sizeof(line)));
	assert_non_null(strstr(line, "metrics server: 1 connections refused (their client had 4 open), "
				     "0 cut unfinished after 5 s, 0 cut to make room (64 open at most)"));
	for (int i = 1; i < 10000; i++) {
		t += 5 * 1000000; /* 50 s of refusals, one every 5 ms */
		refusals_add(&r, i % 100 ? REFUSED_BUSY_CLIENT : REFUSED_LATE);
		if (i % 1000 == 0)
			refusals_add(&r, REFUSED_MADE_ROOM);
		lines += due(&r, t, line, sizeof(line));
	}
	assert_int_equal(lines, 0);
	assert_false(due(&r, 5 * S + MINUTE - 1, line, sizeof(line)));
	assert_true(due(&r, 5 * S + MINUTE, line, sizeof(line)));
	assert_non_null(strstr(line, "9900 connections refused"));
	assert_non_null(strstr(line, "99 cut unfinished after 5 s, 9 cut to make room"));
	assert_non_null(strstr(line, "(one such line every 60 s at most)"));
	/* counted afresh: nothing since, nothing said */
	assert_false(due(&r, 10 * MINUTE, line, sizeof(line)));
	/* after a quiet hour, the first is said at once */
	refusals_add(&r, REFUSED_LATE);
	assert_true(due(&r, 70 * MINUTE, line, sizeof(line)));
	assert_non_null(strstr(line, "0 connections refused (their client had 4 open), 1 cut"));
}

static void library_messages_counted_first_kept(void **state)
{
	struct refusals r = { 0 };
	char line[512];

	(void)state;
	refusals_library(&r, "Server reached connection limit. Closing inbound connection.\n");
	refusals_library(&r, "something else\n");
	assert_true(due(&r, S, line, sizeof(line)));
	assert_non_null(strstr(line, "; the HTTP library said 2 things, first: Server reached "
				     "connection limit. Closing inbound connection. (one such"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet_says_nothing),
		cmocka_unit_test(a_flood_is_two_lines),
		cmocka_unit_test(library_messages_counted_first_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
