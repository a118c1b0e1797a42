// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Geolocation against databases written at test time by
 * tests/lib/mkmmdb.pl (the networks are listed there): both country
 * schemas, ASN, IPv4 in IPv6 databases, bad files, reloads, no database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "sensor/geo.h"

static char tmpdir[PATH_MAX];
static char country_db[PATH_MAX], flat_db[PATH_MAX], registered_db[PATH_MAX];
static char asn_db[PATH_MAX];

static void path_in_tmp(char *out, const char *name)
{
	if (snprintf(out, PATH_MAX, "%s/%s", tmpdir, name) >= PATH_MAX)
		abort();
}

/* $TS_MKMMDB, else tests/lib/mkmmdb.pl of the tree the binary was built in. */
static int find_mkmmdb(char *out)
{
	const char *env = getenv("TS_MKMMDB");
	char exe[PATH_MAX];
	ssize_t n;

	if (env) {
		snprintf(out, PATH_MAX, "%s", env);
		return access(out, R_OK);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0'; /* build/tests/unit */
		if (snprintf(out, PATH_MAX, "%s/../../../tests/lib/mkmmdb.pl",
			     exe) < PATH_MAX && access(out, R_OK) == 0)
			return 0;
	}
	snprintf(out, PATH_MAX, "tests/lib/mkmmdb.pl");
	return access(out, R_OK);
}

static int mkmmdb(const char *schema, const char *out, const char *move)
{
	char script[PATH_MAX];
	int status;
	pid_t pid;

	if (find_mkmmdb(script)) {
		fprintf(stderr, "cannot find tests/lib/mkmmdb.pl (set TS_MKMMDB)\n");
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("perl", "perl", script, schema, out, move, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "mkmmdb.pl %s %s failed\n", schema, out);
		return -1;
	}
	return 0;
}

static void write_file(const char *path, const void *bytes, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	const char *base = getenv("TS_ARTEFACTS");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/geo.XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return -1;
	}
	path_in_tmp(country_db, "country.mmdb");
	path_in_tmp(flat_db, "country-flat.mmdb");
	path_in_tmp(registered_db, "country-registered.mmdb");
	path_in_tmp(asn_db, "asn.mmdb");
	if (mkmmdb("country", country_db, NULL) ||
	    mkmmdb("country-flat", flat_db, NULL) ||
	    mkmmdb("country-registered", registered_db, NULL) ||
	    mkmmdb("asn", asn_db, NULL))
		return -1;
	/* No installed database may leak into the tests. */
	setenv("XDP_TELESCOPE_GEOIP", "", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct geo_info look(struct geo *g, const char *text)
{
	struct geo_info info;
	uint8_t addr[16] = { 0 };
	int family = strchr(text, ':') ? 6 : 4;

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, text, addr), 1);
	memset(&info, 0x55, sizeof(info)); /* every field must be written */
	geo_lookup(g, family, addr, &info);
	return info;
}

static void assert_country(struct geo *g, const char *addr, const char *cc)
{
	struct geo_info info = look(g, addr);

	if (strcmp(info.country, cc) != 0)
		fail_msg("%s: country %s, expected %s", addr, info.country, cc);
	assert_int_equal(info.asn, 0);
	assert_string_equal(info.as_org, "");
}

/* The same answers whatever the schema, for IPv4, IPv6 and mapped IPv4. */
static void assert_test_countries(const char *path)
{
	char err[512] = "";
	struct geo *g = geo_open(path, NULL, err, sizeof(err));

	if (!g)
		fail_msg("geo_open %s: %s", path, err);
	assert_string_equal(geo_country_path(g), path);
	assert_country(g, "198.51.100.0", "JP");
	assert_country(g, "198.51.100.127", "JP");
	assert_country(g, "198.51.100.128", "NL");
	assert_country(g, "198.51.100.255", "NL");
	assert_country(g, "203.0.113.77", "US");
	assert_country(g, "2001:db8::1", "DE");
	assert_country(g, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "DE");
	assert_country(g, "::ffff:198.51.100.1", "JP");
	assert_country(g, "::ffff:203.0.113.1", "US");
	assert_country(g, "198.51.99.255", "ZZ");
	assert_country(g, "203.0.114.0", "ZZ");
	assert_country(g, "8.8.8.8", "ZZ");
	assert_country(g, "0.0.0.0", "ZZ");
	assert_country(g, "255.255.255.255", "ZZ");
	assert_country(g, "2001:db9::1", "ZZ");
	assert_country(g, "::", "ZZ");
	geo_close(g);
}

