// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The operator's tags (user/tags.c, user/tagcfg.c parse-only): payload
 * rule files, labelled address lists, the union masks of nested
 * prefixes, and the stable naming of the 64 tag bits. Files are written
 * into a fresh directory per test; every bad form must fail with
 * "FILE:LINE: reason" naming the line that is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "fingerprint.h"
#include "sensor/rows.h"
#include "sensor/tagcfg.h"
#include "sensor/rules.h"

#define TAG_M(bit) (1ULL << (bit))

struct dir {
	char path[64];
	int files;
};

static int setup_dir(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	snprintf(d->path, sizeof(d->path), "/tmp/ts-test-tags-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	*state = d;
	return 0;
}

static int teardown_dir(void **state)
{
	struct dir *d = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

/* Write `text` into a new file of the test's directory; returns its path. */
static const char *write_file(struct dir *d, const char *text)
{
	static char path[8][128];
	char *p = path[d->files % 8];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/file%d", d->path, d->files++);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return p;
}

/* err must be "PATH:LINE: …" and contain `why`. */
static void expect_error_at(const char *err, const char *path, int line,
			    const char *why)
{
	char prefix[192];

	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, why))
		fail_msg("error \"%s\", expected \"%s…%s…\"", err, prefix, why);
}

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

/* ---- labelled address lists ---- */

static void expect_net(const struct label_net *net, const char *addr,
		       int prefixlen, const char *tag)
{
	uint8_t want[16] = { 0 };
	int v6 = strchr(addr, ':') != NULL;

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, addr, want), 1);
	assert_int_equal(net->family, v6 ? TS_FAMILY_IPV6 : TS_FAMILY_IPV4);
	assert_int_equal(net->prefixlen, prefixlen);
	assert_memory_equal(net->addr, want, 16);
	assert_string_equal(net->tag, tag);
}

static void labels_good_files(void **state)
{
	struct dir *d = *state;
	const char *a = write_file(d,
		"# announced research scanners\n"
		"198.51.100.128/25,research_nl\n"
		"  203.0.113.7 ,  single_host   # one address, spaces around\n"
		"\n"
		"2001:db8:1::/48,v6net\r\n"
		"2001:db8:1:2::5,v6host\n"
		"198.51.100.200/24,hostbits\n"
		"2001:db8:ffff:ffff::1/33,v6hostbits\n"
		"0.0.0.0/0,everything.v4\n"
		"203.0.113.77/31,odd-len\n");
	const char *b = write_file(d, "198.51.100.0/24,second_file\n");
	struct label_net *nets = NULL;
	char err[512];
	size_t n = 0;

	if (labels_load(a, &nets, &n, err, sizeof(err)))
		fail_msg("labels_load: %s", err);
	assert_int_equal(n, 8);
	expect_net(&nets[0], "198.51.100.128", 25, "list:research_nl");
	expect_net(&nets[1], "203.0.113.7", 32, "list:single_host");
	expect_net(&nets[2], "2001:db8:1::", 48, "list:v6net");
	expect_net(&nets[3], "2001:db8:1:2::5", 128, "list:v6host");
	expect_net(&nets[4], "198.51.100.0", 24, "list:hostbits");
	expect_net(&nets[5], "2001:db8:8000::", 33, "list:v6hostbits");
	expect_net(&nets[6], "0.0.0.0", 0, "list:everything.v4");
	expect_net(&nets[7], "203.0.113.76", 31, "list:odd-len");

	/* a second list appends */
	if (labels_load(b, &nets, &n, err, sizeof(err)))
		fail_msg("labels_load: %s", err);
	assert_int_equal(n, 9);
	expect_net(&nets[0], "198.51.100.128", 25, "list:research_nl");
	expect_net(&nets[8], "198.51.100.0", 24, "list:second_file");
	free(nets);
}

