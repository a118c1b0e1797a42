// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The kernel's side of the differential fuzz (fuzzcheck.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "telescope.skel.h"
#include "lib/alloc.h"
#include "sensor/flows4.h"
#include "sensor/maps.h"
#include "sensor/tagcfg.h"
#include "bpftest.h"
#include "fuzzcheck.h"

void fz_kernel_open(struct fz_kernel *k, const char *rules_path,
		    struct fz_rules *rules)
{
	static const struct bpftest_opts o = {
		.sizes = { .max_sources = FZ_MAP_ENTRIES,
			   .max_backscatter = FZ_MAP_ENTRIES,
			   .max_tagged = FZ_MAP_ENTRIES },
	};
	struct tag_config cfg = { .rules_path = rules_path };
	struct sensor_maps s;
	char err[256];

	memset(k, 0, sizeof(*k));
	k->skel = bpftest_load(&o);
	maps_from_object(&s, k->skel->obj);
	tagcfg_read_names(&s, &cfg.names);
	if (tagcfg_apply(&s, &cfg, err, sizeof(err)))
		fail_msg("loading %s: %s", rules_path, err);
	k->prog = bpf_program__fd(k->skel->progs.xdp_telescope);
	k->totals = s.gen[0][GM_TOTALS];
	k->maps = s;
	k->flows6 = s.gen[0][GM_FLOWS6];
	k->bscat = s.gen[0][GM_BSCAT];
	k->tagged = s.gen[0][GM_TAGGED];

	/* the model's copy: the same file, the bits the loader gave its tags */
	memset(rules, 0, sizeof(*rules));
	if (rules_load(rules_path, &rules->rule, &rules->n, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(rules->n, cfg.nrules);
	rules->names = cfg.names;
	rules->bit = xcalloc(rules->n, sizeof(*rules->bit));
	for (size_t i = 0; i < rules->n; i++) {
		int bit = tag_bit(&rules->names, rules->rule[i].tag);

		assert_true(bit >= TS_TAG_BUILTIN_COUNT);
		rules->bit[i] = (__u8)bit;
	}
	assert_memory_equal(&rules->names, &cfg.names, sizeof(cfg.names));
}

void fz_kernel_close(struct fz_kernel *k, struct fz_rules *rules)
{
	telescope_bpf__destroy(k->skel);
	free(rules->rule);
	free(rules->bit);
}

/*
 * Take every entry out of a hash map: how many there were, the first one
 * in key and val. Keys of up to 32 bytes, values of up to 64.
 */
static int take(int fd, void *key, size_t ksz, void *val, size_t vsz,
		unsigned *n)
{
	uint8_t keys[FZ_MAP_ENTRIES * 32], vals[FZ_MAP_ENTRIES * 64];
	_Static_assert(sizeof(struct ts_flow_val) <= 64, "take(): values of up to 64 bytes");
	__u64 in = 0, out = 0;
	void *from = NULL;
	LIBBPF_OPTS(bpf_map_batch_opts, o);

	*n = 0;
	for (;;) {
		__u32 count = FZ_MAP_ENTRIES;
		int rc = bpf_map_lookup_and_delete_batch(fd, from, &out, keys,
							 vals, &count, &o);

		if (rc && rc != -ENOENT)
			return -1;
		if (count && !*n) {
			memcpy(key, keys, ksz);
			memcpy(val, vals, vsz);
		}
		*n += count;
		if (rc)
			return 0;
		in = out;
		from = &in;
	}
}

/* Take every claimed slot out of flows4: how many, the first one in key and val. */
static int take_slots(const struct sensor_maps *m, struct ts_flow4_key *key,
		      struct ts_flow_val *val, unsigned *n)
{
	struct flows4_view t;

	*n = 0;
	if (flows4_open(m->gen[0][GM_FLOWS4], true, &t))
		return -1;
	for (size_t i = 0; i < t.slots; i++) {
		if (!flows4_claimed(&t.slot[i]))
			continue;
		if (!(*n)++) {
			*key = t.slot[i].key;
			*val = t.slot[i].val;
		}
		memset(&t.slot[i], 0, sizeof(t.slot[i]));
	}
	flows4_close(&t);
	return 0;
}

int fz_kernel_run(struct fz_kernel *k, const uint8_t *frame, size_t len,
		  struct fz_verdict *v)
{
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame,
		    .data_size_in = (__u32)len, .repeat = 1);
	struct ts_totals now;
	struct ts_room room;
	__u64 *d = (__u64 *)&v->t;
	const __u64 *a = (const __u64 *)&now, *b = (const __u64 *)&k->seen;

	memset(v, 0, sizeof(*v));
	if (bpf_prog_test_run_opts(k->prog, &run) || totals_read(k->totals, &now))
		return -1;
	v->action = run.retval;
	for (size_t i = 0; i < sizeof(now) / sizeof(__u64); i++)
		d[i] = a[i] - b[i];
	k->seen = now;
	if (take_slots(&k->maps, &v->f4, &v->fv, &v->flows4) ||
	    take(k->flows6, &v->f6, sizeof(v->f6), &v->fv, sizeof(v->fv), &v->flows6) ||
	    take(k->bscat, &v->bk, sizeof(v->bk), &v->bn, sizeof(v->bn), &v->bscat) ||
	    take(k->tagged, &v->tk, sizeof(v->tk), &v->tn, sizeof(v->tn), &v->tagged))
		return -1;
	if (bpf_map_lookup_elem(k->maps.room_fd, &(__u32){ 0 }, &room) ||
	    room_reset(&k->maps, 0))
		return -1;
	v->room_taken = FZ_MAP_ENTRIES - room.free;
	return 0;
}
