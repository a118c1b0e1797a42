/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The CSV contract (docs/csv.md), defined once for the three programs
 * that speak it: `run` writes it, `report` reads it, `synth` imitates
 * it. Series and their headers, protocol, backscatter-kind and built-in
 * tag names, the unknown country. The kernel's numbering of kinds and
 * tag bits comes from include/telescope.h.
 */
#ifndef TS_CONTRACT_H
#define TS_CONTRACT_H

#include <stdint.h>

/* One file per series a day: DIR/YYYY-MM-DD/<series_name>.csv[.gz]. */
enum series {
	S_TOTALS,
	S_PORTS,
	S_COUNTRIES,
	S_PORT_COUNTRIES,
	S_SOURCES,
	S_BACKSCATTER,
	S_TAGS,
	S_COUNT,
};

extern const char *const series_name[S_COUNT];   /* file name without .csv */
/* The header row, no newline: the names of its columns (common/columns.c
 * makes them before main). */
extern const char *series_header[S_COUNT];

/* The `proto` column: "tcp", "udp", "icmp", "icmpv6", else the number. */
const char *proto_name(uint8_t proto, char buf[4]);
/* The reverse (names in any case, or a number 0-255); -1 if neither. */
int proto_parse(const char *s);

/* The backscatter `kind` of a kernel kind (enum ts_bs_kind). */
const char *bs_kind_name(uint8_t kind);

/* The `tag` of a built-in fingerprint bit (enum ts_tag_bit), or NULL. */
const char *builtin_tag_name(int bit);
/* Its bit, or -1 when name is no built-in tag. */
int builtin_tag_bit(const char *name);
/* Tags of labelled address lists are this prefix and the label. */
#define TAG_LIST_PREFIX "list:"

/* The `country` of a source no database places. */
#define COUNTRY_UNKNOWN "ZZ"

#endif