static void test_country_maxmind_schema(void **state)
{
	(void)state;
	assert_test_countries(country_db);
}

static void test_country_flat_schema(void **state)
{
	(void)state;
	assert_test_countries(flat_db);
}

static void test_country_registered_only(void **state)
{
	(void)state;
	assert_test_countries(registered_db);
}

static void assert_asn(struct geo *g, const char *addr, const char *cc,
		       uint32_t asn, const char *org)
{
	struct geo_info info = look(g, addr);

	assert_string_equal(info.country, cc);
	assert_int_equal(info.asn, asn);
	assert_string_equal(info.as_org, org);
}

static void test_asn(void **state)
{
	char err[512] = "";
	struct geo *g = geo_open(country_db, asn_db, err, sizeof(err));

	(void)state;
	if (!g)
		fail_msg("geo_open: %s", err);
	assert_asn(g, "198.51.100.1", "JP", 64500, "Example JP Net");
	assert_asn(g, "198.51.100.129", "NL", 64501, "=Research Scanner NL");
	assert_asn(g, "203.0.113.1", "US", 64502, "Example, \"US\" Hosting");
	assert_asn(g, "2001:db8:1::1", "DE", 64503, "Example DE");
	assert_asn(g, "::ffff:198.51.100.1", "JP", 64500, "Example JP Net");
	assert_asn(g, "8.8.8.8", "ZZ", 0, "");
	assert_asn(g, "2001:db9::1", "ZZ", 0, "");
	geo_close(g);
}

/* Organisation names with line ends and other control characters (a
 * third party's data) are written as one line of text. */
static void test_asn_hostile_names(void **state)
{
	char err[512] = "", hostile_db[PATH_MAX];
	struct geo *g;

	(void)state;
	path_in_tmp(hostile_db, "asn-hostile.mmdb");
	assert_int_equal(mkmmdb("asn", hostile_db, "--hostile=2026-12-01"), 0);
	g = geo_open(country_db, hostile_db, err, sizeof(err));
	if (!g)
		fail_msg("geo_open: %s", err);
	assert_asn(g, "198.51.100.1", "JP", 64500, "Example JP Net");
	assert_asn(g, "198.51.100.129", "NL", 64501, "=Research Scanner  NL");
	assert_asn(g, "203.0.113.1", "US", 64502, "X 2026-12-01T19:00:00Z,evil,203.0.113.99,"
		   "US,1,tcp,443,synack,999999,Injected");
	assert_asn(g, "2001:db8:1::1", "DE", 64503, "Example  DE ");
	geo_close(g);
}

/* A walk of addresses a + step * i, i < n, each looked up both ways. */
static void assert_near_walk(struct geo *g, struct geo_near *near, const char *from,
			     int step, int n)
{
	int family = strchr(from, ':') ? 6 : 4;
	uint8_t addr[16] = { 0 };

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, from, addr), 1);
	for (int i = 0; i < n; i++) {
		struct geo_info plain, fast;
		char text[INET6_ADDRSTRLEN];

		memset(&fast, 0x55, sizeof(fast)); /* every field must be written */
		geo_lookup(g, family, addr, &plain);
		geo_lookup_near(g, near, family, addr, &fast);
		inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, text, sizeof(text));
		if (strcmp(plain.country, fast.country) || plain.asn != fast.asn ||
		    strcmp(plain.as_org, fast.as_org))
			fail_msg("%s: %s %u '%s' from the last network, %s %u '%s' looked up",
				 text, fast.country, fast.asn, fast.as_org, plain.country,
				 plain.asn, plain.as_org);
		/* the last bytes of the address step (up or down), with carries */
		for (int b = family == 4 ? 3 : 15, d = step; d && b >= 0; b--) {
			int v = addr[b] + d;

			addr[b] = (uint8_t)v;
			d = v < 0 ? -1 : v > 255 ? 1 : 0;
		}
	}
}

