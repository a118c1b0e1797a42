// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The victims' categories of --categories FILE (report/categories.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/number.h"
#include "lib/text.h"
#include "report/categories.h"
#include "report/csvfile.h"

static bool parse_match(struct category *c, const char *s)
{
	char buf[64], *bits;
	uint64_t v;

	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		return parse_uint(s + 2, 1, UINT32_MAX, &c->asn);
	if (!text_split(s, '/', buf, sizeof(buf), &bits))
		return false;
	c->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(c->family, buf, c->addr) != 1 ||
	    !parse_uint(bits, 0, c->family == AF_INET ? 32 : 128, &v))
		return false;
	c->bits = (int)v;
	return true;
}

static bool on_line(void *ctx, char **f, int n, const char *path, unsigned long line)
{
	struct categories *cs = ctx;
	struct category c = { 0 };

	if (n == 3 && line == 1 && !strcmp(f[0], "match"))
		return true;	/* header */
	if (n != 3 || !parse_match(&c, f[0]) || !*f[1] || !*f[2]) {
		pr_err("report: %s:%lu: want AS<number> or an address prefix, then the category in "
		       "English and in Japanese", path, line);
		return false;
	}
	c.en = text_clean_dup(f[1]);
	c.ja = text_clean_dup(f[2]);
	c.index = cs->ncat;
	for (int i = 0; i < cs->n; i++)
		if (!strcmp(cs->v[i].en, c.en) && !strcmp(cs->v[i].ja, c.ja)) {
			c.index = cs->v[i].index;
			break;
		}
	cs->ncat += c.index == cs->ncat;
	XGROW(cs->v, cs->cap, cs->n + 1, 16);
	cs->v[cs->n++] = c;
	return true;
}

bool categories_load(struct categories *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	return csvfile_each(path, "--categories", 4, on_line, c);
}

void categories_free(struct categories *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->v[i].en);
		free(c->v[i].ja);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static bool in_prefix(const struct category *c, const unsigned char *a)
{
	int full = c->bits / 8, rest = c->bits % 8;

	if (memcmp(c->addr, a, (size_t)full))
		return false;
	return !rest || ((c->addr[full] ^ a[full]) & (0xFF << (8 - rest))) == 0;
}

const struct category *categories_find(const struct categories *c, uint64_t asn, const char *ip)
{
	const struct category *best = NULL;
	unsigned char a[16];
	int family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	bool have = inet_pton(family, ip, a) == 1;

	for (int i = 0; c && i < c->n; i++)
		if (c->v[i].asn && c->v[i].asn == asn)
			return &c->v[i];
	for (int i = 0; c && have && i < c->n; i++)
		if (!c->v[i].asn && c->v[i].family == family && in_prefix(&c->v[i], a) &&
		    (!best || c->v[i].bits > best->bits))
			best = &c->v[i];
	return best;
}
