/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * RFC 4180 CSV rows into a growing buffer: fields quoted when needed,
 * text fields that a spreadsheet would run as a formula (leading '=', '+',
 * '-', '@', also tab and CR) neutralised with a leading apostrophe.
 */
#ifndef TS_CSV_H
#define TS_CSV_H

#include <stddef.h>
#include <stdint.h>
#include "lib/strbuf.h"

/*
 * A row is built field by field; csv_* add the separating comma
 * themselves, csv_end() terminates the row with "\n".
 */
struct csv_row {
	struct strbuf *sb;
	int fields;
};

void csv_begin(struct csv_row *row, struct strbuf *sb);
void csv_text(struct csv_row *row, const char *s); /* quoted, neutralised */
void csv_u64(struct csv_row *row, uint64_t v);
void csv_raw(struct csv_row *row, const char *s);  /* trusted, no quoting */
void csv_end(struct csv_row *row);

/* Write the quoted/neutralised form of s into out (for tests, reports). */
void csv_escape(struct strbuf *out, const char *s);

/*
 * Split one CSV line (no trailing newline needed) into fields, in place.
 * Handles quotes and doubled quotes; returns the number of fields, or -1
 * when there are more than max. (For readers such as the report.)
 */
int csv_split(char *line, char **fields, int max);

#endif
