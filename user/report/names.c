// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Country and service names. Services come from /etc/services (the IANA
 * registry as the system ships it) through getservbyport(), cached because
 * each lookup may scan the file.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "telescope.h"
#include "report/names.h"

int cc_slot(const char *code)
{
	int a, b;

	if (!code || !code[0] || !code[1] || code[2])
		return -1;
	a = (code[0] | 0x20) - 'a';
	b = (code[1] | 0x20) - 'a';
	if (a < 0 || a > 25 || b < 0 || b > 25)
		return -1;
	return a * 26 + b;
}

void cc_code(int slot, char out[3])
{
	out[0] = (char)('A' + slot / 26);
	out[1] = (char)('A' + slot % 26);
	out[2] = '\0';
}

/* The ISO 3166-1 entry of a slot, or NULL. */
static const struct country_name *country_entry(int slot)
{
	static const struct country_name *by_slot[CC_SLOTS];
	static int ready;

	if (!ready) {
		for (int i = 0; i < report_n_countries; i++)
			by_slot[cc_slot(report_countries[i].code)] = &report_countries[i];
		ready = 1;
	}
	return slot >= 0 && slot < CC_SLOTS ? by_slot[slot] : NULL;
}

bool cc_known(int slot)
{
	return country_entry(slot) != NULL;
}

const char *country_name(int slot, enum rpt_lang lang)
{
	static char codes[CC_SLOTS][3];
	const struct country_name *c = country_entry(slot);

	if (slot < 0 || slot >= CC_SLOTS)
		return "?";
	if (!c) {
		cc_code(slot, codes[slot]);
		return codes[slot];
	}
	return lang == LANG_JA ? c->ja : c->en;
}

void proto_label(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 6: snprintf(buf, len, "TCP"); break;
	case 17: snprintf(buf, len, "UDP"); break;
	case 1: snprintf(buf, len, "ICMP"); break;
	case 58: snprintf(buf, len, "ICMPv6"); break;
	default: snprintf(buf, len, "proto %u", proto); break;
	}
}

struct service_cache {
	uint32_t key;
	char *name; /* "" when /etc/services has none */
};

const char *service_name(uint8_t proto, uint16_t port)
{
	static struct service_cache cache[256];
	static int used;
	uint32_t key = (uint32_t)proto << 16 | port;
	struct servent *se;

	if (proto != 6 && proto != 17)
		return NULL;
	for (int i = 0; i < used; i++)
		if (cache[i].key == key)
			return cache[i].name[0] ? cache[i].name : NULL;
	se = getservbyport(htons(port), proto == 6 ? "tcp" : "udp");
	if (used == (int)(sizeof(cache) / sizeof(cache[0])))
		return se ? se->s_name : NULL;
	cache[used].key = key;
	cache[used].name = strdup(se ? se->s_name : "");
	if (!cache[used].name)
		return NULL;
	return cache[used++].name[0] ? cache[used - 1].name : NULL;
}

/* ICMP and ICMPv6 types by what they are (RFC 792, RFC 4443), as the
 * seeds' tables name them ("ICMP" rows), not as a "port". */
static const char *icmp_type_name(uint8_t proto, uint16_t type, enum rpt_lang lang)
{
	static const struct { uint8_t proto; uint16_t type; const char *en, *ja; } names[] = {
		{ 1, 0, "echo reply", "エコー応答" },
		{ 1, 3, "destination unreachable", "到達不能" },
		{ 1, 5, "redirect", "リダイレクト" },
		{ 1, 8, "echo request", "エコー要求" },
		{ 1, 11, "time exceeded", "時間超過" },
		{ 1, 13, "timestamp request", "タイムスタンプ要求" },
		{ 1, 14, "timestamp reply", "タイムスタンプ応答" },
		{ 58, 1, "destination unreachable", "到達不能" },
		{ 58, 3, "time exceeded", "時間超過" },
		{ 58, 128, "echo request", "エコー要求" },
		{ 58, 129, "echo reply", "エコー応答" },
		{ 58, 135, "neighbour solicitation", "近隣要請" },
		{ 58, 136, "neighbour advertisement", "近隣広告" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].proto == proto && names[i].type == type)
			return lang == LANG_JA ? names[i].ja : names[i].en;
	return NULL;
}

void port_label(uint8_t proto, uint16_t port, enum rpt_lang lang, char *buf, size_t len)
{
	char p[16];
	const char *svc = service_name(proto, port);

	proto_label(proto, p, sizeof(p));
	if (proto == 1 || proto == 58) {
		const char *what = icmp_type_name(proto, port, lang);

		if (lang == LANG_JA)
			snprintf(buf, len, "%s%s（タイプ%u）", p, what ? what : "", port);
		else if (what)
			snprintf(buf, len, "%s %s (type %u)", p, what, port);
		else
			snprintf(buf, len, "%s type %u", p, port);
	} else if (proto != 6 && proto != 17) {
		snprintf(buf, len, "%s", p);
	} else if (svc) {
		snprintf(buf, len, "%u/%s (%s)", port, p, svc);
	} else {
		snprintf(buf, len, "%u/%s", port, p);
	}
}

void port_csv(uint8_t proto, uint16_t port, char *buf, size_t len)
{
	char num[4];

	snprintf(buf, len, "%u/%s", port, proto_name(proto, num));
}

struct fingerprint_name {
	const char *en, *ja;
};

/* The built-in fingerprints of docs/tags.md, named as a kind of sender,
 * never as proof of the tool (JPCERT/CC writes "Mirai型"). */
static const struct fingerprint_name fingerprints[TS_TAG_BUILTIN_COUNT] = {
	[TS_TAG_MIRAI] = { "Mirai-type", "Mirai型" },
	[TS_TAG_ZMAP] = { "ZMap-type", "ZMap型" },
	[TS_TAG_MASSCAN] = { "Masscan-type", "Masscan型" },
	[TS_TAG_NMAP_SYN] = { "Nmap SYN-type", "Nmap SYN型" },
	[TS_TAG_SYNFUL_KNOCK] = { "SYNful Knock-type", "SYNful Knock型" },
	[TS_TAG_SIP_OPTIONS] = { "SIP OPTIONS-type", "SIP OPTIONS型" },
	[TS_TAG_SIP_FRIENDLY] = { "SIPVicious-type (friendly-scanner)",
				  "SIPVicious型（friendly-scanner）" },
};

/* The label of a built-in tag (tags.csv names it as the contract does). */
static const struct fingerprint_name *fingerprint(const char *tag)
{
	int bit = builtin_tag_bit(tag);

	return bit >= 0 ? &fingerprints[bit] : NULL;
}

const char *tag_kind(const char *tag)
{
	if (fingerprint(tag))
		return "fingerprint";
	if (!strncmp(tag, TAG_LIST_PREFIX, strlen(TAG_LIST_PREFIX)))
		return "list";
	return "rule";
}

void tag_label(const char *tag, enum rpt_lang lang, char *buf, size_t len)
{
	const struct fingerprint_name *fp = fingerprint(tag);

	if (fp)
		snprintf(buf, len, "%s", lang == LANG_JA ? fp->ja : fp->en);
	else if (!strncmp(tag, TAG_LIST_PREFIX, strlen(TAG_LIST_PREFIX)))
		snprintf(buf, len, "%s%s", lang == LANG_JA ? "リスト掲載: " : "listed: ",
			 tag + strlen(TAG_LIST_PREFIX));
	else
		snprintf(buf, len, "%s", tag);
}
