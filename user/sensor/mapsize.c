// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sensor/mapsize.h"

/* The maps an operator sizes, by the option that sizes them. */
static const struct sized_map {
	const char *name;   /* without the generation's _0 / _1 */
	int generations;
	const char *option;
	__u32 type, flags, key_size, value_size;
	__u32 per_unit;     /* entries per unit of the option */
	bool prealloc;      /* all entries allocated at load */
} sized_maps[] = {
	/* both families share --max-sources entries (the room map) */
	{ "flows4", 2, "--max-sources", BPF_MAP_TYPE_ARRAY, BPF_F_MMAPABLE, sizeof(__u32),
	  sizeof(struct ts_flow4_slot), TS_FLOW4_SLOTS_PER_SOURCE, true },
	{ "flows6", 2, "--max-sources", BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC,
	  sizeof(struct ts_flow6_key), sizeof(struct ts_flow_val), 1, false },
	{ "bscat", 2, "--max-backscatter", BPF_MAP_TYPE_HASH, 0, sizeof(struct ts_bs_key),
	  sizeof(__u64), 1, true },
	{ "tagged", 2, "--max-tagged", BPF_MAP_TYPE_HASH, 0, sizeof(struct ts_tag_key),
	  sizeof(__u64), 1, true },
	{ "labels", 1, "--max-labels", BPF_MAP_TYPE_LPM_TRIE, BPF_F_NO_PREALLOC,
	  sizeof(struct ts_label_key), sizeof(__u64), 1, false },
};
#define NSIZED (sizeof(sized_maps) / sizeof(sized_maps[0]))

static __u32 entries_of(const struct map_sizes *sz, size_t i)
{
	const __u32 n[NSIZED] = { sz->max_sources, sz->max_sources,
				  sz->max_backscatter, sz->max_tagged,
				  sz->max_labels };

	return n[i];
}

/* The number of the first line of path that fmt (with one %llu) reads; 0 if none. */
static unsigned long long number_in(const char *path, const char *fmt)
{
	unsigned long long v = 0;
	char line[128];
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &v) == 1)
			break;
	fclose(f);
	return v;
}

unsigned long long map_memlock(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return number_in(path, "memlock: %llu");
}

static unsigned long long probe_memlock(const struct sized_map *m, __u32 entries)
{
	unsigned long long v;
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = m->flags);
	int fd = bpf_map_create(m->type, "ts_probe", m->key_size, m->value_size, entries, &o);

	if (fd < 0)
		return 0;
	v = map_memlock(fd);
	close(fd);
	return v;
}

/*
 * What one more unit of the map's option costs, from two small maps of
 * the same type, key and value: the kernel's per-entry overhead differs
 * between versions, so it is measured rather than assumed. 0 if it
 * cannot be measured.
 */
static unsigned long long entry_cost(const struct sized_map *m)
{
	unsigned long long small = probe_memlock(m, 1024), big = probe_memlock(m, 2048);

	return small && big > small ? (big - small) / 1024 * m->per_unit : 0;
}

/* MemAvailable in bytes, 0 if unknown. */
static unsigned long long mem_available(void)
{
	return number_in("/proc/meminfo", "MemAvailable: %llu kB") * 1024;
}

static const char *human(unsigned long long bytes, char *buf, size_t len)
{
	if (bytes >= 1ULL << 30)
		snprintf(buf, len, "%.1f GiB", (double)bytes / (1ULL << 30));
	else
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1ULL << 20));
	return buf;
}

int map_sizes_fit(const struct map_sizes *given, char *msg, size_t len)
{
	unsigned long long need = 0, part[NSIZED] = { 0 }, avail = mem_available();
	struct map_sizes sz = *given;
	char parts[256] = "", a[32], b[32];
	size_t biggest = 0;

	map_sizes_default(&sz);
	if (!avail)
		return 0;
	for (size_t i = 0; i < NSIZED; i++) {
		if (!sized_maps[i].prealloc)
			continue; /* allocated as entries arrive */
		part[i] = (unsigned long long)sized_maps[i].generations *
			  entries_of(&sz, i) * entry_cost(&sized_maps[i]);
		need += part[i];
		if (part[i] > part[biggest])
			biggest = i;
		snprintf(parts + strlen(parts), sizeof(parts) - strlen(parts),
			 "%s%s %u: %s", parts[0] ? ", " : "", sized_maps[i].option,
			 entries_of(&sz, i), human(part[i], a, sizeof(a)));
	}
	if (need <= avail)
		return 0;
	snprintf(msg, len, "the maps of both generations need at least %s of "
		 "kernel memory (%s), more than the %s this machine has "
		 "available (MemAvailable); lower %s", human(need, a, sizeof(a)),
		 parts, human(avail, b, sizeof(b)), sized_maps[biggest].option);
	return -1;
}

