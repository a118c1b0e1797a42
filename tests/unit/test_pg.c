// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* lib/pg.c: which refusals of the server may pass (ship tries them again)
 * and which refuse what was sent (the file fails, said once). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include "lib/pg.h"

static bool passing(const char *state)
{
	struct pg_err e = { .lost = false };

	snprintf(e.state, sizeof(e.state), "%s", state);
	return pg_passing(&e);
}

static void test_passing(void **state)
{
	(void)state;
	assert_true(passing("53100"));		/* disk full */
	assert_true(passing("53200"));		/* out of memory */
	assert_true(passing("53300"));		/* too many connections */
	assert_true(passing("57014"));		/* query_canceled */
	assert_true(passing("57P01"));		/* admin_shutdown */
	assert_true(passing("55P03"));		/* lock_not_available */
	assert_true(passing("55006"));		/* object_in_use: a day being pruned */
	assert_true(passing("40001"));		/* serialization_failure */
	assert_true(passing("40P01"));		/* deadlock_detected */
	assert_true(passing("42P01"));		/* undefined_table */
	assert_true(passing("58030"));		/* io_error */
}

static void test_the_data_refused(void **state)
{
	(void)state;
	assert_false(passing(""));		/* no SQLSTATE: not the server's answer */
	assert_false(passing("22003"));		/* numeric_value_out_of_range */
	assert_false(passing("22P02"));		/* invalid_text_representation */
	assert_false(passing("23505"));		/* unique_violation */
	assert_false(passing("23514"));		/* check_violation: the loader decides */
	assert_false(passing("42501"));		/* insufficient_privilege */
	assert_false(passing("22008"));		/* a day out of range (ensure_day) */
	assert_false(passing("P0001"));		/* raise_exception */
	assert_false(passing("55000"));		/* object_not_in_prerequisite_state */
	assert_false(passing("XX000"));		/* internal_error */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passing),
		cmocka_unit_test(test_the_data_refused),
	};

	return cmocka_run_group_tests_name("pg", tests, NULL, NULL);
}
