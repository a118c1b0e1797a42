/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The fleet's contact with PostgreSQL: libpq connections (a connection
 * string or URI; empty means the PG* environment, and ~/.pgpass works as
 * in every libpq tool) and statements whose failures come back as one
 * line with their SQLSTATE, so every command can say what went wrong in
 * the same words.
 */
#ifndef TS_LIB_PG_H
#define TS_LIB_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

struct pg_err {
	char msg[600];		/* one line, no trailing newline */
	char state[6];		/* SQLSTATE, "" when the server gave none */
	bool lost;		/* the connection is gone (server down, network) */
};

/* NULL when the connection fails (e->msg says why, e->lost is set). */
PGconn *pg_connect(const char *conninfo, struct pg_err *e);

/* Run sql (one or more statements, no parameters); false on failure. */
bool pg_exec(PGconn *c, const char *sql, struct pg_err *e);

/*
 * Run one statement with text parameters; the result when it returns rows
 * (PQclear it), else NULL with e filled.
 */
PGresult *pg_query(PGconn *c, const char *sql, int nparams,
		   const char *const *params, struct pg_err *e);

/* Fill e from a failed result (NULL: from the connection). */
void pg_fail(PGconn *c, const PGresult *r, struct pg_err *e);

/* A transaction the server gave up for a reason that may not recur
 * (deadlock, serialisation failure): worth running again. */
bool pg_retryable(const struct pg_err *e);

/*
 * A refusal the server may stop giving, whatever was sent: insufficient
 * resources (53: a full disk, memory, connections), a statement
 * cancelled or the server shutting down (57), a lock not available in
 * time or an object in use (55P03, 55006), a transaction rolled back
 * (40: serialisation, deadlock), a table not there (42P01: being made
 * or dropped), an I/O error (58030). Anything else refuses what was
 * sent, and sending it again gets the same answer.
 */
bool pg_passing(const struct pg_err *e);

/* The identifier or literal quoted for SQL text (free() it); NULL when
 * the connection cannot quote it (e filled). */
char *pg_ident(PGconn *c, const char *s, struct pg_err *e);
char *pg_literal(PGconn *c, const char *s, struct pg_err *e);

#endif
