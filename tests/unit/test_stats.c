// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* report/stats.h: the report's counters, packed keys in the one hash map. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "report/stats.h"

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
		cmocka_unit_test(test_counter_map_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
