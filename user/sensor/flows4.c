// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * flows4 seen from user space: the table of one-cache-line slots the
 * classifier counts IPv4 flows in (include/telescope.h), mapped into
 * memory, so a quiescent generation is read and cleared in place, at
 * memory speed, instead of an entry at a time through the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "sensor/flows4.h"

/*
 * The first touch of each page of a new mapping of the table faults
 * (0.6-0.7 s for the 192 MB of 1.5M sources, against 0.01 s to write it
 * all again), so a long-running loader keeps its two tables mapped from
 * one drain to the next. Keyed by the map's id, which the mapping keeps
 * from being reused; a table not among the last two is unmapped.
 */
static bool keep_mapped;
static struct kept_view {
	__u32 id;
	struct flows4_view v;
} kept[2];
static unsigned next_kept;

void flows4_keep_mapped(void)
{
	keep_mapped = true;
}

static struct kept_view *find_kept(__u32 id)
{
	for (unsigned i = 0; i < 2; i++)
		if (kept[i].v.slot && kept[i].id == id)
			return &kept[i];
	return NULL;
}

int flows4_open(int table_fd, bool writable, struct flows4_view *v)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	struct kept_view *k;
	void *p;

	memset(v, 0, sizeof(*v));
	if (bpf_obj_get_info_by_fd(table_fd, &info, &len)) {
		pr_err("cannot inspect the IPv4 flow map: %s", strerror(errno));
		return -1;
	}
	if (info.type != BPF_MAP_TYPE_ARRAY || info.value_size != sizeof(struct ts_flow4_slot) ||
	    !(info.map_flags & BPF_F_MMAPABLE)) {
		pr_err("the IPv4 flow map is not a table of %zu-byte slots",
		       sizeof(struct ts_flow4_slot));
		return -1;
	}
	k = keep_mapped ? find_kept(info.id) : NULL;
	if (k) {
		*v = k->v;
		return 0;
	}
	v->slots = info.max_entries;
	v->bytes = (v->slots * sizeof(struct ts_flow4_slot) + (size_t)page - 1) &
		   ~((size_t)page - 1);
	writable |= keep_mapped;
	p = mmap(NULL, v->bytes, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED,
		 table_fd, 0);
	if (p == MAP_FAILED) {
		pr_err("cannot map the IPv4 flow map: %s", strerror(errno));
		memset(v, 0, sizeof(*v));
		return -1;
	}
	v->slot = p;
	if (keep_mapped) {
		k = &kept[next_kept++ % 2];
		if (k->v.slot)
			munmap(k->v.slot, k->v.bytes);
		k->id = info.id;
		k->v = *v;
		v->kept = true;
		k->v.kept = true;
	}
	return 0;
}

void flows4_close(struct flows4_view *v)
{
	if (v->slot && !v->kept)
		munmap(v->slot, v->bytes);
	memset(v, 0, sizeof(*v));
}

int flows4_clear(int table_fd)
{
	struct flows4_view v;

	if (flows4_open(table_fd, true, &v))
		return -1;
	memset(v.slot, 0, v.slots * sizeof(*v.slot));
	flows4_close(&v);
	return 0;
}

struct ts_flow4_slot *flows4_slot(const struct flows4_view *v, const struct ts_flow4_key *k,
				  bool claim)
{
	struct ts_flow4_key want = *k;
	__u64 key;
	size_t i;

	want.pad = TS_FLOW4_USED;
	memcpy(&key, &want, sizeof(key));
	if (!v->slots)
		return NULL;
	i = ts_flow4_home(key, (__u32)v->slots);
	for (int p = 0; p < TS_FLOW4_PROBES; p++) {
		__u64 have;

		memcpy(&have, &v->slot[i].key, sizeof(have));
		if (have == key)
			return &v->slot[i];
		if (!have) {
			if (!claim)
				return NULL;
			v->slot[i].key = want;
			return &v->slot[i];
		}
		if (++i == v->slots)
			i = 0;
	}
	return NULL;
}

size_t flows4_count(const struct flows4_view *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->slots; i++)
		n += flows4_claimed(&v->slot[i]);
	return n;
}

/*
 * Write one zero slot of every page of a table through the kernel, while
 * it is new and empty. Under some hypervisors the first access to each
 * page of a freshly allocated map faults in the host (a new map's pages
 * were zeroed through another mapping): 46,875 pages of a table of 1.5M
 * sources cost the first packets there ~9 µs each, and a burst of new
 * sources found the sensor a tenth as fast as later. One batch update per
 * table and CPU (warmed from one CPU only, one receive queue received
 * 2.11 Mpps, warmed from each 2.72), before the program can write it.
 */
static int warm_table(int table_fd)
{
	const size_t per_page = 4096 / sizeof(struct ts_flow4_slot);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), n;
	struct ts_flow4_slot *zero;
	__u32 *keys;
	int err;

	if (bpf_obj_get_info_by_fd(table_fd, &info, &len))
		return -1;
	n = (__u32)((info.max_entries + per_page - 1) / per_page);
	keys = xcalloc(n, sizeof(*keys));
	zero = xcalloc(n, sizeof(*zero));
	for (__u32 i = 0; i < n; i++)
		keys[i] = (__u32)(i * per_page);
	err = bpf_map_update_batch(table_fd, keys, zero, &n, NULL);
	free(keys);
	free(zero);
	if (err) {
		pr_err("cannot prepare the IPv4 flow table: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int flows4_warm(int table_fd)
{
	cpu_set_t was, one;
	int err = 0;

	if (sched_getaffinity(0, sizeof(was), &was))
		return warm_table(table_fd);
	for (int c = 0; c < CPU_SETSIZE && !err; c++) {
		if (!CPU_ISSET(c, &was))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (!sched_setaffinity(0, sizeof(one), &one))
			err = warm_table(table_fd);
	}
	sched_setaffinity(0, sizeof(was), &was);
	return err;
}
