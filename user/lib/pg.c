// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/pg.h"

/* libpq's messages end in a newline and may span lines ("connection to
 * server … failed: FATAL: …\n"): one line, the parts joined by "; ". */
static void one_line(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src && n + 3 < len; src++) {
		if (*src == '\n') {
			while (src[1] == '\n' || src[1] == ' ' || src[1] == '\t')
				src++;
			if (src[1] && n + 3 < len) {
				dst[n++] = ';';
				dst[n++] = ' ';
			}
			continue;
		}
		dst[n++] = *src == '\t' ? ' ' : *src;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

void pg_fail(PGconn *c, const PGresult *r, struct pg_err *e)
{
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char buf[sizeof(e->msg)];

	if (msg)
		snprintf(buf, sizeof(buf), "%s%s%s", msg, detail ? " (" : "",
			 detail ? detail : "");
	else
		snprintf(buf, sizeof(buf), "%s", c ? PQerrorMessage(c) : "out of memory");
	if (msg && detail)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ")");
	one_line(e->msg, sizeof(e->msg), *buf ? buf : "unknown error");
	snprintf(e->state, sizeof(e->state), "%s", state ? state : "");
	e->lost = !c || PQstatus(c) != CONNECTION_OK;
}

/* Notices (a DROP … IF EXISTS that found nothing) are not ours to print. */
static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

PGconn *pg_connect(const char *conninfo, struct pg_err *e)
{
	/* application_name says who holds a connection in pg_stat_activity;
	 * a conninfo that names one wins (later keywords override). */
	const char *const keys[] = { "fallback_application_name", "client_encoding",
				     "dbname", NULL };
	const char *const vals[] = { "xdp-telescope", "UTF8", conninfo, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);

	if (c && PQstatus(c) == CONNECTION_OK) {
		PQsetNoticeProcessor(c, quiet_notice, NULL);
		return c;
	}
	pg_fail(c, NULL, e);
	e->lost = true;
	PQfinish(c);
	return NULL;
}

bool pg_exec(PGconn *c, const char *sql, struct pg_err *e)
{
	PGresult *r = PQexec(c, sql);
	bool ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
			PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		pg_fail(c, r, e);
	PQclear(r);
	return ok;
}

PGresult *pg_query(PGconn *c, const char *sql, int nparams,
		   const char *const *params, struct pg_err *e)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);

	if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	pg_fail(c, r, e);
	PQclear(r);
	return NULL;
}

bool pg_retryable(const struct pg_err *e)
{
	return !strcmp(e->state, "40001") || !strcmp(e->state, "40P01");
}

bool pg_passing(const struct pg_err *e)
{
	static const char *const classes[] = { "53", "57", "40" };
	static const char *const states[] = { "55P03", "55006", "42P01", "58030" };

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strncmp(e->state, classes[i], 2))
			return true;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(e->state, states[i]))
			return true;
	return false;
}

static char *quoted(PGconn *c, const char *s, bool ident, struct pg_err *e)
{
	char *q = ident ? PQescapeIdentifier(c, s, strlen(s)) : PQescapeLiteral(c, s, strlen(s));
	char *copy;

	if (!q) {
		pg_fail(c, NULL, e);
		return NULL;
	}
	copy = xstrdup(q);
	PQfreemem(q);
	return copy;
}

char *pg_ident(PGconn *c, const char *s, struct pg_err *e)
{
	return quoted(c, s, true, e);
}

char *pg_literal(PGconn *c, const char *s, struct pg_err *e)
{
	return quoted(c, s, false, e);
}
