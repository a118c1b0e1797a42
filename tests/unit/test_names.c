// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* report/names.c: countries, services and tags as a reader sees them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "report/names.h"
#include "report/args.h"
#include "report/report.h"

static void test_names(void **state)
{
	char buf[64];
	struct port_id p;

	(void)state;
	assert_string_equal(country_name(cc_slot("jp"), LANG_EN), "Japan");
	assert_string_equal(country_name(cc_slot("JP"), LANG_JA), "日本");
	assert_string_equal(country_name(cc_slot("KR"), LANG_JA), "韓国");
	assert_string_equal(country_name(cc_slot("ZZ"), LANG_EN), "Unknown");
	assert_int_equal(cc_slot("JPN"), -1);
	assert_true(report_n_countries > 249);
	assert_true(parse_port_id("23/tcp", &p));
	assert_int_equal(p.proto, 6);
	port_label(p.proto, p.port, LANG_EN, buf, sizeof(buf));
	assert_string_equal(buf, "23/TCP (telnet)");
	port_label(1, 8, LANG_EN, buf, sizeof(buf));
	assert_string_equal(buf, "ICMP echo request (type 8)");
	port_label(1, 8, LANG_JA, buf, sizeof(buf));
	assert_string_equal(buf, "ICMPエコー要求（タイプ8）");
	port_label(58, 200, LANG_EN, buf, sizeof(buf));
	assert_string_equal(buf, "ICMPv6 type 200");
	assert_false(parse_port_id("70000/tcp", &p));
	assert_false(parse_port_id("23/xyz", &p));
}

static void test_tag_names(void **state)
{
	static const struct {
		const char *tag;
		enum rpt_lang lang;
		const char *label, *kind;
	} cases[] = {
		{ "mirai", LANG_EN, "Mirai-type", "fingerprint" },
		{ "mirai", LANG_JA, "Mirai型", "fingerprint" },
		{ "zmap", LANG_EN, "ZMap-type", "fingerprint" },
		{ "masscan", LANG_JA, "Masscan型", "fingerprint" },
		{ "sip_friendly_scanner", LANG_JA, "SIPVicious型（friendly-scanner）", "fingerprint" },
		{ "list:research-scanner", LANG_EN, "listed: research-scanner", "list" },
		{ "list:research-scanner", LANG_JA, "リスト掲載: research-scanner", "list" },
		{ "ssdp_msearch", LANG_JA, "ssdp_msearch", "rule" },
		{ "listing", LANG_EN, "listing", "rule" },
		{ "bit9", LANG_EN, "bit9", "rule" },
	};
	char buf[96];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tag_label(cases[i].tag, cases[i].lang, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].label);
		assert_string_equal(tag_kind(cases[i].tag), cases[i].kind);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tag_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