static struct load_watch *watching;
static libbpf_print_fn_t passed_on;

/* libbpf says "libbpf: map 'NAME': failed to create: …" when a map fails. */
static int watch_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const char failed[] = "': failed to create";
	char line[256], name[32];
	const char *map;
	va_list copy;
	int end = 0;

	va_copy(copy, ap);
	vsnprintf(line, sizeof(line), fmt, copy);
	va_end(copy);
	map = strstr(line, "map '");
	if (watching && !watching->map[0] && map &&
	    sscanf(map, "map '%31[^']%n", name, &end) == 1 && end &&
	    !strncmp(map + end, failed, strlen(failed)))
		snprintf(watching->map, sizeof(watching->map), "%s", name);
	return passed_on ? passed_on(level, fmt, ap) : 0;
}

void load_watch_begin(struct load_watch *w)
{
	memset(w, 0, sizeof(*w));
	watching = w;
	passed_on = libbpf_set_print(watch_print);
}

void load_watch_end(void)
{
	libbpf_set_print(passed_on);
	watching = NULL;
	passed_on = NULL;
}

/* The sized map the kernel refused (name_0, name_1 or name), or -1. */
static int sized_index(const char *map)
{
	char name[40];

	for (size_t i = 0; i < NSIZED; i++)
		for (int g = 0; g < sized_maps[i].generations; g++) {
			snprintf(name, sizeof(name),
				 sized_maps[i].generations > 1 ? "%s_%d" : "%s",
				 sized_maps[i].name, g);
			if (!strcmp(map, name))
				return (int)i;
		}
	return -1;
}

void load_failure_message(int err, const struct load_watch *w,
			  const struct map_sizes *given, char *msg, size_t len)
{
	struct map_sizes sz = *given;
	const struct sized_map *m;
	unsigned long long cost;
	char why[160], size[32];
	size_t used;
	int i;

	map_sizes_default(&sz);
	if (!w->map[0]) {
		snprintf(msg, len, "cannot load the XDP program: %s (run with "
			 "--verbose for the verifier log)", strerror(err));
		return;
	}
	i = sized_index(w->map);
	if (i < 0) {
		snprintf(msg, len, "cannot create the map %s: %s (run with "
			 "--verbose for libbpf's messages)", w->map, strerror(err));
		return;
	}
	m = &sized_maps[i];
	switch (err) {
	case E2BIG:
		snprintf(why, sizeof(why), "the kernel refuses a map of so many "
			 "entries (%s); lower %s", strerror(err), m->option);
		break;
	case ENOMEM:
		cost = (unsigned long long)entries_of(&sz, (size_t)i) * entry_cost(m);
		snprintf(why, sizeof(why), "not enough memory%s%s (%s); lower %s, "
			 "or free memory (a memory limit on the service counts too)",
			 cost ? " for its " : "", cost ? human(cost, size, sizeof(size)) : "",
			 strerror(err), m->option);
		break;
	case EPERM:
		snprintf(why, sizeof(why), "%s; raise the locked-memory limit "
			 "(ulimit -l, LimitMEMLOCK=) or lower %s", strerror(err),
			 m->option);
		break;
	default:
		snprintf(why, sizeof(why), "%s; lower %s", strerror(err), m->option);
	}
	used = (size_t)snprintf(msg, len, "cannot create the map %s for %s %u: ",
				w->map, m->option, entries_of(&sz, (size_t)i));
	if (used < len)
		snprintf(msg + used, len - used, "%s", why);
}
