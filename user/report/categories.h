/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --categories FILE: the operator's map from victims to the categories
 * the published tables name them by (seed 000: クラウド事業者A, 政府系サイトA).
 * One record a line, `match,english,japanese`: match is an AS number
 * (`AS64512`) or an address prefix (`198.51.100.0/24`, `2001:db8::/32`).
 */
#ifndef TS_REPORT_CATEGORIES_H
#define TS_REPORT_CATEGORIES_H

#include <stdbool.h>
#include <stdint.h>

struct category {
	uint64_t asn;		/* 0: a prefix */
	int family;		/* AF_INET, AF_INET6 for prefixes */
	unsigned char addr[16];
	int bits;
	char *en, *ja;
	int index;		/* the category's number: same names, same number */
};

struct categories {
	struct category *v;
	int n;
	size_t cap;
	int ncat;		/* distinct (en, ja) names */
};

/* False (one line on stderr, FILE:LINE) when the file is unreadable or a
 * line is not `match,english,japanese`. */
bool categories_load(struct categories *c, const char *path);
void categories_free(struct categories *c);
/* The category of a victim: its AS number first, else the longest prefix
 * holding its address; NULL when none. */
const struct category *categories_find(const struct categories *c, uint64_t asn, const char *ip);

#endif
