// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The option tables (lib/options.h) and the number parser under them
 * (lib/number.h): every parser, the range and overflow checks, repeats,
 * required options, positional counts, the --help text and the error
 * lines, read back from the real stdout and stderr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/number.h"
#include "lib/options.h"

/* --- capturing what a parse writes -------------------------------------- */

static char out[8192], err[8192];

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* fds 1 and 2 go to files until end_capture() reads them into out and err */
static FILE *cap_out, *cap_err;
static int saved_out, saved_err;

static void begin_capture(void)
{
	cap_out = tmpfile();
	cap_err = tmpfile();
	assert_non_null(cap_out);
	assert_non_null(cap_err);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fileno(cap_out), 1);
	dup2(fileno(cap_err), 2);
}

static void end_capture(void)
{
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(cap_out, out, sizeof(out));
	slurp(cap_err, err, sizeof(err));
}

static int parse_args(const struct opt_cmd *c, void *cfg, int *argi, const char *const *args)
{
	char *argv[32];
	int argc = 0, rc;

	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	begin_capture();
	rc = opt_parse(c, argc, argv, cfg, argi);
	end_capture();
	return rc;
}

#define PARSE(c, cfg, ...) parse_args(c, cfg, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* rc is OPT_EXIT_USAGE and stderr the one line want. */
#define BAD(want, c, cfg, ...)                                        \
	do {                                                          \
		assert_int_equal(PARSE(c, cfg, __VA_ARGS__), OPT_EXIT_USAGE); \
		assert_string_equal(err, want "\n");                  \
		assert_string_equal(out, "");                         \
	} while (0)

/* --- the number parser ------------------------------------------------ */

static void test_parse_uint(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_true(parse_uint("0", 0, 10, &v));
	assert_int_equal(v, 0);
	assert_true(parse_uint("007", 0, 10, &v));
	assert_int_equal(v, 7);
	assert_true(parse_uint("18446744073709551615", 0, UINT64_MAX, &v));
	assert_true(v == UINT64_MAX);
	assert_true(parse_uint("10", 10, 10, &v));
	v = 3;
	/* overflow, sign, exponent, space, base, trailing text, empty */
	assert_false(parse_uint("18446744073709551616", 0, UINT64_MAX, &v));
	assert_false(parse_uint("99999999999999999999999", 0, UINT64_MAX, &v));
	assert_false(parse_uint("-1", 0, UINT64_MAX, &v));
	assert_false(parse_uint("+1", 0, UINT64_MAX, &v));
	assert_false(parse_uint("1e3", 0, UINT64_MAX, &v));
	assert_false(parse_uint(" 1", 0, UINT64_MAX, &v));
	assert_false(parse_uint("1 ", 0, UINT64_MAX, &v));
	assert_false(parse_uint("0x10", 0, UINT64_MAX, &v));
	assert_false(parse_uint("12a", 0, UINT64_MAX, &v));
	assert_false(parse_uint("", 0, UINT64_MAX, &v));
	/* the range */
	assert_false(parse_uint("9", 10, 20, &v));
	assert_false(parse_uint("21", 10, 20, &v));
	assert_int_equal(v, 3);	/* untouched by every failure */
}

/* --- one table with every kind ------------------------------------------ */

struct cfg {
	bool flag;
	const char *str;
	uint8_t u8;
	uint8_t guard8;
	uint16_t u16;
	uint16_t guard16;
	uint32_t u32;
	uint64_t u64;
	int top;		/* an int field holds a number up to INT_MAX */
	double rate;
	double ratio;
	int mode;
	uint8_t small_word;
	const char *files[3];
	int nfiles;
	int even;
	int customs;
};

static const char *const modes[] = { "auto", "native", "skb", NULL };
static const char *const formats[] = { "html", "md|markdown", "csv", NULL };

static bool parse_even(const struct opt *o, const char *arg, void *c)
{
	uint64_t v;

	((struct cfg *)c)->customs++;
	if (!parse_uint(arg, 0, 1000, &v) || v % 2)
		return false;
	*(int *)opt_field(o, c) = (int)v;
	return true;
}

