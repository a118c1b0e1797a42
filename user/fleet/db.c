// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope db init` and `db prune`: the schema, the roles, the
 * retention. Both connect as the schema's owner (or a superuser); what
 * the other roles may do is in sql/v1.sql and roles.h.
 */
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "lib/options.h"
#include "fleet/fleet.h"
#include "common/schema.h"
#include "fleet/migrate.h"
#include "fleet/tablecheck.h"
#include "lib/pg.h"
#include "fleet/prune.h"
#include "fleet/roles.h"

struct db_args {
	const char *db;
	struct role_request roles;
	unsigned keep;
};

#define A struct db_args
#define DB_OPT OPT_STRING(A, db, "db", 'd', "CONNINFO", \
			  "libpq connection string or URI (default: the PG* environment)")

static const struct opt init_opts[] = {
	DB_OPT,
	OPT_STRING(A, roles.sensor_role, "sensor-role", 0, "NAME",
		   "a login role that may write the rows of the --sensor names only"),
	OPT_LIST(A, roles.sensors, roles.nsensors, "sensor", 0, "SENSOR",
		 "a sensor name (the CSV's sensor column) for --sensor-role"),
	OPT_STRING(A, roles.loader_role, "loader-role", 0, "NAME",
		   "a login role that may write the rows of every sensor (a centre)"),
	OPT_STRING(A, roles.reader_role, "reader-role", 0, "NAME",
		   "a login role that may read everything and write nothing"),
	OPT_STRING(A, roles.password_file, "password-file", 0, "FILE",
		   "set the password of the one role named to FILE's first line"),
	OPT_END,
};

static const struct opt prune_opts[] = {
	DB_OPT,
	OPT_UINT(A, keep, "keep-minutes", 'k', "DAYS", 1, 100000,
		 "keep the minute rows of the last DAYS days and today", .required = true),
	OPT_END,
};
#undef A

static const struct opt_cmd init_cmd = {
	.prog = "xdp-telescope", .name = "db init",
	.about = "Make the fleet store's schema in the database, or migrate it to this "
		 "version, and make the roles asked for. Run it as the schema's owner; "
		 "again with the same options, it changes nothing.",
	.opts = init_opts,
};

static const struct opt_cmd prune_cmd = {
	.prog = "xdp-telescope", .name = "db prune",
	.about = "Drop the minute rows of the days before the last DAYS, a day partition at "
		 "a time; the hourly aggregates stay.",
	.opts = prune_opts,
};

static PGconn *connect_ready(const char *cmd, const char *db, bool need_schema)
{
	struct pg_err e;
	PGconn *c = pg_connect(db ? db : "", &e);

	if (!c) {
		pr_err("%s: cannot connect to the database: %s", cmd, e.msg);
		return NULL;
	}
	if (need_schema && !schema_ready(c, &e)) {
		pr_err("%s: %s", cmd, e.msg);
		PQfinish(c);
		return NULL;
	}
	return c;
}

static int db_init(int argc, char **argv)
{
	struct db_args a = { 0 };
	const struct role_request *q = &a.roles;
	int rc = opt_parse(&init_cmd, argc, argv, &a, NULL), named;
	PGconn *c;
	bool ok;

	if (rc != OPT_GO)
		return rc;
	if (!q->sensor_role != !q->nsensors)
		return opt_error(&init_cmd, "--sensor-role and --sensor go together");
	named = !!q->sensor_role + !!q->loader_role + !!q->reader_role;
	if (q->password_file && named != 1)
		return opt_error(&init_cmd, "--password-file wants exactly one role "
				 "(--sensor-role, --loader-role or --reader-role)");
	/* a password file that cannot be read is said before anything is made */
	if (!roles_read_password(&a.roles))
		return 1;
	c = connect_ready("db init", a.db, false);
	ok = c && fleet_schema_migrate(c) && fleet_tables_match(c) && (!named || fleet_make_roles(c, q));
	roles_forget_password(&a.roles);
	PQfinish(c);
	return ok ? 0 : 1;
}

static int db_prune(int argc, char **argv)
{
	struct db_args a = { 0 };
	int rc = opt_parse(&prune_cmd, argc, argv, &a, NULL);
	PGconn *c;
	bool ok;

	if (rc != OPT_GO)
		return rc;
	c = connect_ready("db prune", a.db, true);
	if (!c)
		return 1;
	ok = fleet_prune(c, a.keep);
	PQfinish(c);
	return ok ? 0 : 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xdp-telescope db init|prune [OPTIONS]\n\n"
		   "  init     make or migrate the fleet store's schema, make roles\n"
		   "  prune    drop old minute rows, keep the hourly aggregates\n\n"
		   "'xdp-telescope db init --help' and 'db prune --help' describe each.\n");
}

int cmd_db(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "init"))
		return db_init(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "prune"))
		return db_prune(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 2)
		pr_err("db: init or prune? (try 'xdp-telescope db --help')");
	else
		pr_err("db: unknown subcommand '%s' (try 'xdp-telescope db --help')", argv[1]);
	return OPT_EXIT_USAGE;
}
