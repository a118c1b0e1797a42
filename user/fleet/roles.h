/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The login roles `db init` makes, each a member of one group role that
 * sql/v1.sql grants to (docs/fleet.md): a sensor's role inserts the rows
 * of its own sensors only (row-level security on `sensor`) and reads
 * nothing but its own positions; the loader's role (a centre shipping
 * rsync'd directories) inserts the rows of any sensor and registers new
 * ones; the reader's role reads everything and writes nothing. None may
 * update or delete.
 */
#ifndef TS_FLEET_ROLES_H
#define TS_FLEET_ROLES_H

#include <stdbool.h>
#include <libpq-fe.h>

#define ROLES_MAX_SENSORS 64

struct role_request {
	const char *sensor_role;
	const char *sensors[ROLES_MAX_SENSORS];
	unsigned nsensors;
	const char *loader_role, *reader_role;
	const char *password_file;	/* the password of the one role named, */
	char *password;			/* as roles_read_password() read it */
};

/* The password of --password-file (its first line), read before the
 * database is touched, so that a file that cannot be read makes nothing;
 * false with the reason on stderr. */
bool roles_read_password(struct role_request *q);

/* Forget the password (overwritten, freed). */
void roles_forget_password(struct role_request *q);

/* Make or update the roles asked for, in one transaction, saying what
 * it did; false with the reason on stderr. */
bool fleet_make_roles(PGconn *c, const struct role_request *q);

#endif
