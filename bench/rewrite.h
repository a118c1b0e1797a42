/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The driver's side of the source rewrite (rewrite.bpf.h): the table of
 * source indices of the heavy-tailed mixes, in a program's bench_table.
 */
#ifndef TS_BENCH_REWRITE_H
#define TS_BENCH_REWRITE_H

#include <bpf/libbpf.h>

#include "mix.h"

/* bench_table's entries for mix m: set them before the program loads. */
unsigned rewrite_table_size(const struct mix *m);

/* Fill the loaded program's bench_table: 0, or -1 with a line on stderr. */
int rewrite_fill_table(struct bpf_map *table, const struct mix *m);

#endif /* TS_BENCH_REWRITE_H */
