// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>
#include "sensor/snapshot.h"

void totals_add(struct ts_totals *a, const struct ts_totals *b)
{
	__u64 *x = (__u64 *)a;
	const __u64 *y = (const __u64 *)b;

	for (size_t i = 0; i < sizeof(*a) / sizeof(__u64); i++)
		x[i] += y[i];
}

void ts_flow_counts(const struct ts_flow_val *v, struct ts_counts *c)
{
	const __u64 low40 = (1ULL << TS_PB_PKT_SHIFT) - 1, low32 = 0xffffffffULL;

	c->packets = ((__u64)v->carry[TS_CARRY_PACKETS] << 23) +
		     (v->pb >> TS_PB_PKT_SHIFT);
	c->bytes = ((__u64)v->carry[TS_CARRY_BYTES] << 39) + (v->pb & low40);
	c->tagged = ((__u64)v->carry[TS_CARRY_TAGGED] << 31) + (v->marks & low32);
	c->mirai = ((__u64)v->carry[TS_CARRY_MIRAI] << 31) +
		   (v->marks >> TS_MARK_MIRAI_SHIFT);
	c->tags = v->tags;
}

int snapshot_empty(const struct snapshot *snap)
{
	static const struct ts_totals zero;

	return !snap->nflows && !snap->novports && !snap->nbs && !snap->ntags &&
	       !snap->ntagov && !memcmp(&snap->totals, &zero, sizeof(zero));
}

static void add_bits(__u64 per_bit[TS_TAG_MAX], __u64 tags, __u64 packets)
{
	for (int b = 0; tags; b++, tags >>= 1)
		if (tags & 1)
			per_bit[b] += packets;
}

void snapshot_tag_packets(const struct snapshot *snap, __u64 per_bit[TS_TAG_MAX])
{
	for (size_t i = 0; i < snap->nflows; i++)
		add_bits(per_bit, snap->flows[i].val.tags, snap->flows[i].val.tagged);
	for (size_t i = 0; i < snap->ntags; i++)
		add_bits(per_bit, snap->tags[i].key.tags, snap->tags[i].packets);
	for (size_t i = 0; i < snap->ntagov; i++)
		add_bits(per_bit, snap->tagov[i].key.tags, snap->tagov[i].packets);
}

void snapshot_free(struct snapshot *snap)
{
	free(snap->flows);
	free(snap->ovports);
	free(snap->bs);
	free(snap->tags);
	free(snap->tagov);
	memset(snap, 0, sizeof(*snap));
}
