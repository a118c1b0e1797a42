// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a file from a position in complete lines: in a plain file every
 * line end is a place to stop and go on later; in a .csv.gz only the end
 * of a complete member that ends a line, so a member still being written
 * (or cut short) is never taken in part.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>
#include "fleet/source.h"
#include "filecase.h"

/* One gzip member of text. */
static size_t member(const char *text, unsigned char *out, size_t cap)
{
	z_stream z = { 0 };
	size_t n;

	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = cap - z.avail_out;
	deflateEnd(&z);
	return n;
}

static const char *write_bytes(struct dir *d, const void *b, size_t n)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/f%d.csv.gz", d->path, d->files++);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
	return path;
}

/* Each record from start to limit as "record|" ('*' after a safe one, the
 * offset of the last safe point in *safe_at; with how_many, as
 * "LINES:record|", the record cut at 40 bytes); "ERR" on an error. */
static const char *collect(const char *path, bool gz, off_t start, off_t limit, off_t *safe_at,
			   struct source *keep, bool how_many)
{
	static char all[4096];
	struct source s;
	char why[200], *p;
	size_t n;
	bool safe;
	off_t off;
	int rc;

	all[0] = '\0';
	assert_true(source_open(&s, path, gz, why, sizeof(why)));
	source_start(&s, start, limit);
	*safe_at = start;
	while ((rc = source_next(&s, &p, &n, &safe, &off, why, sizeof(why))) > 0) {
		size_t at = strlen(all);

		assert_int_equal(strlen(p), n);
		if (how_many)
			at += (size_t)snprintf(all + at, sizeof(all) - at, "%u:", s.lines);
		snprintf(all + at, sizeof(all) - at, "%.40s%s|", p, safe ? "*" : "");
		if (safe)
			*safe_at = off;
	}
	if (rc < 0)
		strcat(all, "ERR");
	if (keep)
		*keep = s;
	else
		source_close(&s);
	return all;
}

static const char *lines(const char *path, bool gz, off_t start, off_t limit, off_t *safe_at,
			 struct source *keep)
{
	return collect(path, gz, start, limit, safe_at, keep, false);
}

/* A record is a line or, where a quoted field holds line ends, several
 * (the report's records, lib/csv.h). */
static const char *records(const char *path, bool gz, off_t limit, struct source *keep)
{
	off_t at;

	return collect(path, gz, 0, limit, &at, keep, true);
}

static void test_plain(void **state)
{
	const char *path = write_file(*state, "h\r\na,1\nb,2\npart");
	struct source s;
	off_t at;

	/* CR before LF dropped; the partial last line is not a line */
	assert_string_equal(lines(path, false, 0, 20, &at, &s), "h*|a,1*|b,2*|");
	assert_int_equal(at, 11);
	assert_true(s.partial_line);
	source_close(&s);
	/* from a position, up to a limit (a journal's size) */
	assert_string_equal(lines(path, false, 3, 7, &at, NULL), "a,1*|");
	assert_int_equal(at, 7);
}

static void test_gzip_members(void **state)
{
	unsigned char buf[1024];
	size_t a = member("h\na,1\n", buf, sizeof(buf));
	size_t b = member("b,2\nc,", buf + a, sizeof(buf) - a);	/* ends mid-line */
	size_t c = member("3\n", buf + a + b, sizeof(buf) - a - b);
	size_t d = member("d,4\n", buf + a + b + c, sizeof(buf) - a - b - c);
	const char *path = write_bytes(*state, buf, a + b + c + d);
	struct source s;
	off_t at;

	/* safe only at the ends of members that end a line */
	assert_string_equal(lines(path, true, 0, (off_t)(a + b + c + d), &at, NULL),
			    "h|a,1*|b,2|c,3*|d,4*|");
	assert_int_equal(at, (off_t)(a + b + c + d));
	/* from the end of the first member */
	assert_string_equal(lines(path, true, (off_t)a, (off_t)(a + b + c), &at, NULL),
			    "b,2|c,3*|");
	assert_int_equal(at, (off_t)(a + b + c));
	/* the last member cut short (its trailer): its lines come, none safe */
	assert_string_equal(lines(path, true, 0, (off_t)(a + b + c + d - 5), &at, &s),
			    "h|a,1*|b,2|c,3*|d,4|");
	assert_int_equal(at, (off_t)(a + b + c));
	assert_true(s.partial_member);
	source_close(&s);
}

static void test_gzip_corrupt(void **state)
{
	unsigned char buf[1024];
	size_t a = member("h\na,1\n", buf, sizeof(buf));
	const char *path;
	off_t at;

	memcpy(buf + a, "garbage!", 8);
	path = write_bytes(*state, buf, a + 8);
	assert_string_equal(lines(path, true, 0, (off_t)(a + 8), &at, NULL), "h|a,1*|ERR");
	assert_int_equal(at, (off_t)a);
}

static void test_records(void **state)
{
	unsigned char buf[1024];
	const char *path = write_file(*state, "h\na,\"x\ny\"\nb,\"p\"\"q\r\nr\",2\r\n"
				      "c,x\"y\nd,\"open\n");
	size_t a = member("h\na,\"x\n", buf, sizeof(buf));	/* ends in a quoted field */
	size_t b = member("y\"\nb,1\n", buf + a, sizeof(buf) - a);
	struct source s;
	char *text;

	/* a quote inside an unquoted field is a character; the last record
	 * is still open (its quote not closed): partial, not loaded */
	assert_string_equal(records(path, false, 100, &s),
			    "1:h*|2:a,\"x\ny\"*|2:b,\"p\"\"q\r\nr\",2*|1:c,x\"y*|");
	assert_true(s.partial_line);
	source_close(&s);
	/* gzip: the end of a member inside a record is no safe point */
	path = write_bytes(*state, buf, a + b);
	assert_string_equal(records(path, true, (off_t)(a + b), &s), "1:h|2:a,\"x\ny\"|1:b,1*|");
	assert_false(s.partial_line);
	source_close(&s);
	/* a record across the reads of the file (256 KiB each) */
	text = malloc(256 * 1024 + 16);
	memset(text, 'x', 256 * 1024 - 4);
	strcpy(text + 256 * 1024 - 4, ",\"1\n2\n3\"\nz\n");
	path = write_file(*state, text);
	free(text);
	assert_string_equal(records(path, false, 256 * 1024 + 9, &s),
			    "3:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx*|1:z*|");
	source_close(&s);
}

static void test_long_line(void **state)
{
	char *text = malloc(SOURCE_MAX_LINE + 16);
	const char *path;
	off_t at;

	memset(text, 'x', SOURCE_MAX_LINE + 8);
	strcpy(text + SOURCE_MAX_LINE + 8, "\n");
	path = write_file(*state, text);
	free(text);
	assert_string_equal(lines(path, false, 0, SOURCE_MAX_LINE + 9, &at, NULL), "ERR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_gzip_members, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_gzip_corrupt, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_records, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_long_line, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
