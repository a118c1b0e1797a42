/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * RFC 4180 CSV rows into a growing buffer: fields quoted when needed,
 * text fields that a spreadsheet would run as a formula (leading '=', '+',
 * '-', '@', also tab and CR) guarded with a leading apostrophe; and the
 * readers of those cells, which unquote them and take the guard off, so
 * that a text reads back as it was written (docs/csv.md). The guard is a
 * matter of the cell alone: no other file knows it.
 */
#ifndef TS_CSV_H
#define TS_CSV_H

#include <stdbool.h>
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
void csv_text(struct csv_row *row, const char *s); /* quoted, guarded */
void csv_u64(struct csv_row *row, uint64_t v);
void csv_raw(struct csv_row *row, const char *s);  /* trusted, no quoting */
void csv_end(struct csv_row *row);

/*
 * Write the cell of text s into out: quoted when needed, with the guard's
 * apostrophe when s starts with '=', '+', '-', '@', tab or CR, or with an
 * apostrophe followed by one of those or by another apostrophe (so that
 * the reader's taking off gives s back).
 */
void csv_escape(struct strbuf *out, const char *s);

/*
 * Split one CSV line (no trailing newline needed) into fields, in place.
 * Handles quotes and doubled quotes and takes the guard off (a cell that
 * starts with an apostrophe followed by '=', '+', '-', '@', tab, CR or an
 * apostrophe loses that first apostrophe); returns the number of
 * fields, or -1 when there are more than max. For text known to hold one record (tests,
 * a header); files are read with csv_read_record(), which knows that a
 * quoted field may hold a line end.
 */
int csv_split(char *line, char **fields, int max);

/*
 * The reader's RFC 4180, record by record out of a buffer. Fields are
 * separated by commas. A field that starts with a quote runs to the
 * closing quote, a doubled quote inside standing for one; it may hold
 * commas, CR and LF; what follows the closing quote up to the next comma
 * is kept as it is (as Python's csv module does). A quote anywhere else
 * is an ordinary character. A record ends at LF or CRLF outside quotes;
 * a lone CR is an ordinary character. Each cell's guard is taken off as
 * csv_split() does, unless the text was written without one (unguarded:
 * PostgreSQL's COPY writes a text as it is).
 */
enum csv_status {
	CSV_RECORD,	/* a whole record: fields[0 .. n-1] */
	CSV_PARTIAL,	/* the buffer ends inside the record: read more, or (at eof) it was cut */
	CSV_TOO_MANY,	/* a whole record, of more than max fields */
	CSV_HAS_NUL,	/* a whole record holding a NUL byte, which no text field may */
};

struct csv_record {
	char **fields;		/* in: room for max field pointers */
	int max;
	bool unguarded;		/* in: the cells carry no guard to take off */
	int n;			/* out: fields found */
	const char *next;	/* out: just after the record (and its line end) */
	unsigned lines;		/* out: LFs inside quotes, for counting lines */
	bool ended;		/* out: it ended with a line end (not with the buffer at eof) */
};

/*
 * Reads the record that starts at p, the buffer ending at end (eof: no
 * more comes after it). The fields are unquoted into out, each ended by a
 * NUL; out needs end - p + 1 bytes. The buffer itself is left unchanged,
 * so a CSV_PARTIAL record can be read again once more is in the buffer.
 */
enum csv_status csv_read_record(const char *p, const char *end, bool eof, char *out,
				struct csv_record *rec);

/*
 * Where a record ends, by the rules of csv_read_record(), without
 * copying it: for a record that comes in pieces (one longer than a
 * buffer, or a file still being read). The state carries what was seen
 * of the record so far; start it with CSV_SCAN_START.
 */
struct csv_scan {
	bool quoted, quote_seen, field_start;
	uint64_t lines;		/* LFs inside quotes so far */
};

#define CSV_SCAN_START ((struct csv_scan){ .field_start = true })

/* Just after the LF that ends the record, or NULL: it goes on after end. */
const char *csv_scan_record(const char *p, const char *end, struct csv_scan *s);

#endif
