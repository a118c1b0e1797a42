// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Options of `xdp-telescope report`. A period is a quarter, month, ISO
 * week or explicit range; the period before it (the previous quarter ...)
 * supplies the "previous rank" columns.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "report/report.h"
#include "report/names.h"

static bool parse_quarter(const char *s, struct report_opts *o)
{
	int y, q, n = 0;

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

static bool parse_month(const char *s, struct report_opts *o)
{
	int y, m, n = 0;

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
static bool parse_week(const char *s, struct report_opts *o)
{
	int y, w, n = 0, jan4, monday1, last;

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

static void usage(FILE *f)
{
	fprintf(f,
"usage: xdp-telescope report --data DIR [--data DIR ...]\n"
"         (--quarter 2022Q3 | --month 2022-09 | --week 2022-W36 |\n"
"          --from YYYY-MM-DD --to YYYY-MM-DD)\n"
"         [--format html|md|csv] [--lang en|ja] [--out PATH] [--top N]\n"
"         [--country CC] [--port PORT/PROTO ...] [--sensors FILE]\n"
"\n"
"  --data DIR      a directory of YYYY-MM-DD/ day directories written by\n"
"                  'run', or a directory of such directories (one per sensor)\n"
"  --format        html (default): one self-contained file; md: Markdown;\n"
"                  csv: a directory with one CSV file per table\n"
"  --lang          en (default) or ja\n"
"  --out PATH      output file (html, md; default stdout) or directory (csv)\n"
"  --top N         rows in the top-N tables (default 5)\n"
"  --country CC    country for the backscatter presence and Mirai tables\n"
"                  (default: the country most sensors sit in, else JP)\n"
"  --port P/PROTO  adds a section for that port (repeatable), e.g. 1433/tcp\n"
"  --sensors FILE  CSV sensor,group,label[,country]: groups and names\n");
}

static bool set_format(const char *s, struct report_opts *o)
{
	if (!strcmp(s, "html"))
		o->format = FMT_HTML;
	else if (!strcmp(s, "md") || !strcmp(s, "markdown"))
		o->format = FMT_MD;
	else if (!strcmp(s, "csv"))
		o->format = FMT_CSV;
	else
		return false;
	return true;
}

bool report_parse_args(int argc, char **argv, struct report_opts *o, bool *help)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "quarter", required_argument, NULL, 'Q' },
		{ "month", required_argument, NULL, 'M' },
		{ "week", required_argument, NULL, 'W' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "lang", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, 'n' },
		{ "country", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "sensors", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int from = -1, to = -1, periods = 0, opt;
	char *end;

	memset(o, 0, sizeof(*o));
	o->top = 5;
	o->country = -1;
	*help = false;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (o->n_data_dirs == RPT_MAX_DATA) {
				pr_err("report: at most %d --data directories", RPT_MAX_DATA);
				return false;
			}
			o->data_dirs[o->n_data_dirs++] = optarg;
			break;
		case 'Q':
			periods++;
			if (!parse_quarter(optarg, o)) {
				pr_err("report: bad --quarter '%s' (want e.g. 2022Q3)", optarg);
				return false;
			}
			break;
		case 'M':
			periods++;
			if (!parse_month(optarg, o)) {
				pr_err("report: bad --month '%s' (want e.g. 2022-09)", optarg);
				return false;
			}
			break;
		case 'W':
			periods++;
			if (!parse_week(optarg, o)) {
				pr_err("report: bad --week '%s' (want e.g. 2022-W36)", optarg);
				return false;
			}
			break;
		case 'f':
		case 't':
			if (parse_day(optarg) < 0) {
				pr_err("report: bad --%s '%s' (want YYYY-MM-DD)",
				       opt == 'f' ? "from" : "to", optarg);
				return false;
			}
			*(opt == 'f' ? &from : &to) = parse_day(optarg);
			break;
		case 'F':
			if (!set_format(optarg, o)) {
				pr_err("report: bad --format '%s' (html, md or csv)", optarg);
				return false;
			}
			break;
		case 'l':
			if (strcmp(optarg, "en") && strcmp(optarg, "ja")) {
				pr_err("report: bad --lang '%s' (en or ja)", optarg);
				return false;
			}
			o->lang = optarg[0] == 'j' ? LANG_JA : LANG_EN;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'n':
			o->top = (int)strtol(optarg, &end, 10);
			if (*end || o->top < 1 || o->top > 100) {
				pr_err("report: bad --top '%s' (1 to 100)", optarg);
				return false;
			}
			break;
		case 'c':
			o->country = cc_slot(optarg);
			if (o->country < 0) {
				pr_err("report: bad --country '%s' (ISO 3166-1 alpha-2, e.g. JP)", optarg);
				return false;
			}
			break;
		case 'p':
			if (o->n_ports == RPT_MAX_PORTS) {
				pr_err("report: at most %d --port options", RPT_MAX_PORTS);
				return false;
			}
			if (!parse_port_id(optarg, &o->ports[o->n_ports])) {
				pr_err("report: bad --port '%s' (want PORT/PROTO, e.g. 1433/tcp)", optarg);
				return false;
			}
			o->n_ports++;
			break;
		case 's':
			o->sensors_file = optarg;
			break;
		case 'h':
			usage(stdout);
			*help = true;
			return false;
		default:
			pr_err("report: unknown or incomplete option '%s' (try --help)",
			       argv[optind - 1]);
			return false;
		}
	}
	if (optind < argc) {
		pr_err("report: unexpected argument '%s' (try --help)", argv[optind]);
		return false;
	}
	if (!o->n_data_dirs) {
		pr_err("report: --data DIR is required (try --help)");
		return false;
	}
	if ((from >= 0) != (to >= 0)) {
		pr_err("report: --from and --to go together");
		return false;
	}
	if (from >= 0) {
		periods++;
		if (to < from) {
			pr_err("report: --to is before --from");
			return false;
		}
		o->from = from;
		o->to = to;
		o->prev_to = from - 1;
		o->prev_from = from - (to - from + 1);
		o->period_kind = 'r';
	}
	if (periods != 1) {
		pr_err("report: give exactly one of --quarter, --month, --week, --from/--to");
		return false;
	}
	if (o->format == FMT_CSV && !o->out) {
		pr_err("report: --format csv writes a directory: give --out DIR");
		return false;
	}
	return true;
}

bool parse_port_id(const char *s, struct port_id *out)
{
	char buf[32], *slash, *end;
	long port;
	int proto;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return false;
	*slash = '\0';
	port = strtol(buf, &end, 10);
	if (!*buf || *end || port < 0 || port > 65535)
		return false;
	proto = proto_parse(slash + 1);
	if (proto < 0)
		return false;
	out->proto = (uint8_t)proto;
	out->port = (uint16_t)port;
	return true;
}
