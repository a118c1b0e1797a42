// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Geolocation with libmaxminddb. Accepted country schemas: MaxMind's
 * GeoLite2/GeoIP2 (`country.iso_code`, else `registered_country.iso_code`)
 * and ip-location-db's flat `country_code`; ASN: GeoLite2-ASN's
 * `autonomous_system_number` / `autonomous_system_organization`, which
 * ip-location-db's ASN databases share.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <maxminddb.h>
#include "common/contract.h"
#include "lib/alloc.h"
#include "lib/datafile.h"
#include "sensor/geo.h"
#include "lib/log.h"
#include "lib/text.h"

#ifndef TS_DATADIR
#define TS_DATADIR "/usr/local/share/xdp-telescope"
#endif

struct geo {
	MMDB_s country_db;
	MMDB_s asn_db;
	bool has_country;
	bool has_asn;
	/* NULL country_path: no database; asked_country: given by the caller. */
	char *country_path;
	char *asn_path;
	bool asked_country;
};

typedef const char *const mmdb_path[];

static mmdb_path country_iso_path = { "country", "iso_code", NULL };
static mmdb_path registered_iso_path = { "registered_country", "iso_code", NULL };
static mmdb_path flat_country_path = { "country_code", NULL };
static mmdb_path asn_number_path = { "autonomous_system_number", NULL };
static mmdb_path asn_org_path = { "autonomous_system_organization", NULL };

/* In order of preference: where a country code may live in a record. */
static const char *const *const country_paths[] = {
	country_iso_path, registered_iso_path, flat_country_path, NULL,
};
static const char *const *const asn_paths[] = { asn_number_path, NULL };

static bool entry_has_any(MMDB_entry_s *entry, const char *const *const *paths)
{
	MMDB_entry_data_s data;

	for (; *paths; paths++)
		if (MMDB_aget_value(entry, &data, *paths) == MMDB_SUCCESS &&
		    data.has_data)
			return true;
	return false;
}

enum probe_result { PROBE_OK, PROBE_EMPTY, PROBE_NO_FIELD };

/*
 * Is this the kind of database we were given it as? Walk the search tree
 * depth first and look at the first records found: a database of the
 * wrong kind (an ASN database given as the country database) has none of
 * the fields in any of them. Some records legitimately lack the field
 * (anycast networks have no `country`), so several are looked at.
 */
static enum probe_result probe_fields(MMDB_s *db,
				      const char *const *const *paths)
{
	enum { MAX_NODES = 8192, MAX_RECORDS = 64, STACK = 256 };
	uint32_t stack[STACK];
	int depth = 0, nodes = 0, records = 0;

	stack[depth++] = 0;
	while (depth > 0 && nodes < MAX_NODES && records < MAX_RECORDS) {
		MMDB_search_node_s node;
		uint32_t node_number = stack[--depth];

		nodes++;
		if (MMDB_read_node(db, node_number, &node) != MMDB_SUCCESS)
			continue;
		/* Right pushed first so the left (lower) half is seen first. */
		const uint64_t next[2] = { node.right_record, node.left_record };
		const uint8_t type[2] = { node.right_record_type,
					  node.left_record_type };
		MMDB_entry_s entry[2] = { node.right_record_entry,
					  node.left_record_entry };

		for (int i = 0; i < 2; i++) {
			if (type[i] == MMDB_RECORD_TYPE_SEARCH_NODE &&
			    depth < STACK) {
				stack[depth++] = (uint32_t)next[i];
			} else if (type[i] == MMDB_RECORD_TYPE_DATA) {
				records++;
				if (entry_has_any(&entry[i], paths))
					return PROBE_OK;
			}
		}
	}
	return records ? PROBE_NO_FIELD : PROBE_EMPTY;
}

/* Open one database and check it carries `paths`; one line in err if not. */
static int open_db(const char *what, const char *path,
		   const char *const *const *paths, const char *fields,
		   MMDB_s *db, char *err, size_t errlen)
{
	struct stat st;
	int status, saved_errno;

	/* libmaxminddb would say "No such device" when it fails to map one. */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s: is a directory, not a .mmdb file",
			 what, path);
		return -1;
	}
	status = MMDB_open(path, MMDB_MODE_MMAP, db);
	saved_errno = errno;
	if (status != MMDB_SUCCESS) {
		if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR)
			snprintf(err, errlen, "%s %s: %s (%s)", what, path,
				 MMDB_strerror(status), strerror(saved_errno));
		else
			snprintf(err, errlen, "%s %s: %s", what, path,
				 MMDB_strerror(status));
		return -1;
	}
	switch (probe_fields(db, paths)) {
	case PROBE_OK:
		pr_debug("%s %s: type %s, IPv%u", what, path,
			 db->metadata.database_type, db->metadata.ip_version);
		return 0;
	case PROBE_EMPTY:
		snprintf(err, errlen, "%s %s: the database has no records",
			 what, path);
		break;
	case PROBE_NO_FIELD:
		snprintf(err, errlen,
			 "%s %s: database type \"%s\" has no %s in its records; wrong file?",
			 what, path, db->metadata.database_type, fields);
		break;
	}
	MMDB_close(db);
	return -1;
}