static void labels_bad_forms(void **state)
{
	static const struct {
		const char *line, *why;
	} cases[] = {
		{ "198.51.100.0/24", "want CIDR,label" },
		{ "198.51.100.0/24 research", "want CIDR,label" },
		{ "198.51.100.300/24,x", "is not an IPv4 or IPv6 address" },
		{ "198.51.100/24,x", "is not an IPv4 or IPv6 address" },
		{ "2001:db8::g/32,x", "is not an IPv4 or IPv6 address" },
		{ "example.net,x", "is not an IPv4 or IPv6 address" },
		{ ",x", "is not an IPv4 or IPv6 address" },
		{ "198.51.100.0/33,x", "bad prefix length" },
		{ "198.51.100.0/-1,x", "bad prefix length" },
		{ "198.51.100.0/,x", "bad prefix length" },
		{ "198.51.100.0/24/8,x", "bad prefix length" },
		{ "198.51.100.0/2x,x", "bad prefix length" },
		{ "2001:db8::/129,x", "bad prefix length" },
		{ "198.51.100.0/24,", "labels are" },
		{ "198.51.100.0/24,Research", "labels are" },
		{ "198.51.100.0/24,two words", "labels are" },
		{ "198.51.100.0/24,a,b", "labels are" },
		{ "198.51.100.0/24,abcdefghijklmnopqrstuvwxyz0", "labels are" },
	};
	struct dir *d = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512], err[512] = "";
		struct label_net *nets = NULL;
		size_t n = 0;
		const char *path;

		snprintf(text, sizeof(text), "# list\n203.0.113.0/24,ok\n%s\n10.0.0.0/8,ok2\n",
			 cases[i].line);
		path = write_file(d, text);
		if (labels_load(path, &nets, &n, err, sizeof(err)) != -1)
			fail_msg("accepted \"%s\"", cases[i].line);
		expect_error_at(err, path, 3, cases[i].why);
		free(nets);
	}
}

static void labels_name_length_limit(void **state)
{
	struct dir *d = *state;
	/* 26 characters: with "list:" the longest tag name that fits */
	const char *path = write_file(d, "10.0.0.0/8,abcdefghijklmnopqrstuvwxyz\n");
	struct label_net *nets = NULL;
	char err[512];
	size_t n = 0;

	if (labels_load(path, &nets, &n, err, sizeof(err)))
		fail_msg("labels_load: %s", err);
	assert_int_equal(n, 1);
	assert_string_equal(nets[0].tag, "list:abcdefghijklmnopqrstuvwxyz");
	free(nets);
}

/* Lines have no length limit: a long comment in a list is a comment. */
static void labels_long_line(void **state)
{
	struct dir *d = *state;
	char text[1200] = "# ";
	struct label_net *nets = NULL;
	char err[512] = "";
	size_t n = 0;
	const char *path;

	memset(text + 2, 'c', 700);
	strcpy(text + 702, "\n198.51.100.0/24,after_comment\n");
	path = write_file(d, text);
	if (labels_load(path, &nets, &n, err, sizeof(err)))
		fail_msg("a 702-byte comment on line 1 gave: %s", err);
	assert_int_equal(n, 1);
	expect_net(&nets[0], "198.51.100.0", 24, "list:after_comment");
	free(nets);
}

/* ---- the LPM values: the union of the labels of every enclosing prefix ---- */

