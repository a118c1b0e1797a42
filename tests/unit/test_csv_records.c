// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lib/csv.c, the reader: RFC 4180 records out of a buffer, whose quoted
 * fields may hold line ends, and what the buffer's end means.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "lib/csv.h"

struct parsed {
	enum csv_status status;
	char *f[24];
	char out[1024];
	struct csv_record rec;
};

static void parse(struct parsed *p, const char *text, size_t len, bool eof)
{
	memset(p, 0, sizeof(*p));
	p->rec.fields = p->f;
	p->rec.max = 8;
	p->status = csv_read_record(text, text + len, eof, p->out, &p->rec);
}

#define PARSE(p, lit, eof) parse(p, lit, sizeof(lit) - 1, eof)

/* A quoted line end is part of the field, not the end of the record:
 * the report once split lines first and read injected rows. */
static void test_quoted_line_ends(void **state)
{
	static const char text[] = "2026-12-01T10:00:00Z,\"tokyo\n1\",10\n"
				   "t,\"X\r\n2026-12-01T19:00:00Z,evil,999999\",1\r\nnext";
	struct parsed p;
	const char *next;

	(void)state;
	PARSE(&p, text, false);
	assert_int_equal(p.status, CSV_RECORD);
	assert_int_equal(p.rec.n, 3);
	assert_string_equal(p.f[1], "tokyo\n1");
	assert_string_equal(p.f[2], "10");
	assert_int_equal(p.rec.lines, 1);
	assert_true(p.rec.ended);
	next = p.rec.next;
	parse(&p, next, strlen(next), false);
	assert_int_equal(p.status, CSV_RECORD);
	assert_int_equal(p.rec.n, 3);
	assert_string_equal(p.f[1], "X\r\n2026-12-01T19:00:00Z,evil,999999");
	assert_string_equal(p.f[2], "1");		/* CRLF ends the record, CR not kept */
	assert_string_equal(p.rec.next, "next");
}

static void test_quotes(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "\"a,b\",\"say \"\"hi\"\"\",\"\",plain,\"ab\"cd,x\"y\"\n", false);
	assert_int_equal(p.status, CSV_RECORD);
	assert_int_equal(p.rec.n, 6);
	assert_string_equal(p.f[0], "a,b");
	assert_string_equal(p.f[1], "say \"hi\"");
	assert_string_equal(p.f[2], "");
	assert_string_equal(p.f[3], "plain");
	assert_string_equal(p.f[4], "abcd");		/* after the closing quote: kept */
	assert_string_equal(p.f[5], "x\"y\"");		/* a quote inside: an ordinary character */
	PARSE(&p, "a\rb,c\n", false);
	assert_int_equal(p.rec.n, 2);
	assert_string_equal(p.f[0], "a\rb");		/* a lone CR is no line end */
	PARSE(&p, ",,\n", false);
	assert_int_equal(p.rec.n, 3);
	assert_string_equal(p.f[2], "");
}

/* The buffer ends inside a record: read more. Where a split could
 * change the meaning (CR LF, a doubled quote), it waits too. */
static void test_partial(void **state)
{
	static const char *const partial[] = {
		"a,b", "a,\"b\nc", "a,b\r", "a,\"b\"", "\"",
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
		parse(&p, partial[i], strlen(partial[i]), false);
		assert_int_equal(p.status, CSV_PARTIAL);
	}
	/* At the end of the file: a last line without a line end is a whole
	 * record that did not end; an open quote never closes. */
	PARSE(&p, "a,b", true);
	assert_int_equal(p.status, CSV_RECORD);
	assert_false(p.rec.ended);
	assert_string_equal(p.f[1], "b");
	PARSE(&p, "a,\"b\"", true);
	assert_int_equal(p.status, CSV_RECORD);
	assert_string_equal(p.f[1], "b");
	PARSE(&p, "a,\"b\nc", true);
	assert_int_equal(p.status, CSV_PARTIAL);
	/* The buffer is not written: the same bytes parse again once whole. */
	{
		char text[] = "x,\"y\ny\",z\n";

		parse(&p, text, 5, false);
		assert_int_equal(p.status, CSV_PARTIAL);
		assert_string_equal(text, "x,\"y\ny\",z\n");
		parse(&p, text, strlen(text), false);
		assert_int_equal(p.status, CSV_RECORD);
		assert_string_equal(p.f[1], "y\ny");
	}
}

