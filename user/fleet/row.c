// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdarg.h>
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
	const struct fleet_series *sp = &fleet_series[s];
	char *f[MAX_FIELDS];
	int n = csv_split(line, f, MAX_FIELDS);

	memset(m, 0, sizeof(*m));
	m->series = s;
	if (n < 0) {
		snprintf(why, len, "header of more than %d columns", MAX_FIELDS);
		return false;
	}
	m->nfields = n;
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
		if (sp->cols[c].type == FT_TIME)
			m->time_field = i;
		if (sp->cols[c].type == FT_SENSOR)
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
	const struct fleet_series *sp = &fleet_series[m->series];
	bool first = true;

	for (int c = 0; c < sp->ncols; c++) {
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

static bool word(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	return n && n <= 64 && !s[n];
}

static bool country(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && !s[2];
}

static bool address(const char *s)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

/* The whole numbers' ranges (docs/csv.md), as the report reads them. */
static const struct {
	uint64_t min, max;
	const char *words;
} range[] = {
	[FT_COUNT] = { 0, UINT64_MAX, "0 to 2^64 - 1" },
	[FT_SECONDS] = { 1, UINT32_MAX, "1 to 2^32 - 1" },
	[FT_PORT] = { 0, 65535, "0 to 65535" },
};

static bool refuse(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return false;
}

/* A text as the report reads it (docs/csv.md): a name never stops a row,
 * and the database cannot hold what is not UTF-8. */
static void text(struct strbuf *out, const char *s)
{
	char *clean = text_needs_cleaning(s) ? text_clean_dup(s) : NULL;

	copy_text(out, clean ? clean : s);
	free(clean);
}

/* One field (the CSV reader took its quotes and guard off) as COPY text,
 * appended to out; false with why. */
static bool field(const struct fleet_col *col, const struct row_check *k, const char *s,
		  struct strbuf *out, char *why, size_t len)
{
	const char *name = col->name;
	char number[12];
	int64_t t;
	int proto;
	uint64_t v;

	switch (col->type) {
	case FT_TIME:
		if ((t = parse_time(s)) < 0)
			return refuse(why, len, "time '%.40s' is not YYYY-MM-DDTHH:MM:SSZ", s);
		if (t / 86400 != k->day)
			return refuse(why, len, "time %s is not in the day of its directory", s);
		break;
	case FT_SENSOR:
		if (strcmp(s, k->sensor))
			return refuse(why, len, "sensor '%.60s' in a file of sensor '%.60s'", s,
				      k->sensor);
		s = k->sensor_id;
		break;
	case FT_COUNT:
	case FT_SECONDS:
	case FT_PORT:
		if (!parse_uint(s, range[col->type].min, range[col->type].max, &v))
			return refuse(why, len, "%s '%.40s' is not a whole number from %s", name, s,
				      range[col->type].words);
		break;
	case FT_PROTO:
		if ((proto = proto_parse(s)) < 0)
			return refuse(why, len, "proto '%.40s' is no protocol name or number", s);
		snprintf(number, sizeof(number), "%d", proto);
		s = number;
		break;
	case FT_COUNTRY:
		if (!country(s))
			return refuse(why, len, "country '%.40s' is not two capital letters", s);
		break;
	case FT_IP:
		if (!address(s))
			return refuse(why, len, "%s '%.60s' is no IPv4 or IPv6 address", name, s);
		break;
	case FT_WORD:
		if (!word(s))
			return refuse(why, len, "%s '%.40s' is not a name of letters, digits and _",
				      name, s);
		break;
	case FT_TEXT:
		text(out, s);
		return true;
	}
	sb_append(out, s, strlen(s));
	return true;
}

bool row_convert(const struct row_map *m, const struct row_check *k, char *line,
		 struct strbuf *out, char *why, size_t len)
{
	const struct fleet_series *sp = &fleet_series[m->series];
	char *f[MAX_FIELDS];
	int n = csv_split(line, f, MAX_FIELDS);
	size_t mark = out->len;
	bool first = true;

	if (n != m->nfields) {
		snprintf(why, len, "%d fields, the header has %d", n < 0 ? MAX_FIELDS : n,
			 m->nfields);
		return false;
	}
	for (int c = 0; c < sp->ncols; c++) {
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
