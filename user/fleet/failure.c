// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A file that fails is said once, as it is: the line names the file (and
 * the line in it), and the file is left alone until it changes, so a
 * --follow pass every second does not say it every second, and a fixed
 * file is taken up again where its position stands. A refusal that may
 * pass is not the file's failure (loader_passing): its day is tried
 * again, the file never marked.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "fleet/failure.h"

bool loader_passing(const struct pg_err *e)
{
	return pg_passing(e) || !strcmp(e->state, "23514");
}

void loader_file_error(struct loader *l, struct work *w, uint64_t line, const char *fmt, ...)
{
	char why[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line)
		pr_err("%s:%" PRIu64 ": %s", w->f->path, line, why);
	else
		pr_err("%s: %s", w->f->path, why);
	w->st->failed = true;
	w->st->failed_size = w->f->size;
	w->st->failed_mtime = w->f->mtime;
	w->active = false;
	l->errors++;
}
