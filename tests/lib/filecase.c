// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A directory of files per test, and the FILE:LINE check (filecase.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "filecase.h"

int setup_dir(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	snprintf(d->path, sizeof(d->path), "/tmp/ts-test-tags-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	*state = d;
	return 0;
}

int teardown_dir(void **state)
{
	struct dir *d = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

const char *write_file(struct dir *d, const char *text)
{
	static char path[8][128];
	char *p = path[d->files % 8];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/file%d", d->path, d->files++);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return p;
}

void expect_error_at(const char *err, const char *path, int line,
		     const char *why)
{
	char prefix[192];

	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, why))
		fail_msg("error \"%s\", expected \"%s…%s…\"", err, prefix, why);
}