#define C struct cfg
static const struct opt all_opts[] = {
	OPT_FLAG(C, flag, "flag", 'f', "a flag"),
	OPT_STRING(C, str, "str", 's', "S", "a string"),
	OPT_UINT(C, u8, "u8", 0, "N", 0, 255, "one byte"),
	OPT_UINT(C, u16, "u16", 0, "N", 1, 65535, "two bytes"),
	OPT_UINT(C, u32, "u32", 'n', "N", 0, UINT32_MAX, "four bytes"),
	OPT_UINT(C, u64, "u64", 0, "N", 0, UINT64_MAX, "eight bytes"),
	OPT_UINT(C, top, "top", 0, "N", 1, 100, "an int"),
	OPT_DOUBLE(C, rate, "rate", 0, "R", 0, 1000, "above 0", .above = true),
	OPT_DOUBLE(C, ratio, "ratio", 0, "R", 0, 1, "from 0"),
	OPT_WORD(C, mode, "mode", 'm', "MODE", modes, "a word"),
	OPT_WORD(C, small_word, "format", 0, "F", formats, "a word with an alias"),
	OPT_LIST(C, files, nfiles, "file", 'l', "FILE", "repeatable"),
	OPT_CUSTOM(C, even, "even", 0, "N", parse_even, "an even number up to 1000",
		   "custom", .max_times = 2),
	OPT_END,
};
#undef C

static const struct opt_cmd all_cmd = {
	.prog = "xdp-telescope", .name = "demo", .args = "IFACE", .min_args = 1,
	.max_args = 1, .opts = all_opts,
};

static struct cfg fresh(void)
{
	return (struct cfg){ .guard8 = 0xaa, .guard16 = 0xbbbb, .mode = -1 };
}

static void test_every_parser(void **state)
{
	struct cfg c = fresh();
	int argi = 0;

	(void)state;
	assert_null(opt_check(&all_cmd));
	assert_int_equal(parse_args(&all_cmd, &c, &argi, (const char *const[]){
		"demo", "eth0", "-f", "--str", "x y", "--u8", "255", "--u16=65535",
		"-n4294967295", "--u64", "18446744073709551615", "--top", "100",
		"--rate", "1e3", "--ratio", "0", "-m", "skb", "--format", "markdown",
		"-l", "a", "--file", "b", "--even", "42", NULL }), OPT_GO);
	assert_string_equal(err, "");
	assert_true(c.flag);
	assert_string_equal(c.str, "x y");
	assert_int_equal(c.u8, 255);
	assert_int_equal(c.guard8, 0xaa);	/* written at the field's width */
	assert_int_equal(c.u16, 65535);
	assert_int_equal(c.guard16, 0xbbbb);
	assert_int_equal(c.u32, UINT32_MAX);
	assert_true(c.u64 == UINT64_MAX);
	assert_int_equal(c.top, 100);
	assert_true(c.rate == 1000.0);
	assert_true(c.ratio == 0.0);
	assert_int_equal(c.mode, 2);
	assert_int_equal(c.small_word, 1);	/* "markdown" is "md" */
	assert_int_equal(c.nfiles, 2);
	assert_string_equal(c.files[0], "a");
	assert_string_equal(c.files[1], "b");
	assert_int_equal(c.even, 42);
	assert_int_equal(argi, 26);	/* the interface, moved after the options */

	/* short flags together, a value glued on, the last of a repeat counts */
	c = fresh();
	assert_int_equal(PARSE(&all_cmd, &c, "demo", "eth0", "-fmnative", "-n", "5",
			       "--u32", "6"), OPT_GO);
	assert_true(c.flag);
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.u32, 6);
	/* --format md and --format html: the first word of each entry */
	assert_int_equal(PARSE(&all_cmd, &c, "demo", "eth0", "--format", "md"), OPT_GO);
	assert_int_equal(c.small_word, 1);
	assert_int_equal(PARSE(&all_cmd, &c, "demo", "eth0", "--format", "html"), OPT_GO);
	assert_int_equal(c.small_word, 0);
}

#define DEMO "xdp-telescope: error: demo: "
#define TRY " (try 'xdp-telescope demo --help')"

