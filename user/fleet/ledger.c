// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include "common/shipped.h"
#include "fleet/ledger.h"

struct dir_ledger {
	struct shipped s;
	bool dirty;		/* changed since it was written */
	bool stuck;		/* could not be written: said, not tried again */
};

void ledgers_init(struct ledgers *g)
{
	hmap_init_strings(&g->dirs, sizeof(struct dir_ledger));
}

void ledgers_free(struct ledgers *g)
{
	for (size_t i = 0; i < g->dirs.len; i++)
		shipped_free(&((struct dir_ledger *)hmap_val(&g->dirs, i))->s);
	hmap_free(&g->dirs);
}

void ledgers_note(struct ledgers *g, const char *out, const char *rel, int64_t bytes)
{
	int created;
	struct dir_ledger *d = hmap_insert(&g->dirs, out, &created);
	const uint64_t *had;

	if (created) {
		shipped_init(&d->s);
		/* a damaged ledger (said) is written anew from what we learn */
		if (!shipped_load(out, &d->s)) {
			shipped_free(&d->s);
			shipped_init(&d->s);
			d->dirty = true;
		}
	}
	had = hmap_find(&d->s.files, rel);
	if (bytes < 0 || (had && *had == (uint64_t)bytes))
		return;
	shipped_set(&d->s, rel, (uint64_t)bytes);
	d->dirty = true;
}

void ledgers_save(struct ledgers *g)
{
	for (size_t i = 0; i < g->dirs.len; i++) {
		struct dir_ledger *d = hmap_val(&g->dirs, i);

		if (!d->dirty || d->stuck)
			continue;
		if (shipped_save(hmap_string(&g->dirs, i), &d->s))
			d->dirty = false;
		else
			d->stuck = true;
	}
}
