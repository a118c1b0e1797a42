// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sensor/maps.h"
#include "lib/alloc.h"
#include "lib/log.h"

#define BATCH 8192

int gen_flip(struct sensor *s, __u64 next_since)
{
	struct ts_ctl ctl;
	__u32 old, slot;
	int inner_fd;

	if (ctl_read(s, &ctl))
		return -1;
	old = ctl.gen & 1;
	ctl.gen = old ^ 1;
	ctl.since[old ^ 1] = next_since;
	if (ctl_write(s, &ctl))
		return -1;
	/*
	 * Rewrite one outer slot with the map already in it: the update
	 * returns after synchronize_rcu(), i.e. once no program that could
	 * have read the old ctl.gen is still running.
	 */
	slot = old;
	inner_fd = s->gen[old].fd[GM_TOTALS];
	if (bpf_map_update_elem(s->outer_totals_fd, &slot, &inner_fd, BPF_ANY)) {
		pr_err("cannot wait for the generation switch: %s",
		       strerror(errno));
		return -1;
	}
	return (int)old;
}

void totals_add(struct ts_totals *a, const struct ts_totals *b)
{
	__u64 *x = (__u64 *)a;
	const __u64 *y = (const __u64 *)b;

	for (size_t i = 0; i < sizeof(*a) / sizeof(__u64); i++)
		x[i] += y[i];
}

int totals_read(int fd, struct ts_totals *t)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t stride = (sizeof(*t) + 7) & ~7UL;
	__u32 zero = 0;
	char *buf;

	memset(t, 0, sizeof(*t));
	if (ncpu < 1)
		return -1;
	buf = xcalloc((size_t)ncpu, stride);
	if (bpf_map_lookup_elem(fd, &zero, buf)) {
		pr_err("cannot read totals: %s", strerror(errno));
		free(buf);
		return -1;
	}
	for (int c = 0; c < ncpu; c++)
		totals_add(t, (struct ts_totals *)(buf + c * stride));
	free(buf);
	return 0;
}

/*
 * Read a whole hash map into an array of {key, value} records of
 * `rec` bytes (key at offset 0, value at `voff`).
 */
static int read_hash(int fd, size_t ksz, size_t vsz, size_t rec, size_t voff,
		     void **out, size_t *n)
{
	size_t cap = 0, len = 0;
	char *keys = xmalloc(BATCH * ksz), *vals = xmalloc(BATCH * vsz);
	char *recs = NULL;
	__u64 in_batch = 0, out_batch = 0;
	bool first = true;
	int err = 0;

	for (;;) {
		__u32 count = BATCH;

		err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch,
					   &out_batch, keys, vals, &count, NULL);
		if (err && errno != ENOENT) {
			err = -errno;
			pr_err("cannot read a map: %s", strerror(errno));
			goto out;
		}
		recs = xgrow(recs, &cap, len + count, rec, BATCH);
		for (__u32 i = 0; i < count; i++) {
			memcpy(recs + (len + i) * rec, keys + i * ksz, ksz);
			memcpy(recs + (len + i) * rec + voff, vals + i * vsz, vsz);
		}
		len += count;
		if (err) { /* ENOENT: that was the last batch */
			err = 0;
			break;
		}
		in_batch = out_batch;
		first = false;
	}
out:
	free(keys);
	free(vals);
	if (err) {
		free(recs);
		recs = NULL;
		len = 0;
	}
	*out = recs;
	*n = len;
	return err;
}

#define READ_HASH(fd, type, keyf, valf, out, n)                              \
	read_hash(fd, sizeof(((type *)0)->keyf), sizeof(((type *)0)->valf),    \
		  sizeof(type), offsetof(type, valf), (void **)(out), n)

int gen_read(struct sensor *s, int g, struct snapshot *snap)
{
	struct ts_ctl ctl;

	memset(snap, 0, sizeof(*snap));
	if (ctl_read(s, &ctl))
		return -1;
	snap->since = ctl.since[g];
	if (totals_read(s->gen[g].fd[GM_TOTALS], &snap->totals) ||
	    READ_HASH(s->gen[g].fd[GM_FLOWS], struct flow_entry, key, val,
		      &snap->flows, &snap->nflows) ||
	    READ_HASH(s->gen[g].fd[GM_OVPORTS], struct port_entry, key, val,
		      &snap->ovports, &snap->novports) ||
	    READ_HASH(s->gen[g].fd[GM_BSCAT], struct bs_entry, key, packets,
		      &snap->bs, &snap->nbs) ||
	    READ_HASH(s->gen[g].fd[GM_TAGGED], struct tag_entry, key, packets,
		      &snap->tags, &snap->ntags) ||
	    READ_HASH(s->gen[g].fd[GM_TAGOV], struct tagov_entry, key, packets,
		      &snap->tagov, &snap->ntagov)) {
		snapshot_free(snap);
		return -1;
	}
	return 0;
}

