// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The operator's small CSV files, record by record (report/csvfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/csv.h"
#include "lib/log.h"
#include "report/csvfile.h"

#define CSVFILE_MAX_FIELDS 16

bool csvfile_each(const char *path, const char *what, int max, csvfile_fn fn, void *ctx)
{
	FILE *f = fopen(path, "r");
	char *text = NULL, *out, *fields[CSVFILE_MAX_FIELDS];
	struct csv_record rec = { .fields = fields, .max = max < CSVFILE_MAX_FIELDS ? max : CSVFILE_MAX_FIELDS };
	unsigned long line = 1;
	size_t len = 0, cap = 0, got;
	const char *p, *end;
	bool ok = true;

	if (!f) {
		pr_err("report: cannot read %s %s: %s", what, path, strerror(errno));
		return false;
	}
	/* A small file, read whole: records may span lines (quoted CR/LF). */
	do {
		XGROW(text, cap, len + 65536, 65536);
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		pr_err("report: cannot read %s %s: %s", what, path, strerror(errno));
		ok = false;
	}
	fclose(f);
	out = xmalloc(len + 1);
	for (p = text, end = text + len; ok && p < end; p = rec.next) {
		enum csv_status status = csv_read_record(p, end, true, out, &rec);
		unsigned long first = line;

		if (status == CSV_PARTIAL) {
			pr_err("report: %s:%lu: a quoted field is never closed", path, line);
			ok = false;
			break;
		}
		line += 1 + rec.lines;
		if (status != CSV_RECORD && status != CSV_TOO_MANY) {
			pr_err("report: %s:%lu: a NUL byte in the line", path, first);
			ok = false;
		} else if (rec.n == 1 && !fields[0][0]) {
			continue;	/* an empty line */
		} else if (fields[0][0] == '#') {
			continue;	/* a comment */
		} else {
			ok = fn(ctx, fields, status == CSV_TOO_MANY ? rec.max + 1 : rec.n, path, first);
		}
	}
	free(out);
	free(text);
	return ok;
}