static void labels_nested_masks(void **state)
{
	struct dir *d = *state;
	const char *a = write_file(d,
		"198.51.100.0/24,jp_block\n"         /* 0 */
		"198.51.100.128/25,research\n"       /* 1 */
		"198.51.100.200/32,one_host\n"       /* 2 */
		"203.0.113.0/24,us_block\n"          /* 3 */
		"2001:db8::/32,v6_all\n"             /* 4 */
		"2001:db8:1::/48,v6_inner\n"         /* 5 */
		"::/0,v6_everything\n");             /* 6 */
	const char *b = write_file(d,
		"198.51.100.0/24,second_list\n"      /* 7: same prefix, another label */
		"198.51.100.192/26,between\n"        /* 8: between /25 and /32 */
		"0.0.0.0/0,v4_everything\n");        /* 9 */
	struct label_net *nets = NULL;
	struct tag_names names;
	__u64 masks[10];
	char err[512];
	size_t n = 0;
	int bit[10];

	tag_names_init(&names);
	if (labels_load(a, &nets, &n, err, sizeof(err)) ||
	    labels_load(b, &nets, &n, err, sizeof(err)))
		fail_msg("labels_load: %s", err);
	assert_int_equal(n, 10);
	if (labels_masks(nets, n, &names, masks, err, sizeof(err)))
		fail_msg("labels_masks: %s", err);
	for (int i = 0; i < 10; i++) {
		bit[i] = tag_bit(&names, nets[i].tag);
		assert_true(bit[i] >= TS_TAG_BUILTIN_COUNT);
		/* bits are handed out in list order after the built-in ones */
		assert_int_equal(bit[i], TS_TAG_BUILTIN_COUNT + i);
	}
#define B(i) (1ULL << bit[i])
	assert_int_equal(masks[9], B(9));
	assert_int_equal(masks[0], B(0) | B(7) | B(9));
	assert_int_equal(masks[7], B(0) | B(7) | B(9));
	assert_int_equal(masks[1], B(0) | B(7) | B(1) | B(9));
	assert_int_equal(masks[8], B(0) | B(7) | B(1) | B(8) | B(9));
	assert_int_equal(masks[2], B(0) | B(7) | B(1) | B(8) | B(2) | B(9));
	assert_int_equal(masks[3], B(3) | B(9));
	/* IPv6 prefixes never inherit IPv4 labels, nor the other way round */
	assert_int_equal(masks[6], B(6));
	assert_int_equal(masks[4], B(4) | B(6));
	assert_int_equal(masks[5], B(4) | B(5) | B(6));
#undef B
	free(nets);
}

/* ---- tag bits ---- */

static void tag_bits_are_stable(void **state)
{
	struct tag_names names;
	char name[32];
	int bits[TS_TAG_MAX];

	(void)state;
	tag_names_init(&names);
	assert_int_equal(tag_bit(&names, "mirai"), TS_TAG_MIRAI);
	assert_int_equal(tag_bit(&names, "zmap"), TS_TAG_ZMAP);
	assert_int_equal(tag_bit(&names, "masscan"), TS_TAG_MASSCAN);
	assert_int_equal(tag_bit(&names, "nmap_syn"), TS_TAG_NMAP_SYN);
	assert_int_equal(tag_bit(&names, "synful_knock"), TS_TAG_SYNFUL_KNOCK);
	assert_int_equal(tag_bit(&names, "sip_options"), TS_TAG_SIP_OPTIONS);
	assert_int_equal(tag_bit(&names, "sip_friendly_scanner"), TS_TAG_SIP_FRIENDLY);
	for (int b = 0; b < TS_TAG_BUILTIN_COUNT; b++)
		assert_string_equal(builtin_tag_name(b), names.name[b]);
	assert_null(builtin_tag_name(TS_TAG_BUILTIN_COUNT));
	assert_null(builtin_tag_name(-1));

	for (int i = TS_TAG_BUILTIN_COUNT; i < TS_TAG_MAX; i++) {
		snprintf(name, sizeof(name), "tag%d", i);
		bits[i] = tag_bit(&names, name);
		assert_int_equal(bits[i], i);
	}
	/* every name keeps its bit; a 65th name has none */
	for (int i = TS_TAG_MAX - 1; i >= TS_TAG_BUILTIN_COUNT; i--) {
		snprintf(name, sizeof(name), "tag%d", i);
		assert_int_equal(tag_bit(&names, name), bits[i]);
	}
	assert_int_equal(tag_bit(&names, "one_too_many"), -1);
	assert_int_equal(tag_bit(&names, "list:another"), -1);
	assert_int_equal(tag_bit(&names, "mirai"), TS_TAG_MIRAI);
	assert_int_equal(tag_bit(&names, "tag63"), 63);
}

