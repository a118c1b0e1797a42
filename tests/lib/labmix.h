/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The frames lab-send sends, with what a correct sensor must make of each
 * (written down by the recipe that built it, not computed by the parser
 * under test): the recipes (labframe.c) and the mixes built from them
 * (labmix.c: e2e, demo; labmix_tags.c: tags). Every mix is a function of
 * the frame's number and the seed alone.
 */
#ifndef TS_LABMIX_H
#define TS_LABMIX_H

#include <stdbool.h>
#include <stdint.h>
#include "pktbuild.h"

/* ---- what the sensor must make of a frame ---- */

enum verdict { V_IP, V_MALFORMED, V_NON_IP };

struct expect {
	enum verdict verdict;
	int proto, port;          /* flow key (proto number, port or type) */
	int mirai, fragment, quote_mismatch;
	const char *bs_kind;      /* CSV kind, NULL if not backscatter */
	int bs_port;
	const char *tags;         /* tag names, space-separated; NULL: none */
};

struct frame {
	struct pb_packet p;
	struct pb_packet inner;   /* ICMP quote */
	struct expect e;
};

/* Seed the mixes' random numbers. */
void lab_seed(uint64_t seed);

/* Frame i of a mix. tags_reloaded: the tags mix after its SIGHUP, when the
 * rules file has gained `new_hello udp 5000 0 "HELLO"`. */
void mix_e2e(uint64_t i, struct frame *f);
void mix_demo(uint64_t i, struct frame *f);
void mix_tags(uint64_t i, struct frame *f, bool tags_reloaded);

/* ---- for the mixes: random numbers and frame recipes (labframe.c) ---- */
uint64_t rnd(void);
uint32_t rnd_below(uint32_t n);
void lab_tcp(struct frame *f, const char *src, const char *dst, int dport, uint8_t flags);
void lab_syn(struct frame *f, const char *src, const char *dst, int dport);
void lab_mirai(struct frame *f, const char *src, const char *dst, int dport);
void lab_udp(struct frame *f, const char *src, const char *dst, int dport, const char *payload);
void lab_icmp(struct frame *f, const char *src, const char *dst, int type);
void lab_tcp_backscatter(struct frame *f, const char *victim, const char *us, int victim_port,
		     uint8_t flags, const char *kind);
void lab_icmp_error(struct frame *f, const char *victim, const char *us, int type,
		const char *kind, const char *quoted_src, uint8_t inner_proto, int victim_port);

#endif
