// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a quiescent generation whole into a snapshot. Its flow maps'
 * million entries are the longest read of a drain, nearly all of it in
 * the kernel (a bucket lock and two copies per bucket), so the IPv4 map
 * is read by two threads, one from its first bucket and one from the
 * middle one.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "sensor/maps.h"

/* One family's flows, in the form user space handles, into flows[]. */
struct flow_reader {
	struct flow_entry *flows;
	size_t n, cap;
	size_t last; /* where the last batch began */
	size_t ksz;
	__u8 family;
};

static void take_flows(const char *keys, const char *vals, __u32 count, void *arg)
{
	struct flow_reader *r = arg;

	r->flows = xgrow(r->flows, &r->cap, r->n + count, sizeof(*r->flows), MAP_BATCH);
	r->last = r->n;
	for (__u32 i = 0; i < count; i++) {
		struct flow_entry *f = &r->flows[r->n + i];
		const void *k = keys + i * r->ksz;

		memset(&f->key, 0, sizeof(f->key));
		f->key.family = r->family;
		if (r->family == TS_FAMILY_IPV4) {
			const struct ts_flow4_key *k4 = k;

			memcpy(f->key.addr, k4->addr, sizeof(k4->addr));
			f->key.proto = k4->proto;
			f->key.port = k4->port;
		} else {
			const struct ts_flow6_key *k6 = k;

			memcpy(f->key.addr, k6->addr, sizeof(k6->addr));
			f->key.proto = k6->proto;
			f->key.port = k6->port;
		}
		ts_flow_counts((const struct ts_flow_val *)(vals + i * sizeof(struct ts_flow_val)),
			       &f->val);
	}
	r->n += count;
}

static void reader_init(struct flow_reader *r, __u8 family, struct flow_entry *flows,
			size_t n, size_t cap)
{
	*r = (struct flow_reader){
		.flows = flows, .n = n, .cap = cap, .family = family,
		.ksz = family == TS_FAMILY_IPV4 ? sizeof(struct ts_flow4_key)
						: sizeof(struct ts_flow6_key),
	};
}

/* A share of a map: the batches from bucket `from` on, up to `to` (0: the end). */
struct flow_share {
	int fd;
	__u64 from, to;
	struct flow_reader r;
	int err;
};

static void *read_share(void *arg)
{
	struct flow_share *s = arg;

	s->err = map_walk(s->fd, s->r.ksz, sizeof(struct ts_flow_val), s->from, s->to,
			  take_flows, &s->r);
	return NULL;
}

/*
 * Flow entries generation g holds, both families, from the room they
 * took (0 if unknown), and the buckets of its IPv4 map (the kernel makes
 * them its size rounded up to a power of two).
 */
static size_t flows_held(const struct sensor_maps *m, int g, __u64 *buckets)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = (__u32)g;
	struct ts_room r;

	if (m->room_fd < 0 || bpf_obj_get_info_by_fd(m->gen[g][GM_FLOWS4], &info, &len) ||
	    info.value_size != sizeof(struct ts_flow_val) ||
	    bpf_map_lookup_elem(m->room_fd, &key, &r) || r.free < 0 ||
	    r.free > info.max_entries)
		return 0;
	for (*buckets = 1; *buckets < info.max_entries; *buckets *= 2)
		;
	return info.max_entries - (size_t)r.free;
}

/*
 * The IPv4 map by two threads into r. The first stops with the batch
 * that reaches the middle bucket, where the second began: the end of
 * its last batch (buckets past the middle) is the beginning of the
 * second's, the same entries in the same order, and is dropped. So the
 * entries are those of one walk, in its order. 1 when the two did not
 * meet as they should (the caller reads the map again in one walk).
 */
static int read_flows4_halves(int fd, __u64 buckets, struct flow_reader *r, int *err)
{
	struct flow_share lo = { fd, 0, buckets / 2, *r, 0 }, hi = { fd, buckets / 2, 0, { 0 }, 0 };
	size_t overlap = 0;
	pthread_t tid;

	reader_init(&hi.r, TS_FAMILY_IPV4, NULL, 0, 0);
	if (pthread_create(&tid, NULL, read_share, &hi))
		return 1;
	read_share(&lo);
	pthread_join(tid, NULL);
	*r = lo.r;
	*err = lo.err ? lo.err : hi.err;
	if (*err) {
		free(hi.r.flows);
		return 0;
	}
	if (hi.r.n) {
		const struct ts_flow_key *first = &hi.r.flows[0].key;

		for (size_t i = lo.r.last; i < lo.r.n && !overlap; i++)
			if (!memcmp(&lo.r.flows[i].key, first, sizeof(*first)))
				overlap = lo.r.n - i;
		for (size_t i = 0; i < overlap; i++)
			if (i >= hi.r.n || memcmp(&lo.r.flows[lo.r.n - overlap + i].key,
						  &hi.r.flows[i].key, sizeof(*first))) {
				free(hi.r.flows);
				return 1;
			}
	}
	r->n -= overlap;
	r->flows = xgrow(r->flows, &r->cap, r->n + hi.r.n, sizeof(*r->flows), MAP_BATCH);
	memcpy(r->flows + r->n, hi.r.flows, hi.r.n * sizeof(*r->flows));
	r->n += hi.r.n;
	free(hi.r.flows);
	return 0;
}

/*
 * snap->flows: every entry of generation g's flows4, then of its flows6,
 * each map in the order of one walk of it.
 */
static int flows_read(const struct sensor_maps *m, int g, struct snapshot *snap)
{
	__u64 buckets = 0;
	size_t held = flows_held(m, g, &buckets);
	bool halves = held >= 4 * MAP_BATCH;
	struct flow_reader r;
	int err = 0;

	/* the array made its size at once, not grown through a million entries */
	reader_init(&r, TS_FAMILY_IPV4, held ? xmalloc(held * sizeof(*r.flows)) : NULL, 0, held);
	for (int attempt = 0; attempt < 2; attempt++) {
		r.n = 0;
		if (!halves || read_flows4_halves(m->gen[g][GM_FLOWS4], buckets, &r, &err)) {
			r.n = 0;
			err = map_walk(m->gen[g][GM_FLOWS4], r.ksz, sizeof(struct ts_flow_val),
				       0, 0, take_flows, &r);
		}
		if (!err) {
			struct flow_reader r6;

			reader_init(&r6, TS_FAMILY_IPV6, r.flows, r.n, r.cap);
			err = map_walk(m->gen[g][GM_FLOWS6], r6.ksz, sizeof(struct ts_flow_val),
				       0, 0, take_flows, &r6);
			r.flows = r6.flows, r.n = r6.n, r.cap = r6.cap;
		}
		/* the room is exact: the halves did not meet where they should */
		if (err || !halves || r.n == held)
			break;
		pr_debug("read %zu flows in two halves, the room says %zu: reading again", r.n, held);
		halves = false;
	}
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

