// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Option tables (lib/options.h): the getopt_long arrays, the parsers,
 * the --help text and the one-line errors, all from one table.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "lib/number.h"
#include "lib/options.h"

#define WIDTH 79		/* --help lines end before this column */
#define HELP_COL_MAX 32		/* the help column, at most */
#define LONG_VAL 256		/* getopt_long val of entry i: LONG_VAL + i */

static const struct opt help_opt = {
	.name = "help", .short_name = 'h', .help = "this text", .kind = OPT_K_FLAG,
};

static size_t count_opts(const struct opt_cmd *c)
{
	size_t n = 0;

	while (c->opts && c->opts[n].name)
		n++;
	return n;
}

/* --- errors ------------------------------------------------------------ */

static void verror(const struct opt_cmd *c, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: error: ", c->prog);
	if (c->name)
		fprintf(stderr, "%s: ", c->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int opt_error(const struct opt_cmd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(c, fmt, ap);
	va_end(ap);
	return OPT_EXIT_USAGE;
}

/* An error that --help answers: the line ends with where to look. */
static int usage_error(const struct opt_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(const struct opt_cmd *c, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return opt_error(c, "%s (try '%s%s%s --help')", what, c->prog,
			 c->name ? " " : "", c->name ? c->name : "");
}

/* --- fields of any width ------------------------------------------------ */

static uint64_t size_max(size_t size)
{
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
}

static bool int_size(size_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Through memcpy of a variable of the field's width: right on any byte order. */
static void put_uint(void *p, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1: memcpy(p, &u8, 1); break;
	case 2: memcpy(p, &u16, 2); break;
	case 4: memcpy(p, &u32, 4); break;
	default: memcpy(p, &v, 8);
	}
}

static uint64_t get_uint(const void *p, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

/* --- the parsers --------------------------------------------------------- */

/* Index of word in a NULL-terminated list whose entries may be "a|b". */
static int word_index(const char *const *words, const char *word)
{
	size_t len = strlen(word);

	for (int i = 0; words[i]; i++)
		for (const char *w = words[i]; *w;) {
			size_t wl = strcspn(w, "|");

			if (wl == len && !strncmp(w, word, len))
				return i;
			w += wl + (w[wl] == '|');
		}
	return -1;
}

static bool parse_double(const char *s, double *v)
{
	char *end;

	/* strtod would take spaces, "inf", "nan" and hex as well */
	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s))
		return false;
	*v = strtod(s, &end);
	return !*end && isfinite(*v);
}

static bool apply(const struct opt *o, const char *arg, void *cfg)
{
	void *field = opt_field(o, cfg);
	uint64_t v;
	double d;
	int i;

	switch (o->kind) {
	case OPT_K_FLAG:
		*(bool *)field = true;
		return true;
	case OPT_K_STRING:
		*(const char **)field = arg;
		return true;
	case OPT_K_UINT:
		if (!parse_uint(arg, o->min, o->max, &v))
			return false;
		put_uint(field, o->size, v);
		return true;
	case OPT_K_DOUBLE:
		if (!parse_double(arg, &d) || d > o->dmax ||
		    (o->above ? d <= o->dmin : d < o->dmin))
			return false;
		*(double *)field = d;
		return true;
	case OPT_K_WORD:
		i = word_index(o->words, arg);
		if (i < 0)
			return false;
		put_uint(field, o->size, (uint64_t)i);
		return true;
	case OPT_K_LIST:
		v = get_uint((char *)cfg + o->count_offset, o->count_size);
		((const char **)field)[v] = arg;
		put_uint((char *)cfg + o->count_offset, o->count_size, v + 1);
		return true;
	case OPT_K_CUSTOM:
		return o->fn(o, arg, cfg);
	}
	return false;
}

/* "a whole number from 1 to 86400", "auto, native or skb", ... */
static void describe(const struct opt *o, char *buf, size_t len)
{
	size_t n = 0, words = 0;

	switch (o->kind) {
	case OPT_K_UINT:
		snprintf(buf, len, "a whole number from %llu to %llu",
			 (unsigned long long)o->min, (unsigned long long)o->max);
		return;
	case OPT_K_DOUBLE:
		snprintf(buf, len, o->above ? "a number above %.15g and at most %.15g"
					    : "a number from %.15g to %.15g",
			 o->dmin, o->dmax);
		return;
	case OPT_K_WORD:
		while (o->words[words])
			words++;
		buf[0] = '\0';
		for (size_t i = 0; i < words && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%.*s",
					      i == 0 ? "" : i + 1 == words ? " or " : ", ",
					      (int)strcspn(o->words[i], "|"), o->words[i]);
		return;
	default:
		snprintf(buf, len, "%s", o->want ? o->want : "a value");
	}
}

/* --- the table itself ------------------------------------------------- */

const char *opt_check(const struct opt_cmd *c)
{
	static char why[160];
	size_t n = count_opts(c), words;

	if (n > OPT_MAX)
		return "more entries than OPT_MAX";
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &c->opts[i];
		const char *bad = NULL;

		for (size_t j = 0; j < i; j++)
			if (!strcmp(o->name, c->opts[j].name) ||
			    (o->short_name && o->short_name == c->opts[j].short_name))
				bad = "given twice";
		if (!strcmp(o->name, "help") || o->short_name == 'h' ||
		    o->short_name == ':' || o->short_name == '?' || !o->help)
			bad = "a name, flag or help text of its own wanted";
		else if ((o->kind == OPT_K_FLAG) != !o->arg)
			bad = "a flag and only a flag has no argument";
		switch (o->kind) {
		case OPT_K_FLAG:
			if (o->size != sizeof(bool))
				bad = "field is not a bool";
			break;
		case OPT_K_STRING:
			if (o->size != sizeof(const char *))
				bad = "field is not a string";
			break;
		case OPT_K_UINT:
			if (!int_size(o->size) || o->min > o->max || o->max > size_max(o->size))
				bad = "the range does not fit the field";
			break;
		case OPT_K_DOUBLE:
			if (o->size != sizeof(double) || !(o->dmin <= o->dmax))
				bad = "field is not a double, or the range is empty";
			break;
		case OPT_K_WORD:
			words = 0;
			while (o->words && o->words[words])
				words++;
			if (!words || !int_size(o->size) || words - 1 > size_max(o->size))
				bad = "no words, or a field that cannot hold their index";
			break;
		case OPT_K_LIST:
			if (!o->size || o->size % sizeof(const char *) || !int_size(o->count_size) ||
			    o->max_times != o->size / sizeof(const char *))
				bad = "field is not an array of strings with a count";
			break;
		case OPT_K_CUSTOM:
			if (!o->fn || !o->want)
				bad = "custom without a parser or its 'want'";
			break;
		default:
			bad = "unknown kind";
		}
		if (bad) {
			snprintf(why, sizeof(why), "--%s: %s", o->name, bad);
			return why;
		}
	}
	return NULL;
}

static void check_or_abort(const struct opt_cmd *c)
{
	const char *why = opt_check(c);

	if (why) {
		fprintf(stderr, "%s: option table of %s: %s\n", c->prog,
			c->name ? c->name : c->prog, why);
		abort();
	}
}

/* --- help ----------------------------------------------------------------- */

/*
 * Write text from column col, wrapping before WIDTH at spaces (in a usage
 * line only before an option or a group) with indent spaces to start
 * each new line; '\n' starts one. Returns the column reached.
 */
static int put_wrapped(FILE *f, const char *text, int col, int indent, bool usage)
{
	bool fresh = false;	/* at the start of a line, indent not yet written */

	while (*text) {
		size_t w;

		if (*text == '\n') {
			fputc('\n', f);
			text++;
			col = 0;
			fresh = true;
			continue;
		}
		if (*text == ' ') {
			text++;
			continue;
		}
		w = strcspn(text, " \n");
		/* a usage line keeps an option with its argument */
		while (usage && text[w] == ' ' && text[w + 1] && !strchr("-([\n", text[w + 1]))
			w += 1 + strcspn(text + w + 1, " \n");
		if (!fresh && col > indent) {
			if (col + 1 + (int)w > WIDTH) {
				fputc('\n', f);
				fresh = true;
			} else {
				fputc(' ', f);
				col++;
			}
		}
		if (fresh) {
			col = fprintf(f, "%*s", indent, "");
			fresh = false;
		}
		col += fprintf(f, "%.*s", (int)w, text);
		text += w;
	}
	return col;
}

static int opt_left(const struct opt *o, char *buf, size_t len)
{
	char flag[5] = "    ";

	if (o->short_name)
		snprintf(flag, sizeof(flag), "-%c, ", o->short_name);
	return snprintf(buf, len, "  %s--%s%s%s", flag, o->name, o->arg ? " " : "",
			o->arg ? o->arg : "");
}

static void opt_line(FILE *f, const struct opt *o, int helpcol)
{
	char left[128], text[1024];
	int col = opt_left(o, left, sizeof(left));

	fputs(left, f);
	if (col + 2 > helpcol) {
		fputc('\n', f);
		col = 0;
	}
	fprintf(f, "%*s", helpcol - col, "");
	snprintf(text, sizeof(text), "%s%s%s", o->help,
		 o->required ? " (required" : "", o->max_times > 1 ? "" : o->required ? ")" : "");
	if (o->max_times > 1)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "%srepeatable, at most %u)", o->required ? "; " : " (", o->max_times);
	put_wrapped(f, text, helpcol, helpcol, false);
	fputc('\n', f);
}

