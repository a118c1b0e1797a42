// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * geolookup [--geoip FILE] [--asn FILE] ADDR...
 * Look addresses up with the sensor's own geolocation code (user/geo.c),
 * the default country database included; prints the database in use,
 * then one CSV row per address: addr,country,asn,as_org.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "lib/csv.h"
#include "sensor/geo.h"

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "geoip", required_argument, NULL, 'g' },
		{ "asn", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *country_path = NULL, *asn_path = NULL;
	struct strbuf sb;
	struct geo *g;
	char err[512];
	int opt, i, status = 0;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'g')
			country_path = optarg;
		else if (opt == 'a')
			asn_path = optarg;
		else
			return 2;
	}
	g = geo_open(country_path, asn_path, err, sizeof(err));
	if (!g) {
		fprintf(stderr, "geolookup: %s\n", err);
		return 1;
	}
	printf("# country database: %s\n",
	       geo_country_path(g) ? geo_country_path(g) : "(none)");
	sb_init(&sb);
	for (i = optind; i < argc; i++) {
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
