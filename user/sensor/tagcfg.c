// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/alloc.h"
#include "lib/hmap.h"
#include "sensor/layout.h"
#include "sensor/tagcfg.h"

void tagcfg_read_names(const struct sensor_maps *s, struct tag_names *names)
{
	struct ts_tag_name n;

	tag_names_init(names);
	if (s->tagnames_fd < 0 || map_has_sizes(s->tagnames_fd, sizeof(__u32), sizeof(n)))
		return;
	for (__u32 b = TS_TAG_BUILTIN_COUNT; b < TS_TAG_MAX; b++)
		if (!bpf_map_lookup_elem(s->tagnames_fd, &b, &n)) {
			n.name[sizeof(n.name) - 1] = '\0';
			memcpy(names->name[b], n.name, sizeof(names->name[b]));
		}
}

/* Group the rules by (protocol, port | *): one map value per key. */
static int group_rules(const struct tag_rule *rules, size_t n,
		       struct tag_names *names, const char *path,
		       struct hmap *sets, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct tag_rule *r = &rules[i];
		struct ts_rule_key k = { .proto = r->proto, .any = r->any_port,
					 .port = r->any_port ? 0 : r->port };
		struct ts_rule_set *set = hmap_upsert(sets, &k);
		struct ts_rule *kr;
		int bit = tag_bit(names, r->tag);

		if (bit < 0) {
			snprintf(err, errlen, "%s:%d: more than %d tags in all",
				 path, r->line, TS_TAG_MAX);
			return -1;
		}
		if (set->count == TS_RULES_PER_KEY) {
			snprintf(err, errlen, "%s:%d: more than %d rules on %s/%s",
				 path, r->line, TS_RULES_PER_KEY,
				 r->proto == 6 ? "tcp" : "udp",
				 r->any_port ? "*" : "this port");
			return -1;
		}
		kr = &set->rule[set->count++];
		kr->offset = r->offset;
		kr->len = r->len;
		kr->bit = (__u8)bit;
		memcpy(kr->bytes, r->bytes, r->len);
	}
	return 0;
}

/*
 * Make a config map hold exactly `want` (a table of key -> value):
 * update every wanted key, then delete the others. Each update swaps one
 * element atomically; a packet sees an old or a new entry, never half.
 */
static int sync_map(int fd, const struct hmap *want, size_t ksz,
		    char *err, size_t errlen, const char *what)
{
	unsigned char key[64], next[64];
	struct hmap stale;
	void *prev = NULL;

	for (size_t i = 0; i < want->len; i++)
		if (bpf_map_update_elem(fd, hmap_key(want, i), hmap_val(want, i),
					BPF_ANY)) {
			snprintf(err, errlen, "cannot load %s into the kernel: %s",
				 what, strerror(errno));
			return -1;
		}
	/* collect first, delete after: deleting while walking skips keys */
	hmap_init(&stale, ksz, 0);
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, ksz);
		prev = key;
		if (!hmap_find(want, key))
			hmap_upsert(&stale, key);
	}
	for (size_t i = 0; i < stale.len; i++)
		bpf_map_delete_elem(fd, hmap_key(&stale, i));
	hmap_free(&stale);
	return 0;
}

/*
 * The rules into the kernel: `*` sets into rules_any, port sets into the
 * rules hash, then the bitmap of ports with rules, then the stale port
 * sets out. A packet meanwhile sees old or new rules of a port, never
 * a half-written set.
 */
