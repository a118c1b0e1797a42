// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * geolookup [--geoip FILE] [--asn FILE] ADDR...
 * Look addresses up with the sensor's own geolocation code (user/geo.c),
 * the default country database included; prints the database in use,
 * then one CSV row per address: addr,country,asn,as_org.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "lib/csv.h"
#include "lib/options.h"
#include "sensor/geo.h"

struct lookup_opts {
	const char *country_path, *asn_path;
};

static const struct opt lookup_table[] = {
	OPT_STRING(struct lookup_opts, country_path, "geoip", 0, "FILE",
		   "country database (default: the one run uses)"),
	OPT_STRING(struct lookup_opts, asn_path, "asn", 0, "FILE", "ASN database"),
	OPT_END,
};

static const struct opt_cmd lookup_cmd = {
	.prog = "geolookup", .args = "ADDR...", .min_args = 0, .max_args = -1,
	.about = "Look the addresses up as the sensor does: one CSV row each, "
		 "addr,country,asn,as_org.",
	.opts = lookup_table,
};

int main(int argc, char **argv)
{
	struct lookup_opts o = { 0 };
	struct strbuf sb;
	struct geo *g;
	char err[512];
	int i, argi, status = 0;

	i = opt_parse(&lookup_cmd, argc, argv, &o, &argi);
	if (i != OPT_GO)
		return i;
	g = geo_open(o.country_path, o.asn_path, err, sizeof(err));
	if (!g) {
		fprintf(stderr, "geolookup: %s\n", err);
		return 1;
	}
	printf("# country database: %s\n",
	       geo_country_path(g) ? geo_country_path(g) : "(none)");
	sb_init(&sb);
	for (i = argi; i < argc; i++) {
		uint8_t addr[16] = { 0 };
		int family = strchr(argv[i], ':') ? 6 : 4;
		struct geo_info info;
		struct csv_row row;

		if (inet_pton(family == 4 ? AF_INET : AF_INET6, argv[i], addr) != 1) {
			fprintf(stderr, "geolookup: %s: not an IP address\n", argv[i]);
			status = 1;
			continue;
		}
		geo_lookup(g, family, addr, &info);
		csv_begin(&row, &sb);
		csv_raw(&row, argv[i]);
		csv_raw(&row, info.country);
		csv_u64(&row, info.asn);
		csv_text(&row, info.as_org);
		csv_end(&row);
	}
	fputs(sb.buf ? sb.buf : "", stdout);
	sb_free(&sb);
	geo_close(g);
	return status;
}
