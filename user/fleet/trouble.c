// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>
#include "lib/log.h"
#include "fleet/trouble.h"

void trouble_init(struct trouble *t)
{
	memset(t, 0, sizeof(*t));
	t->since = -1;
}

static void begin(struct trouble *t, double now)
{
	if (t->since < 0)
		t->since = now;
}

/* Whether this kind was said in the spell already; noted when not. The
 * lost connection is the kind "" (it has no SQLSTATE of its own). */
static bool said(struct trouble *t, const char *state)
{
	for (int i = 0; i < t->nsaid; i++)
		if (!strcmp(t->said[i], state))
			return true;
	if (t->nsaid < TROUBLE_KINDS)
		strcpy(t->said[t->nsaid++], state);
	return false;
}

bool trouble_lost(struct trouble *t, const struct pg_err *e, double now, double retry_max)
{
	begin(t, now);
	t->lost = true;
	if (said(t, ""))
		return false;
	pr_warn("ship: the database cannot be reached (%s): trying again, every %.0f s at most, "
		"until it answers", e->msg, retry_max);
	return true;
}

bool trouble_refused(struct trouble *t, const char *where, const struct pg_err *e, double now,
		     double retry_max)
{
	begin(t, now);
	if (said(t, e->state))
		return false;
	pr_warn("ship: %s: the database refuses it for now (%s; SQLSTATE %s): trying again, "
		"every %.0f s at most, until it takes it", where, e->msg, e->state, retry_max);
	return true;
}

bool trouble_over(struct trouble *t, double now)
{
	if (t->since < 0)
		return false;
	if (t->lost)
		pr_info("ship: the database answers again, after %.0f s", now - t->since);
	else
		pr_info("ship: the database takes the rows again, after %.0f s", now - t->since);
	trouble_init(t);
	return true;
}
