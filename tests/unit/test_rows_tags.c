// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tags.csv rows (sensor/rows.c) from a hand-made snapshot of one drained
 * generation: a row per tag of each mask, distinct sources across masks,
 * overflowed packets under ZZ, a bit without a name. The GeoIP databases
 * are made in a fresh directory per test (tests/lib/filecase.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sensor/rows.h"
#include "filecase.h"

#define TAG_M(bit) (1ULL << (bit))

/* ---- tags.csv rows from one drained generation ---- */

static struct tag_entry tag4(__u8 a, __u8 b, __u8 c, __u8 d, __u8 proto,
			     __u16 port, __u64 tags, __u64 packets)
{
	struct tag_entry e = { 0 };

	e.key.addr[0] = a; e.key.addr[1] = b; e.key.addr[2] = c; e.key.addr[3] = d;
	e.key.family = TS_FAMILY_IPV4;
	e.key.proto = proto;
	e.key.port = port;
	e.key.tags = tags;
	e.packets = packets;
	return e;
}

/* Does sb hold exactly this line, as a whole row? */
static int has_line(const struct strbuf *sb, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = sb->buf; p && p < sb->buf + sb->len;) {
		const char *nl = memchr(p, '\n', (size_t)(sb->buf + sb->len - p));

		if (nl && (size_t)(nl - p) == n && !memcmp(p, line, n))
			return 1;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/*
 * A packet with k tags is in k rows; sources count distinct addresses per
 * (tag, proto, port, country) even across masks; overflowed packets are
 * under ZZ without sources; a bit without a name is "bitN".
 */
static void tag_rows_from_a_snapshot(void **state)
{
	const __u64 mirai = TAG_M(TS_TAG_MIRAI), zmap = TAG_M(TS_TAG_ZMAP),
		    sip = TAG_M(TS_TAG_SIP_OPTIONS), friendly = TAG_M(TS_TAG_SIP_FRIENDLY),
		    knock = TAG_M(TS_TAG_SYNFUL_KNOCK);
	struct dir *d = *state;
	struct tag_entry tags[8];
	struct tagov_entry ov[2] = { 0 };
	struct snapshot snap = { 0 };
	struct strbuf out[S_COUNT];
	struct tag_names names;
	char cmd[512], country[160], asn[160];
	struct geo *geo;
	__u64 research, lines = 0;
	const char *t = "2022-10-01T00:00:00Z,s1,";
	char row[160];

	snprintf(country, sizeof(country), "%s/country.mmdb", d->path);
	snprintf(asn, sizeof(asn), "%s/asn.mmdb", d->path);
	snprintf(cmd, sizeof(cmd), "perl tests/lib/mkmmdb.pl country %s && "
		 "perl tests/lib/mkmmdb.pl asn %s", country, asn);
	assert_int_equal(system(cmd), 0);
	geo = geo_open(country, asn, cmd, sizeof(cmd));
	assert_non_null(geo);
	tag_names_init(&names);
	research = TAG_M(tag_bit(&names, "list:research"));

	tags[0] = tag4(198, 51, 100, 10, 6, 23, mirai | zmap, 5);      /* JP */
	tags[1] = tag4(198, 51, 100, 10, 6, 23, mirai, 2);             /* same source */
	tags[2] = tag4(198, 51, 100, 20, 6, 23, mirai, 3);             /* JP */
	tags[3] = tag4(198, 51, 100, 10, 6, 2323, mirai, 1);           /* JP */
	tags[4] = tag4(198, 51, 100, 200, 17, 5060, sip | friendly | research, 4); /* NL */
	tags[5] = tag4(10, 1, 2, 3, 6, 23, mirai, 6);                  /* ZZ */
	tags[6] = tag4(203, 0, 113, 9, 6, 23, TAG_M(50), 1);           /* US, unnamed */
	tags[7] = (struct tag_entry){ 0 };                             /* DE, IPv6 */
	memcpy(tags[7].key.addr, (const __u8[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
	tags[7].key.addr[15] = 5;
	tags[7].key.family = TS_FAMILY_IPV6;
	tags[7].key.proto = 6;
	tags[7].key.port = 80;
	tags[7].key.tags = knock;
	tags[7].packets = 1;
	ov[0].key.tags = mirai;
	ov[0].key.proto = 6;
	ov[0].key.port = 23;
	ov[0].packets = 7;
	ov[1].key.tags = sip | friendly;
	ov[1].key.proto = 17;
	ov[1].key.port = 5060;
	ov[1].packets = 2;
	snap.since = 1664582400;
	snap.seconds = 60;
	snap.tags = tags;
	snap.ntags = 8;
	snap.tagov = ov;
	snap.ntagov = 2;
	snap.totals.tagged = 5 + 2 + 3 + 1 + 4 + 6 + 1 + 1 + 7 + 2;
	snap.totals.tag_overflow = 9;
	for (int i = 0; i < S_COUNT; i++)
		sb_init(&out[i]);
	rows_build(&snap, geo, &names, "s1", out);

	static const char *const want[] = {
		"mirai,tcp,23,JP,10,2",
		"zmap,tcp,23,JP,5,1",
		"mirai,tcp,2323,JP,1,1",
		"sip_options,udp,5060,NL,4,1",
		"sip_friendly_scanner,udp,5060,NL,4,1",
		"list:research,udp,5060,NL,4,1",
		"mirai,tcp,23,ZZ,13,1",
		"bit50,tcp,23,US,1,1",
		"synful_knock,tcp,80,DE,1,1",
		"sip_options,udp,5060,ZZ,2,0",
		"sip_friendly_scanner,udp,5060,ZZ,2,0",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(row, sizeof(row), "%s%s", t, want[i]);
		if (!has_line(&out[S_TAGS], row))
			fail_msg("no row %s in:\n%.*s", row, (int)out[S_TAGS].len,
				 out[S_TAGS].buf);
	}
	for (size_t i = 0; i < out[S_TAGS].len; i++)
		lines += out[S_TAGS].buf[i] == '\n';
	assert_int_equal(lines, sizeof(want) / sizeof(want[0]));
	/* the totals row ends with tagged, tag_overflow and seconds */
	snprintf(row, sizeof(row), ",%llu,9,60\n", (unsigned long long)snap.totals.tagged);
	assert_true(out[S_TOTALS].len > strlen(row));
	assert_string_equal(out[S_TOTALS].buf + out[S_TOTALS].len - strlen(row), row);
	assert_string_equal(series_header[S_TAGS],
			    "time,sensor,tag,proto,port,country,packets,sources");
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&out[i]);
	geo_close(geo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tag_rows_from_a_snapshot, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests_name("tags: tags.csv rows", tests, NULL, NULL);
}
