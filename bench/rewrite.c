// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The driver's side of the source rewrite (rewrite.h). */
#include "rewrite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

unsigned rewrite_table_size(const struct mix *m)
{
	return m->table_len ? m->table_len : 1;
}

int rewrite_fill_table(struct bpf_map *table, const struct mix *m)
{
	int fd = bpf_map__fd(table);
	const uint32_t chunk = 1u << 16;
	uint32_t *keys, done, i;

	if (!m->table_len)
		return 0;
	keys = malloc(sizeof(*keys) * chunk);
	if (!keys)
		return -1;
	for (done = 0; done < m->table_len; done += chunk) {
		uint32_t n = m->table_len - done < chunk ? m->table_len - done : chunk;

		for (i = 0; i < n; i++)
			keys[i] = done + i;
		if (bpf_map_update_batch(fd, keys, m->table + done, &n, NULL)) {
			fprintf(stderr, "bench: filling the source table: %s\n", strerror(errno));
			free(keys);
			return -1;
		}
	}
	free(keys);
	return 0;
}
