// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Options of `xdp-telescope report`. A period is a quarter, month, ISO
 * week or explicit range; the period before it (the previous quarter ...)
 * supplies the "previous rank" columns.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/number.h"
#include "lib/options.h"
#include "lib/text.h"
#include "report/args.h"
#include "report/names.h"
#include "report/zone.h"

/* The options while they are parsed: the report's, and what checks them. */
struct report_args {
	struct report_opts o;
	int periods;		/* --quarter, --month, --week given */
	int from, to;		/* --from, --to; -1: not given */
};

/* A period option: counted, and the options it sets. */
static struct report_opts *period(void *cfg)
{
	struct report_args *a = cfg;

	a->periods++;
	return &a->o;
}

static bool parse_quarter(const struct opt *opt, const char *s, void *cfg)
{
	struct report_opts *o = period(cfg);
	int y, q, n = 0;

	(void)opt;
	if ((sscanf(s, "%4dQ%1d%n", &y, &q, &n) != 2 &&
	     sscanf(s, "%4d-Q%1d%n", &y, &q, &n) != 2) || s[n] || q < 1 ||
	    q > 4 || y < 1970)
		return false;
	o->from = day_from_ymd(y, 3 * q - 2, 1);
	o->to = (q == 4 ? day_from_ymd(y + 1, 1, 1) : day_from_ymd(y, 3 * q + 1, 1)) - 1;
	o->prev_from = q == 1 ? day_from_ymd(y - 1, 10, 1) : day_from_ymd(y, 3 * q - 5, 1);
	o->prev_to = o->from - 1;
	snprintf(o->period_name, sizeof(o->period_name), "%dQ%d", y, q);
	o->period_kind = 'q';
	return true;
}

static bool parse_month(const struct opt *opt, const char *s, void *cfg)
{
	struct report_opts *o = period(cfg);
	int y, m, n = 0;

	(void)opt;
	if (sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 || s[n] || m < 1 || m > 12 ||
	    y < 1970)
		return false;
	o->from = day_from_ymd(y, m, 1);
	o->to = (m == 12 ? day_from_ymd(y + 1, 1, 1) : day_from_ymd(y, m + 1, 1)) - 1;
	o->prev_from = m == 1 ? day_from_ymd(y - 1, 12, 1) : day_from_ymd(y, m - 1, 1);
	o->prev_to = o->from - 1;
	snprintf(o->period_name, sizeof(o->period_name), "%04d-%02d", y, m);
	o->period_kind = 'm';
	return true;
}

/* ISO 8601: week 1 is the week (Monday first) holding January 4. */
static bool parse_week(const struct opt *opt, const char *s, void *cfg)
{
	struct report_opts *o = period(cfg);
	int y, w, n = 0, jan4, monday1, last;

	(void)opt;
	if (sscanf(s, "%4d-W%2d%n", &y, &w, &n) != 2 || s[n] || y < 1970 || w < 1)
		return false;
	jan4 = day_from_ymd(y, 1, 4);
	monday1 = jan4 - (jan4 + 3) % 7;	/* day 0 was a Thursday */
	last = (day_from_ymd(y + 1, 1, 4) - (day_from_ymd(y + 1, 1, 4) + 3) % 7 - monday1) / 7;
	if (w > last)
		return false;
	o->from = monday1 + 7 * (w - 1);
	o->to = o->from + 6;
	o->prev_from = o->from - 7;
	o->prev_to = o->from - 1;
	snprintf(o->period_name, sizeof(o->period_name), "%04d-W%02d", y, w);
	o->period_kind = 'w';
	return true;
}

static bool parse_from_to(const struct opt *opt, const char *s, void *cfg)
{
	int *day = opt_field(opt, cfg);

	*day = parse_day(s);
	return *day >= 0;
}

/* A code of the ISO 3166-1 table (not ZZ, which only the data use). */
static bool parse_country(const struct opt *opt, const char *s, void *cfg)
{
	struct report_opts *o = &((struct report_args *)cfg)->o;
	int slot = cc_slot(s);

	(void)opt;
	if (slot < 0 || slot == CC_UNKNOWN || !cc_known(slot))
		return false;
	for (int i = 0; i < o->n_countries; i++)
		if (o->countries[i] == slot)
			return true;	/* twice is once */
	o->countries[o->n_countries++] = slot;
	return true;
}

