/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The document (report/doc.h) written out: the renderers only read it. */
#ifndef TS_RENDER_H
#define TS_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include "report/doc.h"

/* One self-contained HTML file (html.c, charts from svg.c); print adds
 * the contents, page numbers and a page break before each section. */
bool render_html(const struct doc *d, FILE *f, bool print);
/* The print form with each heading's page in the contents: pages[i] for
 * block i, 0 (or pages NULL): blank, in a box of the same width. */
bool render_html_paged(const struct doc *d, FILE *f, const int *pages);
/* The page of each heading of a PDF that Chromium printed from the print
 * form: pages[i] for block i (0: not found); how many were found
 * (pdfdests.c). */
int pdf_heading_pages(const char *path, int *pages, size_t n);
/* The HTML for print, printed to an A4 PDF at path by headless Chromium
 * (pdf.c); path "-" is stdout. */
bool render_pdf(const struct doc *d, const char *path);
/* Markdown, charts as lines of block characters (md.c). */
bool render_md(const struct doc *d, FILE *f);
/* A directory of CSV files, one per table and per chart (csv.c). */
bool render_csv(const struct doc *d, const char *dir);
/* One chart as inline SVG, appended to f (svg.c). */
void render_svg_chart(const struct chart *c, enum rpt_lang lang, FILE *f);

#endif
