// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* report/render/pdfdests.c: the page of each heading's named destination,
 * in a PDF laid out as Chromium writes it; anything else is "unknown". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "report/render/render.h"

static char path[64];

/* The file goes even when a test fails. */
static int remove_pdf(void **state)
{
	(void)state;
	if (path[0])
		unlink(path);
	path[0] = '\0';
	return 0;
}

/* Objects 1 … n as given, then the cross-reference table and trailer
 * with their true offsets, into a temporary file; its path. */
static char *write_pdf(const char *const *objs, int n, bool break_xref)
{
	long off[16];
	FILE *f;
	int fd;
	long xref;

	remove_pdf(NULL);
	snprintf(path, sizeof(path), "/tmp/test_pdfdests.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "%%PDF-1.4\n");
	for (int i = 0; i < n; i++) {
		off[i] = ftell(f);
		fprintf(f, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	xref = ftell(f);
	fprintf(f, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (int i = 0; i < n; i++)
		fprintf(f, "%010ld 00000 n \n", off[i] + (break_xref && i == 0 ? 3 : 0));
	fprintf(f, "trailer\n<</Size %d\n/Root 1 0 R>>\nstartxref\n%ld\n%%%%EOF\n", n + 1, xref);
	fclose(f);
	return path;
}

static const char *const chromium_like[] = {
	"<</Type /Catalog\n/Pages 2 0 R\n/Dests 3 0 R>>",
	"<</Type /Pages\n/Count 3\n/Kids [4 0 R 5 0 R]>>",
	"<</h0 [6 0 R /XYZ 0 817.9 0]\n/h7 [8 0 R /XYZ 0 442.1 0]\n/h3 [7 0 R /XYZ 0 1 0]\n"
	"/other [6 0 R /XYZ 0 1 0]>>",
	"<</Type /Pages\n/Count 2\n/Kids [6 0 R 7 0 R]\n/Parent 2 0 R>>",
	"<</Type /Pages\n/Count 1\n/Kids [8 0 R]\n/Parent 2 0 R>>",
	"<</Type /Page\n/MediaBox [0 0 594.96 841.92]\n/Parent 4 0 R>>",
	"<</Type /Page\n/Parent 4 0 R>>",
	"<</Type /Page\n/Resources <</Font <</F4 9 0 R>>>>\n/Parent 5 0 R>>",
};

static void test_pages_of_headings(void **state)
{
	int pages[10];

	(void)state;
	write_pdf(chromium_like, 8, false);
	assert_int_equal(pdf_heading_pages(path, pages, 10), 3);
	assert_int_equal(pages[0], 1);
	assert_int_equal(pages[3], 2);
	assert_int_equal(pages[7], 3);
	assert_int_equal(pages[1], 0);
	/* only the blocks asked about */
	assert_int_equal(pdf_heading_pages(path, pages, 4), 2);
}

static void test_unknown_layouts(void **state)
{
	static const char *const no_dests[] = {
		"<</Type /Catalog\n/Pages 2 0 R>>",
		"<</Type /Pages\n/Count 1\n/Kids [3 0 R]>>",
		"<</Type /Page\n/Parent 2 0 R>>",
	};
	static const char *const loop[] = {
		"<</Type /Catalog\n/Pages 2 0 R\n/Dests 3 0 R>>",
		"<</Type /Pages\n/Kids [2 0 R]>>",
		"<</h0 [2 0 R /XYZ 0 1 0]>>",
	};
	int pages[4] = { 9, 9, 9, 9 };

	(void)state;
	write_pdf(no_dests, 3, false);
	assert_int_equal(pdf_heading_pages(path, pages, 4), 0);
	assert_int_equal(pages[0], 0);
	write_pdf(loop, 3, false);
	assert_int_equal(pdf_heading_pages(path, pages, 4), 0);
	write_pdf(chromium_like, 8, true);	/* an offset that misses its object */
	assert_int_equal(pdf_heading_pages(path, pages, 4), 0);
	assert_int_equal(pdf_heading_pages("/nonexistent.pdf", pages, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_pages_of_headings, remove_pdf),
		cmocka_unit_test_teardown(test_unknown_layouts, remove_pdf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
