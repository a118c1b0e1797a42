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
#include "lib/text.h"
#include "common/daypath.h"
#include "report/report.h"
#include "report/input.h"

#define MAX_FIELDS 40
#define READ_CHUNK (1 << 20)

static bool dir_id(const char *path, struct stat *st)
{
	return !stat(path, st) && S_ISDIR(st->st_mode);
}

void day_list_add(struct day_list *list, int day, const char *path, int data,
		  unsigned long long dev, unsigned long long ino)
{
	XGROW(list->v, list->cap, list->n + 1, 64);
	list->v[list->n] = (struct day_dir){ day, xstrdup(path), data, dev, ino };
	list->n++;
}

/* Adds dir's day directories; returns how many, or -1 if unreadable. */
static int scan_days(const char *dir, int data, struct day_list *list)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[4096];
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int day = parse_day(e->d_name);

		if (day < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!dir_id(path, &st))
			continue;
		day_list_add(list, day, path, data, (unsigned long long)st.st_dev,
			     (unsigned long long)st.st_ino);
		found++;
	}
	closedir(d);
	return found;
}

bool rpt_scan_data_dir(const char *dir, int data, struct day_list *list)
{
	struct dirent *e;
	struct stat st;
	char path[4096];
	int found = scan_days(dir, data, list);
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
		if (dir_id(path, &st) && scan_days(path, data, list) > 0)
			found++;
	}
	closedir(d);
	if (!found) {
		pr_err("report: --data %s holds no YYYY-MM-DD directory", dir);
		return false;
	}
	return true;
}

static int cmp_dev_ino(const void *a, const void *b)
{
	const struct day_dir *x = *(const struct day_dir *const *)a;
	const struct day_dir *y = *(const struct day_dir *const *)b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->data - y->data;
}

