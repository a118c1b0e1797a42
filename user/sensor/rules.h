/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Operator-supplied tags: payload rules (--rules FILE) and labelled
 * address lists (--label-list FILE), parsed and checked here, and the
 * stable assignment of tag names to the 64 bits of a packet's tag mask.
 */
#ifndef TS_TAGS_H
#define TS_TAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "telescope.h"
#include "common/contract.h"

#define TAG_NAME_MAX 32 /* including the NUL */

struct tag_rule {
	char tag[TAG_NAME_MAX];
	__u8 proto;     /* 6 or 17 */
	bool any_port;
	__u16 port;
	__u16 offset;   /* into the L4 payload */
	__u8 len;       /* 1 … TS_RULE_BYTES */
	__u8 bytes[TS_RULE_BYTES];
	int line;       /* for messages */
};

struct label_net {
	__u8 family;    /* TS_FAMILY_* */
	__u8 prefixlen; /* of the address family */
	__u8 addr[16];  /* host bits cleared */
	char tag[TAG_NAME_MAX]; /* "list:<label>" */
};

/* Names of the 64 tag bits ("" = free); the first ones are built in. */
struct tag_names {
	char name[TS_TAG_MAX][TAG_NAME_MAX];
};

/* The built-in names (common/contract.h) in their bits, the rest free. */
void tag_names_init(struct tag_names *t);

/*
 * Bit of `name`, allocating a free one if it has none yet: a name keeps
 * its bit across reloads, so counts per tag stay comparable. -1 if all
 * 64 bits are taken.
 */
int tag_bit(struct tag_names *t, const char *name);

/*
 * Parse a rules file. On error returns -1 with "FILE:LINE: reason" in err.
 * *rules is malloc()ed; free() it.
 */
int rules_load(const char *path, struct tag_rule **rules, size_t *n,
	       char *err, size_t errlen);

/* Parse one labelled list (lines "CIDR,label"); appends to *nets. */
int labels_load(const char *path, struct label_net **nets, size_t *n,
		char *err, size_t errlen);

/*
 * The trie key of a listed prefix. For the lists an IPv4 address is the
 * IPv6 address ::ffff:a.b.c.d, as the kernel looks it up, so
 * 203.0.113.0/24 is ::ffff:203.0.113.0/120 (docs/tags.md).
 */
void label_key(const struct label_net *net, struct ts_label_key *k);

/*
 * The LPM entries for a set of labelled networks: the value of each
 * prefix is the union of the tags of every listed prefix that contains
 * it, since an LPM lookup finds only the longest match. Prefixes are
 * compared in trie form (label_key()), so the two families nest: a
 * prefix written both ways is one prefix with the labels of both, and
 * an IPv6 prefix that contains ::ffff:0:0/96 contains every IPv4 one.
 * masks[i] belongs to nets[i]. Returns -1 if a tag needs a bit and none
 * is free.
 */
int labels_masks(const struct label_net *nets, size_t n, struct tag_names *t,
		 __u64 *masks, char *err, size_t errlen);

#endif
