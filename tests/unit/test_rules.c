// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The operator's payload rules (sensor/rules.c, rules_load()): good files
 * with every form of bytes, each bad form failing with "FILE:LINE:
 * reason" naming the line that is wrong, names at their length limit,
 * files that are not regular (a pipe, a FIFO without a writer), and the
 * shipped rules/default.rules. Files are written into a fresh directory
 * per test (tests/lib/filecase.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "sensor/rules.h"
#include "filecase.h"

/* ---- payload rules ---- */

static const struct tag_rule *rule_named(const struct tag_rule *r, size_t n,
					 const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].tag, tag))
			return &r[i];
	fail_msg("no rule %s", tag);
	return NULL;
}

static void expect_rule(const struct tag_rule *r, __u8 proto, bool any,
			__u16 port, __u16 offset, const void *bytes, size_t len,
			int line)
{
	uint8_t zero[TS_RULE_BYTES] = { 0 };

	assert_int_equal(r->proto, proto);
	assert_int_equal(r->any_port, any);
	assert_int_equal(r->port, port);
	assert_int_equal(r->offset, offset);
	assert_int_equal(r->len, len);
	assert_memory_equal(r->bytes, bytes, len);
	/* the kernel compares whole words: bytes past len must be zero */
	if (len < TS_RULE_BYTES)
		assert_memory_equal(r->bytes + len, zero, TS_RULE_BYTES - len);
	assert_int_equal(r->line, line);
}

