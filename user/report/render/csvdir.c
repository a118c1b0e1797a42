// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A directory of CSV files for spreadsheets and scripts: one per table
 * (raw numbers, codes beside names) and one per chart (a column a series,
 * empty where there is no data).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/csv.h"
#include "lib/log.h"
#include "report/render/render.h"

static bool write_file(const char *dir, const char *id, const struct strbuf *sb)
{
	char path[4096];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s.csv", dir, id);
	f = fopen(path, "w");
	if (!f) {
		pr_err("report: cannot write %s: %s", path, strerror(errno));
		return false;
	}
	ok = fwrite(sb->buf ? sb->buf : "", 1, sb->len, f) == sb->len;
	ok = !fclose(f) && ok;
	if (!ok)
		pr_err("report: cannot write %s: %s", path, strerror(errno));
	return ok;
}

static bool table_csv(const char *dir, const struct table *t)
{
	struct strbuf sb;
	struct csv_row row;
	bool ok;

	sb_init(&sb);
	csv_begin(&row, &sb);
	for (int c = 0; c < t->ncols; c++)
		if (t->flags[c] & COL_CSV)
			csv_text(&row, t->head_csv[c]);
	csv_end(&row);
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++)
			if (t->flags[c] & COL_CSV)
				csv_text(&row, t->cells[(size_t)r * t->ncols + c].csv);
		csv_end(&row);
	}
	ok = write_file(dir, t->id, &sb);
	sb_free(&sb);
	return ok;
}

static bool chart_csv(const char *dir, const struct chart *c)
{
	struct strbuf sb;
	struct csv_row row;
	bool ok;

	sb_init(&sb);
	csv_begin(&row, &sb);
	csv_text(&row, "day");
	for (int s = 0; s < c->nseries; s++)
		csv_text(&row, c->names[s]);
	csv_end(&row);
	for (int i = 0; i < c->npoints; i++) {
		char day[11];

		format_day(c->days[i], day);
		csv_raw(&row, day);
		for (int s = 0; s < c->nseries; s++) {
			size_t k = (size_t)s * c->npoints + i;
			char num[32] = "";

			if (!isnan(c->values[k]))
				snprintf(num, sizeof(num), "%llu", (unsigned long long)c->counts[k]);
			csv_raw(&row, num);
		}
		csv_end(&row);
	}
	ok = write_file(dir, c->id, &sb);
	sb_free(&sb);
	return ok;
}

bool render_csv(const struct doc *d, const char *dir)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		pr_err("report: cannot create %s: %s", dir, strerror(errno));
		return false;
	}
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];

		if (b->kind == BLK_TABLE && (b->table->where & COL_CSV) && !table_csv(dir, b->table))
			return false;
		if (b->kind == BLK_CHART && !chart_csv(dir, b->chart))
			return false;
	}
	return true;
}
