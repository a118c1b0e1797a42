// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the kernel can allocate for the maps --max-* sizes
 * (sensor/mapsize.c): the kernel refuses a hash map one entry larger
 * than TS_MAX_HASH_ENTRIES, so the options stop where the kernel does; a
 * load that fails on a map names that map, the option and the size and
 * says what to do; the watch on libbpf's messages passes them on; sizes
 * this machine cannot hold are refused before any map is made. Nothing
 * here allocates more than the default maps.
 * Needs root (or CAP_BPF).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.skel.h"
#include "sensor/mapsize.h"
#include "kfeature.h"

/* One entry past the limit is refused by the kernel itself, at once. */
static void kernel_limit(void **state)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd;

	(void)state;
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "ts_limit", sizeof(struct ts_flow4_key),
			    sizeof(struct ts_flow_val), TS_MAX_HASH_ENTRIES + 1, &o);
	if (fd >= 0) {
		close(fd);
		fail_msg("the kernel made a hash map of %u entries: TS_MAX_HASH_ENTRIES "
			 "is lower than it needs to be", TS_MAX_HASH_ENTRIES + 1);
	}
	assert_int_equal(errno, E2BIG);
}

static int forwarded;

static int count_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	forwarded++;
	return 0;
}

/* Load the classifier at these sizes under the watch: its errno, or 0. */
static int load_watched(const struct map_sizes *sz, struct load_watch *w)
{
	struct telescope_bpf *skel = telescope_bpf__open();
	int err;

	assert_non_null(skel);
	assert_int_equal(maps_set_sizes(skel->obj, sz), 0);
	load_watch_begin(w);
	err = telescope_bpf__load(skel) ? errno : 0;
	load_watch_end();
	telescope_bpf__destroy(skel);
	return err;
}

/* A load that fails on a sized map says which, with what, and what to do. */
static void failed_map_named(void **state)
{
	static const struct {
		struct map_sizes sz;
		const char *map, *line;
	} cases[] = {
		{ { .max_tagged = TS_MAX_HASH_ENTRIES + 1 }, "tagged_0",
		  "cannot create the map tagged_0 for --max-tagged 134217729: the "
		  "kernel refuses a map of so many entries (Argument list too long); "
		  "lower --max-tagged" },
	};
	libbpf_print_fn_t before = libbpf_set_print(count_print);
	struct load_watch w;
	char msg[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		forwarded = 0;
		assert_int_equal(load_watched(&cases[i].sz, &w), E2BIG);
		assert_string_equal(w.map, cases[i].map);
		assert_true(forwarded > 0); /* libbpf's lines still go on */
		load_failure_message(E2BIG, &w, &cases[i].sz, msg, sizeof(msg));
		assert_string_equal(msg, cases[i].line);
	}
	/* the watch is gone: the print function is the one before it */
	assert_ptr_equal(libbpf_set_print(before), count_print);
}

/* A load that works leaves the watch empty. */
static void nothing_failed(void **state)
{
	struct map_sizes sz = { .max_sources = 1024, .max_backscatter = 1024,
				.max_tagged = 1024, .max_labels = 16 };
	struct load_watch w;

	(void)state;
	assert_int_equal(load_watched(&sz, &w), 0);
	assert_string_equal(w.map, "");
}

/* The other lines: no map failed, another map, memory, permission. */
static void other_failures(void **state)
{
	struct map_sizes sz = { .max_sources = 1000000 };
	struct load_watch none = { "" }, other = { "scratch" }, flows = { "flows4_1" };
	struct load_watch labels = { "labels" };
	char msg[512];

	(void)state;
	load_failure_message(EINVAL, &none, &sz, msg, sizeof(msg));
	assert_string_equal(msg, "cannot load the XDP program: Invalid argument (run "
			    "with --verbose for the verifier log)");
	load_failure_message(EINVAL, &other, &sz, msg, sizeof(msg));
	assert_string_equal(msg, "cannot create the map scratch: Invalid argument "
			    "(run with --verbose for libbpf's messages)");
	load_failure_message(ENOMEM, &flows, &sz, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot create the map flows4_1 for --max-sources "
				    "1000000: not enough memory for its "));
	assert_non_null(strstr(msg, " MiB (Cannot allocate memory); lower --max-sources, "
				    "or free memory"));
	load_failure_message(EPERM, &labels, &sz, msg, sizeof(msg));
	assert_string_equal(msg, "cannot create the map labels for --max-labels 65536: "
			    "Operation not permitted; raise the locked-memory limit "
			    "(ulimit -l, LimitMEMLOCK=) or lower --max-labels");
}

static unsigned long long mem_available(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* Sizes the machine cannot hold are refused before anything is made. */
static void memory_checked_first(void **state)
{
	struct map_sizes small = { .max_sources = 1024, .max_backscatter = 1024,
				   .max_tagged = 1024 };
	struct map_sizes all = { .max_sources = TS_MAX_HASH_ENTRIES,
				 .max_backscatter = TS_MAX_HASH_ENTRIES,
				 .max_tagged = TS_MAX_HASH_ENTRIES };
	/* at least the key and value bytes of every entry, twice */
	unsigned long long least = 2ULL * TS_MAX_HASH_ENTRIES *
		(sizeof(struct ts_flow4_key) + sizeof(struct ts_flow_val) +
		 sizeof(struct ts_bs_key) + 8 + sizeof(struct ts_tag_key) + 8);
	char msg[512] = "";

	(void)state;
	if (map_sizes_fit(&small, msg, sizeof(msg)))
		fail_msg("1024 entries a map do not fit: %s", msg);
	if (mem_available() >= least) {
		print_message("skipped: this machine has more than %llu GiB available\n",
			      least >> 30);
		return;
	}
	assert_int_equal(map_sizes_fit(&all, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "the maps of both generations need at least "));
	assert_non_null(strstr(msg, "--max-sources 134217728: "));
	assert_non_null(strstr(msg, "--max-tagged 134217728: "));
	assert_non_null(strstr(msg, "this machine has available (MemAvailable); "
				    "lower --max-sources"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_limit),
		cmocka_unit_test(failed_map_named),
		cmocka_unit_test(nothing_failed),
		cmocka_unit_test(other_failures),
		cmocka_unit_test(memory_checked_first),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("map sizes the kernel can give", tests, NULL, NULL);
}
