// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
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
#include "reporttest.h"

void report_case_init(struct report_case *rc)
{
	memset(rc, 0, sizeof(*rc));
	snprintf(rc->dir, sizeof(rc->dir), "/tmp/test_report.XXXXXX");
	assert_non_null(mkdtemp(rc->dir));
}

const char *report_case_file(struct report_case *rc, const char *sub, const char *name,
			     const char *text, size_t len)
{
	static char path[256];
	char cmd[320];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", rc->dir, sub);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s/%s", rc->dir, sub, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len ? len : strlen(text), f), len ? len : strlen(text));
	assert_int_equal(fclose(f), 0);
	return path;
}

void report_case_read(struct report_case *rc, const char *from, const char *to)
{
	rc->o.from = parse_day(from);
	rc->o.to = parse_day(to);
	assert_true(rc->o.from >= 0 && rc->o.to >= rc->o.from);
	rc->o.prev_to = rc->o.from - 1;
	rc->o.prev_from = rc->o.from - (rc->o.to - rc->o.from + 1);
	rc->o.top = 5;
	assert_true(rpt_scan_data_dir(rc->dir, 0, &rc->days));
	day_list_sort(&rc->days);
	stats_init(&rc->st, &rc->o, rc->days.v[0].day, rc->days.v[rc->days.n - 1].day,
		   rc->days.n);
	rc->st.focus[rc->st.nfocus++] = stats_default_country(&rc->st);
	stats_read_days(&rc->st, &rc->days);
	stats_finish(&rc->st);
	rc->read = true;
}

void report_case_free(struct report_case *rc)
{
	char cmd[128];

	if (rc->read)
		stats_free(&rc->st);
	day_list_free(&rc->days);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rc->dir);
	assert_int_equal(system(cmd), 0);
}
