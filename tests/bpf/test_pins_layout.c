// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pins of another version (sensor/maps.c pins_check_layout(), the map
 * readers, `status` and `detach`): the test pins maps of its own under
 * /sys/fs/bpf/xdp-telescope/<name>/, named as the real pins are, with
 * the value sizes and ctl.layout of a previous layout (smaller values)
 * or of a next one (larger values, as today's pins look to an older
 * binary). `status` must refuse them with run's line and exit non-zero
 * without printing counts it cannot interpret; `detach` must remove them
 * without reading them; the readers must refuse maps whose sizes are not
 * this binary's instead of writing past their buffers. The commands and
 * readers run in a child process, so a crash is a failed test, not a
 * dead test binary. Pins made by the real object pass the same check.
 * Needs root (or CAP_BPF + CAP_SYS_ADMIN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.skel.h"
#include "sensor/attach.h"
#include "sensor/genread.h"
#include "sensor/layout.h"
#include "sensor/sensor.h"
#include "bpftest.h"
#include "kfeature.h"

/* How the test's pins differ from this binary's maps. */
struct shape {
	__u32 layout;     /* ctl.layout */
	int ctl_delta;    /* bytes added to the ctl value */
	int totals_delta; /* … to the per-CPU totals */
	int counts_delta; /* … to the flow and ovports values */
	int flows1_delta; /* … to flows4_1 alone */
	const char *skip; /* a map not pinned at all */
	__u32 flows;      /* entries written into flows4_0 */
};

/* A previous layout: no tag counts in ctl, totals and flows. */
static const struct shape previous = {
	.layout = TELESCOPE_LAYOUT - 1, .ctl_delta = -8 * TS_TAG_MAX,
	.totals_delta = -16, .counts_delta = -16, .flows = 100,
};

/* A next one: everything larger, and more flows than one batch holds. */
static const struct shape next = {
	.layout = TELESCOPE_LAYOUT + 1, .ctl_delta = 64, .totals_delta = 16,
	.counts_delta = 8, .flows = 9000,
};

struct pins {
	char name[16];
	char dir[64];
};

static void pin(struct pins *p, const char *name, int fd)
{
	char path[128];

	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "%s/%s", p->dir, name);
	if (bpf_obj_pin(fd, path))
		fail_msg("cannot pin %s: %s", path, strerror(errno));
}

static int create(enum bpf_map_type type, const char *name, __u32 key,
		  __u32 value, __u32 entries, int inner_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);
	int fd;

	if (type == BPF_MAP_TYPE_LPM_TRIE)
		o.map_flags = BPF_F_NO_PREALLOC;
	if (type == BPF_MAP_TYPE_ARRAY && value == sizeof(struct ts_flow4_slot))
		o.map_flags = BPF_F_MMAPABLE | BPF_F_INNER_MAP;
	if (inner_fd >= 0)
		o.inner_map_fd = (__u32)inner_fd;
	fd = bpf_map_create(type, name, key, value, entries, &o);
	if (fd < 0)
		fail_msg("cannot create map %s: %s", name, strerror(errno));
	return fd;
}

/* A generation of counting maps of the given shape, pinned as name_g. */
static void make_generation(struct pins *p, const struct shape *sh, int g,
			    int *totals_fd, int *flows_fd)
{
	static const struct {
		const char *name;
		__u32 key, value;
	} hashes[] = {
		{ "ovports", sizeof(struct ts_port_key), sizeof(struct ts_counts) },
		{ "bscat", sizeof(struct ts_bs_key), sizeof(__u64) },
		{ "tagged", sizeof(struct ts_tag_key), sizeof(__u64) },
		{ "tagov", sizeof(struct ts_tagov_key), sizeof(__u64) },
	};
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "totals_%d", g);
	*totals_fd = create(BPF_MAP_TYPE_PERCPU_ARRAY, name, 4,
			    (__u32)((int)sizeof(struct ts_totals) + sh->totals_delta), 1, -1);
	pin(p, name, *totals_fd);
	snprintf(name, sizeof(name), "flows4_%d", g);
	if (sh->layout == TELESCOPE_LAYOUT) /* this layout's table of slots */
		*flows_fd = create(BPF_MAP_TYPE_ARRAY, name, 4,
				   (__u32)((int)sizeof(struct ts_flow4_slot) +
					   (g ? sh->flows1_delta : 0)), 32768, -1);
	else /* the hash map of layouts up to 4 */
		*flows_fd = create(BPF_MAP_TYPE_HASH, name, sizeof(struct ts_flow4_key),
				   (__u32)((int)sizeof(struct ts_flow_val) + sh->counts_delta +
					   (g ? sh->flows1_delta : 0)), 16384, -1);
	pin(p, name, *flows_fd);
	snprintf(name, sizeof(name), "flows6_%d", g);
	fd = create(BPF_MAP_TYPE_HASH, name, sizeof(struct ts_flow6_key),
		    (__u32)((int)sizeof(struct ts_flow_val) + sh->counts_delta), 16384, -1);
	pin(p, name, fd);
	close(fd);
	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		snprintf(name, sizeof(name), "%s_%d", hashes[i].name, g);
		if (sh->skip && !strcmp(sh->skip, name))
			continue;
		fd = create(BPF_MAP_TYPE_HASH, name, hashes[i].key,
			    hashes[i].value + (i == 0 ? (__u32)sh->counts_delta : 0),
			    1024, -1);
		pin(p, name, fd);
		close(fd);
	}
}