static int open_country(const char *path, MMDB_s *db, char *err, size_t errlen)
{
	return open_db("country database", path, country_paths,
		       "country field (country.iso_code, registered_country.iso_code or country_code)",
		       db, err, errlen);
}

static int open_asn(const char *path, MMDB_s *db, char *err, size_t errlen)
{
	return open_db("ASN database", path, asn_paths,
		       "autonomous_system_number", db, err, errlen);
}

const char *geo_default_country_path(void)
{
	static char path[PATH_MAX];

	return default_data_file("XDP_TELESCOPE_GEOIP", "country.mmdb",
				 "data/country.mmdb", path, sizeof(path));
}

struct geo *geo_open(const char *country_path, const char *asn_path,
		     char *err, size_t errlen)
{
	struct geo *g = xcalloc(1, sizeof(*g));

	g->asked_country = country_path != NULL;
	if (!country_path)
		country_path = geo_default_country_path();
	if (country_path)
		g->country_path = xstrdup(country_path);
	if (asn_path)
		g->asn_path = xstrdup(asn_path);

	if (g->country_path) {
		if (open_country(g->country_path, &g->country_db, err, errlen))
			goto fail;
		g->has_country = true;
	}
	if (g->asn_path) {
		if (open_asn(g->asn_path, &g->asn_db, err, errlen))
			goto fail;
		g->has_asn = true;
	}
	return g;

fail:
	geo_close(g);
	return NULL;
}

/*
 * Both databases are opened anew before either old one is closed, so a
 * file replaced half-written (or removed) leaves the sensor geolocating
 * with what it had.
 */
int geo_reload(struct geo *g, char *err, size_t errlen)
{
	MMDB_s country_db, asn_db;
	char *country_path = g->country_path;
	bool has_country = false;

	/* Without a database to reopen, look again for the default one:
	 * `make geoip` then SIGHUP starts geolocating. */
	if (!country_path && !g->asked_country) {
		const char *found = geo_default_country_path();

		if (found)
			country_path = xstrdup(found);
	}
	if (country_path) {
		if (open_country(country_path, &country_db, err, errlen))
			goto fail;
		has_country = true;
	}
	if (g->has_asn && open_asn(g->asn_path, &asn_db, err, errlen))
		goto fail;

	if (g->has_country)
		MMDB_close(&g->country_db);
	if (has_country)
		g->country_db = country_db;
	g->has_country = has_country;
	g->country_path = country_path;
	if (g->has_asn) {
		MMDB_close(&g->asn_db);
		g->asn_db = asn_db;
	}
	return 0;

fail:
	if (has_country)
		MMDB_close(&country_db);
	if (country_path != g->country_path)
		free(country_path);
	return -1;
}

/*
 * Look addr up; false when the database has no record for it. *prefix:
 * how many leading bits of addr (of its family) the network of the
 * answer has — every address there gets the same answer, found or not —
 * or -1 when the lookup failed.
 */
static bool find(MMDB_s *db, int family, const struct sockaddr *sa,
		 MMDB_entry_s *entry, int *prefix)
{
	int mmdb_error;
	MMDB_lookup_result_s res = MMDB_lookup_sockaddr(db, sa, &mmdb_error);

	/* An IPv6 address in an IPv4-only database is simply unknown. */
	if (mmdb_error != MMDB_SUCCESS) {
		*prefix = -1;
		return false;
	}
	/* IPv4 in an IPv6 database is looked up as ::a.b.c.d: 96 bits first */
	*prefix = res.netmask;
	if (family == 4 && db->metadata.ip_version == 6)
		*prefix = res.netmask > 96 ? res.netmask - 96 : 0;
	if (!res.found_entry)
		return false;
	*entry = res.entry;
	return true;
}

static void lookup_country(MMDB_s *db, int family, const struct sockaddr *sa,
			   char cc[3], int *prefix)
{
	const char *const *const *path;
	MMDB_entry_data_s data;
	MMDB_entry_s entry;

	if (!find(db, family, sa, &entry, prefix))
		return;
	for (path = country_paths; *path; path++) {
		if (MMDB_aget_value(&entry, &data, *path) != MMDB_SUCCESS ||
		    !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING)
			continue;
		/* Anything but two letters is not ISO 3166-1 alpha-2. */
		if (data.data_size != 2 || !isalpha((unsigned char)data.utf8_string[0]) ||
		    !isalpha((unsigned char)data.utf8_string[1]))
			continue;
		cc[0] = (char)toupper((unsigned char)data.utf8_string[0]);
		cc[1] = (char)toupper((unsigned char)data.utf8_string[1]);
		cc[2] = '\0';
		return;
	}
}