static void test_bad_values(void **state)
{
	struct cfg c = fresh();

	(void)state;
	BAD(DEMO "--u64 wants a whole number from 0 to 18446744073709551615, not "
	    "'18446744073709551616'", &all_cmd, &c, "demo", "x", "--u64",
	    "18446744073709551616");
	BAD(DEMO "--u32 wants a whole number from 0 to 4294967295, not '4294967296'",
	    &all_cmd, &c, "demo", "x", "--u32", "4294967296");
	BAD(DEMO "--u8 wants a whole number from 0 to 255, not '256'", &all_cmd, &c,
	    "demo", "x", "--u8", "256");
	BAD(DEMO "--u16 wants a whole number from 1 to 65535, not '0'", &all_cmd, &c,
	    "demo", "x", "--u16", "0");
	BAD(DEMO "--u32 wants a whole number from 0 to 4294967295, not '-1'", &all_cmd, &c,
	    "demo", "x", "-n", "-1");
	BAD(DEMO "--top wants a whole number from 1 to 100, not '1e3'", &all_cmd, &c,
	    "demo", "x", "--top", "1e3");
	BAD(DEMO "--top wants a whole number from 1 to 100, not ''", &all_cmd, &c,
	    "demo", "x", "--top", "");
	BAD(DEMO "--rate wants a number above 0 and at most 1000, not '0'", &all_cmd, &c,
	    "demo", "x", "--rate", "0");
	BAD(DEMO "--rate wants a number above 0 and at most 1000, not '1000.5'", &all_cmd,
	    &c, "demo", "x", "--rate", "1000.5");
	BAD(DEMO "--rate wants a number above 0 and at most 1000, not 'nan'", &all_cmd, &c,
	    "demo", "x", "--rate", "nan");
	BAD(DEMO "--rate wants a number above 0 and at most 1000, not ' 5'", &all_cmd, &c,
	    "demo", "x", "--rate", " 5");
	BAD(DEMO "--ratio wants a number from 0 to 1, not '-0.5'", &all_cmd, &c, "demo", "x",
	    "--ratio", "-0.5");
	BAD(DEMO "--ratio wants a number from 0 to 1, not ''", &all_cmd, &c, "demo", "x",
	    "--ratio", "");
	BAD(DEMO "--mode wants auto, native or skb, not 'fast'", &all_cmd, &c, "demo", "x",
	    "--mode", "fast");
	BAD(DEMO "--format wants html, md or csv, not 'mark'", &all_cmd, &c, "demo", "x",
	    "--format", "mark");
	BAD(DEMO "--even wants an even number up to 1000, not '3'", &all_cmd, &c, "demo",
	    "x", "--even", "3");
	assert_int_equal(c.u8, 0);	/* nothing written by a bad value */
	assert_int_equal(c.mode, -1);
}

static void test_repeats(void **state)
{
	struct cfg c = fresh();

	(void)state;
	BAD(DEMO "--file can be given at most 3 times", &all_cmd, &c, "demo", "x",
	    "-l", "a", "-l", "b", "--file", "c", "--file", "d");
	assert_int_equal(c.nfiles, 3);
	c = fresh();
	BAD(DEMO "--even can be given at most 2 times", &all_cmd, &c, "demo", "x",
	    "--even", "2", "--even", "4", "--even", "6");
	assert_int_equal(c.customs, 2);	/* the third is refused unread */
}

static void test_usage_errors(void **state)
{
	struct cfg c = fresh();

	(void)state;
	BAD(DEMO "unknown option '--frobnicate'" TRY, &all_cmd, &c, "demo", "x",
	    "--frobnicate");
	BAD(DEMO "unknown option '--frobnicate'" TRY, &all_cmd, &c, "demo", "x",
	    "--frobnicate=3");
	BAD(DEMO "unknown option '-x'" TRY, &all_cmd, &c, "demo", "x", "-fx");
	BAD(DEMO "ambiguous option '--u'" TRY, &all_cmd, &c, "demo", "x", "--u", "3");
	BAD(DEMO "--str needs a value" TRY, &all_cmd, &c, "demo", "x", "--str");
	BAD(DEMO "--mode needs a value" TRY, &all_cmd, &c, "demo", "x", "-m");
	BAD(DEMO "--flag takes no value" TRY, &all_cmd, &c, "demo", "x", "--flag=yes");
	BAD(DEMO "--help takes no value" TRY, &all_cmd, &c, "demo", "x", "--help=1");
	BAD(DEMO "missing IFACE" TRY, &all_cmd, &c, "demo", "-f");
	BAD(DEMO "unexpected argument 'y'" TRY, &all_cmd, &c, "demo", "x", "y");
	/* a unique prefix is the option, as getopt_long has it */
	assert_int_equal(PARSE(&all_cmd, &c, "demo", "x", "--u6", "9"), OPT_GO);
	assert_true(c.u64 == 9);
}

/* --- a tool: required options, positional counts, --help -------------- */

struct small {
	const char *out;
	unsigned n;
	bool zip;
};

static const struct opt small_opts[] = {
	OPT_STRING(struct small, out, "out", 'o', "DIR", "where it goes", .required = true),
	OPT_UINT(struct small, n, "count", 'n', "N", 1, 10,
		 "how many of them to make, from one to ten; a help text long enough "
		 "to take a second line\nand a line of its own"),
	OPT_FLAG(struct small, zip, "zip", 0, "squeeze"),
	OPT_END,
};