/*
 * Answers from the network of the last answer are those of a lookup,
 * across every edge of the test networks, up and down, with either
 * database missing, and between the families.
 */
static void test_lookup_near(void **state)
{
	const char *const dbs[][2] = {
		{ country_db, asn_db }, { country_db, NULL }, { flat_db, asn_db },
	};
	char err[512] = "";

	(void)state;
	for (size_t d = 0; d < sizeof(dbs) / sizeof(dbs[0]); d++) {
		struct geo *g = geo_open(dbs[d][0], dbs[d][1], err, sizeof(err));
		struct geo_near near;

		if (!g)
			fail_msg("geo_open: %s", err);
		geo_near_init(&near);
		assert_near_walk(g, &near, "198.51.99.250", 1, 270);
		assert_near_walk(g, &near, "198.51.101.4", -1, 270);
		assert_near_walk(g, &near, "2001:db7:ffff:ffff:ffff:ffff:ffff:fff0", 1, 40);
		assert_near_walk(g, &near, "203.0.112.250", 1, 270);
		assert_near_walk(g, &near, "2001:db8:ffff:ffff:ffff:ffff:ffff:fff0", 1, 40);
		assert_near_walk(g, &near, "203.0.114.4", -1, 270);
		assert_near_walk(g, &near, "::ffff:198.51.100.120", 1, 20);
		assert_near_walk(g, &near, "0.0.0.0", 1, 3);
		assert_near_walk(g, &near, "255.255.255.250", 1, 5);
		geo_close(g);
	}
}

static void test_asn_without_country(void **state)
{
	char err[512] = "";
	struct geo *g = geo_open(NULL, asn_db, err, sizeof(err));

	(void)state;
	if (!g)
		fail_msg("geo_open: %s", err);
	assert_null(geo_country_path(g));
	assert_asn(g, "203.0.113.1", "ZZ", 64502, "Example, \"US\" Hosting");
	geo_close(g);
}

static void assert_open_fails(const char *country, const char *asn,
			      const char *needle1, const char *needle2)
{
	char err[512] = "";
	struct geo *g = geo_open(country, asn, err, sizeof(err));

	if (g)
		fail_msg("geo_open(%s, %s) succeeded", country, asn ? asn : "NULL");
	if (!strstr(err, needle1) || !strstr(err, needle2))
		fail_msg("error \"%s\" lacks \"%s\" or \"%s\"", err, needle1, needle2);
	assert_null(strchr(err, '\n'));
}

static void test_missing_file(void **state)
{
	char missing[PATH_MAX];

	(void)state;
	path_in_tmp(missing, "no-such.mmdb");
	assert_open_fails(missing, NULL, missing, "No such file or directory");
	assert_open_fails(country_db, missing, missing, "No such file or directory");
	assert_open_fails(tmpdir, NULL, tmpdir, "is a directory");
}

static void test_corrupt_file(void **state)
{
	static const char garbage[] = "this is not a MaxMind DB, just text\n";
	char corrupt[PATH_MAX], empty[PATH_MAX], cut[PATH_MAX];
	char buf[4096];
	FILE *f;
	size_t n;

	(void)state;
	path_in_tmp(corrupt, "garbage.mmdb");
	write_file(corrupt, garbage, sizeof(garbage) - 1);
	assert_open_fails(corrupt, NULL, corrupt, "country database");
	assert_open_fails(country_db, corrupt, corrupt, "ASN database");

	path_in_tmp(empty, "empty.mmdb");
	write_file(empty, "", 0);
	assert_open_fails(empty, NULL, empty, "country database");

	/* A download cut short: the metadata at the end is missing. */
	f = fopen(country_db, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 200);
	path_in_tmp(cut, "cut.mmdb");
	write_file(cut, buf, n / 2);
	assert_open_fails(cut, NULL, cut, "metadata");
}

static void test_wrong_kind_of_database(void **state)
{
	(void)state;
	assert_open_fails(asn_db, NULL, asn_db, "GeoLite2-ASN");
	assert_open_fails(country_db, country_db, "ASN database", "autonomous_system_number");
}

