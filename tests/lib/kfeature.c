// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kernel features, probed (kfeature.h). */
#include "kfeature.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statfs.h>
#include <linux/bpf.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static const char *const names[KF_COUNT] = {
	[KF_BPF] = "bpf",
	[KF_BTF] = "btf",
	[KF_BPFFS] = "bpffs",
	[KF_LIVE_FRAMES] = "live-frames",
	[KF_XDP_FANOUT] = "xdp-fanout",
	[KF_SYNCOOKIE] = "syncookie",
};

const char *kfeature_name(enum kfeature f)
{
	return f < KF_COUNT ? names[f] : "?";
}

int kfeature_lookup(const char *name)
{
	for (int f = 0; f < KF_COUNT; f++)
		if (!strcmp(name, names[f]))
			return f;
	return -1;
}

static int say(char *why, size_t len, int offered, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return offered;
}

/* Instructions, written out: the probes need no object file. */
#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
						.off = (o), .imm = (i) })
#define MOV_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* An XDP program returning `verdict`, attached as `type` (0: none). */
static int load_verdict(int verdict, enum bpf_attach_type type)
{
	const struct bpf_insn prog[] = { MOV_IMM(BPF_REG_0, verdict), EXIT() };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "kf_verdict", "GPL", prog, 2, &opts);
}

/* One run of prog over an Ethernet frame of zeros; its verdict, or -1. */
static int test_run(int prog, __u32 flags)
{
	unsigned char frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame),
		    .repeat = 1, .flags = flags);

	if (bpf_prog_test_run_opts(prog, &opts))
		return -1;
	return (int)opts.retval;
}

static int probe_bpf(char *why, size_t len)
{
	int prog = load_verdict(XDP_DROP, 0), verdict;

	if (prog < 0)
		return say(why, len, 0, "cannot load an XDP program: %s (needs root, or CAP_BPF "
			   "and CAP_NET_ADMIN)", strerror(errno));
	verdict = test_run(prog, 0);
	close(prog);
	if (verdict != XDP_DROP)
		return say(why, len, 0, "BPF_PROG_TEST_RUN of an XDP program: %s",
			   verdict < 0 ? strerror(errno) : "wrong verdict");
	return say(why, len, 1, "");
}

static int probe_btf(char *why, size_t len)
{
	struct btf *btf = btf__load_vmlinux_btf();

	if (!btf)
		return say(why, len, 0, "no kernel BTF (/sys/kernel/btf/vmlinux): %s "
			   "(a kernel built with CONFIG_DEBUG_INFO_BTF)", strerror(errno));
	btf__free(btf);
	return say(why, len, 1, "");
}

static int probe_bpffs(char *why, size_t len)
{
	struct statfs st;
	char line[128];
	bool known = false;
	FILE *f;

	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return say(why, len, 1, "");
	f = fopen("/proc/filesystems", "re");
	while (f && fgets(line, sizeof(line), f))
		known |= !strcmp(line, "nodev\tbpf\n");
	if (f)
		fclose(f);
	if (!known)
		return say(why, len, 0, "no bpf filesystem in /proc/filesystems");
	return say(why, len, 1, "not mounted on /sys/fs/bpf yet (xdp-telescope run mounts it)");
}

static int probe_live_frames(char *why, size_t len)
{
	int prog = load_verdict(XDP_DROP, 0), verdict;

	if (prog < 0)
		return say(why, len, 0, "cannot load an XDP program: %s", strerror(errno));
	verdict = test_run(prog, BPF_F_TEST_XDP_LIVE_FRAMES);
	close(prog);
	if (verdict < 0)
		return say(why, len, 0, "BPF_PROG_TEST_RUN refuses BPF_F_TEST_XDP_LIVE_FRAMES "
			   "for a bare XDP_DROP program: %s", strerror(errno));
	return say(why, len, 1, "");
}

