/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * synth's fixed world: the source countries with their weights and AS
 * organisations, the victims whose backscatter reaches the sensors, and
 * the tags packets can carry. The traffic (model.c) draws from it; the
 * rows (emit.c) name what it holds.
 */
#ifndef TS_SYNTH_WORLD_H
#define TS_SYNTH_WORLD_H

#include <stdbool.h>
#include <stdint.h>

struct country_w {
	const char *cc;
	double weight;
	const char *org;
};

/* The last one is the unknown country (ZZ, no ASN). */
#define SYNTH_NCOUNTRIES 31
extern const struct country_w countries[SYNTH_NCOUNTRIES];
/* Index of a country code (the unknown one when it is not listed). */
int country_index(const char *cc);

/* Backscatter victims: a general pool, then the JP and TW bursts (seed 000). */
#define VICTIMS_GENERAL 300
#define VICTIMS_JP 24
#define VICTIMS_TW 24
#define NVICTIMS (VICTIMS_GENERAL + VICTIMS_JP + VICTIMS_TW)

struct victim {
	int country;
	uint32_t ip;
	uint32_t asn;
	char org[48];
	uint8_t proto;
	uint16_t src_port;
	uint8_t kind;	/* enum ts_bs_kind */
};

/* Victim i: where it is, its address, AS and service. */
void victim(uint64_t seed, int i, struct victim *v);
/* Victim i's address: every 7th from 198.19.128.1 (inside one
 * country's pool of scanning sources, model.c). */
#define VICTIM_IP(i) ((198u << 24) | (19u << 16) | (uint32_t)(128 * 256 + (i) * 7 + 1))
/* Is ip a victim's? */
bool victim_address(uint32_t ip);

/* Tags as the sensor names them in tags.csv (docs/tags.md). */
enum {
	TAG_MIRAI, TAG_ZMAP, TAG_MASSCAN, TAG_NMAP_SYN, TAG_SIP_OPTIONS,
	TAG_SIP_FRIENDLY, TAG_SSDP, TAG_UDP_0X31, TAG_RESEARCH, NTAGS
};
#define TAG(t) (1u << (t))

/* The name tags.csv gives tag t. */
const char *tag_name(int t);

#endif
