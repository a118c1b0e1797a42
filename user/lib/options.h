/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Command-line options from one table per command. Each entry names an
 * option (long name, short flag, argument name, help) and says how its
 * value is parsed into a field of the command's own config struct (the
 * field's offsetof and sizeof are recorded, so a parser never writes a
 * width the field does not have). opt_parse() builds the getopt_long
 * arrays from the table and applies it; opt_help() writes --help from
 * the same table. Every bad option is one line on stderr, in the same
 * words for every command and tool:
 *
 *   xdp-telescope: error: run: --interval wants a whole number from 1 to 86400, not 'abc'
 *   lab-send: error: unknown option '--frobnicate' (try 'lab-send --help')
 *
 * Build entries with the OPT_* macros below: they fill offset and size
 * and refuse, at compile time, a field of the wrong type (a bool for a
 * flag, an integer wide enough for a number's maximum, ...). Extra
 * designated initialisers go at the end, e.g. `.required = true` or
 * `.max_times = 16`.
 */
#ifndef TS_OPTIONS_H
#define TS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Entries in one table at most (--help, added to every table, aside). */
#define OPT_MAX 40

/* opt_parse(): go on with the command; anything else is its exit status. */
#define OPT_GO (-1)
#define OPT_EXIT_USAGE 2

enum opt_kind {
	OPT_K_FLAG,	/* bool, true once given */
	OPT_K_STRING,	/* const char *: the argument itself */
	OPT_K_UINT,	/* an integer of 1, 2, 4 or 8 bytes: a whole number in [min, max] */
	OPT_K_DOUBLE,	/* double in [dmin, dmax], or (dmin, dmax] with .above */
	OPT_K_WORD,	/* an integer: the index in words of the word given */
	OPT_K_LIST,	/* const char *[N] and an integer count: repeatable, N at most */
	OPT_K_CUSTOM,	/* fn(); `want` says what a good value looks like */
};

struct opt {
	const char *name;	/* long name without "--"; NULL ends the table */
	char short_name;	/* 0: none */
	const char *arg;	/* its argument in --help (NULL only for a flag) */
	const char *help;	/* wrapped to fit; '\n' starts a new line */
	enum opt_kind kind;
	size_t offset, size;	/* the field in the config struct */
	size_t count_offset, count_size;	/* OPT_K_LIST: the count */
	uint64_t min, max;	/* OPT_K_UINT */
	double dmin, dmax;	/* OPT_K_DOUBLE */
	bool above;		/* OPT_K_DOUBLE: above dmin, not from it */
	/* OPT_K_WORD, NULL-terminated; "md|markdown": either word, one index */
	const char *const *words;
	/* OPT_K_CUSTOM: true when arg is good; cfg is the whole config */
	bool (*fn)(const struct opt *o, const char *arg, void *cfg);
	const char *want;	/* OPT_K_CUSTOM: "--x wants <want>, not '...'" */
	unsigned max_times;	/* how often it may be given; 0: any, the last counts */
	bool required;
};

struct opt_cmd {
	const char *prog;	/* "xdp-telescope", or a tool's name */
	const char *name;	/* the subcommand; NULL for a tool */
	const char *args;	/* the positional arguments in usage: "IFACE", "[IFACE]" */
	int min_args, max_args;	/* how many of them; max_args -1: no limit */
	const char *usage;	/* usage-line text after the required options */
	const char *about;	/* the paragraph after the usage line */
	const struct opt *opts;	/* ended by OPT_END */
};

#define OPT_END { .name = NULL }

/*
 * Parse argv (argv[0] is the command's name) into cfg, which holds the
 * defaults. Returns OPT_GO with *argi the index of the first positional
 * argument (argi may be NULL when the command takes none); 0 after
 * --help (written to stdout); OPT_EXIT_USAGE after a bad option, its
 * line written to stderr.
 */
int opt_parse(const struct opt_cmd *c, int argc, char **argv, void *cfg, int *argi);

/* The --help text: usage line, the paragraph, the aligned options. */
void opt_help(const struct opt_cmd *c, FILE *f);

/* One error line with the command's prefix; returns OPT_EXIT_USAGE. */
int opt_error(const struct opt_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* NULL when the table is sound, else what is wrong with it. */
const char *opt_check(const struct opt_cmd *c);

/* The field of o in cfg, for custom parsers. */
static inline void *opt_field(const struct opt *o, void *cfg)
{
	return (char *)cfg + o->offset;
}

/* --- table entries ---------------------------------------------------- */

#define OPT_F_(T, f) (((T *)0)->f)
/* 0, or a compile error when cond is false. */
#define OPT_ASSERT_(cond) (0 * sizeof(char[(cond) ? 1 : -1]))
#define OPT_SAME_(T, f, type) __builtin_types_compatible_p(__typeof__(OPT_F_(T, f)), type)
/* an integer type (1/2 is 0), which holds max unchanged */
#define OPT_HOLDS_(T, f, max)                                          \
	((__typeof__(OPT_F_(T, f)))1 / 2 == 0 &&                       \
	 (uint64_t)(__typeof__(OPT_F_(T, f)))(max) == (uint64_t)(max))
#define OPT_AT_(T, f, check) \
	.offset = offsetof(T, f), .size = sizeof(OPT_F_(T, f)) + OPT_ASSERT_(check)

#define OPT_FLAG(T, f, lname, sname, text, ...)                               \
	{ .name = lname, .short_name = sname, .help = text, .kind = OPT_K_FLAG,   \
	  OPT_AT_(T, f, OPT_SAME_(T, f, bool)), __VA_ARGS__ }

#define OPT_STRING(T, f, lname, sname, argname, text, ...)                     \
	{ .name = lname, .short_name = sname, .arg = argname, .help = text,      \
	  .kind = OPT_K_STRING, OPT_AT_(T, f, OPT_SAME_(T, f, const char *)),   \
	  __VA_ARGS__ }

#define OPT_UINT(T, f, lname, sname, argname, lo, hi, text, ...)              \
	{ .name = lname, .short_name = sname, .arg = argname, .help = text,      \
	  .kind = OPT_K_UINT, OPT_AT_(T, f, OPT_HOLDS_(T, f, hi)),              \
	  .min = (lo), .max = (hi), __VA_ARGS__ }

#define OPT_DOUBLE(T, f, lname, sname, argname, lo, hi, text, ...)            \
	{ .name = lname, .short_name = sname, .arg = argname, .help = text,      \
	  .kind = OPT_K_DOUBLE, OPT_AT_(T, f, OPT_SAME_(T, f, double)),         \
	  .dmin = (lo), .dmax = (hi), __VA_ARGS__ }

#define OPT_WORD(T, f, lname, sname, argname, wordlist, text, ...)            \
	{ .name = lname, .short_name = sname, .arg = argname, .help = text,      \
	  .kind = OPT_K_WORD,                                                   \
	  OPT_AT_(T, f, OPT_HOLDS_(T, f, sizeof(wordlist) / sizeof(wordlist[0]))), \
	  .words = wordlist, __VA_ARGS__ }

#define OPT_LIST(T, f, count, lname, sname, argname, text, ...)               \
	{ .name = lname, .short_name = sname, .arg = argname, .help = text,      \
	  .kind = OPT_K_LIST,                                                   \
	  OPT_AT_(T, f, OPT_SAME_(T, f[0], const char *)),                      \
	  .count_offset = offsetof(T, count),                                   \
	  .count_size = sizeof(OPT_F_(T, count)) +                              \
			OPT_ASSERT_(OPT_HOLDS_(T, count, sizeof(OPT_F_(T, f)) /  \
						      sizeof(OPT_F_(T, f[0])))), \
	  .max_times = sizeof(OPT_F_(T, f)) / sizeof(OPT_F_(T, f[0])), __VA_ARGS__ }

#define OPT_CUSTOM(T, f, lname, sname, argname, parser, wants, text, ...)     \
	{ .name = lname, .short_name = sname, .arg = argname, .help = text,      \
	  .kind = OPT_K_CUSTOM, OPT_AT_(T, f, 1), .fn = parser, .want = wants,   \
	  __VA_ARGS__ }

#endif
