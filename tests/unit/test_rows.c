// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * From a hand-made snapshot to CSV rows: the derived series (ports,
 * countries, port_countries, sources, backscatter) and their sums; and
 * a drain with many sources, where building them takes two threads
 * (geolocation in address order, sources.csv in two parts).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sensor/rows.h"

#define SOURCES 150000 /* well above what takes the second threads */

static char dir[] = "/tmp/ts-rows-XXXXXX";
static char country_db[256], asn_db[256];
static struct geo *geo;

static int make_dbs(void **state)
{
	char cmd[1024];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(country_db, sizeof(country_db), "%s/country.mmdb", dir);
	snprintf(asn_db, sizeof(asn_db), "%s/asn.mmdb", dir);
	snprintf(cmd, sizeof(cmd),
		 "perl tests/lib/mkmmdb.pl country %s && "
		 "perl tests/lib/mkmmdb.pl asn %s", country_db, asn_db);
	if (system(cmd))
		return -1;
	geo = geo_open(country_db, asn_db, cmd, sizeof(cmd));
	return geo ? 0 : -1;
}

static int remove_dbs(void **state)
{
	char cmd[300];

	(void)state;
	geo_close(geo);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct flow_entry flow4(__u8 a, __u8 b, __u8 c, __u8 d, __u8 proto,
			       __u16 port, __u64 packets, __u64 mirai)
{
	struct flow_entry f = { 0 };

	f.key.addr[0] = a; f.key.addr[1] = b; f.key.addr[2] = c; f.key.addr[3] = d;
	f.key.family = TS_FAMILY_IPV4;
	f.key.proto = proto;
	f.key.port = port;
	f.val.packets = packets;
	f.val.bytes = packets * 40;
	f.val.mirai = mirai;
	return f;
}

/* Does buffer sb contain line (exactly, as a whole row)? */
static int has_row(const struct strbuf *sb, const char *line)
{
	size_t n = strlen(line);
	const char *p = sb->buf;

	while (p && p < sb->buf + sb->len) {
		const char *nl = memchr(p, '\n', (size_t)(sb->buf + sb->len - p));

		if (nl && (size_t)(nl - p) == n && !memcmp(p, line, n))
			return 1;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int count_rows(const struct strbuf *sb)
{
	int n = 0;

	for (size_t i = 0; i < sb->len; i++)
		n += sb->buf[i] == '\n';
	return n;
}

static void build(struct snapshot *snap, struct strbuf out[S_COUNT])
{
	for (int i = 0; i < S_COUNT; i++)
		sb_init(&out[i]);
	rows_build(snap, geo, NULL, "s1", out);
}

static void free_out(struct strbuf out[S_COUNT])
{
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&out[i]);
}

static void test_derived_series(void **state)
{
	struct flow_entry flows[6];
	struct port_entry ov = { .key = { .proto = 6, .port = 23 },
				 .val = { .packets = 7, .bytes = 280 } };
	struct bs_entry bs = { 0 };
	struct snapshot snap = { 0 };
	struct strbuf out[S_COUNT];

	(void)state;
	flows[0] = flow4(198, 51, 100, 10, 6, 23, 5, 5);  /* JP, Mirai */
	flows[1] = flow4(198, 51, 100, 10, 6, 2323, 2, 0); /* JP, same source */
	flows[2] = flow4(198, 51, 100, 200, 6, 23, 3, 0); /* NL */
	flows[3] = flow4(203, 0, 113, 7, 17, 5060, 4, 0);  /* US */
	flows[4] = flow4(10, 1, 2, 3, 1, 8, 1, 0);          /* ZZ, ICMP echo */
	flows[5] = (struct flow_entry){ 0 };                /* DE, IPv6 */
	flows[5].key.addr[0] = 0x20; flows[5].key.addr[1] = 0x01;
	flows[5].key.addr[2] = 0x0d; flows[5].key.addr[3] = 0xb8;
	flows[5].key.addr[15] = 1;
	flows[5].key.family = TS_FAMILY_IPV6;
	flows[5].key.proto = 47;
	flows[5].val.packets = 1;
	flows[5].val.bytes = 100;

	memcpy(bs.key.addr, (const __u8[]){ 203, 0, 113, 9 }, 4);
	bs.key.family = TS_FAMILY_IPV4;
	bs.key.proto = 6;
	bs.key.src_port = 443;
	bs.key.kind = TS_BS_SYNACK;
	bs.packets = 6;

	snap.since = 1664582400; /* 2022-10-01T00:00:00Z */
	snap.seconds = 60;
	snap.flows = flows;
	snap.nflows = 6;
	snap.ovports = &ov;
	snap.novports = 1;
	snap.bs = &bs;
	snap.nbs = 1;
	snap.totals.packets = 16 + 7;
	snap.totals.bytes = 16 * 40 - 40 + 100 + 280;
	snap.totals.overflow = 7;
	snap.totals.mirai = 5;
	build(&snap, out);

	assert_true(has_row(&out[S_TOTALS],
		"2022-10-01T00:00:00Z,s1,23,980,5,0,0,7,0,5,0,0,0,0,0,60"));
	/* ports: flows plus the overflowed packets, sources from flows only */
	assert_int_equal(count_rows(&out[S_PORTS]), 5);
	assert_true(has_row(&out[S_PORTS], "2022-10-01T00:00:00Z,s1,tcp,23,15,600,2,5"));
	assert_true(has_row(&out[S_PORTS], "2022-10-01T00:00:00Z,s1,tcp,2323,2,80,1,0"));
	assert_true(has_row(&out[S_PORTS], "2022-10-01T00:00:00Z,s1,udp,5060,4,160,1,0"));
	assert_true(has_row(&out[S_PORTS], "2022-10-01T00:00:00Z,s1,icmp,8,1,40,1,0"));
	assert_true(has_row(&out[S_PORTS], "2022-10-01T00:00:00Z,s1,47,0,1,100,1,0"));
	/* countries: distinct sources */
	assert_int_equal(count_rows(&out[S_COUNTRIES]), 5);
	assert_true(has_row(&out[S_COUNTRIES], "2022-10-01T00:00:00Z,s1,JP,7,1"));
	assert_true(has_row(&out[S_COUNTRIES], "2022-10-01T00:00:00Z,s1,NL,3,1"));
	assert_true(has_row(&out[S_COUNTRIES], "2022-10-01T00:00:00Z,s1,US,4,1"));
	assert_true(has_row(&out[S_COUNTRIES], "2022-10-01T00:00:00Z,s1,DE,1,1"));
	assert_true(has_row(&out[S_COUNTRIES], "2022-10-01T00:00:00Z,s1,ZZ,1,1"));
	assert_true(has_row(&out[S_PORT_COUNTRIES], "2022-10-01T00:00:00Z,s1,tcp,23,JP,5,1,5"));
	assert_true(has_row(&out[S_PORT_COUNTRIES], "2022-10-01T00:00:00Z,s1,tcp,23,NL,3,1,0"));
	assert_int_equal(count_rows(&out[S_PORT_COUNTRIES]), 6);
	/* sources: summed over ports, with ASN; formula-like org neutralised */
	assert_int_equal(count_rows(&out[S_SOURCES]), 5);
	assert_true(has_row(&out[S_SOURCES],
		"2022-10-01T00:00:00Z,s1,198.51.100.10,JP,64500,7,280,Example JP Net"));
	assert_true(has_row(&out[S_SOURCES],
		"2022-10-01T00:00:00Z,s1,198.51.100.200,NL,64501,3,120,'=Research Scanner NL"));
	assert_true(has_row(&out[S_SOURCES],
		"2022-10-01T00:00:00Z,s1,2001:db8::1,DE,64503,1,100,Example DE"));
	assert_true(has_row(&out[S_SOURCES],
		"2022-10-01T00:00:00Z,s1,10.1.2.3,ZZ,0,1,40,"));
	/* backscatter from a source that sent nothing else: not in sources */
	assert_true(has_row(&out[S_BACKSCATTER],
		"2022-10-01T00:00:00Z,s1,203.0.113.9,US,64502,tcp,443,synack,6,"
		"\"Example, \"\"US\"\" Hosting\""));
	free_out(out);
}

static void test_empty_interval_writes_totals_only(void **state)
{
	/* the first row after an 11-minute outage: one row, 660 seconds long */
	struct snapshot snap = { .since = 1664582460, .seconds = 660 };
	struct strbuf out[S_COUNT];

	(void)state;
	build(&snap, out);
	assert_true(has_row(&out[S_TOTALS],
		"2022-10-01T00:01:00Z,s1,0,0,0,0,0,0,0,0,0,0,0,0,0,660"));
	for (int i = S_PORTS; i < S_COUNT; i++)
		assert_int_equal(out[i].len, 0);
	free_out(out);
}

static void test_names(void **state)
{
	char buf[4];

	(void)state;
	assert_string_equal(proto_name(6, buf), "tcp");
	assert_string_equal(proto_name(58, buf), "icmpv6");
	assert_string_equal(proto_name(132, buf), "132");
	assert_string_equal(bs_kind_name(TS_BS_RSTACK), "rstack");
	assert_string_equal(bs_kind_name(TS_BS_ICMP6_TOO_BIG), "icmp6_too_big");
	assert_string_equal(bs_kind_name(200), "unknown");
	for (int k = 1; k < TS_BS_KIND_COUNT; k++)
		assert_non_null(bs_kind_name((__u8)k));
}

/*
 * Many sources: every source once, in the order its first flow was
 * read, with its sums and its place, and the backscatter's own sources
 * located too.
 */
/*
 * Source i: spread over the address space, every 997th in the test
 * networks (198.51.100.0/24 is JP below .128, NL above; 203.0.113.0/24
 * US), every 89th IPv6 (2001:db8::/32 is DE).
 */
static void source_addr(size_t i, __u8 *family, __u8 addr[16])
{
	__u32 a = (__u32)((i + 1) * 2654435761ULL);

	memset(addr, 0, 16);
	*family = TS_FAMILY_IPV4;
	if (i % 89 == 5) {
		*family = TS_FAMILY_IPV6;
		addr[0] = 0x20, addr[1] = 0x01;
		addr[2] = i % 2 ? 0x0d : 0x0e, addr[3] = 0xb8;
		memcpy(addr + 12, &a, 4);
		return;
	}
	memcpy(addr, &a, 4);
	if (i % 997 == 3) {
		addr[0] = i % 2 ? 198 : 203, addr[1] = i % 2 ? 51 : 0;
		addr[2] = i % 2 ? 100 : 113, addr[3] = (__u8)(i / 997);
	}
}

static const char *country_of(__u8 family, const __u8 addr[16])
{
	if (family == TS_FAMILY_IPV6)
		return addr[2] == 0x0d ? "DE" : "ZZ";
	if (addr[0] == 198 && addr[1] == 51 && addr[2] == 100)
		return addr[3] < 128 ? "JP" : "NL";
	if (addr[0] == 203 && addr[1] == 0 && addr[2] == 113)
		return "US";
	return "ZZ";
}

static const char *org_of(const char *cc)
{
	return !strcmp(cc, "JP") ? "Example JP Net" :
	       !strcmp(cc, "NL") ? "'=Research Scanner NL" :
	       !strcmp(cc, "US") ? "\"Example, \"\"US\"\" Hosting\"" :
	       !strcmp(cc, "DE") ? "Example DE" : "";
}

static unsigned asn_of(const char *cc)
{
	return !strcmp(cc, "JP") ? 64500 : !strcmp(cc, "NL") ? 64501 :
	       !strcmp(cc, "US") ? 64502 : !strcmp(cc, "DE") ? 64503 : 0;
}

static void format(__u8 family, const __u8 addr[16], char *buf, size_t len)
{
	inet_ntop(family == TS_FAMILY_IPV4 ? AF_INET : AF_INET6, addr, buf, (socklen_t)len);
}

/* The first line of *p, advanced past it. */
static int next_line(const char **p, const char *end, char *line, size_t len)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : 0;

	if (!nl || n >= len)
		return 0;
	memcpy(line, *p, n);
	line[n] = '\0';
	*p = nl + 1;
	return 1;
}

static void test_many_sources(void **state)
{
	/* flow j: source (j * 7919) % SOURCES, so sources appear out of order
	 * and most have two flows (ports 23 and 80) */
	size_t nflows = SOURCES * 2, *first = calloc(SOURCES, sizeof(*first));
	struct snapshot snap = { .since = 1764633600, .seconds = 300 };
	__u64 *packets = calloc(SOURCES, sizeof(*packets));
	size_t *seen_order = calloc(SOURCES, sizeof(*seen_order)), nseen = 0;
	struct strbuf out[S_COUNT];
	char line[512], want[512], text[64];
	const char *p, *end;

	(void)state;
	assert_non_null(first && packets && seen_order);
	snap.flows = calloc(nflows, sizeof(*snap.flows));
	assert_non_null(snap.flows);
	for (size_t j = 0; j < nflows; j++) {
		struct flow_entry *f = &snap.flows[snap.nflows++];
		size_t s = (j * 7919) % SOURCES;

		source_addr(s, &f->key.family, f->key.addr);
		f->key.proto = 6;
		f->key.port = j < SOURCES ? 23 : 80;
		f->val.packets = 1 + s % 5;
		f->val.bytes = 40 * f->val.packets;
		if (!packets[s])
			seen_order[nseen++] = s;
		packets[s] += f->val.packets;
		snap.totals.packets += f->val.packets;
	}
	assert_int_equal(nseen, SOURCES);
	/* backscatter from sources of no flow, and from one of a flow */
	snap.nbs = 3;
	snap.bs = calloc(snap.nbs, sizeof(*snap.bs));
	assert_non_null(snap.bs);
	for (size_t i = 0; i < snap.nbs; i++) {
		snap.bs[i].key.family = TS_FAMILY_IPV4;
		snap.bs[i].key.proto = 6;
		snap.bs[i].key.src_port = 80;
		snap.bs[i].key.kind = TS_BS_SYNACK;
		snap.bs[i].packets = 1;
	}
	memcpy(snap.bs[0].key.addr, (__u8[]){ 198, 51, 100, 200 }, 4);
	memcpy(snap.bs[1].key.addr, (__u8[]){ 203, 0, 113, 250 }, 4);
	source_addr(3, &snap.bs[2].key.family, snap.bs[2].key.addr);

	for (int i = 0; i < S_COUNT; i++)
		sb_init(&out[i]);
	rows_build(&snap, geo, NULL, "s1", out);

	/* sources.csv: each source once, in the order of its first flow */
	p = out[S_SOURCES].buf;
	end = p + out[S_SOURCES].len;
	for (size_t i = 0; i < nseen; i++) {
		__u8 family, addr[16];
		const char *cc;

		source_addr(seen_order[i], &family, addr);
		cc = country_of(family, addr);
		format(family, addr, text, sizeof(text));
		snprintf(want, sizeof(want), "2025-12-02T00:00:00Z,s1,%s,%s,%u,%llu,%llu,%s",
			 text, cc, asn_of(cc), (unsigned long long)packets[seen_order[i]],
			 (unsigned long long)packets[seen_order[i]] * 40, org_of(cc));
		if (!next_line(&p, end, line, sizeof(line)))
			fail_msg("sources.csv ends after %zu rows of %d", i, SOURCES);
		if (strcmp(line, want))
			fail_msg("sources.csv row %zu: '%s', expected '%s'", i + 1, line, want);
	}
	assert_true(p == end);

	/* the backscatter's own sources are located like the others */
	p = out[S_BACKSCATTER].buf;
	end = p + out[S_BACKSCATTER].len;
	assert_true(next_line(&p, end, line, sizeof(line)));
	assert_string_equal(line, "2025-12-02T00:00:00Z,s1,198.51.100.200,NL,64501,tcp,80,"
			    "synack,1,'=Research Scanner NL");
	assert_true(next_line(&p, end, line, sizeof(line)));
	assert_string_equal(line, "2025-12-02T00:00:00Z,s1,203.0.113.250,US,64502,tcp,80,"
			    "synack,1,\"Example, \"\"US\"\" Hosting\"");
	assert_true(next_line(&p, end, line, sizeof(line)));

	/* totals: the flows' sources, not the backscatter's */
	snprintf(want, sizeof(want), "2025-12-02T00:00:00Z,s1,%llu,0,%d,",
		 (unsigned long long)snap.totals.packets, SOURCES);
	assert_int_equal(strncmp(out[S_TOTALS].buf, want, strlen(want)), 0);

	for (int i = 0; i < S_COUNT; i++)
		sb_free(&out[i]);
	snapshot_free(&snap);
	free(first);
	free(packets);
	free(seen_order);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derived_series),
		cmocka_unit_test(test_empty_interval_writes_totals_only),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_many_sources),
	};

	return cmocka_run_group_tests(tests, make_dbs, remove_dbs);
}
