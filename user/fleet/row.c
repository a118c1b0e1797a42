// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/csv.h"
#include "lib/text.h"
#include "fleet/row.h"

#define MAX_FIELDS 40

bool row_map_header(struct row_map *m, enum series s, char *line, char *why, size_t len)
{
	const struct series_columns *sp = &series_columns[s];
	char *f[MAX_FIELDS];
	int n = csv_split(line, f, MAX_FIELDS);

	memset(m, 0, sizeof(*m));
	m->series = s;
	if (n < 0) {
		snprintf(why, len, "header of more than %d columns", MAX_FIELDS);
		return false;
	}
	m->nfields = n;
	series_table_order(s, m->order);
	for (int c = 0; c < sp->ncols; c++)
		m->field[c] = -1;
	for (int i = 0; i < n; i++) {
		int c;

		for (c = 0; c < sp->ncols; c++)
			if (!strcmp(f[i], sp->cols[c].name))
				break;
		if (c == sp->ncols) {
			snprintf(why, len, "column '%.60s' of the header is not one this "
				 "xdp-telescope knows (a newer sensor? upgrade)", f[i]);
			return false;
		}
		if (m->field[c] >= 0) {
			snprintf(why, len, "column '%.60s' twice in the header", f[i]);
			return false;
		}
		m->field[c] = i;
		if (sp->cols[c].type == CT_TIME)
			m->time_field = i;
		if (sp->cols[c].type == CT_SENSOR)
			m->sensor_field = i;
	}
	for (int c = 0; c < sp->ncols; c++)
		if (m->field[c] < 0 && !sp->cols[c].optional) {
			snprintf(why, len, "no column '%s' in the header", sp->cols[c].name);
			return false;
		}
	return true;
}

void row_copy_columns(const struct row_map *m, struct strbuf *out)
{
	const struct series_columns *sp = &series_columns[m->series];
	bool first = true;

	for (int k = 0; k < sp->ncols; k++) {
		int c = m->order[k];

		if (m->field[c] < 0)
			continue;
		if (!first)
			sb_append(out, ", ", 2);
		sb_append(out, sp->cols[c].name, strlen(sp->cols[c].name));
		first = false;
	}
}

/* COPY's text format: backslash escapes for what would end a field or row. */
static void copy_text(struct strbuf *out, const char *s)
{
	for (const char *p = s;; ) {
		size_t run = strcspn(p, "\\\t\n\r");
		char esc[2] = { '\\', 0 };

		sb_append(out, p, run);
		p += run;
		if (!*p)
			return;
		esc[1] = *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r';
		sb_append(out, esc, 2);
		p++;
	}
}

/* One field (the CSV reader took its quotes and guard off) as COPY text,
 * appended to out; false with why. */
static bool field(const struct column *col, const struct row_check *k, const char *s,
		  struct strbuf *out, char *why, size_t len)
{
	struct col_value v;
	char buf[12];

	if (!col_parse(col, s, &v, why, len))
		return false;
	switch (col->type) {
	case CT_TIME:
		if (v.u / 86400 != (uint64_t)k->day) {
			snprintf(why, len, "time %s is not in the day of its directory", s);
			return false;
		}
		break;
	case CT_SENSOR:
		if (strcmp(s, k->sensor)) {
			snprintf(why, len, "sensor '%.60s' in a file of sensor '%.60s'", s, k->sensor);
			return false;
		}
		s = k->sensor_id;
		break;
	case CT_PROTO:
		snprintf(buf, sizeof(buf), "%d", (int)v.u);
		s = buf;
		break;
	case CT_TEXT:
		/* as the report reads it (docs/csv.md): a name never stops a
		 * row, and the database cannot hold what is not UTF-8 */
		if (text_needs_cleaning(s)) {
			char *clean = text_clean_dup(s);

			copy_text(out, clean);
			free(clean);
		} else {
			copy_text(out, s);
		}
		return true;
	default:
		break;
	}
	sb_append(out, s, strlen(s));
	return true;
}

bool row_convert(const struct row_map *m, const struct row_check *k, char *line,
		 struct strbuf *out, char *why, size_t len)
{
	const struct series_columns *sp = &series_columns[m->series];
	char *f[MAX_FIELDS];
	int n = csv_split(line, f, MAX_FIELDS);
	size_t mark = out->len;
	bool first = true;

	if (n != m->nfields) {
		snprintf(why, len, "%d fields, the header has %d", n < 0 ? MAX_FIELDS : n,
			 m->nfields);
		return false;
	}
	for (int o = 0; o < sp->ncols; o++) {
		int c = m->order[o];

		if (m->field[c] < 0)
			continue;
		if (!first)
			sb_append(out, "\t", 1);
		first = false;
		if (!field(&sp->cols[c], k, f[m->field[c]], out, why, len)) {
			out->len = mark;
			return false;
		}
	}
	sb_append(out, "\n", 1);
	return true;
}

bool row_sensor_name(const struct row_map *m, char *line, char *name, size_t len,
		     char *why, size_t wlen)
{
	char *f[MAX_FIELDS];
	int n = csv_split(line, f, MAX_FIELDS);
	const char *s;

	if (n != m->nfields) {
		snprintf(why, wlen, "%d fields, the header has %d", n < 0 ? MAX_FIELDS : n,
			 m->nfields);
		return false;
	}
	s = f[m->sensor_field];
	if (!*s || strlen(s) >= len || !text_is_utf8(s)) {
		snprintf(why, wlen, "sensor '%.60s' is empty, too long or not UTF-8", s);
		return false;
	}
	snprintf(name, len, "%s", s);
	return true;
}

size_t row_time_prefix(const char *line, size_t len)
{
	const char *comma = memchr(line, ',', len);

	return comma ? (size_t)(comma - line) : len;
}
