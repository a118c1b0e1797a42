// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* synth's fixed world (world.h). */
#include <stdio.h>
#include <string.h>
#include "telescope.h"
#include "common/contract.h"
#include "synth/rng.h"
#include "synth/world.h"

_Static_assert(SYNTH_NCOUNTRIES == 31, "world.h counts the countries below");

const struct country_w countries[SYNTH_NCOUNTRIES] = {
	{ "US", 16, "Example, \"US\" Hosting" }, { "CN", 14, "Example CN Backbone" },
	{ "NL", 9, "=Research Scanner NL" }, { "RU", 8, "Example RU Telecom" },
	{ "DE", 5, "Example DE Cloud" }, { "GB", 5, "Example GB Hosting" },
	{ "JP", 4, "Example JP Net" }, { "KR", 3.5, "Example KR Telecom" },
	{ "TW", 3, "Example TW Broadband" }, { "BG", 3, "Example BG Hosting" },
	{ "IN", 3, "Example IN Mobile" }, { "BR", 3, "Example BR Telecom" },
	{ "VN", 2.5, "Example VN Net" }, { "FR", 2.5, "Example FR Cloud" },
	{ "HK", 2, "Example HK Data" }, { "SG", 1.5, "Example SG Cloud" },
	{ "RO", 1.5, "Example RO Hosting" }, { "IR", 1.5, "Example IR Telecom" },
	{ "UA", 1.2, "Example UA Net" }, { "ID", 1.2, "Example ID Mobile" },
	{ "TR", 1, "Example TR Telecom" }, { "IT", 1, "Example IT Net" },
	{ "CA", 1, "Example CA Cloud" }, { "TH", 0.8, "Example TH Net" },
	{ "PL", 0.8, "Example PL Hosting" }, { "AR", 0.6, "Example AR Telecom" },
	{ "MX", 0.6, "Example MX Net" }, { "ZA", 0.5, "Example ZA Net" },
	{ "EG", 0.5, "Example EG Telecom" }, { "PK", 0.5, "Example PK Net" },
	{ COUNTRY_UNKNOWN, 0.5, "" },
};

int country_index(const char *cc)
{
	for (int i = 0; i < SYNTH_NCOUNTRIES; i++)
		if (!strcmp(countries[i].cc, cc))
			return i;
	return SYNTH_NCOUNTRIES - 1;
}

/* Backscatter victims: a general pool and two bursts (seed 000). */
static const char *const victim_cc[] = {
	"US", "US", "US", "CN", "CN", "JP", "JP", "DE", "NL", "TW", "KR", "GB", "FR",
	"BR", "RU", "IN", "US", "CN", "SG", "HK",
};
static const char *const victim_kind[] = { "Cloud", "Portal", "Bank, Ltd.", "CDN", "Shop", "Media" };

void victim(uint64_t seed, int i, struct victim *v)
{
	struct rng r = rng_for(seed, 0xB5, (uint64_t)i, 0);
	double u;

	if (i < VICTIMS_GENERAL)
		v->country = country_index(
			victim_cc[rng_next(&r) % (sizeof(victim_cc) / sizeof(victim_cc[0]))]);
	else
		v->country = country_index(i < VICTIMS_GENERAL + VICTIMS_JP ? "JP" : "TW");
	v->ip = VICTIM_IP(i);
	v->asn = 64512 + (uint32_t)(i / 2);
	snprintf(v->org, sizeof(v->org), "Example %s %c%d",
		 victim_kind[(i / 2) % (sizeof(victim_kind) / sizeof(victim_kind[0]))],
		 'A' + (i / 2) % 26, i / 52);
	u = rng_uniform(&r);
	v->proto = 6;
	v->kind = TS_BS_SYNACK;
	if (i >= VICTIMS_GENERAL || u < 0.6)
		v->src_port = 443;
	else if (u < 0.8)
		v->src_port = 80;
	else if (u < 0.88)
		v->src_port = 22, v->kind = TS_BS_RSTACK;
	else if (u < 0.94)
		v->src_port = 25, v->kind = TS_BS_RST;
	else
		v->proto = 1, v->src_port = 0, v->kind = TS_BS_ICMP_UNREACH;
}

bool victim_address(uint32_t ip)
{
	uint32_t from = VICTIM_IP(0);

	return ip >= from && (ip - from) % 7 == 0 && (ip - from) / 7 < NVICTIMS;
}

/* Built-in fingerprints by their bit; rules of rules/default.rules and
 * the list by name. */
static const struct {
	int builtin;	/* enum ts_tag_bit, or -1 */
	const char *name;
} synth_tags[NTAGS] = {
	[TAG_MIRAI] = { TS_TAG_MIRAI, NULL },
	[TAG_ZMAP] = { TS_TAG_ZMAP, NULL },
	[TAG_MASSCAN] = { TS_TAG_MASSCAN, NULL },
	[TAG_NMAP_SYN] = { TS_TAG_NMAP_SYN, NULL },
	[TAG_SIP_OPTIONS] = { TS_TAG_SIP_OPTIONS, NULL },
	[TAG_SIP_FRIENDLY] = { TS_TAG_SIP_FRIENDLY, NULL },
	[TAG_SSDP] = { -1, "ssdp_msearch" },
	[TAG_UDP_0X31] = { -1, "udp_0x31" },
	[TAG_RESEARCH] = { -1, TAG_LIST_PREFIX "research-scanner" },
};

const char *tag_name(int t)
{
	return synth_tags[t].name ? synth_tags[t].name : builtin_tag_name(synth_tags[t].builtin);
}