static const struct opt_cmd small_cmd = {
	.prog = "tool", .args = "FILE...", .min_args = 1, .max_args = 2,
	.about = "Makes N things out of each FILE, and puts them into DIR, which "
		 "is a sentence long enough to wrap.\nA second line.",
	.opts = small_opts,
};

static const char small_help[] =
	"usage: tool FILE... --out DIR [options]\n"
	"\n"
	"Makes N things out of each FILE, and puts them into DIR, which is a sentence\n"
	"long enough to wrap.\n"
	"A second line.\n"
	"\n"
	"  -o, --out DIR  where it goes (required)\n"
	"  -n, --count N  how many of them to make, from one to ten; a help text long\n"
	"                 enough to take a second line\n"
	"                 and a line of its own\n"
	"      --zip      squeeze\n"
	"  -h, --help     this text\n";

static void test_help(void **state)
{
	struct small s = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	opt_help(&small_cmd, f);
	fclose(f);
	assert_string_equal(buf, small_help);
	free(buf);
	/* --help and -h: on stdout, exit 0, whatever else is wrong */
	assert_int_equal(PARSE(&small_cmd, &s, "tool", "--help"), 0);
	assert_string_equal(out, small_help);
	assert_string_equal(err, "");
	assert_int_equal(PARSE(&small_cmd, &s, "tool", "-h", "--bogus"), 0);
	assert_string_equal(out, small_help);
}

static void test_tool(void **state)
{
	struct small s = { 0 };
	int argi;

	(void)state;
	BAD("tool: error: --out DIR is required (try 'tool --help')", &small_cmd, &s,
	    "tool", "a");
	BAD("tool: error: missing FILE... (try 'tool --help')", &small_cmd, &s, "tool",
	    "-o", "d");
	BAD("tool: error: unexpected argument 'c' (try 'tool --help')", &small_cmd, &s,
	    "tool", "a", "b", "c", "-o", "d");
	BAD("tool: error: --count wants a whole number from 1 to 10, not 'abc'",
	    &small_cmd, &s, "tool", "a", "-o", "d", "--count", "abc");
	BAD("tool: error: unknown option '--frobnicate' (try 'tool --help')", &small_cmd,
	    &s, "tool", "--frobnicate");
	assert_int_equal(parse_args(&small_cmd, &s, &argi, (const char *const[]){
		"tool", "a", "-o", "d", "b", "--", "-n", NULL }), OPT_EXIT_USAGE);
	assert_int_equal(parse_args(&small_cmd, &s, &argi, (const char *const[]){
		"tool", "a", "-o", "d", "--", "-n", NULL }), OPT_GO);
	assert_int_equal(argi, 4);	/* after "--": "a" and "-n" are files */
	begin_capture();
	assert_int_equal(opt_error(&small_cmd, "--%s and --%s go together", "a", "b"),
			 OPT_EXIT_USAGE);
	end_capture();
	assert_string_equal(err, "tool: error: --a and --b go together\n");
}

/* --- tables that do not fit their fields --------------------------------- */

static void test_check(void **state)
{
	static uint8_t byte;
	struct opt bad[2] = { { .name = "x", .arg = "N", .help = "h", .kind = OPT_K_UINT,
				.size = sizeof(byte), .max = 256 } };
	struct opt_cmd c = { .prog = "t", .opts = bad };

	(void)state;
	assert_non_null(opt_check(&c));	/* 256 does not fit a byte */
	bad[0].max = 255;
	assert_null(opt_check(&c));
	bad[0].size = 3;
	assert_non_null(opt_check(&c));
	bad[0] = (struct opt){ .name = "x", .help = "h", .kind = OPT_K_FLAG, .size = 4 };
	assert_non_null(opt_check(&c));	/* a flag's field is a bool */
	bad[0].size = sizeof(bool);
	assert_null(opt_check(&c));
	bad[0].short_name = 'h';
	assert_non_null(opt_check(&c));	/* -h is --help */
	bad[0] = (struct opt){ .name = "x", .arg = "D", .help = "h", .kind = OPT_K_DOUBLE,
			       .size = sizeof(float), .dmin = 0, .dmax = 1 };
	assert_non_null(opt_check(&c));
	bad[0] = (struct opt){ .name = "x", .arg = "W", .help = "h", .kind = OPT_K_CUSTOM,
			       .fn = parse_even };
	assert_non_null(opt_check(&c));	/* a custom parser says what it wants */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_every_parser),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_tool),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
