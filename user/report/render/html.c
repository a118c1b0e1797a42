// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One self-contained HTML file: styles inline, charts inline SVG, no
 * scripts and nothing fetched, laid out to print on A4.
 */
#include <stdio.h>
#include "report/render/escape.h"
#include "report/render/render.h"

static const char style[] =
"@page { size: A4; margin: 16mm 14mm; }\n"
"body { font-family: 'Noto Sans', 'Noto Sans CJK JP', 'IPAexGothic', sans-serif;"
" color: #222; max-width: 180mm; margin: 2em auto; line-height: 1.55; font-size: 10.5pt; }\n"
"header { border-bottom: 2px solid #1f5fa8; margin-bottom: 1.5em; }\n"
"h1 { font-size: 18pt; margin: 0 0 .2em; }\n"
".subtitle { color: #555; margin: 0 0 .8em; }\n"
"h2 { font-size: 13.5pt; border-left: 5px solid #1f5fa8; padding-left: .4em; margin-top: 1.8em; }\n"
"h3 { font-size: 11.5pt; margin-top: 1.4em; }\n"
"table { border-collapse: collapse; margin: .4em 0 1em; font-size: 9.5pt; }\n"
"caption { caption-side: top; text-align: left; font-weight: bold; padding: .3em 0; }\n"
"th, td { border: 1px solid #bbb; padding: .15em .5em; }\n"
"th { background: #e9eef6; }\n"
"td.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
"table.presence td, table.presence th { padding: .1em .25em; text-align: center; font-size: 8pt; }\n"
"table.presence td:first-child, table.presence td:nth-child(2) { text-align: left; }\n"
".note { color: #555; font-size: 9pt; }\n"
"figure.chart { margin: .6em 0 1.2em; }\n"
"figure.chart > svg { width: 100%; height: auto; }\n"
"figcaption { text-align: center; font-size: 9.5pt; font-weight: bold; }\n"
".legend { font-size: 8.5pt; text-align: center; }\n"
".legend span { margin: 0 .6em; white-space: nowrap; }\n"
".legend i { display: inline-block; width: .9em; height: .9em; margin-right: .3em;"
" vertical-align: -.1em; }\n"
"svg text { font-size: 11px; fill: #444; }\n"
"svg .ytick { text-anchor: end; }\n"
"svg .xtick, svg .ylabel { text-anchor: middle; }\n"
"svg .grid { stroke: #e3e3e3; }\n"
"svg .axis, svg .tick { stroke: #888; }\n"
"svg .nodata { fill: #eeeeee; }\n"
".legend svg.swatch { margin-right: .3em; vertical-align: 0; }\n"
"svg .partial rect { fill: #f4ecd2; } svg .partial line { stroke: #c9b77a; stroke-width: 1; }\n"
".legend i.partial { background: repeating-linear-gradient(45deg, #c8c8c8 0 2px,"
" #fff 2px 5px); border: 1px solid #ccc; }\n"
"footer { margin-top: 2em; border-top: 1px solid #ccc; color: #777; font-size: 8.5pt; }\n"
"@media print { body { margin: 0; max-width: none; }"
" figure.chart, table { break-inside: avoid; } h2, h3 { break-after: avoid; } }\n";

/* Printed (--format pdf): page numbers in the margin of every page, the
 * contents on a page of their own, their links kept inside the file, each
 * entry's page number right-aligned in a box as wide whether it is known
 * yet or not (the first printing finds the pages: pdf.c). */
static const char print_style[] =
"@page { @bottom-center { content: counter(page) \" / \" counter(pages);"
" font-size: 8.5pt; color: #555; } }\n"
"nav.toc { break-after: page; }\n"
"nav.toc ol { list-style: none; padding-left: 0; }\n"
"nav.toc ol ol { padding-left: 1.5em; }\n"
"nav.toc a { color: inherit; text-decoration: none; display: flex; }\n"
"nav.toc a .t { flex: 1; }\n"
"nav.toc a .p { min-width: 2.5em; text-align: right; font-variant-numeric: tabular-nums; }\n";

