// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* common/contract.c: the one definition of the CSV contract. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "telescope.h"
#include "common/contract.h"

static void test_series(void **state)
{
	(void)state;
	for (int s = 0; s < S_COUNT; s++) {
		assert_non_null(series_name[s]);
		/* docs/csv.md: these columns come first, in this order */
		assert_int_equal(strncmp(series_header[s], "time,sensor,", 12), 0);
		assert_null(strchr(series_header[s], '\n'));
		for (int t = 0; t < s; t++)
			assert_string_not_equal(series_name[s], series_name[t]);
	}
	assert_string_equal(series_name[S_PORT_COUNTRIES], "port_countries");
}

/* The README's table of files is the contract's headers, file by file. */
static void test_readme_table(void **state)
{
	FILE *f = fopen("README.md", "r");
	char line[512];
	int seen = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		for (int s = 0; s < S_COUNT; s++) {
			char want[400];

			snprintf(want, sizeof(want), "| %s.csv | %s |\n", series_name[s],
				 series_header[s]);
			if (!strncmp(line, want, strlen(series_name[s]) + 8)) {
				assert_string_equal(line, want);
				seen |= 1 << s;
			}
		}
	}
	fclose(f);
	assert_int_equal(seen, (1 << S_COUNT) - 1);
}

static void test_protocols(void **state)
{
	char buf[4];

	(void)state;
	assert_string_equal(proto_name(6, buf), "tcp");
	assert_string_equal(proto_name(17, buf), "udp");
	assert_string_equal(proto_name(1, buf), "icmp");
	assert_string_equal(proto_name(58, buf), "icmpv6");
	assert_string_equal(proto_name(47, buf), "47");
	assert_string_equal(proto_name(255, buf), "255");
	for (int p = 0; p < 256; p++)
		assert_int_equal(proto_parse(proto_name((uint8_t)p, buf)), p);
	assert_int_equal(proto_parse("TCP"), 6);
	assert_int_equal(proto_parse("ICMPv6"), 58);
	assert_int_equal(proto_parse("256"), -1);
	assert_int_equal(proto_parse("tcpx"), -1);
	assert_int_equal(proto_parse(""), -1);
	assert_int_equal(proto_parse("-1"), -1);
}

static void test_kinds_and_tags(void **state)
{
	(void)state;
	for (int k = TS_BS_SYNACK; k < TS_BS_KIND_COUNT; k++) {
		assert_non_null(bs_kind_name((uint8_t)k));
		for (int j = TS_BS_SYNACK; j < k; j++)
			assert_string_not_equal(bs_kind_name((uint8_t)k), bs_kind_name((uint8_t)j));
	}
	assert_string_equal(bs_kind_name(TS_BS_RSTACK), "rstack");
	assert_string_equal(bs_kind_name(TS_BS_KIND_COUNT), "unknown");
	for (int b = 0; b < TS_TAG_BUILTIN_COUNT; b++) {
		assert_non_null(builtin_tag_name(b));
		assert_int_equal(builtin_tag_bit(builtin_tag_name(b)), b);
	}
	assert_string_equal(builtin_tag_name(TS_TAG_MIRAI), "mirai");
	assert_null(builtin_tag_name(TS_TAG_BUILTIN_COUNT));
	assert_null(builtin_tag_name(-1));
	assert_int_equal(builtin_tag_bit("list:mirai"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_readme_table),
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_kinds_and_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
