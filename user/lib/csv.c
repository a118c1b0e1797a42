// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RFC 4180 rows for spreadsheets and scripts alike. Text that comes from
 * outside (AS organisation names, sensor names) may start with a formula
 * character; a spreadsheet would run it, so its cell gets a leading
 * apostrophe, which every reader of cells here takes off again.
 */
#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include "lib/csv.h"

/*
 * The formula guard, here alone: the writer puts an apostrophe before a
 * text that starts with a character a spreadsheet would take for a
 * formula (docs/csv.md), and the reader takes it off again. A text that
 * itself starts with an apostrophe the reader would take off (one before
 * a formula character or another apostrophe) is guarded too, so every
 * text reads back as it was written.
 */
static bool formula_start(char c)
{
	switch (c) {
	case '=':
	case '+':
	case '-':
	case '@':
	case '\t':
	case '\r':
		return true;
	default:
		return false;
	}
}

/* What follows the apostrophe of a guarded cell. */
static bool guarded_start(char c)
{
	return formula_start(c) || c == '\'';
}

static bool needs_guard(const char *s)
{
	return formula_start(s[0]) || (s[0] == '\'' && guarded_start(s[1]));
}

/* The cell [cell, end) read, its guard taken off: its new end. */
static char *unguard(char *cell, char *end)
{
	if (end - cell < 2 || cell[0] != '\'' || !guarded_start(cell[1]))
		return end;
	memmove(cell, cell + 1, (size_t)(end - cell - 1));
	return end - 1;
}

void csv_escape(struct strbuf *out, const char *s)
{
	int quote;
	const char *p;

	if (!s)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		sb_append(out, "\"", 1);
	if (needs_guard(s))
		sb_append(out, "'", 1);
	if (!quote) {
		sb_append(out, s, strlen(s));
		return;
	}
	for (p = s; *p; ) {
		size_t run = strcspn(p, "\"");

		sb_append(out, p, run);
		p += run;
		if (*p == '"') {
			sb_append(out, "\"\"", 2);
			p++;
		}
	}
	sb_append(out, "\"", 1);
}

void csv_begin(struct csv_row *row, struct strbuf *sb)
{
	row->sb = sb;
	row->fields = 0;
}

static void csv_separate(struct csv_row *row)
{
	if (row->fields++)
		sb_append(row->sb, ",", 1);
}

void csv_text(struct csv_row *row, const char *s)
{
	csv_separate(row);
	csv_escape(row->sb, s);
}

void csv_u64(struct csv_row *row, uint64_t v)
{
	/* by hand: the drain writes millions of numbers, printf is the cost */
	char digits[24], *p = digits + sizeof(digits);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	csv_separate(row);
	sb_append(row->sb, p, (size_t)(digits + sizeof(digits) - p));
}

void csv_raw(struct csv_row *row, const char *s)
{
	csv_separate(row);
	if (s)
		sb_append(row->sb, s, strlen(s));
}

void csv_end(struct csv_row *row)
{
	sb_append(row->sb, "\n", 1);
	row->fields = 0;
}

/*
 * Fields are unquoted in place: the unquoted text is never longer than
 * the quoted one, so a write cursor trailing the read cursor suffices.
 * A line end (LF or CRLF) outside quotes ends the record.
 */
int csv_split(char *line, char **fields, int max)
{
	char *rd = line, *wr = line;
	int n = 0;

	for (;;) {
		char *cell = wr;

		if (n >= max)
			return -1;
		fields[n++] = wr;
		if (*rd == '"') {
			rd++;
			for (;;) {
				if (*rd == '\0')
					break; /* unterminated: take what there is */
				if (*rd == '"') {
					if (rd[1] == '"') {
						*wr++ = '"';
						rd += 2;
						continue;
					}
					rd++;
					break;
				}
				*wr++ = *rd++;
			}
		}
		/* Unquoted field, or anything after a closing quote, up to the comma. */
		while (*rd && *rd != ',' && *rd != '\n' &&
		       !(rd[0] == '\r' && (rd[1] == '\n' || rd[1] == '\0')))
			*wr++ = *rd++;
		wr = unguard(cell, wr);
		if (*rd != ',') {
			*wr = '\0';
			return n;
		}
		rd++;
		*wr++ = '\0';
	}
}

/* The unquoted part of a field from p: up to a comma or a line end. */
static const char *plain_part(const char *p, const char *end, bool eof, char **w,
			      bool *nul, int *stop)
{
	for (; p < end; p++) {
		char c = *p;

		if (c == ',') {
			*stop = ',';
			return p + 1;
		}
		if (c == '\n') {
			*stop = '\n';
			return p + 1;
		}
		if (c == '\r') {
			if (p + 1 == end && !eof)
				break;		/* CR LF split by the buffer? */
			if (p + 1 < end && p[1] == '\n') {
				*stop = '\n';
				return p + 2;
			}
		}
		*nul |= c == '\0';
		*(*w)++ = c;
	}
	*stop = eof ? 0 : -1;
	return p;
}

enum csv_status csv_read_record(const char *p, const char *end, bool eof, char *out,
				struct csv_record *rec)
{
	char *w = out;
	bool nul = false;
	int n = 0, stop;

	rec->lines = 0;
	for (;;) {
		char *cell = w;

		if (n < rec->max)
			rec->fields[n] = w;
		n++;
		if (p < end && *p == '"') {
			for (p++;; p++) {
				if (p == end)
					return CSV_PARTIAL;	/* inside quotes, eof or not */
				if (*p == '"') {
					if (p + 1 == end && !eof)
						return CSV_PARTIAL;	/* "" split by the buffer? */
					if (p + 1 == end || p[1] != '"')
						break;
					p++;
				}
				rec->lines += *p == '\n';
				nul |= *p == '\0';
				*w++ = *p;
			}
			p++;
		}
		p = plain_part(p, end, eof, &w, &nul, &stop);
		if (!rec->unguarded)
			w = unguard(cell, w);
		*w++ = '\0';
		if (stop < 0)
			return CSV_PARTIAL;
		if (stop != ',')
			break;
	}
	rec->n = n;
	rec->next = p;
	rec->ended = stop == '\n';
	if (nul)
		return CSV_HAS_NUL;
	return n > rec->max ? CSV_TOO_MANY : CSV_RECORD;
}

const char *csv_scan_record(const char *p, const char *end, struct csv_scan *s)
{
	for (; p < end; p++) {
		char c = *p;

		if (s->quoted) {
			if (!s->quote_seen) {
				s->quote_seen = c == '"';
				s->lines += c == '\n';
				continue;
			}
			s->quote_seen = false;
			if (c == '"')
				continue;	/* a doubled quote */
			s->quoted = false;	/* closed: c is unquoted */
		} else if (c == '"' && s->field_start) {
			s->quoted = true;
			s->field_start = false;
			continue;
		}
		s->field_start = c == ',';
		if (c == '\n')
			return p + 1;
	}
	return NULL;
}
