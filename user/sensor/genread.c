// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a quiescent generation whole into a snapshot: flows4's slots
 * in place (sensor/flows4.c), the hash maps a batch at a time.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "sensor/flows4.h"
#include "sensor/genread.h"

/* Flows in the form user space handles, into flows[]. */
struct flow_reader {
	struct flow_entry *flows;
	size_t n, cap;
};

static struct flow_entry *next_flow(struct flow_reader *r, __u8 family)
{
	struct flow_entry *f;

	r->flows = xgrow(r->flows, &r->cap, r->n + 1, sizeof(*r->flows), MAP_BATCH);
	f = &r->flows[r->n++];
	memset(&f->key, 0, sizeof(f->key));
	f->key.family = family;
	return f;
}

/* A batch of flows6: IPv6 flows, and IPv4 ones that found no slot in flows4. */
static void take_flows6(const char *keys, const char *vals, __u32 count, void *arg)
{
	const struct ts_flow6_key *k6 = (const struct ts_flow6_key *)keys;
	const struct ts_flow_val *v = (const struct ts_flow_val *)vals;

	for (__u32 i = 0; i < count; i++, k6++, v++) {
		bool v4 = k6->pad == TS_FAMILY_IPV4;
		struct flow_entry *f = next_flow(arg, v4 ? TS_FAMILY_IPV4 : TS_FAMILY_IPV6);

		memcpy(f->key.addr, k6->addr, v4 ? 4 : 16);
		f->key.proto = k6->proto;
		f->key.port = k6->port;
		ts_flow_counts(v, &f->val);
	}
}

/* The claimed slots of generation g's flows4, in slot order. */
static int read_flows4(const struct sensor_maps *m, int g, struct flow_reader *r)
{
	struct flows4_view t;

	if (flows4_open(m->gen[g][GM_FLOWS4], false, &t))
		return -1;
	for (size_t i = 0; i < t.slots; i++) {
		const struct ts_flow4_slot *s = &t.slot[i];
		struct flow_entry *f;

		if (!flows4_claimed(s))
			continue;
		f = next_flow(r, TS_FAMILY_IPV4);
		memcpy(f->key.addr, s->key.addr, sizeof(s->key.addr));
		f->key.proto = s->key.proto;
		f->key.port = s->key.port;
		ts_flow_counts(&s->val, &f->val);
	}
	flows4_close(&t);
	return 0;
}

/*
 * snap->flows: every claimed slot of generation g's flows4, then every
 * entry of its flows6 (in the order of one walk of it).
 */
static int flows_read(const struct sensor_maps *m, int g, struct snapshot *snap)
{
	long held = flows_held(m, g);
	struct flow_reader r = { 0 };
	int err;

	/* the array made its size at once, not grown through a million entries */
	if (held > 0) {
		r.cap = (size_t)held;
		r.flows = xmalloc(r.cap * sizeof(*r.flows));
	}
	/* no room taken: no slot claimed (and a table not mapped yet is not touched) */
	err = held ? read_flows4(m, g, &r) : 0;
	snap->nflows4 = r.n;
	if (!err)
		err = map_walk(m->gen[g][GM_FLOWS6], sizeof(struct ts_flow6_key),
			       sizeof(struct ts_flow_val), 0, 0, take_flows6, &r);
	if (!err && held >= 0 && r.n != (size_t)held)
		pr_debug("read %zu flows, the room says %ld", r.n, held);
	snap->flows = r.flows;
	snap->nflows = err ? 0 : r.n;
	return err ? -1 : 0;
}

/* Records of {key at 0, value at voff}, rec bytes each. */
struct records {
	size_t ksz, vsz, rec, voff;
	char *recs;
	size_t cap, len;
};

static void take_records(const char *keys, const char *vals, __u32 count, void *arg)
{
	struct records *r = arg;

	r->recs = xgrow(r->recs, &r->cap, r->len + count, r->rec, MAP_BATCH);
	for (__u32 i = 0; i < count; i++) {
		memcpy(r->recs + (r->len + i) * r->rec, keys + i * r->ksz, r->ksz);
		memcpy(r->recs + (r->len + i) * r->rec + r->voff, vals + i * r->vsz,
		       r->vsz);
	}
	r->len += count;
}

/*
 * Read a whole hash map into an array of {key, value} records of
 * `rec` bytes (key at offset 0, value at `voff`).
 */
static int read_hash(int fd, size_t ksz, size_t vsz, size_t rec, size_t voff,
		     void **out, size_t *n)
{
	struct records r = { .ksz = ksz, .vsz = vsz, .rec = rec, .voff = voff };
	int err = map_walk(fd, ksz, vsz, 0, 0, take_records, &r);

	if (err) {
		free(r.recs);
		r.recs = NULL;
		r.len = 0;
	}
	*out = r.recs;
	*n = r.len;
	return err;
}

#define READ_HASH(fd, type, keyf, valf, out, n)                              \
	read_hash(fd, sizeof(((type *)0)->keyf), sizeof(((type *)0)->valf),    \
		  sizeof(type), offsetof(type, valf), (void **)(out), n)

int gen_read(const struct sensor_maps *m, int g, struct snapshot *snap)
{
	struct ts_ctl ctl;

	memset(snap, 0, sizeof(*snap));
	if (ctl_read(m, &ctl))
		return -1;
	snap->since = ctl.since[g];
	if (totals_read(m->gen[g][GM_TOTALS], &snap->totals) ||
	    flows_read(m, g, snap) ||
	    READ_HASH(m->gen[g][GM_OVPORTS], struct port_entry, key, val,
		      &snap->ovports, &snap->novports) ||
	    READ_HASH(m->gen[g][GM_BSCAT], struct bs_entry, key, packets,
		      &snap->bs, &snap->nbs) ||
	    READ_HASH(m->gen[g][GM_TAGGED], struct tag_entry, key, packets,
		      &snap->tags, &snap->ntags) ||
	    READ_HASH(m->gen[g][GM_TAGOV], struct tagov_entry, key, packets,
		      &snap->tagov, &snap->ntagov)) {
		snapshot_free(snap);
		return -1;
	}
	return 0;
}