static void rules_good_file(void **state)
{
	struct dir *d = *state;
	const char *path = write_file(d,
		"# rules for the test\n"                                   /* 1 */
		"   # an indented comment\n"                               /* 2 */
		"\n"                                                       /* 3 */
		"ssdp udp 1900 0 \"M-SEARCH * HTTP/1.1\"\n"                /* 4 */
		"split   udp 137   2   0000 0001 00 # hex split by spaces\n" /* 5 */
		"esc tcp * 10 \"a\\x00b\\\"c\\\\d\\r\\n\\t\"\n"            /* 6 */
		"\t \n"                                                    /* 7 */
		"upper\tudp\t53\t1024\tDEADbeef\n"                         /* 8 */
		"any_tcp tcp * 0 01   \n"                                  /* 9 */
		"full udp 0 1 000102030405060708090a0b0c0d0e0f"
		"101112131415161718191a1b1c1d1e1f\n"                       /* 10 */
		"crlf.v-2 udp 65535 3 \"x\"\r\n"                           /* 11 */
		"quoted_hash udp 1 0 \"a#b\" # a comment after a string\n" /* 12 */
		"ssdp udp 1901 0 4d2d\n");                                 /* 13 */
	struct tag_rule *rules = NULL;
	char err[512] = "";
	uint8_t full[32];
	size_t n = 0;

	for (int i = 0; i < 32; i++)
		full[i] = (uint8_t)i;
	if (rules_load(path, &rules, &n, err, sizeof(err)))
		fail_msg("rules_load: %s", err);
	assert_int_equal(n, 9);
	expect_rule(&rules[0], 17, false, 1900, 0, "M-SEARCH * HTTP/1.1", 19, 4);
	assert_string_equal(rules[0].tag, "ssdp");
	expect_rule(rule_named(rules, n, "split"), 17, false, 137, 2,
		    "\x00\x00\x00\x01\x00", 5, 5);
	expect_rule(rule_named(rules, n, "esc"), 6, true, 0, 10,
		    "a\0b\"c\\d\r\n\t", 10, 6);
	expect_rule(rule_named(rules, n, "upper"), 17, false, 53, 1024,
		    "\xde\xad\xbe\xef", 4, 8);
	expect_rule(rule_named(rules, n, "any_tcp"), 6, true, 0, 0, "\x01", 1, 9);
	expect_rule(rule_named(rules, n, "full"), 17, false, 0, 1, full, 32, 10);
	expect_rule(rule_named(rules, n, "crlf.v-2"), 17, false, 65535, 3, "x", 1, 11);
	expect_rule(rule_named(rules, n, "quoted_hash"), 17, false, 1, 0, "a#b", 3, 12);
	/* one tag may have several rules, in file order */
	assert_string_equal(rules[8].tag, "ssdp");
	expect_rule(&rules[8], 17, false, 1901, 0, "M-", 2, 13);
	free(rules);

	/* an empty file and a file of comments: no rules, no error */
	path = write_file(d, "");
	assert_int_equal(rules_load(path, &rules, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	free(rules);
	path = write_file(d, "# nothing\n\n   \n# yet\n");
	assert_int_equal(rules_load(path, &rules, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	free(rules);
}

/* Each bad line sits at line 3, after a comment and a good rule. */
static void rules_bad_forms(void **state)
{
	static const struct {
		const char *line, *why;
	} cases[] = {
		{ "x icmp 1 0 00", "proto must be tcp or udp" },
		{ "x UDP 1 0 00", "proto must be tcp or udp" },
		{ "x udp 70000 0 00", "port must be 0-65535 or *" },
		{ "x udp 65536 0 00", "port must be 0-65535 or *" },
		{ "x udp -1 0 00", "port must be 0-65535 or *" },
		{ "x udp 80x 0 00", "port must be 0-65535 or *" },
		{ "x udp ** 0 00", "port must be 0-65535 or *" },
		{ "x udp 1 1025 00", "offset must be 0-1024" },
		{ "x udp 1 -1 00", "offset must be 0-1024" },
		{ "x udp 1 1k 00", "offset must be 0-1024" },
		{ "x udp 1 0 abc", "an even number of hex digits" },
		{ "x udp 1 0 ab c", "an even number of hex digits" },
		{ "x udp 1 0 zz", "not hex" },
		{ "x udp 1 0 0x31", "not hex" },
		{ "x udp 1 0 000102030405060708090a0b0c0d0e0f"
		  "101112131415161718191a1b1c1d1e1f20", "at most 32" },
		{ "x udp 1 0 000102030405060708090a0b0c0d0e0f "
		  "101112131415161718191a1b1c1d1e1f 20", "at most 32" },
		{ "x udp 1 0 \"123456789012345678901234567890123\"", "1 to 32" },
		{ "x udp 1 0 \"\"", "1 to 32" },
		{ "x udp 1 0 \"abc", "unterminated string" },
		{ "x udp 1 0 \"abc\\\"", "unterminated string" },
		{ "x udp 1 0 \"a\\qb\"", "unknown escape" },
		{ "x udp 1 0 \"a\\x4\"", "bad \\x escape" },
		{ "x udp 1 0 \"a\\xg0\"", "bad \\x escape" },
		{ "x udp 1 0 \"abc\" def", "extra text after the bytes" },
		{ "x udp 1 0 \"abc\" \"def\"", "extra text after the bytes" },
		{ "x udp 1 0 00 \"abc\"", "not both" },
		{ "x udp 1 0", "want: tag proto port|* offset bytes" },
		{ "x udp", "want: tag proto port|* offset bytes" },
		{ "x udp 1 0 # bytes commented out", "want: tag proto port|* offset bytes" },
		{ "\"x\" udp 1 0 00", "only the bytes may be a quoted string" },
		{ "x udp \"1\" 0 00", "only the bytes may be a quoted string" },
		{ "Bad udp 1 0 00", "tag names are" },
		{ "a/b udp 1 0 00", "tag names are" },
		{ "list:x udp 1 0 00", "tag names are" },
		{ "abcdefghijklmnopqrstuvwxyz012345 udp 1 0 00", "tag names are" },
		{ "mirai udp 1 0 00", "built in" },
		{ "sip_friendly_scanner udp 5060 0 00", "built in" },
		{ "zmap tcp * 0 00", "built in" },
	};
	struct dir *d = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512], err[512] = "";
		struct tag_rule *rules = (struct tag_rule *)&rules;
		size_t n = 99;
		const char *path;

		snprintf(text, sizeof(text), "# good first\nok udp 1 0 00\n%s\nok2 udp 2 0 00\n",
			 cases[i].line);
		path = write_file(d, text);
		if (rules_load(path, &rules, &n, err, sizeof(err)) != -1)
			fail_msg("accepted \"%s\"", cases[i].line);
		expect_error_at(err, path, 3, cases[i].why);
		/* nothing half-loaded is handed back */
		assert_null(rules);
		assert_int_equal(n, 0);
	}
}

static void rules_name_length_limits(void **state)
{
	struct dir *d = *state;
	/* 31 characters: the longest name that fits TAG_NAME_MAX */
	const char *path = write_file(d, "abcdefghijklmnopqrstuvwxyz01234 udp 1 0 00\n");
	struct tag_rule *rules;
	char err[512];
	size_t n;

	if (rules_load(path, &rules, &n, err, sizeof(err)))
		fail_msg("rules_load: %s", err);
	assert_int_equal(n, 1);
	assert_string_equal(rules[0].tag, "abcdefghijklmnopqrstuvwxyz01234");
	free(rules);
}

/* Lines have no length limit: a long comment is just a comment. */
static void rules_long_comment_line(void **state)
{
	struct dir *d = *state;
	char text[2200];
	const char *path;
	struct tag_rule *rules;
	char err[512];
	size_t n;

	strcpy(text, "ok udp 1 0 00\n# ");
	memset(text + strlen(text), 'c', 1500);
	text[16 + 1500] = '\0';
	strcat(text, "\nok2 udp 2 0 00\n");
	path = write_file(d, text);
	assert_int_equal(rules_load(path, &rules, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rules[0].tag, "ok");
	assert_string_equal(rules[1].tag, "ok2");
	assert_int_equal(rules[1].line, 3);
	free(rules);
}

static void rules_not_a_regular_file(void **state)
{
	struct dir *d = *state;
	struct tag_rule *rules;
	char err[512], path[128], want[256];
	int pipefd[2];
	size_t n;

	/* a directory */
	assert_int_equal(rules_load(d->path, &rules, &n, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", d->path);
	assert_string_equal(err, want);

	/* a character device */
	assert_int_equal(rules_load("/dev/null", &rules, &n, err, sizeof(err)), -1);
	assert_string_equal(err, "/dev/null: not a regular file");

	/* a pipe (--rules <(…)): it could not be read again on SIGHUP */
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(write(pipefd[1], "x udp 1 0 00\n", 13), 13);
	snprintf(path, sizeof(path), "/dev/fd/%d", pipefd[0]);
	assert_int_equal(rules_load(path, &rules, &n, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	assert_string_equal(err, want);
	close(pipefd[0]);
	close(pipefd[1]);

	/* missing */
	snprintf(path, sizeof(path), "%s/missing.rules", d->path);
	assert_int_equal(rules_load(path, &rules, &n, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
}

/*
 * A named pipe that nobody writes: rejected at once like any file that
 * is not regular, not waited on (a SIGHUP reload runs in the loop that
 * drains the maps). The load runs in a child so a hang is a failure.
 */
static void rules_named_pipe_without_writer(void **state)
{
	struct dir *d = *state;
	char path[128];
	int status = 0;
	pid_t child;

	snprintf(path, sizeof(path), "%s/rules.fifo", d->path);
	assert_int_equal(mkfifo(path, 0600), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct tag_rule *rules;
		char err[512], want[256];
		size_t n;

		alarm(2);
		snprintf(want, sizeof(want), "%s: not a regular file", path);
		_exit(rules_load(path, &rules, &n, err, sizeof(err)) == -1 &&
		      !strcmp(err, want) ? 0 : 1);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	if (WIFSIGNALED(status))
		fail_msg("rules_load on a FIFO without a writer blocked (killed by "
			 "signal %d after 2 s)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The shipped file: run loads it by default, so it must parse. */
static void default_rules_parse(void **state)
{
	static const uint8_t udp_0x31[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x31, 0 };
	/* flags 0, one question, no other records, then the length 32 and
	 * the first bytes of "CKAAAA…", the encoded wildcard name "*" */
	static const uint8_t nbstat[18] = { 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
					    0x00, 0x00, 0x00, 0x00, 0x20, 0x43,
					    0x4b, 0x41, 0x41, 0x41, 0x41, 0x41 };
	struct tag_rule *rules;
	char err[512];
	size_t n;

	(void)state;
	if (rules_load("rules/default.rules", &rules, &n, err, sizeof(err)))
		fail_msg("rules/default.rules (run from the repository root): %s", err);
	assert_int_equal(n, 3);
	assert_string_equal(rules[0].tag, "ssdp_msearch");
	assert_int_equal(rules[0].proto, 17);
	assert_false(rules[0].any_port);
	assert_int_equal(rules[0].port, 1900);
	assert_int_equal(rules[0].offset, 0);
	assert_int_equal(rules[0].len, 19);
	assert_memory_equal(rules[0].bytes, "M-SEARCH * HTTP/1.1", 19);
	assert_string_equal(rules[1].tag, "udp_0x31");
	expect_rule(&rules[1], 17, true, 0, 0, udp_0x31, 10, rules[1].line);
	assert_string_equal(rules[2].tag, "netbios_nbstat");
	expect_rule(&rules[2], 17, false, 137, 2, nbstat, 18, rules[2].line);
	free(rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rules_good_file, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(rules_bad_forms, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(rules_name_length_limits, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(rules_long_comment_line, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(rules_not_a_regular_file, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(rules_named_pipe_without_writer, setup_dir, teardown_dir),
		cmocka_unit_test(default_rules_parse),
	};

	return cmocka_run_group_tests_name("tags: payload rules", tests, NULL, NULL);
}
