// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The list of events the detectors (events.c) and the gap finder
 * (gaps.c) fill: names, adding, the report's order. */
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/eventlist.h"

const char *const event_type_name[EV_NTYPES] = {
	"level_shift", "country_drop", "country_spike", "local_spike",
	"wide_spike", "backscatter_burst", "gap",
};

struct event *event_add(struct event_list *l, enum event_type type)
{
	struct event *e;

	XGROW(l->v, l->cap, l->n + 1, 16);
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->sensor = -1;
	e->country = -1;
	return e;
}

void event_list_free(struct event_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->first_day != y->first_day)
		return x->first_day < y->first_day ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->start_t != y->start_t)
		return x->start_t < y->start_t ? -1 : 1;
	return x->sensor - y->sensor;
}

void event_list_sort(struct event_list *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_event);
}