static int load_rules(const struct sensor_maps *s, const struct hmap *sets, char *err,
		      size_t errlen)
{
	static __u64 bits[TS_RULE_PORT_WORDS];
	struct ts_rule_set any[2] = { { 0 } };
	struct hmap by_port;
	int rc = -1;

	memset(bits, 0, sizeof(bits));
	hmap_init(&by_port, sizeof(struct ts_rule_key), sizeof(struct ts_rule_set));
	for (size_t i = 0; i < sets->len; i++) {
		const struct ts_rule_key *k = hmap_key(sets, i);
		const struct ts_rule_set *set = hmap_val(sets, i);
		__u32 udp = k->proto == 17;

		if (k->any) {
			any[udp] = *set;
			continue;
		}
		*(struct ts_rule_set *)hmap_upsert(&by_port, k) = *set;
		bits[udp * 1024 + k->port / 64] |= 1ULL << (k->port % 64);
	}
	for (__u32 p = 0; p < 2; p++)
		if (bpf_map_update_elem(s->rules_any_fd, &p, &any[p], BPF_ANY))
			goto fail;
	for (size_t i = 0; i < by_port.len; i++)
		if (bpf_map_update_elem(s->rules_fd, hmap_key(&by_port, i),
					hmap_val(&by_port, i), BPF_ANY))
			goto fail;
	for (__u32 w = 0; w < TS_RULE_PORT_WORDS; w++)
		if (bpf_map_update_elem(s->rule_ports_fd, &w, &bits[w], BPF_ANY))
			goto fail;
	rc = sync_map(s->rules_fd, &by_port, sizeof(struct ts_rule_key), err,
		      errlen, "the payload rules");
	hmap_free(&by_port);
	return rc;
fail:
	snprintf(err, errlen, "cannot load the payload rules into the kernel: %s",
		 strerror(errno));
	hmap_free(&by_port);
	return -1;
}

int tagcfg_apply(const struct sensor_maps *s, struct tag_config *cfg, char *err,
		 size_t errlen)
{
	struct tag_names names = cfg->names;
	struct tag_rule *rules = NULL;
	struct label_net *nets = NULL;
	struct hmap sets, prefixes;
	size_t nrules = 0, nnets = 0;
	__u64 *masks = NULL;
	struct ts_ctl ctl;
	int rc = -1;

	hmap_init(&sets, sizeof(struct ts_rule_key), sizeof(struct ts_rule_set));
	hmap_init(&prefixes, sizeof(struct ts_label_key), sizeof(__u64));

	if (cfg->rules_path &&
	    (rules_load(cfg->rules_path, &rules, &nrules, err, errlen) ||
	     group_rules(rules, nrules, &names, cfg->rules_path, &sets, err,
			 errlen)))
		goto out;
	for (int i = 0; i < cfg->nlists; i++)
		if (labels_load(cfg->list_paths[i], &nets, &nnets, err, errlen))
			goto out;
	masks = xcalloc(nnets, sizeof(*masks));
	if (labels_masks(nets, nnets, &names, masks, err, errlen))
		goto out;
	for (size_t i = 0; i < nnets; i++) {
		struct ts_label_key k;

		/* a prefix listed in both forms is one key with one mask */
		label_key(&nets[i], &k);
		*(__u64 *)hmap_upsert(&prefixes, &k) = masks[i];
	}
	if (prefixes.len > 0 && s && s->labels_fd >= 0) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(s->labels_fd, &info, &len) &&
		    prefixes.len > info.max_entries) {
			snprintf(err, errlen, "%zu listed prefixes do not fit "
				 "--max-labels %u", prefixes.len, info.max_entries);
			goto out;
		}
	}

	if (!s) { /* parse only */
		rc = 0;
		goto out;
	}

	/* Everything parsed: now change the kernel's view. */
	for (__u32 b = 0; b < TS_TAG_MAX; b++) {
		struct ts_tag_name n = { { 0 } };

		memcpy(n.name, names.name[b], sizeof(n.name));
		if (bpf_map_update_elem(s->tagnames_fd, &b, &n, BPF_ANY)) {
			snprintf(err, errlen, "cannot write tag names: %s",
				 strerror(errno));
			goto out;
		}
	}
	if (load_rules(s, &sets, err, errlen) ||
	    sync_map(s->labels_fd, &prefixes, sizeof(struct ts_label_key), err,
		     errlen, "the address lists"))
		goto out;
	if (ctl_read(s, &ctl))
		goto out;
	ctl.flags = (nrules ? TS_CTL_RULES : 0) |
		    (prefixes.len ? TS_CTL_LABELS : 0);
	/* flow entries cache their labels: make them look up the new lists */
	ctl.labels_gen = ctl.labels_gen % TS_LABELS_GEN_MASK + 1;
	if (ctl_write(s, &ctl))
		goto out;
	cfg->names = names;
	cfg->nrules = nrules;
	cfg->nprefixes = prefixes.len;
	rc = 0;
out:
	free(rules);
	free(nets);
	free(masks);
	hmap_free(&sets);
	hmap_free(&prefixes);
	return rc;
}
