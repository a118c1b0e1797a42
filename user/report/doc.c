// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Building the report document; the renderers only read it. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/text.h"
#include "report/doc.h"

void fmt_count(unsigned long long v, char *buf, size_t len)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu", v), o = 0;

	for (int i = 0; i < n && o + 2 < (int)len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

void doc_init(struct doc *d, enum rpt_lang lang)
{
	memset(d, 0, sizeof(*d));
	d->lang = lang;
}

static struct block *add_block(struct doc *d, enum block_kind kind)
{
	struct block *b;

	XGROW(d->blocks, d->cap, d->nblocks + 1, 32);
	b = &d->blocks[d->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

void doc_heading(struct doc *d, int level, const char *fmt, ...)
{
	struct block *b = add_block(d, BLK_HEADING);
	va_list ap;

	b->level = level;
	va_start(ap, fmt);
	b->text = xvasprintf(fmt, ap);
	va_end(ap);
}

void doc_para(struct doc *d, const char *fmt, ...)
{
	struct block *b = add_block(d, BLK_PARA);
	va_list ap;

	va_start(ap, fmt);
	b->text = xvasprintf(fmt, ap);
	va_end(ap);
}

void doc_para_url(struct doc *d, const char *url, const char *fmt, ...)
{
	struct block *b = add_block(d, BLK_PARA);
	va_list ap;

	va_start(ap, fmt);
	b->text = xvasprintf(fmt, ap);
	va_end(ap);
	b->url = xstrdup(url);
}

void doc_note(struct doc *d, const char *fmt, ...)
{
	struct block *b = add_block(d, BLK_NOTE);
	va_list ap;

	va_start(ap, fmt);
	b->text = xvasprintf(fmt, ap);
	va_end(ap);
}

struct table *doc_table(struct doc *d, const char *id, const char *caption, int ncols)
{
	struct block *b = add_block(d, BLK_TABLE);
	struct table *t = xcalloc(1, sizeof(*t));

	t->id = xstrdup(id);
	t->caption = xstrdup(caption);
	t->ncols = ncols;
	t->where = COL_BOTH;
	t->head_page = xcalloc((size_t)ncols, sizeof(char *));
	t->head_csv = xcalloc((size_t)ncols, sizeof(char *));
	t->flags = xcalloc((size_t)ncols, 1);
	b->table = t;
	return t;
}

void table_col(struct table *t, int col, const char *page, const char *csv,
	       unsigned flags)
{
	t->head_page[col] = xstrdup(page);
	t->head_csv[col] = xstrdup(csv);
	t->flags[col] = (unsigned char)flags;
}

int table_row(struct table *t)
{
	t->cells = xgrow(t->cells, &t->caprows, ((size_t)t->nrows + 1) * t->ncols,
			 sizeof(*t->cells), 16 * (size_t)t->ncols);
	memset(&t->cells[(size_t)t->nrows * t->ncols], 0, (size_t)t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

void table_set(struct table *t, int row, int col, const char *page, const char *csv)
{
	struct cell *c = &t->cells[(size_t)row * t->ncols + col];

	free(c->page);
	free(c->csv);
	c->page = xstrdup(page);
	c->csv = xstrdup(csv ? csv : page);
}

void table_set_u64(struct table *t, int row, int col, unsigned long long v)
{
	char page[40], csv[32];

	fmt_count(v, page, sizeof(page));
	snprintf(csv, sizeof(csv), "%llu", v);
	table_set(t, row, col, page, csv);
}

void table_set_pct(struct table *t, int row, int col, double pct)
{
	char page[32], csv[32];

	snprintf(page, sizeof(page), "%.2f%%", pct);
	snprintf(csv, sizeof(csv), "%.2f", pct);
	table_set(t, row, col, page, csv);
}

struct chart *doc_chart(struct doc *d, const char *id, const char *caption,
			enum chart_kind kind, int npoints, int nseries)
{
	struct block *b = add_block(d, BLK_CHART);
	struct chart *c = xcalloc(1, sizeof(*c));

	c->id = xstrdup(id);
	c->caption = xstrdup(caption);
	c->kind = kind;
	c->npoints = npoints;
	c->nseries = nseries;
	c->days = xcalloc((size_t)npoints + 1, sizeof(int));
	c->names = xcalloc((size_t)nseries + 1, sizeof(char *));
	c->values = xcalloc((size_t)npoints * nseries + 1, sizeof(double));
	c->counts = xcalloc((size_t)npoints * nseries + 1, sizeof(uint64_t));
	c->partial = xcalloc((size_t)npoints + 1, 1);
	c->lang = d->lang;
	for (size_t i = 0; i < (size_t)npoints * nseries; i++)
		c->values[i] = NAN;
	b->chart = c;
	return c;
}

void chart_set(struct chart *c, int s, int i, uint64_t v)
{
	c->counts[(size_t)s * c->npoints + i] = v;
	c->values[(size_t)s * c->npoints + i] = (double)v;
}

void chart_add(struct chart *c, int s, int i, uint64_t v)
{
	chart_set(c, s, i, c->counts[(size_t)s * c->npoints + i] + v);
}

static void table_free(struct table *t)
{
	for (int i = 0; i < t->ncols; i++) {
		free(t->head_page[i]);
		free(t->head_csv[i]);
	}
	for (size_t i = 0; i < (size_t)t->nrows * t->ncols; i++) {
		free(t->cells[i].page);
		free(t->cells[i].csv);
	}
	free(t->head_page);
	free(t->head_csv);
	free(t->flags);
	free(t->cells);
	free(t->id);
	free(t->caption);
	free(t);
}

static void chart_free(struct chart *c)
{
	for (int i = 0; i < c->nseries; i++)
		free(c->names[i]);
	free(c->names);
	free(c->days);
	free(c->values);
	free(c->partial);
	free(c->counts);
	free(c->id);
	free(c->caption);
	free(c->y_label);
	free(c);
}

static void repair(char **s)
{
	size_t n;
	char *fixed;

	if (!*s || text_is_utf8(*s))
		return;
	n = strlen(*s);
	fixed = xmalloc(3 * n + 1);
	text_clean(fixed, 3 * n + 1, *s, n);
	free(*s);
	*s = fixed;
}

void doc_repair_text(struct doc *d)
{
	repair(&d->title);
	repair(&d->subtitle);
	for (size_t i = 0; i < d->nblocks; i++) {
		struct table *t = d->blocks[i].table;
		struct chart *c = d->blocks[i].chart;

		repair(&d->blocks[i].text);
		repair(&d->blocks[i].url);
		if (t) {
			repair(&t->caption);
			for (int k = 0; k < t->ncols; k++) {
				repair(&t->head_page[k]);
				repair(&t->head_csv[k]);
			}
			for (size_t k = 0; k < (size_t)t->nrows * t->ncols; k++) {
				repair(&t->cells[k].page);
				repair(&t->cells[k].csv);
			}
		}
		if (c) {
			repair(&c->caption);
			repair(&c->y_label);
			for (int k = 0; k < c->nseries; k++)
				repair(&c->names[k]);
		}
	}
}

void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->nblocks; i++) {
		free(d->blocks[i].text);
		free(d->blocks[i].url);
		if (d->blocks[i].table)
			table_free(d->blocks[i].table);
		if (d->blocks[i].chart)
			chart_free(d->blocks[i].chart);
	}
	free(d->blocks);
	free(d->title);
	free(d->subtitle);
	memset(d, 0, sizeof(*d));
}