static bool parse_port(const struct opt *opt, const char *s, void *cfg)
{
	struct report_opts *o = &((struct report_args *)cfg)->o;

	(void)opt;
	if (!parse_port_id(s, &o->ports[o->n_ports]))
		return false;
	o->n_ports++;
	return true;
}

/* A zone the system's zoneinfo has: else the name is refused here, not
 * read silently as UTC the way the C library would. */
static bool parse_tz(const struct opt *opt, const char *s, void *cfg)
{
	(void)opt;
	if (!tz_known(s))
		return false;
	((struct report_args *)cfg)->o.tz_name = s;
	return true;
}

static const char *const formats[] = {
	[FMT_HTML] = "html", [FMT_MD] = "md|markdown", [FMT_CSV] = "csv", [FMT_PDF] = "pdf", NULL,
};
static const char *const langs[] = { [LANG_EN] = "en", [LANG_JA] = "ja", NULL };

#define A struct report_args
static const struct opt report_table[] = {
	OPT_LIST(A, o.data_dirs, o.n_data_dirs, "data", 0, "DIR",
		 "a directory of YYYY-MM-DD/ day directories written by 'run', or a "
		 "directory of such directories (one per sensor)"),
	OPT_STRING(A, o.db, "db", 0, "CONNINFO",
		   "or the fleet database 'ship' loads: a libpq connection string or URI "
		   "(\"\": the PG* environment; a password from ~/.pgpass, never here)"),
	OPT_CUSTOM(A, o, "quarter", 0, "YYYYQN", parse_quarter, "a quarter like 2022Q3",
		   "the period: a quarter, e.g. 2022Q3"),
	OPT_CUSTOM(A, o, "month", 0, "YYYY-MM", parse_month, "a month like 2022-09",
		   "or a month, e.g. 2022-09"),
	OPT_CUSTOM(A, o, "week", 0, "YYYY-Www", parse_week, "an ISO week like 2022-W36",
		   "or an ISO week, e.g. 2022-W36"),
	OPT_CUSTOM(A, from, "from", 0, "YYYY-MM-DD", parse_from_to, "a day as YYYY-MM-DD",
		   "or the days from this one"),
	OPT_CUSTOM(A, to, "to", 0, "YYYY-MM-DD", parse_from_to, "a day as YYYY-MM-DD",
		   "to this one (with --from)"),
	OPT_WORD(A, o.format, "format", 0, "FORMAT", formats,
		 "html (default): one self-contained file; md: Markdown; csv: a "
		 "directory with one CSV file per table; pdf: the HTML printed to A4 "
		 "(with chromium)"),
	OPT_WORD(A, o.lang, "lang", 0, "LANG", langs, "en (default) or ja"),
	OPT_STRING(A, o.out, "out", 0, "PATH",
		   "output file (html, md, pdf; default stdout) or directory (csv)"),
	OPT_UINT(A, o.top, "top", 0, "N", 1, 100, "rows in the top-N tables (default 5)"),
	OPT_CUSTOM(A, o.countries, "country", 0, "CC", parse_country,
		   "a country code of ISO 3166-1 (alpha-2, e.g. JP)",
		   "a country for the backscatter incidents and the Mirai-type tables; "
		   "repeatable (default: the country most sensors sit in, else JP)",
		   .max_times = RPT_MAX_COUNTRIES),
	OPT_CUSTOM(A, o.ports, "port", 0, "P/PROTO", parse_port,
		   "a port and protocol like 1433/tcp", "adds a section for that port, "
		   "e.g. 1433/tcp", .max_times = RPT_MAX_PORTS),
	OPT_STRING(A, o.sensors_file, "sensors", 0, "FILE",
		   "CSV sensor,group,label[,country]: groups and names"),
	OPT_FLAG(A, o.anonymize, "anonymize", 0,
		 "name backscatter victims by category and letter (\"Organisation A\"), "
		 "without their addresses"),
	OPT_STRING(A, o.categories_file, "categories", 0, "FILE",
		   "CSV match,english,japanese: the victims' categories for --anonymize "
		   "(match: AS64512 or a prefix like 198.51.100.0/24)"),
	OPT_STRING(A, o.group, "group", 0, "NAME",
		   "the main tables and charts count this group of --sensors alone "
		   "(the per-sensor comparison shows every sensor)"),
	OPT_CUSTOM(A, o.tz_name, "tz", 0, "ZONE", parse_tz,
		   "an IANA time zone name of the system's zoneinfo, e.g. Asia/Tokyo",
		   "count days and show times in this zone, e.g. Asia/Tokyo (default: UTC)"),
	OPT_FLAG(A, o.verbose, "verbose", 'v',
		 "say how long each step took: the read, the look-back, events, the year "
		 "before, the tables, the output"),
	OPT_END,
};
#undef A

