// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --anonymize: victims as the seeds publish them, a category and a letter
 * (クラウド事業者A, 政府系サイトB), never an address or a name. The
 * category comes from --categories (by AS number, else the longest prefix
 * holding an address of the organisation); without one, "Organisation".
 * Letters go in order of first appearance in the report, per category,
 * so one organisation has one label in every table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/categories.h"
#include "report/sections/section.h"

/* The organisations labelled so far: key "asn|org" (or the address). */
struct anon_state {
	struct hmap labels;	/* key -> int: category index + 1 in high bits, letter */
	int *next;		/* [ncat + 1] the next letter of each category */
};

static void letters(int n, char *buf, size_t len)
{
	char tmp[8];
	int i = 0;

	do {	/* A … Z, AA, AB … as spreadsheets count */
		tmp[i++] = (char)('A' + n % 26);
		n = n / 26 - 1;
	} while (n >= 0 && i < 7);
	for (int k = 0; k < i && (size_t)k + 1 < len; k++)
		buf[k] = tmp[i - 1 - k];
	buf[(size_t)i < len ? (size_t)i : len - 1] = '\0';
}

bool victim_label(struct build *b, const struct bs_source *s, char *buf, size_t len)
{
	const struct categories *cats = b->o->categories;
	const struct category *cat;
	struct anon_state *a;
	char key[320], let[8];
	int *slot, ci, created;

	if (!b->o->anonymize)
		return false;
	if (!b->anon) {
		a = b->anon = xcalloc(1, sizeof(*a));
		hmap_init_strings(&a->labels, sizeof(int));
		a->next = xcalloc((size_t)(cats ? cats->ncat : 0) + 1, sizeof(int));
	}
	a = b->anon;
	if (s->asn || s->as_org[0])
		snprintf(key, sizeof(key), "%llu|%s", (unsigned long long)s->asn, s->as_org);
	else
		snprintf(key, sizeof(key), "|%s", s->ip);
	cat = categories_find(cats, s->asn, s->ip);
	ci = cat ? cat->index + 1 : 0;
	slot = hmap_insert(&a->labels, key, &created);
	if (created)
		*slot = ci << 16 | a->next[ci]++;
	letters(*slot & 0xFFFF, let, sizeof(let));
	ci = *slot >> 16;
	cat = NULL;
	for (int i = 0; cats && ci && i < cats->n && !cat; i++)
		if (cats->v[i].index + 1 == ci)
			cat = &cats->v[i];
	if (cat)
		snprintf(buf, len, "%s%s%s", b->d->lang == LANG_JA ? cat->ja : cat->en,
			 b->d->lang == LANG_JA ? "" : " ", let);
	else
		snprintf(buf, len, TR(b, "Organisation %s", "組織%s"), let);
	return true;
}

void anonymize_free(struct build *b)
{
	struct anon_state *a = b->anon;

	if (!a)
		return;
	hmap_free(&a->labels);
	free(a->next);
	free(a);
	b->anon = NULL;
}