static int clear_hash(int fd, size_t ksz)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char *keys, *vals;
	int err = 0;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	keys = xmalloc(BATCH * ksz);
	vals = xmalloc((size_t)BATCH * info.value_size);
	/* Nothing writes this map: read a batch of keys, delete them, repeat. */
	for (;;) {
		__u32 count = BATCH;
		__u64 out_batch;

		err = bpf_map_lookup_batch(fd, NULL, &out_batch, keys, vals,
					   &count, NULL);
		if (err && errno != ENOENT) {
			pr_err("cannot read a map to clear it: %s",
			       strerror(errno));
			break;
		}
		if (count == 0) {
			err = 0;
			break;
		}
		if (bpf_map_delete_batch(fd, keys, &count, NULL)) {
			pr_err("cannot clear a map: %s", strerror(errno));
			err = -1;
			break;
		}
	}
	free(keys);
	free(vals);
	return err;
}

/*
 * Delete the keys of `n` records (key at offset 0, `rec` bytes apart) in
 * batches: the drain has just read them, so no second walk of the map is
 * needed to find them.
 */
static int delete_keys(int fd, const void *recs, size_t n, size_t rec,
		       size_t ksz)
{
	char *keys = xmalloc(BATCH * ksz);
	int err = 0;

	for (size_t done = 0; done < n && !err;) {
		__u32 count = (__u32)(n - done < BATCH ? n - done : BATCH);

		for (__u32 i = 0; i < count; i++)
			memcpy(keys + i * ksz,
			       (const char *)recs + (done + i) * rec, ksz);
		if (bpf_map_delete_batch(fd, keys, &count, NULL)) {
			pr_err("cannot clear a map: %s", strerror(errno));
			err = -1;
		}
		done += count;
	}
	free(keys);
	return err;
}

#define DELETE_KEYS(fd, arr, n) \
	delete_keys(fd, arr, n, sizeof((arr)[0]), sizeof((arr)[0].key))

/* Zero every CPU's totals of generation g. */
static int clear_totals(struct sensor *s, int g)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t stride = (sizeof(struct ts_totals) + 7) & ~7UL;
	__u32 zero = 0;
	char *buf = xcalloc(ncpu > 0 ? (size_t)ncpu : 1, stride);
	int err;

	err = bpf_map_update_elem(s->gen[g].fd[GM_TOTALS], &zero, buf, BPF_ANY);
	free(buf);
	if (err)
		pr_err("cannot clear totals: %s", strerror(errno));
	return err ? -1 : 0;
}

int gen_clear_read(struct sensor *s, int g, const struct snapshot *snap)
{
	if (clear_totals(s, g) ||
	    DELETE_KEYS(s->gen[g].fd[GM_FLOWS], snap->flows, snap->nflows) ||
	    DELETE_KEYS(s->gen[g].fd[GM_OVPORTS], snap->ovports, snap->novports) ||
	    DELETE_KEYS(s->gen[g].fd[GM_BSCAT], snap->bs, snap->nbs) ||
	    DELETE_KEYS(s->gen[g].fd[GM_TAGGED], snap->tags, snap->ntags) ||
	    DELETE_KEYS(s->gen[g].fd[GM_TAGOV], snap->tagov, snap->ntagov))
		return -1;
	return 0;
}

int gen_clear(struct sensor *s, int g)
{
	if (clear_totals(s, g) ||
	    clear_hash(s->gen[g].fd[GM_FLOWS], sizeof(struct ts_flow_key)) ||
	    clear_hash(s->gen[g].fd[GM_OVPORTS], sizeof(struct ts_port_key)) ||
	    clear_hash(s->gen[g].fd[GM_BSCAT], sizeof(struct ts_bs_key)) ||
	    clear_hash(s->gen[g].fd[GM_TAGGED], sizeof(struct ts_tag_key)) ||
	    clear_hash(s->gen[g].fd[GM_TAGOV], sizeof(struct ts_tagov_key)))
		return -1;
	return 0;
}

long map_count(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	void *recs;
	size_t n;
	int err;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	err = read_hash(fd, info.key_size, info.value_size,
			info.key_size + info.value_size, info.key_size, &recs, &n);
	free(recs);
	return err ? -1 : (long)n;
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