/* Counts an older or newer sensor would have left: 42 packets a CPU. */
static void fill(const struct shape *sh, int totals_fd, int flows_fd)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t stride = ((size_t)((int)sizeof(struct ts_totals) + sh->totals_delta) + 7) & ~7UL;
	__u8 *per_cpu = calloc((size_t)ncpu, stride), value[128] = { 0 };
	__u32 zero = 0;

	assert_non_null(per_cpu);
	for (int c = 0; c < ncpu; c++)
		*(__u64 *)(per_cpu + (size_t)c * stride) = 42;
	assert_int_equal(bpf_map_update_elem(totals_fd, &zero, per_cpu, BPF_ANY), 0);
	free(per_cpu);
	*(__u64 *)value = 1;
	for (__u32 i = 0; i < sh->flows; i++) {
		struct ts_flow4_key k = { .proto = 6, .port = 23 };

		k.addr[0] = 198;
		k.addr[1] = 51;
		k.addr[2] = (__u8)(100 + i / 256);
		k.addr[3] = (__u8)i;
		k.port = (__u16)(23 + i / 65536);
		assert_int_equal(bpf_map_update_elem(flows_fd, &k, value, BPF_ANY), 0);
	}
}

/* Pin a whole sensor's maps of this shape under p->dir. */
static void make_pins(struct pins *p, const struct shape *sh)
{
	static const char *const outer[] = { "flows4", "flows6", "ovports", "bscat", "tagged",
					     "tagov" };
	int totals[2], flows[2], fd;
	__u8 ctl[sizeof(struct ts_ctl) + 64] = { 0 };
	__u32 zero = 0;

	assert_int_equal(mkdir(p->dir, 0700), 0);
	for (int g = 0; g < 2; g++)
		make_generation(p, sh, g, &totals[g], &flows[g]);
	fd = create(BPF_MAP_TYPE_ARRAY, "ctl", 4,
		    (__u32)((int)sizeof(struct ts_ctl) + sh->ctl_delta), 1, -1);
	memcpy(ctl, &sh->layout, sizeof(sh->layout)); /* ctl.layout leads */
	assert_int_equal(bpf_map_update_elem(fd, &zero, ctl, BPF_ANY), 0);
	pin(p, "ctl", fd);
	close(fd);
	fd = create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "totals", 4, 4, 2, totals[0]);
	pin(p, "totals", fd);
	close(fd);
	for (size_t i = 0; i < sizeof(outer) / sizeof(outer[0]); i++) {
		fd = create(BPF_MAP_TYPE_ARRAY_OF_MAPS, outer[i], 4, 4, 2, flows[0]);
		pin(p, outer[i], fd);
		close(fd);
	}
	fd = create(BPF_MAP_TYPE_HASH, "rules", sizeof(struct ts_rule_key),
		    sizeof(struct ts_rule_set), 1024, -1);
	pin(p, "rules", fd);
	close(fd);
	fd = create(BPF_MAP_TYPE_ARRAY, "rules_any", 4, sizeof(struct ts_rule_set), 2, -1);
	pin(p, "rules_any", fd);
	close(fd);
	fd = create(BPF_MAP_TYPE_ARRAY, "rule_ports", 4, 8, TS_RULE_PORT_WORDS, -1);
	pin(p, "rule_ports", fd);
	close(fd);
	fd = create(BPF_MAP_TYPE_LPM_TRIE, "labels", sizeof(struct ts_label_key), 8, 1024, -1);
	pin(p, "labels", fd);
	close(fd);
	fd = create(BPF_MAP_TYPE_ARRAY, "tagnames", 4, sizeof(struct ts_tag_name),
		    TS_TAG_MAX, -1);
	pin(p, "tagnames", fd);
	close(fd);
	fd = create(BPF_MAP_TYPE_ARRAY, "room", 4, sizeof(struct ts_room), 2, -1);
	pin(p, "room", fd);
	close(fd);
	fill(sh, totals[0], flows[0]);
	for (int g = 0; g < 2; g++) {
		close(totals[g]);
		close(flows[g]);
	}
}

