// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* CSV rows: RFC 4180 quoting, formula neutralisation, and the reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/csv.h"

static void assert_escape(const char *in, const char *want)
{
	struct strbuf sb;

	sb_init(&sb);
	csv_escape(&sb, in);
	assert_string_equal(sb.buf, want);
	assert_int_equal(sb.len, strlen(want));
	sb_free(&sb);
}

static void test_plain_text_untouched(void **state)
{
	(void)state;
	assert_escape("tcp", "tcp");
	assert_escape("Example JP Net", "Example JP Net");
	assert_escape("a'b", "a'b");
	assert_escape("x=1", "x=1"); /* formula characters only matter first */
}

static void test_quoting(void **state)
{
	(void)state;
	assert_escape("a,b", "\"a,b\"");
	assert_escape("line1\nline2", "\"line1\nline2\"");
	assert_escape("cr\rhere", "\"cr\rhere\"");
	assert_escape("Example, \"US\" Hosting", "\"Example, \"\"US\"\" Hosting\"");
	assert_escape("\"", "\"\"\"\"");
	assert_escape("\"\"", "\"\"\"\"\"\"");
}

static void test_neutralisation(void **state)
{
	(void)state;
	assert_escape("=Research Scanner NL", "'=Research Scanner NL");
	assert_escape("+1", "'+1");
	assert_escape("-1", "'-1");
	assert_escape("@SUM(A1)", "'@SUM(A1)");
	assert_escape("\tx", "'\tx");
	/* A leading CR is neutralised and, being a CR, also quoted. */
	assert_escape("\rx", "\"'\rx\"");
	assert_escape("=HYPERLINK(\"http://x\",\"y\")",
		      "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
}

/* A name that really starts with an apostrophe keeps it: guarded where
 * the reader would otherwise take it off, written as it is elsewhere. */
static void test_apostrophe_names(void **state)
{
	(void)state;
	assert_escape("'s-Hertogenbosch Net", "'s-Hertogenbosch Net");
	assert_escape("'", "'");
	assert_escape("'quoted'", "'quoted'");
	assert_escape("'=not a formula", "''=not a formula");
	assert_escape("'-1", "''-1");
	assert_escape("''x", "'''x");
	assert_escape("'\tx", "''\tx");
}

/* The reader takes the guard off, and only the guard. */
static void test_split_unguards(void **state)
{
	char line[] = "'=Research Scanner NL,\"'=a,b\",''=x,'''x,'s-Hertogenbosch,',"
		      "'x,'',x'=y,'\t,\"'\r\"";
	static const char *const want[] = {
		"=Research Scanner NL", "=a,b", "'=x", "''x", "'s-Hertogenbosch", "'",
		"'x", "'", "x'=y", "\t", "\r",
	};
	char *f[16];

	(void)state;
	assert_int_equal(csv_split(line, f, 16), 11);
	for (size_t i = 0; i < 11; i++)
		assert_string_equal(f[i], want[i]);
}

static void test_empty_and_null(void **state)
{
	(void)state;
	assert_escape("", "");
	assert_escape(NULL, "");
}

static void test_utf8_untouched(void **state)
{
	(void)state;
	assert_escape("日本ネットワーク", "日本ネットワーク");
	assert_escape("Zürich, Schweiz", "\"Zürich, Schweiz\"");
}

static void test_row_builder(void **state)
{
	struct strbuf sb;
	struct csv_row row;

	(void)state;
	sb_init(&sb);
	csv_begin(&row, &sb);
	csv_raw(&row, "2024-01-02T03:04:00Z");
	csv_text(&row, "sensor-a");
	csv_u64(&row, 0);
	csv_u64(&row, UINT64_MAX);
	csv_text(&row, "");
	csv_text(&row, "=cmd");
	csv_text(&row, "a,b");
	csv_raw(&row, "-5"); /* trusted: no neutralisation, no quoting */
	csv_end(&row);
	csv_begin(&row, &sb);
	csv_text(&row, "");
	csv_text(&row, "");
	csv_end(&row);
	assert_string_equal(sb.buf,
			    "2024-01-02T03:04:00Z,sensor-a,0,18446744073709551615,,'=cmd,\"a,b\",-5\n"
			    ",\n");
	sb_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	sb_append(&sb, "n=42", 4);
	assert_string_equal(sb.buf, "n=42");
	sb_free(&sb);
}

static void test_buffer_grows(void **state)
{
	struct strbuf sb;
	char chunk[1000];
	int i;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	sb_init(&sb);
	for (i = 0; i < 100; i++)
		sb_append(&sb, chunk, sizeof(chunk));
	assert_int_equal(sb.len, 100000);
	assert_int_equal(strlen(sb.buf), 100000);
	sb_free(&sb);
}

static void test_split_simple(void **state)
{
	char line[] = "time,sensor,,42\n";
	char *f[8];

	(void)state;
	assert_int_equal(csv_split(line, f, 8), 4);
	assert_string_equal(f[0], "time");
	assert_string_equal(f[1], "sensor");
	assert_string_equal(f[2], "");
	assert_string_equal(f[3], "42");
}

static void test_split_quoted(void **state)
{
	char line[] = "\"a,b\",\"say \"\"hi\"\"\",\"\",plain,\"multi\nline\"\r\n";
	char *f[8];

	(void)state;
	assert_int_equal(csv_split(line, f, 8), 5);
	assert_string_equal(f[0], "a,b");
	assert_string_equal(f[1], "say \"hi\"");
	assert_string_equal(f[2], "");
	assert_string_equal(f[3], "plain");
	assert_string_equal(f[4], "multi\nline");
}

static void test_split_empty_fields(void **state)
{
	char line1[] = "";
	char line2[] = ",,";
	char *f[4];

	(void)state;
	assert_int_equal(csv_split(line1, f, 4), 1);
	assert_string_equal(f[0], "");
	assert_int_equal(csv_split(line2, f, 4), 3);
	assert_string_equal(f[0], "");
	assert_string_equal(f[1], "");
	assert_string_equal(f[2], "");
}

static void test_split_too_many(void **state)
{
	char line[] = "a,b,c,d";
	char exact[] = "a,b,c";
	char *f[3];

	(void)state;
	assert_int_equal(csv_split(line, f, 3), -1);
	assert_int_equal(csv_split(exact, f, 3), 3);
	assert_string_equal(f[2], "c");
}

/* Whatever csv_text writes, csv_split reads back as it was: quotes and
 * guard taken off, apostrophes of the name kept. */
static void test_split_round_trip(void **state)
{
	static const char *const texts[] = {
		"plain", "", "a,b", "\"", "Example, \"US\" Hosting",
		"=Research Scanner NL", "\rcr", "lf\nin the middle", "日本, Zürich",
		"trailing quote\"", ",", "\"\"\"", "'=x", "''", "'", "-1", "'s-Hertogenbosch",
	};
	const size_t n = sizeof(texts) / sizeof(texts[0]);
	struct strbuf sb;
	struct csv_row row;
	char *f[24];
	size_t i;

	(void)state;
	sb_init(&sb);
	csv_begin(&row, &sb);
	for (i = 0; i < n; i++)
		csv_text(&row, texts[i]);
	csv_end(&row);
	assert_int_equal(csv_split(sb.buf, f, 24), (int)n);
	for (i = 0; i < n; i++)
		assert_string_equal(f[i], texts[i]);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_untouched),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_neutralisation),
		cmocka_unit_test(test_apostrophe_names),
		cmocka_unit_test(test_split_unguards),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_utf8_untouched),
		cmocka_unit_test(test_row_builder),
		cmocka_unit_test(test_buffer_grows),
		cmocka_unit_test(test_split_simple),
		cmocka_unit_test(test_split_quoted),
		cmocka_unit_test(test_split_empty_fields),
		cmocka_unit_test(test_split_too_many),
		cmocka_unit_test(test_split_round_trip),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
