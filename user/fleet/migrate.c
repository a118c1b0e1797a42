// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "lib/version.h"
#include "common/schema.h"
#include "fleet/migrate.h"
#include "fleet_sql.gen.h"	/* fleet_sql[N]: sql/vN.sql */

#define MIGRATE_LOCK "8239017600"	/* one db init at a time */

int fleet_schema_version(void)
{
	return (int)(sizeof(fleet_sql) / sizeof(fleet_sql[0])) - 1;
}

_Static_assert(sizeof(fleet_sql) / sizeof(fleet_sql[0]) - 1 == TS_SCHEMA_VERSION,
	       "common/schema.h: TS_SCHEMA_VERSION is the last sql/vN.sql");

bool fleet_schema_migrate(PGconn *c)
{
	int want = fleet_schema_version(), v;
	struct pg_err e;
	char sql[200];

	if (!pg_exec(c, "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", &e))
		goto fail;
	v = schema_found_version(c, &e);
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
