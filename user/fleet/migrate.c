// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/version.h"
#include "fleet/migrate.h"
#include "fleet_sql.gen.h"	/* fleet_sql[N]: sql/vN.sql */

#define MIGRATE_LOCK "8239017600"	/* one db init at a time */

int fleet_schema_version(void)
{
	return (int)(sizeof(fleet_sql) / sizeof(fleet_sql[0])) - 1;
}

/* The database's version: 0 with no schema, -1 on error (e). */
static int found_version(PGconn *c, struct pg_err *e)
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

bool fleet_schema_ready(PGconn *c, struct pg_err *e)
{
	int want = fleet_schema_version(), v = found_version(c, e);

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

bool fleet_schema_migrate(PGconn *c)
{
	int want = fleet_schema_version(), v;
	struct pg_err e;
	char sql[200];

	if (!pg_exec(c, "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", &e))
		goto fail;
	v = found_version(c, &e);
	if (v < 0)
		goto fail;
	if (v > want) {
		pr_err("db init: the database schema is version %d, newer than this "
		       "xdp-telescope's %d: upgrade xdp-telescope", v, want);
		pg_exec(c, "ROLLBACK", &e);
		return false;
	}
	for (int n = v + 1; n <= want; n++) {
		snprintf(sql, sizeof(sql), "INSERT INTO telescope.schema_version "
			 "(version, applied_by) VALUES (%d, 'xdp-telescope %s')", n, ts_version());
		if (!pg_exec(c, fleet_sql[n], &e) || !pg_exec(c, sql, &e)) {
			pr_err("db init: schema version %d: %s", n, e.msg);
			pg_exec(c, "ROLLBACK", &e);
			return false;
		}
	}
	if (!pg_exec(c, "COMMIT", &e))
		goto fail;
	if (v == want)
		pr_info("db init: the schema is at version %d already", want);
	else if (v == 0)
		pr_info("db init: made the schema, version %d", want);
	else
		pr_info("db init: migrated the schema from version %d to %d", v, want);
	return true;
fail:
	pr_err("db init: %s", e.msg);
	pg_exec(c, "ROLLBACK", &e);
	return false;
}
