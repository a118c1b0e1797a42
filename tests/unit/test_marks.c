// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * report/marks.c: which totals rows were read before, and which rows of
 * the other series a directory's marks let through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "report/marks.h"

static void test_totals_rows(void **state)
{
	struct marks m;

	(void)state;
	marks_init(&m, 3);
	assert_int_equal(marks_totals_row(&m, 0, "a", 120), -1);
	assert_int_equal(marks_totals_row(&m, 0, "a", 180), -1);
	assert_int_equal(marks_totals_row(&m, 0, "b", 120), -1);	/* another sensor */
	assert_int_equal(marks_totals_row(&m, 1, "a", 60), -1);	/* out of order: new */
	assert_int_equal(marks_totals_row(&m, 2, "a", 120), 0);	/* read in dir 0 */
	assert_int_equal(marks_totals_row(&m, 2, "a", 60), 1);
	assert_int_equal(marks_totals_row(&m, 0, "a", 180), 0);	/* twice in dir 0 */
	assert_int_equal(marks_totals_row(&m, 2, "b", 120), 0);
	assert_int_equal(marks_totals_row(&m, 2, "b", 121), -1);
	marks_free(&m);
}

/* A copied directory: every row of a repeated (sensor, time) goes. */
static void test_dup_elsewhere(void **state)
{
	struct marks m;
	struct mark_filter f;
	uint32_t secs;

	(void)state;
	marks_init(&m, 2);
	marks_add(&m, 1, "a", 120, MARK_DUP_ELSEWHERE, 0);
	marks_publish(&m, 0);
	marks_publish(&m, 1);
	marks_wait(&m, 1);
	mark_filter_init(&f);
	mark_filter_file(&f, &m.dirs[0]);
	assert_true(mark_filter_row(&f, "a", 120, &secs));	/* dir 0 has no marks */
	mark_filter_file(&f, &m.dirs[1]);
	assert_false(mark_filter_row(&f, "a", 120, &secs));
	assert_false(mark_filter_row(&f, "a", 120, &secs));
	assert_true(mark_filter_row(&f, "b", 120, &secs));
	assert_true(mark_filter_row(&f, "a", 180, &secs));
	assert_int_equal(secs, 0);
	mark_filter_free(&f);
	marks_free(&m);
}

/* A file repeated in itself: the rows count where they first appear. */
static void test_dup_here(void **state)
{
	struct marks m;
	struct mark_filter f;
	uint32_t secs;

	(void)state;
	marks_init(&m, 1);
	marks_add(&m, 0, "a", 60, MARK_DUP_HERE, 0);
	marks_add(&m, 0, "a", 120, MARK_DUP_HERE, 0);
	marks_publish(&m, 0);
	mark_filter_init(&f);
	mark_filter_file(&f, &m.dirs[0]);
	/* first copy: a@60 a@60 b@60 a@120 a@120, then the repetition */
	assert_true(mark_filter_row(&f, "a", 60, &secs));
	assert_true(mark_filter_row(&f, "a", 60, &secs));
	assert_true(mark_filter_row(&f, "b", 60, &secs));	/* other sensors between */
	assert_true(mark_filter_row(&f, "a", 60, &secs));
	assert_true(mark_filter_row(&f, "a", 120, &secs));
	assert_true(mark_filter_row(&f, "a", 120, &secs));
	assert_false(mark_filter_row(&f, "a", 60, &secs));
	assert_false(mark_filter_row(&f, "a", 60, &secs));
	assert_false(mark_filter_row(&f, "a", 120, &secs));	/* closed by the 60 above */
	assert_true(mark_filter_row(&f, "b", 60, &secs));	/* b's time was not repeated */
	/* The next file of the directory starts afresh. */
	mark_filter_file(&f, &m.dirs[0]);
	assert_true(mark_filter_row(&f, "a", 60, &secs));
	mark_filter_free(&f);
	marks_free(&m);
}

/* A late interval: its rows are spread; repeated, also dropped. */
static void test_span(void **state)
{
	struct marks m;
	struct mark_filter f;
	uint32_t secs;

	(void)state;
	marks_init(&m, 1);
	marks_add(&m, 0, "a", 86000, MARK_SPAN, 5000);
	marks_add(&m, 0, "a", 86000, MARK_DUP_HERE, 0);
	marks_publish(&m, 0);
	assert_int_equal(m.dirs[0].n, 1);	/* one mark: both kinds */
	assert_int_equal(m.dirs[0].span_end_day, 2);
	mark_filter_init(&f);
	mark_filter_file(&f, &m.dirs[0]);
	assert_true(mark_filter_row(&f, "a", 86000, &secs));
	assert_int_equal(secs, 5000);
	assert_true(mark_filter_row(&f, "a", 91000, &secs));
	assert_int_equal(secs, 0);
	assert_false(mark_filter_row(&f, "a", 86000, &secs));
	mark_filter_free(&f);
	marks_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals_rows),
		cmocka_unit_test(test_dup_elsewhere),
		cmocka_unit_test(test_dup_here),
		cmocka_unit_test(test_span),
	};

	return cmocka_run_group_tests_name("marks", tests, NULL, NULL);
}
