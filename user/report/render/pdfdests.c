// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * On which page of a printed PDF each heading landed: Chromium makes a
 * named destination of every element id a link points to (the contents
 * link to the headings' ids), so the catalog's /Dests dictionary maps
 * "h<block>" to a page object, and the page tree gives that object's
 * number. The file is the browser's own (classic cross-reference table,
 * objects as plain text); anything else is "unknown", never a guess, and
 * the contents are then printed without numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/render/render.h"

struct pdf {
	char *buf;
	size_t len;
	long *off;	/* [nobj] byte offset of object n, -1: none */
	long nobj;
	long *page_of;	/* [nobj] 1-based page number of a page object, 0 */
	int npages;
};

static bool read_all(const char *path, struct pdf *p)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n;

	if (!f)
		return false;
	p->buf = xmalloc(cap + 1);
	while ((n = fread(p->buf + p->len, 1, cap - p->len, f)) > 0) {
		p->len += n;
		if (p->len == cap) {
			cap *= 2;
			p->buf = xrealloc(p->buf, cap + 1);
		}
	}
	p->buf[p->len] = '\0';
	fclose(f);
	return p->len > 0;
}

/* The last occurrence of s in the buffer. */
static const char *last_of(const struct pdf *p, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = p->len >= n ? p->len - n + 1 : 0; i-- > 0;)
		if (!memcmp(p->buf + i, s, n))
			return p->buf + i;
	return NULL;
}

/* "xref\n0 N\n" and N entries of 20 bytes: one subsection, as printed. */
static bool read_xref(struct pdf *p)
{
	const char *s = last_of(p, "startxref");
	long at, first, count;
	char *e;

	if (!s || (at = strtol(s + 9, NULL, 10)) <= 0 || (size_t)at >= p->len ||
	    strncmp(p->buf + at, "xref", 4))
		return false;
	s = p->buf + at + 4;
	first = strtol(s, &e, 10);
	count = strtol(e, &e, 10);
	while (*e == '\r' || *e == '\n' || *e == ' ')
		e++;
	if (first != 0 || count <= 0 || count > 10000000 ||
	    (size_t)(e - p->buf) + (size_t)count * 20 > p->len)
		return false;
	p->nobj = count;
	p->off = xcalloc((size_t)count, sizeof(long));
	p->page_of = xcalloc((size_t)count, sizeof(long));
	for (long i = 0; i < count; i++, e += 20)
		p->off[i] = e[17] == 'n' ? strtol(e, NULL, 10) : -1;
	return true;
}

/* The text of object n after "n 0 obj", or NULL. */
static const char *object(const struct pdf *p, long n)
{
	char head[32];
	int len;

	if (n <= 0 || n >= p->nobj || p->off[n] < 0 || (size_t)p->off[n] >= p->len)
		return NULL;
	len = snprintf(head, sizeof(head), "%ld 0 obj", n);
	if (strncmp(p->buf + p->off[n], head, (size_t)len))
		return NULL;
	return p->buf + p->off[n] + len;
}

/* The object a key refers to ("/Pages 66 0 R") within the object's text
 * (up to its endobj), or -1. */
static long ref_of(const char *obj, const char *key)
{
	const char *end = obj ? strstr(obj, "endobj") : NULL;
	const char *k = obj ? strstr(obj, key) : NULL;
	char *e;
	long n;

	if (!k || (end && k > end))
		return -1;
	n = strtol(k + strlen(key), &e, 10);
	return strncmp(e, " 0 R", 4) ? -1 : n;
}

/* Numbers the page objects under node n in order; false on a loop or
 * a node that is neither a page nor a page tree. */
static bool walk_pages(struct pdf *p, long n, int depth)
{
	const char *obj = object(p, n), *kids, *end;
	char *e;

	if (!obj || depth > 32 || !(end = strstr(obj, "endobj")))
		return false;
	kids = strstr(obj, "/Kids [");
	if (!kids || kids > end) {
		if (p->page_of[n])
			return false;
		p->page_of[n] = ++p->npages;
		return true;
	}
	for (const char *s = kids + 7; *s != ']' && s < end; s = e) {
		long kid = strtol(s, &e, 10);

		if (e == s || strncmp(e, " 0 R", 4) || !walk_pages(p, kid, depth + 1))
			return false;
		e += 4;
		while (*e == ' ' || *e == '\n' || *e == '\r')
			e++;
	}
	return true;
}

/* pages[i] = the page of "/h<i> [P 0 R" in the destinations dictionary. */
static int read_dests(const struct pdf *p, long dests, int *pages, size_t n)
{
	const char *obj = object(p, dests), *end, *s;
	int found = 0;

	if (!obj || !(end = strstr(obj, "endobj")))
		return 0;
	for (s = strstr(obj, "/h"); s && s < end; s = strstr(s + 2, "/h")) {
		char *e;
		unsigned long i = strtoul(s + 2, &e, 10);
		long page;

		if (e == s + 2 || strncmp(e, " [", 2))
			continue;
		page = strtol(e + 2, &e, 10);
		if (i < n && !strncmp(e, " 0 R", 4) && page > 0 && page < p->nobj &&
		    p->page_of[page]) {
			pages[i] = (int)p->page_of[page];
			found++;
		}
	}
	return found;
}

int pdf_heading_pages(const char *path, int *pages, size_t n)
{
	struct pdf p = { 0 };
	const char *trailer, *catalog;
	long root, tree, dests;
	int found = 0;

	memset(pages, 0, n * sizeof(*pages));
	if (read_all(path, &p) && read_xref(&p) && (trailer = last_of(&p, "trailer")) &&
	    (root = ref_of(trailer, "/Root ")) > 0 && (catalog = object(&p, root)) &&
	    (tree = ref_of(catalog, "/Pages ")) > 0 && (dests = ref_of(catalog, "/Dests ")) > 0 &&
	    walk_pages(&p, tree, 0))
		found = read_dests(&p, dests, pages, n);
	free(p.buf);
	free(p.off);
	free(p.page_of);
	return found;
}
