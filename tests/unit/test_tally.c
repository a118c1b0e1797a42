// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* report/tally.c: what the rows of a series add to the statistics. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "report/read.h"
#include "report/report.h"
#include "report/sections/section.h"
#include "report/stats.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static const uint64_t *tag_port(const struct report_stats *st, int id, int proto, int port)
{
	return counters_find(&st->tag_cross, rkey(K_TAG_PORT, (unsigned)id, (unsigned)proto,
					      (unsigned)port, 0));
}

static int find_tag(const struct report_stats *st, const char *name)
{
	for (int i = 0; i < st->ntags; i++)
		if (!strcmp(st->tags[i]->name, name))
			return i;
	return -1;
}

/* Rows of the period are summed per tag, port, country and day; rows of
 * other days, malformed rows and the formula guard are handled. */
static void test_tag_rows(void **state)
{
	char dir[] = "/tmp/test_tally.XXXXXX", path[256];
	struct report_opts o = { 0 };
	struct day_list days = { 0 };
	struct report_stats st;
	struct port_total *ranked;
	size_t n;
	int mirai, listed, rule;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/2022-09-01", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/2022-09-01/totals.csv", dir);
	write_file(path, "time,sensor,packets,bytes,tagged\n"
		   "2022-09-01T10:00:00Z,s1,100,4000,30\n"
		   "2022-09-01T10:01:00Z,s1,50,2000,12\n");
	snprintf(path, sizeof(path), "%s/2022-09-01/tags.csv", dir);
	write_file(path, "time,sensor,tag,proto,port,country,packets,sources\n"
		   "2022-09-01T10:00:00Z,s1,mirai,tcp,23,CN,10,3\n"
		   "2022-09-01T10:00:00Z,s1,mirai,tcp,2323,US,5,1\n"
		   "2022-09-01T10:00:00Z,s1,list:research-scanner,tcp,443,NL,15,2\n"
		   "2022-09-01T10:01:00Z,s1,mirai,tcp,23,CN,7,2\n"
		   "2022-09-01T10:01:00Z,s1,'-odd-rule,udp,1900,ZZ,5,0\n"
		   "2022-09-01T10:01:00Z,s1,mirai,tcp,23,CN,many,2\n");
	snprintf(path, sizeof(path), "%s/2022-08-31", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/2022-08-31/tags.csv", dir);
	write_file(path, "time,sensor,tag,proto,port,country,packets,sources\n"
		   "2022-08-31T10:00:00Z,s1,mirai,tcp,23,CN,1000,3\n");

	o.from = o.to = day_from_ymd(2022, 9, 1);
	o.prev_from = o.prev_to = o.from - 1;
	o.top = 5;
	assert_true(rpt_scan_data_dir(dir, 0, &days));
	day_list_sort(&days);
	stats_init(&st, &o, days.v[0].day, days.v[days.n - 1].day, days.n);
	stats_read_days(&st, &days);

	assert_true(st.tagged_seen);
	assert_int_equal(st.day[0].tagged, 42);
	assert_int_equal(st.ntags, 3);
	assert_int_equal(st.read[S_TAGS].skipped[ROW_BAD], 1);
	mirai = find_tag(&st, "mirai");
	listed = find_tag(&st, "list:research-scanner");
	rule = find_tag(&st, "-odd-rule");
	assert_true(mirai >= 0 && listed >= 0 && rule >= 0);
	assert_int_equal(st.tags[mirai]->packets, 22);
	assert_int_equal(st.tags[mirai]->sources, 6);
	assert_int_equal(st.tags[mirai]->packets_day[0], 22);
	assert_int_equal(tag_port(&st, mirai, 6, 23)[0], 17);
	assert_int_equal(tag_port(&st, mirai, 6, 23)[1], 5);
	assert_null(tag_port(&st, listed, 6, 23));
	assert_int_equal(counters_find(&st.tag_cross, rkey(K_TAG_COUNTRY, (unsigned)rule, 0,
						     (unsigned)cc_slot("ZZ"), 0))[0], 5);

	ranked = rank_ports(&st.tag_cross, K_TAG_PORT, mirai, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ranked[0].port, 23);
	assert_int_equal(ranked[0].packets, 17);
	assert_int_equal(ranked[0].sources, 5);
	assert_int_equal(ranked[1].port, 2323);
	free(ranked);

	stats_free(&st);
	day_list_free(&days);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
