// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>
#include "sensor/refusals.h"

void refusals_add(struct refusals *r, enum refusal kind)
{
	r->count[kind]++;
}

void refusals_library(struct refusals *r, const char *message)
{
	if (!r->count[REFUSED_LIBRARY]++) {
		snprintf(r->library_first, sizeof(r->library_first), "%s", message);
		r->library_first[strcspn(r->library_first, "\n")] = '\0';
	}
}

bool refusals_due(struct refusals *r, int64_t now_ns, int64_t period_ns, int per_client,
		  int deadline_s, int max_open, char *line, size_t len)
{
	char library[224] = "";
	uint64_t any = 0;

	for (int k = 0; k < REFUSAL_KINDS; k++)
		any += r->count[k];
	if (!any || (r->ever_said && now_ns - r->said_ns < period_ns))
		return false;
	if (r->count[REFUSED_LIBRARY])
		snprintf(library, sizeof(library), "; the HTTP library said %llu things, first: %s",
			 (unsigned long long)r->count[REFUSED_LIBRARY], r->library_first);
	snprintf(line, len,
		 "metrics server: %llu connections refused (their client had %d open), "
		 "%llu cut unfinished after %d s, %llu cut to make room (%d open at most)%s "
		 "(one such line every %lld s at most)",
		 (unsigned long long)r->count[REFUSED_BUSY_CLIENT], per_client,
		 (unsigned long long)r->count[REFUSED_LATE], deadline_s,
		 (unsigned long long)r->count[REFUSED_MADE_ROOM], max_open, library,
		 (long long)(period_ns / 1000000000));
	*r = (struct refusals){ .said_ns = now_ns, .ever_said = true };
	return true;
}
