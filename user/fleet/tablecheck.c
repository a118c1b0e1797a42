// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/strbuf.h"
#include "common/columns.h"
#include "fleet/tablecheck.h"

/* The differences this many at most, in the one line. */
#define SAID_AT_MOST 4

/* The schema's columns as rows of a VALUES list: (table, column, type, not null). */
static void wanted(struct strbuf *sb)
{
	bool first = true;

	for (int s = 0; s < S_COUNT; s++) {
		const struct series_columns *sc = &series_columns[s];

		for (int c = 0; c < sc->ncols; c++) {
			sb_printf(sb, "%s('%s', '%s', '%s', %s)", first ? "" : ", ", series_name[s],
				  sc->cols[c].name, col_types[sc->cols[c].type].sql,
				  sc->cols[c].optional ? "false" : "true");
			first = false;
		}
	}
}

bool fleet_tables_match(PGconn *c)
{
	struct strbuf q, said;
	struct pg_err e;
	PGresult *r;
	int n;

	sb_init(&q);
	/* the types compared as the database resolves them (regtype), so
	 * that telescope.count is itself whatever the search_path */
	sb_puts(&q, "WITH want (tab, col, typ, required) AS (VALUES ");
	wanted(&q);
	sb_puts(&q, "), have AS (SELECT c.relname::text AS tab, a.attname::text AS col, "
		"a.atttypid AS typ, a.attnotnull AS required FROM pg_class c JOIN pg_attribute a "
		"ON a.attrelid = c.oid WHERE c.relnamespace = 'telescope'::regnamespace "
		"AND c.relname IN (SELECT DISTINCT tab FROM want) AND a.attnum > 0 "
		"AND NOT a.attisdropped) "
		"SELECT coalesce(w.tab, h.tab), coalesce(w.col, h.col), w.typ, "
		"format_type(h.typ, NULL), w.required, h.required FROM want w FULL JOIN have h "
		"ON h.tab = w.tab AND h.col = w.col WHERE w.col IS NULL OR h.col IS NULL "
		"OR h.typ <> w.typ::regtype OR h.required <> w.required ORDER BY 1, 2");
	r = pg_query(c, q.buf, 0, NULL, &e);
	sb_free(&q);
	if (!r) {
		pr_err("db init: reading the tables' columns: %s", e.msg);
		return false;
	}
	n = PQntuples(r);
	sb_init(&said);
	for (int i = 0; i < n && i < SAID_AT_MOST; i++) {
		const char *tab = PQgetvalue(r, i, 0), *col = PQgetvalue(r, i, 1);

		sb_puts(&said, i ? "; " : "");
		if (PQgetisnull(r, i, 2))
			sb_printf(&said, "%s.%s is in the database, not in the schema", tab, col);
		else if (PQgetisnull(r, i, 3))
			sb_printf(&said, "%s.%s (%s) is not in the database", tab, col,
				  PQgetvalue(r, i, 2));
		else if (strcmp(PQgetvalue(r, i, 4), PQgetvalue(r, i, 5)))
			sb_printf(&said, "%s.%s is %sNOT NULL in the database, the schema says "
				  "it %s be empty", tab, col,
				  PQgetvalue(r, i, 5)[0] == 't' ? "" : "not ",
				  PQgetvalue(r, i, 4)[0] == 't' ? "may not" : "may");
		else
			sb_printf(&said, "%s.%s is %s in the database, %s in the schema", tab, col,
				  PQgetvalue(r, i, 3), PQgetvalue(r, i, 2));
	}
	if (n > SAID_AT_MOST)
		sb_printf(&said, "; %d more", n - SAID_AT_MOST);
	if (n)
		pr_err("db init: the tables differ from this xdp-telescope's columns "
		       "('xdp-telescope schema --sql'): %s", said.buf);
	sb_free(&said);
	PQclear(r);
	return n == 0;
}
