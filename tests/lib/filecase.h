/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the tests of the operator's files (payload rules, labelled address
 * lists: tests/unit/test_rules*.c, test_tagcfg.c, test_rows_tags.c) share:
 * a fresh directory per test (a cmocka setup and teardown), files written
 * into it, and the check that an error names the file and line that are
 * wrong ("FILE:LINE: reason").
 */
#ifndef TS_FILECASE_H
#define TS_FILECASE_H

struct dir {
	char path[64];
	int files;
};

/* cmocka setup and teardown: *state is a struct dir of its own. */
int setup_dir(void **state);
int teardown_dir(void **state);

/* Write `text` into a new file of the test's directory; returns its path. */
const char *write_file(struct dir *d, const char *text);

/* err must be "PATH:LINE: …" and contain `why`. */
void expect_error_at(const char *err, const char *path, int line,
		     const char *why);

#endif
