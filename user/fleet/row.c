// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/csv.h"
#include "lib/number.h"
#include "lib/text.h"
#include "common/calendar.h"
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

/* The CSV guard against formulas (lib/csv.c) put an apostrophe before a
 * text that starts with one of these: the value is what follows it. */
static const char *unguard(const char *s)
{
	return s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]) ? s + 1 : s;
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

/* A decimal number (digits only) from min to max, read as the report
 * reads a count (lib/number.h). */
static bool whole(const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	return parse_u64_field(s, &v) == NUM_OK && v >= min && v <= max;
}

static bool word(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	return n && n <= 64 && !s[n];
}

/* One field as COPY text (appended to out); false with why. */
static bool field(const struct column *col, const struct row_check *k, const char *s,
		  struct strbuf *out, char *why, size_t len)
{
	unsigned char addr[16];
	char buf[12];
	int64_t t;
	int proto;

	switch (col->type) {
	case CT_TIME:
		t = parse_time(s);
		if (t < 0) {
			snprintf(why, len, "time '%.40s' is not YYYY-MM-DDTHH:MM:SSZ", s);
			return false;
		}
		if (t / 86400 != k->day) {
			snprintf(why, len, "time %s is not in the day of its directory", s);
			return false;
		}
		sb_append(out, s, strlen(s));
		return true;
	case CT_SENSOR:
		s = unguard(s);
		if (strcmp(s, k->sensor)) {
			snprintf(why, len, "sensor '%.60s' in a file of sensor '%.60s'", s, k->sensor);
			return false;
		}
		sb_append(out, k->sensor_id, strlen(k->sensor_id));
		return true;
	case CT_COUNT:
		if (!whole(s, 0, UINT64_MAX)) {
			snprintf(why, len, "%s '%.40s' is not a whole number from 0 to 2^64 - 1",
				 col->name, s);
			return false;
		}
		sb_append(out, s, strlen(s));
		return true;
	case CT_SECONDS:
	case CT_PORT:
		if (!whole(s, col->type == CT_PORT ? 0 : 1,
			   col->type == CT_PORT ? 65535 : UINT32_MAX)) {
			snprintf(why, len, "%s '%.40s' is not a whole number from %s", col->name, s,
				 col->type == CT_PORT ? "0 to 65535" : "1 to 2^32 - 1");
			return false;
		}
		sb_append(out, s, strlen(s));
		return true;
	case CT_PROTO:
		proto = proto_parse(s);
		if (proto < 0) {
			snprintf(why, len, "proto '%.40s' is no protocol name or number", s);
			return false;
		}
		snprintf(buf, sizeof(buf), "%d", proto);
		sb_append(out, buf, strlen(buf));
		return true;
	case CT_COUNTRY:
		if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
			snprintf(why, len, "country '%.40s' is not two capital letters", s);
			return false;
		}
		sb_append(out, s, 2);
		return true;
	case CT_IP:
		if (inet_pton(AF_INET, s, addr) != 1 && inet_pton(AF_INET6, s, addr) != 1) {
			snprintf(why, len, "%s '%.60s' is no IPv4 or IPv6 address", col->name, s);
			return false;
		}
		sb_append(out, s, strlen(s));
		return true;
	case CT_WORD:
		if (!word(s)) {
			snprintf(why, len, "%s '%.40s' is not a name of letters, digits and _",
				 col->name, s);
			return false;
		}
		sb_append(out, s, strlen(s));
		return true;
	case CT_TEXT:
		/* as the report reads it (docs/csv.md): a name never stops a
		 * row, and the database cannot hold what is not UTF-8 */
		s = unguard(s);
		if (text_needs_cleaning(s)) {
			char *clean = text_clean_dup(s);

			copy_text(out, clean);
			free(clean);
		} else {
			copy_text(out, s);
		}
		return true;
	}
	return false;
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
	s = unguard(f[m->sensor_field]);
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
