// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/pg.h"
#include "fleet/roles.h"

bool roles_read_password(struct role_request *q)
{
	char buf[1024];
	FILE *f;
	size_t n;

	if (!q->password_file)
		return true;
	f = fopen(q->password_file, "r");
	if (!f) {
		pr_err("db init: cannot read --password-file %s: %s", q->password_file,
		       strerror(errno));
		return false;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (!n) {
		pr_err("db init: --password-file %s: the first line is empty", q->password_file);
		return false;
	}
	q->password = xstrdup(buf);
	memset(buf, 0, sizeof(buf));
	return true;
}

void roles_forget_password(struct role_request *q)
{
	if (!q->password)
		return;
	memset(q->password, 0, strlen(q->password));
	free(q->password);
	q->password = NULL;
}

/* Whether the query returns a row; -1 on error. */
static int any_row(PGconn *c, const char *sql, const char *param, struct pg_err *e)
{
	PGresult *r = pg_query(c, sql, param ? 1 : 0, &param, e);
	int n = r ? PQntuples(r) > 0 : -1;

	PQclear(r);
	return n;
}

/* A LOGIN role, made when missing, member of group; with BYPASSRLS when
 * asked and we may give it (a superuser). */
static bool login_role(PGconn *c, const char *role, const char *group, bool bypass,
		       struct pg_err *e)
{
	int exists = any_row(c, "SELECT FROM pg_roles WHERE rolname = $1", role, e);
	int super = any_row(c, "SELECT FROM pg_roles WHERE rolname = current_user AND rolsuper",
			    NULL, e);
	char *id = exists >= 0 && super >= 0 ? pg_ident(c, role, e) : NULL, *sql;
	bool ok;

	if (!id)
		return false;
	sql = exists ? xasprintf("GRANT %s TO %s", group, id)
		     : xasprintf("CREATE ROLE %s LOGIN IN ROLE %s", id, group);
	ok = pg_exec(c, sql, e);
	free(sql);
	if (ok)
		pr_info("db init: role %s %s %s", role, exists ? "is now a member of"
							: "made, a member of", group);
	if (ok && bypass && super) {
		sql = xasprintf("ALTER ROLE %s BYPASSRLS", id);
		ok = pg_exec(c, sql, e);
		free(sql);
		if (ok)
			pr_info("db init: role %s bypasses row-level security (it may write every "
				"sensor anyway), so its COPY goes straight into the tables", role);
	}
	free(id);
	return ok;
}

static bool set_password(PGconn *c, const char *role, const struct role_request *q,
			 struct pg_err *e)
{
	char *hash, *id = NULL, *lit = NULL, *sql;
	bool ok = false;

	/* hashed here (SCRAM, or what password_encryption says), so the
	 * password itself never reaches the server or its logs */
	hash = PQencryptPasswordConn(c, q->password, role, NULL);
	if (!hash) {
		pg_fail(c, NULL, e);
		pr_err("db init: cannot hash the password of %s: %s", role, e->msg);
		return false;
	}
	id = pg_ident(c, role, e);
	lit = id ? pg_literal(c, hash, e) : NULL;
	PQfreemem(hash);
	if (lit) {
		sql = xasprintf("ALTER ROLE %s PASSWORD %s", id, lit);
		ok = pg_exec(c, sql, e);
		free(sql);
	}
	free(id);
	free(lit);
	if (ok)
		pr_info("db init: role %s has the password of %s", role, q->password_file);
	else
		pr_err("db init: cannot set the password of %s: %s", role, e->msg);
	return ok;
}

static bool register_sensor(PGconn *c, const char *sensor, const char *role, struct pg_err *e)
{
	const char *const params[] = { sensor, role };
	PGresult *r = pg_query(c, "INSERT INTO telescope.sensor (name, writer) VALUES ($1, $2) "
			       "ON CONFLICT (name) DO UPDATE SET writer = EXCLUDED.writer "
			       "RETURNING id", 2, params, e);

	if (!r)
		return false;
	pr_info("db init: sensor %s (id %s) is written by role %s", sensor, PQgetvalue(r, 0, 0),
		role);
	PQclear(r);
	return true;
}

bool fleet_make_roles(PGconn *c, const struct role_request *q)
{
	const char *pw_role = q->sensor_role ? q->sensor_role
			    : q->loader_role ? q->loader_role : q->reader_role;
	struct pg_err e;
	bool ok = pg_exec(c, "BEGIN", &e);

	if (ok && q->sensor_role) {
		ok = login_role(c, q->sensor_role, "telescope_sensor", false, &e);
		for (unsigned i = 0; ok && i < q->nsensors; i++)
			ok = register_sensor(c, q->sensors[i], q->sensor_role, &e);
	}
	if (ok && q->loader_role)
		ok = login_role(c, q->loader_role, "telescope_loader", true, &e);
	if (ok && q->reader_role)
		ok = login_role(c, q->reader_role, "telescope_reader", false, &e);
	if (ok && q->password && !set_password(c, pw_role, q, &e)) {
		pg_exec(c, "ROLLBACK", &e);	/* the reason is said */
		return false;
	}
	if (ok && pg_exec(c, "COMMIT", &e))
		return true;
	pr_err("db init: %s", e.msg);
	pg_exec(c, "ROLLBACK", &e);
	return false;
}