static void usage_line(FILE *f, const struct opt_cmd *c)
{
	char line[2048];
	size_t n = 0;
	bool optional = false;

	n += (size_t)snprintf(line, sizeof(line), "%s%s%s%s%s", c->prog, c->name ? " " : "",
			      c->name ? c->name : "", c->args ? " " : "",
			      c->args ? c->args : "");
	for (const struct opt *o = c->opts; o && o->name && n < sizeof(line); o++) {
		if (!o->required) {
			optional = true;
			continue;
		}
		n += (size_t)snprintf(line + n, sizeof(line) - n, " --%s%s%s", o->name,
				      o->arg ? " " : "", o->arg ? o->arg : "");
		if (o->max_times > 1 && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " [--%s %s ...]",
					      o->name, o->arg);
	}
	if (c->usage && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", c->usage);
	if (optional && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " [options]");
	fputs("usage: ", f);
	put_wrapped(f, line, 7, 9, true);
	fputc('\n', f);
}

void opt_help(const struct opt_cmd *c, FILE *f)
{
	char left[128];
	int helpcol = opt_left(&help_opt, left, sizeof(left)) + 2;

	check_or_abort(c);
	for (const struct opt *o = c->opts; o && o->name; o++) {
		int w = opt_left(o, left, sizeof(left)) + 2;

		if (w > helpcol)
			helpcol = w > HELP_COL_MAX ? HELP_COL_MAX : w;
	}
	usage_line(f, c);
	if (c->about) {
		fputc('\n', f);
		put_wrapped(f, c->about, 0, 0, false);
		fputc('\n', f);
	}
	fputc('\n', f);
	for (const struct opt *o = c->opts; o && o->name; o++)
		opt_line(f, o, helpcol);
	opt_line(f, &help_opt, helpcol);
}

/* --- parsing ---------------------------------------------------------- */

static const struct opt *by_val(const struct opt_cmd *c, size_t n, int val)
{
	if (val >= LONG_VAL && (size_t)(val - LONG_VAL) < n)
		return &c->opts[val - LONG_VAL];
	for (size_t i = 0; i < n; i++)
		if (val && c->opts[i].short_name == val)
			return &c->opts[i];
	return NULL;
}

/*
 * getopt_long said '?': an unknown or ambiguous option, or a flag given
 * a value ("--gzip=yes": optopt is then the flag's val, 'h' for --help).
 */
static int unknown(const struct opt_cmd *c, size_t n, char **argv)
{
	const char *arg = argv[optind - 1];
	int len = (int)strcspn(arg, "="), matches = 0;

	if (optopt >= LONG_VAL || optopt == 'h')
		return usage_error(c, "--%s takes no value",
				   optopt == 'h' ? "help" : by_val(c, n, optopt)->name);
	if (optopt)
		return usage_error(c, "unknown option '-%c'", optopt);
	for (size_t i = 0; len > 2 && i < n; i++)
		matches += !strncmp(c->opts[i].name, arg + 2, (size_t)len - 2);
	return usage_error(c, "%s option '%.*s'", matches > 1 ? "ambiguous" : "unknown",
			   len, arg);
}

int opt_parse(const struct opt_cmd *c, int argc, char **argv, void *cfg, int *argi)
{
	struct option longopts[OPT_MAX + 2];
	char shortopts[2 * OPT_MAX + 4], want[256];
	unsigned seen[OPT_MAX] = { 0 };
	size_t n = count_opts(c), ns = 0;
	int ch, nargs;

	check_or_abort(c);
	shortopts[ns++] = ':';	/* ':' for a missing value, '?' for the rest */
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &c->opts[i];

		longopts[i] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					       NULL, LONG_VAL + (int)i };
		if (o->short_name) {
			shortopts[ns++] = o->short_name;
			if (o->arg)
				shortopts[ns++] = ':';
		}
	}
	longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n + 1] = (struct option){ 0 };
	shortopts[ns++] = 'h';
	shortopts[ns] = '\0';

	optind = 0;	/* glibc: start afresh, even after another parse */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct opt *o = by_val(c, n, ch);
		size_t i = o ? (size_t)(o - c->opts) : 0;
		unsigned times;

		if (ch == 'h') {
			opt_help(c, stdout);
			return 0;
		}
		if (ch == ':') {
			o = by_val(c, n, optopt);
			return usage_error(c, "--%s needs a value", o ? o->name : "?");
		}
		if (!o)
			return unknown(c, n, argv);
		times = o->kind == OPT_K_LIST
			? (unsigned)get_uint((char *)cfg + o->count_offset, o->count_size)
			: seen[i];
		if (o->max_times && times >= o->max_times)
			return opt_error(c, "--%s can be given at most %u time%s", o->name,
					 o->max_times, o->max_times == 1 ? "" : "s");
		seen[i]++;
		if (!apply(o, optarg, cfg)) {
			describe(o, want, sizeof(want));
			return opt_error(c, "--%s wants %s, not '%s'", o->name, want, optarg);
		}
	}
	nargs = argc - optind;
	if (nargs < c->min_args)
		return usage_error(c, "missing %s", c->args ? c->args : "arguments");
	if (c->max_args >= 0 && nargs > c->max_args)
		return usage_error(c, "unexpected argument '%s'", argv[optind + c->max_args]);
	for (size_t i = 0; i < n; i++)
		if (c->opts[i].required && !seen[i])
			return usage_error(c, "--%s%s%s is required", c->opts[i].name,
					   c->opts[i].arg ? " " : "",
					   c->opts[i].arg ? c->opts[i].arg : "");
	if (argi)
		*argi = optind;
	return OPT_GO;
}
