// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's sources that a labelled list holds (listed.h). */
#include "listed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "sensor/rules.h"

static int holds(const struct label_net *n, uint32_t addr)
{
	uint32_t net, mask;

	if (n->family != TS_FAMILY_IPV4)
		return 0;
	mask = n->prefixlen ? ~0u << (32 - n->prefixlen) : 0;
	net = (uint32_t)n->addr[0] << 24 | (uint32_t)n->addr[1] << 16 |
	      (uint32_t)n->addr[2] << 8 | n->addr[3];
	return (addr & mask) == net;
}

int listed_init(struct listed *l, const char *path, uint32_t sources)
{
	struct label_net *nets = NULL; /* labels_load() appends */
	char err[256];
	size_t n = 0;

	memset(l, 0, sizeof(*l));
	if (labels_load(path, &nets, &n, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	l->by_index = calloc(sources, 1);
	if (!l->by_index) {
		free(nets);
		return -1;
	}
	l->sources = sources;
	for (uint32_t i = 0; i < sources; i++)
		for (size_t k = 0; k < n && !l->by_index[i]; k++)
			l->by_index[i] = (uint8_t)holds(&nets[k], bench_source_addr(i));
	free(nets);
	return 0;
}

void listed_free(struct listed *l)
{
	free(l->by_index);
	l->by_index = NULL;
}