static uint32_t entry_u32(const MMDB_entry_data_s *data)
{
	switch (data->type) {
	case MMDB_DATA_TYPE_UINT16:
		return data->uint16;
	case MMDB_DATA_TYPE_UINT32:
		return data->uint32;
	case MMDB_DATA_TYPE_INT32:
		return data->int32 > 0 ? (uint32_t)data->int32 : 0;
	case MMDB_DATA_TYPE_UINT64:
		return data->uint64 <= UINT32_MAX ? (uint32_t)data->uint64 : 0;
	default:
		return 0;
	}
}

static void lookup_asn(MMDB_s *db, int family, const struct sockaddr *sa,
		       struct geo_info *out, int *prefix)
{
	MMDB_entry_data_s data;
	MMDB_entry_s entry;

	if (!find(db, family, sa, &entry, prefix))
		return;
	if (MMDB_aget_value(&entry, &data, asn_number_path) == MMDB_SUCCESS &&
	    data.has_data)
		out->asn = entry_u32(&data);
	/* The name is a third party's: a line end, tab or other control
	 * character becomes a space and bytes that are no UTF-8 become
	 * U+FFFD, so the CSV and the reports stay UTF-8 text whose names
	 * hold no line (lib/text.h); a long name is cut at a character. */
	if (MMDB_aget_value(&entry, &data, asn_org_path) == MMDB_SUCCESS &&
	    data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING)
		text_clean(out->as_org, sizeof(out->as_org), data.utf8_string,
			   data.data_size);
}

void geo_near_init(struct geo_near *n)
{
	memset(n, 0, sizeof(*n));
	n->country_net.prefix = n->asn_net.prefix = -1;
}

/* Is addr in the network of the last answer? */
static bool in_net(const struct geo_net *net, int family, const uint8_t addr[16])
{
	int whole = net->prefix / 8, rest = net->prefix % 8;

	if (net->prefix < 0 || net->family != family)
		return false;
	if (memcmp(net->addr, addr, (size_t)whole))
		return false;
	return !rest || !((net->addr[whole] ^ addr[whole]) & (0xff00 >> rest));
}

static void set_net(struct geo_net *net, int family, const uint8_t addr[16], int prefix)
{
	net->family = family;
	net->prefix = prefix;
	memcpy(net->addr, addr, family == 4 ? 4 : 16);
}

void geo_lookup_near(struct geo *g, struct geo_near *near, int family,
		     const uint8_t addr[16], struct geo_info *out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	const struct sockaddr *sa;
	bool country_known, asn_known;
	int prefix;

	memcpy(out->country, COUNTRY_UNKNOWN, 3);
	out->asn = 0;
	out->as_org[0] = '\0';
	if (!g)
		return;
	country_known = near && g->has_country && in_net(&near->country_net, family, addr);
	asn_known = near && g->has_asn && in_net(&near->asn_net, family, addr);
	if (country_known)
		memcpy(out->country, near->last.country, 3);
	if (asn_known) {
		out->asn = near->last.asn;
		memcpy(out->as_org, near->last.as_org, sizeof(out->as_org));
	}
	if ((country_known || !g->has_country) && (asn_known || !g->has_asn))
		return;
	if (family == 4) {
		memcpy(&sin.sin_addr, addr, 4);
		sa = (const struct sockaddr *)&sin;
	} else {
		memcpy(&sin6.sin6_addr, addr, 16);
		sa = (const struct sockaddr *)&sin6;
	}
	if (g->has_country && !country_known) {
		lookup_country(&g->country_db, family, sa, out->country, &prefix);
		if (near) {
			set_net(&near->country_net, family, addr, prefix);
			memcpy(near->last.country, out->country, 3);
		}
	}
	if (g->has_asn && !asn_known) {
		lookup_asn(&g->asn_db, family, sa, out, &prefix);
		if (near) {
			set_net(&near->asn_net, family, addr, prefix);
			near->last.asn = out->asn;
			memcpy(near->last.as_org, out->as_org, sizeof(out->as_org));
		}
	}
}

void geo_lookup(struct geo *g, int family, const uint8_t addr[16],
		struct geo_info *out)
{
	geo_lookup_near(g, NULL, family, addr, out);
}

const char *geo_country_path(const struct geo *g)
{
	return g && g->has_country ? g->country_path : NULL;
}

void geo_close(struct geo *g)
{
	if (!g)
		return;
	if (g->has_country)
		MMDB_close(&g->country_db);
	if (g->has_asn)
		MMDB_close(&g->asn_db);
	free(g->country_path);
	free(g->asn_path);
	free(g);
}
