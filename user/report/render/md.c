// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Markdown: the same headings, sentences and tables; each chart becomes a
 * line of block characters per series (a blank where there is no data).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "report/render/render.h"

static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void table_md(const struct table *t, FILE *f)
{
	fprintf(f, "**");
	md_text(f, t->caption);
	fprintf(f, "**\n\n|");
	for (int c = 0; c < t->ncols; c++)
		if (t->flags[c] & COL_PAGE) {
			fputc(' ', f);
			md_text(f, t->head_page[c]);
			fprintf(f, " |");
		}
	fprintf(f, "\n|");
	for (int c = 0; c < t->ncols; c++)
		if (t->flags[c] & COL_PAGE)
			fprintf(f, "%s|", t->flags[c] & COL_NUM ? "---:" : "---");
	fprintf(f, "\n");
	for (int r = 0; r < t->nrows; r++) {
		fprintf(f, "|");
		for (int c = 0; c < t->ncols; c++)
			if (t->flags[c] & COL_PAGE) {
				fputc(' ', f);
				md_text(f, t->cells[(size_t)r * t->ncols + c].page);
				fprintf(f, " |");
			}
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

/* At most this many characters a series; longer series are averaged. */
#define SPARK_WIDTH 92

static void chart_md(const struct chart *c, FILE *f)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int width = c->npoints < SPARK_WIDTH ? c->npoints : SPARK_WIDTH;
	double max = 0;
	char from[11], to[11];

	for (size_t i = 0; i < (size_t)c->nseries * c->npoints; i++)
		if (!isnan(c->values[i]) && c->values[i] > max)
			max = c->values[i];
	format_day(c->days[0], from);
	format_day(c->days[c->npoints ? c->npoints - 1 : 0], to);
	fprintf(f, "*");
	md_text(f, c->caption);
	fprintf(f, "* (%s – %s)\n\n```\n", from, to);
	for (int s = 0; s < c->nseries; s++) {
		double peak = 0;

		fprintf(f, "%-24.24s ", c->names[s]);
		for (int k = 0; k < width; k++) {
			int a = k * c->npoints / width, b = (k + 1) * c->npoints / width, n = 0;
			double sum = 0;

			for (int i = a; i < b; i++) {
				double v = c->values[(size_t)s * c->npoints + i];

				if (!isnan(v)) {
					sum += v;
					n++;
				}
			}
			if (!n) {
				fputc(' ', f);
				continue;
			}
			sum /= n;
			peak = fmax(peak, sum);
			fputs(bars[max > 0 ? (int)lround(7 * sum / max) : 0], f);
		}
		fprintf(f, "  max %.0f\n", peak);
	}
	fprintf(f, "```\n\n");
}

bool render_md(const struct doc *d, FILE *f)
{
	fprintf(f, "# ");
	md_text(f, d->title);
	fprintf(f, "\n\n");
	md_text(f, d->subtitle);
	fprintf(f, "\n\n");
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];

		switch (b->kind) {
		case BLK_HEADING:
			fprintf(f, "%.*s ", b->level, "####");
			md_text(f, b->text);
			fprintf(f, "\n\n");
			break;
		case BLK_PARA:
			md_text(f, b->text);
			fprintf(f, "\n\n");
			break;
		case BLK_NOTE:
			fprintf(f, "> ");
			md_text(f, b->text);
			fprintf(f, "\n\n");
			break;
		case BLK_TABLE:
			if (b->table->where & COL_PAGE)
				table_md(b->table, f);
			break;
		case BLK_CHART:
			chart_md(b->chart, f);
			break;
		}
	}
	return !ferror(f);
}