/* The contents: every heading of levels 2 and 3, linked to its id. */
static void toc_html(const struct doc *d, FILE *f, const int *pages)
{
	bool open3 = false;

	fprintf(f, "<nav class=\"toc\">\n<h2 class=\"toc\">%s</h2>\n<ol>\n",
		d->lang == LANG_JA ? "目次" : "Contents");
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];

		if (b->kind != BLK_HEADING || b->level < 2 || b->level > 3)
			continue;
		if (b->level == 3 && !open3) {
			fprintf(f, "<ol>\n");
			open3 = true;
		} else if (b->level == 2 && open3) {
			fprintf(f, "</ol>\n");
			open3 = false;
		}
		fprintf(f, "<li><a href=\"#h%zu\"><span class=\"t\">", i);
		html_escape(f, b->text);
		fprintf(f, "</span><span class=\"p\">");
		if (pages && pages[i] > 0)
			fprintf(f, "%d", pages[i]);
		fprintf(f, "</span></a></li>\n");
	}
	fprintf(f, "%s</ol>\n</nav>\n", open3 ? "</ol>\n" : "");
}

static void table_html(const struct table *t, FILE *f)
{
	fprintf(f, "<table id=\"%s\"%s>\n<caption>", t->id, t->presence ? " class=\"presence\"" : "");
	html_escape(f, t->caption);
	fprintf(f, "</caption>\n<thead><tr>");
	for (int c = 0; c < t->ncols; c++) {
		if (!(t->flags[c] & COL_PAGE))
			continue;
		fprintf(f, "<th>");
		html_escape(f, t->head_page[c]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr></thead>\n<tbody>\n");
	for (int r = 0; r < t->nrows; r++) {
		fprintf(f, "<tr>");
		for (int c = 0; c < t->ncols; c++) {
			if (!(t->flags[c] & COL_PAGE))
				continue;
			fprintf(f, "<td%s>", t->flags[c] & COL_NUM ? " class=\"num\"" : "");
			html_escape(f, t->cells[(size_t)r * t->ncols + c].page);
			fprintf(f, "</td>");
		}
		fprintf(f, "</tr>\n");
	}
	if (!t->nrows)
		fprintf(f, "<tr><td colspan=\"%d\">—</td></tr>\n", t->ncols);
	fprintf(f, "</tbody>\n</table>\n");
}

static bool html_doc(const struct doc *d, FILE *f, bool print, const int *pages)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
		d->lang == LANG_JA ? "ja" : "en");
	html_escape(f, d->title);
	fprintf(f, " — ");
	html_escape(f, d->subtitle);
	fprintf(f, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n<header>\n<h1>", style,
		print ? print_style : "");
	html_escape(f, d->title);
	fprintf(f, "</h1>\n<p class=\"subtitle\">");
	html_escape(f, d->subtitle);
	fprintf(f, "</p>\n</header>\n");
	if (print)
		toc_html(d, f, pages);
	fprintf(f, "<main>\n");
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];

		switch (b->kind) {
		case BLK_HEADING:
			if (print)
				fprintf(f, "<h%d id=\"h%zu\">", b->level, i);
			else
				fprintf(f, "<h%d>", b->level);
			html_escape(f, b->text);
			fprintf(f, "</h%d>\n", b->level);
			break;
		case BLK_PARA:
		case BLK_NOTE:
			fprintf(f, "<p%s>", b->kind == BLK_NOTE ? " class=\"note\"" : "");
			html_escape(f, b->text);
			if (b->url) {	/* shown as text: the page fetches nothing */
				fputs(" &lt;", f);
				html_escape(f, b->url);
				fputs("&gt;", f);
			}
			fprintf(f, "</p>\n");
			break;
		case BLK_TABLE:
			if (b->table->where & COL_PAGE)
				table_html(b->table, f);
			break;
		case BLK_CHART:
			render_svg_chart(b->chart, d->lang, f);
			break;
		}
	}
	fprintf(f, "</main>\n<footer>%s</footer>\n</body>\n</html>\n",
		d->lang == LANG_JA ? "xdp-telescope report により、センサーが出力した CSV から作成。"
				   : "Made by xdp-telescope report from the CSV the sensors wrote.");
	return !ferror(f);
}

bool render_html(const struct doc *d, FILE *f, bool print)
{
	return html_doc(d, f, print, NULL);
}

bool render_html_paged(const struct doc *d, FILE *f, const int *pages)
{
	return html_doc(d, f, true, pages);
}
