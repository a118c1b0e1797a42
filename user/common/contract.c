// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "telescope.h"
#include "common/contract.h"

const char *const series_name[S_COUNT] = {
	[S_TOTALS] = "totals",
	[S_PORTS] = "ports",
	[S_COUNTRIES] = "countries",
	[S_PORT_COUNTRIES] = "port_countries",
	[S_SOURCES] = "sources",
	[S_BACKSCATTER] = "backscatter",
	[S_TAGS] = "tags",
};

static const struct {
	uint8_t number;
	const char *name;
} protos[] = { { 6, "tcp" }, { 17, "udp" }, { 1, "icmp" }, { 58, "icmpv6" } };

const char *proto_name(uint8_t proto, char buf[4])
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].number == proto)
			return protos[i].name;
	snprintf(buf, 4, "%u", proto);
	return buf;
}

int proto_parse(const char *s)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcasecmp(s, protos[i].name))
			return protos[i].number;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	return *end || v > 255 ? -1 : (int)v;
}

static const char *const kind_names[TS_BS_KIND_COUNT] = {
	[TS_BS_NONE] = "none",
	[TS_BS_SYNACK] = "synack",
	[TS_BS_RST] = "rst",
	[TS_BS_RSTACK] = "rstack",
	[TS_BS_ICMP_ECHO_REPLY] = "icmp_echo_reply",
	[TS_BS_ICMP_UNREACH] = "icmp_unreach",
	[TS_BS_ICMP_QUENCH] = "icmp_quench",
	[TS_BS_ICMP_REDIRECT] = "icmp_redirect",
	[TS_BS_ICMP_TIME_EXCEEDED] = "icmp_time_exceeded",
	[TS_BS_ICMP_PARAM] = "icmp_param",
	[TS_BS_ICMP_REPLY] = "icmp_reply",
	[TS_BS_ICMP6_ECHO_REPLY] = "icmp6_echo_reply",
	[TS_BS_ICMP6_UNREACH] = "icmp6_unreach",
	[TS_BS_ICMP6_TOO_BIG] = "icmp6_too_big",
	[TS_BS_ICMP6_TIME_EXCEEDED] = "icmp6_time_exceeded",
	[TS_BS_ICMP6_PARAM] = "icmp6_param",
};

const char *bs_kind_name(uint8_t kind)
{
	return kind < TS_BS_KIND_COUNT ? kind_names[kind] : "unknown";
}

static const char *const builtin_names[TS_TAG_BUILTIN_COUNT] = {
	[TS_TAG_MIRAI] = "mirai",
	[TS_TAG_ZMAP] = "zmap",
	[TS_TAG_MASSCAN] = "masscan",
	[TS_TAG_NMAP_SYN] = "nmap_syn",
	[TS_TAG_SYNFUL_KNOCK] = "synful_knock",
	[TS_TAG_SIP_OPTIONS] = "sip_options",
	[TS_TAG_SIP_FRIENDLY] = "sip_friendly_scanner",
};

const char *builtin_tag_name(int bit)
{
	return bit >= 0 && bit < TS_TAG_BUILTIN_COUNT ? builtin_names[bit] : NULL;
}

int builtin_tag_bit(const char *name)
{
	for (int b = 0; b < TS_TAG_BUILTIN_COUNT; b++)
		if (!strcmp(name, builtin_names[b]))
			return b;
	return -1;
}
