/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Geolocation of source addresses with libmaxminddb: a country database
 * (MaxMind's `country.iso_code` or ip-location-db's flat `country_code`)
 * and an optional ASN database (`autonomous_system_number`,
 * `autonomous_system_organization`).
 */
#ifndef TS_GEO_H
#define TS_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEO_ORG_MAX 128

struct geo_info {
	char country[3];          /* ISO 3166-1 alpha-2, upper case; "ZZ" unknown */
	uint32_t asn;             /* 0 when unknown */
	char as_org[GEO_ORG_MAX]; /* "" when unknown */
};

struct geo; /* opaque */

/*
 * Open the databases. country_path NULL: use the installed default
 * (geo_default_country_path()); if there is none, answer "ZZ" for
 * everything (geo_country_path() is then NULL: the caller warns). asn_path NULL: no ASN. A path given that is
 * missing, unreadable or not a usable database is an error: returns NULL
 * and writes one line into err.
 */
struct geo *geo_open(const char *country_path, const char *asn_path,
		     char *err, size_t errlen);

/* Re-open the same paths; on failure keep the old databases, return -1. */
int geo_reload(struct geo *g, char *err, size_t errlen);

/* family: 4 or 6; addr: IPv4 in the first 4 bytes, or 16 bytes of IPv6. */
void geo_lookup(struct geo *g, int family, const uint8_t addr[16],
		struct geo_info *out);

/*
 * The networks of the last answers of each database: the database
 * answers alike for every address in a network, so lookups made in
 * address order ask it once per network instead of once per address.
 * One per thread and batch of lookups; not kept across geo_reload().
 */
struct geo_net {
	int family;
	int prefix; /* leading bits of addr; -1: none */
	uint8_t addr[16];
};

struct geo_near {
	struct geo_net country_net, asn_net;
	struct geo_info last; /* their answers */
};

void geo_near_init(struct geo_near *n);

/* geo_lookup(), answering from `near` when addr is in its networks. */
void geo_lookup_near(struct geo *g, struct geo_near *near, int family,
		     const uint8_t addr[16], struct geo_info *out);

/* Path of the country database in use, or NULL. */
const char *geo_country_path(const struct geo *g);

/* The default country database if one is installed, else NULL. */
const char *geo_default_country_path(void);

void geo_close(struct geo *g);

#endif
