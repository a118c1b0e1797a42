/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Names people read instead of codes: countries (English, Japanese) and
 * services on ports ("23/TCP (telnet)").
 */
#ifndef TS_REPORT_NAMES_H
#define TS_REPORT_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "report/report.h"

/* Two-letter codes map to slots 0..675 ("AA".."ZZ") for flat arrays. */
#define CC_SLOTS 676
#define CC_UNKNOWN (CC_SLOTS - 1) /* ZZ */

struct country_name {
	const char *code;
	const char *en;
	const char *ja;
};

extern const struct country_name report_countries[];
extern const int report_n_countries;

/* "JP" / "jp" -> slot, or -1 when not two letters. */
int cc_slot(const char *code);
void cc_code(int slot, char out[3]);
/* Whether the ISO 3166-1 table has the slot's code. */
bool cc_known(int slot);
/* The name in lang; the code itself for a code the table lacks. */
const char *country_name(int slot, enum rpt_lang lang);

/* "TCP", "UDP", "ICMP", "ICMPv6", else the number. */
void proto_label(uint8_t proto, char *buf, size_t len);
/* The /etc/services name of a TCP/UDP port, or NULL. */
const char *service_name(uint8_t proto, uint16_t port);
/* "23/TCP (telnet)", "1433/TCP (ms-sql-s)", "8/ICMP". */
void port_label(uint8_t proto, uint16_t port, enum rpt_lang lang, char *buf, size_t len);
/* "23/tcp", "8/icmp": a port in report CSV and --port. */
void port_csv(uint8_t proto, uint16_t port, char *buf, size_t len);

/* What a tag of tags.csv is: "fingerprint" (built in), "list" (list:LABEL)
 * or "rule" (a payload rule's name). */
const char *tag_kind(const char *tag);
/* How the report names a tag: fingerprints as a type ("Mirai-type",
 * "Mirai型": they have false positives), "listed: LABEL", rules as named. */
void tag_label(const char *tag, enum rpt_lang lang, char *buf, size_t len);

#endif
