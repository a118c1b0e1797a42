/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * fuzzcheck: the two sides of the differential fuzz (tests/bpf/test_fuzz.c).
 *
 * The kernel's (fuzzkernel.c): the classifier object under
 * BPF_PROG_TEST_RUN, one frame at a time; after each, the change in the
 * totals and every entry of the flow (IPv4 and IPv6), backscatter and
 * tagged maps are read
 * and the entries taken out (one LOOKUP_AND_DELETE_BATCH a map; the maps
 * hold 8 entries, so an empty one is cheap to walk), which leaves the maps
 * telling exactly what the program did with that frame; the room for
 * flows it took is read and given back (room_reset()), as a drain does. The overflow
 * maps (ovports, tagov) are written only along with totals.overflow and
 * tag_overflow, which must stay 0: no map of the fuzz is ever full.
 *
 * User space's (fuzzmodel.c): the same frame through ts_parse() and
 * ts_fingerprint() compiled here (include/parse.h, fingerprint.h), the SIP
 * User-Agent scan and the payload rules as docs/tags.md states them, and
 * the counting of ts_handle() written out for one packet.
 *
 * Both load the shipped rules/default.rules with the loader's own code:
 * tagcfg_apply() into the kernel, rules_load() and the bits it gave for
 * the model. Labelled lists are left out.
 */
#ifndef TS_FUZZCHECK_H
#define TS_FUZZCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "parse.h"
#include "sensor/maps.h"
#include "sensor/rules.h"

/* Entries of the flow, backscatter and tagged maps of the fuzz. */
#define FZ_MAP_ENTRIES 8

/*
 * What the classifier did with one frame (or must do): the change in the
 * totals, the entries it made (0 or 1 each; the kernel side counts any
 * more and keeps the first) and the XDP action.
 */
struct fz_verdict {
	struct ts_totals t;
	__u32 action;
	unsigned flows4, flows6, bscat, tagged;
	__s64 room_taken;        /* of the generation's room for flows */
	struct ts_flow4_key f4;  /* the IPv4 flow entry, as its slot holds it */
	struct ts_flow6_key f6;  /* or the IPv6 one */
	struct ts_flow_val fv;   /* its packed counters, raw */
	struct ts_bs_key bk;
	__u64 bn;
	struct ts_tag_key tk;
	__u64 tn;
};

/* The payload rules as the loader parsed them, each with its tag bit. */
struct fz_rules {
	struct tag_rule *rule;
	__u8 *bit;
	size_t n;
	struct tag_names names;
};

struct telescope_bpf;

struct fz_kernel {
	struct telescope_bpf *skel;
	int prog, totals, flows6, bscat, tagged;
	struct sensor_maps maps; /* for the room of generation 0 */
	struct ts_totals seen; /* totals so far: a frame's are the change */
};

/*
 * Load the classifier (cmocka asserts) with maps of FZ_MAP_ENTRIES and
 * the rules at rules_path; fill `rules` for the model with the same.
 */
void fz_kernel_open(struct fz_kernel *k, const char *rules_path,
		    struct fz_rules *rules);
void fz_kernel_close(struct fz_kernel *k, struct fz_rules *rules);

/* Run one frame, read what it counted, empty the maps. 0, or -1 (errno). */
int fz_kernel_run(struct fz_kernel *k, const uint8_t *frame, size_t len,
		  struct fz_verdict *v);

/*
 * What the program must do with the frame, from the parser compiled in
 * user space; `pkt` is that parse. The frame is parsed from a heap copy
 * of exactly its length (a read past it is visible to ASan or valgrind).
 */
void fz_model(const struct fz_rules *rules, const uint8_t *frame, size_t len,
	      struct fz_verdict *v, struct ts_pkt *pkt);

/* The names of the fields in which a and b differ, in why; 0 if none. */
int fz_differ(const struct fz_verdict *a, const struct fz_verdict *b,
	      char *why, size_t len);

/* A verdict on a few lines, the first headed by `who`. */
void fz_print_verdict(FILE *out, const char *who, const struct fz_verdict *v,
		      const struct tag_names *names);
/* The parser's fields, one line. */
void fz_print_parse(FILE *out, const struct ts_pkt *pkt);
/* The frame as a C array, to paste into a regression test. */
void fz_print_frame(FILE *out, const uint8_t *frame, size_t len);

#endif