static void test_reload(void **state)
{
	char live[PATH_MAX], next[PATH_MAX], err[512] = "";
	static const char garbage[] = "garbage";
	struct geo *g;

	(void)state;
	path_in_tmp(live, "live.mmdb");
	path_in_tmp(next, "next.mmdb");
	assert_int_equal(mkmmdb("country", live, NULL), 0);
	g = geo_open(live, asn_db, err, sizeof(err));
	if (!g)
		fail_msg("geo_open: %s", err);
	assert_asn(g, "198.51.100.1", "JP", 64500, "Example JP Net");

	/* Replaced by something broken: keep answering from the old one. */
	write_file(next, garbage, sizeof(garbage) - 1);
	assert_int_equal(rename(next, live), 0);
	err[0] = '\0';
	assert_int_equal(geo_reload(g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, live));
	assert_asn(g, "198.51.100.1", "JP", 64500, "Example JP Net");

	/* Removed: the same. */
	assert_int_equal(unlink(live), 0);
	err[0] = '\0';
	assert_int_equal(geo_reload(g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_asn(g, "198.51.100.1", "JP", 64500, "Example JP Net");

	/* A new edition in which the network moved: picked up. */
	assert_int_equal(mkmmdb("country-flat", next, "198.51.100.0/25=KR"), 0);
	assert_int_equal(rename(next, live), 0);
	assert_int_equal(geo_reload(g, err, sizeof(err)), 0);
	assert_asn(g, "198.51.100.1", "KR", 64500, "Example JP Net");
	assert_asn(g, "2001:db8::1", "DE", 64503, "Example DE");
	assert_string_equal(geo_country_path(g), live);
	geo_close(g);
}

static void test_no_database(void **state)
{
	char err[512] = "";
	struct geo *g = geo_open(NULL, NULL, err, sizeof(err));

	(void)state;
	assert_null(geo_default_country_path());
	assert_non_null(g);
	assert_null(geo_country_path(g));
	assert_country(g, "198.51.100.1", "ZZ");
	assert_country(g, "2001:db8::1", "ZZ");
	/* Reload with nothing installed still succeeds and still says ZZ. */
	assert_int_equal(geo_reload(g, err, sizeof(err)), 0);
	assert_country(g, "203.0.113.1", "ZZ");
	geo_close(g);
	assert_country(NULL, "203.0.113.1", "ZZ");
}

static void test_default_path_from_environment(void **state)
{
	char err[512] = "", missing[PATH_MAX];
	struct geo *g;

	(void)state;
	/* Started without a database; one installed later, then SIGHUP. */
	g = geo_open(NULL, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_country(g, "198.51.100.1", "ZZ");
	setenv("XDP_TELESCOPE_GEOIP", flat_db, 1);
	assert_string_equal(geo_default_country_path(), flat_db);
	assert_int_equal(geo_reload(g, err, sizeof(err)), 0);
	assert_string_equal(geo_country_path(g), flat_db);
	assert_country(g, "198.51.100.1", "JP");
	geo_close(g);

	g = geo_open(NULL, NULL, err, sizeof(err));
	if (!g)
		fail_msg("geo_open: %s", err);
	assert_string_equal(geo_country_path(g), flat_db);
	assert_country(g, "203.0.113.1", "US");
	geo_close(g);

	/* Named by the operator but missing: an error, not silent ZZ. */
	path_in_tmp(missing, "not-installed.mmdb");
	setenv("XDP_TELESCOPE_GEOIP", missing, 1);
	assert_open_fails(NULL, NULL, missing, "No such file or directory");
	setenv("XDP_TELESCOPE_GEOIP", "", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_country_maxmind_schema),
		cmocka_unit_test(test_country_flat_schema),
		cmocka_unit_test(test_country_registered_only),
		cmocka_unit_test(test_asn),
		cmocka_unit_test(test_asn_hostile_names),
		cmocka_unit_test(test_asn_without_country),
		cmocka_unit_test(test_lookup_near),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_corrupt_file),
		cmocka_unit_test(test_wrong_kind_of_database),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_no_database),
		cmocka_unit_test(test_default_path_from_environment),
	};

	return cmocka_run_group_tests_name("geo", tests, setup, teardown);
}
