/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What this kernel lets the tests and the benchmark do, asked of the
 * kernel itself (a program loaded, a test run tried), never guessed from
 * its version: kernels of one version differ in configuration, and a
 * security module can refuse what the code offers.
 */
#ifndef TS_KFEATURE_H
#define TS_KFEATURE_H

#include <stddef.h>

enum kfeature {
	KF_BPF,         /* "bpf": load an XDP program and test-run it */
	KF_BTF,         /* "btf": the kernel's own BTF, /sys/kernel/btf/vmlinux */
	KF_BPFFS,       /* "bpffs": the BPF filesystem, mounted on /sys/fs/bpf or mountable */
	KF_LIVE_FRAMES, /* "live-frames": BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES */
	KF_XDP_FANOUT,  /* "xdp-fanout": devmap entry programs and BPF_F_BROADCAST redirects */
	KF_SYNCOOKIE,   /* "syncookie": the bpf_tcp_raw_{gen,check}_syncookie_ipv{4,6} helpers in XDP */
	KF_COUNT
};

/* The feature's name as above, or its number for a name (-1: none). */
const char *kfeature_name(enum kfeature f);
int kfeature_lookup(const char *name);

/*
 * Ask the kernel for feature f: 1 when it offers it, 0 when not, with
 * why in `why` (one line, no newline: what was tried and what the kernel
 * answered). A feature offered may leave a note there too (e.g. bpffs
 * not mounted yet), else an empty string.
 */
int kfeature_probe(enum kfeature f, char *why, size_t len);

/*
 * For a test's main(), before any case: return when the kernel offers f,
 * else exit 1 with one line, "FAIL: kernel: NAME: why" (tests/lib/kernel.sh
 * does the same for the scripts).
 */
void kfeature_need(enum kfeature f);

#endif /* TS_KFEATURE_H */
