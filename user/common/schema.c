// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include "common/schema.h"

int schema_found_version(PGconn *c, struct pg_err *e)
{
	PGresult *r = pg_query(c, "SELECT to_regnamespace('telescope') IS NOT NULL, "
			       "to_regclass('telescope.schema_version') IS NOT NULL", 0, NULL, e);
	bool schema, table;
	int v = -1;

	if (!r)
		return -1;
	schema = PQgetvalue(r, 0, 0)[0] == 't';
	table = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (!schema)
		return 0;
	if (!table) {
		snprintf(e->msg, sizeof(e->msg), "the database has a schema 'telescope' that "
			 "xdp-telescope did not make (no telescope.schema_version)");
		e->state[0] = '\0';
		e->lost = false;
		return -1;
	}
	r = pg_query(c, "SELECT coalesce(max(version), 0) FROM telescope.schema_version", 0,
		     NULL, e);
	if (r) {
		v = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	return v;
}

bool schema_ready(PGconn *c, struct pg_err *e)
{
	int want = TS_SCHEMA_VERSION, v = schema_found_version(c, e);

	if (v == want)
		return true;
	if (v < 0)
		return false;
	e->state[0] = '\0';
	e->lost = false;
	if (v == 0)
		snprintf(e->msg, sizeof(e->msg), "the database has no telescope schema: "
			 "'xdp-telescope db init' makes it");
	else if (v < want)
		snprintf(e->msg, sizeof(e->msg), "the database schema is version %d, older than "
			 "this xdp-telescope's %d: 'xdp-telescope db init' migrates it", v, want);
	else
		snprintf(e->msg, sizeof(e->msg), "the database schema is version %d, newer than "
			 "this xdp-telescope's %d: upgrade xdp-telescope", v, want);
	return false;
}
