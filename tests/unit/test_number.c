// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* lib/number: whole numbers, and the checked fast path readers use. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "lib/number.h"

static void assert_field(const char *s, enum num_field want, uint64_t want_v)
{
	uint64_t v = 12345;

	assert_int_equal(parse_u64_field(s, &v), want);
	assert_int_equal(v, want == NUM_OK ? want_v : 12345);	/* untouched unless OK */
}

static void test_field_numbers(void **state)
{
	(void)state;
	assert_field("0", NUM_OK, 0);
	assert_field("42", NUM_OK, 42);
	assert_field("0000000000000000000000042", NUM_OK, 42);
	assert_field("1234567890123456789", NUM_OK, 1234567890123456789ULL);
	assert_field("18446744073709551615", NUM_OK, UINT64_MAX);
}

/* Beyond 2^64 - 1 is out of range, never wrapped. */
static void test_field_too_big(void **state)
{
	(void)state;
	assert_field("18446744073709551616", NUM_TOO_BIG, 0);		/* was read as 0 */
	assert_field("99999999999999999999999", NUM_TOO_BIG, 0);	/* was 200376420520689663 */
	assert_field("100000000000000000000", NUM_TOO_BIG, 0);
	assert_field("99999999999999999999", NUM_TOO_BIG, 0);
}

static void test_field_not_digits(void **state)
{
	(void)state;
	assert_field("", NUM_NOT_DIGITS, 0);
	assert_field("ten", NUM_NOT_DIGITS, 0);
	assert_field("-1", NUM_NOT_DIGITS, 0);
	assert_field("+1", NUM_NOT_DIGITS, 0);
	assert_field(" 1", NUM_NOT_DIGITS, 0);
	assert_field("1 ", NUM_NOT_DIGITS, 0);
	assert_field("1e3", NUM_NOT_DIGITS, 0);
	assert_field("0x10", NUM_NOT_DIGITS, 0);
	assert_field("12345678901234567890x", NUM_NOT_DIGITS, 0);	/* long, then junk */
	assert_field("99999999999999999999999x", NUM_NOT_DIGITS, 0);
}

static void test_parse_uint(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_true(parse_uint("65535", 0, 65535, &v));
	assert_int_equal(v, 65535);
	assert_false(parse_uint("65536", 0, 65535, &v));
	assert_false(parse_uint("18446744073709551616", 0, UINT64_MAX, &v));
	assert_int_equal(v, 65535);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_numbers),
		cmocka_unit_test(test_field_too_big),
		cmocka_unit_test(test_field_not_digits),
		cmocka_unit_test(test_parse_uint),
	};

	return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