/* Labels need bits too: a list with more labels than bits left fails. */
static void labels_run_out_of_bits(void **state)
{
	struct dir *d = *state;
	char text[4096] = "";
	struct label_net *nets = NULL;
	struct tag_names names;
	__u64 masks[TS_TAG_MAX];
	char err[512];
	size_t n = 0;
	const char *path;

	for (int i = 0; i < TS_TAG_MAX - TS_TAG_BUILTIN_COUNT + 1; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "10.%d.0.0/16,label%d\n", i, i);
	path = write_file(d, text);
	if (labels_load(path, &nets, &n, err, sizeof(err)))
		fail_msg("labels_load: %s", err);
	assert_int_equal(n, TS_TAG_MAX - TS_TAG_BUILTIN_COUNT + 1);
	tag_names_init(&names);
	assert_int_equal(labels_masks(nets, n, &names, masks, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "list:label57"));
	/* one fewer fits exactly */
	tag_names_init(&names);
	assert_int_equal(labels_masks(nets, n - 1, &names, masks, err, sizeof(err)), 0);
	assert_int_equal(masks[56], 1ULL << 63);
	free(nets);
}

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

/* ---- tags.csv rows from one drained generation ---- */

static struct tag_entry tag4(__u8 a, __u8 b, __u8 c, __u8 d, __u8 proto,
			     __u16 port, __u64 tags, __u64 packets)
{
	struct tag_entry e = { 0 };

	e.key.addr[0] = a; e.key.addr[1] = b; e.key.addr[2] = c; e.key.addr[3] = d;
	e.key.family = TS_FAMILY_IPV4;
	e.key.proto = proto;
	e.key.port = port;
	e.key.tags = tags;
	e.packets = packets;
	return e;
}

