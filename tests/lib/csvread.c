// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The drain's CSV files read back (csvread.h). */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/calendar.h"
#include "lib/alloc.h"
#include "lib/csv.h"
#include "draintest.h"
#include "csvread.h"

const char *row_time(__u64 t, char buf[21])
{
	format_time((int64_t)t, buf);
	return buf;
}

/* Append a file's data rows to `all`, after checking its header row. */
static void csv_read_file(struct strbuf *all, const char *path, enum series s)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool first = true;

	if (!in)
		fail_msg("cannot open %s", path);
	while ((len = getline(&line, &cap, in)) > 0) {
		if (first && (strncmp(line, series_header[s], strlen(series_header[s])) ||
			      strcmp(line + strlen(series_header[s]), "\n")))
			fail_msg("%s does not start with its header row: %s", path, line);
		if (!first)
			sb_append(all, line, (size_t)len);
		first = false;
	}
	free(line);
	fclose(in);
}

void csv_load(struct csv_file *c, const struct fixture *f, enum series s)
{
	char pattern[128];
	glob_t g;
	int rc;

	memset(c, 0, sizeof(*c));
	c->s = s;
	sb_init(&c->text);
	c->head_text = xstrdup(series_header[s]);
	c->ncols = csv_split(c->head_text, c->head, MAX_COLS);
	assert_true(c->ncols > 0);

	snprintf(pattern, sizeof(pattern), "%s/*/%s.csv", f->dir, series_name[s]);
	rc = glob(pattern, 0, NULL, &g);
	assert_true(rc == 0 || rc == GLOB_NOMATCH);
	for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
		csv_read_file(&c->text, g.gl_pathv[i], s);
	if (rc == 0) {
		c->files = g.gl_pathc;
		globfree(&g);
	}

	for (char *line = c->text.buf, *end; line && *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			fail_msg("%s.csv ends in a torn row: %s", series_name[s], line);
		*end = '\0';
		XGROW(c->rec, c->cap, c->n + 1, 64);
		if (csv_split(line, c->rec[c->n].f, MAX_COLS) != c->ncols)
			fail_msg("%s.csv: row %zu has not %d fields", series_name[s],
				 c->n + 1, c->ncols);
		c->n++;
	}
}

void csv_free(struct csv_file *c)
{
	sb_free(&c->text);
	free(c->rec);
	free(c->head_text);
}

static int csv_col(const struct csv_file *c, const char *name)
{
	for (int i = 0; i < c->ncols; i++)
		if (!strcmp(c->head[i], name))
			return i;
	fail_msg("%s.csv has no column %s", series_name[c->s], name);
	return -1;
}

const char *csv_cell(const struct csv_file *c, size_t r, const char *name)
{
	return c->rec[r].f[csv_col(c, name)];
}

__u64 csv_num(const struct csv_file *c, size_t r, const char *name)
{
	const char *v = csv_cell(c, r, name);
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (!*v || *end || errno)
		fail_msg("%s.csv row %zu: %s is not a count: '%s'",
			 series_name[c->s], r + 1, name, v);
	return n;
}

/* Does row r hold the (column, value) pairs of `ap`, NULL-terminated? */
static bool csv_match(const struct csv_file *c, size_t r, va_list ap)
{
	const char *name;

	while ((name = va_arg(ap, const char *))) {
		const char *want = va_arg(ap, const char *);

		if (strcmp(csv_cell(c, r, name), want))
			return false;
	}
	return true;
}

__u64 csv_sum_rows(const struct csv_file *c, const char *column,
		   size_t *rows, ...)
{
	__u64 sum = 0;
	size_t n = 0;

	for (size_t r = 0; r < c->n; r++) {
		va_list ap;
		bool match;

		va_start(ap, rows);
		match = csv_match(c, r, ap);
		va_end(ap);
		if (match) {
			sum += csv_num(c, r, column);
			n++;
		}
	}
	if (rows)
		*rows = n;
	return sum;
}

__u64 packets_at(const struct csv_file *c, __u64 t, size_t *rows)
{
	char when[21];

	return csv_sum_rows(c, "packets", rows, "time", row_time(t, when), NULL);
}
