// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tagcfg_apply() (sensor/tagcfg.c) without a sensor: only parse and check
 * the rules and lists files together, as `run` does at start: at most
 * eight rules on a (protocol, port), a bad list after good ones, and the
 * 64 tag bits that rules and labels share. The kernel side is
 * tests/bpf/test_tags_lists.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sensor/tagcfg.h"
#include "filecase.h"

/* ---- tagcfg_apply, parse only (no sensor): what `run` checks at start ---- */

static void config_parse_only(void **state)
{
	struct dir *d = *state;
	struct tag_config cfg = { 0 };
	char text[2048] = "", err[512] = "";
	const char *path;

	cfg.rules_path = write_file(d, "a udp 1900 0 00\nb udp * 0 00\n");
	cfg.list_paths[cfg.nlists++] = write_file(d, "198.51.100.0/24,x\n");
	cfg.list_paths[cfg.nlists++] = write_file(d, "2001:db8::/32,y\n");
	tag_names_init(&cfg.names);
	if (tagcfg_apply(NULL, &cfg, err, sizeof(err)))
		fail_msg("tagcfg_apply: %s", err);

	/* nine rules on one (protocol, port): the ninth names its line */
	for (int i = 0; i < TS_RULES_PER_KEY + 1; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "# rule %d\nr%d udp 1900 %d 00\n", i, i, i);
	path = write_file(d, text);
	cfg.rules_path = path;
	assert_int_equal(tagcfg_apply(NULL, &cfg, err, sizeof(err)), -1);
	expect_error_at(err, path, 18, "more than 8 rules on udp/this port");
	/* the same nine spread over two ports are fine */
	text[0] = '\0';
	for (int i = 0; i < TS_RULES_PER_KEY + 1; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "r%d udp %d %d 00\n", i, i < 8 ? 1900 : 1901, i);
	cfg.rules_path = write_file(d, text);
	if (tagcfg_apply(NULL, &cfg, err, sizeof(err)))
		fail_msg("tagcfg_apply: %s", err);
	/* nine on every port */
	text[0] = '\0';
	for (int i = 0; i < TS_RULES_PER_KEY + 1; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "r%d tcp * %d 00\n", i, i);
	path = write_file(d, text);
	cfg.rules_path = path;
	assert_int_equal(tagcfg_apply(NULL, &cfg, err, sizeof(err)), -1);
	expect_error_at(err, path, 9, "more than 8 rules on tcp/*");

	/* a bad list after good ones: the list's own file and line */
	cfg.rules_path = NULL;
	path = write_file(d, "10.0.0.0/8,ok\n10.0.0.0/40,bad\n");
	cfg.list_paths[cfg.nlists++] = path;
	assert_int_equal(tagcfg_apply(NULL, &cfg, err, sizeof(err)), -1);
	expect_error_at(err, path, 2, "bad prefix length");
}

/* Rules and labels share the 64 bits: too many names in all fails. */
static void config_runs_out_of_bits(void **state)
{
	struct dir *d = *state;
	struct tag_config cfg = { 0 };
	char text[4096] = "", err[512];
	int free_bits = TS_TAG_MAX - TS_TAG_BUILTIN_COUNT;

	for (int i = 0; i < free_bits; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "r%d udp %d 0 00\n", i, 1000 + i);
	cfg.rules_path = write_file(d, text);
	tag_names_init(&cfg.names);
	if (tagcfg_apply(NULL, &cfg, err, sizeof(err)))
		fail_msg("57 rule tags must fit: %s", err);
	cfg.list_paths[cfg.nlists++] = write_file(d, "10.0.0.0/8,one_more\n");
	assert_int_equal(tagcfg_apply(NULL, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "list:one_more"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(config_parse_only, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(config_runs_out_of_bits, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests_name("tags: tagcfg_apply, parse only", tests, NULL, NULL);
}
