// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* lib/text.c: which names are valid, and how the others are cleaned. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/text.h"

static void test_check_accepts(void **state)
{
	char longest[TEXT_NAME_MAX + 1];

	(void)state;
	assert_null(text_check("tokyo-1", TEXT_NAME_MAX));
	assert_null(text_check("", TEXT_NAME_MAX));
	assert_null(text_check("東京-1", TEXT_NAME_MAX));
	assert_null(text_check("Zürich, \"CH\" =x", TEXT_NAME_MAX));
	assert_null(text_check("\xf0\x9f\x93\xa1 dish", TEXT_NAME_MAX));	/* U+1F4E1 */
	memset(longest, 'a', TEXT_NAME_MAX);
	longest[TEXT_NAME_MAX] = '\0';
	assert_null(text_check(longest, TEXT_NAME_MAX));
}

static void test_is_utf8(void **state)
{
	(void)state;
	assert_true(text_is_utf8("東京\n1"));	/* control characters are UTF-8 */
	assert_false(text_is_utf8("\xe6\x9d"));	/* a name cut inside a character */
	assert_false(text_is_utf8("\xff"));
}

static void test_check_refuses(void **state)
{
	char too_long[TEXT_NAME_MAX + 2], wide[300];

	(void)state;
	assert_string_equal(text_check("tokyo\n1", TEXT_NAME_MAX),
			    "holds a control character (a newline, tab, ...)");
	assert_non_null(text_check("tab\there", TEXT_NAME_MAX));
	assert_non_null(text_check("cr\r", TEXT_NAME_MAX));
	assert_non_null(text_check("del\x7f", TEXT_NAME_MAX));
	assert_non_null(text_check("c1 \xc2\x85 next line", TEXT_NAME_MAX));	/* U+0085 */
	assert_string_equal(text_check("bad \xff byte", TEXT_NAME_MAX), "is not valid UTF-8");
	assert_non_null(text_check("cut \xe6\x9d", TEXT_NAME_MAX));		/* 東 without its end */
	assert_non_null(text_check("overlong \xc0\xaf", TEXT_NAME_MAX));
	assert_non_null(text_check("overlong \xe0\x80\xaf", TEXT_NAME_MAX));
	assert_non_null(text_check("surrogate \xed\xa0\x80", TEXT_NAME_MAX));
	assert_non_null(text_check("too high \xf4\x90\x80\x80", TEXT_NAME_MAX));
	assert_non_null(text_check("lone \x80", TEXT_NAME_MAX));
	memset(too_long, 'a', TEXT_NAME_MAX + 1);
	too_long[TEXT_NAME_MAX + 1] = '\0';
	assert_string_equal(text_check(too_long, TEXT_NAME_MAX), "is too long");
	/* The limit is in bytes: 85 three-byte characters fit, 86 do not. */
	wide[0] = '\0';
	for (int i = 0; i < 85; i++)
		strcat(wide, "東");
	assert_null(text_check(wide, TEXT_NAME_MAX));
	strcat(wide, "東");
	assert_string_equal(text_check(wide, TEXT_NAME_MAX), "is too long");
}

static void assert_clean(const char *in, size_t n, const char *want)
{
	char out[256];

	assert_int_equal(text_clean(out, sizeof(out), in, n), strlen(want));
	assert_string_equal(out, want);
}

#define CLEAN(in, want) assert_clean(in, sizeof(in) - 1, want)
#define FFFD "\xef\xbf\xbd"

static void test_clean(void **state)
{
	(void)state;
	assert_false(text_needs_cleaning("Example, \"US\" Hosting"));
	assert_true(text_needs_cleaning("東京"));
	assert_true(text_needs_cleaning("a\nb"));
	CLEAN("plain", "plain");
	CLEAN("東京-1", "東京-1");
	CLEAN("X\n2026-12-01T19:00:00Z,evil", "X 2026-12-01T19:00:00Z,evil");
	CLEAN("a\r\nb\tc\x7f" "d", "a  b c d");
	CLEAN("c1\xc2\x85", "c1 ");
	/* One U+FFFD for each maximal invalid subpart, as Python's "replace". */
	CLEAN("\xff", FFFD);
	CLEAN("a\x80\x80" "b", "a" FFFD FFFD "b");
	CLEAN("\xe6\x9d" "A", FFFD "A");		/* a lead and one fitting byte */
	CLEAN("\xe6\x9d\xb1\xe6", "東" FFFD);
	CLEAN("\xed\xa0\x80", FFFD FFFD FFFD);		/* ED A0 is no prefix */
	CLEAN("\xf0\x9f\x93", FFFD);
	CLEAN("\xc0\xaf", FFFD FFFD);
	CLEAN("\xf4\x90", FFFD FFFD);
}

/* A name that does not fit is cut before the character that does not. */
static void test_clean_cuts_at_a_character(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(text_clean(out, sizeof(out), "東京都", 9), 6);
	assert_string_equal(out, "東京");
	assert_int_equal(text_clean(out, sizeof(out), "abcdefghij", 10), 7);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(text_clean(out, 4, "\xff\xff", 2), 3);
	assert_string_equal(out, FFFD);
	assert_int_equal(text_clean(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_accepts),
		cmocka_unit_test(test_check_refuses),
		cmocka_unit_test(test_is_utf8),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_clean_cuts_at_a_character),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
