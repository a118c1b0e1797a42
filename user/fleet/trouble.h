/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What keeps ship from loading for now, said once a spell: the
 * connection lost, or a refusal that may pass (lib/pg.h pg_passing: a
 * full disk, a cancelled statement, a lock not had in time …), each kind
 * once however often it is met again before the spell ends; the spell
 * ends when a pass goes through, which is said too, with how long it
 * lasted. So a --follow pass every second says a long outage in two
 * lines, and the log holds each trouble once.
 */
#ifndef TS_FLEET_TROUBLE_H
#define TS_FLEET_TROUBLE_H

#include <stdbool.h>
#include "lib/pg.h"

#define TROUBLE_KINDS 8

struct trouble {
	double since;			/* when the spell began, -1: none */
	bool lost;			/* the connection was lost in it */
	char said[TROUBLE_KINDS][6];	/* the SQLSTATEs said in it */
	int nsaid;
};

void trouble_init(struct trouble *t);

/* The database could not be reached, or the connection was lost (e);
 * whether that was said (the first time in the spell). */
bool trouble_lost(struct trouble *t, const struct pg_err *e, double now, double retry_max);

/* The server refused what ship sent from where (a day directory) for a
 * reason that may pass (e); whether that was said (the first refusal of
 * its SQLSTATE in the spell). */
bool trouble_refused(struct trouble *t, const char *where, const struct pg_err *e, double now,
		     double retry_max);

/* A pass went through: the end of the spell, if one was on (said). */
bool trouble_over(struct trouble *t, double now);

#endif
