// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The sensor's classification in user space (usercount.h). */
#define _GNU_SOURCE
#include "usercount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "parse.h"
#include "sensor/snapshot.h" /* the wide flow key user space counts by */

#define FLOW_SLOTS (1u << 21)   /* 1M flows at under half load */
#define BS_SLOTS (1u << 17)     /* the sensor's 65536 backscatter keys, x2 */
#define TAG_SLOTS (1u << 21)    /* tagged keys: as many as flows */



static int otable_init(struct otable *t, uint32_t slots, size_t key_size,
		       size_t val_size)
{
	t->key_size = key_size;
	t->slot_size = (key_size + 8 + val_size + 7) & ~(size_t)7;
	t->mask = slots - 1;
	t->used = 0;
	t->slots = malloc(t->slot_size * slots);
	return t->slots ? 0 : -1;
}

static void otable_clear(struct otable *t)
{
	memset(t->slots, 0, t->slot_size * (t->mask + 1));
	t->used = 0;
}

/* A 64-bit mix of the key's words (the kernel hashes with jhash). */
static uint64_t hash_words(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (w = 0; i < len; i++)
		w = (w << 8) | p[i];
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

/* The value of `key`, created zeroed if new; NULL when the table is full. */
static void *otable_upsert(struct otable *t, const void *key)
{
	uint32_t i = (uint32_t)hash_words(key, t->key_size) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		uint8_t *slot = t->slots + (size_t)i * t->slot_size;
		uint8_t *used = slot + t->key_size;

		if (!*used) {
			if (t->used >= (t->mask + 1) / 2)
				return NULL;
			*used = 1;
			memcpy(slot, key, t->key_size);
			t->used++;
			return slot + ((t->key_size + 8) & ~(size_t)7);
		}
		if (!memcmp(slot, key, t->key_size))
			return slot + ((t->key_size + 8) & ~(size_t)7);
	}
}



static int port_proto(uint8_t proto)
{
	switch (proto) {
	case TS_IPPROTO_TCP: return PORT_TCP;
	case TS_IPPROTO_UDP: return PORT_UDP;
	case TS_IPPROTO_ICMP: return PORT_ICMP;
	case TS_IPPROTO_ICMPV6: return PORT_ICMPV6;
	default: return PORT_OTHER;
	}
}

/* What packet_tags() in bpf/classifier.bpf.h finds, without address lists. */
static uint64_t packet_tags(const struct tables *t, const struct ts_pkt *pkt,
			    const uint8_t *data, uint32_t len)
{
	uint64_t tags = ts_fingerprint(pkt);
	const uint8_t *payload = data + pkt->payload_off;
	size_t plen = pkt->payload_len, i;

	if (pkt->payload_off + plen > len)
		plen = pkt->payload_off < len ? len - pkt->payload_off : 0;
	if ((tags & (1ULL << TS_TAG_SIP_OPTIONS)) &&
	    memmem(payload, plen < TS_SIP_SCAN_LEN ? plen : TS_SIP_SCAN_LEN,
		   TS_SIP_UA, TS_SIP_UA_LEN))
		tags |= 1ULL << TS_TAG_SIP_FRIENDLY;
	if (!plen || pkt->fragment ||
	    (pkt->proto != TS_IPPROTO_TCP && pkt->proto != TS_IPPROTO_UDP))
		return tags;
	for (i = 0; i < t->nrules; i++) {
		const struct tag_rule *r = &t->rules[i];

		if (r->proto != pkt->proto || (!r->any_port && r->port != pkt->port) ||
		    (size_t)r->offset + r->len > plen)
			continue;
		if (!memcmp(payload + r->offset, r->bytes, r->len))
			tags |= 1ULL << ((TS_TAG_BUILTIN_COUNT + i) & 63);
	}
	return tags;
}

/* What count_ip() and count_tags() in bpf/classifier.bpf.h do, plus ports. */
void count_packet(struct tables *t, const uint8_t *data, uint32_t len)
{
	struct ts_totals *tot = &t->totals;
	struct ts_flow_key fk;
	struct port_counts *pc;
	struct ts_counts *c;
	struct ts_pkt pkt;
	uint64_t tags;

	switch (ts_parse(&pkt, data, data + len)) {
	case TS_IP:
		break;
	case TS_MALFORMED:
		tot->malformed++;
		return;
	default:
		tot->non_ip++;
		return;
	}
	tot->packets++;
	tot->bytes += pkt.ip_len;
	tot->mirai += pkt.mirai;
	tot->fragments += pkt.fragment;
	tot->quote_mismatch += pkt.quote_mismatch;

	memset(&fk, 0, sizeof(fk));
	memcpy(fk.addr, pkt.src, 16);
	fk.family = pkt.family;
	fk.proto = pkt.proto;
	fk.port = pkt.port;
	c = otable_upsert(&t->flows, &fk);
	if (c) {
		c->packets++;
		c->bytes += pkt.ip_len;
		c->mirai += pkt.mirai;
	} else {
		tot->overflow++;
	}
	pc = &t->ports[port_proto(pkt.proto)][pkt.port];
	pc->packets++;
	pc->bytes += pkt.ip_len;
	pc->mirai += pkt.mirai;

	if (pkt.bs_kind) {
		struct ts_bs_key bk;
		uint64_t *n;

		memset(&bk, 0, sizeof(bk));
		memcpy(bk.addr, pkt.src, 16);
		bk.family = pkt.family;
		bk.proto = pkt.proto;
		bk.src_port = pkt.bs_port;
		bk.kind = pkt.bs_kind;
		tot->backscatter++;
		n = otable_upsert(&t->bs, &bk);
		if (n)
			(*n)++;
		else
			tot->bs_overflow++;
	}

	tags = packet_tags(t, &pkt, data, len);
	if (tags) {
		struct ts_tag_key tk;
		uint64_t *n;

		memset(&tk, 0, sizeof(tk));
		memcpy(tk.addr, pkt.src, 16);
		tk.family = pkt.family;
		tk.proto = pkt.proto;
		tk.port = pkt.port;
		tk.tags = tags;
		tot->tagged++;
		n = otable_upsert(&t->tagged, &tk);
		if (n)
			(*n)++;
		else
			tot->tag_overflow++;
	}
}

void clear_tables(struct tables *t)
{
	otable_clear(&t->flows);
	otable_clear(&t->bs);
	otable_clear(&t->tagged);
	memset(t->ports, 0, sizeof(*t->ports) * PORT_PROTOS);
	memset(&t->totals, 0, sizeof(t->totals));
}

int tables_init(struct tables *t)
{
	char err[256];

	memset(t, 0, sizeof(*t));
	t->ports = malloc(sizeof(*t->ports) * PORT_PROTOS);
	if (!t->ports ||
	    otable_init(&t->flows, FLOW_SLOTS, sizeof(struct ts_flow_key),
			sizeof(struct ts_counts)) ||
	    otable_init(&t->bs, BS_SLOTS, sizeof(struct ts_bs_key), sizeof(uint64_t)) ||
	    otable_init(&t->tagged, TAG_SLOTS, sizeof(struct ts_tag_key),
			sizeof(uint64_t))) {
		fprintf(stderr, "out of memory for the count tables\n");
		return -1;
	}
	if (rules_load(DEFAULT_RULES, &t->rules, &t->nrules, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	clear_tables(t);
	return 0;
}

void tables_free(struct tables *t)
{
	free(t->flows.slots);
	free(t->bs.slots);
	free(t->tagged.slots);
	free(t->ports);
	free(t->rules);
}