/* Does sb hold exactly this line, as a whole row? */
static int has_line(const struct strbuf *sb, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = sb->buf; p && p < sb->buf + sb->len;) {
		const char *nl = memchr(p, '\n', (size_t)(sb->buf + sb->len - p));

		if (nl && (size_t)(nl - p) == n && !memcmp(p, line, n))
			return 1;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/*
 * A packet with k tags is in k rows; sources count distinct addresses per
 * (tag, proto, port, country) even across masks; overflowed packets are
 * under ZZ without sources; a bit without a name is "bitN".
 */
static void tag_rows_from_a_snapshot(void **state)
{
	const __u64 mirai = TAG_M(TS_TAG_MIRAI), zmap = TAG_M(TS_TAG_ZMAP),
		    sip = TAG_M(TS_TAG_SIP_OPTIONS), friendly = TAG_M(TS_TAG_SIP_FRIENDLY),
		    knock = TAG_M(TS_TAG_SYNFUL_KNOCK);
	struct dir *d = *state;
	struct tag_entry tags[8];
	struct tagov_entry ov[2] = { 0 };
	struct snapshot snap = { 0 };
	struct strbuf out[S_COUNT];
	struct tag_names names;
	char cmd[512], country[160], asn[160];
	struct geo *geo;
	__u64 research, lines = 0;
	const char *t = "2022-10-01T00:00:00Z,s1,";
	char row[160];

	snprintf(country, sizeof(country), "%s/country.mmdb", d->path);
	snprintf(asn, sizeof(asn), "%s/asn.mmdb", d->path);
	snprintf(cmd, sizeof(cmd), "perl tests/lib/mkmmdb.pl country %s && "
		 "perl tests/lib/mkmmdb.pl asn %s", country, asn);
	assert_int_equal(system(cmd), 0);
	geo = geo_open(country, asn, cmd, sizeof(cmd));
	assert_non_null(geo);
	tag_names_init(&names);
	research = TAG_M(tag_bit(&names, "list:research"));

	tags[0] = tag4(198, 51, 100, 10, 6, 23, mirai | zmap, 5);      /* JP */
	tags[1] = tag4(198, 51, 100, 10, 6, 23, mirai, 2);             /* same source */
	tags[2] = tag4(198, 51, 100, 20, 6, 23, mirai, 3);             /* JP */
	tags[3] = tag4(198, 51, 100, 10, 6, 2323, mirai, 1);           /* JP */
	tags[4] = tag4(198, 51, 100, 200, 17, 5060, sip | friendly | research, 4); /* NL */
	tags[5] = tag4(10, 1, 2, 3, 6, 23, mirai, 6);                  /* ZZ */
	tags[6] = tag4(203, 0, 113, 9, 6, 23, TAG_M(50), 1);           /* US, unnamed */
	tags[7] = (struct tag_entry){ 0 };                             /* DE, IPv6 */
	memcpy(tags[7].key.addr, (const __u8[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
	tags[7].key.addr[15] = 5;
	tags[7].key.family = TS_FAMILY_IPV6;
	tags[7].key.proto = 6;
	tags[7].key.port = 80;
	tags[7].key.tags = knock;
	tags[7].packets = 1;
	ov[0].key.tags = mirai;
	ov[0].key.proto = 6;
	ov[0].key.port = 23;
	ov[0].packets = 7;
	ov[1].key.tags = sip | friendly;
	ov[1].key.proto = 17;
	ov[1].key.port = 5060;
	ov[1].packets = 2;
	snap.since = 1664582400;
	snap.tags = tags;
	snap.ntags = 8;
	snap.tagov = ov;
	snap.ntagov = 2;
	snap.totals.tagged = 5 + 2 + 3 + 1 + 4 + 6 + 1 + 1 + 7 + 2;
	snap.totals.tag_overflow = 9;
	for (int i = 0; i < S_COUNT; i++)
		sb_init(&out[i]);
	rows_build(&snap, geo, &names, "s1", out);

	static const char *const want[] = {
		"mirai,tcp,23,JP,10,2",
		"zmap,tcp,23,JP,5,1",
		"mirai,tcp,2323,JP,1,1",
		"sip_options,udp,5060,NL,4,1",
		"sip_friendly_scanner,udp,5060,NL,4,1",
		"list:research,udp,5060,NL,4,1",
		"mirai,tcp,23,ZZ,13,1",
		"bit50,tcp,23,US,1,1",
		"synful_knock,tcp,80,DE,1,1",
		"sip_options,udp,5060,ZZ,2,0",
		"sip_friendly_scanner,udp,5060,ZZ,2,0",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(row, sizeof(row), "%s%s", t, want[i]);
		if (!has_line(&out[S_TAGS], row))
			fail_msg("no row %s in:\n%.*s", row, (int)out[S_TAGS].len,
				 out[S_TAGS].buf);
	}
	for (size_t i = 0; i < out[S_TAGS].len; i++)
		lines += out[S_TAGS].buf[i] == '\n';
	assert_int_equal(lines, sizeof(want) / sizeof(want[0]));
	/* the totals row ends with tagged and tag_overflow */
	snprintf(row, sizeof(row), ",%llu,9\n", (unsigned long long)snap.totals.tagged);
	assert_true(out[S_TOTALS].len > strlen(row));
	assert_string_equal(out[S_TOTALS].buf + out[S_TOTALS].len - strlen(row), row);
	assert_string_equal(series_header[S_TAGS],
			    "time,sensor,tag,proto,port,country,packets,sources");
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&out[i]);
	geo_close(geo);
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
		cmocka_unit_test_setup_teardown(labels_good_files, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_bad_forms, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_name_length_limit, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_long_line, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_nested_masks, setup_dir, teardown_dir),
		cmocka_unit_test(tag_bits_are_stable),
		cmocka_unit_test_setup_teardown(labels_run_out_of_bits, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(config_parse_only, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(config_runs_out_of_bits, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(tag_rows_from_a_snapshot, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests_name("tags", tests, NULL, NULL);
}
