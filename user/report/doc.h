/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The report as a document: headings, paragraphs, tables and charts, built
 * once from the statistics and then written as HTML, Markdown or CSV
 * (render/), so every format shows the same numbers.
 */
#ifndef TS_REPORT_DOC_H
#define TS_REPORT_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/alloc.h"
#include "report/report.h"

/* Which outputs show a column: the page (HTML, Markdown), the CSV file. */
#define COL_PAGE 1
#define COL_CSV 2
#define COL_BOTH 3
#define COL_NUM 4	/* right-aligned on the page */

struct cell {
	char *page;	/* as shown: "1,234", "23/TCP (telnet)" */
	char *csv;	/* as written to CSV: "1234" */
};

struct table {
	char *id;		/* CSV file name without .csv */
	char *caption;
	int ncols;
	char **head_page;
	char **head_csv;
	unsigned char *flags;
	int nrows;
	size_t caprows;	/* cells allocated */
	struct cell *cells;	/* nrows * ncols */
	bool presence;		/* a marks-only grid: small centred cells */
	unsigned where;		/* COL_PAGE, COL_CSV or COL_BOTH (the default) */
};

enum chart_kind { CHART_LINE, CHART_STACKED };

struct chart {
	char *id;
	char *caption;
	enum chart_kind kind;
	int npoints;
	int *days;		/* x: day number of each point */
	int nseries;
	char **names;
	double *values;		/* [nseries * npoints]; NAN = no data; for drawing */
	uint64_t *counts;	/* the same exactly, for the CSV (a double holds 2^53) */
	char *y_label;
	unsigned char *partial;	/* [npoints] 1: only part of the fleet reported that day */
	enum rpt_lang lang;	/* of the document: tick labels */
};

enum block_kind { BLK_HEADING, BLK_PARA, BLK_TABLE, BLK_CHART, BLK_NOTE };

struct block {
	enum block_kind kind;
	int level;		/* headings: 1, 2, 3 */
	char *text;
	char *url;		/* paragraphs: an address the text ends with (a reference) */
	struct table *table;
	struct chart *chart;
};

struct doc {
	enum rpt_lang lang;
	char *title;
	char *subtitle;
	struct block *blocks;
	size_t nblocks, cap;
};

void doc_init(struct doc *d, enum rpt_lang lang);
void doc_free(struct doc *d);
void doc_heading(struct doc *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void doc_para(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void doc_note(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A paragraph that ends with an address, " <url>": markup where the
 * output has links (a Markdown autolink), never read from the data. */
void doc_para_url(struct doc *d, const char *url, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Tables: columns as (page heading, csv heading, flags). */
struct table *doc_table(struct doc *d, const char *id, const char *caption, int ncols);
void table_col(struct table *t, int col, const char *page, const char *csv,
	       unsigned flags);
/* Starts a row; cells are then set with table_set*. */
int table_row(struct table *t);
void table_set(struct table *t, int row, int col, const char *page, const char *csv);
void table_set_u64(struct table *t, int row, int col, unsigned long long v);
void table_set_pct(struct table *t, int row, int col, double pct);

struct chart *doc_chart(struct doc *d, const char *id, const char *caption,
			enum chart_kind kind, int npoints, int nseries);
/* Point i of series s: set (a day with data), or add to it. */
void chart_set(struct chart *c, int s, int i, uint64_t v);
void chart_add(struct chart *c, int s, int i, uint64_t v);

/*
 * Every string of the document as valid UTF-8, which the outputs declare:
 * names from the data are clean when read, but a name cut to fit a
 * buffer may end inside a character (lib/text.h cleans such a string).
 */
void doc_repair_text(struct doc *d);

/* "1,234,567" */
void fmt_count(unsigned long long v, char *buf, size_t len);

#endif