static bool same_dir(const char *a, const char *b)
{
	struct stat x, y;

	return dir_id(a, &x) && dir_id(b, &y) && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

bool day_list_check_unique(const struct day_list *list, const char *const *data_dirs)
{
	const struct day_dir **by_id = xcalloc(list->n + 1, sizeof(*by_id));
	bool ok = true;

	for (size_t i = 0; i < list->n; i++)
		by_id[i] = &list->v[i];
	qsort(by_id, list->n, sizeof(*by_id), cmp_dev_ino);
	for (size_t i = 1; i < list->n && ok; i++) {
		const struct day_dir *a = by_id[i - 1], *b = by_id[i];

		if (a->dev != b->dev || a->ino != b->ino)
			continue;
		ok = false;
		if (a->data == b->data)
			pr_err("report: %s and %s are the same directory: its rows would count twice",
			       a->path, b->path);
		else if (same_dir(data_dirs[a->data], data_dirs[b->data]))
			pr_err("report: --data %s and --data %s are the same directory: its rows "
			       "would count twice", data_dirs[a->data], data_dirs[b->data]);
		else
			pr_err("report: --data %s and --data %s reach the same day directory (%s): "
			       "its rows would count twice", data_dirs[a->data], data_dirs[b->data],
			       b->path);
	}
	free(by_id);
	return ok;
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

void csv_read_stats_free(struct csv_read_stats *st)
{
	for (size_t i = 0; i < st->ncuts; i++)
		free(st->cuts[i].path);
	free(st->cuts);
	st->cuts = NULL;
	st->ncuts = st->cap_cuts = 0;
}

void rpt_note_skip(struct csv_read_stats *st, enum row_verdict v, const char *path,
		   uint64_t line)
{
	if (!st->skipped[v]++)
		snprintf(st->first[v], sizeof(st->first[v]), "%.480s:%llu", path,
			 (unsigned long long)line);
}

bool rpt_map_header(char **fields, int n, const char *const *want, int nwant,
		    int *col, const char *path)
{
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

	series_file_path(path, len, daydir, kind, false);
	f = gzopen(path, "rb");
	if (f)
		return f;
	series_file_path(path, len, daydir, kind, true);
	return gzopen(path, "rb");
}

/* One file being read: the state rpt_read_csv() passes between its steps. */
struct csv_file_state {
	const char *path;
	struct csv_read_stats *st;
	const char *const *want;
	int nwant, col[MAX_FIELDS], header_fields;
	bool header_done;
	uint64_t line;			/* lines before the next record */
	const char *last_time;		/* of the last row read whole, or NULL */
	rpt_row_fn fn;
	void *ctx;
};

/* False when the rest of the file is to be skipped (a bad header). */
static bool one_record(struct csv_file_state *r, enum csv_status status, struct csv_record *rec)
{
	uint64_t line = r->line + 1;
	enum row_verdict v;

	r->line += 1 + rec->lines;
	if (status == CSV_RECORD && rec->n == 1 && !rec->fields[0][0])
		return true;		/* an empty line */
	if (!r->header_done) {
		r->header_done = true;
		if (status != CSV_RECORD ||
		    !rpt_map_header(rec->fields, rec->n, r->want, r->nwant, r->col, r->path)) {
			if (status != CSV_RECORD)
				pr_warn("report: %s: the header is not a CSV header, file skipped",
					r->path);
			r->st->unreadable++;
			return false;
		}
		r->header_fields = rec->n;
		return true;
	}
	if (status != CSV_RECORD || rec->n != r->header_fields) {
		rpt_note_skip(r->st, ROW_BAD, r->path, line);
		return true;
	}
	r->last_time = rec->fields[r->col[0]];
	v = r->fn(r->ctx, rec->fields, r->col);
	if (v == ROW_OK)
		r->st->rows++;
	else
		rpt_note_skip(r->st, v, r->path, line);
	return true;
}

static void note_cut(struct csv_file_state *r, const char *why)
{
	struct csv_read_stats *st = r->st;
	struct cut_file *c;

	pr_warn("report: %s: %s: read up to line %llu, the rest is lost", r->path, why,
		(unsigned long long)r->line);
	XGROW(st->cuts, st->cap_cuts, st->ncuts + 1, 8);
	c = &st->cuts[st->ncuts++];
	/* Shown in the report, which is UTF-8: both cleaned. */
	c->path = xmalloc(3 * strlen(r->path) + 1);
	text_clean(c->path, 3 * strlen(r->path) + 1, r->path, strlen(r->path));
	c->line = r->line + 1;
	text_clean(c->last_time, sizeof(c->last_time), r->last_time ? r->last_time : "",
		   r->last_time ? strlen(r->last_time) : 0);
}

void rpt_read_csv(const char *daydir, enum series kind,
		  const char *const *want, int nwant, rpt_row_fn fn, void *ctx,
		  struct csv_read_stats *st)
{
	char path[4200], *buf, *out, *fields[MAX_FIELDS];
	struct csv_file_state r = { .path = path, .st = st, .want = want, .nwant = nwant,
			     .fn = fn, .ctx = ctx };
	struct csv_record rec = { .fields = fields, .max = MAX_FIELDS };
	struct csv_scan skip;
	const char *cut = NULL;
	bool eof = false, skipping = false, go_on = true;
	size_t have = 0, records = 0;
	int errnum;
	gzFile f = open_series(daydir, kind, path, sizeof(path));

	if (!f) {
		if (errno != ENOENT) {
			st->unreadable++;
			pr_warn("report: cannot open %s: %s", path, strerror(errno));
		}
		return;
	}
	gzbuffer(f, 256 * 1024);
	buf = xmalloc(READ_CHUNK);
	/* Records are unquoted into the two halves in turn, so the last one
	 * read whole (its time) is still there when the next proves cut. */
	out = xmalloc(2 * (READ_CHUNK + 1));
	while (go_on) {
		int got = gzread(f, buf + have, (unsigned)(READ_CHUNK - have));
		const char *p = buf, *end;

		if (got < 0) {
			cut = gzerror(f, &errnum);
			got = 0;
		}
		if (got == 0) {
			eof = true;
			if (!cut && (gzerror(f, &errnum), errnum == Z_BUF_ERROR))
				cut = "the gzip stream is truncated";
		}
		end = buf + have + got;
		if (skipping) {
			p = csv_scan_record(p, end, &skip);
			if (!p) {
				have = 0;
				if (!eof)
					continue;
				rpt_note_skip(st, ROW_BAD, path, r.line + 1);
				if (!cut)
					cut = "the last line is cut short";
				break;
			}
			skipping = false;
			rpt_note_skip(st, ROW_BAD, path, r.line + 1);
			r.line += 1 + skip.lines;
		}
		while (go_on && p < end) {
			enum csv_status status = csv_read_record(p, end, eof,
						out + (records & 1) * (READ_CHUNK + 1), &rec);

			if (status == CSV_PARTIAL)
				break;
			if (!rec.ended) {
				if (!cut)
					cut = "the last line has no line end";
				p = end;
				break;
			}
			go_on = one_record(&r, status, &rec);
			p = rec.next;
			records++;
		}
		if (!go_on || eof) {
			if (go_on && p < end && !cut)
				cut = "the last line is cut short";
			break;
		}
		have = (size_t)(end - p);
		if (have == READ_CHUNK) {
			/* One record longer than the buffer: not this contract's CSV. */
			skip = CSV_SCAN_START;
			csv_scan_record(buf, end, &skip);
			skipping = true;
			have = 0;
			continue;
		}
		memmove(buf, p, have);
	}
	if (cut && go_on)
		note_cut(&r, cut);
	free(out);
	free(buf);
	gzclose(f);
}
