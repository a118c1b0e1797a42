// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Markdown: the same headings, sentences and tables; each chart becomes a
 * line of block characters per series (a blank where there is no data).
 * Names come from the data (sensors, AS organisations, tags, categories),
 * so text is written as text: nothing in it can become markup that a
 * Markdown viewer runs or fetches (raw HTML, a link, an image), nor end a
 * table cell or a chart's code block early.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "report/render/render.h"

/*
 * Text as it reads: < > & as entities (no raw HTML, no autolink, no
 * entity of the name's own), [ ] escaped (no link or image), | escaped
 * (no end of a cell), and the backslash itself, so that a name cannot
 * undo the escape after it. A line end would end the block: a space.
 */
static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '\\': case '|': case '[': case ']': fputc('\\', f); fputc(*s, f); break;
		case '\n': fputc(' ', f); break;
		default: fputc(*s, f); break;
		}
	}
}

/*
 * A code block's fence: nothing is markup inside one, but a line of as
 * many backticks ends it, and a series name whose line it has to itself
 * (a long one) could be such a line. So the fence is longer than any run
 * of backticks in the names ("```" as ever when they have none).
 */
static int fence_len(const struct chart *c)
{
	int len = 3;

	for (int s = 0; s < c->nseries; s++)
		for (const char *p = c->names[s]; *p;) {
			int run = (int)strspn(p, "`");

			if (run >= len)
				len = run + 1;
			p += run ? run : 1;
		}
	return len;
}

static void fence_line(FILE *f, int len)
{
	for (int i = 0; i < len; i++)
		fputc('`', f);
	fputc('\n', f);
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

/* Columns a character takes in a fixed-width font: 2 for the wide East
 * Asian ranges (kana, kanji, hangul, full-width forms), else 1. */
static int char_width(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000 ? 2 : 1;
}

/* The next UTF-8 character of s (valid: the document is repaired). */
static unsigned next_char(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	int n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
	unsigned cp = n == 1 ? *p : *p & (0x3F >> (n - 1));

	for (int i = 1; i < n && p[i]; i++)
		cp = cp << 6 | (p[i] & 0x3F);
	*s += n;
	return cp;
}

/*
 * A series name in exactly `cols` columns, counted as a fixed-width font
 * shows them (a kanji takes two), so the bars line up whatever the script;
 * a name too long for them goes whole on a line of its own, never cut.
 */
static void name_cols(FILE *f, const char *name, int cols)
{
	int total = 0;

	for (const char *q = name; *q;)
		total += char_width(next_char(&q));
	fputs(name, f);
	if (total <= cols)
		fprintf(f, "%*s", cols - total, "");
	else
		fprintf(f, "\n%*s", cols, "");
}

/* At most this many characters a series; longer series are averaged. */
#define SPARK_WIDTH 92

/* The days with data from part of the fleet, as runs: "7/16–7/19, 8/2". */
static void partial_days_md(const struct chart *c, FILE *f)
{
	bool ja = c->lang == LANG_JA, any = false;

	for (int i = 0; i < c->npoints; i++) {
		int j = i, y, m1, d1, m2, d2;

		if (!c->partial[i])
			continue;
		while (j + 1 < c->npoints && c->partial[j + 1])
			j++;
		fprintf(f, "%s", any ? (ja ? "、" : ", ") : (ja ? "> 一部のセンサーのみのデータ：" :
								  "> Data from part of the fleet: "));
		any = true;
		ymd_from_day(c->days[i], &y, &m1, &d1);
		ymd_from_day(c->days[j], &y, &m2, &d2);
		fprintf(f, ja ? "%d月%d日" : "%d/%d", m1, d1);
		if (j > i)
			fprintf(f, ja ? "～%d月%d日" : "–%d/%d", m2, d2);
		i = j;
	}
	if (any)
		fprintf(f, "%s\n\n", ja ? "。" : ".");
}

static void chart_md(const struct chart *c, FILE *f)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int width = c->npoints < SPARK_WIDTH ? c->npoints : SPARK_WIDTH;
	double max = 0;
	char from[11], to[11];
	int fence = fence_len(c);

	for (size_t i = 0; i < (size_t)c->nseries * c->npoints; i++)
		if (!isnan(c->values[i]) && c->values[i] > max)
			max = c->values[i];
	format_day(c->days[0], from);
	format_day(c->days[c->npoints ? c->npoints - 1 : 0], to);
	fprintf(f, "*");
	md_text(f, c->caption);
	fprintf(f, "* (%s – %s)\n\n", from, to);
	fence_line(f, fence);
	for (int s = 0; s < c->nseries; s++) {
		double peak = 0;

		name_cols(f, c->names[s], 24);
		fputc(' ', f);
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
	fence_line(f, fence);
	fputc('\n', f);
	partial_days_md(c, f);
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
			if (b->url)	/* ours, never the data's: an autolink */
				fprintf(f, " <%s>", b->url);
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