static int setup(void **state)
{
	struct pins *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	/* a name no interface has, short enough to be one */
	snprintf(p->name, sizeof(p->name), "tslay%d", (int)getpid() % 1000000);
	snprintf(p->dir, sizeof(p->dir), "%s/%s", TS_PIN_ROOT, p->name);
	/* a machine booted without systemd has no bpffs until a sensor
	 * mounts it: as run does */
	assert_int_equal(ensure_bpffs(), 0);
	mkdir(TS_PIN_ROOT, 0700);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pins *p = *state;
	struct stat st;

	if (stat(p->dir, &st) == 0)
		pins_remove(p->dir);
	rmdir(TS_PIN_ROOT);	/* when no other pins are there (ENOTEMPTY otherwise) */
	free(p);
	return 0;
}

/* What a command printed and how it ended. */
struct outcome {
	int status; /* as waitpid() gives it */
	char out[4096], err[4096];
};

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* Run fn(arg) in a child with its stdout and stderr caught. */
static struct outcome in_child(int (*fn)(const char *), const char *arg)
{
	char out_path[] = "/tmp/ts-test-pins-out-XXXXXX";
	char err_path[] = "/tmp/ts-test-pins-err-XXXXXX";
	int out = mkstemp(out_path), err = mkstemp(err_path);
	struct outcome o;
	pid_t pid;

	assert_true(out >= 0 && err >= 0);
	unlink(out_path);
	unlink(err_path);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		exit(fn(arg));
	}
	assert_int_equal(waitpid(pid, &o.status, 0), pid);
	slurp(out, o.out, sizeof(o.out));
	slurp(err, o.err, sizeof(o.err));
	return o;
}

static int status_of(const char *name)
{
	char *argv[] = { "status", (char *)name, NULL };

	return cmd_status(2, argv);
}

static int detach_of(const char *name)
{
	char *argv[] = { "detach", (char *)name, NULL };

	return cmd_detach(2, argv);
}

/* It ended by exit, not by a signal, with status `code`. */
static void expect_exit(const struct outcome *o, int code, const char *what)
{
	if (!WIFEXITED(o->status))
		fail_msg("%s was killed by signal %d; stderr: %s", what,
			 WTERMSIG(o->status), o->err);
	if (WEXITSTATUS(o->status) != code)
		fail_msg("%s exited %d, expected %d; stdout: %s stderr: %s", what,
			 WEXITSTATUS(o->status), code, o->out, o->err);
}

/*
 * status refuses the pins with the one line run gives (the same check),
 * shows no counts, and detach removes them without reading them.
 */
static void refused_then_removed(struct pins *p, const struct shape *sh,
				 int want_err, const char *why)
{
	char msg[512], line[600];
	struct outcome o;
	struct stat st;

	make_pins(p, sh);
	assert_int_equal(pins_check_layout(p->dir, p->name, msg, sizeof(msg)), want_err);
	assert_non_null(strstr(msg, why));

	o = in_child(status_of, p->name);
	expect_exit(&o, 1, "status");
	snprintf(line, sizeof(line), "xdp-telescope: error: %s\n", msg);
	assert_string_equal(o.err, line);
	assert_string_equal(o.out, ""); /* no counts it cannot interpret */

	o = in_child(detach_of, p->name);
	expect_exit(&o, 0, "detach");
	assert_non_null(strstr(o.err, "removing them without reading the counts"));
	assert_null(strstr(o.err, "discarding")); /* it read no totals */
	if (stat(p->dir, &st) == 0)
		fail_msg("detach left %s", p->dir);
}

static void previous_layout(void **state)
{
	struct pins *p = *state;
	char why[256];

	snprintf(why, sizeof(why), "the maps pinned under %s come from another "
		 "version of xdp-telescope (layout %u, this version's is %u); run "
		 "'xdp-telescope detach %s' first", p->dir, TELESCOPE_LAYOUT - 1,
		 TELESCOPE_LAYOUT, p->name);
	refused_then_removed(p, &previous, -EPROTO, why);
}

