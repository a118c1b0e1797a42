/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which of the benchmark's sources a labelled address list holds: the
 * classifier tags their packets, so checking its totals needs to know.
 * The list is parsed with the loader's own code (labels_load()).
 */
#ifndef TS_BENCH_LISTED_H
#define TS_BENCH_LISTED_H

#include <stdint.h>

struct listed {
	uint8_t *by_index; /* 1 if source index i (IPv4) is in the list */
	uint32_t sources;
};

/* 0, or -1 with a message on stderr. */
int listed_init(struct listed *l, const char *path, uint32_t sources);
void listed_free(struct listed *l);

#endif