static void test_too_many_and_nul(void **state)
{
	static const char nul[] = "a,1\0002,c\nnext\n";
	struct parsed p;

	(void)state;
	PARSE(&p, "1,2,3,4,5,6,7,8,9,10\nnext\n", false);
	assert_int_equal(p.status, CSV_TOO_MANY);
	assert_int_equal(p.rec.n, 10);
	assert_string_equal(p.rec.next, "next\n");	/* skipped whole */
	PARSE(&p, "1,2,3,4,5,6,7,8\n", false);
	assert_int_equal(p.status, CSV_RECORD);
	/* "1\0002" would read as 1: a NUL makes the record unreadable. */
	parse(&p, nul, sizeof(nul) - 1, false);
	assert_int_equal(p.status, CSV_HAS_NUL);
	assert_string_equal(p.rec.next, "next\n");
	PARSE(&p, "\"a\000b\",c\n", false);
	assert_int_equal(p.status, CSV_HAS_NUL);
}

/* What csv_text writes, csv_read_record reads back: quotes and the
 * formula guard taken off, a name's own apostrophes kept. */
static void test_round_trip(void **state)
{
	static const char *const texts[] = {
		"plain", "a,b", "\"", "two\nlines", "cr\rlf\r\n", "Example, \"US\" Hosting",
		"=Research Scanner NL", "+1", "-odd-rule", "@x", "\tx", "\rx", "=a,\"b\"",
		"'=x", "''", "'", "'s-Hertogenbosch", "",
	};
	const int n = (int)(sizeof(texts) / sizeof(texts[0]));
	struct strbuf sb;
	struct csv_row row;
	struct parsed p;

	(void)state;
	sb_init(&sb);
	csv_begin(&row, &sb);
	for (int i = 0; i < n; i++)
		csv_text(&row, texts[i]);
	csv_end(&row);
	memset(&p, 0, sizeof(p));
	p.rec.fields = p.f;
	p.rec.max = 24;
	assert_int_equal(csv_read_record(sb.buf, sb.buf + sb.len, false, p.out, &p.rec), CSV_RECORD);
	assert_int_equal(p.rec.n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(p.f[i], texts[i]);
	assert_int_equal(p.rec.next - sb.buf, (long)sb.len);
	sb_free(&sb);
}

/* csv_scan_record() ends a record where csv_read_record() does, fed in
 * pieces of every size: what ship reads a file by and the report skips a
 * record too long for its buffer by. */
/* PostgreSQL's COPY writes a text as it is: read unguarded, a leading
 * apostrophe is the name's own. */
static void test_unguarded(void **state)
{
	static const char text[] = "'=x,''=y,\"'-z\",'s\n";
	struct parsed p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.rec.fields = p.f;
	p.rec.max = 8;
	p.rec.unguarded = true;
	assert_int_equal(csv_read_record(text, text + sizeof(text) - 1, true, p.out, &p.rec),
			 CSV_RECORD);
	assert_int_equal(p.rec.n, 4);
	assert_string_equal(p.f[0], "'=x");
	assert_string_equal(p.f[1], "''=y");
	assert_string_equal(p.f[2], "'-z");
	assert_string_equal(p.f[3], "'s");
	PARSE(&p, "'=x,''=y,\"'-z\",'s\n", true);
	assert_int_equal(p.status, CSV_RECORD);
	assert_string_equal(p.f[0], "=x");
	assert_string_equal(p.f[1], "'=y");
	assert_string_equal(p.f[2], "-z");
	assert_string_equal(p.f[3], "'s");
}

static void test_scan_in_pieces(void **state)
{
	static const char text[] = "a,\"x\ny\",\"p\"\"\nq\"z\nb,c\"d\ne\r\n\"\"\"\n\",\r\nlast";
	const char *end = text + sizeof(text) - 1;

	(void)state;
	for (size_t piece = 1; piece <= sizeof(text); piece++) {
		const char *p = text, *at = text;
		unsigned lines = 0, records = 0;

		while (at < end) {
			struct csv_scan scan = CSV_SCAN_START;
			const char *after = NULL;
			struct parsed want;

			parse(&want, at, (size_t)(end - at), true);
			for (p = at; !after && p < end; p += piece)
				after = csv_scan_record(p, p + piece < end ? p + piece : end, &scan);
			if (!after) {
				assert_false(want.rec.ended);	/* "last": no line end */
				break;
			}
			assert_ptr_equal(after, want.rec.next);
			assert_int_equal(scan.lines, want.rec.lines);
			lines += 1 + (unsigned)scan.lines;
			records++;
			at = after;
		}
		assert_int_equal(records, 4);
		assert_int_equal(lines, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_line_ends),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_too_many_and_nul),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_unguarded),
		cmocka_unit_test(test_scan_in_pieces),
	};

	return cmocka_run_group_tests_name("csv records", tests, NULL, NULL);
}
