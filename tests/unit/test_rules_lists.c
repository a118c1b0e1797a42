// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The operator's labelled address lists and the tag names
 * (sensor/rules.c): lists parsed into prefixes, each bad form failing
 * with "FILE:LINE: reason", the union masks of nested prefixes that go
 * into the LPM trie (across the two families), and the stable naming of the 64 tag bits that rules
 * and labels share. Files are written into a fresh directory per test
 * (tests/lib/filecase.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "sensor/rules.h"
#include "filecase.h"

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

#define NMASKS 10

/*
 * The masks of the NMASKS prefixes of two lists (b may be NULL), and the
 * bit of each one's label: handed out in list order after the built-in
 * ones.
 */
static void load_masks(const char *a, const char *b, __u64 *masks, int *bit)
{
	struct label_net *nets = NULL;
	struct tag_names names;
	char err[512];
	size_t n = 0;

	tag_names_init(&names);
	if (labels_load(a, &nets, &n, err, sizeof(err)) ||
	    (b && labels_load(b, &nets, &n, err, sizeof(err))))
		fail_msg("labels_load: %s", err);
	assert_int_equal(n, NMASKS);
	if (labels_masks(nets, n, &names, masks, err, sizeof(err)))
		fail_msg("labels_masks: %s", err);
	for (int i = 0; i < NMASKS; i++) {
		bit[i] = tag_bit(&names, nets[i].tag);
		assert_int_equal(bit[i], TS_TAG_BUILTIN_COUNT + i);
	}
	free(nets);
}

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
	__u64 masks[NMASKS];
	int bit[NMASKS];

	load_masks(a, b, masks, bit);
#define B(i) (1ULL << bit[i])
	/* ::/0 holds ::ffff:0:0/96, so every IPv4 prefix inherits its label */
	assert_int_equal(masks[9], B(9) | B(6));
	assert_int_equal(masks[0], B(0) | B(7) | B(9) | B(6));
	assert_int_equal(masks[7], B(0) | B(7) | B(9) | B(6));
	assert_int_equal(masks[1], B(0) | B(7) | B(1) | B(9) | B(6));
	assert_int_equal(masks[8], B(0) | B(7) | B(1) | B(8) | B(9) | B(6));
	assert_int_equal(masks[2], B(0) | B(7) | B(1) | B(8) | B(2) | B(9) | B(6));
	assert_int_equal(masks[3], B(3) | B(9) | B(6));
	/* IPv6 prefixes outside ::ffff:0:0/96 never inherit IPv4 labels */
	assert_int_equal(masks[6], B(6));
	assert_int_equal(masks[4], B(4) | B(6));
	assert_int_equal(masks[5], B(4) | B(5) | B(6));
#undef B
}

/*
 * For the lists an IPv4 address is ::ffff:a.b.c.d (docs/tags.md): a
 * prefix written in either form is the same prefix, and the two forms
 * nest into each other like any prefixes.
 */
static void labels_masks_across_families(void **state)
{
	struct dir *d = *state;
	const char *path = write_file(d,
		"203.0.113.0/24,v4_form\n"            /* 0 */
		"::ffff:203.0.113.0/120,v6_form\n"    /* 1: the same prefix */
		"::/1,low_half\n"                     /* 2: holds ::ffff:0:0/96 */
		"::ffff:0:0/96,all_v4\n"              /* 3: 0.0.0.0/0 as IPv6 */
		"203.0.113.128/25,upper\n"            /* 4: inside 0 and 1 */
		"::ffff:203.0.113.192/122,inner\n"    /* 5: inside 4 */
		"8000::/1,high_half\n"                /* 6: holds no IPv4 */
		"::ffff:198.51.100.0/120,other\n"     /* 7 */
		"198.51.100.7,host\n"                 /* 8: inside 7 */
		"2001:db8::/32,doc\n");               /* 9: in ::/1, not IPv4 */
	__u64 masks[NMASKS];
	int bit[NMASKS];

	load_masks(path, NULL, masks, bit);
#define B(i) (1ULL << bit[i])
	assert_int_equal(masks[0], B(0) | B(1) | B(2) | B(3));
	assert_int_equal(masks[1], B(0) | B(1) | B(2) | B(3));
	assert_int_equal(masks[2], B(2));
	assert_int_equal(masks[3], B(2) | B(3));
	assert_int_equal(masks[4], B(0) | B(1) | B(2) | B(3) | B(4));
	assert_int_equal(masks[5], B(0) | B(1) | B(2) | B(3) | B(4) | B(5));
	assert_int_equal(masks[6], B(6));
	assert_int_equal(masks[7], B(2) | B(3) | B(7));
	assert_int_equal(masks[8], B(2) | B(3) | B(7) | B(8));
	assert_int_equal(masks[9], B(2) | B(9));
#undef B
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(labels_good_files, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_bad_forms, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_name_length_limit, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_long_line, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_nested_masks, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(labels_masks_across_families, setup_dir, teardown_dir),
		cmocka_unit_test(tag_bits_are_stable),
		cmocka_unit_test_setup_teardown(labels_run_out_of_bits, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests_name("tags: labelled lists and tag names", tests, NULL, NULL);
}
