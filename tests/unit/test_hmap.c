// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The user-side hash table the drain aggregates with. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/hmap.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void test_upsert_find_grow_sort(void **state)
{
	struct hmap t;

	(void)state;
	hmap_init(&t, sizeof(uint32_t), sizeof(uint64_t));
	/* 100k keys inserted in scrambled order, each counted k times mod 7 */
	for (uint32_t i = 0; i < 100000; i++) {
		uint32_t k = (uint32_t)(((uint64_t)i * 7919) % 100000);

		*(uint64_t *)hmap_upsert(&t, &k) += k % 7 + 1;
	}
	assert_int_equal(t.len, 100000);
	for (uint32_t k = 0; k < 100000; k += 997) {
		uint64_t *v = hmap_find(&t, &k);

		assert_non_null(v);
		assert_int_equal(*v, k % 7 + 1);
		assert_int_equal(hmap_pos(&t, v) < t.len, 1);
	}
	uint32_t missing = 100001;
	assert_null(hmap_find(&t, &missing));

	hmap_sort(&t, cmp_u32);
	for (size_t i = 0; i < t.len; i++)
		assert_int_equal(*(uint32_t *)hmap_key(&t, i), i);
	uint32_t k = 4242;
	assert_int_equal(*(uint64_t *)hmap_find(&t, &k), 4242 % 7 + 1);
	hmap_free(&t);
	assert_null(hmap_find(&t, &k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upsert_find_grow_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