static const struct opt_cmd report_cmd = {
	.prog = "xdp-telescope", .name = "report",
	.usage = "(--quarter 2022Q3 | --month 2022-09 | --week 2022-W36 | "
		 "--from YYYY-MM-DD --to YYYY-MM-DD)",
	.about = "Turn the CSV that 'run' (or 'synth') wrote, of one sensor or many, into "
		 "a report of one period: a quarter, a month, an ISO week or a range of "
		 "days. The period before it, of the same length, supplies the "
		 "\"previous rank\" columns.",
	.opts = report_table,
};

/*
 * A zone that counts leap seconds (right/UTC) puts every UTC time of the
 * data some 27 seconds early on its clock: the database would date the
 * rows of midnight on the day before, and the CSV's reading would not.
 * Neither is what the user asked for, so it is refused; the same zone
 * without leap seconds is named where there is one.
 */
static int leap_zone(const char *name)
{
	const char *plain = !strncmp(name, "right/", 6) ? name + 6 : NULL;

	if (plain && tz_known(plain) && !tz_leap_seconds(plain))
		return opt_error(&report_cmd, "--tz '%s' counts leap seconds, and the data's UTC "
				 "times do not: give '%s'", name, plain);
	return opt_error(&report_cmd, "--tz '%s' counts leap seconds, and the data's UTC times "
			 "do not: give a zone without them", name);
}

int report_parse_args(int argc, char **argv, struct report_opts *opts)
{
	struct report_args a = { .o = { .top = 5 }, .from = -1, .to = -1 };
	struct report_opts *o = &a.o;
	int rc = opt_parse(&report_cmd, argc, argv, &a, NULL);

	if (rc != OPT_GO)
		return rc;
	if (!o->n_data_dirs == !o->db)
		return opt_error(&report_cmd, o->db ? "--data and --db exclude each other: "
				 "give one" : "give --data DIR or --db CONNINFO");
	if ((a.from >= 0) != (a.to >= 0))
		return opt_error(&report_cmd, "--from and --to go together");
	if (a.from >= 0) {
		a.periods++;
		if (a.to < a.from)
			return opt_error(&report_cmd, "--to is before --from");
		o->from = a.from;
		o->to = a.to;
		o->prev_to = a.from - 1;
		o->prev_from = a.from - (a.to - a.from + 1);
		o->period_kind = 'r';
	}
	if (a.periods != 1)
		return opt_error(&report_cmd, "give exactly one of --quarter, --month, "
			       "--week, --from/--to");
	if (o->format == FMT_CSV && !o->out)
		return opt_error(&report_cmd, "--format csv writes a directory: give --out DIR");
	if (o->group && !o->sensors_file)
		return opt_error(&report_cmd, "--group names a group of the --sensors file: give both");
	if (o->categories_file && !o->anonymize)
		return opt_error(&report_cmd, "--categories names the victims for --anonymize: give both");
	if (o->tz_name && tz_leap_seconds(o->tz_name))
		return leap_zone(o->tz_name);
	if (o->format == FMT_PDF && !o->out && isatty(STDOUT_FILENO))
		return opt_error(&report_cmd, "--format pdf writes a binary file: give --out FILE");
	*opts = a.o;
	return OPT_GO;
}

bool parse_port_id(const char *s, struct port_id *out)
{
	char buf[32], *name;
	uint64_t port;
	int proto;

	if (!text_split(s, '/', buf, sizeof(buf), &name) || !parse_uint(buf, 0, 65535, &port))
		return false;
	proto = proto_parse(name);
	if (proto < 0)
		return false;
	out->proto = (uint8_t)proto;
	out->port = (uint16_t)port;
	return true;
}