static void next_layout(void **state)
{
	struct pins *p = *state;

	refused_then_removed(p, &next, -EPROTO, "come from another version of xdp-telescope");
}

/* The layout number is this one's, but one map is not. */
static void one_map_differs(void **state)
{
	struct pins *p = *state;
	const struct shape sh = { .layout = TELESCOPE_LAYOUT, .flows1_delta = 8 };
	char why[128];

	snprintf(why, sizeof(why), "(flows4_1: map type %u, 4-byte keys, %zu-byte values;",
		 BPF_MAP_TYPE_ARRAY, sizeof(struct ts_flow4_slot) + 8);
	refused_then_removed(p, &sh, -EPROTO, why);
}

static void incomplete(void **state)
{
	struct pins *p = *state;
	const struct shape sh = { .layout = TELESCOPE_LAYOUT, .skip = "tagov_1" };
	char why[128];

	snprintf(why, sizeof(why), "%s/tagov_1 is missing: the pins are incomplete", p->dir);
	refused_then_removed(p, &sh, -EINVAL, why);
}

/* ---- the readers: a map of other sizes is refused, never overrun ---- */

/* 0 when every reader refused the other version's maps. */
static int read_other_version(const char *dir)
{
	static const char *const gm[GM_COUNT] = {
		[GM_TOTALS] = "totals", [GM_FLOWS4] = "flows4", [GM_FLOWS6] = "flows6",
		[GM_OVPORTS] = "ovports",
		[GM_BSCAT] = "bscat", [GM_TAGGED] = "tagged", [GM_TAGOV] = "tagov",
	};
	struct sensor_maps m;
	struct snapshot snap;
	struct ts_totals t;
	struct ts_ctl ctl;
	char path[128];

	maps_init(&m);
	snprintf(path, sizeof(path), "%s/ctl", dir);
	m.ctl_fd = bpf_obj_get(path);
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < GM_COUNT; i++) {
			snprintf(path, sizeof(path), "%s/%s_%d", dir, gm[i], g);
			m.gen[g][i] = bpf_obj_get(path);
		}
	if (!ctl_read(&m, &ctl))
		return 2;
	if (!totals_read(m.gen[0][GM_TOTALS], &t))
		return 3;
	if (!gen_read(&m, 0, &snap))
		return 4;
	if (!gen_clear(&m, 0))
		return 5;
	maps_close(&m);
	return 0;
}

static void readers_refuse(void **state)
{
	struct pins *p = *state;
	const struct shape *shapes[] = { &previous, &next };
	struct outcome o;

	for (size_t i = 0; i < 2; i++) {
		make_pins(p, shapes[i]);
		o = in_child(read_other_version, p->dir);
		expect_exit(&o, 0, i ? "the readers on a next layout"
				     : "the readers on a previous layout");
		assert_non_null(strstr(o.err, "this version reads"));
		assert_int_equal(pins_remove(p->dir), 0);
	}
}

/* ---- the real object's pins pass the same check ---- */

static void own_pins_accepted(void **state)
{
	struct pins *p = *state;
	struct telescope_bpf *skel = bpftest_load(&(struct bpftest_opts){ 0 });
	struct ts_ctl ctl = { .layout = TELESCOPE_LAYOUT };
	struct bpf_map *map;
	char path[128], msg[512];
	struct outcome o;
	__u32 zero = 0;

	assert_int_equal(mkdir(p->dir, 0700), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.ctl), &zero,
					     &ctl, BPF_ANY), 0);
	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", p->dir, bpf_map__name(map));
		assert_int_equal(bpf_map__pin(map, path), 0);
	}
	telescope_bpf__destroy(skel);
	if (pins_check_layout(p->dir, p->name, msg, sizeof(msg)))
		fail_msg("the object's own pins refused: %s", msg);
	/* status reads them (exit 1: no link, so not attached) */
	o = in_child(status_of, p->name);
	expect_exit(&o, 1, "status");
	assert_non_null(strstr(o.out, "total     packets 0,"));
	o = in_child(detach_of, p->name);
	expect_exit(&o, 0, "detach");
	assert_null(strstr(o.err, "without reading"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(previous_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(next_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(one_map_differs, setup, teardown),
		cmocka_unit_test_setup_teardown(incomplete, setup, teardown),
		cmocka_unit_test_setup_teardown(readers_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(own_pins_accepted, setup, teardown),
	};

	kfeature_need(KF_BPF);
	kfeature_need(KF_BPFFS);
	return cmocka_run_group_tests_name("pins of another version", tests, NULL, NULL);
}