/*
 * A devmap entry takes a program attached as BPF_XDP_DEVMAP (5.8), and
 * bpf_redirect_map() takes BPF_F_BROADCAST (5.13): a kernel without the
 * flag answers XDP_ABORTED. The redirect is only asked for, in a test
 * run that does not live frames, so nothing is sent.
 */
static int probe_xdp_fanout(char *why, size_t len)
{
	struct bpf_devmap_val val = { .ifindex = 1 }; /* lo, in every namespace */
	int map, out = -1, in = -1, verdict, offered = 0;
	__u32 key = 0;

	map = bpf_map_create(BPF_MAP_TYPE_DEVMAP, "kf_fanout", 4, sizeof(val), 1, NULL);
	if (map < 0)
		return say(why, len, 0, "cannot make a devmap of entry programs: %s",
			   strerror(errno));
	out = load_verdict(XDP_PASS, BPF_XDP_DEVMAP);
	val.bpf_prog.fd = out;
	if (out < 0 || bpf_map_update_elem(map, &key, &val, BPF_ANY)) {
		say(why, len, 0, "a devmap entry takes no program: %s", strerror(errno));
		goto out;
	}
	{
		const struct bpf_insn prog[] = {
			INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map),
			INSN(0, 0, 0, 0, 0),
			MOV_IMM(BPF_REG_2, 0),
			MOV_IMM(BPF_REG_3, BPF_F_BROADCAST),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map),
			EXIT(),
		};

		in = bpf_prog_load(BPF_PROG_TYPE_XDP, "kf_broadcast", "GPL", prog, 6, NULL);
	}
	if (in < 0) {
		say(why, len, 0, "cannot load a broadcast redirect: %s", strerror(errno));
		goto out;
	}
	verdict = test_run(in, 0);
	if (verdict != XDP_REDIRECT)
		say(why, len, 0, "bpf_redirect_map() with BPF_F_BROADCAST: %s",
		    verdict < 0 ? strerror(errno) : "refused (XDP_ABORTED)");
	else
		offered = say(why, len, 1, "");
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	close(map);
	return offered;
}

static int probe_syncookie(char *why, size_t len)
{
	static const struct {
		enum bpf_func_id id;
		const char *name;
	} helpers[] = {
		{ BPF_FUNC_tcp_raw_gen_syncookie_ipv4, "bpf_tcp_raw_gen_syncookie_ipv4" },
		{ BPF_FUNC_tcp_raw_gen_syncookie_ipv6, "bpf_tcp_raw_gen_syncookie_ipv6" },
		{ BPF_FUNC_tcp_raw_check_syncookie_ipv4, "bpf_tcp_raw_check_syncookie_ipv4" },
		{ BPF_FUNC_tcp_raw_check_syncookie_ipv6, "bpf_tcp_raw_check_syncookie_ipv6" },
	};

	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		int rc = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, helpers[i].id, NULL);

		if (rc != 1)
			return say(why, len, 0, "no %s() for XDP programs%s%s (kernel 6.0, "
				   "CONFIG_SYN_COOKIES)", helpers[i].name, rc < 0 ? ": " : "",
				   rc < 0 ? strerror(-rc) : "");
	}
	return say(why, len, 1, "");
}

int kfeature_probe(enum kfeature f, char *why, size_t len)
{
	switch (f) {
	case KF_BPF: return probe_bpf(why, len);
	case KF_BTF: return probe_btf(why, len);
	case KF_BPFFS: return probe_bpffs(why, len);
	case KF_LIVE_FRAMES: return probe_live_frames(why, len);
	case KF_XDP_FANOUT: return probe_xdp_fanout(why, len);
	case KF_SYNCOOKIE: return probe_syncookie(why, len);
	default: return say(why, len, 0, "no such feature");
	}
}

void kfeature_need(enum kfeature f)
{
	char why[256];

	if (kfeature_probe(f, why, sizeof(why)))
		return;
	fprintf(stderr, "FAIL: kernel: %s: %s\n", kfeature_name(f), why);
	exit(1);
}
