// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The report's only contact with the files: it reads each one front to
 * back through zlib (which reads plain files as they are), so memory holds
 * one buffer, never a day of rows.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "lib/alloc.h"
#include "lib/csv.h"
#include "lib/log.h"
#include "report/report.h"
#include "report/input.h"

#define MAX_FIELDS 40
#define READ_CHUNK (1 << 20)

static void day_list_add(struct day_list *list, int day, const char *path)
{
	XGROW(list->v, list->cap, list->n + 1, 64);
	list->v[list->n].day = day;
	list->v[list->n].path = xstrdup(path);
	list->n++;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Adds dir's day directories; returns how many, or -1 if unreadable. */
static int scan_days(const char *dir, struct day_list *list)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int day = parse_day(e->d_name);

		if (day < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!is_dir(path))
			continue;
		day_list_add(list, day, path);
		found++;
	}
	closedir(d);
	return found;
}

bool rpt_scan_data_dir(const char *dir, struct day_list *list)
{
	struct dirent *e;
	char path[4096];
	int found = scan_days(dir, list);
	DIR *d;

	if (found < 0) {
		pr_err("report: cannot read --data %s: %s", dir, strerror(errno));
		return false;
	}
	if (found > 0)
		return true;
	d = opendir(dir);
	if (!d) {
		pr_err("report: cannot read --data %s: %s", dir, strerror(errno));
		return false;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (is_dir(path) && scan_days(path, list) > 0)
			found++;
	}
	closedir(d);
	if (!found) {
		pr_err("report: --data %s holds no YYYY-MM-DD directory", dir);
		return false;
	}
	return true;
}

static int cmp_day(const void *a, const void *b)
{
	const struct day_dir *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return strcmp(x->path, y->path);
}

void day_list_sort(struct day_list *list)
{
	if (list->n)
		qsort(list->v, list->n, sizeof(*list->v), cmp_day);
}

void day_list_free(struct day_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->v[i].path);
	free(list->v);
	memset(list, 0, sizeof(*list));
}

static void note_bad(struct csv_read_stats *st, const char *path, uint64_t line)
{
	if (!st->malformed++)
		snprintf(st->first_bad, sizeof(st->first_bad), "%.480s:%llu", path,
			 (unsigned long long)line);
}

/* Maps the wanted column names onto the header's fields. */
static bool map_header(char *line, const char *const *want, int nwant,
		       int *col, int *nfields, const char *path)
{
	char *fields[MAX_FIELDS];
	int n = csv_split(line, fields, MAX_FIELDS);

	if (n < 0) {
		pr_warn("report: %s: header has too many columns", path);
		return false;
	}
	*nfields = n;
	for (int i = 0; i < nwant; i++) {
		bool optional = want[i][0] == '?';
		const char *name = want[i] + optional;

		col[i] = -1;
		for (int f = 0; f < n; f++)
			if (!strcmp(fields[f], name))
				col[i] = f;
		if (col[i] < 0 && !optional) {
			pr_warn("report: %s: no column '%s' in the header, file skipped",
				path, name);
			return false;
		}
	}
	return true;
}

static gzFile open_series(const char *daydir, enum series kind, char *path,
			  size_t len)
{
	gzFile f;

	snprintf(path, len, "%s/%s.csv", daydir, series_name[kind]);
	f = gzopen(path, "rb");
	if (f)
		return f;
	snprintf(path, len, "%s/%s.csv.gz", daydir, series_name[kind]);
	return gzopen(path, "rb");
}

void rpt_read_csv(const char *daydir, enum series kind,
		  const char *const *want, int nwant, rpt_row_fn fn, void *ctx,
		  struct csv_read_stats *st)
{
	char path[4200], *buf, *fields[MAX_FIELDS];
	int col[MAX_FIELDS], header_fields = 0, errnum;
	size_t have = 0;
	uint64_t line_no = 0;
	bool header_done = false, skip_file = false;
	gzFile f = open_series(daydir, kind, path, sizeof(path));

	if (!f) {
		if (errno != ENOENT) {
			st->unreadable++;
			pr_warn("report: cannot open %s: %s", path, strerror(errno));
		}
		return;
	}
	gzbuffer(f, 256 * 1024);
	buf = xmalloc(READ_CHUNK + 1);
	for (;;) {
		int got = gzread(f, buf + have, (unsigned)(READ_CHUNK - have));
		char *p = buf, *end, *nl;
		bool eof = got <= 0;

		if (got < 0) {
			st->unreadable++;
			pr_warn("report: cannot read %s: %s", path, gzerror(f, &errnum));
			break;
		}
		end = buf + have + (got > 0 ? got : 0);
		if (eof && end > buf && end[-1] != '\n')
			*end++ = '\n';	/* a last line without its newline */
		while (!skip_file && (nl = memchr(p, '\n', (size_t)(end - p)))) {
			int n;

			*nl = '\0';
			if (nl > p && nl[-1] == '\r')
				nl[-1] = '\0';
			line_no++;
			if (!*p) {
				p = nl + 1;
				continue;
			}
			if (!header_done) {
				header_done = true;
				if (!map_header(p, want, nwant, col, &header_fields, path)) {
					st->unreadable++;
					skip_file = true;
				}
				p = nl + 1;
				continue;
			}
			n = csv_split(p, fields, MAX_FIELDS);
			if (n != header_fields || !fn(ctx, fields, col))
				note_bad(st, path, line_no);
			else
				st->rows++;
			p = nl + 1;
		}
		if (skip_file || eof)
			break;
		have = (size_t)(end - p);
		if (have == READ_CHUNK) {
			/* One line longer than the buffer: not this contract's CSV. */
			note_bad(st, path, line_no + 1);
			break;
		}
		memmove(buf, p, have);
	}
	free(buf);
	gzclose(f);
}
